//! Restores: into a new database beside the live one, or in place of it (the live one kept
//! first, the bytes restored the bytes checked, one write transaction).

use std::path::{Path, PathBuf};

use super::{
    Backup, BackupError, Reason, Result, copy_verified, drill, file_error, locked, prune,
    remove_with_journals, snapshot,
};
use crate::db::{self, Account};
use crate::profile::SiteProfile;

/// The file a restore `--into NAME` makes: beside the live database, never over one.
pub fn into_path(p: &SiteProfile, name: &str) -> Result<PathBuf> {
    check_name(name)?;
    let live = db::sqlite_path(p);
    let path = live.with_file_name(format!("{name}.sqlite"));
    // a journal left by an earlier database of that name would be replayed into the new one
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let taken = PathBuf::from(format!("{}{suffix}", path.display()));
        if std::fs::symlink_metadata(&taken).is_ok() {
            return Err(BackupError::Exists {
                path: taken.display().to_string(),
            });
        }
    }
    Ok(path)
}

/// A new database's name: 1–48 of a-z, 0-9 and _, starting with a letter (a file name, a
/// PostgreSQL name and a shell word as it is).
pub(super) fn check_name(name: &str) -> Result<()> {
    let ok = (1..=48).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(BackupError::BadName(name.to_string()))
    }
}

/// Restores `b` into a new database file at `path` (from [`into_path`]); the live database
/// is not touched. The copy is checked against the backup's record before it is in place.
pub fn restore_into(p: &SiteProfile, records: &Path, b: &Backup, path: &Path) -> Result<()> {
    let partial = path.with_file_name(format!(
        ".{}.{}.partial",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    // the checksum already proves every byte is the backup's: the rows are counted, SQLite's
    // whole-file check is the drill's
    let copied = copy_verified(records, b, &partial).and_then(|_| {
        drill::compare(p, &partial, b, false).and_then(|problems| {
            if problems.is_empty() {
                Ok(())
            } else {
                Err(BackupError::Mismatch {
                    city: b.city.clone(),
                    problems,
                })
            }
        })
    });
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    // never over a database that appeared meanwhile
    std::fs::hard_link(&partial, path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::Exists {
            path: path.display().to_string(),
        },
        _ => file_error(path, e),
    })?;
    let _ = std::fs::remove_file(&partial);
    Ok(())
}

/// Replaces the live database with `b` in one write transaction (interrupted: the live
/// database is as it was), after keeping the live one as a backup of its own ("before
/// restore"), then counts the rows against the backup's record. The backup kept first (none
/// when the live database was gone). Under the city's backup lock and its migration lock.
pub fn restore_in_place(p: &SiteProfile, records: &Path, b: &Backup) -> Result<Option<Backup>> {
    // a live database that is gone (a lost disk): the backup becomes it, nothing to keep
    if db::never_made(p) {
        let live = db::sqlite_path(p);
        if let Some(parent) = live.parent() {
            crate::files::private_dir(parent).map_err(|e| file_error(parent, e))?;
        }
        restore_into(p, records, b, &live)?;
        return Ok(None);
    }
    let (dir, _lock) = locked(p, records)?;
    // no migration meanwhile (it would apply its versions on the restored schema)
    let mut store = crate::schema::open(p, Account::Migrator).map_err(|e| BackupError::Busy {
        city: b.city.clone(),
        why: e.to_string(),
    })?;
    store
        .lock(std::time::Duration::from_secs(60), &mut |_| {})
        .map_err(|e| BackupError::Busy {
            city: b.city.clone(),
            why: e.to_string(),
        })?;
    // the bytes checked are the bytes restored: a private copy, read once
    let scratch = dir.join(format!(".restore-{}.sqlite", std::process::id()));
    let restored = copy_verified(records, b, &scratch).and_then(|_| {
        let kept = snapshot(p, records, &dir, Reason::BeforeRestore)?;
        let database = |source| BackupError::Database {
            city: b.city.clone(),
            source,
        };
        let mut conn = db::connect(p, Account::Migrator).map_err(database)?;
        conn.replace_with(&scratch).map_err(database)?;
        let now = conn.table_counts().map_err(database)?;
        let problems = drill::count_problems(&b.tables, &now);
        if !problems.is_empty() {
            return Err(BackupError::ReplacedMismatch {
                city: b.city.clone(),
                kept: kept.id,
                problems,
            });
        }
        Ok(kept)
    });
    remove_with_journals(&scratch);
    store.unlock();
    let kept = restored?;
    // pruned only now: the backup restored may have been the oldest kept
    prune(records, &b.city, p.backup.keep.max(1) as usize)?;
    Ok(Some(kept))
}
