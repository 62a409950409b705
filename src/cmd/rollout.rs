//! `jinbao rollout <release> <target>`, `rollout --resume`, `rollout plan|apply|unlock`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};

use crate::cli::{ConnectArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::{Exit, fail, usage};
use crate::fleet::Fleet;
use crate::output::Tone;
use crate::profile::Site;
use crate::release::journal::{self, EventKind, Journal};
use crate::release::remote::{self, ServerFacts};
use crate::release::rollout::{Batch, Expected, Options, Outcome, Rollout, RunEnd};
use crate::release::{self as rel, Release};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RolloutArgs {
    #[command(subcommand)]
    pub command: Option<RolloutCommand>,
    /// The release: a tarball from `release pack`, its manifest, or a folder (packed first)
    #[arg(required_unless_present = "resume")]
    pub release: Option<PathBuf>,
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub flags: RolloutFlags,
    /// Go on with the interrupted (or paused) rollout recorded in the journal
    #[arg(long, conflicts_with = "release")]
    pub resume: bool,
}

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Record per city and server the current release, the steps and the facts they rely on
    Plan(PlanArgs),
    /// Execute a recorded plan; a city whose facts moved since is refused
    Apply(ApplyPlanArgs),
    /// Break the rollout lock of a city (recorded in the audit log)
    Unlock(UnlockArgs),
    /// Give up the unfinished rollout (after damage, or when it cannot go on); servers stay
    /// as they are
    Abandon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventFormat {
    Ndjson,
}

#[derive(Debug, Clone, Args)]
pub struct RolloutFlags {
    /// Cities rolled out at once
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_parallel: usize,
    /// Servers of a city switched at once: a number or a percentage [default: all]
    #[arg(long, value_name = "N|P%")]
    pub batch: Option<Batch>,
    /// Failed cities (unreachable servers count) tolerated before no new city starts
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub max_failures: usize,
    /// Go on to the next wave without asking
    #[arg(long)]
    pub no_pause: bool,
    /// Migrate a city database that is behind the release's schema first
    #[arg(long)]
    pub migrate: bool,
    /// Provision each city's servers (plan and apply) before deploying
    #[arg(long)]
    pub provision: bool,
    /// Wait this long for a city lock another rollout holds
    #[arg(long, value_parser = humantime::parse_duration, default_value = "0s", value_name = "DURATION")]
    pub lock_wait: Duration,
    /// A lock older than this is reported as stale
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1h", value_name = "DURATION")]
    pub stale_after: Duration,
    /// Change cities outside their maintenance window, recording why
    #[arg(long, value_name = "REASON")]
    pub override_window: Option<String>,
    /// Stream one versioned JSON event per line on stdout as it happens
    #[arg(long, value_name = "FORMAT")]
    pub events: Option<EventFormat>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

impl RolloutFlags {
    fn options(&self) -> Options {
        Options {
            max_parallel: self.max_parallel.max(1),
            batch: self.batch.unwrap_or(Batch::All),
            max_failures: self.max_failures,
            no_pause: self.no_pause,
            migrate: self.migrate,
            lock_wait: self.lock_wait,
            stale_after: self.stale_after,
            provision: self.provision,
        }
    }
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The release: a tarball from `release pack`, its manifest, or a folder (packed first)
    pub release: PathBuf,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Where to write the plan
    #[arg(long, required_unless_present = "dry_run")]
    pub out: Option<PathBuf>,
    /// Print the plan, write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub flags: RolloutFlags,
}

#[derive(Debug, Args)]
pub struct ApplyPlanArgs {
    /// A plan from `rollout plan --out`
    pub plan: PathBuf,
    #[command(flatten)]
    pub flags: RolloutFlags,
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

pub fn run(ctx: &Ctx, args: RolloutArgs) -> Result<Exit> {
    match args.command {
        Some(RolloutCommand::Plan(a)) => plan(ctx, a),
        Some(RolloutCommand::Apply(a)) => apply_plan(ctx, a),
        Some(RolloutCommand::Unlock(a)) => unlock(ctx, a),
        Some(RolloutCommand::Abandon) => abandon(ctx),
        None if args.resume => resume(ctx, &args.flags),
        None => {
            let path = args.release.clone().expect("required by clap");
            let release = resolve_release(ctx, &path)?;
            let sites = rollout_sites(ctx, &args.target)?;
            fresh(
                ctx,
                &release,
                &sites,
                &args.flags.options(),
                &args.flags,
                None,
            )
        }
    }
}

/// A release from a tarball, a manifest, or a folder (packed into the state folder first).
pub fn resolve_release(ctx: &Ctx, path: &Path) -> Result<Release> {
    // profiles first: a run refused for its profiles leaves nothing behind, not even a pack
    ctx.profiles()?;
    if path.is_dir() {
        let out = ctx.state_dir().join("releases");
        let args = super::release::PackArgs {
            src: path.to_path_buf(),
            version: None,
            schema: None,
            name: None,
            health: None,
            out,
        };
        let r = super::release::pack(&args)?;
        ctx.printer.note(format!(
            "packed {} as {}",
            path.display(),
            r.tarball.display()
        ));
        return Ok(r);
    }
    rel::open(path).with_context(|| format!("release {}", path.display()))
}

/// The target's cities (never the province center), each with servers that run the app.
fn rollout_sites<'c>(ctx: &'c Ctx, target: &TargetArgs) -> Result<Vec<&'c Site>> {
    Ok(ctx
        .select(&target.spec())?
        .into_iter()
        .filter(|s| !s.is_province())
        .collect())
}

fn new_run_id() -> String {
    format!(
        "{}-{}",
        crate::window::now().format("%Y%m%dT%H%M%SZ"),
        std::process::id()
    )
}

fn sink(ctx: &Ctx, flags: &RolloutFlags) -> Option<journal::Sink> {
    flags.events.map(|_| {
        let printer = ctx.printer.clone();
        Box::new(move |e: &journal::Event| {
            let _ = printer.json_line(e);
        }) as journal::Sink
    })
}

/// The lock a run holds for as long as its process lives: `--resume` of a live run is refused.
fn run_lock(ctx: &Ctx, run: &str) -> Result<crate::state::lock::Lock> {
    crate::state::lock::acquire(
        ctx.state_dir(),
        &format!("run-{run}"),
        &format!("rollout {run}"),
        Duration::ZERO,
        &mut |_| {},
    )
    .map_err(|e| match e {
        crate::state::lock::LockError::Io(e) => anyhow::Error::from(e),
        other => fail(
            Exit::Blocked,
            format!("rollout {run} is still running: {other}"),
            "wait for it to end (or stop it with Ctrl-C / SIGTERM), then resume it if it did not finish",
        ),
    })
}

/// The unfinished run recorded in the state folder, if any (a damaged record is an error
/// with the way out).
fn active_run(ctx: &Ctx) -> Result<Option<String>> {
    journal::active(ctx.state_dir()).map_err(|e| {
        let hint = e.hint();
        fail(Exit::Failure, e.to_string(), hint)
    })
}

fn fresh(
    ctx: &Ctx,
    release: &Release,
    sites: &[&Site],
    opts: &Options,
    flags: &RolloutFlags,
    expected: Option<Expected>,
) -> Result<Exit> {
    if let Some(run) = active_run(ctx)? {
        if let Some(h) = crate::state::lock::holder(ctx.state_dir(), &format!("run-{run}")) {
            return Err(fail(
                Exit::Blocked,
                format!("rollout {run} is running: held by {}", h.describe()),
                "wait for it to end, or watch it with: jinbao status",
            ));
        }
        return Err(fail(
            Exit::Blocked,
            format!("rollout {run} did not finish"),
            "go on with it: jinbao rollout --resume (or give it up: jinbao rollout abandon)",
        ));
    }
    crate::window::check_all(ctx, sites, flags.override_window.as_deref(), "rollout")?;
    let run = new_run_id();
    let _run_lock = run_lock(ctx, &run)?;
    let start = EventKind::RunStart {
        release: release.tarball.display().to_string(),
        version: release.manifest.version.clone(),
        sha256: release.manifest.sha256.clone(),
        cities: sites.iter().map(|s| s.pinyin().to_string()).collect(),
        options: serde_json::json!({
            "rollout": opts,
            "forks": flags.connect.forks,
            "accept_new_host_keys": flags.connect.accept_new_host_keys,
            "expected": expected,
        }),
    };
    // written before any server is touched: a state folder that cannot take it stops here
    let journal = Journal::create(ctx.state_dir(), &run, start, sink(ctx, flags))
        .map_err(|e| fail(Exit::Failure, e.to_string(), e.hint()))?;
    execute(ctx, &journal, release, sites, opts, flags, &[], expected)
}

fn resume(ctx: &Ctx, flags: &RolloutFlags) -> Result<Exit> {
    let Some(run) = active_run(ctx)? else {
        return Err(usage(
            "no unfinished rollout to resume",
            "start one: jinbao rollout <release> <target>",
        ));
    };
    let _run_lock = run_lock(ctx, &run)?;
    let events = journal::read(ctx.state_dir(), &run)
        .map_err(|e| fail(Exit::Failure, e.to_string(), e.hint()))?;
    let Some(EventKind::RunStart {
        release,
        sha256,
        cities,
        options,
        ..
    }) = events.first().map(|e| e.kind.clone())
    else {
        unreachable!("read() checks the start");
    };
    let release = rel::open(Path::new(&release))?;
    if release.manifest.sha256 != sha256 {
        return Err(usage(
            "the release changed since the rollout started",
            "pack it again as it was, or give the run up (jinbao rollout abandon) and start a new one",
        ));
    }
    let damaged = |what: &str| {
        let path = journal::path_of(ctx.state_dir(), &run);
        fail(
            Exit::Failure,
            format!("the rollout journal {} is damaged: {what}", path.display()),
            "give the run up with `jinbao rollout abandon`, then start a new rollout",
        )
    };
    let opts: Options = serde_json::from_value(options["rollout"].clone())
        .map_err(|_| damaged("its options cannot be read"))?;
    let expected: Option<Expected> =
        serde_json::from_value(options["expected"].clone()).unwrap_or(None);
    let profiles = ctx.profiles()?;
    let sites: Vec<&Site> = cities.iter().filter_map(|c| profiles.find(c)).collect();
    let done = crate::release::rollout::finished_cities(&events);
    let journal = Journal::reopen(ctx.state_dir(), &run, sink(ctx, flags))
        .map_err(|e| fail(Exit::Failure, e.to_string(), e.hint()))?;
    ctx.printer.note(format!(
        "resuming rollout {run}: {} of {} cities already done",
        done.len(),
        sites.len()
    ));
    // approving the next wave is what a resume after a pause means
    let opts = Options {
        no_pause: opts.no_pause || flags.no_pause,
        ..opts
    };
    let mut flags = flags.clone();
    if let Some(f) = options["forks"].as_u64() {
        flags.connect.forks = f as usize;
    }
    execute(
        ctx, &journal, &release, &sites, &opts, &flags, &done, expected,
    )
}

/// `rollout abandon`: gives up an unfinished run that is not running (after damage, or when
/// its release is gone). The servers stay as they are; the audit log records who gave it up.
fn abandon(ctx: &Ctx) -> Result<Exit> {
    let Some(run) = active_run(ctx).or_else(|_| {
        // a damaged ACTIVE is exactly what abandon is for
        Ok::<_, anyhow::Error>(Some("(damaged)".to_string()))
    })?
    else {
        return Err(usage("no unfinished rollout to abandon", ""));
    };
    let lock = if run == "(damaged)" {
        None
    } else {
        Some(run_lock(ctx, &run)?)
    };
    if run != "(damaged)"
        && let Ok(j) = Journal::reopen(ctx.state_dir(), &run, None)
    {
        let _ = j.emit(EventKind::Abandoned {
            by: crate::db::operator(),
        });
    }
    let active = ctx.state_dir().join("rollouts").join("ACTIVE");
    std::fs::remove_file(&active)
        .map_err(|e| crate::state::files::at(&active, e))
        .with_context(|| format!("cannot give rollout {run} up"))?;
    drop(lock);
    crate::state::audit::record(
        ctx.state_dir(),
        crate::state::audit::Entry {
            action: "rollout abandon",
            targets: Vec::new(),
            what: format!("run {run} given up"),
            result: "ok",
            identity: None,
        },
    )?;
    ctx.printer.note(format!(
        "rollout {run} given up; servers are as it left them: see `jinbao releases --all`, and break any lock it left with `jinbao rollout unlock`"
    ));
    Ok(Exit::Success)
}

#[allow(clippy::too_many_arguments)]
fn execute(
    ctx: &Ctx,
    journal: &Journal,
    release: &Release,
    sites: &[&Site],
    opts: &Options,
    flags: &RolloutFlags,
    done: &[String],
    expected: Option<Expected>,
) -> Result<Exit> {
    let profiles = ctx.profiles()?;
    let hosts: Vec<_> = sites
        .iter()
        .flat_map(|s| crate::inventory::hosts(s, None))
        .filter(|h| opts.provision || h.has_role("app") || h.has_role("web"))
        .collect();
    let fleet = Fleet::new(
        hosts,
        flags.connect.forks,
        flags.connect.accept_new_host_keys,
    );
    let tarball = Arc::new(
        std::fs::read(&release.tarball)
            .map_err(|e| crate::state::files::at(&release.tarball, e))?,
    );
    let templates = rel::templates(release)?;
    let mut rollout = Rollout::new(
        profiles,
        &ctx.printer,
        &fleet,
        release,
        tarball,
        templates,
        journal,
        opts,
    );
    rollout.expected = expected;
    let ask =
        |q: &str| std::io::IsTerminal::is_terminal(&std::io::stdin()) && ctx.printer.confirm(q);
    rollout.approve = Some(&ask);
    let (outcomes, end) = rollout.run(sites, done);
    let failed = outcomes.iter().any(|o| o.result.is_failure());
    let refused_only = failed
        && outcomes
            .iter()
            .filter(|o| o.result.is_failure())
            .all(|o| o.blocked);
    let result = match end {
        RunEnd::Paused => "paused",
        RunEnd::Halted => "halted",
        RunEnd::Interrupted(_) => "interrupted",
        RunEnd::JournalFailed => "stopped",
        RunEnd::Done if failed => "failed",
        RunEnd::Done => "done",
    };
    match end {
        RunEnd::Paused | RunEnd::JournalFailed => {}
        RunEnd::Interrupted(sig) => {
            let _ = journal.emit(EventKind::Interrupted {
                signal: if sig == libc::SIGTERM {
                    "SIGTERM"
                } else {
                    "SIGINT"
                }
                .into(),
            });
        }
        _ => {
            let _ = journal.emit(EventKind::RunDone {
                result: result.into(),
            });
            journal.finish();
        }
    }
    let everything = all_outcomes(ctx, journal, &outcomes).unwrap_or_else(|_| outcomes.clone());
    super::status::after_rollout(ctx, &journal.run, sites);
    summary(ctx, flags, &everything, journal, result)?;
    Ok(match end {
        RunEnd::Paused => Exit::Blocked,
        RunEnd::Interrupted(sig) => {
            ctx.printer.note(format!(
                "rollout {} interrupted: every city is on its old or its new release and no lock is held; go on with: jinbao rollout --resume",
                journal.run
            ));
            Exit::Interrupted(sig)
        }
        RunEnd::JournalFailed => {
            return Err(fail(
                Exit::Failure,
                format!(
                    "rollout {} stopped: {}",
                    journal.run,
                    rollout.journal_error().unwrap_or_default()
                ),
                "every city is on its old or its new release; free space or fix the state folder, then: jinbao rollout --resume",
            ));
        }
        _ if refused_only => Exit::Blocked,
        _ if failed || end == RunEnd::Halted => Exit::Failure,
        _ => Exit::Success,
    })
}

/// Outcomes of this invocation plus those a resumed run had before, from the journal.
fn all_outcomes(ctx: &Ctx, journal: &Journal, now: &[Outcome]) -> Result<Vec<Outcome>> {
    let mut out: Vec<Outcome> = Vec::new();
    for e in journal::read(ctx.state_dir(), &journal.run)
        .map_err(|e| fail(Exit::Failure, e.to_string(), e.hint()))?
    {
        if let EventKind::CityDone {
            city,
            result,
            from,
            to,
            ms,
            changes,
            reason,
        } = e.kind
        {
            let wave = ctx
                .profiles()?
                .find(&city)
                .map(|s| s.profile.city.wave.clone())
                .unwrap_or_default();
            let o = Outcome {
                city: city.clone(),
                wave,
                from,
                to,
                result: crate::release::rollout::CityResult::parse(&result)
                    .unwrap_or(crate::release::rollout::CityResult::Failed),
                reason,
                ms,
                changes,
                blocked: false,
            };
            out.retain(|x| x.city != city);
            out.push(o);
        }
    }
    for o in now {
        if !out.iter().any(|x| x.city == o.city) {
            out.push(o.clone());
        }
    }
    Ok(out)
}

#[derive(Serialize)]
struct Summary<'a> {
    run: &'a str,
    result: &'a str,
    journal: String,
    cities: &'a [Outcome],
}

