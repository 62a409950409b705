//! SQLite behind the seam: opening a city's file (private, WAL), the consumers' queries,
//! staging a file through one prepared statement, and the SQL SQLite writes its own way.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::{
    Cell, Database, DbError, Dialect, Merge, Merged, Param, SqlType, Stage, Tx, query_error,
};

pub fn open_sqlite(path: &Path) -> Result<rusqlite::Connection, DbError> {
    // a database jinbao creates holds personal data: its folder 0700, the file 0600 (SQLite
    // gives its -wal and -shm files the mode of the database)
    if !path.exists() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::private_dir(dir)
                .map_err(|e| DbError::Other(format!("cannot make {}: {e}", dir.display())))?;
        }
        // never truncating: another jinbao may have created it a moment ago and be writing
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(DbError::Other(format!(
                    "cannot create {}: {e}",
                    path.display()
                )));
            }
        }
    }
    let target = path.display().to_string();
    let conn = rusqlite::Connection::open(path).map_err(|source| DbError::Sqlite {
        target: target.clone(),
        source,
    })?;
    conn.busy_timeout(Duration::from_secs(30))
        .and_then(|_| {
            conn.execute_batch(
                // a 16 MiB page cache (the default is 2 MiB): a load of a million rows in key
                // order then runs twice as fast; memory stays small and bounded
                "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384;",
            )
        })
        .and_then(|_| crate::sqlite_functions::register(&conn))
        .map_err(|source| DbError::Sqlite { target, source })?;
    Ok(conn)
}

/// Copies every page in one step (one transaction on each side), waiting while another
/// connection holds a lock: up to 30 s, as a busy connection would.
fn whole_copy(backup: &rusqlite::backup::Backup<'_, '_>) -> rusqlite::Result<()> {
    use rusqlite::backup::StepResult;
    let until = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if std::time::Instant::now() > until => {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed locked for 30 s".into()),
                ));
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// The cells of a row as SQLite holds them.
fn lite_cells(row: &rusqlite::Row<'_>, n: usize, cells: &mut Vec<Cell>) -> Result<(), DbError> {
    use rusqlite::types::ValueRef;
    cells.clear();
    for i in 0..n {
        cells.push(match row.get_ref(i).map_err(query_error)? {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(v) => Cell::Int(v),
            ValueRef::Real(v) => Cell::Real(v),
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                Cell::Text(String::from_utf8_lossy(t).into_owned())
            }
        });
    }
    Ok(())
}

