//! PostgreSQL behind the seam: connecting (TLS optional), the consumers' queries, staging a
//! file with COPY (the SQL PostgreSQL writes its own way is in `pg_sql.rs`).

use std::io::Write;
use std::str::FromStr;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::pg_sql::Postgres;
use super::{
    Account, Cell, Database, DbError, Dialect, Merge, Merged, Param, SCHEMA, Stage, Tx, describe,
    query_error,
};
use crate::profile::SiteProfile;

/// A PostgreSQL query failed (its message and detail, never the SQL).
fn pg_query_error(e: postgres::Error) -> DbError {
    query_error(pg_message(&e))
}

/// The PostgreSQL settings of a site, for `account`, on `dbname` (default: the dsn's).
pub fn pg_config(
    p: &SiteProfile,
    account: Account,
    dbname: Option<&str>,
) -> Result<postgres::Config, DbError> {
    let mut config = postgres::Config::from_str(&p.database.dsn)
        .map_err(|e| DbError::Other(format!("database dsn of {}: {e}", p.city.pinyin)))?;
    let acc = account.of(p);
    config.user(&acc.user);
    if let Some(secret) = &acc.password {
        config.password(secret.resolve()?);
    }
    if let Some(db) = dbname {
        config.dbname(db);
    }
    config.application_name(&format!("jinbao {}", env!("CARGO_PKG_VERSION")));
    config.connect_timeout(Duration::from_secs(10));
    config.options(&format!("-c search_path={SCHEMA}"));
    config.ssl_mode(match p.database.sslmode.as_str() {
        "disable" => postgres::config::SslMode::Disable,
        "require" | "verify-full" => postgres::config::SslMode::Require,
        _ => postgres::config::SslMode::Prefer,
    });
    Ok(config)
}

pub fn connect_pg(
    p: &SiteProfile,
    account: Account,
    dbname: Option<&str>,
) -> Result<postgres::Client, DbError> {
    let config = pg_config(p, account, dbname)?;
    let target = match dbname {
        Some(db) => format!("{} (database {db})", describe(p)),
        None => describe(p),
    };
    let result = match p.database.sslmode.as_str() {
        "disable" => config.connect(postgres::NoTls),
        "verify-full" => config.connect(verifying_connector(&p.database.sslrootcert)?),
        _ => config.connect(tls_connector()?),
    };
    result.map_err(|e| DbError::Connect {
        target,
        user: account.of(p).user.clone(),
        detail: pg_message(&e),
    })
}

/// A PostgreSQL DSN named on the command line, as the city's read-only account unless it names one.
pub(super) fn connect_dsn(dsn: &str, p: &SiteProfile) -> Result<postgres::Client, DbError> {
    let mut config = postgres::Config::from_str(dsn)
        .map_err(|e| DbError::Other(format!("--source is no PostgreSQL DSN: {e}")))?;
    let ro = &p.database.roles.readonly;
    if config.get_user().is_none() {
        config.user(&ro.user);
    }
    if config.get_password().is_none()
        && let Some(secret) = &ro.password
    {
        config.password(secret.resolve()?);
    }
    config.application_name(&format!("jinbao {}", env!("CARGO_PKG_VERSION")));
    config.connect_timeout(Duration::from_secs(10));
    config.options(&format!("-c search_path={SCHEMA}"));
    // named by host and database only: a DSN may hold a password
    let target = format!(
        "--source {}/{}",
        config
            .get_hosts()
            .first()
            .map(|h| match h {
                postgres::config::Host::Tcp(h) => h.clone(),
                postgres::config::Host::Unix(p) => p.display().to_string(),
            })
            .unwrap_or_default(),
        config.get_dbname().unwrap_or("")
    );
    let result = if config.get_ssl_mode() == postgres::config::SslMode::Disable {
        config.connect(postgres::NoTls)
    } else {
        config.connect(tls_connector()?)
    };
    result.map_err(|e| DbError::Connect {
        target,
        user: config.get_user().unwrap_or_default().to_string(),
        detail: pg_message(&e),
    })
}

