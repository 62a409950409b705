//! The rollout journal: one JSON event per line in `<state>/rollouts/<run>.jsonl`, each written
//! as it happens and fsynced when it is one resume relies on (a city done, a wave, the run), so
//! a run killed at any point can be resumed (`--resume`) without redoing finished cities.
//! `<state>/rollouts/ACTIVE` names the unfinished run. A write that fails is an error the run
//! stops on; a line torn by a crash costs only itself; a damaged journal is reported with its
//! path and the way out (`rollout abandon`), never as a bare I/O error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::files;

/// Version of the event format (the `v` field).
pub const EVENT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub v: u32,
    pub time: String,
    pub run: String,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum EventKind {
    RunStart {
        release: String,
        version: String,
        sha256: String,
        cities: Vec<String>,
        /// The command-line choices, to resume with the same ones.
        options: serde_json::Value,
    },
    WaveStart {
        wave: String,
        cities: Vec<String>,
    },
    CityStart {
        city: String,
    },
    Step {
        city: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        host: Option<String>,
        step: String,
        ok: bool,
        #[serde(skip_serializing_if = "String::is_empty", default)]
        detail: String,
    },
    CityDone {
        city: String,
        /// deployed, already, rolled-back, failed, refused, skipped, interrupted
        result: String,
        from: Vec<String>,
        to: String,
        ms: u64,
        /// Changes made: resources provisioned plus servers switched.
        #[serde(default)]
        changes: u64,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        reason: Option<String>,
        /// The backup taken before the city's database could change.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        restore_point: Option<String>,
        /// What crossed the city's link for the release.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        transfer: Option<super::rollout::transfer::Sent>,
    },
    WaveDone {
        wave: String,
    },
    Paused {
        after: String,
        next: String,
    },
    /// A lock whose holder had provably died was taken over.
    LockTakenOver {
        #[serde(skip_serializing_if = "Option::is_none", default)]
        city: Option<String>,
        from: String,
    },
    /// How long one phase of one host (or of a city) took, from the run's start.
    Timing {
        city: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        host: Option<String>,
        phase: String,
        start_ms: u64,
        ms: u64,
    },
    /// Stopped by a signal; resumable.
    Interrupted {
        signal: String,
    },
    /// Given up by `rollout abandon`; no longer resumable.
    Abandoned {
        by: String,
    },
    RunDone {
        result: String,
    },
}

/// Where events go besides the journal (the `--events ndjson` stream).
pub type Sink = Box<dyn Fn(&Event) + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write the rollout journal: {0}")]
    Write(std::io::Error),
    #[error("the rollout journal {path} is damaged: {why}")]
    Damaged { path: String, why: String },
    #[error("{path} is damaged: it names `{found}`, which is not a rollout run")]
    BadActive { path: String, found: String },
    #[error("the rollout journal {path} cannot be read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

impl crate::error::Explain for JournalError {
    fn hint(&self) -> Option<String> {
        Some(self.what_to_do().to_string())
    }
}

impl JournalError {
    /// What to do about it.
    pub fn what_to_do(&self) -> &'static str {
        match self {
            JournalError::Write(_) => {
                "free space or fix the permissions of the state folder, then: jinbao rollout --resume"
            }
            _ => {
                "give the run up with `jinbao rollout abandon` (check the servers with `jinbao releases`), then start a new rollout"
            }
        }
    }
}

pub struct Journal {
    pub run: String,
    path: PathBuf,
    dir: PathBuf,
    file: Mutex<std::fs::File>,
    sink: Option<Sink>,
}

fn dir(state: &Path) -> PathBuf {
    state.join("rollouts")
}

pub fn path_of(state: &Path, run: &str) -> PathBuf {
    dir(state).join(format!("{run}.jsonl"))
}

/// A run id jinbao made (`20261127T101500Z-1234`, `rollback-…`): letters, digits, `-`, `.`, `_`.
pub fn valid_run_id(run: &str) -> bool {
    !run.is_empty()
        && run.len() <= 64
        && run
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
        && !run.starts_with('.')
}

