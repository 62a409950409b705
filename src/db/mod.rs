//! The one seam to a site's database: PostgreSQL (the `postgres` crate, TLS optional) or a
//! SQLite file (the sandbox), opened as one of the site's accounts. Consumers use a [`Conn`]
//! as a [`Database`], stage files through a [`Tx`] and write SQL from [`Dialect`] fragments;
//! only `pg.rs` and `sqlite.rs` know which engine they talk to. Passwords come only from
//! secret references and never appear in messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::profile::{DbAccount, Engine, SiteProfile};

mod dialect;
mod merge;
mod pg;
pub mod pg_hash;
mod pg_sql;
mod pg_wal;
mod sqlite;

pub use dialect::{Dialect, SqlType, dialect};
pub use merge::{Merge, Merged, fingerprint};
pub use pg::{connect_pg, pg_config, pg_message};
pub use sqlite::open_sqlite;

/// The schema every table of the unified data platform lives in (PostgreSQL).
pub const SCHEMA: &str = "jinbao";

/// Which of the site's accounts a connection uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    /// The superuser `db init` uses.
    Admin,
    /// Owns the schema; runs migrations.
    Migrator,
    /// The application and imports: data access only.
    App,
    /// The checks: read only.
    ReadOnly,
}

impl Account {
    fn of(self, p: &SiteProfile) -> &DbAccount {
        let db = &p.database;
        match self {
            Account::Admin => &db.admin,
            Account::Migrator => &db.roles.migrator,
            Account::App => &db.roles.app,
            Account::ReadOnly => &db.roles.readonly,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to {target} as {user}: {detail}")]
    Connect {
        target: String,
        user: String,
        detail: String,
    },
    #[error("{0}")]
    Secret(#[from] crate::profile::secret::SecretError),
    #[error("{target}: {source}")]
    Postgres {
        target: String,
        source: postgres::Error,
    },
    #[error("{target}: {source}")]
    Sqlite {
        target: String,
        source: rusqlite::Error,
    },
    /// A statement of a transaction failed: the server's words (its source kept for the
    /// causes shown).
    #[error("{}", pg_message(.0))]
    Statement(#[source] postgres::Error),
    #[error("{0}")]
    Other(String),
    /// What `each_row`'s consumer did with a row failed (writing it out).
    #[error("{0}")]
    Consumer(#[source] std::io::Error),
}

/// A restore point marked in the write-ahead log, and what it holds.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Its position in the log (`0/3000088`) ...
    pub lsn: String,
    /// ... on this timeline (a restore in place starts a new one).
    pub timeline: u32,
    /// The rows of every table as the point holds them.
    pub tables: BTreeMap<String, i64>,
}

/// An open connection. Consumers use it as a [`Database`] (it dereferences to one) and never
/// match on its engine: that choice is made here, once.
pub enum Conn {
    Pg(postgres::Client),
    Lite(rusqlite::Connection),
}

impl std::ops::Deref for Conn {
    type Target = dyn Database;

    fn deref(&self) -> &Self::Target {
        match self {
            Conn::Pg(c) => c,
            Conn::Lite(c) => c,
        }
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Conn::Pg(c) => c,
            Conn::Lite(c) => c,
        }
    }
}

impl From<rusqlite::Connection> for Conn {
    fn from(c: rusqlite::Connection) -> Self {
        Conn::Lite(c)
    }
}

/// One value of a row, the same from either engine. Queries cast what they read to what
/// they want (`CAST(x AS TEXT)`, `count(*)`): dates and decimals come as text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t.clone()),
            Cell::Int(i) => Some(i.to_string()),
            Cell::Real(r) => Some(r.to_string()),
            Cell::Null => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            Cell::Real(r) => Some(*r as i64),
            Cell::Text(t) => t.trim().parse().ok(),
            Cell::Null => None,
        }
    }
}

/// A parameter of a statement, written `$1`, `$2` … in its SQL on either engine.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Text(&'a str),
    Int(i64),
    /// Text or NULL.
    MaybeText(Option<&'a str>),
}

/// A query failed: the engine's message in plain words (never the SQL, whose literals may be
/// key values: ID numbers).
fn query_error(e: impl std::fmt::Display) -> DbError {
    DbError::Other(e.to_string())
}

