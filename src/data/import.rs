//! `data import`: a county extract into the city database, streamed. Every row read is loaded
//! or rejected (line and reason, in a reject file); a load manifest records rows read, loaded
//! and rejected and the file's checksum. Rows go through a temporary table (PostgreSQL COPY,
//! SQLite prepared statements), are checked for keys repeated in the file, and are merged into
//! the table on their natural key, so importing the same extract again duplicates nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use sha2::Digest;

use super::extract::{self, Reading};
pub use super::extract::{Encoding, Mapping, Reject, Spec};
use super::format::{self, Entity, Kind};
use crate::db::{self, Conn};

/// Why an import (or the staging of an extract for a comparison) failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Extract(#[from] super::csv_line::ExtractError),
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{}", crate::db::pg_message(.0))]
    Pg(#[from] postgres::Error),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
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
    pub loaded: u64,
    pub rejected: u64,
    pub reject_file: Option<String>,
    /// The same file was loaded before (nothing was loaded again).
    pub already: bool,
    pub dry_run: bool,
    pub ms: u64,
    /// The first rejects (line and reason, personal data masked); the reject file has all.
    pub rejects: Vec<Reject>,
}

/// Where the rows of a file go: a temporary table on one engine or the other.
pub(crate) enum Stage<'c> {
    Pg(postgres::CopyInWriter<'c>, Vec<u8>),
    Lite(rusqlite::Statement<'c>),
}

pub(crate) const PG_BATCH: usize = 1 << 20;

impl Stage<'_> {
    pub(crate) fn push(&mut self, line: u64, values: &[format::Value]) -> Result<()> {
        match self {
            Stage::Pg(w, buf) => {
                buf.extend_from_slice(line.to_string().as_bytes());
                for v in values {
                    buf.push(b'\t');
                    match v {
                        None => buf.extend_from_slice(b"\\N"),
                        Some(s) => {
                            for b in s.bytes() {
                                match b {
                                    b'\\' => buf.extend_from_slice(b"\\\\"),
                                    b'\t' => buf.extend_from_slice(b"\\t"),
                                    b'\n' => buf.extend_from_slice(b"\\n"),
                                    b'\r' => buf.extend_from_slice(b"\\r"),
                                    b => buf.push(b),
                                }
                            }
                        }
                    }
                }
                buf.push(b'\n');
                if buf.len() >= PG_BATCH {
                    w.write_all(buf)?;
                    buf.clear();
                }
            }
            Stage::Lite(stmt) => {
                let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(values.len() + 1);
                let line = line as i64;
                params.push(&line);
                for v in values {
                    params.push(v);
                }
                stmt.execute(params.as_slice())?;
            }
        }
        Ok(())
    }
}

/// The columns of the temporary table (and of the target, besides county and import).
pub(crate) fn stage_columns(e: &Entity) -> Vec<&'static str> {
    let mut cols: Vec<&str> = e.columns.iter().map(|c| c.name).collect();
    cols.extend(format::extra_columns(e));
    cols
}

/// The SQL type a text column of the temporary table is cast to on PostgreSQL.
fn pg_cast(e: &Entity, col: &str) -> &'static str {
    match e.columns.iter().find(|c| c.name == col).map(|c| c.kind) {
        Some(Kind::Date) => "::date",
        Some(Kind::Period) | Some(Kind::Count) => "::integer",
        Some(Kind::Money) => "::numeric",
        Some(Kind::Flag) => "::smallint",
        _ => "",
    }
}

