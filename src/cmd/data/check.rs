//! `jinbao data check <target>` and `data check --province --cross-city`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::TargetArgs;
use crate::context::Ctx;
use crate::data::check;
use crate::data::csv_out::OutEncoding;
use crate::data::rules::Severity;
use crate::error::{Exit, usage};
use crate::output::Tone;
use crate::profile::target::TargetSpec;
use crate::state::data_checks::{self, CheckRecord};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The province center's database; with --cross-city: across every city
    #[arg(long)]
    pub province: bool,
    /// Persons enrolled in the same insurance in two cities for overlapping periods
    #[arg(long)]
    pub cross_city: bool,
    /// Only these rules (comma list of names)
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub rule: Vec<String>,
    /// Print each rule's SQL (as run on the city's engine), run nothing
    #[arg(long, alias = "show-sql")]
    pub dry_run: bool,
    /// Databases checked at once
    #[arg(short = 'j', long, default_value_t = 4, value_name = "N", value_parser = crate::cli::count)]
    pub jobs: usize,
    /// Rules run at once on each database (one connection each): the engine's cores work
    /// on several rules together
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = crate::cli::count)]
    pub rule_jobs: usize,
    /// Write problem-data lists for the counties: DIR/<county>/<rule>.csv with every violating
    /// row, its value and a hint (personal data: files 0600 in 0700 folders, audited)
    #[arg(long, value_name = "DIR")]
    pub lists: Option<PathBuf>,
    /// Encoding of the lists: utf-8 (with a BOM, opens in Excel) or gbk
    #[arg(
        long,
        default_value = "utf-8",
        value_name = "ENCODING",
        requires = "lists"
    )]
    pub encoding: String,
    /// Run every rule alone instead of fusing a table's row-level rules into one scan (to
    /// compare; the results are the same)
    #[arg(long, hide = true)]
    pub no_fuse: bool,
    /// Evaluate every rule over every row, whatever the database keeps (by default each rule
    /// is evaluated only where the loads since its last check changed something it reads;
    /// rows edited by hand, outside jinbao, are seen only by --full)
    #[arg(long)]
    pub full: bool,
}