/// The consumers' side of a connection: what they ask of a database without knowing its
/// engine. PostgreSQL's client and SQLite's connection are the two implementations.
/// What a database server carries: its connections against its limit, its longest open
/// transaction, and how far its replication slots lag behind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerLoad {
    /// Client sessions of every database of the server.
    pub connections: i64,
    pub max_connections: i64,
    /// The oldest open transaction of another session, in seconds (None: none open).
    pub longest_transaction_s: Option<f64>,
    pub slots: i64,
    /// The largest lag of a replication slot behind the server's WAL, in bytes.
    pub slot_lag_bytes: Option<i64>,
}

pub trait Database: Send {
    /// How this engine writes what engines write differently.
    fn dialect(&self) -> &'static dyn Dialect;

    /// A jinbao table's name in SQL: in the `jinbao` schema on PostgreSQL, plain in SQLite.
    fn table(&self, name: &str) -> String {
        self.dialect().table(name)
    }

    /// Whether the database has the jinbao table `name` (not migrated that far: false).
    fn has_table(&mut self, name: &str) -> Result<bool, DbError>;

    /// Whether the jinbao table `table` has the column `column` (a database not migrated
    /// that far: false; a database that cannot be asked: the error).
    fn has_column(&mut self, table: &str, column: &str) -> Result<bool, DbError>;

    /// Streams the rows of `sql` to `each`, one at a time (PostgreSQL sends them as they are
    /// found): for scans of whole tables. An error of `each` stops the scan and is returned.
    fn each_row(
        &mut self,
        sql: &str,
        each: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>,
    ) -> Result<(), DbError>;

    /// The first column of `sql`'s rows as numbers, one at a time, for merging several
    /// databases' sorted streams.
    fn int_stream<'c>(
        &'c mut self,
        sql: &str,
    ) -> Result<Box<dyn Iterator<Item = Result<i64, DbError>> + 'c>, DbError>;

    /// Every row of `sql` (no parameters: values are checked or quoted by the caller), read
    /// into memory: for small results (counts, lists of a few thousand keys).
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Cell>>, DbError> {
        let mut out = Vec::new();
        self.each_row(sql, &mut |r| {
            out.push(r.to_vec());
            Ok(())
        })?;
        Ok(out)
    }

    /// The first column of the first row of `sql` as a number (a count).
    fn count(&mut self, sql: &str) -> Result<i64, DbError> {
        self.rows(sql)?
            .first()
            .and_then(|r| r.first())
            .and_then(Cell::int)
            .ok_or_else(|| query_error("the query gave no number"))
    }

    /// The server's version number (PostgreSQL's `server_version_num`); None for SQLite,
    /// or when it does not say.
    fn server_version(&mut self) -> Option<u32>;

    /// What the database server carries now, when the engine knows (PostgreSQL).
    fn server_load(&mut self) -> Option<ServerLoad>;

    /// Rows grouped by the part of `bounds` (sorted) their key falls in, as PostgreSQL's
    /// `width_bucket` numbers them: `SELECT <bucket of key> AS b, {rest}` gives (b, and the
    /// two columns of `rest`: a count and a text).
    fn by_bucket(
        &mut self,
        key: &str,
        rest: &str,
        bounds: &[String],
    ) -> Result<Vec<(i64, i64, String)>, DbError>;

    /// The rows of every table of the database, by table name (jinbao's tables and any
    /// other; the engine's own catalogue left out).
    fn table_counts(&mut self) -> Result<BTreeMap<String, i64>, DbError>;

    /// Copies the whole database into the new file `to`, as one consistent picture, and
    /// returns the rows of every table in that same picture. Only an engine whose database
    /// is a file does this (SQLite); PostgreSQL is backed up on its server.
    fn snapshot_into(&mut self, to: &Path) -> Result<BTreeMap<String, i64>, DbError>;

    /// Replaces this database's whole content with the database file `from`, in one write
    /// transaction: interrupted, the database is as it was. SQLite only.
    fn replace_with(&mut self, from: &Path) -> Result<(), DbError>;

    /// Marks a named restore point in the server's write-ahead log (PostgreSQL with WAL
    /// archiving), counts every table in the picture the point holds, then waits up to
    /// `wait` for the log holding it to be archived (a restore to it needs that). SQLite has
    /// no log to mark: its backups are whole copies (`snapshot_into`).
    fn mark_restore_point(
        &mut self,
        name: &str,
        wait: std::time::Duration,
    ) -> Result<Mark, DbError>;

    /// Begins a transaction for staging a file in the temporary table `jb_stage` (dropped at
    /// its end, whether committed or not). `large`: the file is loaded, not only compared,
    /// and gets the memory to sort it.
    fn staging(&mut self, large: bool) -> Result<Box<dyn Tx + '_>, DbError>;
}

