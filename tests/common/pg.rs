//! The test bed's PostgreSQL (tests/testbed/postgres up): each test gets databases of its own.
//! Many tests read the server at once; the few that stop it hold it alone, and the test bed
//! too (whose tests use the server without asking for it): always the test bed first, then
//! the server, so that two tests never wait on each other.

use std::cell::Cell;
use std::path::Path;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

static SERVER: RwLock<()> = RwLock::new(());

thread_local! {
    /// How many read guards this test's thread holds (a test runs on a thread of its own).
    static READING: Cell<u32> = const { Cell::new(0) };
}

/// The server, shared with other tests until dropped.
pub struct Shared {
    read: Option<RwLockReadGuard<'static, ()>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if self.read.take().is_some() {
            READING.with(|r| r.set(r.get() - 1));
        }
    }
}

/// The server, held alone (no other test reads it) until dropped.
pub struct Exclusive {
    _write: RwLockWriteGuard<'static, ()>,
}

/// Whether this test reads the server (it may not take the test bed then).
pub fn reading() -> bool {
    READING.with(|r| r.get() > 0)
}

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

/// The server, shared, when it answers; else None and says why the test skips. A test that
/// holds the test bed is kept from those that stop the server already (they hold it too).
pub fn available(test: &str) -> Option<Shared> {
    let read = (!super::testbed::held()).then(|| SERVER.read().unwrap_or_else(|p| p.into_inner()));
    if read.is_some() {
        READING.with(|r| r.set(r.get() + 1));
    }
    let shared = Shared { read };
    answers(test).then_some(shared)
}

/// The server held alone, for a test that stops it; it must hold the test bed first.
pub fn exclusive(test: &str) -> Option<Exclusive> {
    assert!(
        super::testbed::held(),
        "{test}: take the test bed before stopping PostgreSQL (the bed's tests use it too)"
    );
    let write = SERVER.write().unwrap_or_else(|p| p.into_inner());
    answers(test).then_some(Exclusive { _write: write })
}

fn answers(test: &str) -> bool {
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
    // the profile's own databases (`jinbao_<city>`) belong to the test bed's tests
    assert!(
        db.is_some() || super::testbed::held(),
        "the testbed profile's databases are the test bed's: take it first, or pass a database of the test's own"
    );
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
    _alone: &Exclusive,
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
