//! The audit log (`<state>/audit.jsonl`): one line for every change jinbao makes and every
//! decision people must be able to find later (who, from where, when, on what, what, and how it
//! ended). `jinbao audit` reads it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Version of the record format (the `v` field).
pub const AUDIT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditRecord {
    #[serde(default)]
    pub v: u32,
    pub time: String,
    /// The operating-system user and the controller: `user@host`.
    pub operator: String,
    /// How jinbao identified itself to the servers or databases (an SSH key, the agent, a
    /// database account), when it reached any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// What was done: `rollout`, `provision apply`, `data import`, `show-personal-data` …
    pub action: String,
    /// Cities, hosts or databases it was done to.
    #[serde(default, alias = "cities")]
    pub targets: Vec<String>,
    /// The change in a few words (never a secret, never personal data).
    #[serde(default, alias = "note")]
    pub what: String,
    /// ok, failed, refused, interrupted …
    #[serde(default)]
    pub result: String,
}

/// One change to record.
pub struct Entry<'a> {
    pub action: &'a str,
    pub targets: Vec<String>,
    pub what: String,
    pub result: &'a str,
    pub identity: Option<String>,
}

pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("audit.jsonl")
}

/// Whether the audit log can take a record now (a regular file of jinbao's, not a link, in a
/// folder it can write): checked before a change starts, so that no change goes unaudited.
pub fn ready(state_dir: &Path) -> std::io::Result<()> {
    super::files::append_line_ready(&path(state_dir))
}

/// Appends one record to the audit log.
pub fn record(state_dir: &Path, e: Entry<'_>) -> std::io::Result<()> {
    let rec = AuditRecord {
        v: AUDIT_VERSION,
        time: crate::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        operator: crate::operator::operator(),
        identity: e.identity,
        action: e.action.to_string(),
        targets: e.targets,
        what: e.what,
        result: e.result.to_string(),
    };
    let line = serde_json::to_vec(&rec).map_err(std::io::Error::other)?;
    super::files::append_line(&path(state_dir), &line)
}

/// Which records `read` returns.
#[derive(Debug, Default)]
pub struct Filter {
    /// Records touching any of these (a city, or a host `city/server` of one).
    pub targets: Vec<String>,
    pub since: Option<DateTime<Utc>>,
}

impl Filter {
    fn keeps(&self, r: &AuditRecord) -> bool {
        if let Some(since) = self.since
            && DateTime::parse_from_rfc3339(&r.time).is_ok_and(|t| t < since)
        {
            return false;
        }
        self.targets.is_empty()
            || r.targets.iter().any(|t| {
                self.targets.iter().any(|want| {
                    t == want
                        || t.strip_prefix(want.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                })
            })
    }
}

/// The records that pass `filter`, oldest first; unreadable lines are returned with their
/// line numbers, not fatal.
pub fn read(
    state_dir: &Path,
    filter: &Filter,
) -> std::io::Result<(Vec<AuditRecord>, Vec<super::Unreadable>)> {
    let p = path(state_dir);
    let text = match std::fs::read(&p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(super::files::at(&p, e)),
    };
    let mut bad = Vec::new();
    let mut out = Vec::new();
    for (i, line) in text.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<AuditRecord>(line) {
            Ok(r) if filter.keeps(&r) => out.push(r),
            Ok(_) => {}
            Err(e) => bad.push(super::Unreadable {
                file: p.display().to_string(),
                line: i as u64 + 1,
                why: format!("not a record ({e})"),
            }),
        }
    }
    Ok((out, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_found_by_target_and_time() {
        let dir = tempfile::tempdir().unwrap();
        record(
            dir.path(),
            Entry {
                action: "rollout",
                targets: vec!["xuchang".into(), "hebi/hebi-app1".into()],
                what: "1.0.0 → 1.1.0".into(),
                result: "ok",
                identity: None,
            },
        )
        .unwrap();
        // a line in the old format still reads
        super::super::files::append_line(
            &path(dir.path()),
            br#"{"time":"2020-01-01T00:00:00Z","operator":"a@b","action":"rollback","cities":["zhoukou"],"note":"to 1.0"}"#,
        )
        .unwrap();
        let all = |targets: &[&str], since| {
            read(
                dir.path(),
                &Filter {
                    targets: targets.iter().map(|s| s.to_string()).collect(),
                    since,
                },
            )
            .unwrap()
            .0
        };
        assert_eq!(all(&[], None).len(), 2);
        assert_eq!(all(&["hebi"], None).len(), 1);
        assert_eq!(all(&["zhoukou"], None)[0].what, "to 1.0");
        assert_eq!(all(&["heb"], None).len(), 0);
        let since = DateTime::parse_from_rfc3339("2021-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(all(&[], Some(since)).len(), 1);
    }
}
