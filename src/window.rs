//! Maintenance windows and blackout dates: when a city's servers may be changed.
//!
//! Windows: `daily 22:00-06:00`, `sat,sun 00:00-24:00`, `weekdays 20:00-23:00` (a window may
//! cross midnight). Blackouts: `monthly 28-31` (days of every month), `2026-10-01..2026-10-07`,
//! `2026-12-31`. Times are in the profile's `utc_offset`.

use chrono::{DateTime, Datelike, Timelike, Utc};

// what a window says is the profile's to read (a typo is refused with the profiles)
pub use crate::profile::maintenance::{
    Blackout, Window, WindowError, offset, parse_blackout, parse_offset, parse_window, problems,
};
use crate::profile::{Maintenance, Site};

/// Why a change is not allowed now (None: it is). A value that cannot be read closes: the
/// profile check refuses it first, this is the second line.
pub fn closed(m: &Maintenance, now: DateTime<Utc>) -> Option<String> {
    if let Some((key, _, e)) = problems(m).into_iter().next() {
        return Some(format!("maintenance.{key} cannot be read: {e}"));
    }
    let local = now.with_timezone(&offset(m).ok()?);
    let date = local.date_naive();
    for b in m.blackout.iter().filter_map(|b| parse_blackout(b).ok()) {
        let hit = match b {
            Blackout::MonthDays(a, z) => (a..=z).contains(&date.day()),
            Blackout::Dates(a, z) => date >= a && date <= z,
        };
        if hit {
            return Some(format!(
                "{} is a blackout day ({})",
                date,
                describe_blackouts(m)
            ));
        }
    }
    let windows: Vec<Window> = m
        .windows
        .iter()
        .filter_map(|w| parse_window(w).ok())
        .collect();
    if windows.is_empty() {
        return None;
    }
    let open = within(&windows, &local);
    (!open).then(|| {
        format!(
            "{} is outside the maintenance windows ({})",
            local.format("%Y-%m-%d %H:%M %:z"),
            m.windows.join("; ")
        )
    })
}

/// True when `local` falls inside one of `windows`.
pub fn within<Tz: chrono::TimeZone>(windows: &[Window], local: &DateTime<Tz>) -> bool {
    let minute = local.hour() * 60 + local.minute();
    let today = local.weekday();
    let yesterday = today.pred();
    windows.iter().any(|w| {
        if w.start <= w.end {
            w.days.contains(&today) && minute >= w.start && minute < w.end
        } else {
            // crosses midnight: the evening part today, the morning part from yesterday's window
            (w.days.contains(&today) && minute >= w.start)
                || (w.days.contains(&yesterday) && minute < w.end)
        }
    })
}

/// The transfer budget of a city now (bytes per second; None: no limit): the business-hours
/// rate inside its business hours, else its rate. Values were validated with the profile.
pub fn transfer_rate(site: &crate::profile::Site, now: DateTime<Utc>) -> Option<u64> {
    let n = &site.profile.network;
    let m = &site.profile.maintenance;
    let hours: Vec<Window> = n
        .business_hours
        .iter()
        .filter_map(|w| parse_window(w).ok())
        .collect();
    let busy = !n.business_hours_rate.is_empty()
        && offset(m).is_ok_and(|o| within(&hours, &now.with_timezone(&o)));
    let rate = if busy {
        &n.business_hours_rate
    } else {
        &n.transfer_rate
    };
    crate::profile::rate::parse_rate(rate).ok().flatten()
}

fn describe_blackouts(m: &Maintenance) -> String {
    m.blackout.join("; ")
}

/// Whether the sites may be changed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// Every site is inside its window.
    Open,
    /// Some are not, and the operator gave a reason to go on: record it.
    Overridden {
        cities: Vec<String>,
        /// `city: why it is closed`, one per closed city.
        closed: Vec<String>,
        reason: String,
    },
}

/// Some sites are outside their window and no reason to go on was given.
#[derive(Debug, thiserror::Error)]
#[error("not allowed now: {}", .0.join("; "))]
pub struct Closed(pub Vec<String>);

