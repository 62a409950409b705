//! `data compare`: row-level reconciliation of a county's source with what the city holds, by
//! natural key: rows missing in the city, rows only in the city, rows that differ (and in which
//! columns).
//!
//! Against an extract, the extract is staged in the city database and compared there with one
//! SQL join. Against another database, both sides checksum ranges of keys inside themselves
//! (count and a sum of row hashes per range); only ranges whose checksums differ are split and
//! checked again, down to small ranges whose rows are read back: equal data costs one pass on
//! each side and moves almost nothing (as reladiff / data-diff do).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::format::{self, Entity};
use super::import;
use crate::db::{Cell, Conn};

/// Why a comparison stopped.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("a county code is digits, not `{0}`")]
    County(String),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// Reading or staging the extract.
    #[error(transparent)]
    Extract(#[from] import::ImportError),
    #[error("the database answered a count that is not a number: {0}")]
    Count(#[from] std::num::ParseIntError),
    #[error("writing {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a comparison thread panicked")]
    Panicked,
}

type Result<T, E = CompareError> = std::result::Result<T, E>;

/// The separator of fields in a row's text (the ASCII unit separator: never in the data).
const SEP: char = '\u{1f}';

#[derive(Debug, Clone, Serialize, Default)]
pub struct EntityDiff {
    pub entity: String,
    pub source_rows: u64,
    pub city_rows: u64,
    pub equal: u64,
    pub missing_in_city: u64,
    pub only_in_city: u64,
    pub differing: u64,
    pub differences_file: Option<String>,
    /// Database sources: checksum ranges compared, rows read back, of how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Transfer>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Transfer {
    pub ranges_checked: u64,
    pub rows_read_back: u64,
    /// rows read back / rows compared
    pub share: f64,
}

#[derive(Debug, Clone)]
struct Difference {
    key: String,
    kind: &'static str,
    columns: String,
}

fn table(c: &Conn, t: &str) -> String {
    c.table(t)
}

/// The columns compared: the entity's, then its extra ones (never county and import).
fn columns(e: &Entity) -> Vec<&'static str> {
    import::stage_columns(e)
}

/// A staged (text) column as the target's type.
fn typed(c: &Conn, e: &Entity, col: &str, alias: &str) -> String {
    c.dialect()
        .typed(&format!("{alias}{col}"), import::sql_type(e, col))
}

fn distinct(c: &Conn, a: &str, b: &str) -> String {
    c.dialect().distinct(a, b)
}

