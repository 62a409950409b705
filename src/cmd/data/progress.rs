//! `jinbao data progress [<target>]`: which county's data is in its city's center, and how good
//! (exit 1 when a county is past its city's deadline and not fully loaded).

use anyhow::Result;
use clap::Args;

use crate::cli::TargetArgs;
use crate::context::Ctx;
use crate::data::progress;
use crate::error::Exit;
use crate::output::Tone;

#[derive(Debug, Args)]
pub struct ProgressArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Databases asked at once
    #[arg(short = 'j', long, default_value_t = crate::parallel::DEFAULT_JOBS, value_name = "N",
          value_parser = crate::cli::count)]
    pub jobs: usize,
}

pub fn run(ctx: &Ctx, a: ProgressArgs) -> Result<Exit> {
    let sites = ctx.cities_or_all(&a.target)?;
    let today = crate::clock::now().date_naive();
    let found = crate::parallel::map(&sites, a.jobs.max(1), |s| {
        progress::city(s, ctx.state_dir(), today, true)
    });
    let mut cities = Vec::new();
    for (site, r) in sites.iter().zip(found) {
        let p = r.map_err(|e| anyhow::anyhow!("{}: {e}", site.pinyin()))?;
        progress::record(ctx.state_dir(), &p)?;
        for u in &p.unreadable {
            ctx.printer.warn(u);
        }
        cities.push(p);
    }
    let p = &ctx.printer;
    if p.json {
        p.json(&cities)?;
    } else {
        for c in &cities {
            let done = c.counties.iter().filter(|x| x.loaded).count();
            p.text(format!(
                "{}: {done} of {} counties fully loaded ({:.0}%){}{}",
                c.city,
                c.counties.len(),
                c.share_loaded * 100.0,
                c.deadline
                    .as_ref()
                    .map(|d| format!(", deadline {d}"))
                    .unwrap_or_default(),
                if c.overdue { ", OVERDUE" } else { "" }
            ))?;
            let mut t = p.table(&[
                "county",
                "loaded",
                "missing",
                "last import",
                "rows",
                "rejected",
                "reconciliation",
                "open problems",
            ]);
            for x in &c.counties {
                let missing: Vec<&str> = progress::CORE
                    .iter()
                    .copied()
                    .filter(|core| !x.entities.iter().any(|e| e.entity == *core && e.loaded))
                    .collect();
                t.add_row(vec![
                    p.cell(format!("{} {}", x.county, x.name), Tone::Plain),
                    p.cell(
                        if x.loaded { "yes" } else { "no" },
                        match (x.loaded, c.overdue) {
                            (true, _) => Tone::Good,
                            (false, true) => Tone::Bad,
                            (false, false) => Tone::Warn,
                        },
                    ),
                    p.cell(missing.join(", "), Tone::Muted),
                    p.cell(
                        x.last_import
                            .as_deref()
                            .map_or("-".into(), crate::clock::shown_rfc3339),
                        Tone::Muted,
                    ),
                    p.cell(x.rows, Tone::Plain),
                    p.count_cell(x.rejected, x.rejected),
                    p.cell(
                        &x.reconciliation,
                        if x.reconciliation.starts_with("differs") {
                            Tone::Bad
                        } else {
                            Tone::Muted
                        },
                    ),
                    p.cell(
                        x.open_problems.map_or("-".to_string(), |n| n.to_string()),
                        if x.open_problems.unwrap_or(0) > 0 {
                            Tone::Warn
                        } else {
                            Tone::Muted
                        },
                    ),
                ]);
            }
            p.print_table(&t)?;
        }
    }
    Ok(if cities.iter().any(|c| c.overdue) {
        Exit::Failure
    } else {
        Exit::Success
    })
}