/// Decides whether `sites` may be changed at `now`: open, overridden (with a non-empty
/// reason), or closed. Records and prints nothing: the command does.
pub fn check_all(
    sites: &[&Site],
    now: DateTime<Utc>,
    override_reason: Option<&str>,
) -> Result<Opening, Closed> {
    let mut closed_sites: Vec<(String, String)> = Vec::new();
    for s in sites {
        if closed_sites.iter().any(|(p, _)| p == s.pinyin()) {
            continue;
        }
        if let Some(why) = closed(&s.profile.maintenance, now) {
            closed_sites.push((s.pinyin().to_string(), why));
        }
    }
    if closed_sites.is_empty() {
        return Ok(Opening::Open);
    }
    let list: Vec<String> = closed_sites
        .iter()
        .map(|(c, w)| format!("{c}: {w}"))
        .collect();
    match override_reason {
        Some(reason) if !reason.trim().is_empty() => Ok(Opening::Overridden {
            cities: closed_sites.into_iter().map(|(c, _)| c).collect(),
            closed: list,
            reason: reason.to_string(),
        }),
        _ => Err(Closed(list)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(windows: &[&str], blackout: &[&str]) -> Maintenance {
        Maintenance {
            windows: windows.iter().map(|s| s.to_string()).collect(),
            blackout: blackout.iter().map(|s| s.to_string()).collect(),
            utc_offset: "+08:00".into(),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn windows_cross_midnight() {
        let w = m(&["daily 22:00-06:00"], &[]);
        assert!(closed(&w, at("2026-11-26T23:30:00+08:00")).is_none());
        assert!(closed(&w, at("2026-11-27T05:59:00+08:00")).is_none());
        assert!(closed(&w, at("2026-11-27T12:00:00+08:00")).is_some());
        // 14:30 UTC is 22:30 in Henan
        assert!(closed(&w, at("2026-11-26T14:30:00Z")).is_none());
    }

    #[test]
    fn day_lists_and_blackouts() {
        let w = m(
            &["sat,sun 00:00-24:00"],
            &["monthly 28-31", "2026-10-01..2026-10-07"],
        );
        assert!(closed(&w, at("2026-11-21T10:00:00+08:00")).is_none()); // a Saturday
        assert!(closed(&w, at("2026-11-23T10:00:00+08:00")).is_some()); // a Monday
        assert!(
            closed(&w, at("2026-11-28T10:00:00+08:00"))
                .unwrap()
                .contains("blackout")
        );
        assert!(
            closed(&w, at("2026-10-03T10:00:00+08:00"))
                .unwrap()
                .contains("blackout")
        );
        assert!(closed(&m(&[], &[]), at("2026-11-28T10:00:00+08:00")).is_none());
    }

    #[test]
    fn bad_specs_are_refused() {
        assert!(parse_window("daily 22-06").is_err());
        assert!(parse_window("funday 10:00-11:00").is_err());
        assert!(parse_blackout("monthly 30-2").is_err());
        assert!(parse_blackout("2026-02-30").is_err());
        assert!(parse_offset("+0800").is_err() || parse_offset("+08:00").is_ok());
    }

    #[test]
    fn an_unreadable_value_closes_instead_of_opening() {
        // a misspelled window was once skipped: with no window left, every hour was open
        let typo = m(&["dialy 22:00-06:00"], &[]);
        let why = closed(&typo, at("2026-11-23T12:00:00+08:00")).unwrap();
        assert!(why.contains("maintenance.windows cannot be read"), "{why}");
        assert!(
            closed(
                &m(&[], &["2026-10-07..2026-10-01"]),
                at("2026-11-23T12:00:00+08:00")
            )
            .is_some()
        );
        let mut bad_offset = m(&[], &[]);
        bad_offset.utc_offset = "UTC+8".into();
        assert!(closed(&bad_offset, at("2026-11-23T12:00:00+08:00")).is_some());
        let mut unset = m(&["daily 22:00-06:00"], &[]);
        unset.utc_offset = String::new();
        // 14:30 UTC is 22:30 in China Standard Time, the default
        assert!(closed(&unset, at("2026-11-26T14:30:00Z")).is_none());
        assert_eq!(
            problems(&m(&["daily 22:00-06:00"], &["monthly 28-31"])),
            vec![]
        );
        assert_eq!(
            problems(&m(&["dialy 22:00-06:00"], &[])),
            vec![("windows", Some(0), WindowError::Day("dialy".into()))]
        );
    }
}