/// The temporary table a file is staged in: its columns as text (in byte order on
/// PostgreSQL: sorting and grouping keys by a locale's rules costs several times more, and keys
/// are codes).
fn stage_ddl(cols: &[&str], text_type: &str) -> String {
    format!(
        "CREATE TEMP TABLE jb_stage (line BIGINT, {})",
        cols.iter()
            .map(|c| format!("{c} {text_type}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Creates `jb_stage` in `tx` (dropped at commit) and streams the file's converted rows into
/// it with COPY.
pub(crate) fn stage_pg(
    tx: &mut postgres::Transaction<'_>,
    r: &mut Reading<'_>,
    cols: &[&str],
    progress: &dyn Fn(u64),
) -> Result<()> {
    tx.batch_execute(&format!(
        "{} ON COMMIT DROP",
        stage_ddl(cols, "TEXT COLLATE \"C\"")
    ))?;
    let writer = tx.copy_in(&format!(
        "COPY jb_stage (line, {}) FROM STDIN",
        cols.join(", ")
    ))?;
    let mut stage = Stage::Pg(writer, Vec::with_capacity(PG_BATCH + 4096));
    r.stream(&mut |line, values| stage.push(line, values), progress)?;
    let Stage::Pg(mut w, buf) = stage else {
        unreachable!("a PostgreSQL stage")
    };
    w.write_all(&buf)?;
    w.finish()?;
    Ok(())
}

/// Creates `jb_stage` in `tx` and streams the file's converted rows into it through one
/// prepared statement.
pub(crate) fn stage_lite(
    tx: &rusqlite::Transaction<'_>,
    r: &mut Reading<'_>,
    cols: &[&str],
    progress: &dyn Fn(u64),
) -> Result<()> {
    tx.execute_batch(&stage_ddl(cols, "TEXT"))?;
    let stmt = tx.prepare(&format!(
        "INSERT INTO jb_stage (line, {}) VALUES ({})",
        cols.join(", "),
        (1..=cols.len() + 1)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    let mut stage = Stage::Lite(stmt);
    r.stream(&mut |line, values| stage.push(line, values), progress)
}

/// What the database said after staging: the file's checksum, keys repeated in the file
/// (line, first line), and an earlier load of the same file.
struct Staged {
    sha: String,
    duplicates: Vec<(u64, u64)>,
    already: Option<(String, i64, i64, i64)>,
}

/// Imports one file of entity `e`.
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
    let cols = stage_columns(e);
    let key = e.key.join(", ");
    // all but the first line of each key repeated in the file
    let dup_sql = format!(
        "SELECT s.line, t.first FROM jb_stage s JOIN (SELECT {key}, min(line) AS first FROM jb_stage GROUP BY {key} HAVING count(*) > 1) t USING ({key}) WHERE s.line <> t.first ORDER BY s.line"
    );
    let update = cols
        .iter()
        .filter(|c| !e.key.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .chain(std::iter::once(
            "import_id = excluded.import_id".to_string(),
        ))
        .collect::<Vec<_>>()
        .join(", ");
    let pk = format!("county_code, {key}");
    let operator = db::operator();
    let file_name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    // as import manifests have always recorded it (with the mapping, below)
    let encoding_name = match r.encoding {
        Encoding::Utf8 => "utf8",
        Encoding::Gb18030 => "gb18030",
    }
    .to_string();
    // how the file was read: its encoding, and the mapping when there is one (what an import
    // of the same file read another way is told apart by; 20 characters at most)
    let reading = match spec.mapping {
        Some(m) => {
            let h = sha2::Sha256::digest(format!("{m:?}").as_bytes());
            let hex: String = h.iter().take(6).map(|x| format!("{x:02x}")).collect();
            format!("{encoding_name}+{hex}")
        }
        None => encoding_name.clone(),
    };
    // an earlier load of the same file: the same reading is already loaded; another reading
    // replaces it (its import id, to delete what it loaded)
    let earlier = |found: Option<(String, i64, i64, i64, String)>| match found {
        Some((id, read, loaded, rejected, how)) if how == reading => {
            (Some((id, read, loaded, rejected)), None)
        }
        Some((id, ..)) => (None, Some(id)),
        None => (None, None),
    };
    let id_of = |sha: &str| format!("{}-{}-{}", spec.county, e.name, &sha[..12]);
    let counts = |r: &Reading<'_>, dups: usize| {
        let loaded = r.staged - dups as u64;
        (loaded, r.read - loaded)
    };

    let staged = match conn {
        Conn::Pg(client) => {
            // the staged file stays in memory if it fits (takes effect before the first
            // temporary table of the session only); sorting it by key likewise
            // (refused once the session has used one: then the setting it has stays)
            let _ = client.batch_execute("SET temp_buffers = '256MB'");
            let mut tx = client.transaction()?;
            tx.batch_execute("SET LOCAL work_mem = '256MB'")?;
            stage_pg(&mut tx, &mut r, &cols, progress)?;
            wrong_county(&r, path, spec)?;
            let sha = r.sha256();
            let already = tx
                .query_opt(
                    &format!(
                        "SELECT import_id, rows_read, rows_loaded, rows_rejected, encoding FROM {}.import_batch WHERE county_code = $1 AND entity = $2 AND file_sha256 = $3",
                        db::SCHEMA
                    ),
                    &[&spec.county, &e.name, &sha],
                )?
                .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)));
            let (already, replaces) = earlier(already);
            let query_duplicates = |tx: &mut postgres::Transaction<'_>| -> Result<Vec<(u64, u64)>> {
                Ok(tx
                    .query(&dup_sql, &[])?
                    .iter()
                    .map(|row| (row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64))
                    .collect())
            };
            let mut duplicates = Vec::new();
            if already.is_some() || spec.dry_run {
                if already.is_none() {
                    duplicates = query_duplicates(&mut tx)?;
                }
                tx.rollback()?;
            } else {
                if let Some(old) = &replaces {
                    for t in [e.table, "import_total", "import_batch"] {
                        tx.execute(
                            &format!("DELETE FROM {}.{t} WHERE import_id = $1", db::SCHEMA),
                            &[old],
                        )?;
                    }
                }
                // the manifest first (assuming no repeated keys, corrected below if there are)
                let import_id = id_of(&sha);
                let (loaded, rejected) = counts(&r, 0);
                tx.execute(
                    &format!(
                        "INSERT INTO {}.import_batch VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), now())",
                        db::SCHEMA
                    ),
                    &[&import_id, &spec.city_code, &spec.county, &e.name, &file_name, &sha, &reading, &(r.read as i64), &(loaded as i64), &(rejected as i64), &reject_name(&import_id, rejected), &operator],
                )?;
                let select: Vec<String> = cols
                    .iter()
                    .map(|c| format!("{c}{}", pg_cast(e, c)))
                    .collect();
                // one import of a county's entity at a time; the first one into an empty
                // county needs no conflict handling (several times cheaper per row)
                tx.execute(
                    "SELECT pg_advisory_xact_lock(hashtext($1))",
                    &[&format!("jinbao import {} {}", spec.county, e.name)],
                )?;
                let fresh = tx
                    .query_opt(
                        &format!(
                            "SELECT 1 FROM {}.{} WHERE county_code = $1 LIMIT 1",
                            db::SCHEMA,
                            e.table
                        ),
                        &[&spec.county],
                    )?
                    .is_none();
                let upsert = if fresh {
                    String::new()
                } else {
                    format!(" ON CONFLICT ({pk}) DO UPDATE SET {update}")
                };
                // in key order (the index is then written front to back, several times faster
                // than in file order), the first line of a repeated key only
                let merged = tx.execute(
                    &format!(
                        "INSERT INTO {s}.{t} (county_code, {c}, import_id) SELECT DISTINCT ON ({key}) $1, {sel}, $2 FROM jb_stage ORDER BY {key}, line{upsert}",
                        s = db::SCHEMA,
                        t = e.table,
                        c = cols.join(", "),
                        sel = select.join(", ")
                    ),
                    &[&spec.county, &import_id],
                )?;
                if merged < r.staged {
                    duplicates = query_duplicates(&mut tx)?;
                    let join = e
                        .key
                        .iter()
                        .map(|k| format!("s.{k} = t.{k}"))
                        .collect::<Vec<_>>()
                        .join(" AND ");
                    tx.batch_execute(&format!(
                        "DELETE FROM jb_stage s USING (SELECT {key}, min(line) AS first FROM jb_stage GROUP BY {key} HAVING count(*) > 1) t WHERE {join} AND s.line <> t.first"
                    ))?;
                    let (loaded, rejected) = counts(&r, duplicates.len());
                    tx.execute(
                        &format!(
                            "UPDATE {}.import_batch SET rows_loaded = $2, rows_rejected = $3, reject_file = $4 WHERE import_id = $1",
                            db::SCHEMA
                        ),
                        &[&import_id, &(loaded as i64), &(rejected as i64), &reject_name(&import_id, rejected)],
                    )?;
                }
                if e.name == "contribution" {
                    tx.execute(
                        &format!(
                            "INSERT INTO {}.import_total SELECT $1, insurance_type, period::integer, count(*), sum(employer_amount::numeric + person_amount::numeric) FROM jb_stage GROUP BY insurance_type, period",
                            db::SCHEMA
                        ),
                        &[&import_id],
                    )?;
                }
                tx.commit()?;
            }
            Staged {
                sha,
                duplicates,
                already,
            }
        }
        Conn::Lite(c) => {
            c.execute_batch("DROP TABLE IF EXISTS temp.jb_stage")?;
            let tx = c.transaction()?;
            stage_lite(&tx, &mut r, &cols, progress)?;
            wrong_county(&r, path, spec)?;
            let sha = r.sha256();
            let already = tx
                .query_row(
                    "SELECT import_id, rows_read, rows_loaded, rows_rejected, encoding FROM import_batch WHERE county_code = ?1 AND entity = ?2 AND file_sha256 = ?3",
                    rusqlite::params![spec.county, e.name, sha],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
                )
                .ok();
            let (already, replaces) = earlier(already);
            let duplicates: Vec<(u64, u64)> = {
                let mut st = tx.prepare(&dup_sql)?;
                st.query_map([], |row| {
                    Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64))
                })?
                .collect::<Result<_, _>>()?
            };
            if already.is_none() && !spec.dry_run {
                if !duplicates.is_empty() {
                    tx.execute_batch(&format!(
                        "DELETE FROM jb_stage WHERE line NOT IN (SELECT min(line) FROM jb_stage GROUP BY {key})"
                    ))?;
                }
                if let Some(old) = &replaces {
                    for t in [e.table, "import_total", "import_batch"] {
                        tx.execute(&format!("DELETE FROM {t} WHERE import_id = ?1"), [old])?;
                    }
                }
                let (loaded, rejected) = counts(&r, duplicates.len());
                let import_id = id_of(&sha);
                tx.execute(
                    "INSERT INTO import_batch VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    rusqlite::params![import_id, spec.city_code, spec.county, e.name, file_name, sha, reading, r.read as i64, loaded as i64, rejected as i64, reject_name(&import_id, rejected), operator],
                )?;
                tx.execute(
                    &format!(
                        "INSERT INTO {t} (county_code, {c}, import_id) SELECT ?1, {c}, ?2 FROM jb_stage WHERE true ORDER BY {key} ON CONFLICT ({pk}) DO UPDATE SET {update}",
                        t = e.table,
                        c = cols.join(", ")
                    ),
                    rusqlite::params![spec.county, import_id],
                )?;
                if e.name == "contribution" {
                    tx.execute(
                        "INSERT INTO import_total SELECT ?1, insurance_type, CAST(period AS INTEGER), count(*), round(sum(CAST(employer_amount AS REAL) + CAST(person_amount AS REAL)), 2) FROM jb_stage GROUP BY insurance_type, period",
                        rusqlite::params![import_id],
                    )?;
                }
                tx.execute_batch("DROP TABLE temp.jb_stage")?;
                tx.commit()?;
            } else {
                tx.rollback()?;
                c.execute_batch("DROP TABLE IF EXISTS temp.jb_stage")?;
            }
            Staged {
                sha,
                duplicates,
                already,
            }
        }
    };
    for (line, first) in &staged.duplicates {
        let reason = format!(
            "the same key as line {first} of this file ({})",
            e.key.join(", ")
        );
        r.reject(*line, reason.clone(), reason, &[])?;
    }
    r.rejects.sort_by_key(|x| x.line);
    let base = Manifest {
        import_id: id_of(&staged.sha),
        city: spec.city.into(),
        county: spec.county.into(),
        entity: e.name.into(),
        file: path.display().to_string(),
        sha256: staged.sha.clone(),
        encoding: r.encoding,
        read: 0,
        loaded: 0,
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
            rejected: rejected as u64,
            already: true,
            ms: start.elapsed().as_millis() as u64,
            ..base
        });
    }
    let (loaded, rejected) = counts(&r, staged.duplicates.len());
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
        rejected,
        reject_file,
        ms: start.elapsed().as_millis() as u64,
        rejects,
        ..base
    })
}

