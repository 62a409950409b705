//! `jinbao releases <target>`: what is installed on each server and which release is current,
//! flagging the servers of a city that disagree.

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::cli::{ConnectArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;
use crate::release::remote;

#[derive(Debug, Args)]
pub struct ReleasesArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Drop from each server's release store the contents no kept release uses (an hour old
    /// at least; rollouts do this too)
    #[arg(long)]
    pub gc: bool,
    #[command(flatten)]
    pub confirm: crate::cli::ConfirmArgs,
}

/// What `releases --gc` did on one server.
#[derive(Serialize)]
pub struct Pruned {
    pub city: String,
    pub host: String,
    /// Contents dropped from its store.
    pub pruned: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn gc(ctx: &Ctx, a: &ReleasesArgs) -> Result<Exit> {
    let p = &ctx.printer;
    if !ctx.agreed(
        a.confirm.yes,
        "the release stores would be pruned",
        "run again with --yes",
        "drop from every server's store what no kept release uses?",
    )? {
        p.note("nothing changed");
        return Ok(Exit::Failure);
    }
    let fleet = ctx.fleet(&a.target.spec(), None, &a.connect)?;
    let results = crate::release::content::prune_stores(ctx.profiles()?, &fleet, p.progress());
    let rows: Vec<Pruned> = results
        .into_iter()
        .map(|r| {
            let h = fleet.host(r.index);
            let (pruned, error) = match r.result {
                Ok(n) => (n, None),
                Err(e) => (0, Some(e.to_string())),
            };
            Pruned {
                city: h.city.clone(),
                host: h.name.clone(),
                pruned,
                error,
            }
        })
        .collect();
    if p.json {
        p.json(&rows)?;
    } else {
        let mut t = p.table(&["city", "host", "pruned", "note"]);
        for r in &rows {
            t.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(&r.host, Tone::Plain),
                p.cell(r.pruned.to_string(), Tone::Plain),
                p.cell(r.error.as_deref().unwrap_or(""), Tone::Bad),
            ]);
        }
        p.print_table(&t)?;
    }
    Ok(if rows.iter().any(|r| r.error.is_some()) {
        Exit::Failure
    } else {
        Exit::Success
    })
}

#[derive(Serialize)]
pub struct Row {
    pub city: String,
    pub host: String,
    pub current: Option<String>,
    pub installed: Vec<String>,
    /// True when every server of the city has the same current release.
    pub agrees: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The releases of every app and web server of the target.
pub fn gather(ctx: &Ctx, target: &TargetArgs, connect: &ConnectArgs) -> Result<Vec<Row>> {
    let fleet = ctx.fleet(&target.spec(), None, connect)?;
    let profiles = ctx.profiles()?;
    let results =
        remote::preflight_app_servers(profiles, &fleet, ctx.printer.progress(), "releases", "-");
    let mut rows: Vec<Row> = results
        .into_iter()
        .map(|r| {
            let h = fleet.host(r.index);
            let (f, error) = match r.result {
                Ok(f) => (f, None),
                Err(e) => (Default::default(), Some(e.to_string())),
            };
            Row {
                city: h.city.clone(),
                host: h.name.clone(),
                current: f.current,
                installed: f.installed,
                agrees: true,
                lock: f.lock,
                error,
            }
        })
        .collect();
    let cities: Vec<String> = rows.iter().map(|r| r.city.clone()).collect();
    for c in cities {
        let mut currents: Vec<&Option<String>> = rows
            .iter()
            .filter(|r| r.city == c && r.error.is_none())
            .map(|r| &r.current)
            .collect();
        currents.dedup();
        let agree = currents.len() <= 1;
        for r in rows.iter_mut().filter(|r| r.city == c) {
            r.agrees = agree;
        }
    }
    Ok(rows)
}

pub fn run(ctx: &Ctx, a: ReleasesArgs) -> Result<Exit> {
    if a.gc {
        return gc(ctx, &a);
    }
    let rows = gather(ctx, &a.target, &a.connect)?;
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
    } else {
        let mut t = p.table(&["city", "host", "current", "installed", "note"]);
        for r in &rows {
            let note = match (&r.error, r.agrees, &r.lock) {
                (Some(e), _, _) => p.cell(e, Tone::Bad),
                (None, false, _) => p.cell("servers of this city disagree", Tone::Bad),
                (None, true, Some(l)) => p.cell(format!("locked: {l}"), Tone::Warn),
                _ => p.cell("", Tone::Plain),
            };
            t.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(&r.host, Tone::Plain),
                p.cell(
                    r.current.as_deref().unwrap_or("-"),
                    if r.agrees { Tone::Good } else { Tone::Bad },
                ),
                p.cell(r.installed.join(", "), Tone::Muted),
                note,
            ]);
        }
        p.print_table(&t)?;
    }
    Ok(if rows.iter().any(|r| r.error.is_some() || !r.agrees) {
        Exit::Failure
    } else {
        Exit::Success
    })
}
