//! The city lock on servers: a folder under the install folder of every server of the city,
//! holding who took it (run, operator, controller host, pid and the process's start time,
//! release, when). Two operators cannot roll out to one city at once; a lock whose jinbao
//! provably died (same controller, process gone) is taken over; any other is reported with its
//! owner and broken only on request (`rollout unlock`).

use chrono::{DateTime, Utc};

/// The info line written into the lock.
pub fn info(run: &str, version: &str) -> String {
    let pid = std::process::id();
    format!(
        "run={run} operator={} host={} pid={pid} start={} release={version} since={}",
        crate::db::operator(),
        crate::state::lock::hostname(),
        crate::state::lock::start_time(pid).unwrap_or(0),
        crate::window::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

fn field<'a>(info: &'a str, key: &str) -> Option<&'a str> {
    info.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

/// True when the lock's holder is provably gone: a jinbao of this controller whose process
/// is no longer running (or whose pid now belongs to another process).
pub fn is_dead(info: &str) -> bool {
    let (Some(host), Some(pid), Some(start)) = (
        field(info, "host"),
        field(info, "pid").and_then(|p| p.parse::<u32>().ok()),
        field(info, "start").and_then(|s| s.parse::<u64>().ok()),
    ) else {
        return false;
    };
    host == crate::state::lock::hostname() && crate::state::lock::start_time(pid) != Some(start)
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
    field(info, "run")
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
        assert!(!super::is_dead(&i), "this process holds it");
        let gone = i.replace(&format!("pid={}", std::process::id()), "pid=4294967294");
        assert!(super::is_dead(&gone));
        let elsewhere = i.replace("host=", "host=other-");
        assert!(!super::is_dead(&elsewhere.replace(
            &format!("pid={}", std::process::id()),
            "pid=4294967294"
        )));
    }
}
