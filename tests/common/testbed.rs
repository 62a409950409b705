//! The project's test bed (tests/testbed/hosts) for integration tests: brought up once per test
//! binary, used by one test at a time, every fault a test causes repaired when it ends.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use super::{is_root, repo};

pub const DIR: &str = "/tmp/jinbao-testbed";

static LOCK: Mutex<()> = Mutex::new(());

thread_local! {
    /// This test holds the test bed (a test runs on a thread of its own).
    static HELD: Cell<bool> = const { Cell::new(false) };
}

/// Whether this test holds the test bed.
pub fn held() -> bool {
    HELD.with(Cell::get)
}

pub struct Testbed {
    _one_at_a_time: MutexGuard<'static, ()>,
    faults: Vec<(String, String)>,
}

/// The test bed, up and healthy; None (the test then skips) when not root.
pub fn testbed(test: &str) -> Option<Testbed> {
    if !is_root() {
        super::skip(
            test,
            "needs root (network namespaces and sshd); CI runs it as root",
        );
        return None;
    }
    // the one order of the two (see common::pg): a test reading PostgreSQL that then waited
    // here could wait on a test holding the bed that waits to stop the server
    assert!(
        !super::pg::reading(),
        "{test}: take the test bed before PostgreSQL"
    );
    let guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    HELD.with(|h| h.set(true));
    let bed = Testbed {
        _one_at_a_time: guard,
        faults: Vec::new(),
    };
    bed.hosts(&["up"]);
    Some(bed)
}

impl Testbed {
    /// Runs tests/testbed/hosts with `args`; panics when it fails.
    pub fn hosts(&self, args: &[&str]) -> String {
        let out = Command::new(repo().join("tests/testbed/hosts"))
            .args(args)
            .output()
            .expect("tests/testbed/hosts runs");
        assert!(
            out.status.success(),
            "hosts {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Cuts a host off; healed when the test ends.
    pub fn cut(&mut self, host: &str) {
        self.hosts(&["cut", host]);
        self.faults.push(("heal".into(), host.into()));
    }

    /// Stops a host's sshd; started again when the test ends.
    pub fn kill_sshd(&mut self, host: &str) {
        self.hosts(&["kill-sshd", host]);
        self.faults.push(("start-sshd".into(), host.into()));
    }

    pub fn known_hosts(&self) -> PathBuf {
        Path::new(DIR).join("known_hosts")
    }

    /// The SHA256 fingerprint of a host's key, from the inventory.
    pub fn fingerprint(&self, host: &str) -> String {
        std::fs::read_to_string(Path::new(DIR).join(host).join("fingerprint"))
            .unwrap()
            .trim()
            .to_string()
    }

    /// Runs a command inside a host, without ssh.
    pub fn exec(&self, host: &str, command: &str) -> String {
        self.hosts(&["exec", host, "sh", "-c", command])
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        for (verb, host) in self.faults.drain(..).rev() {
            let _ = Command::new(repo().join("tests/testbed/hosts"))
                .args([verb.as_str(), host.as_str()])
                .output();
        }
        HELD.with(|h| h.set(false));
    }
}
