//! `jinbao status [<target>]`: where every city stands, for the province to assess progress.
//!
//! It reads what the other commands leave in the state folder (the release ledger, health and
//! data-check histories, provision and schema facts) and assesses every city from it
//! (`crate::assess`: milestones, score, attention), so it answers in milliseconds without
//! touching a server; the schema column asks each city's database unless `--offline`.

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;

use crate::assess::{self, Lang, SiteAssessment};
use crate::cli::TargetArgs;
use crate::context::Ctx;
use crate::db::Account;
use crate::error::{Exit, usage};
use crate::output::{Tone, tenths};
use crate::profile::Site;
use crate::profile::target::TargetSpec;

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    /// Also the province center
    #[arg(long)]
    pub province: bool,

    /// Only what the state folder holds: do not ask the databases for their schema
    #[arg(long)]
    pub offline: bool,

    /// The score of one city criterion by criterion, with the facts each came from
    #[arg(long)]
    pub explain: bool,

    /// Keep today's snapshot of every city's milestones and score (the report's history)
    #[arg(long)]
    pub record: bool,

    /// Databases asked at once
    #[arg(short = 'j', long, default_value_t = crate::parallel::DEFAULT_JOBS, value_name = "N",
          value_parser = crate::cli::count)]
    pub jobs: usize,
}

/// One row of `status --json`: the assessment and the live schema.
#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    site: &'a SiteAssessment,
    schema: Option<SchemaStatus>,
}

#[derive(Debug, Serialize)]
pub struct SchemaStatus {
    pub current: Option<u32>,
    pub latest: u32,
    pub pending: usize,
    /// Why there is nothing to report yet (an embedded database not created).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn schema(templates: &std::path::Path, site: &Site) -> SchemaStatus {
    let p = &site.profile;
    // an embedded database nobody created yet is not made here just to be looked at
    if crate::db::never_made(p) {
        return SchemaStatus {
            current: None,
            latest: 0,
            pending: 0,
            note: Some(format!(
                "no database yet (jinbao db migrate {})",
                site.pinyin()
            )),
            error: None,
        };
    }
    let row = crate::schema::standing::of_site(templates, site, Account::ReadOnly);
    SchemaStatus {
        current: row.current,
        latest: row.latest,
        pending: row.pending,
        note: None,
        error: row.error,
    }
}

pub fn run(ctx: &Ctx, a: StatusArgs) -> Result<Exit> {
    let mut spec: TargetSpec = TargetSpec {
        province: a.province,
        ..a.target.spec()
    };
    if spec.is_empty() || (a.province && a.target.cities.is_empty() && a.target.wave.is_none()) {
        spec.all = true;
    }
    let profiles = ctx.profiles()?;
    let now = crate::clock::now();
    let all = assess::assess(profiles, ctx.state_dir(), now);
    if a.record {
        // asked for: a snapshot that cannot be kept is this command's failure
        let snapshot = assess::snapshot_of(profiles, &all, now);
        let path = assess::snapshot::write(ctx.state_dir(), &snapshot)
            .context("jinbao status --record")?;
        ctx.printer.note(format!(
            "snapshot of {} kept in {}",
            snapshot.date,
            path.display()
        ));
    }
    let sites = assess::of_sites(all, &ctx.select(&spec)?, profiles);
    for u in assess::unreadable_once(sites.iter().map(|(a, _)| a)) {
        ctx.printer.warn(u);
    }
    if a.explain {
        let [(site, _)] = sites.as_slice() else {
            return Err(usage(
                format!("--explain takes one city; the target has {}", sites.len()),
                "name one city: jinbao status hebi --explain",
            ));
        };
        return explain(ctx, site);
    }
    let schemas: Vec<Option<SchemaStatus>> =
        crate::parallel::map(&sites, a.jobs.max(1), |(_, s)| {
            (!a.offline).then(|| schema(&profiles.templates_dir, s))
        });
    let rows: Vec<Row> = sites
        .iter()
        .zip(schemas)
        .map(|((site, _), schema)| Row { site, schema })
        .collect();
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
        return Ok(Exit::Success);
    }
    print_table(ctx, &rows)?;
    Ok(Exit::Success)
}