/// The run id of an unfinished rollout, if any; a damaged ACTIVE file is an error.
pub fn active(state: &Path) -> Result<Option<String>, JournalError> {
    let path = dir(state).join("ACTIVE");
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(JournalError::Read {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let run = String::from_utf8_lossy(&text).trim().to_string();
    if run.is_empty() {
        return Ok(None);
    }
    if !valid_run_id(&run) {
        return Err(JournalError::BadActive {
            path: path.display().to_string(),
            found: crate::profile::safe::excerpt(&run),
        });
    }
    Ok(Some(run))
}

/// Every event of a run, in order. Lines torn by a crash are skipped; a journal without its
/// start, or unreadable, is an error naming it.
pub fn read(state: &Path, run: &str) -> Result<Vec<Event>, JournalError> {
    let path = path_of(state, run);
    let shown = path.display().to_string();
    let bytes = std::fs::read(&path).map_err(|source| JournalError::Read {
        path: shown.clone(),
        source,
    })?;
    let events: Vec<Event> = bytes
        .split(|b| *b == b'\n')
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect();
    match events.first().map(|e| &e.kind) {
        Some(EventKind::RunStart { .. }) => Ok(events),
        _ => Err(JournalError::Damaged {
            path: shown,
            why: "it does not begin with the run's start".into(),
        }),
    }
}

impl Journal {
    /// Starts a new run's journal with its first event, then marks it active. Nothing is left
    /// behind when either cannot be written.
    pub fn create(
        state: &Path,
        run: &str,
        start: EventKind,
        sink: Option<Sink>,
    ) -> Result<Self, JournalError> {
        let d = dir(state);
        files::private_dir(&d).map_err(JournalError::Write)?;
        let j = Self::open(&d, run, sink)?;
        let made = j.emit(start).and_then(|_| {
            files::write_atomic(&d.join("ACTIVE"), run.as_bytes()).map_err(JournalError::Write)
        });
        if let Err(e) = made {
            let _ = std::fs::remove_file(&j.path);
            return Err(e);
        }
        Ok(j)
    }

    /// Reopens a run's journal to go on writing it.
    pub fn reopen(state: &Path, run: &str, sink: Option<Sink>) -> Result<Self, JournalError> {
        Self::open(&dir(state), run, sink)
    }

    fn open(d: &Path, run: &str, sink: Option<Sink>) -> Result<Self, JournalError> {
        let path = d.join(format!("{run}.jsonl"));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(|e| JournalError::Write(files::at(&path, e)))?;
        // a line torn by a crash is closed, so that the next event starts a line of its own
        if files::ends_mid_line(&mut file).map_err(|e| JournalError::Write(files::at(&path, e)))? {
            file.write_all(b"\n")
                .map_err(|e| JournalError::Write(files::at(&path, e)))?;
        }
        Ok(Journal {
            run: run.to_string(),
            path,
            dir: d.to_path_buf(),
            file: Mutex::new(file),
            sink,
        })
    }

    /// The state folder the journal lives in.
    pub fn state_dir(&self) -> &Path {
        self.dir.parent().unwrap_or(&self.dir)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records an event: appended (and fsynced when resume relies on it) before this returns,
    /// then streamed. An event that cannot be written is an error: the run must stop.
    pub fn emit(&self, kind: EventKind) -> Result<(), JournalError> {
        let event = Event {
            v: EVENT_VERSION,
            time: crate::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            run: self.run.clone(),
            kind,
        };
        // a host's step is written at once but synced with the next event resume relies on
        let durable = !matches!(
            event.kind,
            EventKind::Step { .. } | EventKind::CityStart { .. } | EventKind::Timing { .. }
        );
        let mut line = serde_json::to_vec(&event)
            .map_err(|e| JournalError::Write(std::io::Error::other(e)))?;
        line.push(b'\n');
        let line = crate::privacy::scrub_bytes(&line).into_owned();
        {
            let mut f = self.file.lock().unwrap_or_else(|p| p.into_inner());
            f.write_all(&line)
                .and_then(|_| if durable { f.sync_data() } else { Ok(()) })
                .map_err(|e| JournalError::Write(files::at(&self.path, e)))?;
        }
        // the file may have been removed under us (the state folder deleted mid-run)
        if durable && !self.path.exists() {
            return Err(JournalError::Write(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} was removed while the run wrote it", self.path.display()),
            )));
        }
        if let Some(sink) = &self.sink {
            sink(&event);
        }
        Ok(())
    }

    /// The run is over: it can no longer be resumed.
    pub fn finish(&self) {
        if active(self.state_dir()).ok().flatten().as_deref() == Some(&self.run) {
            let _ = std::fs::remove_file(self.dir.join("ACTIVE"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> EventKind {
        EventKind::RunStart {
            release: "r".into(),
            version: "1.0".into(),
            sha256: "x".into(),
            cities: vec!["xuchang".into()],
            options: serde_json::json!({}),
        }
    }

    #[test]
    fn events_survive_and_the_active_run_is_known() {
        let state = tempfile::tempdir().unwrap();
        let j = Journal::create(state.path(), "r1", start(), None).unwrap();
        j.emit(EventKind::CityStart {
            city: "xuchang".into(),
        })
        .unwrap();
        assert_eq!(active(state.path()).unwrap().as_deref(), Some("r1"));
        // a torn line at the end (a crash mid-write) costs only itself: the next event written
        // after a reopen starts on a line of its own
        std::fs::OpenOptions::new()
            .append(true)
            .open(j.path())
            .unwrap()
            .write_all(b"{\"v\":1,\"ti")
            .unwrap();
        drop(j);
        let j = Journal::reopen(state.path(), "r1", None).unwrap();
        j.emit(EventKind::WaveStart {
            wave: "pilot".into(),
            cities: vec![],
        })
        .unwrap();
        let events = read(state.path(), "r1").unwrap();
        assert_eq!(events.len(), 3);
        assert!(matches!(events[2].kind, EventKind::WaveStart { .. }));
        j.finish();
        assert_eq!(active(state.path()).unwrap(), None);
    }

    #[test]
    fn damage_is_named_with_its_file() {
        let state = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(state.path().join("rollouts")).unwrap();
        std::fs::write(state.path().join("rollouts/ACTIVE"), "../../etc/passwd").unwrap();
        let err = active(state.path()).unwrap_err();
        assert!(
            err.to_string().contains("rollouts/ACTIVE is damaged"),
            "{err}"
        );
        std::fs::write(state.path().join("rollouts/ACTIVE"), "r2").unwrap();
        std::fs::write(
            state.path().join("rollouts/r2.jsonl"),
            b"\xff\xfe garbage\n",
        )
        .unwrap();
        let err = read(state.path(), "r2").unwrap_err();
        assert!(err.to_string().contains("r2.jsonl is damaged"), "{err}");
        let err = read(state.path(), "r3").unwrap_err();
        assert!(err.to_string().contains("r3.jsonl cannot be read"), "{err}");
    }
}
