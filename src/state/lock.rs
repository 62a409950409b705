//! Controller-side locks: a run belongs to a live process. Each lock is a file under
//! `<state>/locks/` held with `flock` (the kernel releases it when its process dies, however it
//! dies) and naming its holder: controller host, pid, the process's start time (so a reused
//! pid is not mistaken for the holder), operator, since when and what for. One API serves
//! rollout runs, resumes, rollbacks, unlocks, migrations and imports.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Who holds a lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub host: String,
    pub pid: u32,
    /// The process's start time (clock ticks after boot, from /proc): with the pid, it names
    /// one process.
    pub start: u64,
    pub operator: String,
    pub since: String,
    /// What the holder is doing: `rollout 20261127T…`, `import hebi 410602` …
    pub what: String,
}

impl Holder {
    /// This process, doing `what`.
    pub fn me(what: &str) -> Self {
        let pid = std::process::id();
        Holder {
            host: crate::operator::hostname(),
            pid,
            start: start_time(pid).unwrap_or(0),
            operator: crate::operator::operator(),
            since: crate::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            what: what.to_string(),
        }
    }

    /// True when the holder is provably gone: on this host, and its pid is not running or now
    /// belongs to another process.
    pub fn is_dead(&self) -> bool {
        self.host == crate::operator::hostname() && start_time(self.pid) != Some(self.start)
    }

    /// `rollout 2026… (pid 123 on ctl1, operator root@ctl1) since 2026-11-27T10:00:00Z`
    pub fn describe(&self) -> String {
        format!(
            "{} (pid {} on {}, {}) since {}",
            self.what, self.pid, self.host, self.operator, self.since
        )
    }
}

/// A process's start time in clock ticks after boot, None when it is not running.
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the command name (field 2) is in parentheses and may hold spaces: count after it
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("held by {}", .0.describe())]
    Held(Holder),
    #[error("held from another controller: {}", .0.describe())]
    Foreign(Holder),
    /// Something that is no lock file (a folder, a link) is where the lock file goes.
    #[error(
        "{} is not a lock file (a folder or a link): no jinbao holds it; remove it and run again",
        .0.display()
    )]
    Damaged(PathBuf),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A held lock; released (and its file emptied) when dropped.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
    /// The holder it took over from, when that one had died without letting go.
    pub took_over: Option<Holder>,
}

impl Lock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // emptied, not removed: removing would let a waiter and a newcomer hold two files
        let _ = self.file.set_len(0);
        // SAFETY: unlocking our own open descriptor.
        unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&self.file), libc::LOCK_UN) };
    }
}

pub fn path(state_dir: &Path, name: &str) -> PathBuf {
    state_dir.join("locks").join(format!("{name}.lock"))
}

/// Takes lock `name` for `what`, waiting up to `wait` while a live process holds it
/// (`on_wait` is told who, once). A holder that died is taken over; one on another
/// controller is refused.
pub fn acquire(
    state_dir: &Path,
    name: &str,
    what: &str,
    wait: Duration,
    on_wait: &mut dyn FnMut(&Holder),
) -> Result<Lock, LockError> {
    let path = path(state_dir, name);
    if let Some(dir) = path.parent() {
        super::files::private_dir(dir)?;
    }
    if damaged(&path) {
        return Err(LockError::Damaged(path));
    }
    let started = Instant::now();
    let mut told = false;
    let mut pause = Duration::from_millis(20);
    loop {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path)
            .map_err(|e| super::files::at(&path, e))?;
        let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
        // SAFETY: flock on a descriptor we own.
        let got = unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } == 0;
        let previous = read_holder(&mut file);
        if !got {
            let holder = previous.unwrap_or_else(|| Holder {
                host: "?".into(),
                pid: 0,
                start: 0,
                operator: "?".into(),
                since: "?".into(),
                what: format!("another jinbao ({})", path.display()),
            });
            if started.elapsed() >= wait {
                return Err(LockError::Held(holder));
            }
            if !told {
                on_wait(&holder);
                told = true;
            }
            std::thread::sleep(pause.min(wait.saturating_sub(started.elapsed())));
            pause = (pause * 2).min(Duration::from_millis(500));
            continue;
        }
        // the file we locked must still be the one at the path (not one a holder replaced)
        let same = std::fs::metadata(&path)
            .ok()
            .zip(file.metadata().ok())
            .is_some_and(|(a, b)| a.ino() == b.ino() && a.dev() == b.dev());
        if !same {
            continue;
        }
        let took_over = match previous {
            Some(h) if !h.is_dead() && h.host != crate::operator::hostname() => {
                // SAFETY: unlocking our own descriptor.
                unsafe { libc::flock(fd, libc::LOCK_UN) };
                return Err(LockError::Foreign(h));
            }
            // a holder on this machine that is gone (killed, or the machine restarted)
            other => other,
        };
        let me = Holder::me(what);
        let mut line = serde_json::to_vec(&me).map_err(std::io::Error::other)?;
        line.push(b'\n');
        // not fsynced: the kernel's flock is the lock; the holder line only names it, and a
        // line lost to a crash is read as an unknown holder that is gone
        file.set_len(0)
            .and_then(|_| file.seek(SeekFrom::Start(0)).map(|_| ()))
            .and_then(|_| file.write_all(&line))
            .map_err(|e| super::files::at(&path, e))?;
        return Ok(Lock {
            file,
            path,
            took_over,
        });
    }
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(64 * 1024).read_to_string(&mut text).ok()?;
    serde_json::from_str(text.trim()).ok()
}

