//! The one clock of jinbao: every "now" (journals, locks, windows, audit, reports) comes
//! from here, so a rehearsal or a test can pin it.

use chrono::{DateTime, Utc};

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
