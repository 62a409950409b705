//! The city lock: a folder under the install folder of every server of the city, holding who
//! took it (operator, pid, run, release, when). Two operators cannot roll out to one city at
//! once; a stale lock is reported with its owner and broken only on request.

use chrono::{DateTime, Utc};

/// The info line written into the lock.
pub fn info(run: &str, version: &str) -> String {
    format!(
        "run={run} operator={} pid={} release={version} since={}",
        crate::db::operator(),
        std::process::id(),
        crate::window::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

/// When the lock was taken, from its info line.
pub fn since(info: &str) -> Option<DateTime<Utc>> {
    let s = info
        .split_whitespace()
        .find_map(|w| w.strip_prefix("since="))?;
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The run that holds the lock.
pub fn run_of(info: &str) -> Option<&str> {
    info.split_whitespace().find_map(|w| w.strip_prefix("run="))
}

/// "held by … since …", with "(stale: N min)" past `stale_after`.
pub fn describe(info: &str, stale_after: std::time::Duration) -> String {
    let age = since(info).map(|t| crate::window::now().signed_duration_since(t));
    match age {
        Some(a) if a.num_seconds() > stale_after.as_secs() as i64 => {
            format!(
                "{info} (stale: taken {} min ago; break it with `jinbao rollout unlock <city>`)",
                a.num_minutes()
            )
        }
        _ => info.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn info_round_trips() {
        let i = super::info("r1", "1.0.0");
        assert_eq!(super::run_of(&i), Some("r1"));
        assert!(super::since(&i).is_some());
    }
}
