//! Rolling a release out city by city: waves in order, cities in parallel up to a limit, the
//! servers of a city in batches, a lock per city, a health gate, business-data gates, automatic
//! rollback, a failure budget, and a journal that lets an interrupted run resume.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};

use super::journal::{EventKind, Journal};
use super::remote::{self, DeployPlan, ServerFacts};
use super::{Release, lock};
use crate::fleet::{Fleet, HostError};
use crate::inventory::Host;
use crate::output::Printer;
use crate::profile::{Profiles, Site, TransportKind};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Batch {
    All,
    Count(usize),
    Percent(u32),
}

impl std::str::FromStr for Batch {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.strip_suffix('%') {
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .map(Batch::Percent)
                .ok_or_else(|| format!("`{s}`: a percentage from 1% to 100%")),
            None => s
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .map(Batch::Count)
                .ok_or_else(|| format!("`{s}`: a number of servers, or a percentage like 25%")),
        }
    }
}

impl Batch {
    fn sizes(self, n: usize) -> usize {
        match self {
            Batch::All => n.max(1),
            Batch::Count(c) => c,
            Batch::Percent(p) => (n * p as usize).div_ceil(100).max(1),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Options {
    pub max_parallel: usize,
    pub batch: Batch,
    pub max_failures: usize,
    pub no_pause: bool,
    pub migrate: bool,
    #[serde(with = "humantime_serde_secs")]
    pub lock_wait: Duration,
    #[serde(with = "humantime_serde_secs")]
    pub stale_after: Duration,
    pub provision: bool,
}

mod humantime_serde_secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_secs(u64::deserialize(d)?))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CityResult {
    Deployed,
    Already,
    RolledBack,
    Failed,
    Refused,
    Skipped,
    /// Stopped by a signal or a journal that could not be written: put back on its old
    /// release (or never touched), to be done by `--resume`.
    Interrupted,
}

impl CityResult {
    pub fn as_str(self) -> &'static str {
        match self {
            CityResult::Deployed => "deployed",
            CityResult::Already => "already",
            CityResult::RolledBack => "rolled-back",
            CityResult::Failed => "failed",
            CityResult::Refused => "refused",
            CityResult::Skipped => "skipped",
            CityResult::Interrupted => "interrupted",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            CityResult::Deployed,
            CityResult::Already,
            CityResult::RolledBack,
            CityResult::Failed,
            CityResult::Refused,
            CityResult::Skipped,
            CityResult::Interrupted,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            CityResult::RolledBack | CityResult::Failed | CityResult::Refused
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub city: String,
    pub wave: String,
    pub from: Vec<String>,
    pub to: String,
    pub result: CityResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub ms: u64,
    /// Changes made: resources provisioned plus servers switched.
    pub changes: u64,
    /// Refused because another run holds the city's lock (exit 4, not a failure of its own).
    #[serde(skip)]
    pub blocked: bool,
}

/// Facts a plan recorded, per server label: applying the plan refuses a city whose facts moved.
pub type Expected = HashMap<String, ServerFacts>;

pub struct Rollout<'a> {
    pub profiles: &'a Profiles,
    pub printer: &'a Printer,
    pub fleet: &'a Fleet,
    pub release: &'a Release,
    pub tarball: Arc<Vec<u8>>,
    pub templates: BTreeMap<String, String>,
    pub journal: &'a Journal,
    pub opts: &'a Options,
    pub expected: Option<Expected>,
    /// Asked between waves on a terminal; None: never ask.
    pub approve: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
    failures: AtomicUsize,
    halt: AtomicBool,
    /// Why the run must stop early (a journal write failed), if it must.
    broken: std::sync::Mutex<Option<String>>,
    /// When the run (this invocation) began: spans count from here.
    t0: Instant,
    spans: std::sync::Mutex<Vec<super::timings::Span>>,
    multi: MultiProgress,
}

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
        printer: &'a Printer,
        fleet: &'a Fleet,
        release: &'a Release,
        tarball: Arc<Vec<u8>>,
        templates: BTreeMap<String, String>,
        journal: &'a Journal,
        opts: &'a Options,
    ) -> Self {
        Rollout {
            profiles,
            printer,
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
            multi: printer.multi_progress(),
        }
    }

