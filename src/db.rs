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
}

/// An open connection.
pub enum Conn {
    Pg(postgres::Client),
    Lite(rusqlite::Connection),
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
        Engine::Sqlite => open_sqlite(&sqlite_path(p)).map(Conn::Lite),
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
