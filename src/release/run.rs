//! A rollout run's life in the state folder: started by one live process that holds the run's
//! lock and writes its journal; resumed by another only once that process is gone; given up
//! (`rollout abandon`) when it cannot go on. The journal's `ACTIVE` file names the unfinished
//! run.

use std::path::Path;
use std::time::Duration;

use super::journal::{self, EventKind, Journal, JournalError, Sink};
use crate::state::lock::{self, Lock, LockError};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("rollout {run} is running: held by {holder}")]
    Running { run: String, holder: String },
    #[error("rollout {run} is still running: {source}")]
    StillRunning { run: String, source: Box<LockError> },
    #[error("rollout {0} did not finish")]
    Unfinished(String),
    #[error("no unfinished rollout to resume")]
    NothingToResume,
    #[error("no unfinished rollout to abandon")]
    NothingToAbandon,
    #[error("the rollout journal {path} is damaged: {what}")]
    Damaged { path: String, what: String },
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl crate::error::Explain for RunError {
    /// Another process or an unfinished run in the way is blocked (exit 4); nothing to do, as
    /// asked, is the command line's (exit 2); damage or an I/O failure fails (exit 1).
    fn exit(&self) -> crate::error::Exit {
        use crate::error::Exit;
        match self {
            RunError::Running { .. } | RunError::StillRunning { .. } | RunError::Unfinished(_) => {
                Exit::Blocked
            }
            RunError::NothingToResume | RunError::NothingToAbandon => Exit::Usage,
            _ => Exit::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(self.what_to_do())
            .filter(|h| !h.is_empty())
            .map(str::to_string)
    }
}

impl RunError {
    fn what_to_do(&self) -> &'static str {
        match self {
            RunError::Running { .. } => "wait for it to end, or watch it with: jinbao status",
            RunError::StillRunning { .. } => {
                "wait for it to end (or stop it with Ctrl-C / SIGTERM), then resume it if it did not finish"
            }
            RunError::Unfinished(_) => {
                "go on with it: jinbao rollout --resume (or give it up: jinbao rollout abandon)"
            }
            RunError::NothingToResume => "start one: jinbao rollout <release> <target>",
            RunError::NothingToAbandon => "",
            RunError::Damaged { .. } => {
                "give the run up with `jinbao rollout abandon`, then start a new rollout"
            }
            RunError::Journal(e) => e.what_to_do(),
            RunError::Io(_) => "",
        }
    }
}

/// A run in the hands of this process: its journal, and the lock that says so.
pub struct Owned {
    pub journal: Journal,
    _lock: Lock,
}

impl Drop for Owned {
    /// A run that is over (no longer ACTIVE) can never be resumed, so nobody will wait on its
    /// lock: the file goes, while still held (one lock file a run used to be left forever).
    fn drop(&mut self) {
        let state = self.journal.state_dir();
        if active(state).ok().flatten().as_deref() != Some(self.journal.run.as_str()) {
            let _ = std::fs::remove_file(self._lock.path());
        }
    }
}

/// A new run id: when it started, and by which process.
pub fn new_run_id() -> String {
    format!(
        "{}-{}",
        crate::clock::now().format("%Y%m%dT%H%M%SZ"),
        std::process::id()
    )
}

/// The unfinished run recorded in the state folder, if any.
pub fn active(state: &Path) -> Result<Option<String>, RunError> {
    Ok(journal::active(state)?)
}

/// The lock a run holds for as long as its process lives.
fn run_lock(state: &Path, run: &str) -> Result<Lock, RunError> {
    lock::acquire(
        state,
        &format!("run-{run}"),
        &format!("rollout {run}"),
        Duration::ZERO,
        &mut |_| {},
    )
    .map_err(|e| match e {
        LockError::Io(e) => RunError::Io(e),
        other => RunError::StillRunning {
            run: run.to_string(),
            source: Box::new(other),
        },
    })
}

