//! `data compare`: row-level reconciliation of a county's source with what the city holds, by
//! natural key: rows missing in the city, rows only in the city, rows that differ (and in which
//! columns).
//!
//! Against an extract, the extract is staged in the city database and compared there with one
//! SQL join: by change, only the lines of the buckets of keys whose sums differ from what the
//! city holds (`data::buckets`), `--full` every line. Against another database, both sides checksum ranges of keys inside themselves
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
    /// The extract was read twice (summed, then staged) and differed between the readings.
    #[error("{0}: the file changed while it was compared; compare it again once it is complete")]
    Changed(String),
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
    /// Extract sources: compared by change or whole, and what that staged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass: Option<Pass>,
}

/// How an extract was compared: `changes` (only the buckets of keys whose sums differ from
/// the city's were staged) or `whole`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Pass {
    pub how: &'static str,
    pub buckets: u64,
    pub differing_buckets: u64,
    pub rows_staged: u64,
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
        pass: None,
    }
}

/// Compares an extract file with the county's rows in the city database: by change (only the
/// buckets of keys whose sums differ are staged and compared, [`buckets`]) unless
/// `spec.full`, or the city database does not mark rows edited outside jinbao.
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
    let t = table(conn, e.table);
    let city_rows = conn.count(&format!(
        "SELECT count(*) FROM {t} WHERE county_code = '{county}'"
    ))? as u64;
    let tmp = spec
        .rejects_dir
        .join(format!(".compare-{}.tmp", std::process::id()));
    let cols = columns(e);
    let k0 = cols.iter().position(|c| *c == e.key[0]).unwrap_or(0);
    // by change: the extract's buckets summed as it is read, the city's from its kept
    // fingerprints; None: every row is staged
    let mut by_change = if !spec.full && city_rows > 0 && buckets::edits_marked(conn)? {
        let b = Buckets::for_rows(city_rows, buckets::key_hash(conn)?);
        let mut r = super::extract::open(e, path, spec, &tmp)?;
        let summed = buckets::sum_reading(&mut r, b, k0, &|_| {})?;
        let d = conn.dialect();
        let sql = summed.buckets.city_sql(d, &t, e.key[0], county);
        let city = summed.buckets.city_digests(&conn.rows(&sql)?);
        let differing = summed.buckets.differing(&city);
        Some((summed, differing))
    } else {
        None
    };
    let mut r = super::extract::open(e, path, spec, &tmp)?;
    let only_buckets = by_change.as_ref().map(|(s, differing)| {
        let d = conn.dialect();
        format!(
            " AND {}",
            s.buckets.among(d, &format!("t.{}", e.key[0]), differing)
        )
    });
    let sql = compare_sql(conn, e, county, only_buckets.as_deref().unwrap_or(""));
    if let Some((summed, differing)) = &mut by_change {
        summed.narrow(&mut r, differing);
    }
    let mut tx = conn.staging(false)?;
    let mut stage = tx.stage(&cols)?;
    let mut staged_sha = None;
    if by_change.as_ref().is_none_or(|(_, d)| !d.is_empty()) {
        r.stream(&mut |line, values| Ok(stage.push(line, values)?), &|_| {})?;
        staged_sha = Some(r.sha256());
    }
    stage.finish()?;
    // what was summed is what was staged: the same bytes read twice
    if let (Some((summed, _)), Some(staged)) = (&by_change, &staged_sha)
        && summed.sha != *staged
    {
        let _ = std::fs::remove_file(&tmp);
        return Err(CompareError::Changed(path.display().to_string()));
    }
    // the first line of a key repeated in the extract is the one compared (as import loads it)
    tx.dedupe_for_join(e.key)?;
    let rows = tx.query("SELECT count(*) FROM jb_stage", &[])?;
    let staged = rows
        .first()
        .and_then(|r| r.first())
        .and_then(Cell::int)
        .unwrap_or(0) as u64;
    let mut diffs: Vec<Difference> = tx
        .query(&sql, &[])?
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
    diffs.sort_by(|a, b| a.key.cmp(&b.key));
    let file = out.join(format!("{county}-{}-differences.csv", e.name));
    write_differences(&file, &diffs)?;
    let alike = by_change
        .as_ref()
        .map_or(0, |(s, differing)| s.buckets.rows_alike(differing));
    let mut d = summarize(e, staged + alike, city_rows, &diffs, Some(file));
    d.pass = Some(match &by_change {
        Some((s, differing)) => Pass {
            how: "changes",
            buckets: s.buckets.digests.len() as u64,
            differing_buckets: differing.len() as u64,
            rows_staged: staged,
        },
        None => Pass {
            how: "whole",
            buckets: 0,
            differing_buckets: 0,
            rows_staged: staged,
        },
    });
    Ok(d)
}

/// The differences between `jb_stage` and the county's rows in the city: one set-based pass
/// each way, each side probing the other's key index (the city table's primary key; the
/// stage gets one). `only_buckets` narrows the city's side to the buckets staged.
fn compare_sql(conn: &Conn, e: &Entity, county: &str, only_buckets: &str) -> String {
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
            let d = distinct(conn, &format!("t.{c}"), &typed(conn, e, c, "s."));
            format!("CASE WHEN {d} THEN '{c}' END")
        })
        .collect();
    let any_differ = cols
        .iter()
        .filter(|c| !e.key.contains(c))
        .map(|c| distinct(conn, &format!("t.{c}"), &typed(conn, e, c, "s.")))
        .collect::<Vec<_>>()
        .join(" OR ");
    let keys = |f: &dyn Fn(&str) -> String, sep: &str| {
        e.key.iter().map(|k| f(k)).collect::<Vec<_>>().join(sep)
    };
    let staged_keys = keys(&|k| format!("s.{k}"), ", ");
    let city_keys = keys(&|k| format!("CAST(t.{k} AS TEXT)"), ", ");
    let back = keys(&|k| format!("s.{k} = CAST(t.{k} AS TEXT)"), " AND ");
    format!(
        "SELECT concat_ws(':', {staged_keys}) AS k, \
           CASE WHEN t.county_code IS NULL THEN 'missing-in-city' ELSE 'differs' END, \
           CASE WHEN t.county_code IS NOT NULL THEN concat_ws(',', {}) END \
         FROM jb_stage s LEFT JOIN {t} t ON t.county_code = '{county}' AND {join} \
         WHERE t.county_code IS NULL OR {} \
         UNION ALL \
         SELECT concat_ws(':', {city_keys}), 'only-in-city', NULL FROM {t} t \
         WHERE t.county_code = '{county}'{only_buckets} AND NOT EXISTS (SELECT 1 FROM jb_stage s WHERE {back})",
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
    )
}

fn kind_str(s: &str) -> &'static str {
    match s {
        "missing-in-city" => "missing-in-city",
        "only-in-city" => "only-in-city",
        _ => "differs",
    }
}

mod ranges;

use super::buckets::{self, Buckets};

pub use ranges::against_database;

/// Entities a database comparison looks at (all, or the one named).
pub fn entities(only: Option<&str>) -> Vec<&'static Entity> {
    format::ENTITIES
        .iter()
        .filter(|e| only.is_none_or(|o| o == e.name))
        .collect()
}
