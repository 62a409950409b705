//! One file into the city database, in one transaction: staged in `jb_stage`, checked for
//! keys repeated in the file and for an earlier load of it, then merged on its natural key
//! with its manifest row. Written once for both engines: what differs is the seam's
//! (`db::Tx`).

use std::path::Path;

use sha2::Digest;

use super::extract::Reading;
use super::{
    Encoding, ImportError, Result, Spec, Staged, counts, import_id, reject_name, stage_columns,
};
use super::{sql_type, wrong_county};
use crate::data::format::Entity;
use crate::db::{Cell, Conn, Merge, Merged, Param, SqlType, Tx};

/// An earlier load of the same file: its import id, rows read, loaded and rejected, and how
/// it was read.
type Earlier = (String, i64, i64, i64, String);

/// Stages the file, and unless it is a dry run or was loaded before, merges it.
pub(super) fn load(
    conn: &mut Conn,
    e: &'static Entity,
    r: &mut Reading<'_>,
    path: &Path,
    spec: &Spec<'_>,
    progress: &dyn Fn(u64),
) -> Result<Staged> {
    let cols = stage_columns(e);
    // the newest migration the import needs: the keys of deleted rows kept for the checks
    if !conn.has_table(&format!("{}_gone", e.table))? {
        return Err(ImportError::Outdated {
            city: spec.city.to_string(),
            table: e.table.to_string(),
        });
    }
    let mut tx = conn.staging(true)?;
    let mut stage = tx.stage(&cols)?;
    r.stream(&mut |line, values| Ok(stage.push(line, values)?), progress)?;
    stage.finish()?;
    wrong_county(r, path, spec)?;
    let sha = r.sha256();
    let how = reading(r.encoding, spec);
    // the same reading is already loaded; another reading replaces it (its import id, to
    // delete what it loaded)
    let (already, replaces) = match earlier(&mut *tx, e, spec, &sha)? {
        Some((id, read, loaded, rejected, was)) if was == how => {
            (Some((id, read, loaded, rejected)), None)
        }
        Some((id, ..)) => (None, Some(id)),
        None => (None, None),
    };
    if already.is_some() || spec.dry_run {
        let duplicates = match already {
            None => tx.repeated_keys(e.key)?,
            Some(_) => Vec::new(),
        };
        tx.rollback()?;
        return Ok(Staged {
            sha,
            merged: Merged {
                repeated: duplicates,
                ..Merged::default()
            },
            already,
        });
    }
    let d = tx.dialect();
    let id = import_id(spec, e, &sha);
    if let Some(old) = &replaces {
        forget(&mut *tx, e, old, &id)?;
    }
    // the manifest first (its counts set once the rows are merged)
    let (loaded, rejected) = counts(r, 0);
    let file_name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let operator = crate::operator::operator();
    let reject_file = reject_name(&id, rejected);
    tx.execute(
        &format!(
            "INSERT INTO {} (import_id, city_code, county_code, entity, file_name, file_sha256, \
             encoding, rows_read, rows_loaded, rows_rejected, reject_file, loaded_by, started_at, \
             finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, {now}, {now})",
            d.table("import_batch"),
            now = d.now()
        ),
        &[
            Param::Text(&id),
            Param::Text(spec.city_code),
            Param::Text(spec.county),
            Param::Text(e.name),
            Param::Text(&file_name),
            Param::Text(&sha),
            Param::Text(&how),
            Param::Int(r.read as i64),
            Param::Int(loaded as i64),
            Param::Int(rejected as i64),
            Param::MaybeText(reject_file.as_deref()),
            Param::Text(&operator),
        ],
    )?;
    let columns: Vec<(&str, SqlType)> = cols.iter().map(|c| (*c, sql_type(e, c))).collect();
    let merged = tx.merge(&Merge {
        table: e.table,
        columns: &columns,
        key: e.key,
        county: spec.county,
        import_id: &id,
        lock: &format!("jinbao import {} {}", spec.county, e.name),
        staged: r.staged,
        entity: e.name,
        file_name: &file_name,
        apply_missing: spec.apply_missing,
        rejected: r.read - r.staged,
        full: spec.full,
    })?;
    let (loaded, rejected) = counts(r, merged.repeated.len());
    let reject_file = reject_name(&id, rejected);
    tx.execute(
        &format!(
            "UPDATE {} SET rows_loaded = $2, rows_rejected = $3, reject_file = $4, \
             rows_new = $5, rows_changed = $6, rows_unchanged = $7, rows_missing = $8 WHERE import_id = $1",
            d.table("import_batch")
        ),
        &[
            Param::Text(&id),
            Param::Int(loaded as i64),
            Param::Int(rejected as i64),
            Param::MaybeText(reject_file.as_deref()),
            Param::Int(merged.new as i64),
            Param::Int(merged.changed as i64),
            Param::Int(merged.unchanged as i64),
            Param::Int(merged.missing as i64),
        ],
    )?;
    if e.name == "contribution" {
        let amount = format!(
            "{} + {}",
            d.typed("employer_amount", SqlType::Money),
            d.typed("person_amount", SqlType::Money)
        );
        tx.execute(
            &format!(
                "INSERT INTO {} SELECT $1, insurance_type, {}, count(*), {} FROM jb_stage GROUP BY insurance_type, period",
                d.table("import_total"),
                d.typed("period", SqlType::Integer),
                d.money_sum(&amount)
            ),
            &[Param::Text(&id)],
        )?;
    }
    tx.commit()?;
    Ok(Staged {
        sha,
        merged,
        already: None,
    })
}

