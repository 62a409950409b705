//! The province's assessment of every city (考评): milestones reached, a score from weighted
//! criteria, what needs attention, and daily snapshots of all of it. Computed from what jinbao
//! recorded in the state folder only, so `status`, `report` and the snapshots agree.

mod assess_error;
pub mod learn;
pub mod milestones;
pub mod note;
pub mod record;
pub mod score;
pub mod snapshot;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub use assess_error::AssessError;
pub use milestones::{Milestone, MilestoneDetail, MilestoneState};
pub use note::{Lang, Note};
pub use record::{Concentration, HealthRun, Record};
pub use score::Criterion;

use crate::profile::{Engine, Profiles, Site};
use crate::state::ReleaseRecord;

/// Where one site stands: what `status` shows, `report` prints and the snapshots keep.
#[derive(Debug, Clone, Serialize)]
pub struct SiteAssessment {
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
    /// Counties loaded (None until `jinbao data progress` can tell: shown as "–").
    pub concentration: Option<Concentration>,
    pub score: f64,
    pub milestones: Vec<MilestoneState>,
    /// The first milestone that does not hold, and what it is missing.
    pub next: Option<Next>,
    /// 0 nothing to do, 1 watch, 2 a problem, 3 urgent.
    pub attention_level: u8,
    /// Why it needs attention, worst first.
    pub attention: Vec<Note>,
    /// The city database's backups, when it has some or its profile requires them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backups: Option<BackupStanding>,
    /// Lines of its histories that could not be read: what the assessment rests on is
    /// incomplete (the command warns of each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<crate::state::Unreadable>,
    #[serde(skip)]
    pub details: Vec<MilestoneDetail>,
    #[serde(skip)]
    pub criteria: Vec<Criterion>,
    #[serde(skip)]
    pub record: Record,
    #[serde(skip)]
    pub province: bool,
}

/// A city database's backups as the assessment counts them.
#[derive(Debug, Clone, Serialize)]
pub struct BackupStanding {
    /// The last backup kept, and when it was taken (RFC 3339).
    pub last: Option<String>,
    pub last_at: Option<String>,
    /// When a drill last restored a backup and found it as recorded.
    pub last_good_drill: Option<String>,
    /// Counted as verified: a good drill within the profile's `backup.drill_max_age` (any
    /// good drill where the profile sets none).
    pub verified: bool,
}

impl BackupStanding {
    fn of(site: &Site, b: &record::Backups, now: DateTime<Utc>) -> Option<BackupStanding> {
        let s = &site.profile.backup;
        let required = !s.max_age.is_zero() || !s.drill_max_age.is_zero();
        if b.last.is_none() && b.last_good_drill.is_none() && !required {
            return None;
        }
        let verified = b.last_good_drill.is_some_and(|at| {
            s.drill_max_age.is_zero() || (now - at).to_std().unwrap_or_default() <= s.drill_max_age
        });
        Some(BackupStanding {
            last: b.last.as_ref().map(|(id, _)| id.clone()),
            last_at: b.last.as_ref().map(|(_, at)| at.to_rfc3339()),
            last_good_drill: b.last_good_drill.map(|at| at.to_rfc3339()),
            verified,
        })
    }
}

/// What `Note::BackupsUnverified` says, in each language (beside the note's two long
/// matches, which would grow past their size).
fn unverified(city: &str, days: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "its backups are not verified: no good drill in {days} days (jinbao db drill {city})"
        ),
        Lang::Zh => format!("备份未经验证：{days} 天内无成功的恢复演练（jinbao db drill {city}）"),
    }
}

impl SiteAssessment {
    /// `3/5 application live`: how many milestones hold, the furthest that does, and those
    /// reached once that no longer hold.
    pub fn milestones_text(&self, lang: Lang) -> String {
        let holding = self.milestones.iter().filter(|m| m.holds).count();
        let furthest = self.milestones.iter().rev().find(|m| m.holds).map_or(
            match lang {
                Lang::En => "none",
                Lang::Zh => "无",
            },
            |m| note::milestone_title(m.name, lang),
        );
        let lapsed: Vec<&str> = self
            .milestones
            .iter()
            .filter(|m| m.reached_at.is_some() && !m.holds)
            .map(|m| note::milestone_title(m.name, lang))
            .collect();
        let mut text = format!("{holding}/{} {furthest}", self.milestones.len());
        if !lapsed.is_empty() {
            text.push_str(&match lang {
                Lang::En => format!(" (lost: {})", lapsed.join(", ")),
                Lang::Zh => format!("（已失去：{}）", lapsed.join("、")),
            });
        }
        text
    }

