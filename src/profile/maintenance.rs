//! What a profile's `[maintenance]` says, read: windows (`daily 22:00-06:00`, `sat,sun
//! 00:00-24:00`, crossing midnight allowed), blackouts (`monthly 28-31`, `2026-10-01..2026-10-07`)
//! and the `utc_offset` their times are in. The profile check refuses what cannot be read;
//! `window` decides from it whether a change may happen now.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Timelike, Weekday};

use super::Maintenance;
use super::safe::excerpt;

/// A maintenance window, blackout or time zone offset that cannot be read (the value is
/// shown as a short excerpt).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("`{0}`: write e.g. \"daily 22:00-06:00\"")]
    Window(String),
    #[error("`{0}` is not a day (mon … sun)")]
    Day(String),
    #[error("`{0}`: write HH:MM-HH:MM")]
    Times(String),
    #[error("`{0}` is not HH:MM")]
    Time(String),
    #[error("`{0}` is not a day of the month")]
    MonthDay(String),
    #[error("`{0}`: days run 1-31, first before last")]
    MonthDays(String),
    #[error("`{0}` is not YYYY-MM-DD")]
    Date(String),
    #[error("`{0}`: the first date comes after the last")]
    Dates(String),
    #[error("`{0}` is not a UTC offset like +08:00")]
    Offset(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub(crate) days: Vec<Weekday>,
    /// Minutes after midnight; `end` before `start` crosses midnight.
    pub(crate) start: u32,
    pub(crate) end: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Blackout {
    MonthDays(u32, u32),
    Dates(NaiveDate, NaiveDate),
}

pub fn parse_window(s: &str) -> Result<Window, WindowError> {
    let (days, times) = s
        .trim()
        .split_once(' ')
        .ok_or_else(|| WindowError::Window(excerpt(s)))?;
    let days = match days {
        "daily" => ALL_DAYS.to_vec(),
        "weekdays" => ALL_DAYS[..5].to_vec(),
        "weekends" => ALL_DAYS[5..].to_vec(),
        list => list
            .split(',')
            .map(|d| {
                d.trim()
                    .parse::<Weekday>()
                    .map_err(|_| WindowError::Day(excerpt(d)))
            })
            .collect::<Result<_, _>>()?,
    };
    let (a, b) = times
        .trim()
        .split_once('-')
        .ok_or_else(|| WindowError::Times(excerpt(times)))?;
    Ok(Window {
        days,
        start: minutes(a)?,
        end: minutes(b)?,
    })
}

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn minutes(hhmm: &str) -> Result<u32, WindowError> {
    if hhmm.trim() == "24:00" {
        return Ok(24 * 60);
    }
    let t = NaiveTime::parse_from_str(hhmm.trim(), "%H:%M")
        .map_err(|_| WindowError::Time(excerpt(hhmm)))?;
    Ok(t.hour() * 60 + t.minute())
}

pub fn parse_blackout(s: &str) -> Result<Blackout, WindowError> {
    let s = s.trim();
    if let Some(days) = s.strip_prefix("monthly ") {
        let (a, b) = days.split_once('-').unwrap_or((days, days));
        let (a, b): (u32, u32) = (
            a.trim()
                .parse()
                .map_err(|_| WindowError::MonthDay(excerpt(a)))?,
            b.trim()
                .parse()
                .map_err(|_| WindowError::MonthDay(excerpt(b)))?,
        );
        if !(1..=31).contains(&a) || !(a..=31).contains(&b) {
            return Err(WindowError::MonthDays(excerpt(s)));
        }
        return Ok(Blackout::MonthDays(a, b));
    }
    let (a, b) = s.split_once("..").unwrap_or((s, s));
    let date = |d: &str| {
        NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| WindowError::Date(excerpt(d)))
    };
    let (first, last) = (date(a)?, date(b)?);
    if first > last {
        return Err(WindowError::Dates(excerpt(s)));
    }
    Ok(Blackout::Dates(first, last))
}

pub fn parse_offset(s: &str) -> Result<FixedOffset, WindowError> {
    let t = DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{s}"))
        .map_err(|_| WindowError::Offset(excerpt(s)))?;
    Ok(*t.offset())
}

/// The offset of `m`'s times: its `utc_offset`, China Standard Time (+08:00) when unset.
pub fn offset(m: &Maintenance) -> Result<FixedOffset, WindowError> {
    if m.utc_offset.is_empty() {
        return Ok(FixedOffset::east_opt(8 * 3600).expect("+08:00 is an offset"));
    }
    parse_offset(&m.utc_offset)
}

/// Every window, blackout and the offset of `m` that cannot be read: (the key under
/// `maintenance`, its index for a list, why). The profile check refuses them, so that a typo
/// never opens a window nobody meant.
pub fn problems(m: &Maintenance) -> Vec<(&'static str, Option<usize>, WindowError)> {
    let mut out = Vec::new();
    for (i, w) in m.windows.iter().enumerate() {
        if let Err(e) = parse_window(w) {
            out.push(("windows", Some(i), e));
        }
    }
    for (i, b) in m.blackout.iter().enumerate() {
        if let Err(e) = parse_blackout(b) {
            out.push(("blackout", Some(i), e));
        }
    }
    if let Err(e) = offset(m) {
        out.push(("utc_offset", None, e));
    }
    out
}
