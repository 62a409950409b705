//! `jinbao data check <target>` and `data check --province --cross-city`.

use std::sync::Mutex;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::cli::TargetArgs;
use crate::context::Ctx;
use crate::data::history::{self, CheckRecord};
use crate::data::rules::{self, RuleResult, Severity};
use crate::db::{self, Account, Conn};
use crate::error::Exit;
use crate::output::Tone;
use crate::profile::Site;
use crate::profile::target::TargetSpec;

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
    #[arg(long)]
    pub show_sql: bool,
    /// Databases checked at once
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub jobs: usize,
    /// Rules run at once on each database (one connection each): the engine's cores work
    /// on several rules together
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub rule_jobs: usize,
}

#[derive(Serialize)]
struct CityResult {
    city: String,
    score: f64,
    min_score: f64,
    rules: Vec<RuleResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
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
    if a.show_sql {
        for site in &sites {
            for r in selected(&rules::load(&templates, site.pinyin())?, &a.rule) {
                ctx.printer.text(format!(
                    "-- {} / {} ({})\n{};",
                    site.pinyin(),
                    r.name,
                    r.description,
                    rules::compile(&r, site.profile.database.engine)?
                ))?;
            }
        }
        return Ok(Exit::Success);
    }
    let results = crate::parallel::map(&sites, a.jobs, |site| {
        check_city(ctx, site, &templates, &a.rule, a.rule_jobs)
    });
    for r in results.iter().filter(|r| r.error.is_none()) {
        history::append(
            ctx.state_dir(),
            &CheckRecord {
                time: crate::window::now().to_rfc3339(),
                city: r.city.clone(),
                score: r.score,
                rules: r.rules.len(),
                failed_errors: r
                    .rules
                    .iter()
                    .filter(|x| !x.passed && x.severity == Severity::Error)
                    .count(),
                failed_warnings: r
                    .rules
                    .iter()
                    .filter(|x| !x.passed && x.severity == Severity::Warning)
                    .count(),
                violations: r.rules.iter().map(|x| x.violations).sum(),
                min_score: r.min_score,
            },
        )?;
    }
    print(ctx, &results)?;
    let failed = results.iter().any(|r| {
        r.error.is_some()
            || r.rules
                .iter()
                .any(|x| !x.passed && x.severity == Severity::Error)
    });
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

fn selected(all: &[rules::Rule], only: &[String]) -> Vec<rules::Rule> {
    all.iter()
        .filter(|r| only.is_empty() || only.contains(&r.name))
        .cloned()
        .collect()
}

fn check_city(
    ctx: &Ctx,
    site: &Site,
    templates: &std::path::Path,
    only: &[String],
    rule_jobs: usize,
) -> CityResult {
    let mut out = CityResult {
        city: site.pinyin().to_string(),
        score: 0.0,
        min_score: site.profile.checks.data_min_score,
        rules: Vec::new(),
        error: None,
    };
    let result = (|| -> Result<()> {
        let rules = selected(&rules::load(templates, site.pinyin())?, only);
        let compiled = rules
            .into_iter()
            .map(|r| {
                let sql = rules::compile(&r, site.profile.database.engine)?;
                Ok((r, sql))
            })
            .collect::<Result<Vec<_>>>()?;
        let open = || -> Result<Conn> {
            let conn = db::connect(&site.profile, Account::ReadOnly)?;
            if let Conn::Lite(c) = &conn {
                rules::register_sqlite_functions(c)?;
            }
            Ok(conn)
        };
        // connections shared by the workers; the first opened here, so that a database that
        // cannot be reached is one error, not one per rule
        let pool = Mutex::new(vec![open()?]);
        let take = || pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let results = crate::parallel::map(&compiled, rule_jobs, |(r, sql)| {
            let mut conn = match take() {
                Some(c) => c,
                None => open()?,
            };
            let start = Instant::now();
            let run = rules::run(&mut conn, sql);
            pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
            let (violations, samples) = run.map_err(|e| anyhow::anyhow!("rule {}: {e}", r.name))?;
            let samples = samples.iter().map(|k| rules::mask_sample(r, k)).collect();
            Ok(RuleResult {
                name: r.name.clone(),
                kind: r.kind.clone(),
                severity: r.severity,
                description: r.description.clone(),
                violations,
                samples,
                passed: violations == 0,
                ms: start.elapsed().as_millis() as u64,
            })
        });
        out.rules = results.into_iter().collect::<Result<_>>()?;
        out.score = rules::score(&out.rules);
        Ok(())
    })();
    if let Err(e) = result {
        out.error = Some(format!("{e:#}"));
    }
    let _ = ctx;
    out
}

fn print(ctx: &Ctx, results: &[CityResult]) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        return Ok(p.json(results)?);
    }
    for r in results {
        if let Some(e) = &r.error {
            p.text(format!("{}: not checked: {e}", r.city))?;
            continue;
        }
        let mut t = p.table(&["rule", "severity", "violations", "samples", "ms"]);
        for x in &r.rules {
            if x.passed && p.verbose == 0 {
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
                p.cell(format!("{:?}", x.severity).to_lowercase(), Tone::Muted),
                p.cell(x.violations, tone),
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
        p.text(format!(
            "{}: score {:.1} (at least {} wanted), {} of {} rules found problems",
            r.city,
            r.score,
            r.min_score,
            failed,
            r.rules.len()
        ))?;
        if t.row_count() > 0 {
            p.print_table(&t)?;
        }
    }
    Ok(())
}

fn cross_city(ctx: &Ctx, a: &CheckArgs) -> Result<Exit> {
    let mut spec = a.target.spec();
    if spec.is_empty() {
        spec.all = true;
    }
    let sites: Vec<&Site> = ctx
        .select(&spec)?
        .into_iter()
        .filter(|s| !s.is_province())
        .collect();
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