/// How the file was read: its encoding, and the mapping when there is one (what an import of
/// the same file read another way is told apart by; 20 characters at most).
fn reading(encoding: Encoding, spec: &Spec<'_>) -> String {
    // as import manifests have always recorded it
    let name = match encoding {
        Encoding::Utf8 => "utf8",
        Encoding::Gb18030 => "gb18030",
    };
    match spec.mapping {
        Some(m) => {
            let h = sha2::Sha256::digest(format!("{m:?}").as_bytes());
            let hex: String = h.iter().take(6).map(|x| format!("{x:02x}")).collect();
            format!("{name}+{hex}")
        }
        None => name.to_string(),
    }
}

/// The load of the same file (county, entity, checksum) recorded before, if any.
fn earlier(tx: &mut dyn Tx, e: &Entity, spec: &Spec<'_>, sha: &str) -> Result<Option<Earlier>> {
    let rows = tx.query(
        &format!(
            "SELECT import_id, rows_read, rows_loaded, rows_rejected, encoding FROM {} WHERE county_code = $1 AND entity = $2 AND file_sha256 = $3",
            tx.dialect().table("import_batch")
        ),
        &[
            Param::Text(spec.county),
            Param::Text(e.name),
            Param::Text(sha),
        ],
    )?;
    Ok(rows.first().map(|row| {
        let text = |i: usize| row.get(i).and_then(Cell::text).unwrap_or_default();
        let int = |i: usize| row.get(i).and_then(Cell::int).unwrap_or(0);
        (text(0), int(1), int(2), int(3), text(4))
    }))
}

/// Deletes what the load `old` of the same file (read another way) loaded, and clears the
/// marks of the rows it found missing: the new reading finds them again. The checks by change
/// are told: the rows deleted are kept as gone by the load `new`, and `old` is no load a check
/// has seen (the new reading may have its id).
fn forget(tx: &mut dyn Tx, e: &Entity, old: &str, new: &str) -> Result<()> {
    let d = tx.dialect();
    let key = e.key.join(", ");
    tx.execute(
        &format!(
            "INSERT INTO {} (county_code, {key}, import_id) SELECT county_code, {key}, $2 FROM {} WHERE import_id = $1",
            d.table(&format!("{}_gone", e.table)),
            d.table(e.table)
        ),
        &[Param::Text(old), Param::Text(new)],
    )?;
    tx.execute(
        &format!(
            "DELETE FROM {} WHERE import_id = $1",
            d.table("check_generation")
        ),
        &[Param::Text(old)],
    )?;
    for t in [e.table, "import_total", "import_batch"] {
        tx.execute(
            &format!("DELETE FROM {} WHERE import_id = $1", d.table(t)),
            &[Param::Text(old)],
        )?;
    }
    tx.execute(
        &format!(
            "UPDATE {} SET missing_import = NULL WHERE missing_import = $1",
            d.table(e.table)
        ),
        &[Param::Text(old)],
    )?;
    Ok(())
}