fn summary(
    ctx: &Ctx,
    flags: &RolloutFlags,
    outcomes: &[Outcome],
    journal: &Journal,
    result: &str,
) -> Result<()> {
    let p = &ctx.printer;
    if flags.events.is_some() {
        return Ok(());
    }
    if p.json {
        return Ok(p.json(&Summary {
            run: &journal.run,
            result,
            journal: journal.path().display().to_string(),
            cities: outcomes,
        })?);
    }
    let mut t = p.table(&["city", "wave", "from → to", "result", "time", "reason"]);
    for o in outcomes {
        let tone = match o.result.as_str() {
            "deployed" => Tone::Good,
            "already" => Tone::Muted,
            "skipped" => Tone::Warn,
            _ => Tone::Bad,
        };
        t.add_row(vec![
            p.cell(&o.city, Tone::Plain),
            p.cell(&o.wave, Tone::Muted),
            p.cell(
                format!(
                    "{} → {}",
                    if o.from.is_empty() {
                        "(none)".to_string()
                    } else {
                        o.from.join("/")
                    },
                    o.to
                ),
                Tone::Plain,
            ),
            p.cell(o.result.as_str(), tone),
            p.cell(format!("{:.1} s", o.ms as f64 / 1000.0), Tone::Muted),
            p.cell(o.reason.clone().unwrap_or_default(), Tone::Plain),
        ]);
    }
    p.print_table(&t)?;
    let hint = match result {
        "paused" => " (approve the next wave: jinbao rollout --resume)",
        _ => "",
    };
    p.note(format!(
        "rollout {}: {result}{hint}; journal {}",
        journal.run,
        journal.path().display()
    ));
    Ok(())
}

