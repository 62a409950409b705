//! `jinbao lock status [CITY…]`: who holds what, since when — this controller's locks, and with
//! a target the city locks on its servers too. Breaking one is `jinbao rollout unlock`.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::cli::{ConnectArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;
use crate::state::lock::{self, Holder};

#[derive(Debug, Subcommand)]
pub enum LockCommand {
    /// Who holds which lock, since when
    #[command(after_help = "Examples:
  jinbao lock status                   # this controller's locks
  jinbao lock status --wave pilot      # and the city locks on the pilots' servers
  jinbao rollout unlock zhoukou        # break a city's lock (recorded in the audit log)")]
    Status(StatusArgs),
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Serialize)]
struct ControllerLock {
    name: String,
    #[serde(flatten)]
    holder: Holder,
}

#[derive(Serialize)]
struct Report {
    v: u32,
    controller: Vec<ControllerLock>,
    servers: Vec<crate::release::lock::Held>,
    unreachable: Vec<String>,
}

pub fn run(ctx: &Ctx, command: LockCommand) -> Result<Exit> {
    let LockCommand::Status(a) = command;
    for path in lock::damaged_locks(ctx.state_dir()) {
        ctx.printer.warn(format!(
            "{} is not a lock file (a folder or a link): no jinbao holds it, but a run needing it cannot start; remove it",
            path.display()
        ));
    }
    let controller: Vec<ControllerLock> = lock::held(ctx.state_dir())
        .into_iter()
        .map(|(name, holder)| ControllerLock { name, holder })
        .collect();
    let spec = a.target.spec();
    let (servers, unreachable) = if !spec.cities.is_empty() || spec.wave.is_some() || spec.all {
        let fleet = ctx.fleet(&spec, None, &a.connect)?;
        crate::release::lock::on_servers(ctx.profiles()?, &fleet, ctx.printer.progress())
    } else {
        (Vec::new(), Vec::new())
    };
    let p = &ctx.printer;
    let report = Report {
        v: 1,
        controller,
        servers,
        unreachable,
    };
    if p.json {
        p.json(&report)?;
    } else {
        let mut t = p.table(&["lock", "held by", "pid", "on", "since"]);
        for c in &report.controller {
            t.add_row(vec![
                p.cell(&c.name, Tone::Plain),
                p.cell(&c.holder.what, Tone::Warn),
                p.cell(c.holder.pid, Tone::Plain),
                p.cell(&c.holder.host, Tone::Plain),
                p.cell(&c.holder.since, Tone::Muted),
            ]);
        }
        for s in &report.servers {
            t.add_row(vec![
                p.cell(format!("{}/{}", s.city, s.host), Tone::Plain),
                p.cell(&s.info, Tone::Warn),
                p.cell("", Tone::Plain),
                p.cell("", Tone::Plain),
                p.cell(
                    crate::release::lock::since(&s.info)
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default(),
                    Tone::Muted,
                ),
            ]);
        }
        if report.controller.is_empty() && report.servers.is_empty() {
            p.text("no lock is held")?;
        } else {
            p.print_table(&t)?;
        }
        for u in &report.unreachable {
            p.warn(u);
        }
    }
    Ok(if report.unreachable.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}