fn print_table(ctx: &Ctx, rows: &[Row]) -> Result<()> {
    let p = &ctx.printer;
    let mut t = p.table(&[
        "city",
        "wave",
        "score",
        "milestones",
        "next",
        "release",
        "health",
        "data",
        "counties",
        "schema",
    ]);
    for r in rows {
        let s = r.site;
        let flag = match s.attention_level {
            0 => "",
            1 => "? ",
            _ => "! ",
        };
        let (release, release_tone) = match (&s.release, &s.last_change) {
            (_, None) => ("never rolled out".to_string(), Tone::Muted),
            (v, Some(c)) => (
                format!(
                    "{} ({} {} {})",
                    v.as_deref().unwrap_or("-"),
                    c.action,
                    c.result,
                    short_time(&c.time)
                ),
                match c.result {
                    r if r.took() => Tone::Good,
                    crate::state::ChangeResult::Refused => Tone::Warn,
                    _ => Tone::Bad,
                },
            ),
        };
        let (health, health_tone) = match &s.health {
            None => ("never checked".to_string(), Tone::Muted),
            Some(h) => (
                format!(
                    "{} {} {}",
                    h.status,
                    short_time(&h.time),
                    h.trend.iter().map(|s| trend_mark(s)).collect::<String>()
                ),
                status_tone(&h.status),
            ),
        };
        let (data, data_tone) = match &s.data {
            None => ("never checked".to_string(), Tone::Muted),
            Some(d) => {
                let arrow = match d.previous_score {
                    Some(prev) if d.score > prev => " ↑",
                    Some(prev) if d.score < prev => " ↓",
                    _ => "",
                };
                let tone = if d.failed_errors > 0 {
                    Tone::Bad
                } else if d.score < d.min_score || d.failed_warnings > 0 {
                    Tone::Warn
                } else {
                    Tone::Good
                };
                (
                    format!("{}{arrow} {}", tenths(d.score), short_time(&d.time)),
                    tone,
                )
            }
        };
        let (schema, schema_tone) = match &r.schema {
            None => ("-".to_string(), Tone::Muted),
            Some(sc) => match (&sc.error, &sc.note, sc.current) {
                (Some(e), _, _) => (e.lines().next().unwrap_or("").to_string(), Tone::Bad),
                (None, Some(n), _) => (n.clone(), Tone::Muted),
                (None, None, current) => (
                    format!(
                        "{} / V{:03}",
                        current.map_or("-".to_string(), |v| format!("V{v:03}")),
                        sc.latest
                    ),
                    if sc.pending == 0 {
                        Tone::Good
                    } else {
                        Tone::Warn
                    },
                ),
            },
        };
        let next = s.next_text();
        t.add_row(vec![
            p.cell(
                format!("{flag}{} {}", s.city, s.name),
                match s.attention_level {
                    0 => Tone::Plain,
                    1 => Tone::Warn,
                    _ => Tone::Bad,
                },
            ),
            p.cell(&s.wave, Tone::Muted),
            p.cell(tenths(s.score), Tone::Plain),
            p.cell(s.milestones_text(Lang::En), Tone::Plain),
            p.cell(next, Tone::Muted),
            p.cell(release, release_tone),
            p.cell(health, health_tone),
            p.cell(data, data_tone),
            p.cell(
                match s.concentration.as_ref().and_then(|c| c.last_cycle) {
                    Some(_) => format!("{} ({})", s.concentration_text(), s.last_cycle_text()),
                    None => s.concentration_text(),
                },
                Tone::Plain,
            ),
            p.cell(schema, schema_tone),
        ]);
    }
    p.print_table(&t)?;
    let flagged: Vec<&SiteAssessment> = rows
        .iter()
        .map(|r| r.site)
        .filter(|s| s.attention_level > 0)
        .collect();
    if !flagged.is_empty() {
        let mut text = String::from("needs attention (! a problem, ? to watch):");
        for s in flagged {
            text.push_str(&format!(
                "\n  {}: {}",
                s.city,
                assess::note::join(&s.attention, "; ", Lang::En)
            ));
        }
        p.text(text)?;
    }
    let sites: Vec<&SiteAssessment> = rows
        .iter()
        .map(|r| r.site)
        .filter(|s| !s.province)
        .collect();
    p.text(summary(&sites, rows))?;
    Ok(())
}

