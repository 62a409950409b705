//! What jinbao keeps in its state folder (`./.jinbao` or `--state-dir`): the audit log,
//! rollout journals, health and data-check histories.

use std::path::Path;

use serde::Serialize;

pub mod audit;
pub mod backups;
pub mod data_checks;
pub mod facts;
// files written privately and whole: a foundation the records share with others
pub use crate::files;
pub mod health;
pub mod installed;
pub mod lock;
pub mod verdicts;

/// Appends one record to a JSON-lines file (private, fsynced, starting on a fresh line).
pub fn append_line<T: Serialize>(path: &Path, record: &T) -> std::io::Result<()> {
    let line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    files::append_line(path, &line)
}

/// Records a decision people must be able to find later (an overridden window, a broken lock).
pub fn audit(state_dir: &Path, action: &str, cities: &[&str], note: &str) -> std::io::Result<()> {
    audit::record(
        state_dir,
        audit::Entry {
            action,
            targets: cities.iter().map(|c| c.to_string()).collect(),
            what: note.to_string(),
            result: "ok",
            identity: None,
        },
    )
}

/// A line of a history file that could not be read: left out of what is read, and said, so
/// that a damaged history never reads as an empty one ("never rolled out"). `line` 0: the
/// whole file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Unreadable {
    pub file: String,
    pub line: u64,
    pub why: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}: left out", self.file, self.why)
        } else {
            write!(
                f,
                "{} line {}: {}: left out",
                self.file, self.line, self.why
            )
        }
    }
}

/// The records of a history that could be read, and the lines that could not.
#[derive(Debug, Clone)]
pub struct History<T> {
    pub records: Vec<T>,
    pub unreadable: Vec<Unreadable>,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History {
            records: Vec::new(),
            unreadable: Vec::new(),
        }
    }
}

/// The last `n` records of a JSON-lines history, read from the end of the file so that a
/// history grown over years of monitoring costs no more than its tail.
pub fn tail<T: serde::de::DeserializeOwned>(path: &Path, n: usize) -> History<T> {
    let mut h: History<T> = read_back(path, |r: &[T]| r.len() >= n);
    let skip = h.records.len().saturating_sub(n);
    h.records.drain(..skip);
    h
}

/// The records at the end of a JSON-lines history that `keep` accepts, back to the last one
/// it refuses (the last 30 days, say), read from the end like [`tail`].
pub fn tail_while<T: serde::de::DeserializeOwned>(
    path: &Path,
    keep: impl Fn(&T) -> bool,
) -> History<T> {
    let mut h: History<T> = read_back(path, |r: &[T]| r.first().is_some_and(|f| !keep(f)));
    let from = h
        .records
        .iter()
        .rposition(|r| !keep(r))
        .map_or(0, |i| i + 1);
    h.records.drain(..from);
    h
}

/// Every record of a JSON-lines history, oldest first.
pub fn read_all<T: serde::de::DeserializeOwned>(path: &Path) -> History<T> {
    read_back(path, |_: &[T]| false)
}

/// Reads ever larger windows from the end of the file until `enough` says the records read
/// (oldest first) suffice, or the whole file is read. Every line of the window read that is
/// not a record (damage, a line torn by a crash) is in `unreadable` with its line number.
fn read_back<T: serde::de::DeserializeOwned>(
    path: &Path,
    enough: impl Fn(&[T]) -> bool,
) -> History<T> {
    use std::io::{Read, Seek, SeekFrom};
    let shown = path.display().to_string();
    let whole = |e: std::io::Error| History {
        records: Vec::new(),
        unreadable: vec![Unreadable {
            file: shown.clone(),
            line: 0,
            why: e.to_string(),
        }],
    };
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return History::default(),
        Err(e) => return whole(e),
    };
    let len = match f.metadata() {
        Ok(m) => m.len(),
        Err(e) => return whole(e),
    };
    let mut window = 16 * 1024u64;
    loop {
        let start = len.saturating_sub(window);
        let mut buf = Vec::new();
        if let Err(e) = f
            .seek(SeekFrom::Start(start))
            .and_then(|_| f.read_to_end(&mut buf))
        {
            return whole(e);
        }
        let text = String::from_utf8_lossy(&buf);
        let mut lines: Vec<&str> = text.split('\n').collect();
        // the window's first line began before it (unless at the start of the file)
        let first = usize::from(start > 0);
        let mut records = Vec::new();
        let mut bad = Vec::new();
        for (i, l) in lines.drain(..).enumerate().skip(first) {
            let l = l.strip_suffix('\r').unwrap_or(l);
            if l.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(l) {
                Ok(r) => records.push(r),
                Err(e) => bad.push((i, e.to_string())),
            }
        }
        if start == 0 || enough(&records) {
            // line numbers counted only when there is damage to name
            let before = if bad.is_empty() || start == 0 {
                0
            } else {
                count_lines(&mut f, start).unwrap_or(0)
            };
            let unreadable = bad
                .into_iter()
                .map(|(i, why)| Unreadable {
                    file: shown.clone(),
                    line: before + i as u64 + 1,
                    why: format!("not a record ({why})"),
                })
                .collect();
            return History {
                records,
                unreadable,
            };
        }
        window *= 4;
    }
}

