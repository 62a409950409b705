//! Rolling a release out city by city: waves in order, cities in parallel up to a limit, a
//! failure budget, and a journal that lets an interrupted run resume (here). A city's own
//! rollout is a run of steps over one `CityRun` (`city.rs`), a module each: `preflight`,
//! `gates`, `lock`, `prepare`, `upload`, `switch`, `verify`, `finalize`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::MultiProgress;

use super::Release;
use super::journal::{EventKind, Journal};
use super::remote::ServerFacts;

mod city;
pub mod data_gate;
mod finalize;
mod gates;
pub mod lock;
mod outcome;
mod preflight;
mod prepare;
mod restore_point;
mod switch;
pub mod transfer;
mod upload;
mod verify;
use crate::fleet::{Fleet, HostError};
use crate::inventory::Host;
use crate::profile::{Profiles, Site};
use crate::progress::Progress;
use city::{CityRun, Stop};
pub use outcome::{Batch, CityResult, Options, Outcome};
pub use verify::{HealthCommandError, health_command, health_source};

/// Facts a plan recorded, per server label: applying the plan refuses a city whose facts moved.
pub type Expected = HashMap<String, ServerFacts>;

pub struct Rollout<'a> {
    pub profiles: &'a Profiles,
    pub progress: &'a Progress,
    pub fleet: &'a Fleet,
    pub release: &'a Release,
    pub tarball: Arc<Vec<u8>>,
    pub templates: BTreeMap<String, String>,
    pub journal: &'a Journal,
    pub opts: &'a Options,
    pub expected: Option<Expected>,
    /// Asked between waves on a terminal, with the wave's outcomes (to show before the
    /// question); None: never ask.
    pub approve: Option<&'a Approve<'a>>,
    failures: AtomicUsize,
    halt: AtomicBool,
    /// Why the run must stop early (a journal write failed), if it must.
    broken: std::sync::Mutex<Option<String>>,
    /// When the run (this invocation) began: spans count from here.
    t0: Instant,
    spans: std::sync::Mutex<Vec<super::timings::Span>>,
    multi: MultiProgress,
    /// The release laid out by content, made when a city first needs it.
    layout:
        std::sync::OnceLock<Result<crate::release::content::Layout, crate::release::ReleaseError>>,
}

/// A city of the run and its servers' indexes in the fleet.
type Planned<'s> = (&'s Site, Vec<usize>);

/// The question between waves: (question, the outcomes of the wave just done) → go on?
pub type Approve<'a> = dyn Fn(&str, &[Outcome]) -> bool + Sync + 'a;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    Done,
    /// Waiting for approval before the next wave (resume to go on).
    Paused,
    /// Stopped early: failure budget exhausted or a data gate failed.
    Halted,
    /// Stopped by a signal: every city on its old or its new release; resumable.
    Interrupted(i32),
    /// The journal could not be written: stopped, every city on its old or its new release.
    JournalFailed,
}

