//! `jinbao provision plan|apply <target>`: build a city's servers from its profile.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::cli::{ConfirmArgs, ConnectArgs, ServersArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::{Exit, usage};
use crate::output::Tone;
use crate::provision::plan_file::{self, PlanFile};
use crate::provision::resource::Action;
use crate::provision::{self, HostPlan, HostRow};

#[derive(Debug, Subcommand)]
pub enum ProvisionCommand {
    /// What would change on every server (exit 0: nothing, 3: changes pending, 1: error);
    /// --out records it for `provision apply FILE`
    #[command(after_help = "Examples:
  jinbao provision plan xuchang --diff               # what would change, files as diffs
  jinbao provision plan --wave pilot --out pilot.json
  jinbao provision plan hebi --role app --json       # for a script")]
    Plan(PlanArgs),
    /// Make the changes, for a target (asks first on a terminal unless --yes) or exactly as a
    /// plan FILE recorded them (a city whose servers moved since is refused)
    #[command(after_help = "Examples:
  jinbao provision apply --wave pilot          # plan, ask, change
  jinbao provision apply pilot.json            # exactly the plan `provision plan --out` wrote
  jinbao provision apply xuchang --dry-run     # the same as `provision plan xuchang`")]
    Apply(ApplyArgs),
}

/// Which servers, and how they are reached and shown.
#[derive(Debug, Args)]
pub struct HostArgs {
    #[command(flatten)]
    pub servers: ServersArgs,
    /// Show unified diffs of files
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub hosts: HostArgs,
    /// Also write the plan to FILE (JSON), for `provision apply FILE`
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub hosts: HostArgs,
    /// Show what would change, change nothing (the same as `provision plan`)
    #[arg(long, alias = "check")]
    pub dry_run: bool,
    /// Stop every host at the first failure on any host
    #[arg(long)]
    pub fail_fast: bool,
    /// Change a city outside its maintenance window, recording why
    #[arg(long, value_name = "REASON")]
    pub override_window: Option<String>,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

pub fn run(ctx: &Ctx, command: ProvisionCommand) -> Result<Exit> {
    match command {
        ProvisionCommand::Plan(args) => execute(ctx, &args.hosts, Mode::Plan(args.out.as_deref())),
        ProvisionCommand::Apply(args) => {
            let recorded = plan_file_of(ctx, &args)?;
            if args.dry_run {
                return execute(ctx, &args.hosts, Mode::Plan(None));
            }
            match recorded {
                Some((path, plan)) => apply_file(ctx, &args, &path, &plan),
                None => execute(ctx, &args.hosts, Mode::Apply(&args, None)),
            }
        }
    }
}

/// What `execute` does after planning.
enum Mode<'a> {
    /// Print the plan (and write it to the file given).
    Plan(Option<&'a Path>),
    /// Apply it; with a recorded plan, only to cities whose servers still plan the same.
    Apply(&'a ApplyArgs, Option<&'a PlanFile>),
}

/// `provision apply FILE`: the one argument is a plan file (it has a `/` or a `.json`, or is a
/// file here), never a city; a plan fixes the servers, so no other target is taken with it.
fn plan_file_of(ctx: &Ctx, args: &ApplyArgs) -> Result<Option<(PathBuf, PlanFile)>> {
    let t = &args.hosts.servers.target;
    let is_file = |a: &str| a.contains('/') || a.ends_with(".json") || Path::new(a).is_file();
    let Some(first) = t.cities.iter().find(|c| is_file(c)) else {
        return Ok(None);
    };
    if t.cities.len() > 1 || args.hosts.servers.role.is_some() {
        return Err(usage(
            format!("{first} is a plan: it names the servers itself"),
            "give the plan alone: jinbao provision apply FILE",
        ));
    }
    let path = PathBuf::from(first);
    let plan = PlanFile::read(&path)?;
    if plan.env != ctx.load.env {
        return Err(usage(
            format!(
                "the plan {} was made for the environment `{}`, not `{}`",
                path.display(),
                plan.env,
                ctx.load.env
            ),
            format!("run with --env {}", plan.env),
        ));
    }
    Ok(Some((path, plan)))
}

fn apply_file(ctx: &Ctx, args: &ApplyArgs, path: &Path, plan: &PlanFile) -> Result<Exit> {
    let hosts = HostArgs {
        servers: ServersArgs {
            target: TargetArgs {
                cities: plan.cities(),
                ..Default::default()
            },
            role: plan.role.clone(),
        },
        diff: args.hosts.diff,
        connect: args.hosts.connect.clone(),
    };
    ctx.printer.note(format!(
        "applying the plan {} of {}",
        path.display(),
        plan.created
    ));
    execute(ctx, &hosts, Mode::Apply(args, Some(plan)))
}

fn execute(ctx: &Ctx, args: &HostArgs, mode: Mode<'_>) -> Result<Exit> {
    let profiles = ctx.profiles()?;
    let fleet = ctx.fleet(
        &args.servers.target.spec(),
        args.servers.role.as_deref(),
        &args.connect,
    )?;
    if let Mode::Apply(a, _) = mode {
        let sites: Vec<_> = fleet.hosts().map(|h| profiles.of_host(h)).collect();
        ctx.window_gate(&sites, a.override_window.as_deref(), "provision apply")?;
    }
    let mut rows = provision::plan_fleet(profiles, &fleet, ctx.printer.progress(), args.diff)
        .map_err(|e| usage(e.to_string(), "fix the template or the profile"))?;
    if let Mode::Apply(_, Some(recorded)) = mode {
        plan_file::refuse_moved(&mut rows, recorded);
    }
    // a refused server changes nothing: its changes are not pending
    let pending: usize = rows
        .iter()
        .filter(|r| r.error.is_none())
        .filter_map(|r| r.plan.as_ref())
        .map(HostPlan::pending)
        .sum();
    let errors = rows.iter().any(|r| r.error.is_some());
    let (apply, recorded) = match mode {
        Mode::Apply(a, recorded) => (a, recorded),
        Mode::Plan(out) => {
            learn(ctx, args, &rows, "provision plan");
            if let Some(out) = out {
                write_plan(ctx, args, &rows, out)?;
            }
            print_plan(ctx, &rows, false)?;
            return Ok(if errors {
                Exit::Failure
            } else if pending > 0 {
                Exit::Pending
            } else {
                Exit::Success
            });
        }
    };
    if pending > 0 && !ctx.yes && !apply.confirm.yes {
        // nobody to ask (no terminal, or output for a script): only --yes goes on
        if ctx.printer.json || !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            if !ctx.printer.json {
                print_plan(ctx, &rows, false)?;
            }
            return Err(crate::error::fail(
                Exit::Blocked,
                format!(
                    "{pending} changes would be applied, and nobody was asked: nothing changed"
                ),
                "review them with `jinbao provision plan`, then run again with --yes",
            ));
        }
        // a recorded plan was reviewed already: it is not asked about again
        if recorded.is_none() {
            print_plan(ctx, &rows, false)?;
            if !ctx.confirm(&format!("apply {pending} changes?"))? {
                ctx.printer.note("nothing changed");
                return Ok(Exit::Failure);
            }
        }
    }
    provision::apply_fleet(
        profiles,
        &fleet,
        ctx.printer.progress(),
        &mut rows,
        apply.fail_fast,
    );
    audit_apply(ctx, &rows)?;
    learn(ctx, args, &rows, "provision apply");
    print_plan(ctx, &rows, true)?;
    let failed = rows
        .iter()
        .any(|r| r.error.is_some() || r.apply.as_ref().is_some_and(|a| a.failed.is_some()));
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

fn write_plan(ctx: &Ctx, args: &HostArgs, rows: &[HostRow], out: &Path) -> Result<()> {
    let salt = plan_file::new_salt();
    let file = PlanFile {
        v: 1,
        kind: plan_file::KIND.into(),
        created: crate::clock::now().to_rfc3339(),
        env: ctx.load.env.clone(),
        role: args.servers.role.clone(),
        hosts: rows
            .iter()
            .map(|r| plan_file::planned(&r.city, &r.host, r.plan.as_ref(), &salt))
            .collect(),
        salt,
    };
    file.write(out)?;
    ctx.printer.note(format!(
        "plan written to {}: apply it with `jinbao provision apply {}`",
        out.display(),
        out.display()
    ));
    Ok(())
}

/// Tells the assessment which cities provisioning found (or left) as their profile says:
/// only for a run over every server of a city that reached them all.
fn learn(ctx: &Ctx, args: &HostArgs, rows: &[HostRow], by: &str) {
    if args.servers.role.is_some() {
        return;
    }
    let mut cities: Vec<&str> = rows.iter().map(|r| r.city.as_str()).collect();
    cities.dedup();
    for city in cities {
        let mine: Vec<&HostRow> = rows.iter().filter(|r| r.city == city).collect();
        if mine.iter().any(|r| r.error.is_some()) {
            continue;
        }
        // after an apply, what failed is still to do; after a plan, what is pending
        let outstanding: usize = mine
            .iter()
            .map(|r| match (&r.apply, &r.plan) {
                (Some(a), _) => usize::from(a.failed.is_some()),
                (None, Some(p)) if by == "provision plan" => p.pending(),
                _ => 0,
            })
            .sum();
        let result =
            crate::assess::learn::provision(ctx.state_dir(), city, by, mine.len(), outstanding);
        if let Some(warning) = crate::assess::learn::recorded("the provisioning result", result) {
            ctx.printer.warn(warning);
        }
    }
}

/// One audit line per city: how many changes on how many servers, and whether any failed.
fn audit_apply(ctx: &Ctx, rows: &[HostRow]) -> Result<()> {
    let profiles = ctx.profiles()?;
    let mut cities: Vec<&str> = rows.iter().map(|r| r.city.as_str()).collect();
    cities.dedup();
    for city in cities {
        let of_city: Vec<&HostRow> = rows.iter().filter(|r| r.city == city).collect();
        let applied: usize = of_city
            .iter()
            .filter_map(|r| r.apply.as_ref())
            .map(|a| a.applied.len())
            .sum();
        let failed: Vec<&str> = of_city
            .iter()
            .filter(|r| r.error.is_some() || r.apply.as_ref().is_some_and(|a| a.failed.is_some()))
            .map(|r| r.host.as_str())
            .collect();
        if applied == 0 && failed.is_empty() {
            continue;
        }
        let what = if failed.is_empty() {
            format!("{applied} changes on {} servers", of_city.len())
        } else {
            format!("{applied} changes; failed on {}", failed.join(", "))
        };
        crate::state::audit::record(
            ctx.state_dir(),
            crate::state::audit::Entry {
                action: "provision apply",
                targets: vec![city.to_string()],
                what,
                result: if failed.is_empty() { "ok" } else { "failed" },
                identity: profiles
                    .find(city)
                    .map(|s| crate::inventory::identity(&s.profile)),
            },
        )?;
    }
    Ok(())
}

fn print_plan(ctx: &Ctx, rows: &[HostRow], applied: bool) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        return Ok(p.json(rows)?);
    }
    let mut t = p.table(&["city", "host", "resource", "action", "detail"]);
    let (mut counts, mut hosts_changed) = ([0usize; 4], 0);
    for r in rows {
        if let Some(e) = &r.error {
            t.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(&r.host, Tone::Plain),
                p.cell("-", Tone::Muted),
                p.cell("error", Tone::Bad),
                p.cell(e, Tone::Bad),
            ]);
            continue;
        }
        let Some(plan) = &r.plan else { continue };
        hosts_changed += usize::from(plan.pending() > 0);
        for c in &plan.changes {
            counts[c.action as usize] += 1;
            if c.action == Action::Unchanged && p.verbose == 0 {
                continue;
            }
            let tone = match c.action {
                Action::Create => Tone::Good,
                Action::Update => Tone::Warn,
                Action::Delete => Tone::Bad,
                Action::Unchanged => Tone::Muted,
            };
            let verb = match c.action {
                Action::Create => "create",
                Action::Update => "update",
                Action::Delete => "delete",
                Action::Unchanged => "unchanged",
            };
            t.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(&r.host, Tone::Plain),
                p.cell(&c.resource, Tone::Plain),
                p.cell(verb, tone),
                p.cell(&c.detail, Tone::Muted),
            ]);
        }
        for f in r.apply.iter().flat_map(|a| &a.refused) {
            t.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(&r.host, Tone::Plain),
                p.cell(&f.resource, Tone::Plain),
                p.cell("refused", Tone::Warn),
                p.cell(&f.reason, Tone::Warn),
            ]);
        }
        if let Some(f) = r.apply.as_ref().and_then(|a| a.failed.as_ref()) {
            let text = format!(
                "{} failed ({}): {}\n{}",
                f.resource, f.status, f.command, f.output
            );
            t.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(&r.host, Tone::Plain),
                p.cell(&f.resource, Tone::Plain),
                p.cell("FAILED", Tone::Bad),
                p.cell(text, Tone::Bad),
            ]);
        }
    }
    if t.row_count() > 0 {
        p.print_table(&t)?;
    }
    for r in rows {
        for c in r.plan.iter().flat_map(|p| &p.changes) {
            if let Some(d) = &c.diff {
                p.text(format!(
                    "--- {}/{}: {}\n{}",
                    r.city,
                    r.host,
                    c.resource,
                    d.trim_end()
                ))?;
            }
        }
    }
    let [create, update, delete, unchanged] = counts;
    let total = create + update + delete;
    if applied && total > 0 {
        let done: usize = rows
            .iter()
            .filter_map(|r| r.apply.as_ref())
            .map(|a| a.applied.len())
            .sum();
        let failed = rows
            .iter()
            .filter(|r| r.error.is_some() || r.apply.as_ref().is_some_and(|a| a.failed.is_some()))
            .count();
        p.text(format!(
            "{done} of {total} changes applied on {} hosts; {failed} hosts failed",
            rows.len()
        ))?;
        let refused: usize = rows
            .iter()
            .filter_map(|r| r.apply.as_ref())
            .map(|a| a.refused.len())
            .sum();
        if refused > 0 {
            p.warn(format!(
                "{refused} changes refused by their hosts (not applied; see the table)"
            ));
        }
        return Ok(());
    }
    let with_errors = rows.iter().filter(|r| r.error.is_some()).count();
    if with_errors > 0 && total == 0 {
        p.text(format!(
            "{with_errors} of {} hosts failed or were refused; no changes pending on the others",
            rows.len()
        ))?;
    } else if total == 0 {
        p.text(format!(
            "no changes: {} hosts, {unchanged} resources as they should be",
            rows.len()
        ))?;
    } else {
        p.text(format!("{total} changes pending on {hosts_changed} of {} hosts: {create} to create, {update} to update, {delete} to delete; {unchanged} unchanged", rows.len()))?;
    }
    Ok(())
}
