//! Connections to a site's database: PostgreSQL (the `postgres` crate, TLS optional) or a
//! SQLite file (the sandbox), opened as one of the site's accounts. Passwords come only from
//! secret references and never appear in messages.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use crate::profile::{DbAccount, Engine, SiteProfile};

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
    #[error("{0}")]
    Other(String),
    /// What `each_row`'s consumer did with a row failed (writing it out).
    #[error("{0}")]
    Consumer(#[source] std::io::Error),
}

/// An open connection.
pub enum Conn {
    Pg(postgres::Client),
    Lite(rusqlite::Connection),
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

/// A query failed: the engine's message in plain words (never the SQL, whose literals may be
/// key values: ID numbers).
fn query_error(e: impl std::fmt::Display) -> DbError {
    DbError::Other(e.to_string())
}

/// A PostgreSQL query failed (its message and detail, never the SQL).
fn pg_query_error(e: postgres::Error) -> DbError {
    query_error(pg_message(&e))
}

/// The consumers' side of a connection: what they ask of a database without knowing its
/// engine. Engine-specific SQL stays with the few that need it (`is_postgres`).
impl Conn {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Conn::Pg(_))
    }

    /// A jinbao table's name in SQL: in the `jinbao` schema on PostgreSQL, plain in SQLite.
    pub fn table(&self, name: &str) -> String {
        match self {
            Conn::Pg(_) => format!("{SCHEMA}.{name}"),
            Conn::Lite(_) => name.to_string(),
        }
    }

    /// Whether the database has the jinbao table `name` (not migrated that far: false).
    pub fn has_table(&mut self, name: &str) -> Result<bool, DbError> {
        match self {
            Conn::Pg(c) => {
                let sql = "SELECT to_regclass($1) IS NOT NULL";
                c.query_one(sql, &[&format!("{SCHEMA}.{name}")])
                    .map(|r| r.get(0))
                    .map_err(pg_query_error)
            }
            Conn::Lite(c) => {
                let sql =
                    "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1";
                c.query_row(sql, [name], |r| r.get(0)).map_err(query_error)
            }
        }
    }

    /// Every row of `sql` (no parameters: values are checked or quoted by the caller), read
    /// into memory: for small results (counts, lists of a few thousand keys).
    pub fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Cell>>, DbError> {
        let mut out = Vec::new();
        self.each_row(sql, &mut |r| {
            out.push(r.to_vec());
            Ok(())
        })?;
        Ok(out)
    }

    /// Streams the rows of `sql` to `each`, one at a time (PostgreSQL sends them as they are
    /// found): for scans of whole tables. An error of `each` stops the scan and is returned.
    pub fn each_row(
        &mut self,
        sql: &str,
        each: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>,
    ) -> Result<(), DbError> {
        match self {
            Conn::Pg(c) => {
                use postgres::fallible_iterator::FallibleIterator;
                let mut rows = c
                    .query_raw(sql, std::iter::empty::<i32>())
                    .map_err(pg_query_error)?;
                while let Some(row) = rows.next().map_err(pg_query_error)? {
                    each(&pg_cells(&row)?).map_err(DbError::Consumer)?;
                }
                Ok(())
            }
            Conn::Lite(c) => {
                let mut st = c.prepare(sql).map_err(query_error)?;
                let n = st.column_count();
                let mut rows = st.query([]).map_err(query_error)?;
                let mut cells = Vec::with_capacity(n);
                while let Some(row) = rows.next().map_err(query_error)? {
                    cells.clear();
                    for i in 0..n {
                        use rusqlite::types::ValueRef;
                        cells.push(match row.get_ref(i).map_err(query_error)? {
                            ValueRef::Null => Cell::Null,
                            ValueRef::Integer(v) => Cell::Int(v),
                            ValueRef::Real(v) => Cell::Real(v),
                            ValueRef::Text(t) | ValueRef::Blob(t) => {
                                Cell::Text(String::from_utf8_lossy(t).into_owned())
                            }
                        });
                    }
                    each(&cells).map_err(DbError::Consumer)?;
                }
                Ok(())
            }
        }
    }

    /// The first column of `sql`'s rows as numbers, one at a time, for merging several
    /// databases' sorted streams: PostgreSQL sends them as it finds them; SQLite (in this
    /// process) reads them first, to keep the statement's borrow here.
    pub fn int_stream<'c>(
        &'c mut self,
        sql: &str,
    ) -> Result<Box<dyn Iterator<Item = Result<i64, DbError>> + 'c>, DbError> {
        Ok(match self {
            Conn::Pg(c) => {
                use postgres::fallible_iterator::FallibleIterator;
                let it = c
                    .query_raw(sql, std::iter::empty::<i32>())
                    .map_err(pg_query_error)?;
                Box::new(it.iterator().map(|r| {
                    r.and_then(|row| row.try_get::<_, i64>(0))
                        .map_err(pg_query_error)
                }))
            }
            Conn::Lite(c) => {
                let mut st = c.prepare(sql).map_err(query_error)?;
                let v: Vec<i64> = st
                    .query_map([], |r| r.get(0))
                    .map_err(query_error)?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(query_error)?;
                Box::new(v.into_iter().map(Ok))
            }
        })
    }

    /// The first column of the first row of `sql` as a number (a count).
    pub fn count(&mut self, sql: &str) -> Result<i64, DbError> {
        self.rows(sql)?
            .first()
            .and_then(|r| r.first())
            .and_then(Cell::int)
            .ok_or_else(|| query_error("the query gave no number"))
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

/// The SQLite file of a site.
pub fn sqlite_path(p: &SiteProfile) -> PathBuf {
    PathBuf::from(&p.database.dsn)
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
        "require" => postgres::config::SslMode::Require,
        _ => postgres::config::SslMode::Prefer,
    });
    Ok(config)
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
    let result = if p.database.sslmode == "disable" {
        config.connect(postgres::NoTls)
    } else {
        config.connect(tls_connector()?)
    };
    result.map_err(|e| DbError::Connect {
        target,
        user: account.of(p).user.clone(),
        detail: pg_message(&e),
    })
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
    let mut config = postgres::Config::from_str(&dsn)
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
    result.map(Conn::Pg).map_err(|e| DbError::Connect {
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

pub fn open_sqlite(path: &Path) -> Result<rusqlite::Connection, DbError> {
    // a database jinbao creates holds personal data: its folder 0700, the file 0600 (SQLite
    // gives its -wal and -shm files the mode of the database)
    if !path.exists() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::state::files::private_dir(dir)
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

/// Who runs this: `user@host`, recorded in histories and manifests.
pub fn operator() -> String {
    let user = crate::env_vars::get("USER")
        .or_else(|| crate::env_vars::get("LOGNAME"))
        .unwrap_or_else(login_name);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    format!("{user}@{host}")
}

/// The name of the user running this process, from the password database.
fn login_name() -> String {
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy the name out
    // at once and never free it.
    unsafe {
        let uid = libc::getuid();
        let pw = libc::getpwuid(uid);
        if pw.is_null() || (*pw).pw_name.is_null() {
            return format!("uid{uid}");
        }
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_string_lossy()
            .into_owned()
    }
}
