//! A drill: the backup restored into a scratch file beside it and checked there (the file
//! whole, SQLite's own check, the schema version and the rows of every table against what
//! was counted when it was taken). The live database is never opened.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use super::{Backup, BackupError, Drill, Result, copy_verified};
use crate::profile::SiteProfile;
use crate::state::backups::{self as records_of, folder};

/// Drills `b` and records the result (a failed drill is a result, not an error).
pub fn drill(p: &SiteProfile, records: &Path, b: &Backup) -> Result<Drill> {
    let started = Instant::now();
    let scratch = folder(records, &b.city).join(format!(".drill-{}.sqlite", std::process::id()));
    let checked = copy_verified(records, b, &scratch).and_then(|_| compare(p, &scratch, b, true));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
    }
    let problems = match checked {
        Ok(problems) => problems,
        Err(e @ (BackupError::Changed { .. } | BackupError::Database { .. })) => {
            vec![e.to_string()]
        }
        Err(e) => return Err(e),
    };
    let d = Drill {
        city: b.city.clone(),
        backup: b.id.clone(),
        at: crate::clock::now(),
        took_ms: started.elapsed().as_millis() as u64,
        ok: problems.is_empty(),
        problems,
        tables_checked: b.tables.len(),
        rows_checked: b.tables.values().sum(),
        schema_version: b.schema_version,
    };
    records_of::record_drill(records, &d)
        .map_err(|e| super::file_error(&folder(records, &b.city), e))?;
    Ok(d)
}

/// What differs between the database file at `path` and the backup's record: SQLite's own
/// check (with `integrity`), the schema version, the rows of every table.
pub(super) fn compare(
    p: &SiteProfile,
    path: &Path,
    b: &Backup,
    integrity: bool,
) -> Result<Vec<String>> {
    let database = |source| BackupError::Database {
        city: b.city.clone(),
        source,
    };
    let mut conn = crate::db::connect_source(&path.display().to_string(), p).map_err(database)?;
    let mut problems = Vec::new();
    if integrity {
        let check = conn.rows("PRAGMA quick_check").map_err(database)?;
        let said: Vec<String> = check
            .iter()
            .filter_map(|r| r.first().and_then(crate::db::Cell::text))
            .collect();
        if said != ["ok"] {
            problems.push(format!("SQLite's check: {}", said.join("; ")));
        }
    }
    let version = super::schema_version(&mut conn).map_err(database)?;
    if version != b.schema_version {
        let v = |v: Option<u32>| v.map_or("none".into(), |v| format!("V{v:03}"));
        problems.push(format!(
            "schema {} where the backup recorded {}",
            v(version),
            v(b.schema_version)
        ));
    }
    let now = conn.table_counts().map_err(database)?;
    problems.extend(count_problems(&b.tables, &now));
    Ok(problems)
}

/// Each table whose rows differ from what was recorded, in words.
pub(super) fn count_problems(
    was: &BTreeMap<String, i64>,
    now: &BTreeMap<String, i64>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (table, n) in was {
        match now.get(table) {
            Some(m) if m == n => {}
            Some(m) => out.push(format!("{table}: {m} rows where the backup counted {n}")),
            None => out.push(format!("{table}: missing")),
        }
    }
    for table in now.keys().filter(|t| !was.contains_key(*t)) {
        out.push(format!("{table}: not in the backup's record"));
    }
    out
}
