//! What jinbao recorded about one site, gathered from the state folder for the assessment:
//! release ledger, health runs, data checks, provision and schema facts, the county loads, and
//! the milestone dates the last snapshot remembers. Nothing here asks a server or a database.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::profile::Site;
use crate::state::ReleaseRecord;
use crate::state::data_checks::CheckRecord;
use crate::state::facts::FactRecord;

/// How many past health runs the trend shows.
pub const TREND: usize = 10;

pub use crate::state::health::HealthRun;

/// The share of a city's counties whose data is loaded into its center (`jinbao data progress`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Concentration {
    pub counties: usize,
    pub loaded: usize,
    /// Codes of the counties not loaded yet.
    pub missing: Vec<String>,
    /// The names of those counties (code → name), for people; not in JSON or snapshots.
    #[serde(skip)]
    pub names: std::collections::BTreeMap<String, String>,
    /// When the last county import finished (RFC 3339 where the engine records it so): once
    /// every county is loaded, since when the city's data is concentrated.
    #[serde(skip)]
    pub last_import: Option<String>,
    /// What the latest load of each county's tables changed, summed (null before any load
    /// that kept it).
    pub last_cycle: Option<crate::data::progress::Change>,
}

impl Concentration {
    /// The counties not loaded yet as people read them: `410602 鹤山区`.
    pub fn missing_named(&self) -> Vec<String> {
        self.missing
            .iter()
            .map(|code| match self.names.get(code) {
                Some(name) => format!("{code} {name}"),
                None => code.clone(),
            })
            .collect()
    }
}

impl Concentration {
    pub fn share(&self) -> f64 {
        if self.counties == 0 {
            0.0
        } else {
            self.loaded as f64 / self.counties as f64
        }
    }
}

/// Everything recorded about one site that its assessment rests on.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub facts: Vec<FactRecord>,
    /// Every release change, oldest first.
    pub ledger: Vec<ReleaseRecord>,
    /// Health runs of the assessment's window (health_days + accepted_days back).
    pub health: Vec<HealthRun>,
    /// The last `TREND` health runs, oldest first.
    pub trend: Vec<HealthRun>,
    /// Every data check, oldest first.
    pub checks: Vec<CheckRecord>,
    /// None until `jinbao data progress` can tell (shown as "–", left out of the score).
    pub concentration: Option<Concentration>,
    /// Milestone → the date the last snapshot says it was first reached.
    pub remembered: BTreeMap<String, String>,
    /// Lines of the histories above that could not be read (left out of them).
    pub unreadable: Vec<crate::state::Unreadable>,
    /// The city database's last backup and last good drill.
    pub backups: Backups,
}

/// What the records say of a city database's backups.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Backups {
    /// The last backup whose file is kept: its id and time.
    pub last: Option<(String, DateTime<Utc>)>,
    /// The last drill that restored a backup and found it as recorded.
    pub last_good_drill: Option<DateTime<Utc>>,
}

/// Reads the record of `site` as of `now`, looking `window_days` back for health runs.
pub fn gather(
    state: &Path,
    site: &Site,
    now: DateTime<Utc>,
    window_days: u32,
    remembered: BTreeMap<String, String>,
) -> Record {
    let city = site.pinyin();
    let since = now - chrono::Duration::days(window_days.into());
    let mut unreadable = Vec::new();
    let u = &mut unreadable;
    let facts = take(crate::state::facts::read(state, city), u);
    let ledger = take(crate::state::releases(state, city, usize::MAX), u);
    let health = take(
        crate::state::health::back_while(state, city, |r| {
            parse_time(&r.time).is_some_and(|t| t >= since)
        }),
        u,
    );
    let trend = take(crate::state::health::last(state, city, TREND), u);
    let checks = take(crate::state::data_checks::all_checks(state, city), u);
    let concentration = concentration(state, site).unwrap_or_else(|e| {
        u.push(e);
        None
    });
    let (kept, _) = crate::backup::list(state, city);
    let drills = take(crate::state::backups::drill_history(state, city), u);
    let backups = Backups {
        last: kept.last().map(|b| (b.id.clone(), b.taken_at)),
        last_good_drill: drills.iter().rev().find(|d| d.ok).map(|d| d.at),
    };
    Record {
        facts,
        ledger,
        health,
        trend,
        checks,
        concentration,
        remembered,
        unreadable,
        backups,
    }
}

/// The records of a history; its unreadable lines added to `into`, each once (the health
/// history is read twice: for the window and for the trend).
fn take<T>(h: crate::state::History<T>, into: &mut Vec<crate::state::Unreadable>) -> Vec<T> {
    for u in h.unreadable {
        if !into.contains(&u) {
            into.push(u);
        }
    }
    h.records
}

/// The county loads of a city as `jinbao data progress` counts them, from what `data import`
/// and `data progress` last recorded in the state folder (None before the city's first import;
/// an error naming the file when it cannot be read).
pub fn concentration(
    state: &Path,
    site: &Site,
) -> Result<Option<Concentration>, crate::state::Unreadable> {
    Ok(
        crate::data::progress::last_recorded(state, site.pinyin())?.map(|r| Concentration {
            names: r
                .missing
                .iter()
                .filter_map(|code| {
                    let county = site.profile.counties.get(code)?;
                    Some((code.clone(), county.name.clone()))
                })
                .collect(),
            counties: r.counties,
            loaded: r.loaded,
            missing: r.missing,
            last_import: r.last_import,
            last_cycle: r.last_cycle,
        }),
    )
}

/// What the releases of a city were switched to last, successfully.
pub fn current_release(history: &[ReleaseRecord]) -> Option<String> {
    history
        .iter()
        .rev()
        .find(|r| succeeded(r))
        .map(|r| r.to.clone())
        .or_else(|| {
            // a failed change that was rolled back leaves the city where it was
            history
                .iter()
                .rev()
                .find(|r| r.result == crate::state::ChangeResult::RolledBack && r.from.len() == 1)
                .map(|r| r.from[0].clone())
        })
}

/// A release change that left the city on its `to` release.
pub fn succeeded(r: &ReleaseRecord) -> bool {
    r.result.took()
}

/// Orders dotted versions by their numbers (1.10.0 after 1.9.0), text otherwise.
pub fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |v: &str| -> Vec<(u64, String)> {
        v.split(['.', '-', '+'])
            .map(|p| (p.parse().unwrap_or(u64::MAX), p.to_string()))
            .collect()
    };
    key(a).cmp(&key(b))
}

pub fn parse_time(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(result: &str, from: &[&str], to: &str) -> ReleaseRecord {
        ReleaseRecord {
            time: "2026-11-27T00:00:00+00:00".into(),
            action: crate::state::ChangeAction::Rollout,
            run: None,
            result: serde_json::from_value(serde_json::Value::from(result)).unwrap(),
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
