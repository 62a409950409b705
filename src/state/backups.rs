//! The records of each city's backups and drills, in this environment's records folder:
//! `backups/<city>/` holds every backup file (0600: it holds the insured's records), the
//! index of the backups that are whole (`backups.jsonl`, a line written only after its
//! file is) and the drills (`drills.jsonl`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::History;

/// One backup of a city database, as recorded once its file was whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    /// `20261203T120000Z`, the time it was taken (a suffix when two fall in one second).
    pub id: String,
    pub city: String,
    /// The engine of the database it holds ("sqlite").
    pub engine: String,
    /// "full" (an SQLite backup is always the whole database).
    pub kind: String,
    pub taken_at: DateTime<Utc>,
    pub took_ms: u64,
    pub size_bytes: u64,
    /// The backup file's checksum: a restore or drill refuses a file that changed since.
    pub sha256: String,
    /// The newest migration applied in it (None: no schema yet).
    pub schema_version: Option<u32>,
    /// The rows of every table, counted in the same picture the backup holds.
    pub tables: BTreeMap<String, i64>,
    /// Why it was taken: "by hand", "before db migrate", "before rollout", "before restore".
    pub reason: String,
    /// The rollout run whose restore point it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// Who took it (`user@host`).
    pub by: String,
    /// The file, inside the city's backups folder ("" for PostgreSQL: its backups live in
    /// the province's pgBackRest repository).
    pub file: String,
    /// PostgreSQL: the named restore point in the write-ahead log that holds this picture
    /// (what a restore replays up to) ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// ... the pgBackRest backup set a restore starts from ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
    /// ... and the point's position in the log ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lsn: Option<String>,
    /// ... on this timeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<u32>,
}

/// One drill: a backup restored into a scratch database and checked there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drill {
    pub city: String,
    pub backup: String,
    pub at: DateTime<Utc>,
    pub took_ms: u64,
    pub ok: bool,
    /// What did not match, in words (empty when `ok`).
    pub problems: Vec<String>,
    /// Tables whose rows were counted against the backup's record.
    pub tables_checked: usize,
    pub rows_checked: i64,
    pub schema_version: Option<u32>,
}

/// A city's backups folder.
pub fn folder(records: &Path, city: &str) -> PathBuf {
    records.join("backups").join(city)
}

fn index(records: &Path, city: &str) -> PathBuf {
    folder(records, city).join("backups.jsonl")
}

fn drills(records: &Path, city: &str) -> PathBuf {
    folder(records, city).join("drills.jsonl")
}

/// The city's backups, oldest first, with the lines of the index that could not be read.
pub fn list(records: &Path, city: &str) -> History<Backup> {
    super::read_all(&index(records, city))
}

/// Records a backup whose file is whole.
pub fn record(records: &Path, b: &Backup) -> std::io::Result<()> {
    super::append_line(&index(records, b.city.as_str()), b)
}

/// Writes the index again with only `kept` (after old backups were pruned), whole or not at
/// all.
pub fn keep_only(records: &Path, city: &str, kept: &[Backup]) -> std::io::Result<()> {
    let mut text = Vec::new();
    for b in kept {
        serde_json::to_writer(&mut text, b).map_err(std::io::Error::other)?;
        text.push(b'\n');
    }
    super::files::write_atomic(&index(records, city), &text)
}

/// The city's drills, oldest first.
pub fn drill_history(records: &Path, city: &str) -> History<Drill> {
    super::read_all(&drills(records, city))
}

pub fn record_drill(records: &Path, d: &Drill) -> std::io::Result<()> {
    super::append_line(&drills(records, d.city.as_str()), d)
}

/// The path of a recorded backup's file.
pub fn file_of(records: &Path, b: &Backup) -> PathBuf {
    folder(records, &b.city).join(&b.file)
}
