//! `jinbao ping <target>`: connect to every server, measure, and gather basic facts.

use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::cli::{ConnectArgs, ServersArgs};
use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;
use crate::server_facts::{self, Facts};

#[derive(Debug, Args)]
pub struct PingArgs {
    #[command(flatten)]
    pub servers: ServersArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Serialize)]
struct PingRow {
    city: String,
    host: String,
    address: Option<String>,
    transport: &'static str,
    reachable: bool,
    /// Connection set-up: TCP, key exchange, host key check, authentication.
    connect_ms: Option<f64>,
    /// One command's round trip on the open connection.
    latency_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<Facts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

pub fn run(ctx: &Ctx, args: PingArgs) -> Result<Exit> {
    let fleet = ctx.fleet(
        &args.servers.target.spec(),
        args.servers.role.as_deref(),
        &args.connect,
    )?;
    let results = fleet.each(None, ctx.printer.progress(), "ping", |_, t, _| {
        let start = Instant::now();
        let out = t.run(server_facts::SCRIPT, b"", Duration::from_secs(30))?;
        let latency = start.elapsed();
        anyhow::ensure!(
            out.ok(),
            "facts script failed: {}",
            out.stderr_text().trim()
        );
        Ok((latency, Facts::parse(&out.stdout_text())))
    });
    let rows: Vec<PingRow> = results
        .into_iter()
        .map(|r| {
            let host = fleet.host(r.index);
            let (reachable, latency, facts, error, reason) = match r.result {
                Ok((lat, f)) => (true, Some(ms(lat)), Some(f), None, None),
                Err(e) => (false, None, None, Some(e.to_string()), Some(e.reason())),
            };
            PingRow {
                city: host.city.clone(),
                host: host.name.clone(),
                address: host.endpoint.address.map(|a| a.to_string()),
                transport: transport_name(host),
                reachable,
                connect_ms: fleet.connect_time(r.index).filter(|_| reachable).map(ms),
                latency_ms: latency,
                facts,
                error,
                reason,
            }
        })
        .collect();
    let failed = rows.iter().filter(|r| !r.reachable).count();
    print(ctx, &rows)?;
    if failed > 0 {
        ctx.printer
            .note(format!("{failed} of {} hosts unreachable", rows.len()));
        return Ok(Exit::Failure);
    }
    Ok(Exit::Success)
}

pub fn transport_name(host: &crate::inventory::Host) -> &'static str {
    match host.endpoint.kind {
        crate::profile::TransportKind::Ssh if host.endpoint.jump.is_some() => "ssh+jump",
        crate::profile::TransportKind::Ssh => "ssh",
        crate::profile::TransportKind::Local => "local",
    }
}

fn print(ctx: &Ctx, rows: &[PingRow]) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        p.json(rows)?;
        return Ok(());
    }
    let mut t = p.table(&[
        "city",
        "host",
        "address",
        "via",
        "ok",
        "connect",
        "rtt",
        "os",
        "kernel",
        "cpus",
        "memory",
        "disk free",
    ]);
    for r in rows {
        let mut row = vec![
            p.cell(&r.city, Tone::Plain),
            p.cell(&r.host, Tone::Plain),
            p.cell(r.address.as_deref().unwrap_or("-"), Tone::Muted),
            p.cell(r.transport, Tone::Muted),
        ];
        match (&r.facts, &r.error) {
            (Some(f), _) => row.extend([
                p.cell("yes", Tone::Good),
                p.cell(format!("{} ms", r.connect_ms.unwrap_or(0.0)), Tone::Plain),
                p.cell(format!("{} ms", r.latency_ms.unwrap_or(0.0)), Tone::Plain),
                p.cell(&f.os, Tone::Plain),
                p.cell(&f.kernel, Tone::Plain),
                p.cell(f.cpus, Tone::Plain),
                p.cell(
                    format!("{:.1} GiB", f.mem_total_kb as f64 / 1048576.0),
                    Tone::Plain,
                ),
                p.cell(
                    format!("{:.1} GiB", f.disk_free_kb as f64 / 1048576.0),
                    Tone::Plain,
                ),
            ]),
            (None, _) => {
                row.push(p.cell("NO", Tone::Bad));
                row.push(p.cell(r.reason.unwrap_or("error"), Tone::Bad));
            }
        }
        t.add_row(row);
    }
    p.print_table(&t)?;
    for r in rows {
        if let Some(e) = &r.error {
            p.text(format!("{}/{}: {e}", r.city, r.host))?;
        }
    }
    Ok(())
}