impl Database for rusqlite::Connection {
    fn dialect(&self) -> &'static dyn Dialect {
        &Sqlite
    }

    fn has_table(&mut self, name: &str) -> Result<bool, DbError> {
        let sql = "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1";
        self.query_row(sql, [name], |r| r.get(0))
            .map_err(query_error)
    }

    fn has_column(&mut self, table: &str, column: &str) -> Result<bool, DbError> {
        let sql = "SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2";
        self.query_row(sql, [table, column], |r| r.get(0))
            .map_err(query_error)
    }

    fn each_row(
        &mut self,
        sql: &str,
        each: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>,
    ) -> Result<(), DbError> {
        let mut st = self.prepare(sql).map_err(query_error)?;
        let n = st.column_count();
        let mut rows = st.query([]).map_err(query_error)?;
        let mut cells = Vec::with_capacity(n);
        while let Some(row) = rows.next().map_err(query_error)? {
            lite_cells(row, n, &mut cells)?;
            each(&cells).map_err(DbError::Consumer)?;
        }
        Ok(())
    }

    /// Read first (in this process), to keep the statement's borrow here.
    fn int_stream<'c>(
        &'c mut self,
        sql: &str,
    ) -> Result<Box<dyn Iterator<Item = Result<i64, DbError>> + 'c>, DbError> {
        let mut st = self.prepare(sql).map_err(query_error)?;
        let v: Vec<i64> = st
            .query_map([], |r| r.get(0))
            .map_err(query_error)?
            .collect::<rusqlite::Result<_>>()
            .map_err(query_error)?;
        Ok(Box::new(v.into_iter().map(Ok)))
    }

    fn server_version(&mut self) -> Option<u32> {
        None
    }

    fn server_load(&mut self) -> Option<super::ServerLoad> {
        None
    }

    fn table_counts(&mut self) -> Result<BTreeMap<String, i64>, DbError> {
        let names: Vec<String> = {
            let mut st = self
                .prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .map_err(query_error)?;
            st.query_map([], |r| r.get(0))
                .map_err(query_error)?
                .collect::<rusqlite::Result<_>>()
                .map_err(query_error)?
        };
        let mut out = BTreeMap::new();
        for name in names {
            // names come from the catalogue; quoted as identifiers all the same
            let sql = format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\""));
            let n: i64 = self
                .query_row(&sql, [], |r| r.get(0))
                .map_err(query_error)?;
            out.insert(name, n);
        }
        Ok(out)
    }

    fn snapshot_into(&mut self, to: &Path) -> Result<BTreeMap<String, i64>, DbError> {
        let shown = |e: &dyn std::fmt::Display| DbError::Other(format!("{}: {e}", to.display()));
        drop(crate::files::create_private(to).map_err(|e| shown(&e))?);
        let mut copy = rusqlite::Connection::open(to).map_err(|e| shown(&e))?;
        // one read transaction: the counts and the copy are the same picture of the database
        self.execute_batch("BEGIN").map_err(query_error)?;
        let taken = self.table_counts().and_then(|counts| {
            let backup = rusqlite::backup::Backup::new(self, &mut copy).map_err(|e| shown(&e))?;
            // every page in one step: nothing written meanwhile can tear the copy
            whole_copy(&backup).map_err(|e| shown(&e))?;
            Ok(counts)
        });
        let _ = self.execute_batch("COMMIT");
        drop(copy);
        let counts = taken?;
        std::fs::File::open(to)
            .and_then(|f| f.sync_all())
            .map_err(|e| shown(&e))?;
        Ok(counts)
    }

    fn replace_with(&mut self, from: &Path) -> Result<(), DbError> {
        let shown = |e: &dyn std::fmt::Display| DbError::Other(format!("{}: {e}", from.display()));
        let source =
            rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| shown(&e))?;
        let backup = rusqlite::backup::Backup::new(&source, self).map_err(|e| shown(&e))?;
        // one step, one write transaction on this database: stopped half way, it rolls back
        whole_copy(&backup).map_err(|e| shown(&e))
    }

    fn mark_restore_point(
        &mut self,
        _name: &str,
        _wait: std::time::Duration,
    ) -> Result<super::Mark, DbError> {
        Err(DbError::Other(
            "an SQLite database has no write-ahead log to mark: its backups are whole copies"
                .into(),
        ))
    }

    /// By `jinbao_bucket`, the same binary search as `width_bucket`, over the bounds joined
    /// by the unit separator.
    fn by_bucket(
        &mut self,
        key: &str,
        rest: &str,
        bounds: &[String],
    ) -> Result<Vec<(i64, i64, String)>, DbError> {
        let sql = format!("SELECT jinbao_bucket(CAST({key} AS TEXT), ?1) AS b, {rest}");
        let joined = bounds.join("\u{1f}");
        let mut st = self.prepare(&sql).map_err(query_error)?;
        st.query_map([&joined], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(query_error)?
            .collect::<rusqlite::Result<_>>()
            .map_err(query_error)
    }

    fn staging(&mut self, _large: bool) -> Result<Box<dyn Tx + '_>, DbError> {
        self.execute_batch("DROP TABLE IF EXISTS temp.jb_stage")
            .map_err(query_error)?;
        self.execute_batch("BEGIN DEFERRED").map_err(query_error)?;
        Ok(Box::new(LiteTx { conn: self }))
    }
}

/// Binds `params` to the `$1`, `$2` … of `st`.
fn bind(st: &mut rusqlite::Statement<'_>, params: &[Param<'_>]) -> Result<(), DbError> {
    for (i, p) in params.iter().enumerate() {
        let Some(at) = st
            .parameter_index(&format!("${}", i + 1))
            .map_err(query_error)?
        else {
            continue;
        };
        match *p {
            Param::Text(t) => st.raw_bind_parameter(at, t),
            Param::Int(n) => st.raw_bind_parameter(at, n),
            Param::MaybeText(t) => st.raw_bind_parameter(at, t),
        }
        .map_err(query_error)?;
    }
    Ok(())
}

/// A transaction on a city's file: `jb_stage` is dropped at its end.
struct LiteTx<'c> {
    conn: &'c mut rusqlite::Connection,
}

impl LiteTx<'_> {
    fn end(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(query_error)
    }
}

