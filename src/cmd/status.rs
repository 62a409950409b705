//! `jinbao status [<target>]`: where every city stands, for the province to assess progress.
//!
//! It reads what the other commands leave in the state folder (the release ledger, health and
//! data-check histories), so it answers in milliseconds without touching a server; the schema
//! column asks each city's database unless `--offline`.

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::cli::TargetArgs;
use crate::context::Ctx;
use crate::db::Account;
use crate::error::Exit;
use crate::output::Tone;
use crate::profile::target::TargetSpec;
use crate::profile::{Engine, Site};
use crate::state::ReleaseRecord;

/// How many past health runs the trend shows.
const TREND: usize = 10;

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    /// Only what the state folder holds: do not ask the databases for their schema
    #[arg(long)]
    pub offline: bool,

    /// Databases asked at once
    #[arg(long, default_value_t = crate::parallel::DEFAULT_JOBS, value_name = "N")]
    pub jobs: usize,
}

#[derive(Debug, Serialize)]
pub struct CityStatus {
    pub city: String,
    pub name: String,
    pub code: String,
    pub wave: String,
    /// The release the city's servers run, from the last successful change.
    pub release: Option<String>,
    /// The last release change (rollout outcome or rollback), whatever its result.
    pub last_change: Option<ReleaseRecord>,
    pub health: Option<HealthStatus>,
    pub data: Option<DataStatus>,
    pub schema: Option<SchemaStatus>,
    /// How much of the counties' data is in the center (from the load manifests; not with
    /// `--offline`).
    pub concentration: Option<ConcentrationStatus>,
}

