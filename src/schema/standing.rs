//! Where one site's database stands against the migrations: a row of `db status`, and what
//! `status` shows of each city's schema. An error stays in its row: one database that cannot
//! be asked never hides the others.

use std::path::Path;

use serde::Serialize;

use super::{Applied, Mismatch};
use crate::db::Account;
use crate::profile::Site;

#[derive(Debug, Serialize)]
pub struct Standing {
    pub city: String,
    pub engine: &'static str,
    pub database: String,
    pub current: Option<u32>,
    pub latest: u32,
    /// How many migrations are pending.
    pub pending: usize,
    pub pending_versions: Vec<u32>,
    pub last_applied: Option<Applied>,
    pub checksum_mismatches: Vec<Mismatch>,
    /// Applied versions this jinbao has no file for.
    pub unknown: Vec<u32>,
    pub size_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Asks the site's database (as `account`) where it stands against the migrations under
/// `templates_dir`.
pub fn of_site(templates_dir: &Path, site: &Site, account: Account) -> Standing {
    let mut row = Standing {
        city: site.pinyin().to_string(),
        engine: site.profile.database.engine.as_str(),
        database: crate::db::describe(&site.profile),
        current: None,
        latest: 0,
        pending: 0,
        pending_versions: Vec::new(),
        last_applied: None,
        checksum_mismatches: Vec::new(),
        unknown: Vec::new(),
        size_bytes: None,
        error: None,
    };
    let result = (|| -> Result<(), Asking> {
        let migrations = super::of_engine(templates_dir, site.profile.database.engine)?;
        let mut store = super::open(&site.profile, account)?;
        let s = super::status(&migrations, &store.applied()?);
        row.current = s.current;
        row.latest = s.latest;
        row.pending = s.pending.len();
        row.pending_versions = s.pending;
        row.last_applied = s.last_applied;
        row.checksum_mismatches = s.checksum_mismatches;
        row.unknown = s.unknown;
        row.size_bytes = store.size_bytes().ok().flatten();
        Ok(())
    })();
    if let Err(e) = result {
        // the error with its causes, as one line of the row
        let mut line = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            line.push_str(&format!(": {c}"));
            cause = c.source();
        }
        row.error = Some(line);
    }
    row
}

/// Why a database could not be asked.
#[derive(Debug, thiserror::Error)]
enum Asking {
    #[error(transparent)]
    Migrations(#[from] super::SetError),
    #[error(transparent)]
    Store(#[from] super::StoreError),
}
