//! Facts about a site that jinbao learns while it works and the assessment needs later: was
//! its environment as its profile says when provisioning last looked, and where did its
//! schema stand when a migration, a drift check, a rollout or a health run last looked.
//! One JSON-lines file per site (`<state>/facts/<site>.jsonl`); a fact equal to the last one of
//! its kind is not written again, so the file grows only when something changed and the
//! first line of every run of equal facts says since when it has held.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fact {
    /// Provisioning compared every server of the site with its profile.
    Provision {
        /// Nothing left to change (after an apply that succeeded, or a plan with nothing pending).
        clean: bool,
        hosts: usize,
        /// Changes still pending (a plan) or failed (an apply).
        pending: usize,
    },
    /// The site database's schema against the migrations jinbao has.
    Schema {
        current: Option<u32>,
        latest: u32,
        /// Drift against what the applied migrations make (None: not examined).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        drift: Option<bool>,
    },
}

impl Fact {
    pub fn kind(&self) -> &'static str {
        match self {
            Fact::Provision { .. } => "provision",
            Fact::Schema { .. } => "schema",
        }
    }
}

/// A fact as recorded: when, by which command.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FactRecord {
    pub time: String,
    /// The command that learnt it (`provision plan`, `db migrate`, `rollout`, `health` …).
    pub by: String,
    #[serde(flatten)]
    pub fact: Fact,
}

fn path(state: &Path, site: &str) -> PathBuf {
    state.join("facts").join(format!("{site}.jsonl"))
}

/// Records `fact` for `site` unless it equals the last fact of its kind; true when written.
pub fn record(state: &Path, site: &str, by: &str, fact: Fact) -> std::io::Result<bool> {
    let last = read(state, site)
        .records
        .into_iter()
        .rev()
        .find(|r| r.fact.kind() == fact.kind());
    if last.is_some_and(|l| l.fact == fact) {
        return Ok(false);
    }
    let record = FactRecord {
        time: crate::clock::now().to_rfc3339(),
        by: by.to_string(),
        fact,
    };
    super::append_line(&path(state, site), &record)?;
    Ok(true)
}

/// Every fact recorded for `site`, oldest first, and the lines that could not be read.
pub fn read(state: &Path, site: &str) -> super::History<FactRecord> {
    super::read_all(&path(state, site))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_facts_are_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let clean = Fact::Provision {
            clean: true,
            hosts: 5,
            pending: 0,
        };
        assert!(record(dir.path(), "hebi", "provision plan", clean.clone()).unwrap());
        assert!(!record(dir.path(), "hebi", "provision apply", clean.clone()).unwrap());
        let schema = Fact::Schema {
            current: Some(3),
            latest: 3,
            drift: None,
        };
        assert!(record(dir.path(), "hebi", "db migrate", schema).unwrap());
        assert!(!record(dir.path(), "hebi", "provision plan", clean).unwrap());
        let dirty = Fact::Provision {
            clean: false,
            hosts: 5,
            pending: 2,
        };
        assert!(record(dir.path(), "hebi", "provision plan", dirty).unwrap());
        let all = read(dir.path(), "hebi").records;
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].by, "provision plan");
        assert_eq!(all[2].fact.kind(), "provision");
    }
}
