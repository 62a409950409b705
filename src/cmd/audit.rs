//! `jinbao audit [TARGET] [--since 7d]`: the changes jinbao made, newest last.

use std::time::Duration;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;
use crate::state::audit::{self, AuditRecord, Filter};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  jinbao audit                       every recorded change
  jinbao audit xuchang --since 7d    what was done to Xuchang this week
  jinbao audit --since 1d --json     for scripts")]
pub struct AuditArgs {
    /// Cities (pinyin, Chinese name or code) or hosts (`city/server`); all when none
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Only records newer than this (e.g. 7d, 12h)
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub since: Option<Duration>,
}

#[derive(Serialize)]
struct Report<'a> {
    v: u32,
    records: &'a [AuditRecord],
    /// Lines of the log that could not be read (a crash mid-write, or damage).
    unreadable: usize,
}

pub fn run(ctx: &Ctx, a: AuditArgs) -> Result<Exit> {
    let mut targets = Vec::new();
    for t in &a.targets {
        // a city by any of its names; anything else (a host label, `province`) as written
        match ctx.profiles()?.find(t) {
            Some(site) => targets.push(site.pinyin().to_string()),
            None if t.contains('/') => targets.push(t.clone()),
            None => {
                ctx.site(t)?;
            }
        }
    }
    // a span longer than the calendar reaches back means every record, never a panic
    let since = a.since.map(|d| {
        chrono::Duration::from_std(d)
            .ok()
            .and_then(|d| crate::clock::now().checked_sub_signed(d))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
    });
    let (records, unreadable) = audit::read(ctx.state_dir(), &Filter { targets, since })?;
    let p = &ctx.printer;
    // each damaged line by its number, on stderr (with --json too)
    for u in &unreadable {
        p.warn(u);
    }
    if p.json {
        p.json(&Report {
            v: 1,
            records: &records,
            unreadable: unreadable.len(),
        })?;
        return Ok(Exit::Success);
    }
    let mut t = p.table(&["time", "operator", "action", "targets", "what", "result"]);
    for r in &records {
        let tone = match r.result.as_str() {
            "ok" | "deployed" | "already" | "switched" => Tone::Good,
            "" => Tone::Plain,
            _ => Tone::Bad,
        };
        t.add_row(vec![
            p.cell(crate::clock::shown_rfc3339(&r.time), Tone::Muted),
            p.cell(&r.operator, Tone::Plain),
            p.cell(&r.action, Tone::Plain),
            p.cell(r.targets.join(", "), Tone::Plain),
            p.cell(&r.what, Tone::Plain),
            p.cell(&r.result, tone),
        ]);
    }
    if records.is_empty() {
        p.note(format!(
            "no recorded change in {}",
            audit::path(ctx.state_dir()).display()
        ));
    } else {
        p.print_table(&t)?;
    }
    if !unreadable.is_empty() {
        p.warn(format!(
            "{} lines of {} could not be read",
            unreadable.len(),
            audit::path(ctx.state_dir()).display()
        ));
    }
    Ok(Exit::Success)
}