/// The county the folder of an extract file is, by the summary.json of the extracts beside it
/// (what `data synth` and the county exports write): that file and the county. None when there
/// is none, or it does not name the folder.
fn county_of_folder(file: &Path) -> Option<(PathBuf, String)> {
    let folder = file.parent()?.canonicalize().ok()?;
    let summary = folder.parent()?.join("summary.json");
    let text = std::fs::read_to_string(&summary).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let code = value["counties"].as_array()?.iter().find_map(|c| {
        let named = Path::new(c["folder"].as_str()?).canonicalize().ok()?;
        (named == folder).then(|| c["code"].as_str().map(str::to_string))?
    })?;
    Some((summary, code))
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

/// Takes the controller lock of one county's imports (`import-<city>-<county>`): a second
/// import of the county waits up to `wait` (`on_wait` is told who it waits for), then is
/// refused. Held until the returned lock is dropped.
pub fn lock_county(
    state_dir: &Path,
    city: &str,
    county: &str,
    wait: std::time::Duration,
    on_wait: &mut dyn FnMut(&crate::state::lock::Holder),
) -> Result<crate::state::lock::Lock, crate::state::lock::LockError> {
    crate::state::lock::acquire(
        state_dir,
        &format!("import-{city}-{county}"),
        &format!("import of {city} county {county}"),
        wait,
        on_wait,
    )
}

/// Opens every file and reads its header before any row is loaded: a file that cannot be
/// read stops the import before it changes anything. So does a file of persons or employers
/// whose rows are mostly another county's (read through once for it).
pub fn check_readable(files: &[(&'static Entity, PathBuf)], spec: &Spec<'_>) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    for (entity, path) in files {
        if let Some((summary, seems)) = county_of_folder(path)
            && seems != spec.county
        {
            return Err(ImportError::SummaryCounty {
                path: path.display().to_string(),
                summary: summary.display().to_string(),
                named: spec.county.to_string(),
                seems,
            });
        }
        let mut r =
            extract::open(entity, path, spec, &scratch.path().join("check.tmp")).map_err(|e| {
                ImportError::File {
                    path: path.display().to_string(),
                    message: format!("cannot be imported: {e}"),
                }
            })?;
        if entity.columns.iter().any(|c| c.name == "area_code") {
            // a failure to read it through is the import's to report, file by file
            if r.stream(&mut |_, _| Ok(()), &|_| {}).is_ok() {
                wrong_county(&r, path, spec)?;
            }
        }
    }
    Ok(())
}

/// The files of a county folder (or the files given), each with its entity, in load order
/// (persons and employers first).
pub fn files_of(
    paths: &[PathBuf],
    mapping: Option<&Mapping>,
) -> Result<Vec<(&'static Entity, PathBuf)>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect();
            entries.sort();
            for f in entries {
                if let Some(e) =
                    format::entity_of_file(&f.file_name().unwrap_or_default().to_string_lossy())
                {
                    out.push((e, f));
                }
            }
            continue;
        }
        let e = match mapping.and_then(|m| m.entity.as_deref()) {
            Some(name) => format::entity(name).ok_or_else(|| {
                ImportError::Usage(format!("the mapping names an unknown entity `{name}`"))
            })?,
            None => format::entity_of_file(&p.file_name().unwrap_or_default().to_string_lossy())
                .ok_or_else(|| {
                    ImportError::Usage(format!(
                        "{}: which entity? name the file persons.csv, contributions.csv … or use a mapping file",
                        p.display()
                    ))
                })?,
        };
        out.push((e, p.clone()));
    }
    let order = |e: &Entity| {
        format::ENTITIES
            .iter()
            .position(|x| x.name == e.name)
            .unwrap_or(99)
    };
    out.sort_by_key(|(e, p)| (order(e), p.clone()));
    Ok(out)
}