/// The line breaks in the first `upto` bytes of a file.
fn count_lines(f: &mut std::fs::File, upto: u64) -> std::io::Result<u64> {
    use std::io::{Read, Seek, SeekFrom};
    f.seek(SeekFrom::Start(0))?;
    let mut left = upto;
    let mut n = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    while left > 0 {
        let want = buf.len().min(left as usize);
        let got = f.read(&mut buf[..want])?;
        if got == 0 {
            break;
        }
        n += memchr::memchr_iter(b'\n', &buf[..got]).count() as u64;
        left -= got as u64;
    }
    Ok(n)
}

/// What changed a city's release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeAction {
    Rollout,
    Rollback,
}

/// How a change of a city's release ended (the ledger's words: `deployed`, `rolled-back` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeResult {
    /// Rollouts: the city runs the new release.
    Deployed,
    /// Rollouts: it ran it already.
    Already,
    /// Rollouts: the health gate failed and the city was put back.
    RolledBack,
    Failed,
    /// Rollouts: another run held the city, or a window or a downgrade refused it.
    Refused,
    Skipped,
    /// Stopped by a signal or a journal that could not be written: put back on its old
    /// release (or never touched), to be done by `rollout --resume`.
    Interrupted,
    /// Rollbacks: every server switched back.
    Switched,
    /// A word a newer jinbao wrote: kept readable, counted as nothing.
    #[serde(other)]
    Unknown,
}

impl ChangeResult {
    /// The word for it, as written in the journal, the ledger and `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployed => "deployed",
            Self::Already => "already",
            Self::RolledBack => "rolled-back",
            Self::Failed => "failed",
            Self::Refused => "refused",
            Self::Skipped => "skipped",
            Self::Interrupted => "interrupted",
            Self::Switched => "switched",
            Self::Unknown => "unknown",
        }
    }

    /// The city runs the change's release after it.
    pub fn took(self) -> bool {
        matches!(self, Self::Deployed | Self::Already | Self::Switched)
    }

    /// A word read back from a journal (an unknown one is `Unknown`).
    pub fn parse(word: &str) -> Self {
        serde_json::from_value(serde_json::Value::from(word)).unwrap_or(Self::Unknown)
    }

    /// The change went wrong (what the province watches for, and what a run counts as failed).
    pub fn went_wrong(self) -> bool {
        matches!(self, Self::RolledBack | Self::Failed | Self::Refused)
    }
}

impl std::fmt::Display for ChangeResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for ChangeAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Rollout => "rollout",
            Self::Rollback => "rollback",
        })
    }
}

/// One change of a city's release: a rollout's outcome for the city, or a rollback.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ReleaseRecord {
    pub time: String,
    pub action: ChangeAction,
    /// The rollout run, for `rollout --resume` and the journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    pub result: ChangeResult,
    #[serde(default)]
    pub from: Vec<String>,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn releases_path(state_dir: &Path, city: &str) -> std::path::PathBuf {
    state_dir.join("releases").join(format!("{city}.jsonl"))
}

/// Adds a release change to the city's ledger (`<state>/releases/<city>.jsonl`), which
/// `status` reads without asking any server.
pub fn record_release(state_dir: &Path, city: &str, record: &ReleaseRecord) -> std::io::Result<()> {
    append_line(&releases_path(state_dir, city), record)
}

/// The city's last `n` release changes, oldest first, and the lines that could not be read.
pub fn releases(state_dir: &Path, city: &str, n: usize) -> History<ReleaseRecord> {
    tail(&releases_path(state_dir, city), n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn tail_while_reads_back_to_the_first_refused_record() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h.jsonl");
        for i in 0..5000u32 {
            super::append_line(&p, &serde_json::json!({ "i": i, "pad": "x".repeat(20) })).unwrap();
        }
        let recent: Vec<serde_json::Value> =
            super::tail_while(&p, |v: &serde_json::Value| v["i"].as_u64() >= Some(4990)).records;
        assert_eq!(recent.len(), 10);
        assert_eq!(recent[0]["i"], 4990);
        let all: Vec<serde_json::Value> = super::tail_while(&p, |_| true).records;
        assert_eq!(all.len(), 5000);
        let last: Vec<serde_json::Value> = super::tail(&p, 3).records;
        assert_eq!(last[0]["i"], 4997);
    }

    #[test]
    fn a_damaged_line_read_from_the_end_is_named_by_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h.jsonl");
        let mut text = String::new();
        for i in 0..5000u32 {
            if i == 4989 {
                text.push_str("{\"i\": 49\n");
            } else {
                text.push_str(&format!("{{\"i\":{i},\"pad\":\"{}\"}}\n", "x".repeat(20)));
            }
        }
        std::fs::write(&p, text).unwrap();
        // only the file's tail is read: the line is still named by its number in the file
        let h: super::History<serde_json::Value> = super::tail(&p, 3);
        assert_eq!(h.records.len(), 3);
        assert_eq!(h.unreadable.len(), 1, "{:?}", h.unreadable);
        assert_eq!(h.unreadable[0].line, 4990);
        let all: super::History<serde_json::Value> = super::read_all(&p);
        assert_eq!(all.records.len(), 4999);
        assert_eq!(all.unreadable[0].line, 4990);
    }
}