/// TLS as libpq's `prefer`/`require` do it: encrypted, the certificate not verified.
fn tls_connector() -> Result<postgres_openssl::MakeTlsConnector, DbError> {
    let mut builder = openssl::ssl::SslConnector::builder(openssl::ssl::SslMethod::tls())
        .map_err(|e| DbError::Other(format!("TLS: {e}")))?;
    builder.set_verify(openssl::ssl::SslVerifyMode::NONE);
    Ok(postgres_openssl::MakeTlsConnector::new(builder.build()))
}

/// TLS as libpq's `verify-full` does it: the server's certificate must chain to `root` (the
/// province's CA) and name the host connected to (its address, when that is an address).
fn verifying_connector(root: &str) -> Result<postgres_openssl::MakeTlsConnector, DbError> {
    let mut builder = openssl::ssl::SslConnector::builder(openssl::ssl::SslMethod::tls())
        .map_err(|e| DbError::Other(format!("TLS: {e}")))?;
    builder.set_ca_file(root).map_err(|e| {
        DbError::Other(format!(
            "sslmode verify-full: cannot read the CA certificate {root} ({e}); `jinbao provision` makes the province's CA, or set database.sslrootcert"
        ))
    })?;
    builder.set_verify(openssl::ssl::SslVerifyMode::PEER);
    Ok(postgres_openssl::MakeTlsConnector::new(builder.build()))
}

/// The server's own words for an error, when it sent some.
pub fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_string();
            if let Some(d) = db.detail() {
                s.push_str(&format!(" ({d})"));
            }
            s
        }
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(cause) = src {
                s.push_str(&format!(": {cause}"));
                src = cause.source();
            }
            s
        }
    }
}

/// A PostgreSQL row as cells, by the column's type.
fn pg_cells(row: &postgres::Row) -> Result<Vec<Cell>, DbError> {
    use postgres::types::Type;
    (0..row.len())
        .map(|i| {
            let t = row.columns()[i].type_();
            let cell = if *t == Type::INT8 {
                row.try_get::<_, Option<i64>>(i).map(|v| v.map(Cell::Int))
            } else if *t == Type::INT4 {
                row.try_get::<_, Option<i32>>(i)
                    .map(|v| v.map(|v| Cell::Int(v.into())))
            } else if *t == Type::INT2 {
                row.try_get::<_, Option<i16>>(i)
                    .map(|v| v.map(|v| Cell::Int(v.into())))
            } else if *t == Type::FLOAT8 {
                row.try_get::<_, Option<f64>>(i).map(|v| v.map(Cell::Real))
            } else if *t == Type::FLOAT4 {
                row.try_get::<_, Option<f32>>(i)
                    .map(|v| v.map(|v| Cell::Real(v.into())))
            } else if *t == Type::BOOL {
                row.try_get::<_, Option<bool>>(i)
                    .map(|v| v.map(|v| Cell::Int(v.into())))
            } else {
                row.try_get::<_, Option<String>>(i)
                    .map(|v| v.map(Cell::Text))
            };
            // a type without a reading here (a date, a decimal) is an error, never a silent NULL
            cell.map(|c| c.unwrap_or(Cell::Null)).map_err(|_| {
                query_error(format!(
                    "column {} is of type {t}: the query must cast it to text or a number",
                    row.columns()[i].name()
                ))
            })
        })
        .collect()
}

impl Database for postgres::Client {
    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn has_table(&mut self, name: &str) -> Result<bool, DbError> {
        let sql = "SELECT to_regclass($1) IS NOT NULL";
        self.query_one(sql, &[&format!("{SCHEMA}.{name}")])
            .map(|r| r.get(0))
            .map_err(pg_query_error)
    }

    fn has_column(&mut self, table: &str, column: &str) -> Result<bool, DbError> {
        let sql = "SELECT EXISTS (SELECT 1 FROM information_schema.columns \
                   WHERE table_schema = $1 AND table_name = $2 AND column_name = $3)";
        self.query_one(sql, &[&SCHEMA, &table, &column])
            .map(|r| r.get(0))
            .map_err(pg_query_error)
    }