    /// Runs `sites` wave by wave, skipping those in `done` (a resumed run).
    pub fn run(&self, sites: &[&Site], done: &[String]) -> (Vec<Outcome>, RunEnd) {
        let mut waves: Vec<(String, Vec<&Site>)> = Vec::new();
        for s in sites {
            let w = s.profile.city.wave.clone();
            match waves.iter_mut().find(|(name, _)| *name == w) {
                Some((_, list)) => list.push(s),
                None => waves.push((w, vec![s])),
            }
        }
        let mut outcomes = Vec::new();
        for (k, (wave, cities)) in waves.iter().enumerate() {
            let todo: Vec<&Site> = cities
                .iter()
                .copied()
                .filter(|s| !done.contains(&s.pinyin().to_string()))
                .collect();
            if todo.is_empty() {
                continue;
            }
            if let Some(end) = self.stop_end() {
                return (outcomes, end);
            }
            self.log(EventKind::WaveStart {
                wave: wave.clone(),
                cities: todo.iter().map(|s| s.pinyin().to_string()).collect(),
            });
            outcomes.extend(crate::parallel::map(
                &todo,
                self.opts.max_parallel,
                |site| self.city(site, wave),
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
            let approved = self
                .approve
                .is_some_and(|ask| ask(&format!("wave {wave} done: go on with wave {next}?")));
            if !approved {
                self.log(EventKind::Paused {
                    after: wave.clone(),
                    next: next.clone(),
                });
                return (outcomes, self.stop_end().unwrap_or(RunEnd::Paused));
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
            // a deploy is timed by its own steps (upload, switch, restart, health)
            if phase != "deploy" && !matches!(r.result, Err(HostError::Stopped)) {
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

    fn city_bar(&self, city: &str, n: usize) -> ProgressBar {
        if !self.printer.progress {
            return ProgressBar::hidden();
        }
        let bar = self.multi.add(ProgressBar::new(n as u64));
        bar.set_style(
            ProgressStyle::with_template("{prefix:<14} [{bar:20}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_prefix(city.to_string());
        bar
    }

    fn city(&self, site: &Site, wave: &str) -> Outcome {
        let start = Instant::now();
        let city = site.pinyin().to_string();
        let mut out = Outcome {
            city: city.clone(),
            wave: wave.to_string(),
            from: Vec::new(),
            to: self.release.manifest.version.clone(),
            result: CityResult::Skipped,
            reason: None,
            ms: 0,
            changes: 0,
            blocked: false,
        };
        if let Some(why) = self.stopping() {
            out.result = CityResult::Interrupted;
            out.reason = Some(format!("{why}: not started"));
            return out;
        }
        let budget_left = self.failures.load(Ordering::Relaxed) <= self.opts.max_failures;
        if !budget_left || self.halt.load(Ordering::Relaxed) {
            out.reason = Some("failure budget exhausted: not started".into());
            self.done(&mut out, start);
            return out;
        }
        self.log(EventKind::CityStart { city: city.clone() });
        let (mut result, reason) = match self.deploy_city(site, &mut out) {
            Ok(r) => (r, None),
            Err((r, why)) => (r, Some(why)),
        };
        // work cut short by a stop (hosts not started, a step not run) is not the city's own
        // failure: the city is on its old release and `--resume` does it again
        if self.stopping().is_some()
            && matches!(result, CityResult::Failed | CityResult::RolledBack)
        {
            result = CityResult::Interrupted;
        }
        out.result = result;
        out.reason = reason;
        if result.is_failure() {
            self.failures.fetch_add(1, Ordering::Relaxed);
            if self.failures.load(Ordering::Relaxed) > self.opts.max_failures {
                self.halt.store(true, Ordering::Relaxed);
            }
        }
        self.done(&mut out, start);
        out
    }

    fn done(&self, out: &mut Outcome, start: Instant) {
        out.ms = start.elapsed().as_millis() as u64;
        if !matches!(out.result, CityResult::Skipped | CityResult::Interrupted) {
            let record = crate::state::ReleaseRecord {
                time: crate::window::now().to_rfc3339(),
                action: "rollout".into(),
                run: Some(self.journal.run.clone()),
                result: out.result.as_str().into(),
                from: out.from.clone(),
                to: out.to.clone(),
                reason: out.reason.clone(),
            };
            // the journal already holds the outcome: a ledger that cannot be written is a
            // warning for `status`, not a reason to stop a rollout
            if let Err(e) =
                crate::state::record_release(self.journal.state_dir(), &out.city, &record)
            {
                tracing::warn!("cannot record {}'s release for status: {e}", out.city);
            }
            let audited = crate::state::audit::record(
                self.journal.state_dir(),
                crate::state::audit::Entry {
                    action: "rollout",
                    targets: vec![out.city.clone()],
                    what: format!(
                        "{} → {} (run {}){}",
                        if out.from.is_empty() {
                            "(none)".to_string()
                        } else {
                            out.from.join("/")
                        },
                        out.to,
                        self.journal.run,
                        out.reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    ),
                    result: out.result.as_str(),
                    identity: self
                        .profiles
                        .find(&out.city)
                        .map(|s| crate::inventory::identity(&s.profile)),
                },
            );
            if let Err(e) = audited {
                tracing::error!("cannot write the audit log: {e}");
            }
        }
        // the ledger and the audit log first: a crash between them and this event makes the
        // resume do the city again (and find it `already`), never leave the ledger behind
        self.log(EventKind::CityDone {
            city: out.city.clone(),
            result: out.result.as_str().into(),
            from: out.from.clone(),
            to: out.to.clone(),
            ms: out.ms,
            changes: out.changes,
            reason: out.reason.clone(),
        });
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

    /// The fleet indexes of this city's servers (all, or those that run the application).
    fn hosts_of(&self, site: &Site, app_only: bool) -> Vec<usize> {
        (0..self.fleet.len())
            .filter(|i| {
                let h = self.fleet.host(*i);
                h.city == site.pinyin() && (!app_only || h.has_role("app") || h.has_role("web"))
            })
            .collect()
    }

    fn deploy_city(
        &self,
        site: &Site,
        out: &mut Outcome,
    ) -> Result<CityResult, (CityResult, String)> {
        let city = site.pinyin().to_string();
        let p = &site.profile;
        let m = &self.release.manifest;
        let install = p.app.install_dir.clone();
        let quiet = self.printer.quiet_clone();
        let hosts = self.hosts_of(site, true);
        let bar = self.city_bar(&city, hosts.len());
        let fail = |r: CityResult, why: String| {
            bar.finish_and_clear();
            (r, why)
        };
        if hosts.is_empty() {
            return Err(fail(
                CityResult::Failed,
                "the city has no app or web server".into(),
            ));
        }

        // 1. preflight: reachable, disk, what is installed (no changes yet); with --provision
        // the same round trip also probes what provisioning has to do
        let facts = if self.opts.provision {
            bar.set_message("provision");
            let (changes, facts) = self
                .provision_city(site)
                .map_err(|e| fail(CityResult::Failed, format!("provision: {e}")))?;
            out.changes += changes;
            facts
        } else {
            bar.set_message("preflight");
            // the configuration provisioning writes: without it the release cannot start
            let needed: Vec<String> = (!p.app.config_template.is_empty())
                .then(|| format!("{}/app.toml", p.app.config_dir))
                .into_iter()
                .collect();
            let facts = self.on(&hosts, &quiet, "preflight", |_, t| {
                let o = t.run(
                    &remote::preflight_needing(t.root(), &install, &m.version, &needed),
                    b"",
                    Duration::from_secs(60),
                )?;
                anyhow::ensure!(o.ok(), "preflight: {}", o.stderr_text().trim());
                Ok(remote::parse_preflight(&o.stdout_text()))
            });
            self.all_ok(&city, "preflight", facts)
                .map_err(|e| fail(CityResult::Failed, e))?
        };
        for (i, f) in &facts {
            if let Some(shown) = f.missing.first() {
                return Err(fail(
                    CityResult::Failed,
                    format!(
                        "{}: not provisioned: {shown} is missing (run `jinbao provision apply {city}`, or roll out with --provision)",
                        self.fleet.host(*i).label()
                    ),
                ));
            }
        }
        // servers with nothing installed yet add nothing: `from` lists real releases only
        let mut from: Vec<String> = facts
            .iter()
            .filter_map(|(_, f)| f.current.clone())
            .collect();
        from.sort();
        from.dedup();
        out.from = from;
        if let Some(expected) = &self.expected {
            for (i, f) in &facts {
                let label = self.fleet.host(*i).label().to_string();
                if let Some(want) = expected.get(&label)
                    && (want.current != f.current
                        || want.target_sha256 != f.target_sha256
                        || want.installed != f.installed)
                {
                    return Err(fail(
                        CityResult::Refused,
                        format!(
                            "drifted since the plan: {label} had current {:?}, now {:?}",
                            want.current, f.current
                        ),
                    ));
                }
            }
        }
        for (i, f) in &facts {
            let label = self.fleet.host(*i).label();
            if let Some(sha) = &f.target_sha256
                && sha != &m.sha256
            {
                return Err(fail(
                    CityResult::Failed,
                    format!(
                        "{label}: release {} is installed there from another tarball ({}…, this one is {}…)",
                        m.version,
                        &sha[..12.min(sha.len())],
                        &m.sha256[..12]
                    ),
                ));
            }
            // what the release unpacks to (counted when it was opened), plus a tenth to spare
            let need_kb = (self.release.contents.unpacked + self.release.contents.unpacked / 10)
                .max(m.size)
                / 1024;
            if f.target_sha256.is_none() && f.free_kb < need_kb {
                return Err(fail(
                    CityResult::Failed,
                    format!(
                        "{label}: {} MiB free under {install}, the release needs {} MiB",
                        f.free_kb / 1024,
                        need_kb / 1024
                    ),
                ));
            }
        }
        // a city another rollout is working on is never "already" done: its health gate may yet fail
        let foreign_lock = facts.iter().any(|(_, f)| {
            f.lock
                .as_deref()
                .is_some_and(|l| lock::run_of(l) != Some(self.journal.run.as_str()))
        });
        if !foreign_lock
            && facts.iter().all(|(_, f)| {
                f.current.as_deref() == Some(m.version.as_str())
                    && f.target_sha256.as_deref() == Some(&m.sha256)
            })
        {
            bar.finish_and_clear();
            return Ok(CityResult::Already);
        }

        // 2. the city database at the schema version the release needs
        if let Some(need) = m.schema {
            bar.set_message("schema");
            let began = Instant::now();
            let gate = self.schema_gate(site, need);
            self.span(&city, None, "schema", began, Instant::now());
            gate.map_err(|e| fail(CityResult::Failed, e))?;
        }

        // 3. the city lock: this controller's (one process per city), then every server's
        if let Some(why) = self.stopping() {
            return Err(fail(
                CityResult::Interrupted,
                format!("{why}: nothing changed"),
            ));
        }
        bar.set_message("lock");
        let _controller_lock = self.controller_lock(site).map_err(|e| {
            out.blocked = true;
            fail(CityResult::Refused, e)
        })?;
        self.lock_city(site, &hosts, &install).map_err(|e| {
            out.blocked = true;
            fail(CityResult::Refused, e)
        })?;
        let unlock = || {
            let _ = self.on_always(&hosts, &quiet, "unlock", |_, t| {
                t.run(
                    &remote::unlock_script(t.root(), &install, Some(&self.journal.run)),
                    b"",
                    Duration::from_secs(30),
                )?;
                Ok(())
            });
        };

        // 4. business data before the switch
        let began = Instant::now();
        let before = crate::data_gate::counts(p);
        self.span(&city, None, "data-gate", began, Instant::now());

        // 5. upload, switch, restart, health: batch by batch
        let previous: HashMap<usize, Option<String>> =
            facts.iter().map(|(i, f)| (*i, f.current.clone())).collect();
        let mut switched: Vec<usize> = Vec::new();
        let size = self.opts.batch.sizes(hosts.len());
        for batch in hosts.chunks(size) {
            // asked to stop between batches: the servers already switched go back, so the
            // city is on its old release, not half on each
            if let Some(why) = self.stopping() {
                bar.set_message("rolling back");
                let back = self.roll_back(site, &switched, &previous);
                unlock();
                let why = match back {
                    Ok(()) => format!("{why}: put back on its old release"),
                    Err(e) => format!("{why}; putting it back failed: {e}"),
                };
                return Err(fail(CityResult::Interrupted, why));
            }
            bar.set_message("deploy");
            let results = self.on(batch, &quiet, "deploy", |host, t| {
                self.deploy_host(site, host, t, &facts)
            });
            let mut failure = None;
            for (i, r) in results {
                let label = self.fleet.host(i).name.clone();
                match r {
                    Ok((steps, None)) => {
                        self.step(&city, Some(&label), "deploy", true, steps.join(","));
                        switched.push(i);
                        out.changes += 1;
                        bar.inc(1);
                    }
                    Ok((steps, Some((step, why)))) => {
                        if steps.iter().any(|s| s == "switch") {
                            switched.push(i);
                        }
                        self.step(&city, Some(&label), &step, false, why.clone());
                        failure
                            .get_or_insert(format!("{label}: {step} failed: {}", last_lines(&why)));
                    }
                    Err(e) => {
                        self.step(&city, Some(&label), "deploy", false, e.to_string());
                        failure.get_or_insert(format!("{label}: {e}"));
                    }
                }
            }
            if let Some(why) = failure {
                bar.set_message("rolling back");
                let back = self.roll_back(site, &switched, &previous);
                unlock();
                let why = match back {
                    Ok(()) => why,
                    Err(e) => format!("{why}; the rollback failed too: {e}"),
                };
                return Err(fail(CityResult::RolledBack, why));
            }
        }

        // 6. business data after the switch and the health gate
        if let Err(why) = crate::data_gate::compare(
            &before,
            &crate::data_gate::counts(p),
            p.checks.row_drop_tolerance_pct,
        ) {
            self.step(&city, None, "data-gate", false, why.clone());
            self.halt.store(true, Ordering::Relaxed);
            let back = self.roll_back(site, &switched, &previous);
            unlock();
            let why = match back {
                Ok(()) => format!("data gate: {why}"),
                Err(e) => format!("data gate: {why}; the rollback failed too: {e}"),
            };
            return Err(fail(CityResult::RolledBack, why));
        }

        // 7. keep the last N releases, never the current or the previous; unlock
        bar.set_message("finalize");
        let keep = p.app.keep_releases;
        let _ = self.on_always(&hosts, &quiet, "finalize", |host, t| {
            let i = self.index_of(host);
            let prev = previous.get(&i).cloned().flatten().unwrap_or_default();
            let script = remote::finalize_script(
                t.root(),
                &install,
                keep,
                &[&m.version, &prev],
                &self.journal.run,
            );
            t.run(&script, b"", Duration::from_secs(120))?;
            Ok(())
        });
        bar.finish_and_clear();
        Ok(CityResult::Deployed)
    }

    fn index_of(&self, host: &Host) -> usize {
        (0..self.fleet.len())
            .find(|i| self.fleet.host(*i).label() == host.label())
            .unwrap_or(0)
    }

    /// Like `on`, but also after a stop was asked for: the work that undoes or unlocks.
    fn on_always<R: Send>(
        &self,
        indices: &[usize],
        printer: &Printer,
        phase: &str,
        task: impl Fn(&Host, &mut dyn crate::transport::Transport) -> anyhow::Result<R> + Sync,
    ) -> Vec<(usize, Result<R, HostError>)> {
        let results = self
            .fleet
            .each_always(Some(indices), printer, phase, |h, t, _| task(h, t));
        self.spans_of(phase, &results);
        results.into_iter().map(|r| (r.index, r.result)).collect()
    }

    /// Runs `task` on `indices`, returning (index, result) pairs.
    fn on<R: Send>(
        &self,
        indices: &[usize],
        printer: &Printer,
        phase: &str,
        task: impl Fn(&Host, &mut dyn crate::transport::Transport) -> anyhow::Result<R> + Sync,
    ) -> Vec<(usize, Result<R, HostError>)> {
        let results = self
            .fleet
            .each(Some(indices), printer, phase, |h, t, _| task(h, t));
        self.spans_of(phase, &results);
        results.into_iter().map(|r| (r.index, r.result)).collect()
    }

    /// Every host's result, or a description of the first failures (unreachable hosts count).
    fn all_ok<R>(
        &self,
        city: &str,
        step: &str,
        results: Vec<(usize, Result<R, HostError>)>,
    ) -> Result<Vec<(usize, R)>, String> {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for (i, r) in results {
            let name = self.fleet.host(i).name.clone();
            match r {
                Ok(v) => ok.push((i, v)),
                Err(e) => {
                    self.step(city, Some(&name), step, false, e.to_string());
                    bad.push(format!("{name}: {} ({e})", e.reason()));
                }
            }
        }
        if bad.is_empty() {
            Ok(ok)
        } else {
            Err(format!("{step}: {}", bad.join("; ")))
        }
    }

    fn schema_gate(&self, site: &Site, need: u32) -> Result<(), String> {
        let status = |account| -> Result<Option<u32>, String> {
            let mut store =
                crate::schema::open(&site.profile, account).map_err(|e| e.to_string())?;
            Ok(store
                .applied()
                .map_err(|e| e.to_string())?
                .iter()
                .map(|a| a.version)
                .max())
        };
        let current = status(crate::db::Account::ReadOnly)?;
        if current.is_some_and(|c| c >= need) {
            return Ok(());
        }
        if !self.opts.migrate {
            return Err(format!(
                "the city database is at {}, the release needs V{need:03} (pass --migrate to migrate it first)",
                current.map_or("no schema".into(), |c| format!("V{c:03}"))
            ));
        }
        let dir = self.profiles.templates_dir.join("schema");
        let migrations =
            crate::schema::load(&dir, site.profile.database.engine).map_err(|e| e.to_string())?;
        let mut store = crate::schema::open(&site.profile, crate::db::Account::Migrator)
            .map_err(|e| e.to_string())?;
        store
            .lock(Duration::from_secs(600), &mut |_| {})
            .map_err(|e| e.to_string())?;
        let result = (|| -> Result<usize, String> {
            let applied = store.applied().map_err(|e| e.to_string())?;
            let status = crate::schema::status(&migrations, &applied);
            if let Some(m) = status.checksum_mismatches.first() {
                return Err(format!(
                    "migration {} was edited after it was applied",
                    m.file
                ));
            }
            let by = format!("{} (rollout {})", crate::db::operator(), self.journal.run);
            let mut n = 0;
            for m in migrations
                .iter()
                .filter(|m| status.pending.contains(&m.version))
            {
                store.apply(m, &by).map_err(|e| e.to_string())?;
                n += 1;
            }
            Ok(n)
        })();
        store.unlock();
        let applied_now = result.as_ref().map_or(true, |n| *n > 0);
        if applied_now {
            self.audit(
                "db migrate",
                site,
                format!(
                    "{}: to V{need:03} or later (rollout {})",
                    crate::db::describe(&site.profile),
                    self.journal.run
                ),
                if result.is_ok() { "ok" } else { "failed" },
                Some(format!(
                    "database account {}",
                    site.profile.database.roles.migrator.user
                )),
            );
        }
        let result = result.map(|_| ());
        self.step(
            site.pinyin(),
            None,
            "migrate",
            result.is_ok(),
            result.clone().err().unwrap_or_default(),
        );
        result?;
        match status(crate::db::Account::ReadOnly)? {
            Some(c) if c >= need => Ok(()),
            c => Err(format!(
                "after migrating, the database is at {c:?}, below V{need:03}"
            )),
        }
    }

    /// This controller's lock of the city: one jinbao process at a time works on it.
    fn controller_lock(&self, site: &Site) -> Result<crate::state::lock::Lock, String> {
        let name = format!("city-{}", site.pinyin());
        let what = format!("rollout {} of {}", self.journal.run, site.pinyin());
        let lock = crate::state::lock::acquire(
            self.journal.state_dir(),
            &name,
            &what,
            self.opts.lock_wait,
            &mut |_| {},
        )
        .map_err(|e| format!("the city is locked: {e}"))?;
        if let Some(dead) = &lock.took_over {
            self.log(EventKind::LockTakenOver {
                city: Some(site.pinyin().to_string()),
                from: dead.describe(),
            });
        }
        Ok(lock)
    }

    /// Takes the city lock on every server. A lock of this run is ours (a resume); one whose
    /// holder provably died (this controller, its process gone) is taken over and journalled;
    /// any other is waited for up to `--lock-wait`, then refused naming its holder.
    fn lock_city(&self, site: &Site, hosts: &[usize], install: &str) -> Result<(), String> {
        let info = lock::info(&self.journal.run, &self.release.manifest.version);
        let quiet = self.printer.quiet_clone();
        let started = Instant::now();
        let mut pause = Duration::from_millis(50);
        // one server (the first by name) is locked first: two runs racing for the city meet
        // there, and the one that loses takes nothing else, so one of them always goes on
        let mut order = hosts.to_vec();
        order.sort_by(|a, b| self.fleet.host(*a).label().cmp(self.fleet.host(*b).label()));
        let (leader, others) = order.split_first().ok_or("the city has no servers")?;
        let leader = [*leader];
        loop {
            let try_lock = |on: &[usize]| {
                self.on(on, &quiet, "lock", |host, t| {
                    let o = t.run(
                        &remote::lock_script(t.root(), install, &self.journal.run, &info),
                        b"",
                        Duration::from_secs(60),
                    )?;
                    let text = o.stdout_text();
                    if let Some(held) = text
                        .lines()
                        .find_map(|l| l.strip_prefix("HELD\t").map(str::to_string))
                    {
                        return Ok(Some(held));
                    }
                    anyhow::ensure!(
                        text.lines().any(|l| l == "LOCKED"),
                        "could not take the lock on {}: {}",
                        host.label(),
                        o.stderr_text().trim()
                    );
                    Ok(None)
                })
            };
            let held_of = |results: Vec<(usize, Result<Option<String>, HostError>)>| -> Result<Vec<(usize, String)>, String> {
                Ok(self
                    .all_ok(site.pinyin(), "lock", results)?
                    .into_iter()
                    .filter_map(|(i, h)| h.map(|h| (i, h)))
                    .collect())
            };
            let mut held = held_of(try_lock(&leader))?;
            if held.is_empty() && !others.is_empty() {
                held = held_of(try_lock(others))?;
            }
            if held.is_empty() {
                self.step(site.pinyin(), None, "lock", true, String::new());
                return Ok(());
            }
            // locks left by a jinbao of this controller that died: taken over, said so
            let dead: Vec<&(usize, String)> =
                held.iter().filter(|(_, h)| lock::is_dead(h)).collect();
            if dead.len() == held.len() {
                for (i, h) in &dead {
                    let host: Vec<usize> = vec![*i];
                    let _ = self.on(&host, &quiet, "unlock", |_, t| {
                        t.run(
                            &remote::unlock_exact_script(t.root(), install, h),
                            b"",
                            Duration::from_secs(30),
                        )?;
                        Ok(())
                    });
                    self.log(EventKind::LockTakenOver {
                        city: Some(site.pinyin().to_string()),
                        from: h.clone(),
                    });
                }
                continue;
            }
            // give back what we took, then wait or refuse
            let _ = self.on_always(hosts, &quiet, "unlock", |_, t| {
                t.run(
                    &remote::unlock_script(t.root(), install, Some(&self.journal.run)),
                    b"",
                    Duration::from_secs(30),
                )?;
                Ok(())
            });
            let holder = lock::describe(&held[0].1, self.opts.stale_after);
            if started.elapsed() >= self.opts.lock_wait || self.stopping().is_some() {
                self.step(site.pinyin(), None, "lock", false, holder.clone());
                return Err(format!("another rollout holds the city lock: {holder}"));
            }
            std::thread::sleep(pause.min(self.opts.lock_wait.saturating_sub(started.elapsed())));
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }

    /// Installs (if needed), switches, restarts and health-checks one server.
    fn deploy_host(
        &self,
        site: &Site,
        host: &Host,
        t: &mut dyn crate::transport::Transport,
        facts: &[(usize, ServerFacts)],
    ) -> anyhow::Result<remote::Steps> {
        let p = &site.profile;
        let m = &self.release.manifest;
        let i = self.index_of(host);
        let f = facts
            .iter()
            .find(|(k, _)| *k == i)
            .map(|(_, f)| f.clone())
            .unwrap_or_default();
        let upload = f.target_sha256.is_none();
        let local = t.kind() == TransportKind::Local;
        let rendered = if upload {
            self.render(site, host)?
        } else {
            BTreeMap::new()
        };
        let health = health_command(p, m.health.as_deref()).map_err(anyhow::Error::msg)?;
        let start = format!("{}/current/bin/start", p.app.install_dir);
        let service =
            (!p.app.service.is_empty()).then_some((p.app.service.as_str(), start.as_str()));
        let script = remote::deploy_script(&DeployPlan {
            root: t.root(),
            install: &p.app.install_dir,
            version: &m.version,
            sha256: &m.sha256,
            upload,
            rendered: &rendered,
            shared_dirs: &p.app.shared_dirs,
            service,
            local,
            health: &health,
            health_timeout: p.app.health.timeout.as_secs().max(1),
            health_interval: p.app.health.interval.as_secs().max(1),
        });
        let stdin: &[u8] = if upload { &self.tarball } else { b"" };
        let timeout = p
            .datacenter
            .ssh
            .command_timeout
            .max(p.app.health.timeout + Duration::from_secs(60));
        let began = Instant::now();
        let o = t.run(&script, stdin, timeout);
        let ended = Instant::now();
        let o = o?;
        let text = o.stdout_text();
        // the script's own steps, timed on the server: where a deploy's time went
        let mut from = began;
        for (step, ms) in super::timings::script_steps(&text) {
            let to = (began + Duration::from_millis(ms)).min(ended);
            self.span(&host.city, Some(&host.name), &step, from, to);
            from = to;
        }
        if from == began {
            self.span(&host.city, Some(&host.name), "deploy", began, ended);
        }
        let (steps, failed) = remote::parse_steps(&text);
        let failed = match failed {
            None if !o.ok() => Some(("deploy".to_string(), o.stderr_text())),
            other => other,
        };
        Ok((steps, failed))
    }

    /// The release's own templates, rendered with the city's profile for this server.
    fn render(&self, site: &Site, host: &Host) -> anyhow::Result<BTreeMap<String, String>> {
        if self.templates.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut ctx = crate::resource::context(self.profiles, site, host);
        ctx["release"] = serde_json::json!({
            "name": self.release.manifest.name,
            "version": self.release.manifest.version,
            "sha256": self.release.manifest.sha256,
        });
        let mut out = BTreeMap::new();
        for (path, source) in &self.templates {
            out.insert(
                path.clone(),
                crate::template::render_str(path, source, &ctx)?,
            );
        }
        Ok(out)
    }

    fn roll_back(
        &self,
        site: &Site,
        switched: &[usize],
        previous: &HashMap<usize, Option<String>>,
    ) -> Result<(), String> {
        if switched.is_empty() {
            return Ok(());
        }
        let p = &site.profile;
        let start = format!("{}/current/bin/start", p.app.install_dir);
        let service =
            (!p.app.service.is_empty()).then_some((p.app.service.as_str(), start.as_str()));
        let quiet = self.printer.quiet_clone();
        let results = self.on_always(switched, &quiet, "rollback", |host, t| {
            let prev = previous.get(&self.index_of(host)).cloned().flatten();
            // the previous release's own health check: the profile's
            let health = health_command(p, None).map_err(anyhow::Error::msg)?;
            let local = t.kind() == TransportKind::Local;
            let script = remote::rollback_script(
                t.root(),
                &p.app.install_dir,
                prev.as_deref(),
                service,
                local,
                &health,
                p.app.health.timeout.as_secs().max(1),
            );
            let o = t.run(&script, b"", p.app.health.timeout + Duration::from_secs(60))?;
            match remote::parse_steps(&o.stdout_text()).1 {
                Some((step, why)) => anyhow::bail!("{step}: {}", last_lines(&why)),
                None => Ok(()),
            }
        });
        let mut errors = Vec::new();
        for (i, r) in results {
            let name = self.fleet.host(i).name.clone();
            let ok = r.is_ok();
            self.step(
                site.pinyin(),
                Some(&name),
                "rollback",
                ok,
                r.as_ref().err().map(|e| e.to_string()).unwrap_or_default(),
            );
            if let Err(e) = r {
                errors.push(format!("{name}: {e}"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// Provisions every server of the city in the round trip that also gathers the release
    /// facts of its app and web servers; returns the changes made and those facts.
    fn provision_city(&self, site: &Site) -> anyhow::Result<(u64, Vec<(usize, ServerFacts)>)> {
        let all = self.hosts_of(site, false);
        let hosts: Vec<Host> = all.iter().map(|i| self.fleet.host(*i).clone()).collect();
        let desired = crate::provision::desired_all(self.profiles, &hosts)?;
        let quiet = self.printer.quiet_clone();
        let install = site.profile.app.install_dir.clone();
        let version = self.release.manifest.version.clone();
        let timeout = site.profile.datacenter.ssh.command_timeout;
        let results = self.on(&all, &quiet, "provision", |host, t| {
            let k = all
                .iter()
                .position(|i| self.fleet.host(*i).label() == host.label())
                .unwrap_or(0);
            let preflight = remote::preflight_script(t.root(), &install, &version);
            let (plan, facts) =
                crate::provision::plan_host_with(t, &desired[k], &install, &preflight)?;
            let facts = remote::parse_preflight(&facts);
            if plan.pending() == 0 {
                return Ok((0, facts));
            }
            let done = crate::provision::apply_host(t, &desired[k], &plan, timeout)?;
            match done.failed {
                Some(f) => anyhow::bail!("{}: {} ({})", f.resource, f.output, f.command),
                None => Ok((done.applied.len() as u64, facts)),
            }
        });
        let mut failures = Vec::new();
        let mut changes = 0;
        let mut facts = Vec::new();
        for (i, r) in results {
            match r {
                Ok((n, f)) => {
                    changes += n;
                    let h = self.fleet.host(i);
                    if h.has_role("app") || h.has_role("web") {
                        facts.push((i, f));
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", self.fleet.host(i).name)),
            }
        }
        if changes > 0 || !failures.is_empty() {
            self.audit(
                "provision apply",
                site,
                if failures.is_empty() {
                    format!("{changes} changes (rollout {})", self.journal.run)
                } else {
                    format!("{changes} changes; failed: {}", failures.join("; "))
                },
                if failures.is_empty() { "ok" } else { "failed" },
                Some(crate::inventory::identity(&site.profile)),
            );
        }
        anyhow::ensure!(failures.is_empty(), "{}", failures.join("; "));
        self.step(
            site.pinyin(),
            None,
            "provision",
            true,
            format!("{changes} changes"),
        );
        Ok((changes, facts))
    }
}

/// The health check as a shell command on the server (`$I` is the install folder there):
/// the release's own check (a path inside it), or the profile's program and arguments, every
/// word quoted.
pub fn health_command(
    p: &crate::profile::SiteProfile,
    manifest: Option<&str>,
) -> Result<String, String> {
    use crate::profile::safe;
    use crate::transport::shell_quote;
    if let Some(rel) = manifest {
        safe::relative(rel).map_err(|e| format!("the release's health check: {e}"))?;
        return Ok(format!("\"$I/current/\"{}", shell_quote(rel)));
    }
    if !p.app.health.script.is_empty() {
        // the province's own script, one quoted argument: it cannot change the script around it
        let script = p.app.health.script.replace("{install}", &p.app.install_dir);
        return Ok(format!("sh -c {}", shell_quote(&script)));
    }
    let words = safe::command_words(&p.app.health.command)
        .map_err(|e| format!("app.health.command: {e}"))?;
    Ok(words
        .iter()
        .map(|w| {
            w.split("{install}")
                .map(|part| {
                    if part.is_empty() {
                        String::new()
                    } else {
                        shell_quote(part)
                    }
                })
                .collect::<Vec<_>>()
                .join("\"$I\"")
        })
        .collect::<Vec<_>>()
        .join(" "))
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
