//! Health checks for city admins (the daily inspection, 巡检) and monitoring systems: one row
//! per check with a status, the measured value, the profile's threshold and a hint.

mod backup;
mod database;
mod evaluate;
mod probe;
mod servers;

pub use backup::backup_checks;
pub use database::database_checks;
pub use evaluate::{city_checks, host_checks, unreachable};
pub use probe::{HostProbe, parse, script};
pub use servers::servers;
// what a check found is a record the histories keep: it lives with them
pub use crate::state::verdicts::{Check, Perf, Status};

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
    "units",
    "release",
    "app",
    "routes",
    "endpoints",
    "database",
    "schema",
    "drift",
    "data",
    "backup",
    "drill",
    "archive",
];

/// The checks that need a connection to the servers.
pub const HOST_CHECKS: &[&str] = CHECKS.split_at(12).0;

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
