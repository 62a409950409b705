//! How the domain reports progress without knowing the printer: a small handle that says
//! whether bars are shown and makes the bars jinbao draws (one style each, written here
//! once). The command layer's printer hands it out; the bars go to stderr.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress bars are drawn, and the bars themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bars are drawn: only on a terminal, never with --json or -q (the printer decides).
    shown: bool,
}

impl Progress {
    pub fn new(shown: bool) -> Self {
        Progress { shown }
    }

    pub fn shown(&self) -> bool {
        self.shown
    }

    /// The same handle without bars (for work nested under another bar).
    pub fn hidden(&self) -> Progress {
        Progress { shown: false }
    }

    /// A set of progress bars, hidden when progress is off.
    pub fn multi(&self) -> MultiProgress {
        if self.shown {
            MultiProgress::with_draw_target(ProgressDrawTarget::stderr())
        } else {
            MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
        }
    }

    /// One line per host: a spinner, the host and what it is doing.
    pub fn host_bar(&self, multi: &MultiProgress, host: &str) -> ProgressBar {
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {prefix:<24} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(host.to_string());
        if self.shown {
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        bar
    }

    /// One line per city of a rollout: its servers done out of `n`, and what it is doing.
    pub fn city_bar(&self, multi: &MultiProgress, city: &str, n: usize) -> ProgressBar {
        if !self.shown {
            return ProgressBar::hidden();
        }
        let bar = multi.add(ProgressBar::new(n as u64));
        bar.set_style(
            ProgressStyle::with_template("{prefix:<14} [{bar:20}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_prefix(city.to_string());
        bar
    }

    /// A bar over the bytes of a file (its size known when it was opened), with an ETA.
    pub fn file_bar(&self, len: u64) -> ProgressBar {
        if !self.shown {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner:.cyan} [{elapsed_precise}] {bar:30} {percent:>3}% {binary_bytes}/{binary_total_bytes} (eta {eta}) {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar
    }

    /// A counting bar (rows, files, hosts) with a rate.
    pub fn count_bar(&self, len: Option<u64>, unit: &str) -> ProgressBar {
        if !self.shown {
            return ProgressBar::hidden();
        }
        let bar = match len {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::new_spinner(),
        };
        let template = format!(
            "{{spinner:.cyan}} [{{elapsed_precise}}] {{bar:30}} {{human_pos}} {unit} ({{rate}}) {{msg}}"
        );
        bar.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key("rate", rate),
        );
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar
    }
}

/// A progress rate in whole units per second (indicatif's own shows four decimals).
fn rate(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = write!(w, "{}/s", whole_rate(state.per_sec()));
}

fn whole_rate(per_sec: f64) -> String {
    if per_sec.is_finite() && per_sec >= 0.0 {
        // grouped like the bar's count beside it (14,124 rows (190,963/s)): one number format
        indicatif::HumanCount(per_sec.round() as u64).to_string()
    } else {
        "-".into()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_are_whole_numbers() {
        assert_eq!(super::whole_rate(1234.5678), "1,235");
        assert_eq!(super::whole_rate(0.4), "0");
        assert_eq!(super::whole_rate(f64::INFINITY), "-");
    }

    #[test]
    fn a_hidden_handle_draws_nothing() {
        let shown = super::Progress::new(true);
        assert!(shown.shown());
        assert!(!shown.hidden().shown());
        assert!(shown.hidden().count_bar(Some(3), "hosts").is_hidden());
        assert!(shown.hidden().file_bar(10).is_hidden());
    }
}
