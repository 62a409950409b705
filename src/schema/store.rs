//! The history table, the migration lock and transactional apply, on PostgreSQL and SQLite.

use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::shape::{self, Shape};
use super::{Applied, HISTORY_TABLE, Migration};
use crate::db::{self, Account, DbError};
use crate::profile::{Engine, SiteProfile};

/// The advisory lock key of `db migrate` ("jinbao" folded below 2^31, so it is one objid).
const PG_LOCK_KEY: i64 = 0x6a69_6e62;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the migration lock is held by {holder}")]
    Locked { holder: String },
    #[error("migration {file} failed (nothing of it was kept): {message}")]
    Failed { file: String, message: String },
    #[error("{0}")]
    Other(String),
}

/// A database seen by the migration engine.
pub trait Store: Send {
    fn engine(&self) -> Engine;
    /// The history (empty for a database jinbao never migrated).
    fn applied(&mut self) -> Result<Vec<Applied>, StoreError>;
    /// Takes the migration lock; when another run holds it, tells `on_wait` who, then waits
    /// up to `wait`.
    fn lock(&mut self, wait: Duration, on_wait: &mut dyn FnMut(&str)) -> Result<(), StoreError>;
    fn unlock(&mut self);
    /// Runs one migration and records it, in one transaction: all of it or nothing.
    fn apply(&mut self, m: &Migration, by: &str) -> Result<Duration, StoreError>;
    /// Records `migrations` as applied without running them (adopting an existing database).
    fn baseline(&mut self, migrations: &[Migration], by: &str) -> Result<(), StoreError>;
    /// Records `m`'s checksum as the one applied (`db repair`: the file was edited after it
    /// ran, and the edit is accepted). False when the history has no such version.
    fn repair(&mut self, m: &Migration) -> Result<bool, StoreError>;
    /// The live schema, and the one `migrations` produce on an empty database.
    fn shapes(&mut self, migrations: &[Migration]) -> Result<(Shape, Shape), StoreError>;
    /// Table sizes and the connection count, for reports.
    fn size_bytes(&mut self) -> Result<Option<i64>, StoreError>;
}

pub fn open(p: &SiteProfile, account: Account) -> Result<Box<dyn Store>, StoreError> {
    Ok(match p.database.engine {
        Engine::Postgres => Box::new(PgStore {
            client: db::connect_pg(p, account, None)?,
            target: db::describe(p),
        }),
        Engine::Sqlite => {
            let path = db::sqlite_path(p);
            Box::new(LiteStore {
                conn: db::open_sqlite(&path)?,
                lock_path: PathBuf::from(format!("{}.migrate-lock", path.display())),
                lock_file: None,
                target: path.display().to_string(),
            })
        }
    })
}

// ---------------------------------------------------------------------------------------------

struct PgStore {
    client: postgres::Client,
    target: String,
}

impl PgStore {
    fn err(&self, e: postgres::Error) -> StoreError {
        StoreError::Other(format!("{}: {}", self.target, db::pg_message(&e)))
    }

    fn holder(&mut self) -> String {
        let row = self.client.query_opt(
            "SELECT a.pid, coalesce(a.usename::text, ''), coalesce(a.application_name, ''), \
                    coalesce(host(a.client_addr), 'local socket'), \
                    to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 \
             LIMIT 1",
            &[&(PG_LOCK_KEY as u32)],
        );
        match row {
            Ok(Some(r)) => format!(
                "pid {} ({} as {}, from {}, connected {})",
                r.get::<_, i32>(0),
                r.get::<_, String>(2),
                r.get::<_, String>(1),
                r.get::<_, String>(3),
                r.get::<_, String>(4)
            ),
            _ => "another session (it ended just now, or its details are hidden)".into(),
        }
    }

