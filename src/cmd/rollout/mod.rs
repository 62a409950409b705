//! `jinbao rollout <release> <target>`, `rollout --resume`, `rollout plan|apply|unlock`.

mod summary;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use crate::cli::{ConfirmArgs, ConnectArgs, RolloutConnectArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::{Exit, fail, usage};
use crate::profile::Site;
use crate::release::journal::{self, EventKind, Journal};
use crate::release::plan::PlanFile;
use crate::release::rollout::{Batch, Expected, Options, RunEnd};
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
    #[command(after_help = "Examples:
  jinbao rollout plan releases/jinbao-unified-1.1.0.tar.gz --wave pilot --out pilot.plan.json
  jinbao rollout plan releases/jinbao-unified-1.1.0.tar.gz hebi --dry-run   # show, record nothing")]
    Plan(PlanArgs),
    /// Execute a recorded plan; a city whose facts moved since is refused
    #[command(after_help = "Examples:
  jinbao rollout apply pilot.plan.json            # exactly what was reviewed
  jinbao rollout apply pilot.plan.json --no-pause --jobs 2")]
    Apply(ApplyPlanArgs),
    /// Break the rollout lock of a city (recorded in the audit log)
    #[command(after_help = "Examples:
  jinbao lock status --wave pilot      # who holds what, since when
  jinbao rollout unlock zhoukou        # then break Zhoukou's lock")]
    Unlock(UnlockArgs),
    /// Give up the unfinished rollout (after damage, or when it cannot go on); servers stay
    /// as they are
    #[command(after_help = "Examples:
  jinbao rollout --resume              # try going on first
  jinbao rollout abandon               # give it up; `releases --all` shows each server")]
    Abandon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventFormat {
    Ndjson,
}

#[derive(Debug, Clone, Args)]
pub struct RolloutFlags {
    /// Cities rolled out at once (servers at once: --host-jobs)
    #[arg(
        short = 'j',
        long = "jobs",
        alias = "max-parallel",
        default_value_t = 3,
        value_name = "N"
    )]
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
    /// Roll out a release older than the one a city runs (`rollback` is the usual way back)
    #[arg(long)]
    pub allow_downgrade: bool,
    /// Wait this long for a city lock another rollout holds
    #[arg(long, value_parser = humantime::parse_duration, default_value = "0s", value_name = "DURATION")]
    pub lock_wait: Duration,
    /// A lock older than this is reported as stale
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1h", value_name = "DURATION")]
    pub stale_after: Duration,
    /// Change cities outside their maintenance window, recording why
    #[arg(long, value_name = "REASON")]
    pub override_window: Option<String>,
    /// Go on where no restore point (a backup of the city database) can be taken first,
    /// recording why
    #[arg(long, value_name = "REASON")]
    pub no_restore_point: Option<String>,
    /// Stream one versioned JSON event per line on stdout as it happens
    #[arg(long, value_name = "FORMAT")]
    pub events: Option<EventFormat>,
    /// Show where the time went: the critical path (the phases of the hosts the run waited
    /// on) and each phase over all hosts (with --json: a `timings` section)
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub connect: RolloutConnectArgs,
    // --yes: go on to the next wave without asking (on a terminal it asks between waves)
    #[command(flatten)]
    pub confirm: ConfirmArgs,
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
            allow_downgrade: self.allow_downgrade,
            no_restore_point: self.no_restore_point.clone(),
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
        let request = rel::place::PackRequest {
            src: path.to_path_buf(),
            out,
            ..Default::default()
        };
        let (r, _) = rel::place::pack_and_place(&request)?;
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