/// Starts a new run: refused while another is unfinished (running or not); the journal's
/// first event is written before any server is touched.
pub fn start(state: &Path, first: EventKind, sink: Option<Sink>) -> Result<Owned, RunError> {
    if let Some(run) = active(state)? {
        if let Some(h) = lock::holder(state, &format!("run-{run}")) {
            return Err(RunError::Running {
                run,
                holder: h.describe(),
            });
        }
        return Err(RunError::Unfinished(run));
    }
    let run = new_run_id();
    let lock = run_lock(state, &run)?;
    let journal = Journal::create(state, &run, first, sink)?;
    Ok(Owned {
        journal,
        _lock: lock,
    })
}

/// An unfinished run taken up again: what it was started with and what it finished.
pub struct Resumed {
    pub owned: Owned,
    pub release: String,
    pub sha256: String,
    pub cities: Vec<String>,
    pub options: serde_json::Value,
    pub done: Vec<String>,
}

/// Takes up the unfinished run, refused while its process lives.
pub fn resume(state: &Path, sink: Option<Sink>) -> Result<Resumed, RunError> {
    let run = active(state)?.ok_or(RunError::NothingToResume)?;
    let lock = run_lock(state, &run)?;
    let events = journal::read(state, &run)?;
    let Some(EventKind::RunStart {
        release,
        sha256,
        cities,
        options,
        ..
    }) = events.first().map(|e| e.kind.clone())
    else {
        return Err(RunError::Damaged {
            path: journal::path_of(state, &run).display().to_string(),
            what: "it does not begin with the run's start".into(),
        });
    };
    let done = super::rollout::finished_cities(&events);
    let journal = Journal::reopen(state, &run, sink)?;
    Ok(Resumed {
        owned: Owned {
            journal,
            _lock: lock,
        },
        release,
        sha256,
        cities,
        options,
        done,
    })
}

/// Gives the unfinished run up (not while its process lives); returns its id (`(damaged)`
/// when even its record could not be read).
pub fn abandon(state: &Path) -> Result<String, RunError> {
    let run = match active(state) {
        Ok(Some(run)) => run,
        Ok(None) => return Err(RunError::NothingToAbandon),
        // a damaged ACTIVE is exactly what abandon is for
        Err(_) => "(damaged)".to_string(),
    };
    let lock = if run == "(damaged)" {
        None
    } else {
        Some(run_lock(state, &run)?)
    };
    if let Some(_held) = &lock
        && let Ok(j) = Journal::reopen(state, &run, None)
    {
        let _ = j.emit(EventKind::Abandoned {
            by: crate::operator::operator(),
        });
    }
    let active = state.join("rollouts").join("ACTIVE");
    // damage of any shape is what abandon is for: a folder in ACTIVE's place goes too (never
    // followed: a link is removed as a link)
    let removed = match std::fs::symlink_metadata(&active) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(&active),
        _ => std::fs::remove_file(&active),
    };
    removed.map_err(|e| crate::files::at(&active, e))?;
    if let Some(held) = &lock {
        let _ = std::fs::remove_file(held.path());
    }
    Ok(run)
}

/// How a run (or this part of it) went.
pub struct Executed {
    /// Every city's outcome in the run so far (a resumed run's earlier ones from its journal).
    pub outcomes: Vec<super::rollout::Outcome>,
    pub end: super::rollout::RunEnd,
    /// `done`, `failed`, `halted`, `paused`, `interrupted` or `stopped`.
    pub result: &'static str,
    /// Every failed city was refused by another run's lock (exit 4, not 1).
    pub refused_only: bool,
    pub failed: bool,
    pub timings: super::timings::Timings,
    /// Why the journal stopped the run, when it did.
    pub journal_error: Option<String>,
}

/// What a run is given to do.
pub struct Plan<'a> {
    pub release: &'a super::Release,
    pub sites: &'a [&'a crate::profile::Site],
    pub opts: &'a super::rollout::Options,
    pub forks: usize,
    pub accept_new_host_keys: bool,
    /// Cities a resumed run already finished.
    pub done: &'a [String],
    pub expected: Option<super::rollout::Expected>,
}

