//! The milestones a site reaches, in order, each computed from its record: when it was first
//! reached, whether it still holds, what is missing when it does not, and the facts it rests on.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::note::{HealthSeen, Note};
use super::record::{Record, current_release, parse_time, succeeded, version_order};
use crate::profile::assessment::AssessmentConfig;
use crate::state::facts::{Fact, FactRecord};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// Provisioning found every server as its profile says.
    EnvironmentReady,
    /// The database has the newest migration and no drift.
    SchemaReady,
    /// The wave's target release runs, and the site is healthy.
    ApplicationLive,
    /// Every county's data is loaded into the city's center.
    DataConcentrated,
    /// Live, healthy and at the data threshold for `accepted_days`.
    Accepted,
}

impl Milestone {
    pub const ALL: [Milestone; 5] = [
        Milestone::EnvironmentReady,
        Milestone::SchemaReady,
        Milestone::ApplicationLive,
        Milestone::DataConcentrated,
        Milestone::Accepted,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Milestone::EnvironmentReady => "environment ready",
            Milestone::SchemaReady => "schema ready",
            Milestone::ApplicationLive => "application live",
            Milestone::DataConcentrated => "data concentrated",
            Milestone::Accepted => "accepted",
        }
    }

    /// The name in JSON and snapshots.
    pub fn key(self) -> &'static str {
        match self {
            Milestone::EnvironmentReady => "environment_ready",
            Milestone::SchemaReady => "schema_ready",
            Milestone::ApplicationLive => "application_live",
            Milestone::DataConcentrated => "data_concentrated",
            Milestone::Accepted => "accepted",
        }
    }

    /// The province center is not rolled out to and holds no county data: only its
    /// environment and its schema are milestones.
    pub fn applies(self, province: bool) -> bool {
        !province || matches!(self, Milestone::EnvironmentReady | Milestone::SchemaReady)
    }
}

/// A milestone as `status --json` and the snapshots show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneState {
    pub name: Milestone,
    /// When it was first reached (RFC 3339), whether or not it still holds.
    pub reached_at: Option<String>,
    pub holds: bool,
}

/// A milestone with what is missing and the recorded facts it came from (`--explain`).
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneDetail {
    pub name: Milestone,
    pub reached_at: Option<String>,
    pub holds: bool,
    /// What is missing for it to hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Note>,
    pub facts: Vec<Note>,
    /// Since when it has held without a break.
    #[serde(skip)]
    pub since: Option<DateTime<Utc>>,
}

impl MilestoneDetail {
    pub fn state(&self) -> MilestoneState {
        MilestoneState {
            name: self.name,
            reached_at: self.reached_at.clone(),
            holds: self.holds,
        }
    }

    /// Reached once, no longer holding.
    pub fn lapsed(&self) -> bool {
        self.reached_at.is_some() && !self.holds
    }
}

/// What every milestone of a site is measured against.
pub struct Frame<'a> {
    pub now: DateTime<Utc>,
    pub config: &'a AssessmentConfig,
    /// The newest migration for the site's engine (None: the migrations could not be read).
    pub latest_schema: Option<u32>,
    /// The release the site's wave must run (None: nothing rolled out anywhere yet).
    pub target_release: Option<String>,
    /// The least data-check score the site's profile accepts.
    pub min_score: f64,
}

/// What one milestone's evaluation found, before the remembered date is folded in.
struct Found {
    holds: bool,
    /// The first time the record shows it reached.
    first: Option<DateTime<Utc>>,
    since: Option<DateTime<Utc>>,
    missing: Option<Note>,
    facts: Vec<Note>,
}

/// Every milestone that applies to the site, in order.
pub fn evaluate(city: &str, province: bool, r: &Record, f: &Frame) -> Vec<MilestoneDetail> {
    let mut out: Vec<MilestoneDetail> = Vec::new();
    for m in Milestone::ALL.into_iter().filter(|m| m.applies(province)) {
        let found = match m {
            Milestone::EnvironmentReady => environment(city, r),
            Milestone::SchemaReady => schema(city, r, f),
            Milestone::ApplicationLive => live(city, r, f),
            Milestone::DataConcentrated => concentrated(r),
            Milestone::Accepted => accepted(city, r, f, &out),
        };
        let remembered = r.remembered.get(m.key()).and_then(|t| parse_time(t));
        let reached = [found.first, remembered, found.since.filter(|_| found.holds)]
            .into_iter()
            .flatten()
            .min();
        out.push(MilestoneDetail {
            name: m,
            reached_at: reached.map(|t| t.to_rfc3339()),
            holds: found.holds,
            missing: (!found.holds).then_some(found.missing).flatten(),
            facts: found.facts,
            since: found.since.filter(|_| found.holds),
        });
    }
    out
}