    fn ensure_history(&mut self) -> Result<(), StoreError> {
        let sql = format!(
            "CREATE SCHEMA IF NOT EXISTS {schema};
             CREATE TABLE IF NOT EXISTS {schema}.{HISTORY_TABLE} (
                 version      INTEGER PRIMARY KEY,
                 description  TEXT NOT NULL,
                 checksum     CHAR(64) NOT NULL,
                 installed_by TEXT NOT NULL,
                 installed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                 execution_ms BIGINT NOT NULL,
                 success      BOOLEAN NOT NULL,
                 kind         TEXT NOT NULL DEFAULT 'migrate'
             );",
            schema = db::SCHEMA
        );
        self.client.batch_execute(&sql).map_err(|e| self.err(e))
    }
}

impl Store for PgStore {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    fn applied(&mut self) -> Result<Vec<Applied>, StoreError> {
        let exists: Option<String> = self
            .client
            .query_one(
                &format!("SELECT to_regclass('{}.{HISTORY_TABLE}')::text", db::SCHEMA),
                &[],
            )
            .map_err(|e| self.err(e))?
            .get(0);
        if exists.is_none() {
            return Ok(Vec::new());
        }
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT version, description, checksum, installed_by, \
                            to_char(installed_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF'), execution_ms, success, kind \
                     FROM {}.{HISTORY_TABLE} ORDER BY version",
                    db::SCHEMA
                ),
                &[],
            )
            .map_err(|e| self.err(e))?;
        Ok(rows
            .iter()
            .map(|r| Applied {
                version: r.get::<_, i32>(0) as u32,
                description: r.get(1),
                checksum: r.get::<_, String>(2).trim().to_string(),
                installed_by: r.get(3),
                installed_at: r.get(4),
                execution_ms: r.get(5),
                success: r.get(6),
                kind: r.get(7),
            })
            .collect())
    }

    fn lock(&mut self, wait: Duration, on_wait: &mut dyn FnMut(&str)) -> Result<(), StoreError> {
        let got: bool = self
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&PG_LOCK_KEY])
            .map_err(|e| self.err(e))?
            .get(0);
        if !got {
            let holder = self.holder();
            on_wait(&holder);
            let ms = wait.as_millis().max(1);
            self.client
                .batch_execute(&format!("SET lock_timeout = {ms}"))
                .map_err(|e| self.err(e))?;
            let waited = self
                .client
                .query_one("SELECT pg_advisory_lock($1)", &[&PG_LOCK_KEY]);
            let _ = self.client.batch_execute("SET lock_timeout = 0");
            if waited.is_err() {
                return Err(StoreError::Locked { holder });
            }
        }
        self.ensure_history()
    }

    fn unlock(&mut self) {
        let _ = self
            .client
            .query_one("SELECT pg_advisory_unlock($1)", &[&PG_LOCK_KEY]);
    }

    fn apply(&mut self, m: &Migration, by: &str) -> Result<Duration, StoreError> {
        let start = Instant::now();
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        if let Err(e) = tx.batch_execute(&m.sql) {
            return Err(StoreError::Failed {
                file: m.file.clone(),
                message: locate_pg_error(&e, &m.sql),
            });
        }
        let took = start.elapsed();
        tx.execute(
            &format!(
                "INSERT INTO {}.{HISTORY_TABLE} \
                 (version, description, checksum, installed_by, execution_ms, success, kind) \
                 VALUES ($1, $2, $3, $4, $5, true, 'migrate')",
                db::SCHEMA
            ),
            &[
                &(m.version as i32),
                &m.description,
                &m.checksum,
                &by,
                &(took.as_millis() as i64),
            ],
        )
        .and_then(|_| tx.commit())
        .map_err(|e| StoreError::Failed {
            file: m.file.clone(),
            message: db::pg_message(&e),
        })?;
        Ok(took)
    }

    fn baseline(&mut self, migrations: &[Migration], by: &str) -> Result<(), StoreError> {
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        for m in migrations {
            tx.execute(
                &format!(
                    "INSERT INTO {}.{HISTORY_TABLE} \
                     (version, description, checksum, installed_by, execution_ms, success, kind) \
                     VALUES ($1, $2, $3, $4, 0, true, 'baseline')",
                    db::SCHEMA
                ),
                &[&(m.version as i32), &m.description, &m.checksum, &by],
            )
            .map_err(|e| StoreError::Other(db::pg_message(&e)))?;
        }
        tx.commit()
            .map_err(|e| StoreError::Other(db::pg_message(&e)))
    }

    fn repair(&mut self, m: &Migration) -> Result<bool, StoreError> {
        let n = self
            .client
            .execute(
                &format!(
                    "UPDATE {}.{HISTORY_TABLE} SET checksum = $1 WHERE version = $2",
                    db::SCHEMA
                ),
                &[&m.checksum, &(m.version as i32)],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn shapes(&mut self, migrations: &[Migration]) -> Result<(Shape, Shape), StoreError> {
        // the reference schema is built inside a transaction that is rolled back: nothing stays
        let target = self.target.clone();
        let fail =
            |e: postgres::Error| StoreError::Other(format!("{target}: {}", db::pg_message(&e)));
        let mut tx = self.client.transaction().map_err(fail)?;
        let reference = format!("jinbao_ref_{}", std::process::id());
        tx.batch_execute(&format!(
            "CREATE SCHEMA {reference}; SET LOCAL search_path TO {reference};"
        ))
        .map_err(fail)?;
        for m in migrations {
            tx.batch_execute(&m.sql).map_err(|e| StoreError::Failed {
                file: m.file.clone(),
                message: locate_pg_error(&e, &m.sql),
            })?;
        }
        let expected = shape::postgres(&mut tx, &reference).map_err(fail)?;
        tx.batch_execute(&format!("SET LOCAL search_path TO {}", db::SCHEMA))
            .map_err(fail)?;
        let live = shape::postgres(&mut tx, db::SCHEMA).map_err(fail)?;
        tx.rollback().map_err(fail)?;
        Ok((live, expected))
    }

    fn size_bytes(&mut self) -> Result<Option<i64>, StoreError> {
        let row = self
            .client
            .query_one("SELECT pg_database_size(current_database())", &[])
            .map_err(|e| self.err(e))?;
        Ok(Some(row.get(0)))
    }
}

/// The server's message, with the line of the migration file it points at.
fn locate_pg_error(e: &postgres::Error, sql: &str) -> String {
    let msg = db::pg_message(e);
    let Some(db) = e.as_db_error() else {
        return msg;
    };
    match db.position() {
        Some(postgres::error::ErrorPosition::Original(pos)) => {
            let offset = (*pos as usize).saturating_sub(1);
            let prefix: String = sql.chars().take(offset).collect();
            let line = prefix.matches('\n').count() + 1;
            format!("line {line}: {msg}")
        }
        _ => msg,
    }
}

// ---------------------------------------------------------------------------------------------

struct LiteStore {
    conn: rusqlite::Connection,
    /// A file held with flock(2) for the whole run: who holds it is written inside.
    lock_path: PathBuf,
    lock_file: Option<std::fs::File>,
    target: String,
}

impl LiteStore {
    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::Other(format!("{}: {e}", self.target))
    }

    fn ensure_history(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} (
                     version      INTEGER PRIMARY KEY,
                     description  TEXT NOT NULL,
                     checksum     TEXT NOT NULL,
                     installed_by TEXT NOT NULL,
                     installed_at TEXT NOT NULL,
                     execution_ms INTEGER NOT NULL,
                     success      INTEGER NOT NULL,
                     kind         TEXT NOT NULL DEFAULT 'migrate'
                 );"
            ))
            .map_err(|e| self.err(e))
    }

    fn insert_history(
        conn: &rusqlite::Connection,
        m: &Migration,
        by: &str,
        ms: i64,
        kind: &str,
    ) -> rusqlite::Result<usize> {
        conn.execute(
            &format!(
                "INSERT INTO {HISTORY_TABLE} \
                 (version, description, checksum, installed_by, installed_at, execution_ms, success, kind) \
                 VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5, 1, ?6)"
            ),
            rusqlite::params![m.version, m.description, m.checksum, by, ms, kind],
        )
    }
}

