//! The only module that writes to the terminal: tables and text for people, JSON for
//! scripts on stdout; notes, warnings and progress on stderr. Everything it writes passes
//! through `privacy::scrub`: no secret and no unmasked ID number reaches the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{self, IsTerminal, Write};

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::privacy::{scrub, scrub_bytes};

#[derive(Debug, Clone)]
pub struct Printer {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub color: bool,
    /// Progress bars: only on a terminal, never with --json or -q.
    pub progress: bool,
    stdout_tty: bool,
}

/// The tone of a status cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warn,
    Bad,
    Muted,
    Plain,
}

impl Printer {
    pub fn new(json: bool, quiet: bool, verbose: u8, color: Option<bool>) -> Self {
        let stdout_tty = io::stdout().is_terminal();
        let stderr_tty = io::stderr().is_terminal();
        let color = color
            .unwrap_or(stdout_tty && !crate::env_vars::is_set(crate::env_vars::NO_COLOR) && !json);
        Printer {
            json,
            quiet,
            verbose,
            color,
            progress: stdout_tty && stderr_tty && !json && !quiet,
            stdout_tty,
        }
    }

    /// The same printer without progress bars (for work nested under another bar).
    pub fn quiet_clone(&self) -> Printer {
        Printer {
            progress: false,
            ..self.clone()
        }
    }

    /// A value as pretty JSON on stdout.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        let mut text = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
        text.push(b'\n');
        io::stdout().lock().write_all(&scrub_bytes(&text))
    }

    /// One JSON value per line (for `--events ndjson`).
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        let mut text = serde_json::to_vec(value).map_err(io::Error::other)?;
        text.push(b'\n');
        let mut out = io::stdout().lock();
        out.write_all(&scrub_bytes(&text))?;
        out.flush()
    }

    /// Text for people on stdout.
    pub fn text(&self, text: impl std::fmt::Display) -> io::Result<()> {
        let mut out = io::stdout().lock();
        let text = scrub(&text.to_string()).into_owned();
        if self.color {
            // coloured tables carry their own escapes; their cells were made visible already
            writeln!(out, "{text}")
        } else {
            writeln!(out, "{}", visible(&text))
        }
    }

    /// A table with the house style; columns wrap only on a terminal.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        t.set_header(header.iter().map(Cell::new).collect::<Vec<_>>());
        if self.stdout_tty {
            t.set_content_arrangement(ContentArrangement::Dynamic);
        } else {
            t.force_no_tty();
        }
        if self.color {
            t.enforce_styling();
        }
        t
    }

    pub fn print_table(&self, table: &Table) -> io::Result<()> {
        self.text(table)
    }

    /// A cell coloured by its tone (plain when colour is off).
    pub fn cell(&self, text: impl ToString, tone: Tone) -> Cell {
        let cell = Cell::new(visible(&text.to_string()));
        if !self.color {
            return cell;
        }
        match tone {
            Tone::Good => cell.fg(Color::Green),
            Tone::Warn => cell.fg(Color::Yellow),
            Tone::Bad => cell.fg(Color::Red),
            Tone::Muted => cell.fg(Color::DarkGrey),
            Tone::Plain => cell,
        }
    }

    /// A remark for people on stderr (silent with -q).
    pub fn note(&self, text: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{}", visible(&scrub(&text.to_string())));
        }
    }

    pub fn warn(&self, text: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!(
                "{}: {}",
                self.paint("warning", "33"),
                visible(&scrub(&text.to_string()))
            );
        }
    }

    /// An error with its causes and a hint (cargo's layout).
    pub fn error(&self, message: &str, causes: &[String], hint: Option<&str>) {
        eprintln!(
            "{}: {}",
            self.paint("error", "31;1"),
            visible(&scrub(message))
        );
        for cause in causes {
            eprintln!("\nCaused by:\n    {}", visible(&scrub(cause)));
        }
        if let Some(h) = hint {
            eprintln!("{}: {}", self.paint("hint", "36"), visible(&scrub(h)));
        }
    }

    /// A pre-rendered diagnostic block (with location and snippet).
    pub fn diagnostic(&self, text: &str) {
        eprint!("{}: {}", self.paint("error", "31;1"), visible(&scrub(text)));
    }

    /// Asks a yes/no question on the terminal; false when stdin is not a terminal.
    pub fn confirm(&self, question: &str) -> bool {
        if !io::stdin().is_terminal() {
            return false;
        }
        eprint!("{question} [y/N] ");
        let _ = io::stderr().flush();
        let mut answer = String::new();
        io::stdin().read_line(&mut answer).is_ok()
            && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
    }

    fn paint(&self, text: &str, sgr: &str) -> String {
        if self.color && io::stderr().is_terminal() {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A set of progress bars, hidden when progress is off.
    pub fn multi_progress(&self) -> MultiProgress {
        if self.progress {
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
        if self.progress {
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        bar
    }

    /// A counting bar (rows, files) with a rate.
    pub fn count_bar(&self, len: Option<u64>, unit: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = match len {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::new_spinner(),
        };
        let template = format!(
            "{{spinner:.cyan}} [{{elapsed_precise}}] {{bar:30}} {{human_pos}} {unit} ({{per_sec}}) {{msg}}"
        );
        bar.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar
    }
}

/// `text` with control characters (other than newline and tab) shown as escapes, so that
/// bytes from a server, a lock file or an extract cannot drive the operator's terminal.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let is_control = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_bytes_are_shown_not_obeyed() {
        assert_eq!(super::visible("a\x1b[2Jb\n"), "a\\u{1b}[2Jb\n");
        assert_eq!(super::visible("许昌\tok"), "许昌\tok");
    }
}
