//! Health checks for city admins (the daily inspection, 巡检) and monitoring systems: one row
//! per check with a status, the measured value, the profile's threshold and a hint.

mod evaluate;
mod probe;
mod servers;

use serde::{Deserialize, Serialize};

pub use evaluate::{city_checks, database_checks, host_checks, unreachable};
pub use probe::{HostProbe, parse, script};
pub use servers::servers;

/// The monitoring-plugin statuses; the exit code of `jinbao health` is the worst one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl Status {
    /// How bad, for sorting and aggregation: CRITICAL > UNKNOWN > WARNING > OK.
    pub fn rank(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Unknown => 2,
            Status::Critical => 3,
        }
    }

    /// The monitoring-plugin exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }

    /// OK below `warn`, WARNING from it, CRITICAL from `crit`.
    pub fn of(value: f64, warn: f64, crit: f64) -> Status {
        if value >= crit {
            Status::Critical
        } else if value >= warn {
            Status::Warning
        } else {
            Status::Ok
        }
    }
}

/// Every check jinbao runs, as `--only` and `--skip` and profiles' `checks.skip` name them:
/// first those run on the servers (`HOST_CHECKS`), then those run from the operator.
pub const CHECKS: &[&str] = &[
    "ssh",
    "clock",
    "disk",
    "inodes",
    "memory",
    "load",
    "service",
    "release",
    "app",
    "routes",
    "endpoints",
    "database",
    "schema",
    "drift",
    "data",
];

/// The checks that need a connection to the servers.
pub const HOST_CHECKS: &[&str] = CHECKS.split_at(11).0;

/// Performance data for the monitoring-plugin line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Perf {
    pub label: String,
    pub value: f64,
    pub uom: String,
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    /// A value below the thresholds is the problem (a score): written `95:` for Nagios.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lower_is_worse: bool,
    /// A value away from zero either way is the problem (a clock offset): `-2:2`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub both_signs: bool,
}