    /// `3/5` counties loaded, or "–" until `data progress` can tell.
    pub fn concentration_text(&self) -> String {
        match &self.concentration {
            None => "–".into(),
            Some(c) => format!("{}/{}", c.loaded, c.counties),
        }
    }

    /// What the city's latest loads changed (`+12 new, 340 changed, 8 missing`), or "–".
    pub fn last_cycle_text(&self) -> String {
        match self.concentration.as_ref().and_then(|c| c.last_cycle) {
            None => "–".into(),
            Some(x) => format!(
                "+{} new, {} changed, {} missing",
                x.new, x.changed, x.missing
            ),
        }
    }

    /// The next milestone and what it is missing, or that every one holds.
    pub fn next_text(&self) -> String {
        self.next.as_ref().map_or("all reached".to_string(), |n| {
            format!(
                "{}: {}",
                n.milestone.title(),
                n.missing.as_ref().map_or(String::new(), Note::to_string)
            )
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthStatus {
    pub time: String,
    pub status: String,
    pub counts: serde_json::Value,
    /// The statuses of the last runs, oldest first.
    pub trend: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct Next {
    pub milestone: Milestone,
    /// None only for a milestone that does not say (none today).
    pub missing: Option<Note>,
}

pub(crate) use crate::numbers::plural;

/// Every site of the province (the center first, then the cities), assessed as of `now`.
pub fn assess(profiles: &Profiles, state: &Path, now: DateTime<Utc>) -> Vec<SiteAssessment> {
    let config = &profiles.assessment;
    let (remembered, damaged) = snapshot::latest(state);
    // health runs far enough back to see a whole acceptance period begin
    let window = config.health_days + config.accepted_days;
    let records: Vec<Record> = profiles
        .sites
        .iter()
        .map(|s| {
            let memory = remembered
                .as_ref()
                .map(|snap| snap.remembered(s.pinyin()))
                .unwrap_or_default();
            let mut r = record::gather(state, s, now, window, memory);
            // a damaged snapshot loses the dates milestones were first reached, for every site
            r.unreadable.extend(damaged.iter().cloned());
            r
        })
        .collect();
    // the release a wave must run: the province's choice, else the newest its own cities
    // rolled out (a wave still waiting for its dates is not behind because the pilots moved
    // on), else, for a wave not begun, the newest rolled out anywhere
    let newer = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(std::cmp::max_by(a, b, |x, y| record::version_order(x, y))),
        (a, b) => a.or(b),
    };
    let mut newest: Option<String> = None;
    let mut newest_in_wave: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for (site, r) in profiles.sites.iter().zip(&records) {
        let mine = r
            .ledger
            .iter()
            .filter(|c| record::succeeded(c))
            .map(|c| c.to.clone())
            .max_by(|a, b| record::version_order(a, b));
        newest = newer(newest, mine.clone());
        if !site.is_province() {
            let wave = newest_in_wave.entry(&site.profile.city.wave).or_default();
            *wave = newer(wave.take(), mine);
        }
    }
    let mut latest: BTreeMap<&str, Option<u32>> = BTreeMap::new();
    profiles
        .sites
        .iter()
        .zip(records)
        .map(|(site, r)| {
            let engine = site.profile.database.engine;
            let latest_schema = *latest
                .entry(engine.as_str())
                .or_insert_with(|| latest_migration(profiles, engine));
            let plan = config.waves.get(&site.profile.city.wave);
            let frame = milestones::Frame {
                now,
                config,
                latest_schema,
                target_release: plan
                    .and_then(|p| p.release.clone())
                    .or_else(|| {
                        newest_in_wave
                            .get(site.profile.city.wave.as_str())
                            .cloned()
                            .flatten()
                    })
                    .or_else(|| newest.clone()),
                min_score: site.profile.checks.data_min_score,
            };
            assess_site(site, r, &frame, plan.filter(|_| !site.is_province()))
        })
        .collect()
}

fn latest_migration(profiles: &Profiles, engine: Engine) -> Option<u32> {
    crate::schema::of_engine(&profiles.templates_dir, engine)
        .ok()
        .and_then(|m| m.last().map(|m| m.version))
}

fn assess_site(
    site: &Site,
    r: Record,
    frame: &milestones::Frame,
    plan: Option<&crate::profile::assessment::WavePlan>,
) -> SiteAssessment {
    let province = site.is_province();
    let details = milestones::evaluate(site.pinyin(), province, &r, frame);
    let (score, criteria) = score::score(province, &r, &details, plan, frame.config, frame.now);
    let checks = &r.checks;
    let data = checks.last().map(|c| DataStatus {
        time: c.time.clone(),
        score: c.score,
        min_score: c.min_score,
        failed_errors: c.failed_errors,
        failed_warnings: c.failed_warnings,
        violations: c.violations,
        previous_score: (checks.len() > 1).then(|| checks[checks.len() - 2].score),
    });
    let health = r.trend.last().map(|last| HealthStatus {
        time: last.time.clone(),
        status: last.status.as_str().to_string(),
        counts: serde_json::to_value(last.counts).unwrap_or_default(),
        trend: r
            .trend
            .iter()
            .map(|h| h.status.as_str().to_string())
            .collect(),
    });
    let mut a = SiteAssessment {
        city: site.pinyin().to_string(),
        name: site.name().to_string(),
        code: site.code().to_string(),
        wave: site.profile.city.wave.clone(),
        release: record::current_release(&r.ledger),
        last_change: r.ledger.last().cloned(),
        health,
        data,
        concentration: r.concentration.clone(),
        score,
        milestones: details.iter().map(MilestoneDetail::state).collect(),
        next: details.iter().find(|m| !m.holds).map(|m| Next {
            milestone: m.name,
            missing: m.missing.clone(),
        }),
        attention_level: 0,
        attention: Vec::new(),
        backups: BackupStanding::of(site, &r.backups, frame.now),
        unreadable: r.unreadable.clone(),
        details,
        criteria,
        record: r,
        province,
    };
    let mut reasons = attention(&a, plan, frame.now);
    // backups no drill verified within the period the profile requires: to watch
    let period = site.profile.backup.drill_max_age;
    if !period.is_zero() && a.backups.as_ref().is_some_and(|b| !b.verified) {
        reasons.push((
            1,
            Note::BackupsUnverified {
                city: a.city.clone(),
                days: period.as_secs() / 86_400,
            },
        ));
    }
    reasons.sort_by_key(|(level, _)| std::cmp::Reverse(*level));
    a.attention_level = reasons.first().map_or(0, |(l, _)| *l);
    a.attention = reasons.into_iter().map(|(_, why)| why).collect();
    a
}

/// Why a site needs the province's attention, each with its level (3 urgent … 1 watch): a
/// milestone that held and was lost, or a built city that is not healthy, first; then what
/// is late (past the wave's planned date) or failed; then what to watch. What is not yet due
/// is no problem at all: a city whose wave begins later, or one not built yet (its health
/// says "not built", not that something broke).
fn attention(
    a: &SiteAssessment,
    plan: Option<&crate::profile::assessment::WavePlan>,
    now: DateTime<Utc>,
) -> Vec<(u8, Note)> {
    let mut out = Vec::new();
    if !a.unreadable.is_empty() {
        out.push((
            2,
            Note::Unreadable {
                lines: a.unreadable.len(),
            },
        ));
    }
    let today = now.date_naive();
    let not_begun = plan
        .and_then(|p| p.start_date())
        .is_some_and(|start| today < start);
    let built = a
        .details
        .iter()
        .any(|m| m.name == Milestone::EnvironmentReady && m.reached_at.is_some());
    if let Some(h) = &a.health
        && built
    {
        let when = milestones::short_time(&record::parse_time(&h.time).unwrap_or(now));
        match h.status.as_str() {
            "OK" => {}
            "WARNING" => out.push((1, Note::HealthWarning { when })),
            s => out.push((
                3,
                Note::HealthBad {
                    status: s.to_string(),
                    when,
                    city: a.city.clone(),
                },
            )),
        }
    }
    // a city of a wave not begun yet is not behind on its application (what it reached by
    // hand or by being early is not lost because the bar moved); any other loss is real
    for m in a
        .details
        .iter()
        .filter(|m| m.lapsed() && !(not_begun && m.name == Milestone::ApplicationLive))
    {
        out.push((
            3,
            Note::Lost {
                milestone: m.name,
                missing: m.missing.clone().map(Box::new),
            },
        ));
    }
    if let Some(c) = &a.last_change
        && c.result.went_wrong()
    {
        out.push((
            2,
            Note::LastChange {
                change: format!("{} {} {}", c.action, c.to, c.result),
                reason: c.reason.clone(),
            },
        ));
    }
    if let Some(d) = &a.data
        && d.failed_errors > 0
    {
        out.push((2, Note::FailingRules { n: d.failed_errors }));
    }
    if let Some(due) = score::overdue(&a.details, plan, now) {
        out.push((
            2,
            Note::Late {
                wave: a.wave.clone(),
                due,
            },
        ));
    }
    out
}

/// The assessments of `chosen` among `all` (an assessment of every site), in attention order,
/// each with its profile.
pub fn of_sites<'s>(
    mut all: Vec<SiteAssessment>,
    chosen: &[&'s Site],
    profiles: &Profiles,
) -> Vec<(SiteAssessment, &'s Site)> {
    all.retain(|a| chosen.iter().any(|s| s.pinyin() == a.city));
    sort_by_attention(&mut all, profiles);
    all.into_iter()
        .filter_map(|a| {
            let site = chosen.iter().find(|s| s.pinyin() == a.city)?;
            Some((a, *site))
        })
        .collect()
}

/// Every line of history the assessments could not read, once (a snapshot is every site's):
/// each is warned of, with --json too, as a damaged ledger must not pass for "never rolled
/// out".
pub fn unreadable_once<'a>(
    sites: impl Iterator<Item = &'a SiteAssessment>,
) -> Vec<&'a crate::state::Unreadable> {
    let mut said: Vec<&crate::state::Unreadable> = Vec::new();
    for u in sites.flat_map(|a| &a.unreadable) {
        if !said.contains(&u) {
            said.push(u);
        }
    }
    said
}

/// Sites needing attention first (the worst first), then the lowest scores; the province
/// center, when present, stays on top.
pub fn sort_by_attention(sites: &mut [SiteAssessment], profiles: &Profiles) {
    sites.sort_by(|a, b| {
        b.province
            .cmp(&a.province)
            .then(b.attention_level.cmp(&a.attention_level))
            .then(a.score.total_cmp(&b.score))
            .then(
                profiles
                    .wave_rank(&a.wave)
                    .cmp(&profiles.wave_rank(&b.wave)),
            )
            .then(a.code.cmp(&b.code))
    });
}

/// The day of `now` in the province's time zone (its maintenance `utc_offset`).
pub fn day(profiles: &Profiles, now: DateTime<Utc>) -> NaiveDate {
    // the profile check refused an unreadable offset: this is only ever the default
    let offset = crate::window::offset(&profiles.province_site().profile.maintenance)
        .unwrap_or_else(|_| chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset"));
    now.with_timezone(&offset).date_naive()
}

/// The snapshot of an assessment of every site.
pub fn snapshot_of(
    profiles: &Profiles,
    sites: &[SiteAssessment],
    now: DateTime<Utc>,
) -> snapshot::Snapshot {
    snapshot::Snapshot {
        version: snapshot::VERSION,
        date: day(profiles, now).to_string(),
        time: now.to_rfc3339(),
        env: profiles.env.name.clone(),
        sites: sites
            .iter()
            .map(|s| snapshot::SiteSnapshot {
                city: s.city.clone(),
                score: s.score,
                milestones: s.milestones.clone(),
                criteria: s
                    .criteria
                    .iter()
                    .map(|c| Criterion {
                        facts: Vec::new(),
                        ..c.clone()
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Assesses every site now and keeps the day's snapshot; returns the file written.
pub fn record_snapshot(
    profiles: &Profiles,
    state: &Path,
) -> Result<std::path::PathBuf, AssessError> {
    let now = crate::clock::now();
    let sites = assess(profiles, state, now);
    snapshot::write(state, &snapshot_of(profiles, &sites, now))
}

/// How a wave went against its plan.
#[derive(Debug, Clone, Serialize)]
pub struct WaveProgress {
    pub name: String,
    pub title: String,
    pub cities: Vec<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_live: Option<NaiveDate>,
    /// The first release change of any of its cities.
    pub started: Option<String>,
    /// How many of its cities are live now.
    pub live: usize,
    /// When its last city was first live, once every one of them was.
    pub all_live: Option<String>,
}

pub fn waves(profiles: &Profiles, sites: &[SiteAssessment]) -> Vec<WaveProgress> {
    profiles
        .waves
        .iter()
        .map(|w| {
            let mine: Vec<&SiteAssessment> = sites
                .iter()
                .filter(|s| !s.province && s.wave == w.name)
                .collect();
            let live_at = |s: &SiteAssessment| {
                s.milestones
                    .iter()
                    .find(|m| m.name == Milestone::ApplicationLive)
                    .and_then(|m| m.reached_at.clone())
            };
            let plan = profiles.assessment.waves.get(&w.name);
            let reached: Vec<String> = mine.iter().filter_map(|s| live_at(s)).collect();
            WaveProgress {
                name: w.name.clone(),
                title: w.title.clone(),
                cities: mine.iter().map(|s| s.city.clone()).collect(),
                planned_start: plan.and_then(|p| p.start_date()),
                planned_live: plan.and_then(|p| p.live_date()),
                started: mine
                    .iter()
                    .filter_map(|s| s.record.ledger.first().map(|c| c.time.clone()))
                    .min(),
                live: mine
                    .iter()
                    .filter(|s| {
                        s.milestones
                            .iter()
                            .any(|m| m.name == Milestone::ApplicationLive && m.holds)
                    })
                    .count(),
                all_live: (!mine.is_empty() && reached.len() == mine.len())
                    .then(|| reached.into_iter().max())
                    .flatten(),
            }
        })
        .collect()
}