#[derive(Debug, Serialize)]
pub struct ConcentrationStatus {
    pub share_loaded: f64,
    pub counties_loaded: usize,
    pub counties: usize,
    pub deadline: Option<String>,
    pub overdue: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn concentration(ctx: &Ctx, site: &Site) -> ConcentrationStatus {
    let today = crate::window::now().date_naive();
    match crate::data::progress::city(site, ctx.state_dir(), today, false) {
        Ok(p) => ConcentrationStatus {
            share_loaded: p.share_loaded,
            counties_loaded: p.counties.iter().filter(|c| c.loaded).count(),
            counties: p.counties.len(),
            deadline: p.deadline,
            overdue: p.overdue,
            error: None,
        },
        Err(e) => ConcentrationStatus {
            share_loaded: 0.0,
            counties_loaded: 0,
            counties: site.profile.counties.len(),
            deadline: None,
            overdue: false,
            error: Some(e.to_string()),
        },
    }
}

#[derive(Debug, Serialize)]
pub struct HealthStatus {
    pub time: String,
    pub status: String,
    pub counts: serde_json::Value,
    /// The statuses of the last runs, oldest first.
    pub trend: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct DataStatus {
    pub time: String,
    pub score: f64,
    pub min_score: f64,
    pub failed_errors: usize,
    pub failed_warnings: usize,
    pub violations: u64,
    /// The score of the previous check, to tell better from worse.
    pub previous_score: Option<f64>,
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

#[derive(serde::Deserialize)]
struct HealthLine {
    time: String,
    status: String,
    #[serde(default)]
    counts: serde_json::Value,
}

/// What the releases of a city were switched to last, successfully.
fn current_release(history: &[ReleaseRecord]) -> Option<String> {
    history
        .iter()
        .rev()
        .find(|r| matches!(r.result.as_str(), "deployed" | "already" | "switched"))
        .map(|r| r.to.clone())
        .or_else(|| {
            // a failed change that was rolled back leaves the city where it was
            history
                .iter()
                .rev()
                .find(|r| r.result == "rolled-back" && r.from.len() == 1)
                .map(|r| r.from[0].clone())
        })
}

fn schema(ctx: &Ctx, site: &Site) -> SchemaStatus {
    let p = &site.profile;
    // an embedded database nobody created yet is not made here just to be looked at
    if p.database.engine == Engine::Sqlite && !crate::db::sqlite_path(p).exists() {
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
    let row = super::db::status::site_status(ctx, site, Account::ReadOnly);
    SchemaStatus {
        current: row.current,
        latest: row.latest,
        pending: row.pending,
        note: None,
        error: row.error,
    }
}

fn city_status(ctx: &Ctx, site: &Site, offline: bool) -> CityStatus {
    let state = ctx.state_dir();
    let changes = crate::state::releases(state, site.pinyin(), 50);
    let runs: Vec<HealthLine> = crate::state::tail(
        &state
            .join("health")
            .join(format!("{}.jsonl", site.pinyin())),
        TREND,
    );
    let checks = crate::state::tail::<crate::data::history::CheckRecord>(
        &state
            .join("data-checks")
            .join(format!("{}.jsonl", site.pinyin())),
        2,
    );
    CityStatus {
        city: site.pinyin().to_string(),
        name: site.name().to_string(),
        code: site.code().to_string(),
        wave: site.profile.city.wave.clone(),
        release: current_release(&changes),
        last_change: changes.last().cloned(),
        health: runs.last().map(|last| HealthStatus {
            time: last.time.clone(),
            status: last.status.clone(),
            counts: last.counts.clone(),
            trend: runs.iter().map(|r| r.status.clone()).collect(),
        }),
        data: checks.last().map(|c| DataStatus {
            time: c.time.clone(),
            score: c.score,
            min_score: c.min_score,
            failed_errors: c.failed_errors,
            failed_warnings: c.failed_warnings,
            violations: c.violations,
            previous_score: (checks.len() > 1).then(|| checks[0].score),
        }),
        schema: (!offline).then(|| schema(ctx, site)),
        concentration: (!offline).then(|| concentration(ctx, site)),
    }
}

pub fn run(ctx: &Ctx, a: StatusArgs) -> Result<Exit> {
    let mut spec: TargetSpec = a.target.spec();
    if spec.is_empty() {
        spec.all = true;
    }
    let sites: Vec<&Site> = ctx
        .select(&spec)?
        .into_iter()
        .filter(|s| !s.is_province())
        .collect();
    let rows = crate::parallel::map(&sites, a.jobs.max(1), |s| city_status(ctx, s, a.offline));
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
        return Ok(Exit::Success);
    }
    let mut t = p.table(&[
        "city",
        "wave",
        "release",
        "last change",
        "health",
        "trend",
        "data",
        "concentration",
        "schema",
    ]);
    for r in &rows {
        let (change, change_tone) = match &r.last_change {
            None => ("never rolled out".to_string(), Tone::Muted),
            Some(c) => (
                format!("{} {} {}", c.action, c.result, short_time(&c.time)),
                match c.result.as_str() {
                    "deployed" | "already" | "switched" => Tone::Good,
                    "refused" => Tone::Warn,
                    _ => Tone::Bad,
                },
            ),
        };
        let (health, health_tone) = match &r.health {
            None => ("never checked".to_string(), Tone::Muted),
            Some(h) => (
                format!("{} {}", h.status, short_time(&h.time)),
                status_tone(&h.status),
            ),
        };
        let trend = r.health.as_ref().map_or(String::new(), |h| {
            h.trend.iter().map(|s| trend_mark(s)).collect()
        });
        let (data, data_tone) = match &r.data {
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
                    format!("{:.1}{arrow} {}", d.score, short_time(&d.time)),
                    tone,
                )
            }
        };
        let (schema, schema_tone) = match &r.schema {
            None => ("-".to_string(), Tone::Muted),
            Some(s) => match (&s.error, &s.note, s.current) {
                (Some(e), _, _) => (e.lines().next().unwrap_or("").to_string(), Tone::Bad),
                (None, Some(n), _) => (n.clone(), Tone::Muted),
                (None, None, current) => (
                    format!(
                        "{} / V{:03}",
                        current.map_or("-".to_string(), |v| format!("V{v:03}")),
                        s.latest
                    ),
                    if s.pending == 0 {
                        Tone::Good
                    } else {
                        Tone::Warn
                    },
                ),
            },
        };
        let (conc, conc_tone) = match &r.concentration {
            None => ("-".to_string(), Tone::Muted),
            Some(c) => match &c.error {
                Some(e) => (e.lines().next().unwrap_or("").to_string(), Tone::Bad),
                None => (
                    format!(
                        "{}/{} counties{}",
                        c.counties_loaded,
                        c.counties,
                        c.deadline
                            .as_ref()
                            .map(|d| format!(" by {d}"))
                            .unwrap_or_default()
                    ),
                    if c.counties_loaded == c.counties {
                        Tone::Good
                    } else if c.overdue {
                        Tone::Bad
                    } else {
                        Tone::Warn
                    },
                ),
            },
        };
        t.add_row(vec![
            p.cell(format!("{} {}", r.city, r.name), Tone::Plain),
            p.cell(&r.wave, Tone::Muted),
            p.cell(r.release.as_deref().unwrap_or("-"), Tone::Plain),
            p.cell(change, change_tone),
            p.cell(health, health_tone),
            p.cell(trend, Tone::Muted),
            p.cell(data, data_tone),
            p.cell(conc, conc_tone),
            p.cell(schema, schema_tone),
        ]);
    }
    p.print_table(&t)?;
    p.text(summary(&rows))?;
    Ok(Exit::Success)
}

/// One line for the province: how far the newest release got, and what needs attention.
fn summary(rows: &[CityStatus]) -> String {
    let mut releases: Vec<&str> = rows.iter().filter_map(|r| r.release.as_deref()).collect();
    releases.sort_by(|a, b| version_order(a, b));
    let newest = releases.last().copied();
    let on_newest = newest.map_or(0, |v| {
        rows.iter()
            .filter(|r| r.release.as_deref() == Some(v))
            .count()
    });
    let unhealthy = rows
        .iter()
        .filter(|r| r.health.as_ref().is_some_and(|h| h.status != "OK"))
        .count();
    let data_failing = rows
        .iter()
        .filter(|r| r.data.as_ref().is_some_and(|d| d.failed_errors > 0))
        .count();
    let behind = rows
        .iter()
        .filter(|r| r.schema.as_ref().is_some_and(|s| s.pending > 0))
        .count();
    let mut parts = vec![match newest {
        Some(v) => format!("{on_newest} of {} cities on {v}", rows.len()),
        None => format!("no release rolled out to the {} cities yet", rows.len()),
    }];
    parts.push(format!("{unhealthy} not healthy at their last check"));
    parts.push(format!("{data_failing} with failing data rules"));
    parts.push(format!("{behind} with pending migrations"));
    parts.join(", ")
}

/// Orders dotted versions by their numbers (1.10.0 after 1.9.0), text otherwise.
fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |v: &str| -> Vec<(u64, String)> {
        v.split(['.', '-', '+'])
            .map(|p| (p.parse().unwrap_or(u64::MAX), p.to_string()))
            .collect()
    };
    key(a).cmp(&key(b))
}

