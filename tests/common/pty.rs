//! jinbao on a pseudo-terminal of a chosen size (0 columns: what serial consoles report), to
//! see what a person at that terminal sees.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::Stdio;

/// A pseudo-terminal 50 rows high and `columns` wide: (master, slave).
fn open_terminal(columns: u16) -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 50,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the integers passed and reads `size`.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    (master, slave)
}

/// Runs jinbao with stdout and stderr on a terminal `columns` wide; returns its exit code and
/// everything the terminal received.
pub fn run_on_terminal(
    state: &Path,
    columns: u16,
    env: &[(&str, &str)],
    args: &[&str],
) -> (i32, String) {
    let (master, slave) = open_terminal(columns);
    let mut cmd = super::jinbao_std(state);
    cmd.env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("jinbao runs");
    // the command holds its copies of the terminal until dropped: the read below ends only
    // when no copy is left open
    drop(cmd);
    let mut master = std::fs::File::from(master);
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    // the terminal gives EIO once the last writer (the child) has closed it
    loop {
        match master.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    let status = child.wait().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out).replace("\r\n", "\n"),
    )
}

/// jinbao on a pseudo-terminal that is its stdin too, for prompts: the test reads what it
/// shows, answers, and signals it.
pub struct Session {
    child: std::process::Child,
    master: std::fs::File,
    /// Everything the terminal received so far (`\r\n` as `\n`).
    pub seen: String,
}

/// Starts jinbao with stdin, stdout and stderr on one terminal 120 columns wide.
pub fn spawn_on_terminal(state: &Path, env: &[(&str, &str)], args: &[&str]) -> Session {
    let (master, slave) = open_terminal(120);
    let mut cmd = super::jinbao_std(state);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd
        .args(args)
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("jinbao runs");
    drop(cmd);
    Session {
        child,
        master: std::fs::File::from(master),
        seen: String::new(),
    }
}

impl Session {
    /// Reads what the terminal shows for up to `wait`; false when it ended (EOF).
    fn read_for(&mut self, wait: std::time::Duration) -> bool {
        use std::os::fd::AsRawFd;
        let mut pfd = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: poll reads and writes the one pollfd passed.
        let n = unsafe { libc::poll(&mut pfd, 1, wait.as_millis() as i32) };
        if n <= 0 {
            return true;
        }
        let mut buf = [0u8; 8192];
        match self.master.read(&mut buf) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.seen
                    .push_str(&String::from_utf8_lossy(&buf[..n]).replace("\r\n", "\n"));
                true
            }
        }
    }

    /// Waits until the terminal shows `text` (panics after `timeout`); returns all it showed.
    pub fn expect(&mut self, text: &str, timeout: std::time::Duration) -> String {
        let end = std::time::Instant::now() + timeout;
        while !self.seen.contains(text) {
            assert!(
                std::time::Instant::now() < end,
                "`{text}` not shown within {timeout:?}:\n{}",
                self.seen
            );
            if !self.read_for(std::time::Duration::from_millis(100)) {
                assert!(
                    self.seen.contains(text),
                    "ended without `{text}`:\n{}",
                    self.seen
                );
            }
        }
        self.seen.clone()
    }

    /// Types `text` at the terminal.
    pub fn send(&mut self, text: &str) {
        use std::io::Write;
        self.master.write_all(text.as_bytes()).unwrap();
    }

    /// Sends `sig` to jinbao (SIGINT: what Ctrl-C sends).
    pub fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on the child's own pid.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    /// Its exit code once it ends within `timeout` (None: still running, then killed).
    pub fn wait(&mut self, timeout: std::time::Duration) -> Option<i32> {
        let end = std::time::Instant::now() + timeout;
        loop {
            self.read_for(std::time::Duration::from_millis(50));
            if let Some(status) = self.child.try_wait().unwrap() {
                // the rest it wrote (EOF once it closed the terminal), for at most two seconds
                for _ in 0..40 {
                    if !self.read_for(std::time::Duration::from_millis(50)) {
                        break;
                    }
                }
                return Some(status.code().unwrap_or(-1));
            }
            if std::time::Instant::now() >= end {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return None;
            }
        }
    }
}
