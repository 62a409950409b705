//! `jinbao net check <target>`: routes present and endpoints answering, from every server.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::cli::{ConnectArgs, ServersArgs};
use crate::context::Ctx;
use crate::error::Exit;
use crate::net::{self, NetResult};
use crate::output::Tone;

#[derive(Debug, Subcommand)]
pub enum NetCommand {
    /// Check every server's routes and TCP endpoints (exit 1 when one fails)
    #[command(after_help = "Examples:
  jinbao net check hebi                # routes and endpoints, seen from every Hebi server
  jinbao net check --wave pilot --role app
  jinbao net check --all --json")]
    Check(NetCheckArgs),
}

#[derive(Debug, Args)]
pub struct NetCheckArgs {
    #[command(flatten)]
    pub servers: ServersArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Serialize)]
struct Row {
    city: String,
    host: String,
    reachable: bool,
    checks: Vec<NetResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn run(ctx: &Ctx, NetCommand::Check(args): NetCommand) -> Result<Exit> {
    let profiles = ctx.profiles()?;
    let fleet = ctx.fleet(
        &args.servers.target.spec(),
        args.servers.role.as_deref(),
        &args.connect,
    )?;
    let results = fleet.each(None, ctx.printer.progress(), "net check", |host, t, _| {
        let site = profiles.of_host(host);
        Ok(net::check_host(
            t,
            site,
            host,
            std::time::Duration::from_secs(3),
        )?)
    });
    let rows: Vec<Row> = results
        .into_iter()
        .map(|r| {
            let h = fleet.host(r.index);
            let (checks, error) = match r.result {
                Ok(c) => (c, None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            };
            Row {
                city: h.city.clone(),
                host: h.name.clone(),
                reachable: error.is_none(),
                checks,
                error,
            }
        })
        .collect();
    let bad = rows
        .iter()
        .any(|r| r.error.is_some() || r.checks.iter().any(|c| !c.ok));
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
    } else {
        let mut t = p.table(&["city", "host", "check", "target", "result"]);
        for r in &rows {
            if let Some(e) = &r.error {
                t.add_row(vec![
                    p.cell(&r.city, Tone::Plain),
                    p.cell(&r.host, Tone::Plain),
                    p.cell("reach", Tone::Plain),
                    p.cell("-", Tone::Muted),
                    p.cell(e, Tone::Bad),
                ]);
            }
            for c in &r.checks {
                let label = format!("{} {}", c.check, c.name);
                let (text, tone) = if c.ok {
                    (format!("ok: {}", c.detail), Tone::Good)
                } else {
                    (format!("FAIL: {}", c.detail), Tone::Bad)
                };
                t.add_row(vec![
                    p.cell(&r.city, Tone::Plain),
                    p.cell(&r.host, Tone::Plain),
                    p.cell(label, Tone::Plain),
                    p.cell(&c.target, Tone::Muted),
                    p.cell(text, tone),
                ]);
            }
        }
        p.print_table(&t)?;
    }
    Ok(if bad { Exit::Failure } else { Exit::Success })
}