impl<'a> Rollout<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        profiles: &'a Profiles,
        progress: &'a Progress,
        fleet: &'a Fleet,
        release: &'a Release,
        tarball: Arc<Vec<u8>>,
        templates: BTreeMap<String, String>,
        journal: &'a Journal,
        opts: &'a Options,
    ) -> Self {
        Rollout {
            profiles,
            progress,
            fleet,
            release,
            tarball,
            templates,
            journal,
            opts,
            expected: None,
            approve: None,
            failures: AtomicUsize::new(0),
            halt: AtomicBool::new(false),
            broken: std::sync::Mutex::new(None),
            t0: Instant::now(),
            spans: std::sync::Mutex::new(Vec::new()),
            layout: std::sync::OnceLock::new(),
            multi: progress.multi(),
        }
    }

    /// Runs `sites` wave by wave, skipping those in `done` (a resumed run). `sites` are those
    /// the fleet was made of, in the same order: each city's servers come from there. The
    /// release is laid out by content while the first cities connect and check their servers,
    /// not after.
    pub fn run(&self, sites: &[&Site], done: &[String]) -> (Vec<Outcome>, RunEnd) {
        std::thread::scope(|s| {
            s.spawn(|| {
                let _ = self.layout();
            });
            self.run_waves(sites, done)
        })
    }

    fn run_waves(&self, sites: &[&Site], done: &[String]) -> (Vec<Outcome>, RunEnd) {
        let mut waves: Vec<(String, Vec<Planned>)> = Vec::new();
        for (k, s) in sites.iter().enumerate() {
            let w = s.profile.city.wave.clone();
            let city = (*s, self.fleet.site_hosts(k));
            match waves.iter_mut().find(|(name, _)| *name == w) {
                Some((_, list)) => list.push(city),
                None => waves.push((w, vec![city])),
            }
        }
        let mut outcomes = Vec::new();
        for (k, (wave, cities)) in waves.iter().enumerate() {
            let todo: Vec<&Planned> = cities
                .iter()
                .filter(|(s, _)| !done.contains(&s.pinyin().to_string()))
                .collect();
            if todo.is_empty() {
                continue;
            }
            if let Some(end) = self.stop_end() {
                return (outcomes, end);
            }
            self.log(EventKind::WaveStart {
                wave: wave.clone(),
                cities: todo.iter().map(|(s, _)| s.pinyin().to_string()).collect(),
            });
            let first = outcomes.len();
            outcomes.extend(crate::parallel::map(
                &todo,
                self.opts.max_parallel,
                |(site, hosts)| self.city(site, hosts, wave),
            ));
            if let Some(end) = self.stop_end() {
                return (outcomes, end);
            }
            self.log(EventKind::WaveDone { wave: wave.clone() });
            if self.halt.load(Ordering::Relaxed) {
                return (outcomes, RunEnd::Halted);
            }
            let Some((next, _)) = waves.get(k + 1) else {
                break;
            };
            if self.opts.no_pause {
                continue;
            }
            let approved = self.approve.is_some_and(|ask| {
                ask(
                    &format!("wave {wave} done: go on with wave {next}?"),
                    &outcomes[first..],
                )
            });
            // a stop at the question ends the run as interrupted, not paused
            if let Some(end) = self.stop_end() {
                return (outcomes, end);
            }
            if !approved {
                self.log(EventKind::Paused {
                    after: wave.clone(),
                    next: next.clone(),
                });
                return (outcomes, RunEnd::Paused);
            }
        }
        (outcomes, self.stop_end().unwrap_or(RunEnd::Done))
    }

    /// Records an event; when the journal cannot be written the run stops (what resume
    /// relies on would be lost).
    fn log(&self, kind: EventKind) {
        // the fsync a city's end waits for is part of the city's time
        let city_done = match &kind {
            EventKind::CityDone { city, .. } => Some(city.clone()),
            _ => None,
        };
        let began = Instant::now();
        let written = self.journal.emit(kind);
        if let Some(city) = city_done {
            let span = super::timings::Span {
                city,
                host: None,
                phase: "journal".into(),
                start_ms: began.saturating_duration_since(self.t0).as_millis() as u64,
                ms: began.elapsed().as_millis() as u64,
            };
            self.spans
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(span);
        }
        if let Err(e) = written {
            let mut broken = self.broken.lock().unwrap_or_else(|p| p.into_inner());
            broken.get_or_insert_with(|| e.to_string());
        }
    }

    /// Why no new work may start, if it may not.
    fn stopping(&self) -> Option<String> {
        if let Some(sig) = crate::interrupt::requested() {
            return Some(format!(
                "interrupted ({})",
                if sig == libc::SIGTERM {
                    "SIGTERM"
                } else {
                    "SIGINT"
                }
            ));
        }
        self.broken
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// How the run ends when it was stopped.
    fn stop_end(&self) -> Option<RunEnd> {
        if let Some(sig) = crate::interrupt::requested() {
            return Some(RunEnd::Interrupted(sig));
        }
        self.broken
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
            .then_some(RunEnd::JournalFailed)
    }

    /// Records that `phase` of `host` (or of the city) ran from `start` to `end`.
    fn span(&self, city: &str, host: Option<&str>, phase: &str, start: Instant, end: Instant) {
        let span = super::timings::Span {
            city: city.to_string(),
            host: host.map(str::to_string),
            phase: phase.to_string(),
            start_ms: start.saturating_duration_since(self.t0).as_millis() as u64,
            ms: end.saturating_duration_since(start).as_millis() as u64,
        };
        self.log(EventKind::Timing {
            city: span.city.clone(),
            host: span.host.clone(),
            phase: span.phase.clone(),
            start_ms: span.start_ms,
            ms: span.ms,
        });
        self.spans
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(span);
    }

    /// Every span this invocation recorded, with the critical path.
    pub fn timings(&self) -> super::timings::Timings {
        super::timings::summarize(self.spans.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }

    /// Spans of one fleet phase: each host's work, and its connect when that came first.
    fn spans_of<R>(&self, phase: &str, results: &[crate::fleet::HostResult<R>]) {
        for r in results {
            let h = self.fleet.host(r.index);
            if let Some((a, b)) = r.connected {
                self.span(&h.city, Some(&h.name), "connect", a, b);
            }
            // these are timed by their own steps (provision, upload; switch, restart, health)
            if !["prepare", "activate"].contains(&phase)
                && !matches!(r.result, Err(HostError::Stopped))
            {
                self.span(
                    &h.city,
                    Some(&h.name),
                    phase,
                    r.started,
                    r.started + r.elapsed,
                );
            }
        }
    }

    /// Why the journal failed, when it did.
    pub fn journal_error(&self) -> Option<String> {
        self.broken
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// One line in the audit log; a log that cannot be written is reported, not fatal here
    /// (the journal, which the run stops on, holds the same facts).
    fn audit(
        &self,
        action: &str,
        site: &Site,
        what: String,
        result: &str,
        identity: Option<String>,
    ) {
        let written = crate::state::audit::record(
            self.journal.state_dir(),
            crate::state::audit::Entry {
                action,
                targets: vec![site.pinyin().to_string()],
                what,
                result,
                identity,
            },
        );
        if let Err(e) = written {
            tracing::error!("cannot write the audit log: {e}");
        }
    }

    fn step(&self, city: &str, host: Option<&str>, step: &str, ok: bool, detail: String) {
        self.log(EventKind::Step {
            city: city.to_string(),
            host: host.map(str::to_string),
            step: step.to_string(),
            ok,
            detail,
        });
    }

    fn index_of(&self, host: &Host) -> usize {
        self.fleet.index_of(host).unwrap_or(0)
    }

    /// Like `on`, but also after a stop was asked for: the work that undoes or unlocks.
    fn on_always<R: Send>(
        &self,
        indices: &[usize],
        progress: &Progress,
        phase: &str,
        task: impl Fn(&Host, &mut dyn crate::transport::Transport) -> anyhow::Result<R> + Sync,
    ) -> Vec<(usize, Result<R, HostError>)> {
        let results = self
            .fleet
            .each_always(Some(indices), progress, phase, |h, t, _| task(h, t));
        self.timed(phase, results)
    }

    /// Runs `task` on `indices`, returning (index, result) pairs.
    fn on<R: Send>(
        &self,
        indices: &[usize],
        progress: &Progress,
        phase: &str,
        task: impl Fn(&Host, &mut dyn crate::transport::Transport) -> anyhow::Result<R> + Sync,
    ) -> Vec<(usize, Result<R, HostError>)> {
        let results = self
            .fleet
            .each(Some(indices), progress, phase, |h, t, _| task(h, t));
        self.timed(phase, results)
    }

    /// A round's results as (index, result) pairs, its hosts' spans recorded for `--timings`.
    fn timed<R>(
        &self,
        phase: &str,
        results: Vec<crate::fleet::HostResult<R>>,
    ) -> Vec<(usize, Result<R, HostError>)> {
        self.spans_of(phase, &results);
        results.into_iter().map(|r| (r.index, r.result)).collect()
    }

    /// Every host's result, or a description of the first failures (unreachable hosts count).
    fn all_ok<R>(
        &self,
        city: &str,
        step: &str,
        results: Vec<(usize, Result<R, HostError>)>,
    ) -> Result<Vec<(usize, R)>, HostsFailed> {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for (i, r) in results {
            let name = self.fleet.host(i).name.clone();
            match r {
                Ok(v) => ok.push((i, v)),
                Err(e) => {
                    self.step(city, Some(&name), step, false, e.to_string());
                    bad.push(e.on(&name));
                }
            }
        }
        if bad.is_empty() {
            Ok(ok)
        } else {
            Err(HostsFailed {
                step: step.to_string(),
                hosts: bad,
            })
        }
    }
}

/// Servers of a city whose step failed: `server: reason (why)` each.
#[derive(Debug, thiserror::Error)]
#[error("{step}: {}", .hosts.join("; "))]
pub struct HostsFailed {
    pub step: String,
    pub hosts: Vec<String>,
}

fn last_lines(s: &str) -> String {
    let lines: Vec<&str> = s.trim().lines().collect();
    lines[lines.len().saturating_sub(3)..].join(" / ")
}

/// Cities a resumed run finished, from its journal.
pub fn finished_cities(events: &[super::journal::Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CityDone { city, result, .. }
                if result != "skipped" && result != "interrupted" =>
            {
                Some(city.clone())
            }
            _ => None,
        })
        .collect()
}