/// Who holds lock `name` now, if a live process does.
pub fn holder(state_dir: &Path, name: &str) -> Option<Holder> {
    let path = path(state_dir, name);
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(&path)
        .ok()?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
    // SAFETY: a shared, non-blocking probe on our own descriptor, released at once.
    let free = unsafe { libc::flock(fd, libc::LOCK_SH | libc::LOCK_NB) } == 0;
    if free {
        // SAFETY: as above.
        unsafe { libc::flock(fd, libc::LOCK_UN) };
        return None;
    }
    read_holder(&mut file)
}

/// True when something other than a regular file is at a lock's path.
fn damaged(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file())
}

/// Lock paths that are not lock files (folders, links): what `lock status` warns about.
pub fn damaged_locks(state_dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(state_dir.join("locks")) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "lock") && damaged(p))
        .collect();
    out.sort();
    out
}

/// Every lock held now, by name.
pub fn held(state_dir: &Path) -> Vec<(String, Holder)> {
    let Ok(rd) = std::fs::read_dir(state_dir.join("locks")) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Holder)> = rd
        .flatten()
        .filter_map(|e| {
            let name = e
                .file_name()
                .to_string_lossy()
                .strip_suffix(".lock")?
                .to_string();
            let h = holder(state_dir, &name)?;
            Some((name, h))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_holder_is_named_and_a_dead_one_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let a = acquire(
            dir.path(),
            "city-hebi",
            "rollout r1",
            Duration::ZERO,
            &mut |_| {},
        )
        .unwrap();
        assert!(a.took_over.is_none());
        // flock is per open file: a second acquire in this process is refused like another
        // process would be
        let err = acquire(
            dir.path(),
            "city-hebi",
            "rollout r2",
            Duration::ZERO,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(err.to_string().contains("held by rollout r1"), "{err}");
        assert_eq!(holder(dir.path(), "city-hebi").unwrap().what, "rollout r1");
        assert_eq!(held(dir.path()).len(), 1);
        drop(a);
        assert!(holder(dir.path(), "city-hebi").is_none());
        // a holder that died without letting go: same host, a pid that is not running
        let dead = Holder {
            pid: u32::MAX - 1,
            ..Holder::me("rollout r0")
        };
        std::fs::write(
            path(dir.path(), "city-hebi"),
            serde_json::to_vec(&dead).unwrap(),
        )
        .unwrap();
        let b = acquire(
            dir.path(),
            "city-hebi",
            "rollout r3",
            Duration::ZERO,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(b.took_over.as_ref().unwrap().what, "rollout r0");
        drop(b);
        // one from another controller is not broken silently
        let foreign = Holder {
            host: "other-controller".into(),
            ..Holder::me("rollout rx")
        };
        std::fs::write(
            path(dir.path(), "city-hebi"),
            serde_json::to_vec(&foreign).unwrap(),
        )
        .unwrap();
        let err = acquire(
            dir.path(),
            "city-hebi",
            "rollout r4",
            Duration::ZERO,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(err, LockError::Foreign(_)), "{err}");
    }
}