    fn each_row(
        &mut self,
        sql: &str,
        each: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>,
    ) -> Result<(), DbError> {
        let mut rows = self
            .query_raw(sql, std::iter::empty::<i32>())
            .map_err(pg_query_error)?;
        while let Some(row) = rows.next().map_err(pg_query_error)? {
            each(&pg_cells(&row)?).map_err(DbError::Consumer)?;
        }
        Ok(())
    }

    /// Sent as the server finds them.
    fn int_stream<'c>(
        &'c mut self,
        sql: &str,
    ) -> Result<Box<dyn Iterator<Item = Result<i64, DbError>> + 'c>, DbError> {
        let it = self
            .query_raw(sql, std::iter::empty::<i32>())
            .map_err(pg_query_error)?;
        Ok(Box::new(it.iterator().map(|r| {
            r.and_then(|row| row.try_get::<_, i64>(0))
                .map_err(pg_query_error)
        })))
    }

    fn server_version(&mut self) -> Option<u32> {
        self.query_one("SELECT current_setting('server_version_num')", &[])
            .ok()?
            .get::<_, String>(0)
            .parse()
            .ok()
    }

    fn server_load(&mut self) -> Option<super::ServerLoad> {
        // other roles' transactions show with pg_monitor, which db init grants the readonly role
        let row = self
            .query_one(
                "SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
                        current_setting('max_connections')::bigint,
                        (SELECT extract(epoch FROM max(now() - xact_start))::float8
                           FROM pg_stat_activity
                          WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()
                            AND backend_type = 'client backend'),
                        (SELECT count(*) FROM pg_replication_slots),
                        (SELECT max(pg_wal_lsn_diff(
                                    CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                                         ELSE pg_current_wal_lsn() END, restart_lsn))::bigint
                           FROM pg_replication_slots)",
                &[],
            )
            .ok()?;
        Some(super::ServerLoad {
            connections: row.get(0),
            max_connections: row.get(1),
            longest_transaction_s: row.get(2),
            slots: row.get(3),
            slot_lag_bytes: row.get(4),
        })
    }

    fn table_counts(&mut self) -> Result<std::collections::BTreeMap<String, i64>, DbError> {
        let names = self.rows(&format!(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = '{SCHEMA}' AND table_type = 'BASE TABLE' ORDER BY 1"
        ))?;
        let mut out = std::collections::BTreeMap::new();
        for name in names
            .iter()
            .filter_map(|r| r.first().and_then(super::Cell::text))
        {
            let sql = format!(
                "SELECT count(*) FROM {SCHEMA}.\"{}\"",
                name.replace('"', "\"\"")
            );
            out.insert(name, self.count(&sql)?);
        }
        Ok(out)
    }

    fn snapshot_into(
        &mut self,
        _to: &std::path::Path,
    ) -> Result<std::collections::BTreeMap<String, i64>, DbError> {
        Err(DbError::Other(
            "a PostgreSQL database is backed up on its server (pgBackRest), not copied through a connection".into(),
        ))
    }

    fn replace_with(&mut self, _from: &std::path::Path) -> Result<(), DbError> {
        Err(DbError::Other(
            "a PostgreSQL database is restored on its server (pgBackRest), not through a connection".into(),
        ))
    }

    fn mark_restore_point(
        &mut self,
        name: &str,
        wait: std::time::Duration,
    ) -> Result<super::Mark, DbError> {
        super::pg_wal::mark_restore_point(self, name, wait)
    }

    fn by_bucket(
        &mut self,
        key: &str,
        rest: &str,
        bounds: &[String],
    ) -> Result<Vec<(i64, i64, String)>, DbError> {
        let sql =
            format!("SELECT width_bucket(rtrim(CAST({key} AS TEXT)), $1::text[]) AS b, {rest}");
        Ok(self
            .query(&sql, &[&bounds])
            .map_err(DbError::Statement)?
            .iter()
            .map(|row| (row.get::<_, i32>(0).into(), row.get(1), row.get(2)))
            .collect())
    }

    fn staging(&mut self, large: bool) -> Result<Box<dyn Tx + '_>, DbError> {
        if large {
            // the staged file stays in memory if it fits (takes effect before the first
            // temporary table of the session only); sorting it by key likewise
            // (refused once the session has used one: then the setting it has stays)
            let _ = self.batch_execute("SET temp_buffers = '256MB'");
        }
        let mut tx = self.transaction().map_err(DbError::Statement)?;
        if large {
            tx.batch_execute("SET LOCAL work_mem = '256MB'")
                .map_err(DbError::Statement)?;
        }
        Ok(Box::new(PgTx { tx }))
    }
}

