//! The health history: `<state>/health/<site>.jsonl`, one line per `jinbao health` run that
//! covered the site (its worst status, the count per status and the problems), written by
//! `health` and read by `status`, the assessment and the report.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::verdicts::{Check, Status};

/// Checks per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub unknown: usize,
}

impl Counts {
    pub fn of(checks: &[Check]) -> Self {
        let n = |s: Status| checks.iter().filter(|c| c.status == s).count();
        Counts {
            ok: n(Status::Ok),
            warning: n(Status::Warning),
            critical: n(Status::Critical),
            unknown: n(Status::Unknown),
        }
    }
}

/// One health run of one site.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HealthRun {
    pub time: String,
    pub status: Status,
    #[serde(default)]
    pub counts: Counts,
    /// The checks that were not OK.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Check>,
}

impl HealthRun {
    /// OK and WARNING keep a site in service; CRITICAL and UNKNOWN do not.
    pub fn good(&self) -> bool {
        matches!(self.status, Status::Ok | Status::Warning)
    }
}

fn path(state: &Path, site: &str) -> PathBuf {
    state.join("health").join(format!("{site}.jsonl"))
}

/// Adds a run to the site's history.
pub fn record(state: &Path, site: &str, run: &HealthRun) -> std::io::Result<()> {
    super::append_line(&path(state, site), run)
}

/// The site's last `n` runs, oldest first, and the lines that could not be read.
pub fn last(state: &Path, site: &str, n: usize) -> super::History<HealthRun> {
    super::tail(&path(state, site), n)
}

/// The site's runs back to the first that `keep` refuses, oldest first.
pub fn back_while(
    state: &Path,
    site: &str,
    keep: impl Fn(&HealthRun) -> bool,
) -> super::History<HealthRun> {
    super::tail_while(&path(state, site), keep)
}
