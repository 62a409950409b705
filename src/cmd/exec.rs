//! `jinbao exec <target> -- <command…>`: one ad-hoc command on every server, a row per host.
//! On the local transport it runs on this machine, in the host's folder (`$JINBAO_HOST_ROOT`).

use std::time::Duration;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::cli::{ConnectArgs, ServersArgs};
use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;

#[derive(Debug, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub servers: ServersArgs,
    /// Give up on a host's command after this long (default: the profile's command_timeout)
    #[arg(long, value_parser = humantime::parse_duration)]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The command, after `--`: one argument is a command line for the remote shell (`'a | b'`),
    /// two or more are each passed as given
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Serialize)]
struct ExecRow {
    city: String,
    host: String,
    reachable: bool,
    /// The command's exit status (None when it did not finish).
    status: Option<i32>,
    stdout: String,
    stderr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

pub fn run(ctx: &Ctx, args: ExecArgs) -> Result<Exit> {
    let fleet = ctx.fleet(
        &args.servers.target.spec(),
        args.servers.role.as_deref(),
        &args.connect,
    )?;
    ctx.audit_gate("exec")?;
    let command = command_line(&args.command);
    let profiles = ctx.profiles()?;
    // what a server prints may be a secret jinbao put there (a database password file): every
    // secret of the cities reached is known before any output is shown, so it is masked
    // once per city, not per server: each secret file is read once
    let mut cities: Vec<&str> = fleet.hosts().map(|h| h.city.as_str()).collect();
    cities.sort_unstable();
    cities.dedup();
    for site in cities.into_iter().filter_map(|c| profiles.find(c)) {
        let p = &site.profile;
        for secret in p
            .database
            .secrets()
            .chain(p.datacenter.ssh.passphrase.as_ref())
        {
            let _ = secret.resolve();
        }
    }
    let results = fleet.each(None, ctx.printer.progress(), "exec", |host, t, _| {
        let timeout = args.timeout.unwrap_or_else(|| {
            profiles
                .find(&host.city)
                .map_or(Duration::from_secs(600), |s| {
                    s.profile.datacenter.ssh.command_timeout
                })
        });
        Ok(t.run(&command, b"", timeout)?)
    });
    let rows: Vec<ExecRow> = results
        .into_iter()
        .map(|r| {
            let host = fleet.host(r.index);
            let mut row = ExecRow {
                city: host.city.clone(),
                host: host.name.clone(),
                reachable: true,
                status: None,
                stdout: String::new(),
                stderr: String::new(),
                error: None,
                reason: None,
            };
            match r.result {
                Ok(out) => {
                    row.status = Some(out.status);
                    row.stdout = out.stdout_text();
                    row.stderr = out.stderr_text();
                }
                Err(e) => {
                    row.reachable = !e.is_unreachable()
                        && !matches!(e, crate::fleet::HostError::Unreachable(_));
                    row.reason = Some(e.reason());
                    row.error = Some(e.to_string());
                }
            }
            row
        })
        .collect();
    let failed = rows.iter().filter(|r| r.status != Some(0)).count();
    // an ad-hoc command may change anything: it is recorded like every other change
    let mut cities: Vec<String> = rows.iter().map(|r| r.city.clone()).collect();
    cities.dedup();
    crate::state::audit::record(
        ctx.state_dir(),
        crate::state::audit::Entry {
            action: "exec",
            targets: cities,
            what: format!(
                "`{}` on {} servers ({failed} failed)",
                crate::profile::safe::excerpt(&command),
                rows.len()
            ),
            result: if failed == 0 { "ok" } else { "failed" },
            identity: fleet
                .hosts()
                .next()
                .and_then(|h| profiles.find(&h.city))
                .map(|s| crate::inventory::identity(&s.profile)),
        },
    )?;
    print(ctx, &rows)?;
    if failed > 0 {
        ctx.printer
            .note(format!("{failed} of {} hosts failed", rows.len()));
        return Ok(Exit::Failure);
    }
    Ok(Exit::Success)
}

fn print(ctx: &Ctx, rows: &[ExecRow]) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        p.json(rows)?;
        return Ok(());
    }
    let mut t = p.table(&["city", "host", "exit", "output"]);
    for r in rows {
        let (exit, tone) = match (r.status, &r.error) {
            (Some(0), _) => ("0".to_string(), Tone::Good),
            (Some(s), _) => (s.to_string(), Tone::Bad),
            (None, _) => (r.reason.unwrap_or("error").to_string(), Tone::Bad),
        };
        let text = match &r.error {
            Some(e) => e.clone(),
            None if p.verbose > 0 => format!("{}{}", r.stdout, r.stderr).trim_end().to_string(),
            None => first_line(if r.stdout.trim().is_empty() {
                &r.stderr
            } else {
                &r.stdout
            }),
        };
        t.add_row(vec![
            p.cell(&r.city, Tone::Plain),
            p.cell(&r.host, Tone::Plain),
            p.cell(exit, tone),
            p.cell(text, Tone::Plain),
        ]);
    }
    p.print_table(&t)?;
    Ok(())
}

/// One argument is a command line for the remote shell, as ssh takes it (`-- 'a | b'`); two
/// or more are each kept as given, quoted for the remote shell (`-- echo 'a  b'`).
fn command_line(args: &[String]) -> String {
    match args {
        [one] => one.clone(),
        many => many
            .iter()
            .map(|a| crate::transport::shell_quote(a))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The first line, shortened to fit a table cell, and how many lines more there are (shown
/// with -v).
fn first_line(text: &str) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let Some(first) = lines.first() else {
        return String::new();
    };
    let mut s: String = first.chars().take(80).collect();
    if first.chars().count() > 80 {
        s.push_str(" …");
    }
    match lines.len() - 1 {
        0 => {}
        1 => s.push_str(" (1 more line: -v shows it)"),
        n => s.push_str(&format!(" ({n} more lines: -v shows them)")),
    }
    s
}