/// The differences for the data's owners: full keys, in a private file (0600 in a 0700 folder).
fn write_differences(path: &Path, diffs: &[Difference]) -> Result<()> {
    use super::csv_out::{CsvOut, OutEncoding};
    let write = || -> std::io::Result<()> {
        let mut w = CsvOut::create(path, OutEncoding::Utf8)?;
        w.record(&["key", "kind", "columns"])?;
        for d in diffs {
            w.record(&[d.key.as_str(), d.kind, d.columns.as_str()])?;
        }
        w.finish()
    };
    write().map_err(|source| CompareError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn summarize(
    e: &Entity,
    source_rows: u64,
    city_rows: u64,
    diffs: &[Difference],
    file: Option<PathBuf>,
) -> EntityDiff {
    let n = |k: &str| diffs.iter().filter(|d| d.kind == k).count() as u64;
    let (missing, only, differing) = (n("missing-in-city"), n("only-in-city"), n("differs"));
    EntityDiff {
        entity: e.name.into(),
        source_rows,
        city_rows,
        equal: city_rows.saturating_sub(only + differing),
        missing_in_city: missing,
        only_in_city: only,
        differing,
        differences_file: file.map(|f| f.display().to_string()),
        transfer: None,
    }
}

/// Compares an extract file with the county's rows in the city database.
pub fn against_extract(
    conn: &mut Conn,
    e: &'static Entity,
    path: &Path,
    spec: &import::Spec<'_>,
    out: &Path,
) -> Result<EntityDiff> {
    let county = spec.county;
    if !county.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CompareError::County(county.to_string()));
    }
    let tmp = spec
        .rejects_dir
        .join(format!(".compare-{}.tmp", std::process::id()));
    let mut r = super::extract::open(e, path, spec, &tmp)?;
    let cols = columns(e);
    let t = table(conn, e.table);
    let join = e
        .key
        .iter()
        .map(|k| format!("t.{k} = {}", typed(conn, e, k, "s.")))
        .collect::<Vec<_>>()
        .join(" AND ");
    let differ: Vec<String> = cols
        .iter()
        .filter(|c| !e.key.contains(c))
        .map(|c| {
            (
                c,
                distinct(conn, &format!("t.{c}"), &typed(conn, e, c, "s.")),
            )
        })
        .map(|(c, d)| format!("CASE WHEN {d} THEN '{c}' END"))
        .collect();
    let any_differ = cols
        .iter()
        .filter(|c| !e.key.contains(c))
        .map(|c| distinct(conn, &format!("t.{c}"), &typed(conn, e, c, "s.")))
        .collect::<Vec<_>>()
        .join(" OR ");
    // one set-based pass each way, each side probing the other's key index (the city table's
    // primary key; the stage gets one): linear in rows, whatever the engine
    let staged_keys = e
        .key
        .iter()
        .map(|k| format!("s.{k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let city_keys = e
        .key
        .iter()
        .map(|k| format!("CAST(t.{k} AS TEXT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let back = e
        .key
        .iter()
        .map(|k| format!("s.{k} = CAST(t.{k} AS TEXT)"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let compare_sql = format!(
        "SELECT concat_ws(':', {staged_keys}) AS k, \
           CASE WHEN t.county_code IS NULL THEN 'missing-in-city' ELSE 'differs' END, \
           CASE WHEN t.county_code IS NOT NULL THEN concat_ws(',', {}) END \
         FROM jb_stage s LEFT JOIN {t} t ON t.county_code = '{county}' AND {join} \
         WHERE t.county_code IS NULL OR {} \
         UNION ALL \
         SELECT concat_ws(':', {city_keys}), 'only-in-city', NULL FROM {t} t \
         WHERE t.county_code = '{county}' AND NOT EXISTS (SELECT 1 FROM jb_stage s WHERE {back})",
        if differ.is_empty() {
            "NULL".to_string()
        } else {
            differ.join(", ")
        },
        if any_differ.is_empty() {
            "false".into()
        } else {
            format!("({any_differ})")
        }
    );
    let count_sql = format!("SELECT count(*) FROM {t} WHERE county_code = '{county}'");
    let mut tx = conn.staging(false)?;
    let mut stage = tx.stage(&cols)?;
    r.stream(&mut |line, values| Ok(stage.push(line, values)?), &|_| {})?;
    stage.finish()?;
    // the first line of a key repeated in the extract is the one compared (as import loads it)
    tx.dedupe_for_join(e.key)?;
    let count = |tx: &mut Box<dyn crate::db::Tx + '_>, sql: &str| -> Result<u64> {
        let rows = tx.query(sql, &[])?;
        Ok(rows
            .first()
            .and_then(|r| r.first())
            .and_then(Cell::int)
            .unwrap_or(0) as u64)
    };
    let staged = count(&mut tx, "SELECT count(*) FROM jb_stage")?;
    let city_rows = count(&mut tx, &count_sql)?;
    let diffs: Vec<Difference> = tx
        .query(&compare_sql, &[])?
        .iter()
        .map(|row| {
            let text = |i: usize| row.get(i).and_then(Cell::text);
            Difference {
                key: text(0).unwrap_or_default(),
                kind: kind_str(&text(1).unwrap_or_default()),
                columns: text(2).unwrap_or_default(),
            }
        })
        .collect();
    tx.rollback()?;
    let _ = std::fs::remove_file(&tmp);
    let mut diffs = diffs;
    diffs.sort_by(|a, b| a.key.cmp(&b.key));
    let file = out.join(format!("{county}-{}-differences.csv", e.name));
    write_differences(&file, &diffs)?;
    Ok(summarize(e, staged, city_rows, &diffs, Some(file)))
}

fn kind_str(s: &str) -> &'static str {
    match s {
        "missing-in-city" => "missing-in-city",
        "only-in-city" => "only-in-city",
        _ => "differs",
    }
}

mod ranges;

pub use ranges::against_database;

/// Entities a database comparison looks at (all, or the one named).
pub fn entities(only: Option<&str>) -> Vec<&'static Entity> {
    format::ENTITIES
        .iter()
        .filter(|e| only.is_none_or(|o| o == e.name))
        .collect()
}
