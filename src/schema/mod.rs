//! The unified data platform's schema: versioned migrations under `templates/schema/`, applied
//! in order, each in its own transaction, recorded in a history table with its checksum.
//!
//! Files are `V<version>__<description>.sql` (both engines) or
//! `V<version>__<description>.<postgres|sqlite>.sql` (one engine). An applied migration whose
//! file changed is refused; a database that already has the schema can be baselined.

mod init;
mod shape;
pub mod standing;
mod store;

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::profile::Engine;

pub use init::{InitReport, init};
pub use shape::{Difference, Shape, diff as shape_diff};
pub use store::{Store, StoreError, open};

pub const HISTORY_TABLE: &str = "jinbao_schema_history";

#[derive(Debug, Clone, Serialize)]
pub struct Migration {
    pub version: u32,
    pub description: String,
    pub file: String,
    #[serde(skip)]
    pub sql: String,
    pub checksum: String,
}

/// One row of the history table.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub version: u32,
    pub description: String,
    pub checksum: String,
    pub installed_by: String,
    pub installed_at: String,
    pub execution_ms: i64,
    pub success: bool,
    /// `migrate` or `baseline`.
    pub kind: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SetError {
    #[error("cannot read the migrations in {dir}: {source}")]
    Read { dir: String, source: std::io::Error },
    #[error("{file}: not a migration name (V<version>__<description>[.postgres|.sqlite].sql)")]
    BadName { file: String },
    #[error("migration version {version} is defined twice: {a} and {b}")]
    Duplicate { version: u32, a: String, b: String },
    #[error("no migrations in {dir}")]
    Empty { dir: String },
}

/// How the live schema differs from what the migrations applied so far (`current`) make:
/// empty when it does not. `db drift`, `db baseline` and `health` all ask it this way.
pub fn drift(
    store: &mut dyn Store,
    migrations: &[Migration],
    current: u32,
) -> Result<Vec<Difference>, StoreError> {
    let upto: Vec<Migration> = migrations
        .iter()
        .filter(|m| m.version <= current)
        .cloned()
        .collect();
    let (live, expected) = store.shapes(&upto)?;
    Ok(shape_diff(&expected, &live))
}

/// The folder of the migrations, under the profiles' templates folder.
pub const FOLDER: &str = "schema";

/// A site's migrations: `templates/schema/` for the engine of its database (the one place
/// that says where they are).
pub fn of_engine(templates_dir: &Path, engine: Engine) -> Result<Vec<Migration>, SetError> {
    load(&templates_dir.join(FOLDER), engine)
}

/// The migrations for one engine, in version order.
pub fn load(dir: &Path, engine: Engine) -> Result<Vec<Migration>, SetError> {
    let read_err = |source| SetError::Read {
        dir: dir.display().to_string(),
        source,
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    let mut out: Vec<Migration> = Vec::new();
    for name in names {
        let (version, description, dialect) =
            parse_name(&name).ok_or_else(|| SetError::BadName { file: name.clone() })?;
        if dialect.is_some_and(|d| d != engine.as_str()) {
            continue;
        }
        let sql = std::fs::read_to_string(dir.join(&name)).map_err(read_err)?;
        if let Some(prev) = out.iter().find(|m| m.version == version) {
            return Err(SetError::Duplicate {
                version,
                a: prev.file.clone(),
                b: name,
            });
        }
        out.push(Migration {
            version,
            description,
            checksum: checksum(&sql),
            file: name,
            sql,
        });
    }
    if out.is_empty() {
        return Err(SetError::Empty {
            dir: dir.display().to_string(),
        });
    }
    out.sort_by_key(|m| m.version);
    Ok(out)
}

/// SHA-256 of the text with line endings normalized (a CRLF checkout is not an edit).
pub fn checksum(sql: &str) -> String {
    let normalized = sql.replace("\r\n", "\n");
    Sha256::digest(normalized.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `V012__persons.sql` → (12, "persons", None); `V8__x.postgres.sql` → (8, "x", Some("postgres")).
fn parse_name(name: &str) -> Option<(u32, String, Option<&str>)> {
    let stem = name.strip_suffix(".sql")?;
    let (stem, dialect) = match stem.rsplit_once('.') {
        Some((s, d @ ("postgres" | "sqlite"))) => (s, Some(d)),
        Some(_) => return None,
        None => (stem, None),
    };
    let rest = stem.strip_prefix('V')?;
    let (version, description) = rest.split_once("__")?;
    let version: u32 = version.parse().ok()?;
    (!description.is_empty()).then(|| (version, description.replace('_', " "), dialect))
}

/// Where a database stands against the migrations.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Highest version applied (None: an empty database).
    pub current: Option<u32>,
    pub latest: u32,
    pub pending: Vec<u32>,
    /// Applied migrations whose file has changed since.
    pub checksum_mismatches: Vec<Mismatch>,
    /// Versions in the history with no file here (a newer jinbao migrated this database).
    pub unknown: Vec<u32>,
    pub last_applied: Option<Applied>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    pub version: u32,
    pub file: String,
    pub applied: String,
    pub now: String,
}

pub fn status(migrations: &[Migration], applied: &[Applied]) -> Status {
    let current = applied.iter().map(|a| a.version).max();
    let mut mismatches = Vec::new();
    for a in applied.iter().filter(|a| a.kind != "baseline") {
        if let Some(m) = migrations.iter().find(|m| m.version == a.version)
            && m.checksum != a.checksum
        {
            mismatches.push(Mismatch {
                version: a.version,
                file: m.file.clone(),
                applied: a.checksum.clone(),
                now: m.checksum.clone(),
            });
        }
    }
    Status {
        current,
        latest: migrations.last().map_or(0, |m| m.version),
        pending: migrations
            .iter()
            .filter(|m| !applied.iter().any(|a| a.version == m.version))
            .map(|m| m.version)
            .collect(),
        checksum_mismatches: mismatches,
        unknown: applied
            .iter()
            .filter(|a| !migrations.iter().any(|m| m.version == a.version))
            .map(|a| a.version)
            .collect(),
        last_applied: applied.iter().max_by_key(|a| a.version).cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            parse_name("V001__code_dictionaries.sql"),
            Some((1, "code dictionaries".into(), None))
        );
        assert_eq!(
            parse_name("V8__x.postgres.sql"),
            Some((8, "x".into(), Some("postgres")))
        );
        assert_eq!(parse_name("V8__x.oracle.sql"), None);
        assert_eq!(parse_name("001__x.sql"), None);
        assert_eq!(parse_name("V1__.sql"), None);
    }

    #[test]
    fn checksum_ignores_line_endings() {
        assert_eq!(checksum("a\r\nb\n"), checksum("a\nb\n"));
        assert_ne!(checksum("a\nb\n"), checksum("a\nc\n"));
    }

    #[test]
    fn shipped_migrations_load_for_both_engines() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/schema");
        for engine in [Engine::Postgres, Engine::Sqlite] {
            let set = load(&dir, engine).unwrap();
            let versions: Vec<u32> = set.iter().map(|m| m.version).collect();
            assert_eq!(versions, (1..=versions.len() as u32).collect::<Vec<_>>());
        }
    }
}