fn try_flock(file: &std::fs::File) -> bool {
    // SAFETY: flock on a descriptor we own; released when the file is closed.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

impl Store for LiteStore {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    fn applied(&mut self) -> Result<Vec<Applied>, StoreError> {
        let exists: bool = self
            .conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [HISTORY_TABLE],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !exists {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT version, description, checksum, installed_by, installed_at, execution_ms, success, kind \
                 FROM {HISTORY_TABLE} ORDER BY version"
            ))
            .map_err(|e| StoreError::Other(e.to_string()))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Applied {
                    version: r.get(0)?,
                    description: r.get(1)?,
                    checksum: r.get(2)?,
                    installed_by: r.get(3)?,
                    installed_at: r.get(4)?,
                    execution_ms: r.get(5)?,
                    success: r.get::<_, i64>(6)? != 0,
                    kind: r.get(7)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(rows)
    }

    fn lock(&mut self, wait: Duration, on_wait: &mut dyn FnMut(&str)) -> Result<(), StoreError> {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock_path)
            .map_err(|e| StoreError::Other(format!("{}: {e}", self.lock_path.display())))?;
        if !try_flock(&file) {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim().to_string();
            let holder = if holder.is_empty() {
                "another jinbao".into()
            } else {
                holder
            };
            on_wait(&holder);
            let deadline = Instant::now() + wait;
            while !try_flock(&file) {
                if Instant::now() >= deadline {
                    return Err(StoreError::Locked { holder });
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let me = format!(
            "pid {} ({}, since {})",
            std::process::id(),
            crate::operator::operator(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
        );
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = file.write_all(me.as_bytes());
        let _ = file.flush();
        self.lock_file = Some(file);
        self.ensure_history()
    }

    fn unlock(&mut self) {
        if let Some(f) = self.lock_file.take() {
            let _ = f.set_len(0);
        }
    }

    fn apply(&mut self, m: &Migration, by: &str) -> Result<Duration, StoreError> {
        let start = Instant::now();
        let fail = |e: rusqlite::Error| StoreError::Failed {
            file: m.file.clone(),
            message: e.to_string(),
        };
        self.conn.execute_batch("BEGIN EXCLUSIVE").map_err(fail)?;
        let result = self.conn.execute_batch(&m.sql).and_then(|_| {
            let took = start.elapsed().as_millis() as i64;
            Self::insert_history(&self.conn, m, by, took, "migrate")
        });
        match result.and_then(|_| self.conn.execute_batch("COMMIT")) {
            Ok(()) => Ok(start.elapsed()),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(fail(e))
            }
        }
    }

    fn baseline(&mut self, migrations: &[Migration], by: &str) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        for m in migrations {
            Self::insert_history(&tx, m, by, 0, "baseline")
                .map_err(|e| StoreError::Other(e.to_string()))?;
        }
        tx.commit().map_err(|e| StoreError::Other(e.to_string()))
    }

    fn repair(&mut self, m: &Migration) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                &format!("UPDATE {HISTORY_TABLE} SET checksum = ?1 WHERE version = ?2"),
                rusqlite::params![m.checksum, m.version],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn shapes(&mut self, migrations: &[Migration]) -> Result<(Shape, Shape), StoreError> {
        let scratch = rusqlite::Connection::open_in_memory().map_err(|e| self.err(e))?;
        for m in migrations {
            scratch
                .execute_batch(&m.sql)
                .map_err(|e| StoreError::Failed {
                    file: m.file.clone(),
                    message: e.to_string(),
                })?;
        }
        let expected = shape::sqlite(&scratch).map_err(|e| self.err(e))?;
        let live = shape::sqlite(&self.conn).map_err(|e| self.err(e))?;
        Ok((live, expected))
    }

    fn size_bytes(&mut self) -> Result<Option<i64>, StoreError> {
        Ok(std::fs::metadata(&self.target).ok().map(|m| m.len() as i64))
    }
}
