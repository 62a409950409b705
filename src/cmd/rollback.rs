//! `jinbao rollback <city> [--to VERSION]`: switch a city back to its previous release (or to
//! VERSION), under the city lock, and check its health.

use anyhow::Result;
use clap::Args;

use crate::cli::{ConnectArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The city (pinyin, Chinese name or code)
    pub city: String,
    /// The release to go back to [default: the one installed before the current]
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Change the city outside its maintenance window, recording why
    #[arg(long, value_name = "REASON")]
    pub override_window: Option<String>,
    /// Wait this long for a city lock another run holds
    #[arg(long, value_parser = humantime::parse_duration, default_value = "0s", value_name = "DURATION")]
    pub lock_wait: std::time::Duration,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

pub fn run(ctx: &Ctx, a: RollbackArgs) -> Result<Exit> {
    let site = ctx.site(&a.city)?;
    ctx.window_gate(&[site], a.override_window.as_deref(), "rollback")?;
    let target = TargetArgs {
        cities: vec![site.pinyin().into()],
        ..Default::default()
    };
    let fleet = ctx.fleet(&target.spec(), None, &a.connect)?;
    let report = crate::release::rollback::rollback(
        ctx.state_dir(),
        ctx.printer.progress(),
        &fleet,
        site,
        a.to.as_deref(),
        a.lock_wait,
    )?;
    let pr = &ctx.printer;
    if pr.json {
        let rows: Vec<_> = report
            .hosts
            .iter()
            .map(|h| {
                serde_json::json!({
                    "city": h.city,
                    "host": h.host,
                    "release": report.to,
                    "ok": h.result.is_ok(),
                    "error": h.result.as_ref().err(),
                })
            })
            .collect();
        pr.json(&rows)?;
    } else {
        let mut t = pr.table(&["city", "host", "release", "result"]);
        for h in &report.hosts {
            let (text, tone) = match &h.result {
                Ok(()) => ("switched back, healthy".to_string(), Tone::Good),
                Err(e) => (format!("failed: {e}"), Tone::Bad),
            };
            t.add_row(vec![
                pr.cell(&h.city, Tone::Plain),
                pr.cell(&h.host, Tone::Plain),
                pr.cell(&report.to, Tone::Plain),
                pr.cell(text, tone),
            ]);
        }
        pr.print_table(&t)?;
    }
    Ok(if report.failed() {
        Exit::Failure
    } else {
        Exit::Success
    })
}