/// A transaction in which a file is staged in `jb_stage` and worked on. Dropped without
/// `commit`, it is rolled back.
pub trait Tx {
    fn dialect(&self) -> &'static dyn Dialect;
    /// Runs statements without parameters.
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
    /// Runs one statement; the rows it changed.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError>;
    /// The rows of one statement.
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, DbError>;
    /// Creates `jb_stage` (a `line`, a fingerprint `fp` and `cols`, all text) and returns
    /// where its rows go.
    fn stage<'t>(&'t mut self, cols: &[&str]) -> Result<Box<dyn Stage + 't>, DbError>;
    /// Keeps only the first line of each `key` repeated in `jb_stage`, and makes it ready to
    /// be joined with a table on `key`.
    fn dedupe_for_join(&mut self, key: &[&str]) -> Result<(), DbError>;
    /// Merges `jb_stage` into a table on its natural key, the first line of a key repeated in
    /// the file only, writing only the rows new or changed (by their fingerprint) and marking
    /// the scope's rows the file no longer holds; afterwards `jb_stage` holds those first
    /// lines only.
    fn merge(&mut self, m: &Merge<'_>) -> Result<Merged, DbError>;
    fn commit(self: Box<Self>) -> Result<(), DbError>;
    fn rollback(self: Box<Self>) -> Result<(), DbError>;

    /// Waits for, then holds until the transaction ends, the lock named `name`: one merge of a
    /// county's table at a time, from before it reads what the city holds (PostgreSQL's
    /// advisory lock; SQLite's one writer needs none). Taking it again is a no-op.
    fn lock(&mut self, name: &str) -> Result<(), DbError> {
        let _ = name;
        Ok(())
    }

    /// All but the first line of each key repeated in `jb_stage`: (line, first line).
    fn repeated_keys(&mut self, key: &[&str]) -> Result<Vec<(u64, u64)>, DbError> {
        let key = key.join(", ");
        let sql = format!(
            "SELECT s.line, t.first FROM jb_stage s JOIN (SELECT {key}, min(line) AS first FROM jb_stage GROUP BY {key} HAVING count(*) > 1) t USING ({key}) WHERE s.line <> t.first ORDER BY s.line"
        );
        Ok(self
            .query(&sql, &[])?
            .iter()
            .map(|r| {
                let n = |i: usize| r.get(i).and_then(Cell::int).unwrap_or(0) as u64;
                (n(0), n(1))
            })
            .collect())
    }
}

/// Where the rows of a file go: `jb_stage`, through COPY or a prepared statement.
pub trait Stage {
    fn push(&mut self, line: u64, values: &[Option<String>]) -> Result<(), DbError>;
    /// Sends what is still buffered.
    fn finish(self: Box<Self>) -> Result<(), DbError>;
}

/// Where a site's database is, for messages: `host:port/db` or the SQLite file.
pub fn describe(p: &SiteProfile) -> String {
    match p.database.engine {
        Engine::Sqlite => p.database.dsn.clone(),
        Engine::Postgres => match postgres::Config::from_str(&p.database.dsn) {
            Ok(c) => {
                let host = c
                    .get_hosts()
                    .first()
                    .map(|h| match h {
                        postgres::config::Host::Tcp(s) => s.clone(),
                        postgres::config::Host::Unix(p) => p.display().to_string(),
                    })
                    .unwrap_or_default();
                let port = c.get_ports().first().copied().unwrap_or(5432);
                format!("{host}:{port}/{}", c.get_dbname().unwrap_or(""))
            }
            Err(_) => "(unparsable dsn)".into(),
        },
    }
}

/// The name of a PostgreSQL site's database (None for an SQLite file).
pub fn database_name(p: &SiteProfile) -> Option<String> {
    if p.database.engine != Engine::Postgres {
        return None;
    }
    postgres::Config::from_str(&p.database.dsn)
        .ok()?
        .get_dbname()
        .map(str::to_string)
}

