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

/// Waits (up to a minute; `never` says what did not happen) until `busy` counts a session at
/// work, then stops the server under it, waits for `child` to end and starts the server
/// again: what the child printed, and how it ended.
pub fn stop_under(
    child: std::process::Child,
    never: &str,
    busy: impl Fn(&mut postgres::Client) -> Option<i64>,
) -> std::process::Output {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while connect("postgres")
        .and_then(|mut c| busy(&mut c))
        .unwrap_or(0)
        == 0
    {
        assert!(std::time::Instant::now() < deadline, "{never}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pg_ctl = |verb: &str| {
        let out = std::process::Command::new(super::repo().join("tests/testbed/postgres"))
            .arg(verb)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "postgres {verb}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    pg_ctl("down");
    let out = child.wait_with_output().unwrap();
    pg_ctl("up");
    out
}
