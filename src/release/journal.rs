//! The rollout journal: one JSON event per line in `<state>/rollouts/<run>.jsonl`, each written
//! as it happens and fsynced when it is one resume relies on (a city done, a wave, the run), so
//! a run killed at any point can be resumed (`--resume`) without redoing finished cities.
//! `<state>/rollouts/ACTIVE` names the unfinished run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

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
        /// deployed, already, rolled-back, failed, refused, skipped
        result: String,
        from: Vec<String>,
        to: String,
        ms: u64,
        /// Changes made: resources provisioned plus servers switched.
        #[serde(default)]
        changes: u64,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        reason: Option<String>,
    },
    WaveDone {
        wave: String,
    },
    Paused {
        after: String,
        next: String,
    },
    RunDone {
        result: String,
    },
}

/// Where events go besides the journal (the `--events ndjson` stream).
pub type Sink = Box<dyn Fn(&Event) + Send + Sync>;

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

/// The run id of an unfinished rollout, if any.
pub fn active(state: &Path) -> Option<String> {
    std::fs::read_to_string(dir(state).join("ACTIVE"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Every event of a run, in order (a torn last line from a crash is ignored).
pub fn read(state: &Path, run: &str) -> std::io::Result<Vec<Event>> {
    let text = std::fs::read_to_string(dir(state).join(format!("{run}.jsonl")))?;
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

impl Journal {
    /// Starts a new run's journal and marks it active.
    pub fn create(state: &Path, run: &str, sink: Option<Sink>) -> std::io::Result<Self> {
        let d = dir(state);
        std::fs::create_dir_all(&d)?;
        let j = Self::open(&d, run, sink)?;
        let tmp = d.join("ACTIVE.tmp");
        std::fs::write(&tmp, run)?;
        std::fs::rename(tmp, d.join("ACTIVE"))?;
        Ok(j)
    }

    /// Reopens a run's journal to go on writing it.
    pub fn reopen(state: &Path, run: &str, sink: Option<Sink>) -> std::io::Result<Self> {
        Self::open(&dir(state), run, sink)
    }

    fn open(d: &Path, run: &str, sink: Option<Sink>) -> std::io::Result<Self> {
        let path = d.join(format!("{run}.jsonl"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
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

    /// Records an event: appended and fsynced before this returns, then streamed.
    pub fn emit(&self, kind: EventKind) {
        let event = Event {
            v: EVENT_VERSION,
            time: crate::window::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            run: self.run.clone(),
            kind,
        };
        // what resume relies on (a city done, a wave, the run) reaches the disk before this
        // returns; a host's step is written at once but synced with the next of those
        let durable = !matches!(
            event.kind,
            EventKind::Step { .. } | EventKind::CityStart { .. }
        );
        if let Ok(mut line) = serde_json::to_vec(&event) {
            line.push(b'\n');
            let mut f = self.file.lock().unwrap_or_else(|p| p.into_inner());
            let written = f
                .write_all(&line)
                .and_then(|_| if durable { f.sync_data() } else { Ok(()) });
            if written.is_err() {
                tracing::error!("cannot write the journal {}", self.path.display());
            }
        }
        if let Some(sink) = &self.sink {
            sink(&event);
        }
    }

    /// The run is over: it can no longer be resumed.
    pub fn finish(&self) {
        if active(self.dir.parent().unwrap_or(&self.dir)).as_deref() == Some(&self.run) {
            let _ = std::fs::remove_file(self.dir.join("ACTIVE"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_and_the_active_run_is_known() {
        let state = tempfile::tempdir().unwrap();
        let j = Journal::create(state.path(), "r1", None).unwrap();
        j.emit(EventKind::CityStart {
            city: "xuchang".into(),
        });
        j.emit(EventKind::CityDone {
            city: "xuchang".into(),
            result: "deployed".into(),
            from: vec![],
            to: "1.0".into(),
            ms: 5,
            changes: 1,
            reason: None,
        });
        assert_eq!(active(state.path()).as_deref(), Some("r1"));
        // a torn line at the end (a crash mid-write) is ignored
        std::fs::OpenOptions::new()
            .append(true)
            .open(j.path())
            .unwrap()
            .write_all(b"{\"v\":1,\"ti")
            .unwrap();
        let events = read(state.path(), "r1").unwrap();
        assert_eq!(events.len(), 2);
        j.finish();
        assert_eq!(active(state.path()), None);
    }
}
