//! `data import`: a county extract into the city database, streamed. Every row read is loaded
//! or rejected (line and reason, in a reject file); a load manifest records rows read, loaded
//! and rejected and the file's checksum. Rows go through a temporary table (PostgreSQL COPY,
//! SQLite prepared statements), are checked for keys repeated in the file, and are merged into
//! the table on their natural key, so importing the same extract again duplicates nothing.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::extract::{self, Reading};
pub use super::extract::{Encoding, Mapping, Reject, Spec};
use super::format::{self, Entity, Kind};
use crate::db::{Conn, DbError, SqlType};

mod files;
mod load;

pub use files::{check_readable, files_of, lock_county};

/// Why an import (or the staging of an extract for a comparison) failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Extract(#[from] super::csv_line::ExtractError),
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{0}")]
    Usage(String),
    /// Most rows of the file are another county's: it was named as the wrong county.
    #[error(
        "{path}: {rows} of its {read} rows are county {seems}'s (their area code), not {named}'s: is this the extract of {seems}? Nothing was loaded"
    )]
    WrongCounty {
        path: String,
        named: String,
        seems: String,
        rows: u64,
        read: u64,
    },
    /// The city database predates the newest migration the import writes to (V013).
    #[error(
        "{city}'s database is not on this jinbao's schema: {table} has no table of deleted keys for the checks by change (migration V013)"
    )]
    Outdated { city: String, table: String },
    /// The summary.json beside the extract's folder says it is another county's.
    #[error(
        "{path}: {summary} says this folder is county {seems}'s, not {named}'s: is this the extract of {seems}? Nothing was loaded"
    )]
    SummaryCounty {
        path: String,
        summary: String,
        named: String,
        seems: String,
    },
}

type Result<T, E = ImportError> = std::result::Result<T, E>;

impl crate::error::Explain for ImportError {
    /// A file named as the wrong county, or a command line that does not say what a file is,
    /// is the user's to fix (exit 2); the rest are failures.
    fn exit(&self) -> crate::error::Exit {
        match self {
            ImportError::WrongCounty { .. }
            | ImportError::SummaryCounty { .. }
            | ImportError::Usage(_) => crate::error::Exit::Usage,
            _ => crate::error::Exit::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ImportError::WrongCounty { seems, .. } | ImportError::SummaryCounty { seems, .. } => {
                Some(format!(
                    "import it with --county {seems}, or name its county's extract"
                ))
            }
            ImportError::Outdated { city, .. } => {
                Some(format!("run `jinbao db migrate {city}` first"))
            }
            _ => None,
        }
    }
}

/// The load manifest of one file.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub import_id: String,
    pub city: String,
    pub county: String,
    pub entity: String,
    pub file: String,
    pub sha256: String,
    pub encoding: Encoding,
    pub read: u64,
    /// Rows kept: new, changed and unchanged (`read` is these and `rejected`).
    pub loaded: u64,
    /// Rows whose key the county had not sent before.
    pub new: u64,
    /// Rows whose content differs from what the city held (or that were missing before).
    pub changed: u64,
    /// Rows as the city held them: not written again.
    pub unchanged: u64,
    /// The county's rows this file no longer holds, marked missing by this load (kept).
    pub missing: u64,
    /// Rows marked missing that `--apply-missing` deleted.
    pub missing_deleted: u64,
    pub rejected: u64,
    pub reject_file: Option<String>,
    /// The same file was loaded before (nothing was loaded again).
    pub already: bool,
    pub dry_run: bool,
    pub ms: u64,
    /// The first rejects (line and reason, personal data masked); the reject file has all.
    pub rejects: Vec<Reject>,
}

/// The columns of the temporary table (and of the target, besides county and import).
pub(crate) fn stage_columns(e: &Entity) -> Vec<&'static str> {
    let mut cols: Vec<&str> = e.columns.iter().map(|c| c.name).collect();
    cols.extend(format::extra_columns(e));
    cols
}

/// What a staged column of the entity is read as in SQL (besides text).
pub(crate) fn sql_type(e: &Entity, col: &str) -> SqlType {
    match e.columns.iter().find(|c| c.name == col).map(|c| c.kind) {
        Some(Kind::Date) => SqlType::Date,
        Some(Kind::Period | Kind::Count) => SqlType::Integer,
        Some(Kind::Money) => SqlType::Money,
        Some(Kind::Flag) => SqlType::SmallInt,
        Some(Kind::Id | Kind::Employer | Kind::Text(_) | Kind::Code(_)) | None => SqlType::Text,
    }
}

