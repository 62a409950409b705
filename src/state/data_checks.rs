//! The history of data checks per city (`<state>/data-checks/<city>.jsonl`), which `health`
//! and `status` read.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::health::{Check, Status};

/// One `data check` run of one city.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckRecord {
    pub time: String,
    pub city: String,
    /// 0–100: the share of rule checks that passed, weighted by severity.
    pub score: f64,
    pub rules: usize,
    pub failed_errors: usize,
    pub failed_warnings: usize,
    pub violations: u64,
    /// The least score the profile accepts.
    #[serde(default)]
    pub min_score: f64,
    /// Violations per county (open problem rows).
    #[serde(default)]
    pub by_county: std::collections::BTreeMap<String, u64>,
}

impl CheckRecord {
    /// The result as a health check: CRITICAL when an error rule failed, WARNING below the
    /// profile's score or with failed warning rules.
    pub fn health_check(&self, city: &str) -> Check {
        let status = if self.failed_errors > 0 {
            Status::Critical
        } else if self.failed_warnings > 0 || self.score < self.min_score {
            Status::Warning
        } else {
            Status::Ok
        };
        Check::new(
            city,
            None,
            "data",
            status,
            format!(
                "score {:.1} on {}: {} error and {} warning rules failed, {} violations",
                self.score, self.time, self.failed_errors, self.failed_warnings, self.violations
            ),
        )
        .threshold(format!("score ≥ {}", self.min_score))
        .hint(if status == Status::Ok {
            ""
        } else {
            "jinbao data check shows the rules and sample keys"
        })
        .perf(
            format!("{city}_data_score"),
            self.score,
            "",
            Some(self.min_score),
            None,
        )
        .lower_is_worse()
    }
}

fn path(state: &Path, city: &str) -> std::path::PathBuf {
    state.join("data-checks").join(format!("{city}.jsonl"))
}

pub fn append(state: &Path, record: &CheckRecord) -> std::io::Result<()> {
    crate::state::append_line(&path(state, &record.city), record)
}

/// The latest data check of a city, if any, and the lines of its history that could not be
/// read.
pub fn last_check(
    state: &Path,
    city: &str,
) -> (Option<CheckRecord>, Vec<crate::state::Unreadable>) {
    let mut h = all_checks(state, city);
    (h.records.pop(), h.unreadable)
}

/// Every data check of a city, oldest first, and the lines that could not be read.
pub fn all_checks(state: &Path, city: &str) -> crate::state::History<CheckRecord> {
    crate::state::read_all(&path(state, city))
}

/// Where the keys a rule found at the last check are kept: 64-bit hashes, never the keys.
fn keys_path(state: &Path, city: &str, rule: &str) -> std::path::PathBuf {
    let safe: String = rule
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    state
        .join("data-checks")
        .join(city)
        .join(format!("{safe}.keys"))
}

/// The hashed keys a rule found at the city's last check (sorted), if it ran before. A file
/// that is not a whole number of keys is damaged: `Err` with what could not be read.
pub fn load_keys(
    state: &Path,
    city: &str,
    rule: &str,
) -> std::io::Result<Result<Option<Vec<i64>>, crate::state::Unreadable>> {
    let path = keys_path(state, city, rule);
    match std::fs::read(&path) {
        Ok(b) if b.len() % 8 != 0 => Ok(Err(crate::state::Unreadable {
            file: path.display().to_string(),
            line: 0,
            why: format!("damaged ({} bytes, not a whole number of keys)", b.len()),
        })),
        Ok(b) => Ok(Ok(Some(
            b.chunks_exact(8)
                .map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect(),
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ok(None)),
        Err(e) => Err(e),
    }
}

/// Keeps the hashed keys (sorted) a rule found now, for the next check.
pub fn save_keys(state: &Path, city: &str, rule: &str, keys: &[i64]) -> std::io::Result<()> {
    let bytes: Vec<u8> = keys.iter().flat_map(|k| k.to_le_bytes()).collect();
    let path = keys_path(state, city, rule);
    if let Some(dir) = path.parent() {
        crate::state::files::private_dir(dir)?;
    }
    // binary: written as it is (write_atomic scrubs text), to a private file renamed into place
    let tmp = path.with_extension(format!("keys.{}.tmp", std::process::id()));
    let mut f = crate::state::files::create_private(&tmp)?;
    std::io::Write::write_all(&mut f, &bytes)?;
    f.sync_data()?;
    std::fs::rename(&tmp, &path)
}
