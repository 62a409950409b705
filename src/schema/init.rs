//! `db init`: the database itself and its three least-privilege roles, idempotently.
//! The migrator owns the database and the schema; the application may read and write data
//! only; the read-only role (the checks) may only read.

use serde::Serialize;

use super::StoreError;
use crate::db::{self, Account, DbError};
use crate::profile::{Engine, SiteProfile};

#[derive(Debug, Clone, Serialize)]
pub struct InitReport {
    pub database: String,
    /// created, or present
    pub database_state: &'static str,
    /// role name → created, updated or "n/a"
    pub roles: Vec<(String, &'static str)>,
}

pub fn init(p: &SiteProfile) -> Result<InitReport, StoreError> {
    match p.database.engine {
        Engine::Sqlite => {
            let path = db::sqlite_path(p);
            let existed = path.exists();
            db::open_sqlite(&path)?;
            Ok(InitReport {
                database: path.display().to_string(),
                database_state: if existed { "present" } else { "created" },
                roles: vec![("(SQLite has no roles)".into(), "n/a")],
            })
        }
        Engine::Postgres => init_pg(p),
    }
}

/// A string literal for SQL that cannot take parameters (DDL).
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// An identifier, quoted.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

static CLUSTER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn init_pg(p: &SiteProfile) -> Result<InitReport, StoreError> {
    let config = db::pg_config(p, Account::Admin, None)?;
    let dbname = config
        .get_dbname()
        .ok_or_else(|| {
            StoreError::Other(format!("the dsn of {} names no database", p.city.pinyin))
        })?
        .to_string();
    let target = db::describe(p);
    let fail = |e: postgres::Error| StoreError::Other(format!("{target}: {}", db::pg_message(&e)));
    let mut admin = db::connect_pg(p, Account::Admin, Some("postgres"))?;
    // roles and databases belong to the whole cluster: two cities changing the same role at
    // once fail with "tuple concurrently updated", so one city at a time does this part, in
    // this process (the mutex) and across every jinbao on the cluster (an advisory lock in
    // the maintenance database, held until the roles' transaction ends)
    let cluster = CLUSTER.lock().unwrap_or_else(|p| p.into_inner());
    let mut roles_tx = admin.transaction().map_err(fail)?;
    roles_tx
        .batch_execute("SELECT pg_advisory_xact_lock(hashtext('jinbao: cluster roles'))")
        .map_err(fail)?;

    let roles = &p.database.roles;
    let mut report_roles = Vec::new();
    for account in [&roles.migrator, &roles.app, &roles.readonly] {
        let exists = roles_tx
            .query_opt(
                "SELECT 1 FROM pg_roles WHERE rolname = $1",
                &[&account.user],
            )
            .map_err(fail)?
            .is_some();
        let password = match &account.password {
            Some(secret) => format!(
                " PASSWORD {}",
                literal(&secret.resolve().map_err(DbError::from)?)
            ),
            None => String::new(),
        };
        let verb = if exists { "ALTER" } else { "CREATE" };
        roles_tx
            .batch_execute(&format!(
                "{verb} ROLE {} LOGIN NOSUPERUSER NOCREATEROLE{password}",
                ident(&account.user)
            ))
            .map_err(fail)?;
        report_roles.push((
            account.user.clone(),
            if exists { "updated" } else { "created" },
        ));
    }

    let migrator = ident(&roles.migrator.user);
    let (app, ro) = (ident(&roles.app.user), ident(&roles.readonly.user));
    // health reads the server's sessions and slots as the read-only role
    roles_tx
        .batch_execute(&format!("GRANT pg_monitor TO {ro}"))
        .map_err(fail)?;
    roles_tx.commit().map_err(fail)?;
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&dbname])
        .map_err(fail)?
        .is_some();
    if !exists {
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {} OWNER {migrator}",
                ident(&dbname)
            ))
            .map_err(fail)?;
    } else {
        admin
            .batch_execute(&format!(
                "ALTER DATABASE {} OWNER TO {migrator}",
                ident(&dbname)
            ))
            .map_err(fail)?;
    }
    drop(admin);
    drop(cluster);

    let mut city = db::connect_pg(p, Account::Admin, None)?;
    let d = ident(&dbname);
    let s = db::SCHEMA;
    city.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {s} AUTHORIZATION {migrator};
         ALTER SCHEMA {s} OWNER TO {migrator};
         REVOKE ALL ON DATABASE {d} FROM PUBLIC;
         REVOKE CREATE ON SCHEMA public FROM PUBLIC;
         GRANT CONNECT, TEMPORARY ON DATABASE {d} TO {app}, {ro};
         GRANT ALL ON DATABASE {d} TO {migrator};
         GRANT USAGE ON SCHEMA {s} TO {app}, {ro};
         ALTER DEFAULT PRIVILEGES FOR ROLE {migrator} IN SCHEMA {s}
             GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};
         ALTER DEFAULT PRIVILEGES FOR ROLE {migrator} IN SCHEMA {s}
             GRANT SELECT ON TABLES TO {ro};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {app};
         GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {ro};
         ALTER ROLE {migrator} IN DATABASE {d} SET search_path = {s};
         ALTER ROLE {app} IN DATABASE {d} SET search_path = {s};
         ALTER ROLE {ro} IN DATABASE {d} SET search_path = {s};"
    ))
    .map_err(fail)?;
    Ok(InitReport {
        database: target,
        database_state: if exists { "present" } else { "created" },
        roles: report_roles,
    })
}