/// The parameters of a statement as the PostgreSQL client takes them.
fn pg_params<'a>(params: &[Param<'a>]) -> Vec<Box<dyn postgres::types::ToSql + Sync + 'a>> {
    params.iter().map(pg_param).collect()
}

fn pg_param<'a>(p: &Param<'a>) -> Box<dyn postgres::types::ToSql + Sync + 'a> {
    match *p {
        Param::Text(t) => Box::new(t),
        Param::Int(i) => Box::new(i),
        Param::MaybeText(t) => Box::new(t),
    }
}

struct PgTx<'c> {
    tx: postgres::Transaction<'c>,
}

impl Tx for PgTx<'_> {
    fn lock(&mut self, name: &str) -> Result<(), DbError> {
        self.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            &[Param::Text(name)],
        )?;
        Ok(())
    }

    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.tx.batch_execute(sql).map_err(DbError::Statement)
    }

    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let owned = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            owned.iter().map(|b| b.as_ref()).collect();
        self.tx.execute(sql, &refs).map_err(DbError::Statement)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, DbError> {
        let owned = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            owned.iter().map(|b| b.as_ref()).collect();
        self.tx
            .query(sql, &refs)
            .map_err(DbError::Statement)?
            .iter()
            .map(pg_cells)
            .collect()
    }

    /// The columns in byte order: sorting and grouping keys by a locale's rules costs several
    /// times more, and keys are codes. Dropped at commit.
    fn stage<'t>(&'t mut self, cols: &[&str]) -> Result<Box<dyn Stage + 't>, DbError> {
        self.tx
            .batch_execute(&format!(
                "{} ON COMMIT DROP",
                super::merge::stage_ddl(cols, "TEXT COLLATE \"C\"")
            ))
            .map_err(DbError::Statement)?;
        let writer = self
            .tx
            .copy_in(&format!(
                "COPY jb_stage (line, fp, {}) FROM STDIN",
                cols.join(", ")
            ))
            .map_err(DbError::Statement)?;
        Ok(Box::new(CopyStage {
            writer,
            buf: Vec::with_capacity(COPY_BATCH + 4096),
        }))
    }

    fn dedupe_for_join(&mut self, key: &[&str]) -> Result<(), DbError> {
        self.tx
            .batch_execute(&format!("{}; ANALYZE jb_stage", drop_repeated(key, "d")))
            .map_err(DbError::Statement)
    }

    /// In key order (the index is then written front to back, several times faster than in
    /// file order); the first merge into an empty county needs no conflict handling (several
    /// times cheaper per row).
    fn merge(&mut self, m: &Merge<'_>) -> Result<Merged, DbError> {
        use super::merge::{
            delete_missing, deletes_missing, keep_gone, looks_for_missing, mark_missing, same_key,
            target_columns, to_write, update_set,
        };
        let key = m.key.join(", ");
        let cols: Vec<&str> = m.columns.iter().map(|(c, _)| *c).collect();
        let select: Vec<String> = m
            .columns
            .iter()
            .map(|(c, ty)| Postgres.typed(c, *ty))
            .collect();
        let table = format!("{SCHEMA}.{}", m.table);
        let ids = [Param::Text(m.county), Param::Text(m.import_id)];
        self.lock(m.lock)?;
        let fresh = self
            .query(
                &format!("SELECT 1 FROM {table} WHERE county_code = $1 LIMIT 1"),
                &[Param::Text(m.county)],
            )?
            .is_empty();
        let insert = format!(
            "INSERT INTO {table} ({}) SELECT DISTINCT ON ({key}) $1, {}, $2, fp FROM jb_stage s",
            target_columns(&cols),
            select.join(", ")
        );
        if fresh {
            // a county's first load: every row new, nothing to compare with
            let new = self.execute(&format!("{insert} ORDER BY {key}, line"), &ids)?;
            let mut repeated = Vec::new();
            if new < m.staged {
                repeated = self.repeated_keys(m.key)?;
                self.batch(&drop_repeated(m.key, "t"))?;
            }
            return Ok(Merged {
                repeated,
                new,
                ..Merged::default()
            });
        }
        let repeated = self.repeated_keys(m.key)?;
        if !repeated.is_empty() {
            self.batch(&drop_repeated(m.key, "t"))?;
        }
        self.batch("ANALYZE jb_stage")?;
        let same = same_key(m, |e, ty| Postgres.typed(e, ty));
        let missing = if looks_for_missing(m) {
            self.execute(
                &mark_missing(m, &table, &format!("{SCHEMA}.import_batch"), &same),
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
        // only what is new or changed is written; xmax is 0 on a row the INSERT made
        let written = self.query(
            &format!(
                "WITH w AS ({insert} WHERE {} ORDER BY {key}, line \
                 ON CONFLICT (county_code, {key}) DO UPDATE SET {} RETURNING (xmax = 0) AS made) \
                 SELECT count(*) FILTER (WHERE made), count(*) FROM w",
                to_write(m, &table, &same),
                update_set(&cols, m.key)
            ),
            &ids,
        )?;
        let n = |i: usize| {
            written
                .first()
                .and_then(|r| r.get(i))
                .and_then(Cell::int)
                .unwrap_or(0) as u64
        };
        let (new, changed) = (n(0), n(1) - n(0));
        let deleted = if deletes_missing(m) {
            self.execute(
                &keep_gone(&table, &format!("{SCHEMA}.{}_gone", m.table), m.key),
                &[Param::Text(m.county), Param::Text(m.import_id)],
            )?;
            self.execute(&delete_missing(&table), &[Param::Text(m.county)])?
        } else {
            0
        };
        Ok(Merged {
            unchanged: m.staged - repeated.len() as u64 - new - changed,
            repeated,
            new,
            changed,
            missing,
            deleted,
        })
    }

    fn commit(self: Box<Self>) -> Result<(), DbError> {
        self.tx.commit().map_err(DbError::Statement)
    }

    fn rollback(self: Box<Self>) -> Result<(), DbError> {
        self.tx.rollback().map_err(DbError::Statement)
    }
}

/// Deletes all but the first line of each key repeated in `jb_stage` (`alias` names the
/// lines kept).
fn drop_repeated(key: &[&str], alias: &str) -> String {
    let join = key
        .iter()
        .map(|k| format!("s.{k} = {alias}.{k}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let key = key.join(", ");
    format!(
        "DELETE FROM jb_stage s USING (SELECT {key}, min(line) AS first FROM jb_stage GROUP BY {key} HAVING count(*) > 1) {alias} WHERE {join} AND s.line <> {alias}.first"
    )
}

/// How much COPY text is gathered before it is sent.
const COPY_BATCH: usize = 1 << 20;

/// Rows sent to `jb_stage` as COPY text.
struct CopyStage<'t> {
    writer: postgres::CopyInWriter<'t>,
    buf: Vec<u8>,
}

impl Stage for CopyStage<'_> {
    fn push(&mut self, line: u64, values: &[Option<String>]) -> Result<(), DbError> {
        let buf = &mut self.buf;
        buf.extend_from_slice(line.to_string().as_bytes());
        buf.push(b'\t');
        // into the batch as it is, not through a String of its own
        let _ = write!(buf, "{}", super::merge::fingerprint(values));
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
        if buf.len() >= COPY_BATCH {
            self.writer.write_all(buf).map_err(query_error)?;
            buf.clear();
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), DbError> {
        self.writer.write_all(&self.buf).map_err(query_error)?;
        self.writer.finish().map_err(DbError::Statement)?;
        Ok(())
    }
}
