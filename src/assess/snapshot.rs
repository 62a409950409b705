//! Daily snapshots of the assessment (`<state>/assessments/<date>.json`): every site's
//! milestones, score and criteria, so the report can show how each one moved. A day's snapshot
//! is replaced atomically by a later one of the same day; the milestone dates it keeps are what
//! "first reached" remembers when the facts behind a milestone no longer show it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::AssessError;
use super::milestones::MilestoneState;
use super::score::Criterion;

/// The format of the snapshot files.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub version: u32,
    /// The day, in the province's time zone (YYYY-MM-DD).
    pub date: String,
    /// When it was taken (RFC 3339).
    pub time: String,
    pub env: String,
    pub sites: Vec<SiteSnapshot>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteSnapshot {
    pub city: String,
    pub score: f64,
    pub milestones: Vec<MilestoneState>,
    pub criteria: Vec<Criterion>,
}

impl Snapshot {
    pub fn site(&self, city: &str) -> Option<&SiteSnapshot> {
        self.sites.iter().find(|s| s.city == city)
    }

    /// Milestone → first reached, for one site.
    pub fn remembered(&self, city: &str) -> BTreeMap<String, String> {
        self.site(city)
            .map(|s| {
                s.milestones
                    .iter()
                    .filter_map(|m| Some((m.name.key().to_string(), m.reached_at.clone()?)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn dir(state: &Path) -> PathBuf {
    state.join("assessments")
}

/// Writes the day's snapshot (replacing an earlier one of the same day); returns its path.
pub fn write(state: &Path, snapshot: &Snapshot) -> Result<PathBuf, AssessError> {
    let path = dir(state).join(format!("{}.json", snapshot.date));
    let mut bytes = serde_json::to_vec_pretty(snapshot).map_err(AssessError::Encode)?;
    bytes.push(b'\n');
    crate::state::files::private_dir(&dir(state))
        .and_then(|_| crate::state::files::write_atomic(&path, &bytes))
        .map_err(|e| AssessError::Snapshot {
            path: path.clone(),
            source: e,
        })?;
    Ok(path)
}

/// The dates that have a snapshot, oldest first.
fn dates(state: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir(state))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let date = name.strip_suffix(".json")?;
                    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
                    Some(date.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn read(state: &Path, date: &str) -> Option<Snapshot> {
    let text = std::fs::read_to_string(dir(state).join(format!("{date}.json"))).ok()?;
    serde_json::from_str::<Snapshot>(&text)
        .ok()
        .filter(|s| s.version == VERSION)
}

/// The newest readable snapshot.
pub fn latest(state: &Path) -> Option<Snapshot> {
    dates(state).iter().rev().find_map(|d| read(state, d))
}

/// Every readable snapshot, oldest first.
pub fn history(state: &Path) -> Vec<Snapshot> {
    dates(state).iter().filter_map(|d| read(state, d)).collect()
}