/// Still open (never ended, or its COMMIT failed): rolled back.
impl Drop for LiteTx<'_> {
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl Tx for LiteTx<'_> {
    fn dialect(&self) -> &'static dyn Dialect {
        &Sqlite
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(query_error)
    }

    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let mut st = self.conn.prepare(sql).map_err(query_error)?;
        bind(&mut st, params)?;
        st.raw_execute().map(|n| n as u64).map_err(query_error)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, DbError> {
        let mut st = self.conn.prepare(sql).map_err(query_error)?;
        bind(&mut st, params)?;
        let n = st.column_count();
        let mut rows = st.raw_query();
        let mut out = Vec::new();
        let mut cells = Vec::with_capacity(n);
        while let Some(row) = rows.next().map_err(query_error)? {
            lite_cells(row, n, &mut cells)?;
            out.push(cells.clone());
        }
        Ok(out)
    }

    fn stage<'t>(&'t mut self, cols: &[&str]) -> Result<Box<dyn Stage + 't>, DbError> {
        self.conn
            .execute_batch(&super::merge::stage_ddl(cols, "TEXT"))
            .map_err(query_error)?;
        let insert = self
            .conn
            .prepare(&format!(
                "INSERT INTO jb_stage (line, fp, {}) VALUES ({})",
                cols.join(", "),
                (1..=cols.len() + 2)
                    .map(|i| format!("?{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .map_err(query_error)?;
        Ok(Box::new(InsertStage { insert }))
    }

    /// The stage indexed on the key first: the deletion and the join then use it.
    fn dedupe_for_join(&mut self, key: &[&str]) -> Result<(), DbError> {
        self.batch(&format!(
            "CREATE INDEX temp.jb_stage_key ON jb_stage ({}, line); \
             DELETE FROM jb_stage WHERE EXISTS (SELECT 1 FROM jb_stage d WHERE {} AND d.line < jb_stage.line)",
            key.join(", "),
            key.iter()
                .map(|k| format!("d.{k} = jb_stage.{k}"))
                .collect::<Vec<_>>()
                .join(" AND ")
        ))
    }

    /// The repeated lines deleted first, so that the insert meets each key once.
    fn merge(&mut self, m: &Merge<'_>) -> Result<Merged, DbError> {
        use super::merge::{
            delete_missing, deletes_missing, keep_gone, looks_for_missing, mark_missing, same_key,
            target_columns, to_write, unchanged_row, update_set,
        };
        let key = m.key.join(", ");
        let cols: Vec<&str> = m.columns.iter().map(|(c, _)| *c).collect();
        let ids = [Param::Text(m.county), Param::Text(m.import_id)];
        let repeated = self.repeated_keys(m.key)?;
        if !repeated.is_empty() {
            self.batch(&format!(
                "DELETE FROM jb_stage WHERE line NOT IN (SELECT min(line) FROM jb_stage GROUP BY {key})"
            ))?;
        }
        // the stage's key indexed: the missing rows are found by probing it
        self.batch(&format!(
            "CREATE INDEX temp.jb_stage_merge ON jb_stage ({key})"
        ))?;
        // SQLite compares a text with an integer column as numbers: no casts
        let same = same_key(m, |e, _| e.to_string());
        let missing = if looks_for_missing(m) {
            self.execute(
                &mark_missing(m, m.table, "import_batch", &same),
                &[
                    Param::Text(m.county),
                    Param::Text(m.import_id),
                    Param::Text(m.entity),
                    Param::Text(m.file_name),
                ],
            )?
        } else {
            0
        };
        let count = |tx: &mut Self, sql: String| -> Result<u64, DbError> {
            let rows = tx.query(&sql, &[Param::Text(m.county)])?;
            Ok(rows
                .first()
                .and_then(|r| r.first())
                .and_then(Cell::int)
                .unwrap_or(0) as u64)
        };
        let unchanged = if m.full {
            0
        } else {
            count(
                self,
                format!(
                    "SELECT count(*) FROM jb_stage s WHERE {}",
                    unchanged_row(m.table, &same)
                ),
            )?
        };
        let new = count(
            self,
            format!(
                "SELECT count(*) FROM jb_stage s WHERE NOT EXISTS (SELECT 1 FROM {} t WHERE t.county_code = $1 AND {same})",
                m.table
            ),
        )?;
        self.execute(
            &format!(
                "INSERT INTO {t} ({}) SELECT $1, {c}, $2, fp FROM jb_stage s WHERE {} ORDER BY {key} ON CONFLICT (county_code, {key}) DO UPDATE SET {}",
                target_columns(&cols),
                to_write(m, m.table, &same),
                update_set(&cols, m.key),
                t = m.table,
                c = cols.join(", "),
            ),
            &ids,
        )?;
        let deleted = if deletes_missing(m) {
            self.execute(
                &keep_gone(m.table, &format!("{}_gone", m.table), m.key),
                &[Param::Text(m.county), Param::Text(m.import_id)],
            )?;
            self.execute(&delete_missing(m.table), &[Param::Text(m.county)])?
        } else {
            0
        };
        Ok(Merged {
            changed: m.staged - repeated.len() as u64 - new - unchanged,
            repeated,
            new,
            unchanged,
            missing,
            deleted,
        })
    }

    fn commit(mut self: Box<Self>) -> Result<(), DbError> {
        self.batch("DROP TABLE IF EXISTS temp.jb_stage")?;
        self.end("COMMIT")
    }

    fn rollback(mut self: Box<Self>) -> Result<(), DbError> {
        self.end("ROLLBACK")?;
        self.batch("DROP TABLE IF EXISTS temp.jb_stage")
    }
}

/// Rows inserted into `jb_stage` one by one through a prepared statement.
struct InsertStage<'t> {
    insert: rusqlite::Statement<'t>,
}

impl Stage for InsertStage<'_> {
    fn push(&mut self, line: u64, values: &[Option<String>]) -> Result<(), DbError> {
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(values.len() + 2);
        let line = line as i64;
        let fp = super::merge::fingerprint(values);
        params.push(&line);
        params.push(&fp);
        for v in values {
            params.push(v);
        }
        self.insert
            .execute(params.as_slice())
            .map(drop)
            .map_err(query_error)
    }

    fn finish(self: Box<Self>) -> Result<(), DbError> {
        Ok(())
    }
}