fn sink(ctx: &Ctx, flags: &RolloutFlags) -> Option<journal::Sink> {
    flags.events.map(|_| {
        let printer = ctx.printer.clone();
        Box::new(move |e: &journal::Event| {
            let _ = printer.json_line(e);
        }) as journal::Sink
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
    // refused here, before the window is asked, when another run is in the way
    if let Some(run) = crate::release::run::active(ctx.state_dir())? {
        let blocked = match crate::state::lock::holder(ctx.state_dir(), &format!("run-{run}")) {
            Some(h) => crate::release::run::RunError::Running {
                run,
                holder: h.describe(),
            },
            None => crate::release::run::RunError::Unfinished(run),
        };
        return Err(blocked.into());
    }
    ctx.window_gate(sites, flags.override_window.as_deref(), "rollout")?;
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
    let owned = crate::release::run::start(ctx.state_dir(), start, sink(ctx, flags))?;
    execute(
        ctx,
        &owned.journal,
        release,
        sites,
        opts,
        flags,
        &[],
        expected,
    )
}

fn resume(ctx: &Ctx, flags: &RolloutFlags) -> Result<Exit> {
    let r = crate::release::run::resume(ctx.state_dir(), sink(ctx, flags))?;
    let run = r.owned.journal.run.clone();
    let release = rel::open(Path::new(&r.release))?;
    if release.manifest.sha256 != r.sha256 {
        return Err(usage(
            "the release changed since the rollout started",
            "pack it again as it was, or give the run up (jinbao rollout abandon) and start a new one",
        ));
    }
    let damaged = |what: &str| {
        anyhow::Error::from(crate::release::run::RunError::Damaged {
            path: r.owned.journal.path().display().to_string(),
            what: what.to_string(),
        })
    };
    let opts: Options = serde_json::from_value(r.options["rollout"].clone())
        .map_err(|_| damaged("its options cannot be read"))?;
    let expected: Option<Expected> =
        serde_json::from_value(r.options["expected"].clone()).unwrap_or(None);
    let profiles = ctx.profiles()?;
    let sites: Vec<&Site> = r.cities.iter().filter_map(|c| profiles.find(c)).collect();
    ctx.printer.note(format!(
        "resuming rollout {run}: {} of {} cities already done",
        r.done.len(),
        sites.len()
    ));
    // approving the next wave is what a resume after a pause means
    let opts = Options {
        no_pause: opts.no_pause || flags.no_pause,
        ..opts
    };
    let mut flags = flags.clone();
    if let Some(f) = r.options["forks"].as_u64() {
        flags.connect.forks = f as usize;
    }
    execute(
        ctx,
        &r.owned.journal,
        &release,
        &sites,
        &opts,
        &flags,
        &r.done,
        expected,
    )
}

/// `rollout abandon`: gives up an unfinished run that is not running (after damage, or when
/// its release is gone). The servers stay as they are; the audit log records who gave it up.
fn abandon(ctx: &Ctx) -> Result<Exit> {
    ctx.audit_gate("rollout abandon")?;
    let run = crate::release::run::abandon(ctx.state_dir())?;
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
    // rows the wave questions printed: the summary leaves them out of its table
    let shown = std::sync::atomic::AtomicUsize::new(0);
    let ask = |q: &str, wave: &[crate::release::rollout::Outcome]| {
        if flags.confirm.yes || ctx.yes {
            return true;
        }
        if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return false;
        }
        // the question is about the wave's results: they come first
        if summary::print_wave(ctx, flags, wave) {
            shown.fetch_add(wave.len(), std::sync::atomic::Ordering::Relaxed);
        }
        // Ctrl-C at the question: the run sees the stop and ends interrupted (exit 130)
        ctx.printer.confirm(q).unwrap_or(false)
    };
    let ran = crate::release::run::execute(
        ctx.profiles()?,
        ctx.printer.progress(),
        journal,
        crate::release::run::Plan {
            release,
            sites,
            opts,
            forks: flags.connect.forks,
            accept_new_host_keys: flags.connect.accept_new_host_keys,
            done,
            expected,
        },
        Some(&ask),
    )?;
    ctx.tell_assessment(|profiles, state| {
        crate::assess::learn::after_rollout(profiles, state, &journal.run, sites)
    });
    let timings = flags.timings.then_some(&ran.timings);
    let shown = shown.load(std::sync::atomic::Ordering::Relaxed);
    summary::print(
        ctx,
        flags,
        &ran.outcomes,
        shown,
        journal,
        ran.result,
        timings,
    )?;
    Ok(match ran.end {
        RunEnd::Paused => Exit::Blocked,
        RunEnd::Interrupted(sig) => {
            if let Some(e) = &ran.journal_error {
                ctx.printer.warn(format!(
                    "the journal could not record the interruption: {e}"
                ));
            }
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
                    ran.journal_error.unwrap_or_default()
                ),
                "every city is on its old or its new release; free space or fix the state folder, then: jinbao rollout --resume",
            ));
        }
        _ if ran.refused_only => Exit::Blocked,
        _ if ran.failed || ran.end == RunEnd::Halted => Exit::Failure,
        _ => Exit::Success,
    })
}

// ---- rollout plan / apply ----------------------------------------------------------------

fn plan(ctx: &Ctx, a: PlanArgs) -> Result<Exit> {
    let release = resolve_release(ctx, &a.release)?;
    let sites = rollout_sites(ctx, &a.target)?;
    let file = crate::release::plan::make(
        ctx.profiles()?,
        ctx.printer.progress(),
        &release,
        &sites,
        &a.flags.options(),
        a.flags.connect.forks,
        a.flags.connect.accept_new_host_keys,
    );
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
    Ok(if file.unreachable() {
        Exit::Failure
    } else {
        Exit::Success
    })
}

fn apply_plan(ctx: &Ctx, a: ApplyPlanArgs) -> Result<Exit> {
    let plan = PlanFile::read(&a.plan)?;
    let profiles = ctx.profiles()?;
    let release = rel::open(Path::new(&plan.release.path))?;
    plan.check(&profiles.env.name, &release)?;
    let sites: Vec<&Site> = plan
        .cities
        .iter()
        .filter_map(|c| profiles.find(&c.city))
        .collect();
    fresh(
        ctx,
        &release,
        &sites,
        &plan.options,
        &a.flags,
        Some(plan.expected()),
    )
}

fn unlock(ctx: &Ctx, a: UnlockArgs) -> Result<Exit> {
    let fleet = ctx.fleet(&a.target.spec(), None, &a.connect)?;
    let broken = crate::release::lock::break_city_locks(
        ctx.profiles()?,
        ctx.printer.progress(),
        ctx.state_dir(),
        &fleet,
    )?;
    let cities: Vec<&str> = fleet.hosts().map(|h| h.city.as_str()).collect();
    let mut all = broken.controller_locks.clone();
    all.extend(broken.server_locks.iter().cloned());
    crate::state::audit(
        ctx.state_dir(),
        "rollout unlock",
        &cities,
        &format!("broke locks: {}", all.join("; ")),
    )?;
    for c in &broken.controller_locks {
        ctx.printer
            .note(format!("broke the controller lock of {c}"));
    }
    ctx.printer.text(if broken.server_locks.is_empty() {
        "no lock was held".to_string()
    } else {
        format!(
            "broke {} locks:\n{}",
            broken.server_locks.len(),
            broken.server_locks.join("\n")
        )
    })?;
    for u in &broken.unreachable {
        ctx.printer.warn(u);
    }
    Ok(if broken.unreachable.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}
