//! The one clock of jinbao: every "now" (journals, locks, windows, audit, reports) comes
//! from here, so a rehearsal or a test can pin it.

use chrono::{DateTime, Utc};

/// The time now (`JINBAO_NOW` pins it, RFC 3339, for tests and rehearsals).
pub fn now() -> DateTime<Utc> {
    crate::env_vars::get("JINBAO_NOW")
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}
