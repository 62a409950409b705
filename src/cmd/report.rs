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

    /// html: one self-contained page; csv, markdown: the province table [default: what
    /// --out's name ends in (.csv, .md), else html]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// The language of the page's own words: zh (its readers: the province and the cities)
    /// or en
    #[arg(long, value_enum, default_value_t = ReportLang::Zh)]
    pub lang: ReportLang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportLang {
    Zh,
    En,
}

impl ReportFormat {
    /// The format a file's name says (`.csv`, `.md`, `.html`), if it says one.
    fn of_file(path: &std::path::Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(ReportFormat::Csv),
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "html" | "htm" => Some(ReportFormat::Html),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Csv => "csv",
            ReportFormat::Markdown => "markdown",
        }
    }
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
    let named = a.out.as_deref().and_then(ReportFormat::of_file);
    let format = match (a.format, named) {
        (Some(f), Some(n)) if f != n => {
            return Err(usage(
                format!(
                    "--format {} does not match --out {}, whose name says {}",
                    f.name(),
                    a.out
                        .as_deref()
                        .unwrap_or_else(|| std::path::Path::new(""))
                        .display(),
                    n.name()
                ),
                "give a file name that ends as its format does (report.csv, report.html)",
            ));
        }
        (Some(f), _) => f,
        (None, Some(n)) => n,
        (None, None) => ReportFormat::Html,
    };
    // a report is written where it is asked, never into folders it makes up
    if let Some(out) = &a.out
        && let Some(folder) = out.parent().filter(|p| !p.as_os_str().is_empty())
        && !folder.is_dir()
    {
        return Err(usage(
            format!(
                "--out {}: the folder {} does not exist",
                out.display(),
                folder.display()
            ),
            "make the folder first, or write the report elsewhere",
        ));
    }
    let profiles = ctx.profiles()?;
    let now = crate::clock::now();
    let everything = assess::assess(profiles, ctx.state_dir(), now);
    let waves = assess::waves(profiles, &everything);
    let sites: Vec<assess::SiteAssessment> =
        assess::of_sites(everything, &ctx.select(&spec)?, profiles)
            .into_iter()
            .map(|(a, _)| a)
            .collect();
    for u in assess::unreadable_once(sites.iter()) {
        ctx.printer.warn(u);
    }
    let (history, damaged) = assess::snapshot::history(ctx.state_dir());
    for u in damaged
        .iter()
        .filter(|u| !sites.iter().any(|a| a.unreadable.contains(u)))
    {
        ctx.printer.warn(u);
    }
    let text = match format {
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
                lang: match a.lang {
                    ReportLang::Zh => report::words::Lang::Zh,
                    ReportLang::En => report::words::Lang::En,
                },
            })
        }
    };
    let Some(path) = &a.out else {
        ctx.printer.text(text.trim_end())?;
        return Ok(Exit::Success);
    };
    crate::files::write_atomic(path, text.as_bytes())
        .map_err(|e| AssessError::Report {
            path: path.clone(),
            source: e,
        })
        .with_context(|| format!("jinbao report --out {}", path.display()))?;
    if ctx.printer.json {
        ctx.printer.json(&serde_json::json!({
            "out": path,
            "format": format.name(),
            "cities": sites.len(),
        }))?;
    } else {
        ctx.printer.note(format!(
            "report of {} written to {}",
            crate::numbers::plural(sites.len(), "city"),
            path.display()
        ));
    }
    Ok(Exit::Success)
}