fn explain(ctx: &Ctx, s: &SiteAssessment) -> Result<Exit> {
    #[derive(Serialize)]
    struct Explained<'a> {
        city: &'a str,
        name: &'a str,
        code: &'a str,
        wave: &'a str,
        score: f64,
        criteria: &'a [assess::Criterion],
        milestones: &'a [assess::MilestoneDetail],
        next: &'a Option<assess::Next>,
        attention: &'a [assess::Note],
    }
    let p = &ctx.printer;
    if p.json {
        p.json(&Explained {
            city: &s.city,
            name: &s.name,
            code: &s.code,
            wave: &s.wave,
            score: s.score,
            criteria: &s.criteria,
            milestones: &s.details,
            next: &s.next,
            attention: &s.attention,
        })?;
        return Ok(Exit::Success);
    }
    p.text(format!(
        "{} {} ({}){}: score {}",
        s.name,
        s.city,
        s.code,
        if s.wave.is_empty() {
            String::new()
        } else {
            format!(", wave {}", s.wave)
        },
        tenths(s.score)
    ))?;
    let mut t = p.table(&["criterion", "weight", "value", "points", "of", "facts"]);
    for c in &s.criteria {
        t.add_row(vec![
            p.cell(&c.name, Tone::Plain),
            p.cell(format!("{}", c.weight), Tone::Muted),
            p.cell(
                c.value.map_or("–".to_string(), |v| format!("{v:.3}")),
                Tone::Plain,
            ),
            p.cell(tenths(c.points), Tone::Plain),
            p.cell(tenths(c.max_points), Tone::Muted),
            p.cell(assess::note::join(&c.facts, "\n", Lang::En), Tone::Muted),
        ]);
    }
    t.add_row(vec![
        p.cell("score", Tone::Plain),
        p.cell("", Tone::Plain),
        p.cell("", Tone::Plain),
        p.cell(tenths(s.score), Tone::Plain),
        p.cell("100.0", Tone::Muted),
        p.cell("", Tone::Plain),
    ]);
    p.print_table(&t)?;
    let mut m = p.table(&["milestone", "first reached", "holds", "missing / facts"]);
    for d in &s.details {
        let text: Vec<String> = d
            .missing
            .iter()
            .chain(&d.facts)
            .map(|n| n.to_string())
            .collect();
        m.add_row(vec![
            p.cell(d.name.title(), Tone::Plain),
            p.cell(
                d.reached_at.as_deref().map_or("-".to_string(), short_time),
                Tone::Plain,
            ),
            p.cell(
                if d.holds { "yes" } else { "no" },
                if d.holds {
                    Tone::Good
                } else if d.lapsed() {
                    Tone::Bad
                } else {
                    Tone::Muted
                },
            ),
            p.cell(text.join("\n"), Tone::Muted),
        ]);
    }
    p.print_table(&m)?;
    if !s.attention.is_empty() {
        p.text(format!(
            "needs attention: {}",
            assess::note::join(&s.attention, "; ", Lang::En)
        ))?;
    }
    Ok(Exit::Success)
}

/// One line for the province: how far the newest release got, and what needs attention.
fn summary(sites: &[&SiteAssessment], rows: &[Row]) -> String {
    let mut releases: Vec<&str> = sites.iter().filter_map(|r| r.release.as_deref()).collect();
    releases.sort_by(|a, b| assess::record::version_order(a, b));
    let newest = releases.last().copied();
    let on_newest = newest.map_or(0, |v| {
        sites
            .iter()
            .filter(|r| r.release.as_deref() == Some(v))
            .count()
    });
    let unhealthy = sites
        .iter()
        .filter(|r| r.health.as_ref().is_some_and(|h| h.status != "OK"))
        .count();
    let data_failing = sites
        .iter()
        .filter(|r| r.data.as_ref().is_some_and(|d| d.failed_errors > 0))
        .count();
    let behind = rows
        .iter()
        .filter(|r| !r.site.province && r.schema.as_ref().is_some_and(|s| s.pending > 0))
        .count();
    let attention = sites.iter().filter(|r| r.attention_level > 1).count();
    let mut parts = vec![match newest {
        Some(v) => format!("{on_newest} of {} cities on {v}", sites.len()),
        None => format!("no release rolled out to the {} cities yet", sites.len()),
    }];
    parts.push(format!("{unhealthy} not healthy at their last check"));
    parts.push(format!("{data_failing} with failing data rules"));
    parts.push(format!("{behind} with pending migrations"));
    parts.push(format!("{attention} needing attention"));
    parts.join(", ")
}

pub fn short_time(rfc3339: &str) -> String {
    crate::clock::shown_rfc3339(rfc3339)
}

fn status_tone(s: &str) -> Tone {
    match s {
        "OK" => Tone::Good,
        "WARNING" => Tone::Warn,
        _ => Tone::Bad,
    }
}

fn trend_mark(s: &str) -> char {
    match s {
        "OK" => '.',
        "WARNING" => 'w',
        "CRITICAL" => 'C',
        _ => '?',
    }
}