impl Perf {
    /// A threshold in the monitoring-plugin range syntax: `N` alerts above N (and below 0),
    /// `N:` below N, `-N:N` outside ±N.
    pub fn range(&self, threshold: Option<f64>) -> String {
        match threshold {
            None => String::new(),
            Some(t) if self.lower_is_worse => format!("{t}:"),
            Some(t) if self.both_signs => format!("{}:{t}", -t.abs()),
            Some(t) => format!("{t}"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub city: String,
    /// The server (None: a check of the whole city or its database).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub check: String,
    pub status: Status,
    pub value: String,
    pub threshold: String,
    pub hint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perf: Option<Perf>,
}

impl Check {
    pub fn new(
        city: &str,
        host: Option<&str>,
        check: &str,
        status: Status,
        value: impl Into<String>,
    ) -> Self {
        Check {
            city: city.to_string(),
            host: host.map(str::to_string),
            check: check.to_string(),
            status,
            value: value.into(),
            threshold: String::new(),
            hint: String::new(),
            perf: None,
        }
    }

    pub fn threshold(mut self, t: impl Into<String>) -> Self {
        self.threshold = t.into();
        self
    }

    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = h.into();
        self
    }

    pub fn perf(
        mut self,
        label: impl Into<String>,
        value: f64,
        uom: &str,
        warn: Option<f64>,
        crit: Option<f64>,
    ) -> Self {
        self.perf = Some(Perf {
            label: label.into(),
            // never `-0` in a plugin line
            value: value + 0.0,
            uom: uom.to_string(),
            warn,
            crit,
            lower_is_worse: false,
            both_signs: false,
        });
        self
    }

    /// Its measurement is a problem below the thresholds (a score).
    pub fn lower_is_worse(mut self) -> Self {
        if let Some(p) = &mut self.perf {
            p.lower_is_worse = true;
        }
        self
    }

    /// Its measurement is a problem away from zero either way (an offset).
    pub fn both_signs(mut self) -> Self {
        if let Some(p) = &mut self.perf {
            p.both_signs = true;
        }
        self
    }
}

/// The worst status of a set of checks (OK for none).
pub fn worst<'a>(checks: impl IntoIterator<Item = &'a Check>) -> Status {
    checks
        .into_iter()
        .map(|c| c.status)
        .max_by_key(|s| s.rank())
        .unwrap_or(Status::Ok)
}

/// One line in the monitoring-plugin format: `JINBAO HEALTH <STATUS> - <text> | <perfdata>`.
pub fn nagios_line(checks: &[Check]) -> String {
    let status = worst(checks);
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let mut bad: Vec<&Check> = checks.iter().filter(|c| c.status != Status::Ok).collect();
    bad.sort_by_key(|c| std::cmp::Reverse(c.status.rank()));
    let mut text = format!(
        "{} critical, {} warning, {} unknown, {} ok",
        count(Status::Critical),
        count(Status::Warning),
        count(Status::Unknown),
        count(Status::Ok)
    );
    for c in bad.iter().take(5) {
        let who = c
            .host
            .as_deref()
            .map_or(c.city.clone(), |h| format!("{}/{h}", c.city));
        text.push_str(&format!(
            "; {who} {} {}: {}",
            c.check,
            c.status.as_str(),
            c.value.replace(['|', '\n'], " ")
        ));
    }
    let mut perf = vec![
        format!("checks={}", checks.len()),
        format!("critical={}", count(Status::Critical)),
        format!("warning={}", count(Status::Warning)),
        format!("unknown={}", count(Status::Unknown)),
    ];
    // the counts, every problem's measurement, then others up to a readable length
    let mut with_perf: Vec<&Check> = checks.iter().filter(|c| c.perf.is_some()).collect();
    with_perf.sort_by_key(|c| std::cmp::Reverse(c.status.rank()));
    let problems = with_perf.iter().filter(|c| c.status != Status::Ok).count();
    for c in with_perf.into_iter().take(problems.max(40)) {
        if let Some(p) = &c.perf {
            let label = p.label.replace(['\'', '=', ' '], "_");
            perf.push(format!(
                "'{label}'={}{};{};{}",
                p.value,
                p.uom,
                p.range(p.warn),
                p.range(p.crit)
            ));
        }
    }
    format!(
        "JINBAO HEALTH {} - {text} | {}",
        status.as_str(),
        perf.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_checks_are_the_ones_run_on_servers() {
        assert_eq!(HOST_CHECKS.first(), Some(&"ssh"));
        assert_eq!(HOST_CHECKS.last(), Some(&"endpoints"));
    }

    #[test]
    fn the_worst_status_decides() {
        let c = |s| Check::new("x", None, "disk", s, "1");
        assert_eq!(worst(&[c(Status::Ok), c(Status::Warning)]), Status::Warning);
        assert_eq!(
            worst(&[c(Status::Unknown), c(Status::Warning)]),
            Status::Unknown
        );
        assert_eq!(
            worst(&[c(Status::Unknown), c(Status::Critical)]),
            Status::Critical
        );
        assert_eq!(Status::of(85.0, 80.0, 90.0), Status::Warning);
        assert_eq!(Status::of(95.0, 80.0, 90.0), Status::Critical);
    }

    #[test]
    fn nagios_line_parses() {
        let checks = vec![
            Check::new("xuchang", Some("app1"), "disk", Status::Warning, "85% of /").perf(
                "app1 /",
                85.0,
                "%",
                Some(80.0),
                Some(90.0),
            ),
            Check::new("xuchang", Some("app1"), "ssh", Status::Ok, "12 ms"),
        ];
        let line = nagios_line(&checks);
        assert!(line.starts_with("JINBAO HEALTH WARNING - 0 critical, 1 warning, 0 unknown, 1 ok; xuchang/app1 disk WARNING: 85% of /"), "{line}");
        let (_, perf) = line.split_once(" | ").unwrap();
        assert!(perf.contains("'app1_/'=85%;80;90"), "{perf}");
        assert!(!line.contains('\n'));
    }

    /// A score is bad below its threshold (`95:`), a clock offset either way (`-2:2`): in the
    /// plain form (`95`) a monitor would alert on every good score.
    #[test]
    fn nagios_thresholds_say_which_side_is_worse() {
        let checks = vec![
            Check::new("hebi", None, "data", Status::Ok, "score 98.5")
                .perf("hebi_data_score", 98.5, "", Some(95.0), None)
                .lower_is_worse(),
            Check::new("hebi", Some("app1"), "clock", Status::Ok, "-0.4 s")
                .perf("app1_clock", -0.4, "s", Some(2.0), Some(10.0))
                .both_signs(),
        ];
        let line = nagios_line(&checks);
        assert!(line.contains("'hebi_data_score'=98.5;95:;"), "{line}");
        assert!(line.contains("'app1_clock'=-0.4s;-2:2;-10:10"), "{line}");
    }
}