// ---- rollout plan / apply ----------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanFile {
    pub version: u32,
    pub created: String,
    pub env: String,
    pub release: PlanRelease,
    pub options: Options,
    pub cities: Vec<PlanCity>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanRelease {
    pub path: String,
    pub name: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanCity {
    pub city: String,
    pub wave: String,
    pub servers: Vec<PlanServer>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanServer {
    pub host: String,
    pub label: String,
    pub facts: Option<ServerFacts>,
    pub steps: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

fn plan(ctx: &Ctx, a: PlanArgs) -> Result<Exit> {
    let release = resolve_release(ctx, &a.release)?;
    let sites = rollout_sites(ctx, &a.target)?;
    let hosts: Vec<_> = sites
        .iter()
        .flat_map(|s| crate::inventory::hosts(s, None))
        .filter(|h| h.has_role("app") || h.has_role("web"))
        .collect();
    let fleet = Fleet::new(
        hosts,
        a.flags.connect.forks,
        a.flags.connect.accept_new_host_keys,
    );
    let profiles = ctx.profiles()?;
    let v = release.manifest.version.clone();
    let facts = fleet.each(None, &ctx.printer, "preflight", |host, t, _| {
        let install = &crate::provision::site_of(profiles, host)
            .profile
            .app
            .install_dir;
        let o = t.run(
            &remote::preflight_script(t.root(), install, &v),
            b"",
            Duration::from_secs(60),
        )?;
        Ok(remote::parse_preflight(&o.stdout_text()))
    });
    let mut cities: Vec<PlanCity> = sites
        .iter()
        .map(|s| PlanCity {
            city: s.pinyin().into(),
            wave: s.profile.city.wave.clone(),
            servers: Vec::new(),
        })
        .collect();
    let mut unreachable = false;
    for r in facts {
        let h = fleet.host(r.index);
        let (facts, error) = match r.result {
            Ok(f) => (Some(f), None),
            Err(e) => {
                unreachable = true;
                (None, Some(e.to_string()))
            }
        };
        let steps = match &facts {
            Some(f)
                if f.current.as_deref() == Some(v.as_str())
                    && f.target_sha256.as_deref() == Some(&release.manifest.sha256) =>
            {
                vec!["none".into()]
            }
            Some(f) => {
                let mut s = Vec::new();
                if f.target_sha256.is_none() {
                    s.push("upload".to_string());
                }
                s.extend(["switch", "restart", "health"].map(String::from));
                s
            }
            None => vec!["unreachable".into()],
        };
        let c = cities
            .iter_mut()
            .find(|c| c.city == h.city)
            .expect("city of the target");
        c.servers.push(PlanServer {
            host: h.name.clone(),
            label: h.label().into(),
            facts,
            steps,
            error,
        });
    }
    let file = PlanFile {
        version: 1,
        created: crate::window::now().to_rfc3339(),
        env: profiles.env.name.clone(),
        release: PlanRelease {
            path: release
                .tarball
                .canonicalize()
                .unwrap_or(release.tarball.clone())
                .display()
                .to_string(),
            name: release.manifest.name.clone(),
            version: v,
            sha256: release.manifest.sha256.clone(),
        },
        options: a.flags.options(),
        cities,
    };
    let text = serde_json::to_string_pretty(&file)?;
    if a.dry_run || a.out.is_none() {
        ctx.printer.text(text)?;
    } else if let Some(out) = &a.out {
        std::fs::write(out, text + "\n")?;
        ctx.printer.note(format!(
            "plan written to {}: apply it with `jinbao rollout apply {}`",
            out.display(),
            out.display()
        ));
    }
    Ok(if unreachable {
        Exit::Failure
    } else {
        Exit::Success
    })
}

fn apply_plan(ctx: &Ctx, a: ApplyPlanArgs) -> Result<Exit> {
    let text =
        std::fs::read_to_string(&a.plan).with_context(|| format!("plan {}", a.plan.display()))?;
    let plan: PlanFile =
        serde_json::from_str(&text).with_context(|| format!("plan {}", a.plan.display()))?;
    let profiles = ctx.profiles()?;
    if plan.env != profiles.env.name {
        return Err(usage(
            format!("the plan was made for environment `{}`", plan.env),
            format!("run with --env {}", plan.env),
        ));
    }
    let release = rel::open(Path::new(&plan.release.path))?;
    if release.manifest.sha256 != plan.release.sha256 {
        return Err(usage(
            "the release's tarball changed since the plan was made",
            "make a new plan",
        ));
    }
    let sites: Vec<&Site> = plan
        .cities
        .iter()
        .filter_map(|c| profiles.find(&c.city))
        .collect();
    let expected: Expected = plan
        .cities
        .iter()
        .flat_map(|c| &c.servers)
        .filter_map(|s| Some((s.label.clone(), s.facts.clone()?)))
        .collect();
    fresh(
        ctx,
        &release,
        &sites,
        &plan.options,
        &a.flags,
        Some(expected),
    )
}

fn unlock(ctx: &Ctx, a: UnlockArgs) -> Result<Exit> {
    let fleet = ctx.fleet(&a.target.spec(), None, &a.connect)?;
    let profiles = ctx.profiles()?;
    // a lock a live jinbao on this controller holds is not broken: that run is working now
    let mut cities: Vec<&str> = fleet.hosts().map(|h| h.city.as_str()).collect();
    cities.dedup();
    let mut held = Vec::new();
    for city in &cities {
        let name = format!("city-{city}");
        match crate::state::lock::acquire(
            ctx.state_dir(),
            &name,
            &format!("rollout unlock {city}"),
            Duration::ZERO,
            &mut |_| {},
        ) {
            Ok(lock) => held.push(lock),
            Err(crate::state::lock::LockError::Held(h)) => {
                return Err(fail(
                    Exit::Blocked,
                    format!("{city} is being worked on now: {}", h.describe()),
                    "a running jinbao's lock is not broken; wait for it or stop it",
                ));
            }
            Err(crate::state::lock::LockError::Foreign(h)) => {
                // held from another controller: breaking it is what unlock is for
                let path = crate::state::lock::path(ctx.state_dir(), &name);
                std::fs::write(&path, b"").map_err(|e| crate::state::files::at(&path, e))?;
                ctx.printer.note(format!(
                    "broke the controller lock of {city}: {}",
                    h.describe()
                ));
                held.push(crate::state::lock::acquire(
                    ctx.state_dir(),
                    &name,
                    &format!("rollout unlock {city}"),
                    Duration::ZERO,
                    &mut |_| {},
                )?);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let results = fleet.each(None, &ctx.printer, "unlock", |host, t, _| {
        let install = &crate::provision::site_of(profiles, host)
            .profile
            .app
            .install_dir;
        let o = t.run(
            &format!(
                "cat {0}/.rollout.lock/info 2>/dev/null; {1}",
                crate::transport::shell_quote(&format!("{}{install}", t.root())),
                remote::unlock_script(t.root(), install, None)
            ),
            b"",
            Duration::from_secs(30),
        )?;
        Ok(o.stdout_text().trim().to_string())
    });
    let mut broken = Vec::new();
    for r in &results {
        if let Ok(info) = &r.result
            && !info.is_empty()
        {
            broken.push(format!("{}: {info}", fleet.host(r.index).label()));
        }
    }
    let cities: Vec<&str> = fleet.hosts().map(|h| h.city.as_str()).collect();
    crate::state::audit(
        ctx.state_dir(),
        "rollout unlock",
        &cities,
        &format!("broke locks: {}", broken.join("; ")),
    )?;
    ctx.printer.text(if broken.is_empty() {
        "no lock was held".to_string()
    } else {
        format!("broke {} locks:\n{}", broken.len(), broken.join("\n"))
    })?;
    Ok(if results.iter().any(|r| r.result.is_err()) {
        Exit::Failure
    } else {
        Exit::Success
    })
}
