//! The one clock of jinbao: every "now" (journals, locks, windows, audit, reports) comes
//! from here, so a rehearsal or a test can pin it.

use chrono::{DateTime, Utc};

/// The province's time zone: every time jinbao shows people is in it (China has one zone).
pub fn province_zone() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// A time as people are shown it, one format everywhere (status, audit, health, report):
/// `2026-12-03 06:47 +08:00`.
pub fn shown(t: &DateTime<Utc>) -> String {
    t.with_timezone(&province_zone())
        .format("%Y-%m-%d %H:%M %:z")
        .to_string()
}

/// A recorded time as people are shown it: RFC 3339 (jinbao's records, SQLite), or a
/// PostgreSQL `timestamptz` as text (`2026-12-03 03:03:17.123+00`, or `…T03:03:17+00` from
/// `to_char`); text that is no time is shown as it is.
pub fn shown_rfc3339(text: &str) -> String {
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z"))
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%#z"))
        .map(|t| shown(&t.with_timezone(&Utc)))
        .unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn recorded_times_are_shown_in_the_province_zone() {
        let shown = super::shown_rfc3339;
        assert_eq!(shown("2026-12-03T03:03:17Z"), "2026-12-03 11:03 +08:00");
        assert_eq!(
            shown("2026-12-03 03:03:17.123456+00"),
            "2026-12-03 11:03 +08:00"
        );
        assert_eq!(shown("2026-12-03 11:03:17+08"), "2026-12-03 11:03 +08:00");
        // what the migration history's to_char gives on PostgreSQL
        assert_eq!(shown("2026-12-03T03:03:17+00"), "2026-12-03 11:03 +08:00");
        assert_eq!(shown("never"), "never");
    }
}

/// `JINBAO_NOW` set to something that is no RFC 3339 time.
#[derive(Debug, thiserror::Error)]
#[error("JINBAO_NOW={0} is not a time jinbao reads")]
pub struct BadPinnedTime(String);

/// Refuses a `JINBAO_NOW` that is set but is no time (a rehearsal that silently ran on the
/// real clock would open windows it meant to keep shut).
pub fn check_pinned() -> Result<(), BadPinnedTime> {
    match crate::env_vars::get("JINBAO_NOW") {
        Some(s) if DateTime::parse_from_rfc3339(&s).is_err() => {
            Err(BadPinnedTime(crate::profile::safe::excerpt(&s)))
        }
        _ => Ok(()),
    }
}

/// The time now (`JINBAO_NOW` pins it, RFC 3339, for tests and rehearsals).
pub fn now() -> DateTime<Utc> {
    crate::env_vars::get("JINBAO_NOW")
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}