pub fn short_time(t: &DateTime<Utc>) -> String {
    crate::clock::shown(t)
}

fn short(rfc3339: &str) -> String {
    parse_time(rfc3339).map_or(rfc3339.to_string(), |t| short_time(&t))
}

/// The start of the run of records at the end of `items` that `good` accepts.
fn streak<T>(
    items: &[T],
    good: impl Fn(&T) -> bool,
    time: impl Fn(&T) -> Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let from = items.iter().rposition(|x| !good(x)).map_or(0, |i| i + 1);
    items.get(from).and_then(time)
}

fn facts_of<'r>(r: &'r Record, kind: &str) -> Vec<&'r FactRecord> {
    r.facts.iter().filter(|x| x.fact.kind() == kind).collect()
}

fn environment(city: &str, r: &Record) -> Found {
    let facts = facts_of(r, "provision");
    let clean = |x: &&FactRecord| matches!(x.fact, Fact::Provision { clean: true, .. });
    let time = |x: &&FactRecord| parse_time(&x.time);
    let described = facts.last().and_then(|x| match &x.fact {
        Fact::Provision {
            clean,
            hosts,
            pending,
        } => Some(Note::Provisioned {
            by: x.by.clone(),
            when: short(&x.time),
            hosts: *hosts,
            pending: (!*clean).then_some(*pending),
        }),
        Fact::Schema { .. } => None,
    });
    let holds = facts.last().is_some_and(clean);
    let city = city.to_string();
    Found {
        holds,
        first: facts.iter().find(|x| clean(x)).and_then(time),
        since: streak(&facts, clean, time),
        missing: Some(match facts.last() {
            None => Note::NeverProvisioned { city },
            Some(_) => Note::ServersDiffer { city },
        }),
        facts: described.into_iter().collect(),
    }
}

fn schema(city: &str, r: &Record, f: &Frame) -> Found {
    let facts = facts_of(r, "schema");
    // good as recorded: the newest migration jinbao had then, and no drift found
    let good = |x: &&FactRecord| match &x.fact {
        Fact::Schema {
            current,
            latest,
            drift,
        } => *current == Some(*latest) && *drift != Some(true),
        Fact::Provision { .. } => false,
    };
    let time = |x: &&FactRecord| parse_time(&x.time);
    let Some(last) = facts.last() else {
        return Found {
            holds: false,
            first: None,
            since: None,
            missing: Some(Note::NoSchema { city: city.into() }),
            facts: Vec::new(),
        };
    };
    let Fact::Schema {
        current,
        latest,
        drift,
    } = &last.fact
    else {
        unreachable!("schema facts only")
    };
    let newest = f.latest_schema.unwrap_or(*latest);
    let fact = Note::SchemaSeen {
        by: last.by.clone(),
        when: short(&last.time),
        at: *current,
        drift: *drift,
    };
    let city = city.to_string();
    let (holds, missing) = if *drift == Some(true) {
        (false, Some(Note::SchemaDrifted { city }))
    } else if *current != Some(newest) {
        (
            false,
            Some(Note::SchemaBehind {
                city,
                at: *current,
                newest,
            }),
        )
    } else {
        (true, None)
    };
    Found {
        holds,
        first: facts.iter().find(|x| good(x)).and_then(time),
        since: streak(&facts, good, time),
        missing,
        facts: vec![fact],
    }
}

/// Whether the site was healthy at its latest evidence: its last health run, or a rollout's
/// health gate when the site was rolled out after that run.
fn healthy(r: &Record) -> (bool, HealthSeen) {
    let run = r.trend.last();
    let gate = r.ledger.iter().rev().find(|c| {
        c.action == crate::state::ChangeAction::Rollout
            && matches!(
                c.result,
                crate::state::ChangeResult::Deployed | crate::state::ChangeResult::Already
            )
    });
    let run_time = run.and_then(|h| parse_time(&h.time));
    let gate_time = gate.and_then(|g| parse_time(&g.time));
    match (run, gate) {
        (Some(h), g) if g.is_none() || run_time >= gate_time => (
            h.good(),
            HealthSeen::Run {
                status: h.status.as_str().to_string(),
                when: short(&h.time),
            },
        ),
        (_, Some(g)) => (
            true,
            HealthSeen::Gate {
                when: short(&g.time),
            },
        ),
        _ => (false, HealthSeen::Never),
    }
}