/// SQLite's SQL (with the functions jinbao registers on every connection).
pub(super) struct Sqlite;

impl Dialect for Sqlite {
    fn table(&self, name: &str) -> String {
        name.to_string()
    }

    fn few_rows(&self) -> &'static str {
        ""
    }

    fn typed(&self, expr: &str, ty: SqlType) -> String {
        match ty {
            SqlType::Money => format!("CAST({expr} AS REAL)"),
            SqlType::Integer | SqlType::SmallInt => format!("CAST({expr} AS INTEGER)"),
            SqlType::Text | SqlType::Date => expr.to_string(),
        }
    }

    fn as_text(&self, col: &str, ty: SqlType) -> String {
        match ty {
            SqlType::Money => format!("printf('%.2f', {col})"),
            SqlType::Integer | SqlType::SmallInt => format!("CAST(CAST({col} AS INTEGER) AS TEXT)"),
            _ => format!("CAST({col} AS TEXT)"),
        }
    }

    fn unit_separator(&self) -> &'static str {
        "char(31)"
    }

    fn pads_char_keys(&self) -> bool {
        false
    }

    fn md5_hash64(&self, text: &str) -> String {
        format!("jinbao_hash64({text})")
    }

    fn max_buckets(&self) -> u64 {
        4096
    }

    fn distinct(&self, a: &str, b: &str) -> String {
        format!("{a} IS NOT {b}")
    }

    /// To the millisecond: loads of one second are told apart and kept in order.
    fn now(&self) -> &'static str {
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    }

    fn money_sum(&self, expr: &str) -> String {
        format!("round(sum({expr}), 2)")
    }

    fn digits17(&self, col: &str) -> String {
        format!("{col} GLOB '{}[0-9X]'", "[0-9]".repeat(17))
    }

    fn position(&self, set: &str, ch: &str) -> String {
        format!("instr({set}, {ch})")
    }

    fn today_yyyymmdd(&self) -> &'static str {
        "strftime('%Y%m%d', 'now')"
    }

    fn today(&self) -> &'static str {
        "date('now')"
    }

    fn month_of(&self, col: &str) -> String {
        format!("CAST(strftime('%Y%m', {col}) AS INTEGER)")
    }

    fn yyyymmdd(&self, col: &str) -> String {
        format!("replace({col}, '-', '')")
    }

    fn bad_chars(&self, col: &str) -> String {
        format!("jinbao_bad_chars({col})")
    }

    fn add_years(&self, col: &str, n: u32) -> String {
        format!("date({col}, '+{n} years')")
    }

    fn list_agg(&self, col: &str) -> String {
        format!("group_concat(DISTINCT {col})")
    }

    fn fence(&self) -> &'static str {
        ""
    }

    fn least_greatest(&self) -> (&'static str, &'static str) {
        ("min", "max")
    }

    fn with_id_digits(&self, table: &str, _col: &str) -> String {
        table.to_string()
    }

    fn id_digit(&self, col: &str, i: usize) -> String {
        format!("coalesce(unicode(substr(y.{col}, {i}, 1)), 0) - 48")
    }
}