pub fn run(ctx: &Ctx, a: CheckArgs) -> Result<Exit> {
    if a.cross_city {
        return cross_city(ctx, &a);
    }
    let mut spec = TargetSpec {
        province: a.province,
        ..a.target.spec()
    };
    if spec.is_empty() {
        spec.all = true;
    }
    let sites = ctx.select(&spec)?;
    let templates = ctx.profiles()?.templates_dir.clone();
    // a rule name that is no rule of a city is refused before any database is asked
    for site in &sites {
        if let Err(check::CheckError::UnknownRule { name, city, hint }) =
            check::selected(&templates, site, &a.rule)
        {
            return Err(usage(format!("no rule named `{name}` for {city}"), hint));
        }
    }
    if a.dry_run {
        for site in &sites {
            let rules = check::selected(&templates, site, &a.rule)?;
            for (names, sql) in check::statements(&rules, site.profile.database.engine, !a.no_fuse)?
            {
                ctx.printer.text(format!(
                    "-- {} / {}\n{sql};",
                    site.pinyin(),
                    names.join(", ")
                ))?;
            }
        }
        return Ok(Exit::Success);
    }
    let lists = match &a.lists {
        Some(dir) => {
            // the folder is made ours and 0700 before anything is written in it
            crate::files::owned_private_dir(dir, true)?;
            Some(check::ListSpec {
                dir: dir.clone(),
                encoding: match a.encoding.to_lowercase().as_str() {
                    "utf-8" | "utf8" => OutEncoding::Utf8Bom,
                    "gbk" | "gb18030" => OutEncoding::Gbk,
                    other => {
                        return Err(usage(
                            format!("no list encoding `{other}`"),
                            "utf-8 (with a BOM, for Excel) or gbk",
                        ));
                    }
                },
            })
        }
        None => None,
    };
    // per-rule progress on a terminal: a check of a big city takes a while
    let total: usize = sites
        .iter()
        .filter_map(|s| check::selected(&templates, s, &a.rule).ok())
        .map(|r| r.len())
        .sum();
    let bar = ctx
        .printer
        .progress()
        .count_bar(Some(total as u64), "rules");
    let tell = |city: &str, rule: &str| {
        bar.inc(1);
        bar.set_message(format!("{city}: {rule}"));
    };
    let check_spec = check::Spec {
        templates: &templates,
        only: &a.rule,
        rule_jobs: a.rule_jobs,
        lists: lists.as_ref(),
        fuse: !a.no_fuse,
        progress: Some(&tell),
        full: a.full,
    };
    let mut results = crate::parallel::map(&sites, a.jobs, |site| check::city(site, &check_spec));
    bar.finish_and_clear();
    for r in results.iter_mut().filter(|r| r.error.is_none()) {
        for u in check::fixed_since_last(ctx.state_dir(), r)? {
            ctx.printer.warn(u);
        }
        data_checks::append(
            ctx.state_dir(),
            &CheckRecord {
                time: crate::clock::now().to_rfc3339(),
                city: r.city.clone(),
                score: r.score,
                rules: r.rules.len(),
                failed_errors: r.failed(Severity::Error),
                failed_warnings: r.failed(Severity::Warning),
                violations: r.rules.iter().map(|x| x.violations).sum(),
                min_score: r.min_score,
                by_county: r.by_county(),
                partial: r.partial,
            },
        )?;
        audit_lists(ctx, r)?;
    }
    ctx.tell_assessment(crate::assess::learn::keep_snapshot);
    print(ctx, &results)?;
    let failed = results
        .iter()
        .any(|r| r.error.is_some() || r.failed_errors() > 0);
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

/// Every problem list written is one line in the audit log (per county: its files and rows).
fn audit_lists(ctx: &Ctx, r: &check::CityCheck) -> Result<()> {
    let mut per_county: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (path, rows) in &r.lists {
        let county = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        per_county
            .entry(county)
            .or_default()
            .push(format!("{} ({rows} rows)", path.display()));
    }
    for (county, files) in per_county {
        crate::state::audit::record(
            ctx.state_dir(),
            crate::state::audit::Entry {
                action: "data check --lists",
                targets: vec![format!("{}/{county}", r.city)],
                what: format!("problem lists written: {}", files.join(", ")),
                result: "ok",
                identity: None,
            },
        )?;
    }
    Ok(())
}

fn print(ctx: &Ctx, results: &[check::CityCheck]) -> Result<()> {
    let p = &ctx.printer;
    // on stderr, with --json too
    for r in results {
        for w in &r.list_warnings {
            p.warn(format!("{}: {w}", r.city));
        }
    }
    if p.json {
        return Ok(p.json(results)?);
    }
    for r in results {
        if let Some(e) = &r.error {
            p.text(format!("{}: not checked: {e}", r.city))?;
            continue;
        }
        let mut t = p.table(&["rule", "severity", "violations", "fixed", "samples", "ms"]);
        for x in &r.rules {
            if x.passed && p.verbose == 0 && x.fixed.unwrap_or(0) == 0 {
                continue;
            }
            let tone = match (x.passed, x.severity) {
                (true, _) => Tone::Good,
                (false, Severity::Error) => Tone::Bad,
                (false, Severity::Warning) => Tone::Warn,
                (false, Severity::Info) => Tone::Muted,
            };
            t.add_row(vec![
                p.cell(&x.name, Tone::Plain),
                p.cell(x.severity.as_str(), Tone::Muted),
                p.cell(x.violations, tone),
                p.cell(
                    x.fixed.map_or("-".to_string(), |n| n.to_string()),
                    if x.fixed.unwrap_or(0) > 0 {
                        Tone::Good
                    } else {
                        Tone::Muted
                    },
                ),
                p.cell(
                    x.samples
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" "),
                    Tone::Muted,
                ),
                p.cell(x.ms, Tone::Muted),
            ]);
        }
        let failed = r.rules.iter().filter(|x| !x.passed).count();
        if r.partial {
            p.text(format!(
                "{}: partial check (--rule), {} of {} rules found problems; the city's data score is that of its last full check",
                r.city,
                failed,
                r.rules.len()
            ))?;
        } else {
            p.text(format!(
                "{}: score {} (at least {} wanted), {} of {} rules found problems",
                r.city,
                crate::output::tenths(r.score),
                r.min_score,
                failed,
                r.rules.len()
            ))?;
        }
        if t.row_count() > 0 {
            p.print_table(&t)?;
        }
        if !r.lists.is_empty() {
            let rows: u64 = r.lists.iter().map(|(_, n)| n).sum();
            p.note(format!(
                "{}: {} problem lists, {rows} rows (personal data: for the counties only)",
                r.city,
                r.lists.len()
            ));
        }
    }
    Ok(())
}

fn cross_city(ctx: &Ctx, a: &CheckArgs) -> Result<Exit> {
    let sites = ctx.cities_or_all(&a.target)?;
    let mut found = crate::data::crosscity::find(&sites)?;
    for d in &mut found.duplicates {
        d.id_number = crate::privacy::id(&d.id_number).into_owned();
    }
    let p = &ctx.printer;
    if p.json {
        p.json(&found)?;
    } else {
        let mut t = p.table(&["ID number", "insurance", "cities (enrolled on → ended on)"]);
        for d in &found.duplicates {
            let cities: Vec<String> = d
                .cities
                .iter()
                .map(|(c, (a, b))| {
                    format!(
                        "{c} {} → {}",
                        a.as_deref().unwrap_or("?"),
                        b.as_deref().unwrap_or("now")
                    )
                })
                .collect();
            t.add_row(vec![
                p.cell(&d.id_number, Tone::Plain),
                p.cell(&d.insurance_type, Tone::Plain),
                p.cell(cities.join("; "), Tone::Bad),
            ]);
        }
        if !found.duplicates.is_empty() {
            p.print_table(&t)?;
        }
        for (city, why) in &found.skipped {
            p.note(format!("{city} left out: {why}"));
        }
        p.text(format!(
            "{} cities: {} key hashes exchanged, {} shared keys read back, {} persons enrolled twice",
            found.cities, found.hashes, found.candidates, found.duplicates.len()
        ))?;
    }
    Ok(if found.duplicates.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}