/// The site's PostgreSQL DSN with another database of the same server (`--source` for a
/// comparison with a restored copy); None for an SQLite file or a DSN not written as a URL.
pub fn dsn_of_database(p: &SiteProfile, name: &str) -> Option<String> {
    database_name(p)?;
    let dsn = &p.database.dsn;
    let (base, query) = match dsn.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (dsn.as_str(), String::new()),
    };
    let (server, _) = base.rsplit_once('/').filter(|(s, _)| s.contains("://"))?;
    Some(format!("{server}/{name}{query}"))
}

/// The database role `account` acts as, on an engine that has roles (PostgreSQL; an SQLite
/// file has none).
pub fn role(p: &SiteProfile, account: Account) -> Option<&str> {
    (p.database.engine == Engine::Postgres).then(|| account.of(p).user.as_str())
}

/// Whether the site's database is an SQLite file nobody made yet: it holds nothing, and is
/// not made just to be looked at (a PostgreSQL database is always there to be asked).
pub fn never_made(p: &SiteProfile) -> bool {
    p.database.engine == Engine::Sqlite && !sqlite_path(p).exists()
}

/// The SQLite file of a site.
pub fn sqlite_path(p: &SiteProfile) -> PathBuf {
    PathBuf::from(&p.database.dsn)
}

/// Opens the site's database as `account`.
pub fn connect(p: &SiteProfile, account: Account) -> Result<Conn, DbError> {
    match p.database.engine {
        Engine::Sqlite => {
            let path = sqlite_path(p);
            // only `db init` and `db migrate` make a city database: a check or an import of a
            // city never migrated is told so, and leaves no empty file behind
            if matches!(account, Account::App | Account::ReadOnly)
                && std::fs::symlink_metadata(&path).is_err()
            {
                return Err(DbError::Other(format!(
                    "the city database {} does not exist yet: run `jinbao db migrate {}` first",
                    path.display(),
                    p.city.pinyin
                )));
            }
            open_sqlite(&path).map(Conn::Lite)
        }
        Engine::Postgres => connect_pg(p, account, None).map(Conn::Pg),
    }
}

/// What a `--source` names: a PostgreSQL database (a URL of any case, with a driver suffix
/// or a JDBC prefix, or a libpq `key=value` string, as `psql` takes them), a database of
/// another kind (named by its scheme only: the rest may hold a password), or a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The DSN as the PostgreSQL client reads it (`postgresql://…` or `key=value …`).
    Postgres(String),
    /// A URL of a scheme jinbao does not read (`mysql`, `oracle` …).
    Unsupported(String),
    Path,
}

pub fn source(text: &str) -> Source {
    let trimmed = text.trim();
    if let Some((scheme, rest)) = trimmed.split_once("://")
        && !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b':'))
    {
        let lower = scheme.to_ascii_lowercase();
        let base = lower.strip_prefix("jdbc:").unwrap_or(&lower);
        let base = base.split('+').next().unwrap_or(base);
        return if base == "postgres" || base == "postgresql" {
            Source::Postgres(format!("postgresql://{rest}"))
        } else {
            Source::Unsupported(scheme.to_string())
        };
    }
    let keyword = |w: &str| {
        w.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
        })
    };
    if !Path::new(text).exists() && trimmed.split_whitespace().next().is_some_and(keyword) {
        return Source::Postgres(trimmed.to_string());
    }
    Source::Path
}

/// Whether a `--source` names a database rather than a path: never shown whole.
pub fn is_dsn(text: &str) -> bool {
    source(text) != Source::Path
}

/// A county's own database named on the command line (`data compare --source`): a
/// PostgreSQL DSN (the city's read-only account unless the DSN names one; TLS as the DSN's
/// `sslmode` says) or an SQLite file.
pub fn connect_source(text: &str, p: &SiteProfile) -> Result<Conn, DbError> {
    let dsn = match source(text) {
        Source::Postgres(dsn) => dsn,
        Source::Unsupported(scheme) => {
            return Err(DbError::Other(format!(
                "--source: a `{scheme}` database is not one jinbao reads (PostgreSQL, an SQLite file or an extract folder)"
            )));
        }
        Source::Path => {
            // a source is read, never made: an SQLite file that is not there is an error
            if !Path::new(text).is_file() {
                return Err(DbError::Other(format!(
                    "--source {text}: no such database file"
                )));
            }
            return open_sqlite(Path::new(text)).map(Conn::Lite);
        }
    };
    pg::connect_dsn(&dsn, p).map(Conn::Pg)
}