fn short_time(rfc3339: &str) -> String {
    // 2026-11-27T02:30:00+00:00 → 2026-11-27 02:30
    rfc3339.get(..16).unwrap_or(rfc3339).replacen('T', " ", 1)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn change(result: &str, from: &[&str], to: &str) -> ReleaseRecord {
        ReleaseRecord {
            time: "2026-11-27T00:00:00+00:00".into(),
            action: "rollout".into(),
            run: None,
            result: result.into(),
            from: from.iter().map(|s| s.to_string()).collect(),
            to: to.into(),
            reason: None,
        }
    }

    #[test]
    fn a_failed_rollout_leaves_the_release_that_was_running() {
        let h = vec![
            change("deployed", &[], "1.0.0"),
            change("rolled-back", &["1.0.0"], "1.1.0"),
        ];
        assert_eq!(current_release(&h).as_deref(), Some("1.0.0"));
        let h = vec![change("rolled-back", &["1.0.0"], "1.1.0")];
        assert_eq!(current_release(&h).as_deref(), Some("1.0.0"));
        assert_eq!(current_release(&[]), None);
    }

    #[test]
    fn versions_order_by_number() {
        assert_eq!(
            version_order("1.10.0", "1.9.0"),
            std::cmp::Ordering::Greater
        );
        assert_eq!(version_order("1.2.0", "1.2.0"), std::cmp::Ordering::Equal);
    }
}