/// What the database said after staging: the file's checksum, what the merge did (keys
/// repeated in the file: line, first line), and an earlier load of the same file.
pub(crate) struct Staged {
    sha: String,
    merged: crate::db::Merged,
    already: Option<(String, i64, i64, i64)>,
}

/// Imports one file of entity `e`: staged, checked and merged in one
/// transaction (`load::load`), then its rejects written and its manifest made.
pub fn import_file(
    conn: &mut Conn,
    e: &'static Entity,
    path: &Path,
    spec: &Spec<'_>,
    progress: &dyn Fn(u64),
) -> Result<Manifest> {
    let start = Instant::now();
    let tmp_rejects = spec
        .rejects_dir
        .join(format!(".rejects-{}.tmp", std::process::id()));
    let mut r = extract::open(e, path, spec, &tmp_rejects)?;
    let staged = load::load(conn, e, &mut r, path, spec, progress)?;
    for (line, first) in &staged.merged.repeated {
        let reason = format!(
            "the same key as line {first} of this file ({})",
            e.key.join(", ")
        );
        r.reject(*line, reason.clone(), reason, &[])?;
    }
    r.rejects.sort_by_key(|x| x.line);
    let base = Manifest {
        import_id: import_id(spec, e, &staged.sha),
        city: spec.city.into(),
        county: spec.county.into(),
        entity: e.name.into(),
        file: path.display().to_string(),
        sha256: staged.sha.clone(),
        encoding: r.encoding,
        read: 0,
        loaded: 0,
        new: 0,
        changed: 0,
        unchanged: 0,
        missing: 0,
        missing_deleted: 0,
        rejected: 0,
        reject_file: None,
        already: false,
        dry_run: spec.dry_run,
        ms: 0,
        rejects: Vec::new(),
    };
    if let Some((id, read, loaded, rejected)) = staged.already {
        let _ = std::fs::remove_file(&tmp_rejects);
        return Ok(Manifest {
            import_id: id,
            read: read as u64,
            loaded: loaded as u64,
            // the same bytes as a load before: every row as the city holds it
            unchanged: loaded as u64,
            rejected: rejected as u64,
            already: true,
            ms: start.elapsed().as_millis() as u64,
            ..base
        });
    }
    let (loaded, rejected) = counts(&r, staged.merged.repeated.len());
    let m = &staged.merged;
    let read = r.read;
    let (rejects, _) = r.finish()?;
    let reject_file = match reject_name(&base.import_id, rejected) {
        Some(name) if !spec.dry_run => {
            let dest = spec.rejects_dir.join(name);
            std::fs::rename(&tmp_rejects, &dest)?;
            Some(dest.display().to_string())
        }
        _ => {
            let _ = std::fs::remove_file(&tmp_rejects);
            None
        }
    };
    Ok(Manifest {
        read,
        loaded,
        new: m.new,
        changed: m.changed,
        unchanged: m.unchanged,
        missing: m.missing,
        missing_deleted: m.deleted,
        rejected,
        reject_file,
        ms: start.elapsed().as_millis() as u64,
        rejects,
        ..base
    })
}

/// The import id of a file: county, entity and the start of its checksum.
fn import_id(spec: &Spec<'_>, e: &Entity, sha: &str) -> String {
    format!("{}-{}-{}", spec.county, e.name, &sha[..12])
}

/// Rows loaded and rejected, when `repeated` lines repeat a key of the file.
fn counts(r: &Reading<'_>, repeated: usize) -> (u64, u64) {
    let loaded = r.staged - repeated as u64;
    (loaded, r.read - loaded)
}

/// Refuses a file most of whose rows are another county's.
fn wrong_county(r: &Reading<'_>, path: &Path, spec: &Spec<'_>) -> Result<()> {
    match r.seems_other_county() {
        Some((seems, rows)) => Err(ImportError::WrongCounty {
            path: path.display().to_string(),
            named: spec.county.to_string(),
            seems,
            rows,
            read: r.read,
        }),
        None => Ok(()),
    }
}

fn reject_name(import_id: &str, rejected: u64) -> Option<String> {
    (rejected > 0).then(|| format!("{import_id}.rejects.csv"))
}
