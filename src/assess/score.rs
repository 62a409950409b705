//! The assessment score (0–100): weighted criteria from `[assessment]`, each with its value
//! (0–1), the points it gives and the recorded facts it came from. A criterion that cannot be
//! measured (concentration until `data progress` lands, timeliness without planned dates) is
//! left out and the other weights are scaled up, so the points always add up to the score.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::milestones::{Milestone, MilestoneDetail, short_time};
use super::note::Note;
use super::record::{Record, parse_time};
use crate::profile::assessment::{AssessmentConfig, WavePlan};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    /// The weight `[assessment.weights]` gives it.
    pub weight: f64,
    /// 0–1; None when it cannot be measured for this site (left out of the score).
    pub value: Option<f64>,
    /// What a value of 1 would give: the weight's share of 100 among the measured criteria.
    pub max_points: f64,
    pub points: f64,
    /// Never kept in snapshots (they keep the numbers), so never read back.
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Note>,
}

/// A criterion before it is weighed.
struct Measured {
    value: Option<f64>,
    facts: Vec<Note>,
}

pub fn round1(x: f64) -> f64 {
    // + 0.0: never -0.0 (a sum of nothing, or a -0.0 score scaled)
    (x * 10.0).round() / 10.0 + 0.0
}

/// The criteria of a site, and its score: the sum of their points.
pub fn score(
    province: bool,
    r: &Record,
    milestones: &[MilestoneDetail],
    plan: Option<&WavePlan>,
    config: &AssessmentConfig,
    now: DateTime<Utc>,
) -> (f64, Vec<Criterion>) {
    let measured: Vec<(&str, f64, Measured)> = config
        .weights
        .named()
        .into_iter()
        .map(|(name, weight)| {
            let m = match name {
                "milestones" => reached(milestones),
                "data_score" => data_score(province, r),
                "health" => health(r, config.health_days, now),
                "concentration" => concentration(province, r),
                _ => timeliness(province, milestones, plan, config.late_days, now),
            };
            (name, weight, m)
        })
        .collect();
    let total: f64 = measured
        .iter()
        .filter(|(_, _, m)| m.value.is_some())
        .map(|(_, w, _)| *w)
        .sum();
    let criteria: Vec<Criterion> = measured
        .into_iter()
        .map(|(name, weight, m)| {
            let max = match m.value {
                Some(_) if total > 0.0 => 100.0 * weight / total,
                _ => 0.0,
            };
            Criterion {
                name: name.to_string(),
                weight,
                value: m.value.map(|v| (v * 1000.0).round() / 1000.0),
                max_points: round1(max),
                points: round1(max * m.value.unwrap_or(0.0)),
                facts: m.facts,
            }
        })
        .collect();
    (round1(criteria.iter().map(|c| c.points).sum()), criteria)
}

fn reached(milestones: &[MilestoneDetail]) -> Measured {
    let holding: Vec<Milestone> = milestones
        .iter()
        .filter(|m| m.holds)
        .map(|m| m.name)
        .collect();
    Measured {
        value: Some(holding.len() as f64 / milestones.len().max(1) as f64),
        facts: vec![Note::MilestonesHold {
            holding,
            of: milestones.len(),
        }],
    }
}

fn data_score(province: bool, r: &Record) -> Measured {
    match r.checks.last() {
        Some(c) => Measured {
            value: Some((c.score / 100.0).clamp(0.0, 1.0)),
            facts: vec![Note::DataCheckAt {
                when: parse_time(&c.time).map_or(c.time.clone(), |t| short_time(&t)),
                score: crate::numbers::tenths(c.score),
                errors: c.failed_errors,
                warnings: c.failed_warnings,
            }],
        },
        // the province center's data is checked across cities, when at all
        None if province => Measured {
            value: None,
            facts: vec![Note::ProvinceNoDataCheck],
        },
        None => Measured {
            value: Some(0.0),
            facts: vec![Note::NoDataCheckRecorded],
        },
    }
}

fn health(r: &Record, days: u32, now: DateTime<Utc>) -> Measured {
    let since = now - chrono::Duration::days(days.into());
    let runs: Vec<&str> = r
        .health
        .iter()
        .filter(|h| parse_time(&h.time).is_some_and(|t| t >= since))
        .map(|h| h.status.as_str())
        .collect();
    let n = |s: &str| runs.iter().filter(|x| **x == s).count();
    if runs.is_empty() {
        return Measured {
            value: Some(0.0),
            facts: vec![Note::NoHealthIn { days }],
        };
    }
    let (ok, warning) = (n("OK"), n("WARNING"));
    Measured {
        value: Some((ok as f64 + 0.5 * warning as f64) / runs.len() as f64),
        facts: vec![Note::HealthRuns {
            runs: runs.len(),
            days,
            ok,
            warning,
        }],
    }
}

fn concentration(province: bool, r: &Record) -> Measured {
    match (&r.concentration, province) {
        (_, true) => Measured {
            value: None,
            facts: vec![Note::ProvinceNoCounties],
        },
        (None, false) => Measured {
            value: None,
            facts: vec![Note::LoadsUnknownLeftOut],
        },
        (Some(c), false) => Measured {
            value: Some(c.share()),
            facts: vec![Note::CountiesLoaded {
                loaded: c.loaded,
                counties: c.counties,
            }],
        },
    }
}

/// Live by the wave's planned date: full before it, falling evenly to nothing over
/// `late_days` after it (for a city live late, and for one still not live).
fn timeliness(
    province: bool,
    milestones: &[MilestoneDetail],
    plan: Option<&WavePlan>,
    late_days: u32,
    now: DateTime<Utc>,
) -> Measured {
    let due = plan.and_then(WavePlan::live_date);
    let (Some(due), false) = (due, province) else {
        let why = if province {
            Note::ProvinceNoWave
        } else {
            Note::NoPlannedDate
        };
        return Measured {
            value: None,
            facts: vec![why],
        };
    };
    let live = milestones
        .iter()
        .find(|m| m.name == Milestone::ApplicationLive)
        .and_then(|m| m.reached_at.as_deref())
        .and_then(parse_time);
    let late = |day: NaiveDate| (day - due).num_days().max(0) as f64;
    let fall = |days: f64| (1.0 - days / late_days.max(1) as f64).clamp(0.0, 1.0);
    let (value, fact) = match live {
        Some(t) => (
            fall(late(t.date_naive())),
            Note::LiveOn {
                day: t.date_naive(),
                due,
            },
        ),
        None if now.date_naive() <= due => (
            1.0,
            Note::NotLiveYet {
                due,
                left: (due - now.date_naive()).num_days(),
            },
        ),
        None => (
            fall(late(now.date_naive())),
            Note::Overdue {
                due,
                late: late(now.date_naive()) as i64,
            },
        ),
    };
    Measured {
        value: Some(value),
        facts: vec![fact],
    }
}

/// True when the site should have been live by its wave's planned date and is not.
pub fn overdue(
    milestones: &[MilestoneDetail],
    plan: Option<&WavePlan>,
    now: DateTime<Utc>,
) -> Option<NaiveDate> {
    let due = plan.and_then(WavePlan::live_date)?;
    let live = milestones
        .iter()
        .any(|m| m.name == Milestone::ApplicationLive && m.holds);
    (!live && now.date_naive() > due).then_some(due)
}