/// Runs the rollout `plan` under `journal`, then records how it ended: `run-done` (and the
/// run is no longer active), `interrupted` (resumable), or nothing when it paused for approval
/// or the journal itself failed.
pub fn execute(
    profiles: &crate::profile::Profiles,
    progress: &crate::progress::Progress,
    journal: &Journal,
    plan: Plan<'_>,
    approve: Option<&super::rollout::Approve<'_>>,
) -> Result<Executed, RunError> {
    use super::rollout::{Rollout, RunEnd};
    // provisioning works on every server of a city; the release goes to its app servers
    let fleet = crate::fleet::Fleet::of_sites(
        plan.sites,
        None,
        |h| {
            plan.opts.provision
                || h.runs_app()
                || plan.sites.iter().any(|s| {
                    s.pinyin() == h.city
                        && super::rollout::transfer::relay_name(s) == Some(h.name.as_str())
                })
        },
        plan.forks,
        plan.accept_new_host_keys,
    );
    // what servers unpack is what the checker read: the canonical archive, never a second
    // reading of the file on disk
    let tarball = plan.release.canonical.0.clone();
    let templates = plan.release.templates.clone();
    let mut rollout = Rollout::new(
        profiles,
        progress,
        &fleet,
        plan.release,
        tarball,
        templates,
        journal,
        plan.opts,
    );
    rollout.expected = plan.expected;
    rollout.approve = approve;
    let (outcomes, end) = rollout.run(plan.sites, plan.done);
    let failed = outcomes.iter().any(|o| o.result.went_wrong());
    let refused_only = failed
        && outcomes
            .iter()
            .filter(|o| o.result.went_wrong())
            .all(|o| o.blocked);
    let result = match end {
        RunEnd::Paused => "paused",
        RunEnd::Halted => "halted",
        RunEnd::Interrupted(_) => "interrupted",
        RunEnd::JournalFailed => "stopped",
        RunEnd::Done if failed => "failed",
        RunEnd::Done => "done",
    };
    // the run's last record: when it cannot be written the run stays unfinished (a resume
    // closes it) and the command says so, as for any journal write that fails
    let closing = match end {
        RunEnd::Paused | RunEnd::JournalFailed => Ok(()),
        RunEnd::Interrupted(sig) => journal.emit(EventKind::Interrupted {
            signal: if sig == libc::SIGTERM {
                "SIGTERM"
            } else {
                "SIGINT"
            }
            .into(),
        }),
        _ => journal
            .emit(EventKind::RunDone {
                result: result.into(),
            })
            .map(|()| journal.finish()),
    };
    let journal_error = rollout
        .journal_error()
        .or_else(|| closing.as_ref().err().map(|e| e.to_string()));
    let (end, result) = match (end, &closing) {
        (RunEnd::Done | RunEnd::Halted, Err(_)) => (RunEnd::JournalFailed, "stopped"),
        _ => (end, result),
    };
    let everything =
        all_outcomes(profiles, journal, &outcomes).unwrap_or_else(|_| outcomes.clone());
    Ok(Executed {
        outcomes: everything,
        end,
        result,
        refused_only,
        failed,
        timings: rollout.timings(),
        journal_error,
    })
}

/// Outcomes of this invocation plus those a resumed run had before, from the journal.
fn all_outcomes(
    profiles: &crate::profile::Profiles,
    journal: &Journal,
    now: &[super::rollout::Outcome],
) -> Result<Vec<super::rollout::Outcome>, RunError> {
    use super::rollout::{CityResult, Outcome};
    let mut out: Vec<Outcome> = Vec::new();
    for e in journal::read(journal.state_dir(), &journal.run)? {
        if let EventKind::CityDone {
            city,
            result,
            from,
            to,
            ms,
            changes,
            reason,
            restore_point,
            transfer,
        } = e.kind
        {
            let wave = profiles
                .find(&city)
                .map(|s| s.profile.city.wave.clone())
                .unwrap_or_default();
            out.retain(|x| x.city != city);
            out.push(Outcome {
                city,
                wave,
                from,
                to,
                result: match CityResult::parse(&result) {
                    CityResult::Unknown => CityResult::Failed,
                    known => known,
                },
                reason,
                restore_point,
                ms,
                changes,
                transfer,
                blocked: false,
            });
        }
    }
    for o in now {
        if !out.iter().any(|x| x.city == o.city) {
            out.push(o.clone());
        }
    }
    Ok(out)
}
