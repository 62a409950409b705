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
use crate::data::buckets::{self, Buckets, Summed};
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
    let narrowing = narrowing(conn, e, spec)?;
    let mut tx = conn.staging(true)?;
    let Staging {
        sha,
        narrowed,
        rows: staged_now,
    } = stage(&mut *tx, narrowing, e, r, path, spec, progress)?;
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
    // the buckets staged, as a condition on the table's rows (`t`): only there can rows be
    // missing; the rest the file holds as the city does
    let narrowed_sql = narrowed
        .as_ref()
        .map(|(s, differing)| s.buckets.among(d, &format!("t.{}", e.key[0]), differing));
    let alike = narrowed
        .as_ref()
        .map_or(0, |(s, differing)| s.buckets.rows_alike(differing));
    let mut merged = tx.merge(&Merge {
        table: e.table,
        columns: &columns,
        key: e.key,
        county: spec.county,
        import_id: &id,
        lock: &merge_lock(spec, e),
        staged: staged_now,
        narrowed: narrowed_sql.as_deref(),
        entity: e.name,
        file_name: &file_name,
        apply_missing: spec.apply_missing,
        rejected: r.read - r.staged,
        full: spec.full,
    })?;
    merged.unchanged += alike;
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
        import_total(&mut *tx, &id, spec.county, narrowed_sql.as_deref())?;
    }
    tx.commit()?;
    Ok(Staged {
        sha,
        merged,
        already: None,
    })
}

/// The file's contributions summed per insurance and month (what the reconciliation rule
/// holds the table against): those staged, and when only some buckets were staged, the
/// county's rows of the others, which the file holds as the city does.
fn import_total(tx: &mut dyn Tx, id: &str, county: &str, narrowed: Option<&str>) -> Result<()> {
    let d = tx.dialect();
    let staged = format!(
        "SELECT insurance_type, {} AS period, {} + {} AS amount FROM jb_stage",
        d.typed("period", SqlType::Integer),
        d.typed("employer_amount", SqlType::Money),
        d.typed("person_amount", SqlType::Money)
    );
    let county = county.replace('\'', "''");
    let rows = match narrowed {
        Some(staged_buckets) => format!(
            "{staged} UNION ALL SELECT insurance_type, period, employer_amount + person_amount \
             FROM {} t WHERE t.county_code = '{county}' AND NOT ({staged_buckets})",
            d.table("contribution")
        ),
        None => staged,
    };
    tx.execute(
        &format!(
            "INSERT INTO {} SELECT $1, insurance_type, period, count(*), {} FROM ({rows}) x GROUP BY insurance_type, period",
            d.table("import_total"),
            d.money_sum("amount")
        ),
        &[Param::Text(id)],
    )?;
    Ok(())
}

/// A re-import by change: the buckets the file is summed in first, so that only those whose
/// sums differ from what the city holds are staged. None for a first load, a dry run,
/// `--full`, or a database that does not mark rows edited outside jinbao (V014).
fn narrowing(conn: &mut Conn, e: &Entity, spec: &Spec<'_>) -> Result<Option<Buckets>> {
    if spec.full || spec.dry_run || !buckets::edits_marked(conn)? {
        return Ok(None);
    }
    let sql = format!(
        "SELECT count(*) FROM {} WHERE county_code = '{}'",
        conn.table(e.table),
        spec.county.replace('\'', "''")
    );
    let held = conn.count(&sql)? as u64;
    let hash = buckets::key_hash(conn)?;
    Ok((held > 0).then(|| Buckets::for_rows(held, hash)))
}

/// The lock one merge of a county's table holds at a time.
fn merge_lock(spec: &Spec<'_>, e: &Entity) -> String {
    format!("jinbao import {} {}", spec.county, e.name)
}

/// What staging a file left in `jb_stage`: the file's checksum, the buckets staged when only
/// those whose sums differ from the city's were (with the file's sums), and the rows staged.
struct Staging {
    sha: String,
    narrowed: Option<(Summed, Vec<usize>)>,
    rows: u64,
}

/// Stages the file: every row, or with `narrowing` (a re-import by change) the file summed
/// per bucket of keys in a first reading and only the lines of the buckets whose sums differ
/// staged in a second one, which must read the same bytes. The same reading loaded before is
/// not read again (nothing staged: the caller finds it loaded).
fn stage(
    tx: &mut dyn Tx,
    narrowing: Option<Buckets>,
    e: &'static Entity,
    r: &mut Reading<'_>,
    path: &Path,
    spec: &Spec<'_>,
    progress: &dyn Fn(u64),
) -> Result<Staging> {
    let cols = stage_columns(e);
    let Some(b) = narrowing else {
        let mut stage = tx.stage(&cols)?;
        r.stream(&mut |line, values| Ok(stage.push(line, values)?), progress)?;
        stage.finish()?;
        wrong_county(r, path, spec)?;
        return Ok(Staging {
            sha: r.sha256(),
            narrowed: None,
            rows: r.staged,
        });
    };
    let k0 = cols.iter().position(|c| *c == e.key[0]).unwrap_or(0);
    let mut summed = buckets::sum_reading(r, b, k0, progress)?;
    wrong_county(r, path, spec)?;
    let first_sha = summed.sha.clone();
    let again_rejects = spec
        .rejects_dir
        .join(format!(".rejects-again-{}.tmp", std::process::id()));
    let mut again = super::extract::open(e, path, spec, &again_rejects)?;
    let mut narrowed = None;
    match earlier(tx, e, spec, &first_sha)? {
        Some((.., was)) if was == reading(r.encoding, spec) => {
            drop(again);
            let _ = std::fs::remove_file(&again_rejects);
            tx.stage(&cols)?.finish()?;
            return Ok(Staging {
                sha: first_sha,
                narrowed: None,
                rows: 0,
            });
        }
        // another reading of it replaces what that one loaded: every row staged
        Some(_) => {}
        None if r.staged > 0 => {
            // the city's sums read under the lock the merge holds: no load of the same county
            // and table commits between them and the merge
            tx.lock(&merge_lock(spec, e))?;
            let d = tx.dialect();
            let sql = summed
                .buckets
                .city_sql(d, &d.table(e.table), e.key[0], spec.county);
            let city = summed.buckets.city_digests(&tx.query(&sql, &[])?);
            let differing = summed.buckets.differing(&city);
            summed.narrow(&mut again, &differing);
            narrowed = Some((summed, differing));
        }
        None => {}
    }
    let mut stage = tx.stage(&cols)?;
    again.stream(&mut |line, values| Ok(stage.push(line, values)?), &|_| {})?;
    stage.finish()?;
    let _ = std::fs::remove_file(&again_rejects);
    // what was summed is what was staged: the same bytes read twice
    if again.sha256() != first_sha {
        return Err(ImportError::File {
            path: path.display().to_string(),
            message: "the file changed between its two readings (summed, then staged): is it still being written? Nothing of it was loaded".into(),
        });
    }
    Ok(Staging {
        sha: first_sha,
        narrowed,
        rows: again.staged,
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
