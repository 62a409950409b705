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
use crate::state::Unreadable;

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
    crate::files::private_dir(&dir(state))
        .and_then(|_| crate::files::write_atomic(&path, &bytes))
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

/// A day's snapshot; None when it is of another format version (passed over, no damage), an
/// error naming the file when it cannot be read.
fn read(state: &Path, date: &str) -> Result<Option<Snapshot>, Unreadable> {
    let path = dir(state).join(format!("{date}.json"));
    let bad = |line: usize, why: String| Unreadable {
        file: path.display().to_string(),
        line: line as u64,
        why,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| bad(0, e.to_string()))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(e.line(), format!("not a snapshot ({e})")))?;
    if v.get("version").and_then(serde_json::Value::as_u64) != Some(u64::from(VERSION)) {
        return Ok(None);
    }
    serde_json::from_value(v)
        .map(Some)
        .map_err(|e| bad(0, format!("not a snapshot ({e})")))
}

/// The newest readable snapshot, and the newer ones that could not be read.
pub fn latest(state: &Path) -> (Option<Snapshot>, Vec<Unreadable>) {
    let mut unreadable = Vec::new();
    for d in dates(state).iter().rev() {
        match read(state, d) {
            Ok(Some(s)) => return (Some(s), unreadable),
            Ok(None) => {}
            Err(u) => unreadable.push(u),
        }
    }
    (None, unreadable)
}

/// Every readable snapshot, oldest first, and those that could not be read.
pub fn history(state: &Path) -> (Vec<Snapshot>, Vec<Unreadable>) {
    let mut out = Vec::new();
    let mut unreadable = Vec::new();
    for d in dates(state) {
        match read(state, &d) {
            Ok(Some(s)) => out.push(s),
            Ok(None) => {}
            Err(u) => unreadable.push(u),
        }
    }
    (out, unreadable)
}
