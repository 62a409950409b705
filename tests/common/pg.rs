//! The test bed's PostgreSQL (tests/testbed/postgres up): each test gets databases of its own.

use std::path::Path;

pub fn password() -> String {
    std::env::var("JINBAO_TESTBED_PG_PASSWORD").unwrap_or_else(|_| "jinbao-testbed".into())
}

/// A superuser connection to `db`, or None (the test then skips) when no server answers.
pub fn connect(db: &str) -> Option<postgres::Client> {
    postgres::Config::new()
        .host("127.0.0.1")
        .port(5432)
        .user("postgres")
        .password(password())
        .dbname(db)
        .connect_timeout(std::time::Duration::from_secs(3))
        .connect(postgres::NoTls)
        .ok()
}

/// True when the server answers; else says why the test skips.
pub fn available(test: &str) -> bool {
    if connect("postgres").is_some() {
        return true;
    }
    super::skip(
        test,
        "no PostgreSQL on 127.0.0.1:5432 (run tests/testbed/postgres up; CI does)",
    );
    false
}

/// Drops a database if it exists (forcing out sessions).
pub fn drop_db(name: &str) {
    if let Some(mut c) = connect("postgres") {
        let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    }
}

/// `jinbao --env testbed` with the password in the environment and, when `db` is given, every
/// site's database replaced by that one (a database of the test's own).
pub fn jinbao(state: &Path, db: Option<&str>) -> assert_cmd::Command {
    let mut cmd = super::jinbao(state);
    cmd.env("JINBAO_TESTBED_PG_PASSWORD", password())
        .args(["--env", "testbed"]);
    if let Some(db) = db {
        cmd.args([
            "--set",
            &format!("database.dsn=postgresql://127.0.0.1:5432/{db}"),
        ]);
    }
    cmd
}
