//! The history of data checks per city (`<state>/data-checks/<city>.jsonl`), which `health`
//! and `status` read. Only full checks (every rule of the city) are its official data score:
//! a run of some rules (`--rule`) is kept, marked partial, and its readers pass it over.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::verdicts::{Check, Status};

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
    /// Only some of the city's rules ran (`--rule`): not the city's score.
    #[serde(default)]
    pub partial: bool,
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
                "score {} on {}: {} error and {} warning rules failed, {} violations",
                crate::numbers::tenths(self.score),
                crate::clock::shown_rfc3339(&self.time),
                self.failed_errors,
                self.failed_warnings,
                self.violations
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

/// The latest full data check of a city, if any (a partial `--rule` run is no score of the
/// city), and the lines of its history that could not be read.
pub fn last_check(
    state: &Path,
    city: &str,
) -> (Option<CheckRecord>, Vec<crate::state::Unreadable>) {
    let mut h = all_checks(state, city);
    (h.records.pop(), h.unreadable)
}

/// Every full data check of a city, oldest first (partial runs left out; a -0.0 score older
/// versions wrote is 0), and the lines that could not be read.
pub fn all_checks(state: &Path, city: &str) -> crate::state::History<CheckRecord> {
    let mut h: crate::state::History<CheckRecord> = crate::state::read_all(&path(state, city));
    h.records.retain(|c| !c.partial);
    for c in &mut h.records {
        c.score += 0.0;
    }
    h
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
        crate::files::private_dir(dir)?;
    }
    // binary: written as it is (write_atomic scrubs text), to a private file renamed into place
    let tmp = path.with_extension(format!("keys.{}.tmp", std::process::id()));
    let mut f = crate::files::create_private(&tmp)?;
    std::io::Write::write_all(&mut f, &bytes)?;
    f.sync_data()?;
    std::fs::rename(&tmp, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_take_full_checks_and_no_minus_zero() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path(), "xuchang");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let line = |score: &str, partial: Option<bool>| {
            format!(
                "{{\"time\":\"t\",\"city\":\"xuchang\",\"score\":{score},\"rules\":2,\"failed_errors\":2,\"failed_warnings\":0,\"violations\":9{}}}\n",
                partial.map_or(String::new(), |p| format!(",\"partial\":{p}"))
            )
        };
        // an old full check that wrote -0.0, a full one, then a partial one
        let text = line("-0.0", None) + &line("64.6", Some(false)) + &line("-0.0", Some(true));
        std::fs::write(&file, text).unwrap();
        let last = last_check(dir.path(), "xuchang").0.unwrap();
        assert_eq!(last.score, 64.6);
        let all = all_checks(dir.path(), "xuchang").records;
        assert_eq!(all.len(), 2);
        assert!(all[0].score.is_sign_positive(), "{}", all[0].score);
    }
}
