//! `[assessment]` of province.toml: how the province assesses its cities (考评) — the weights of
//! the score's criteria, the thresholds of the milestones and the planned dates of each wave.
//! These are the province's to set; `check` says what is wrong with them, value by value.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::WaveDef;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentConfig {
    /// Days a city must stay live, healthy and at its data threshold before it is accepted.
    pub accepted_days: u32,
    /// Days of health runs the health criterion looks at.
    pub health_days: u32,
    /// Days late after which timeliness gives nothing (it falls evenly until then).
    pub late_days: u32,
    pub weights: Weights,
    /// Planned dates (and optionally the target release) of each wave, keyed by wave name.
    pub waves: BTreeMap<String, WavePlan>,
}

impl Default for AssessmentConfig {
    fn default() -> Self {
        AssessmentConfig {
            accepted_days: 30,
            health_days: 30,
            late_days: 60,
            weights: Weights::default(),
            waves: BTreeMap::new(),
        }
    }
}

/// Relative weights of the criteria: the score scales them to 100.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub milestones: f64,
    pub data_score: f64,
    pub health: f64,
    pub concentration: f64,
    pub timeliness: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            milestones: 30.0,
            data_score: 20.0,
            health: 20.0,
            concentration: 15.0,
            timeliness: 15.0,
        }
    }
}

impl Weights {
    /// The weights by the criterion names the score uses, in the order it shows them.
    pub fn named(&self) -> [(&'static str, f64); 5] {
        [
            ("milestones", self.milestones),
            ("data_score", self.data_score),
            ("health", self.health),
            ("concentration", self.concentration),
            ("timeliness", self.timeliness),
        ]
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WavePlan {
    /// When the wave's cities begin (a TOML date: 2027-01-04).
    pub start: Option<toml::value::Datetime>,
    /// When the wave's cities must be live.
    pub live: Option<toml::value::Datetime>,
    /// The release the wave's cities must run to count as live (default: the newest release
    /// rolled out to any city).
    pub release: Option<String>,
}

impl WavePlan {
    pub fn start_date(&self) -> Option<NaiveDate> {
        self.start.as_ref().and_then(plain_date)
    }
    pub fn live_date(&self) -> Option<NaiveDate> {
        self.live.as_ref().and_then(plain_date)
    }
}

/// A TOML date without a time of day, as a calendar date.
fn plain_date(d: &toml::value::Datetime) -> Option<NaiveDate> {
    if d.time.is_some() || d.offset.is_some() {
        return None;
    }
    let date = d.date?;
    NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
}

/// One problem of `[assessment]`: the key path under province.toml, a message, a hint.
pub struct Problem {
    pub path: Vec<String>,
    pub message: String,
    pub hint: Option<String>,
}

/// Every problem of the assessment settings, against the declared waves.
pub fn check(config: &AssessmentConfig, waves: &[WaveDef]) -> Vec<Problem> {
    let mut out = Vec::new();
    let path = |keys: &[&str]| -> Vec<String> {
        std::iter::once("assessment")
            .chain(keys.iter().copied())
            .map(str::to_string)
            .collect()
    };
    for (name, w) in config.weights.named() {
        if !w.is_finite() || w < 0.0 {
            out.push(Problem {
                path: path(&["weights", name]),
                message: format!("the weight of `{name}` is {w}: weights are 0 or more"),
                hint: None,
            });
        }
    }
    if config.weights.named().iter().all(|(_, w)| *w <= 0.0) {
        out.push(Problem {
            path: path(&["weights"]),
            message: "every weight of the assessment is 0: the score would mean nothing".into(),
            hint: Some("give at least one criterion a weight above 0".into()),
        });
    }
    for (key, days) in [
        ("accepted_days", config.accepted_days),
        ("health_days", config.health_days),
        ("late_days", config.late_days),
    ] {
        if days == 0 {
            out.push(Problem {
                path: path(&[key]),
                message: format!("`{key}` is 0: it counts days, at least 1"),
                hint: None,
            });
        }
    }
    let known: Vec<&str> = waves.iter().map(|w| w.name.as_str()).collect();
    let mut previous: Option<(&str, NaiveDate)> = None;
    for wave in waves {
        let Some(plan) = config.waves.get(&wave.name) else {
            continue;
        };
        for (key, value) in [("start", &plan.start), ("live", &plan.live)] {
            if let Some(v) = value
                && plain_date(v).is_none()
            {
                out.push(Problem {
                    path: path(&["waves", &wave.name, key]),
                    message: format!("`{key}` of wave `{}` is not a plain date", wave.name),
                    hint: Some("write a date without a time, e.g. 2027-04-30".into()),
                });
            }
        }
        if let (Some(start), Some(live)) = (plan.start_date(), plan.live_date())
            && start > live
        {
            out.push(Problem {
                path: path(&["waves", &wave.name, "live"]),
                message: format!(
                    "wave `{}` is planned live on {live}, before it starts on {start}",
                    wave.name
                ),
                hint: None,
            });
        }
        if plan.release.as_deref().is_some_and(|r| r.trim().is_empty()) {
            out.push(Problem {
                path: path(&["waves", &wave.name, "release"]),
                message: format!("the target release of wave `{}` is empty", wave.name),
                hint: Some("name a release version, or leave `release` out".into()),
            });
        }
        if let Some(live) = plan.live_date() {
            if let Some((before, date)) = previous
                && live < date
            {
                out.push(Problem {
                    path: path(&["waves", &wave.name, "live"]),
                    message: format!(
                        "wave `{}` is planned live on {live}, before the wave before it (`{before}`, {date})",
                        wave.name
                    ),
                    hint: Some("waves go live in the order province.toml declares them".into()),
                });
            }
            previous = Some((&wave.name, live));
        }
    }
    for name in config.waves.keys() {
        if !known.contains(&name.as_str()) {
            out.push(Problem {
                path: path(&["waves", name]),
                message: format!("`[assessment.waves.{name}]`: no wave named `{name}`"),
                hint: Some(format!("province.toml declares: {}", known.join(", "))),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waves() -> Vec<WaveDef> {
        ["pilot", "general"]
            .iter()
            .map(|n| WaveDef {
                name: n.to_string(),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn the_defaults_are_valid() {
        assert!(check(&AssessmentConfig::default(), &waves()).is_empty());
    }

    #[test]
    fn every_problem_is_found() {
        let config: AssessmentConfig = toml::from_str(
            r#"
            accepted_days = 0
            [weights]
            health = -1
            [waves.pilot]
            start = 2027-05-01
            live = 2027-04-30
            [waves.general]
            live = 2027-01-01T10:00:00
            [waves.pilots]
            "#,
        )
        .unwrap();
        let messages: Vec<String> = check(&config, &waves())
            .into_iter()
            .map(|p| p.message)
            .collect();
        assert_eq!(
            messages,
            [
                "the weight of `health` is -1: weights are 0 or more",
                "`accepted_days` is 0: it counts days, at least 1",
                "wave `pilot` is planned live on 2027-04-30, before it starts on 2027-05-01",
                "`live` of wave `general` is not a plain date",
                "`[assessment.waves.pilots]`: no wave named `pilots`",
            ]
        );
    }
}
