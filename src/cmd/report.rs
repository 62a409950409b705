//! `jinbao report [<target>] [--out FILE] [--format html|csv|markdown]`: the province's
//! assessment as one self-contained HTML page, or its province table for mail and wikis.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::assess::{self, AssessError};
use crate::cli::TargetArgs;
use crate::context::Ctx;
use crate::error::{Exit, usage};
use crate::profile::target::TargetSpec;
use crate::report::{self, Made, Report};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Cities to report on [default: every city]
    #[command(flatten)]
    pub target: TargetArgs,

    /// Also the province center
    #[arg(long)]
    pub province: bool,

    /// Write it to this file (replaced atomically) [default: stdout]
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// html: one self-contained page; csv, markdown: the province table
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Csv,
    Markdown,
}

pub fn run(ctx: &Ctx, a: ReportArgs) -> Result<Exit> {
    let mut spec = TargetSpec {
        province: a.province,
        ..a.target.spec()
    };
    let every = a.target.cities.is_empty() && a.target.wave.is_none();
    if every {
        spec.all = true;
    }
    if ctx.printer.json && a.out.is_none() {
        return Err(usage(
            "--json needs --out: the report itself goes to the file",
            "jinbao report --out report.html --json, or jinbao status --json for the numbers",
        ));
    }
    let profiles = ctx.profiles()?;
    let now = crate::clock::now();
    let everything = assess::assess(profiles, ctx.state_dir(), now);
    let waves = assess::waves(profiles, &everything);
    let sites: Vec<assess::SiteAssessment> = super::status::of_target(ctx, &spec, everything)?
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    super::status::warn_unreadable(ctx, sites.iter());
    let (history, damaged) = assess::snapshot::history(ctx.state_dir());
    for u in damaged
        .iter()
        .filter(|u| !sites.iter().any(|a| a.unreadable.contains(u)))
    {
        ctx.printer.warn(u);
    }
    let text = match a.format {
        ReportFormat::Csv => report::table::csv(&sites)?,
        ReportFormat::Markdown => report::table::markdown(&sites),
        ReportFormat::Html => {
            let target = if every {
                "every city".to_string()
            } else {
                let mut words: Vec<String> = a.target.cities.clone();
                if let Some(w) = &a.target.wave {
                    words.push(format!("wave {w}"));
                }
                words.join(", ")
            };
            report::html::render(&Report {
                made: Made {
                    time: now,
                    version: env!("CARGO_PKG_VERSION"),
                    env: profiles.env.name.clone(),
                    state_dir: ctx.state_dir().display().to_string(),
                    profiles_dir: profiles.dir.display().to_string(),
                    target,
                },
                province: &profiles.province.name,
                sites: &sites,
                waves: &waves,
                history: &history,
                config: &profiles.assessment,
            })
        }
    };
    let Some(path) = &a.out else {
        ctx.printer.text(text.trim_end())?;
        return Ok(Exit::Success);
    };
    crate::state::files::write_atomic(path, text.as_bytes())
        .map_err(|e| AssessError::Report {
            path: path.clone(),
            source: e,
        })
        .with_context(|| format!("jinbao report --out {}", path.display()))?;
    if ctx.printer.json {
        ctx.printer.json(&serde_json::json!({
            "out": path,
            "format": a.format.to_possible_value().map(|v| v.get_name().to_string()),
            "cities": sites.len(),
        }))?;
    } else {
        ctx.printer.note(format!(
            "report of {} written to {}",
            crate::assess::plural(sites.len(), "city"),
            path.display()
        ));
    }
    Ok(Exit::Success)
}