fn live(city: &str, r: &Record, f: &Frame) -> Found {
    let current = current_release(&r.ledger);
    let at_target = |v: &str| {
        f.target_release
            .as_deref()
            .is_some_and(|t| version_order(v, t) != std::cmp::Ordering::Less)
    };
    let (healthy, health_fact) = healthy(r);
    let on_target = current.as_deref().is_some_and(at_target);
    let time = |c: &&crate::state::ReleaseRecord| parse_time(&c.time);
    let first = r
        .ledger
        .iter()
        .find(|c| succeeded(c) && at_target(&c.to))
        .and_then(|c| time(&c));
    let since = current.as_ref().and_then(|cur| {
        let mine: Vec<&crate::state::ReleaseRecord> = r.ledger.iter().collect();
        streak(&mine, |c| succeeded(c) && &c.to == cur, time)
    });
    let target = f.target_release.clone();
    let city = city.to_string();
    let missing = match &current {
        None => Note::NoRelease { city },
        Some(v) if !on_target => Note::WrongRelease {
            runs: v.clone(),
            target: target.clone(),
        },
        Some(_) => Note::NotHealthy {
            seen: health_fact.clone(),
            city,
        },
    };
    Found {
        holds: on_target && healthy,
        first,
        since,
        missing: Some(missing),
        facts: vec![
            Note::Runs {
                current: current.clone(),
                target,
            },
            Note::Health(health_fact),
        ],
    }
}

fn concentrated(r: &Record) -> Found {
    let Some(c) = &r.concentration else {
        return Found {
            holds: false,
            first: None,
            since: None,
            missing: Some(Note::LoadsUnknown),
            facts: vec![Note::ConcentrationUnknown],
        };
    };
    let holds = c.counties > 0 && c.missing.is_empty();
    // loaded in full since its last county's import finished
    let since = c
        .last_import
        .as_deref()
        .and_then(parse_time)
        .filter(|_| holds);
    Found {
        holds,
        first: since,
        since,
        missing: Some(Note::CountiesMissing {
            names: c.missing_named(),
        }),
        facts: vec![Note::CountiesLoaded {
            loaded: c.loaded,
            counties: c.counties,
        }],
    }
}

fn accepted(city: &str, r: &Record, f: &Frame, before: &[MilestoneDetail]) -> Found {
    let days = f.config.accepted_days;
    let live = before.iter().find(|m| m.name == Milestone::ApplicationLive);
    let min = |c: &crate::state::data_checks::CheckRecord| {
        if c.min_score > 0.0 {
            c.min_score
        } else {
            f.min_score
        }
    };
    let data_good = |c: &crate::state::data_checks::CheckRecord| c.score >= min(c);
    let data_since = match r.checks.last() {
        Some(c) if data_good(c) => streak(&r.checks, data_good, |c| parse_time(&c.time)),
        _ => None,
    };
    let health_since = streak(&r.health, |h| h.good(), |h| parse_time(&h.time));
    let mut facts = Vec::new();
    let mut missing = None;
    if let Some(c) = r.checks.last() {
        facts.push(Note::DataScoreAt {
            score: crate::numbers::tenths(c.score),
            when: short(&c.time),
            min: min(c),
        });
    }
    let live_since = live.and_then(|m| m.since);
    let city = city.to_string();
    if live_since.is_none() {
        missing = Some(Note::NotLive);
    } else if r.checks.is_empty() {
        missing = Some(Note::NoDataCheck { city });
    } else if data_since.is_none() {
        missing = Some(Note::ScoreBelow { city });
    } else if health_since.is_none() {
        missing = Some(Note::NoGoodHealth {
            days: f.config.health_days + days,
            city,
        });
    }
    let start = [live_since, data_since, health_since]
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .and_then(|v| v.into_iter().max());
    let due = start.map(|s| s + chrono::Duration::days(days.into()));
    let holds = due.is_some_and(|d| d <= f.now);
    if let (Some(s), Some(d), false) = (start, due, holds) {
        let left = ((d - f.now).num_seconds() + 86_399) / 86_400;
        facts.push(Note::SteadySince {
            when: short_time(&s),
        });
        missing = Some(Note::DaysLeft { left, days });
    }
    Found {
        holds,
        first: None,
        since: due.filter(|_| holds),
        missing,
        facts,
    }
}
