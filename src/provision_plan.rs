//! A recorded provisioning plan: `provision plan --out FILE` writes what each server would
//! change and a fingerprint of what it saw; `provision apply FILE` plans again and changes only
//! servers whose fingerprint is the same, so what is applied is what was reviewed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::provision::HostPlan;
use crate::resource::Action;

/// What a plan file says `kind` is (a rollout plan or anything else is refused).
pub const KIND: &str = "provision-plan";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub v: u32,
    pub kind: String,
    /// When it was made (RFC 3339).
    pub created: String,
    /// The environment it was made in: applying it elsewhere is refused.
    pub env: String,
    /// `--role` it was made with, if any.
    pub role: Option<String>,
    pub hosts: Vec<PlannedHost>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedHost {
    pub city: String,
    pub host: String,
    /// SHA-256 over the changes and everything the probe saw; None when the host could not be
    /// planned (its city is then refused by `apply`).
    pub fingerprint: Option<String>,
    pub changes: Vec<PlannedChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedChange {
    pub resource: String,
    pub kind: String,
    /// create, update or delete (unchanged resources are not listed).
    pub action: String,
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("cannot read the plan {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the plan {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a provisioning plan: {why}")]
    Invalid { path: PathBuf, why: String },
}

impl PlanFileError {
    pub fn hint(&self) -> &'static str {
        match self {
            PlanFileError::Invalid { .. } => {
                "make one with: jinbao provision plan <target> --out FILE"
            }
            _ => "",
        }
    }
}

/// The word a plan uses for an action.
pub fn action_word(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
        Action::Unchanged => "unchanged",
    }
}

/// The fingerprint of a host's plan: its changes (unchanged ones too) and everything its probe
/// saw, in a fixed order. Two plans with the same fingerprint would run the same script.
pub fn fingerprint(plan: &HostPlan) -> String {
    let mut lines: Vec<String> = plan
        .changes
        .iter()
        .map(|c| {
            format!(
                "change\t{}\t{}\t{}\t{}",
                c.resource,
                c.kind,
                action_word(c.action),
                c.detail
            )
        })
        .collect();
    let o = &plan.observed;
    let mut seen: Vec<String> = Vec::new();
    seen.extend(o.paths.iter().map(|(p, s)| {
        format!(
            "path\t{p}\t{}\t{:o}\t{}\t{}\t{}",
            s.kind, s.mode, s.user, s.group, s.link
        )
    }));
    seen.extend(o.hashes.iter().map(|(p, h)| format!("hash\t{p}\t{h}")));
    seen.extend(o.users.iter().map(|u| format!("user\t{u}")));
    seen.extend(o.groups.iter().map(|g| format!("group\t{g}")));
    seen.extend(o.sysctl.iter().map(|(k, v)| format!("sysctl\t{k}\t{v}")));
    seen.extend(
        o.services
            .iter()
            .map(|(s, (enabled, running))| format!("service\t{s}\t{enabled}\t{running}")),
    );
    seen.extend(o.routes.iter().map(|r| {
        format!(
            "route\t{}\t{}\t{}",
            r.dst,
            r.gateway.as_deref().unwrap_or("-"),
            r.metric.map_or("-".to_string(), |m| m.to_string())
        )
    }));
    seen.extend(o.managed_routes.iter().map(|r| format!("managed\t{r}")));
    seen.sort();
    lines.extend(seen);
    lines.push(format!("flags\t{}\t{}", o.systemd, o.has_release));
    let mut h = Sha256::new();
    for l in &lines {
        h.update(l.as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The recorded form of a host's plan (None: the host could not be planned).
pub fn planned(city: &str, host: &str, plan: Option<&HostPlan>) -> PlannedHost {
    PlannedHost {
        city: city.to_string(),
        host: host.to_string(),
        fingerprint: plan.map(fingerprint),
        changes: plan
            .map(|p| {
                p.changes
                    .iter()
                    .filter(|c| c.action != Action::Unchanged)
                    .map(|c| PlannedChange {
                        resource: c.resource.clone(),
                        kind: c.kind.to_string(),
                        action: action_word(c.action).to_string(),
                        detail: c.detail.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

impl PlanFile {
    /// The cities of the plan, in its order, each once.
    pub fn cities(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for h in &self.hosts {
            if !out.contains(&h.city) {
                out.push(h.city.clone());
            }
        }
        out
    }

    pub fn host(&self, city: &str, host: &str) -> Option<&PlannedHost> {
        self.hosts.iter().find(|h| h.city == city && h.host == host)
    }

    /// Written whole or not at all, readable only by its owner (it names servers and paths).
    pub fn write(&self, path: &Path) -> Result<(), PlanFileError> {
        let mut text = serde_json::to_vec_pretty(self).map_err(|e| PlanFileError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        text.push(b'\n');
        crate::state::files::write_atomic(path, &text).map_err(|source| PlanFileError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    pub fn read(path: &Path) -> Result<PlanFile, PlanFileError> {
        let text = std::fs::read(path).map_err(|source| PlanFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |why: String| PlanFileError::Invalid {
            path: path.to_path_buf(),
            why,
        };
        let plan: PlanFile = serde_json::from_slice(&text).map_err(|e| {
            let message = e.to_string();
            let (words, _) =
                crate::serde_words::plain(message.split(" at line ").next().unwrap_or(&message));
            invalid(format!("{words} (line {})", e.line()))
        })?;
        if plan.kind != KIND {
            return Err(invalid(format!("its kind is `{}`", plan.kind)));
        }
        if plan.v != 1 {
            return Err(invalid(format!(
                "it is of version {}, this jinbao reads version 1",
                plan.v
            )));
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::plan::Change;

    fn plan(detail: &str) -> HostPlan {
        HostPlan {
            changes: vec![Change {
                index: None,
                resource: "file /etc/jinbao/app.toml".into(),
                kind: "file",
                action: Action::Update,
                detail: detail.into(),
                diff: None,
                delete_route: None,
            }],
            observed: Default::default(),
            root: String::new(),
            local: false,
        }
    }

    #[test]
    fn the_fingerprint_follows_what_would_run_and_what_was_seen() {
        let a = plan("content differs");
        assert_eq!(fingerprint(&a), fingerprint(&plan("content differs")));
        assert_ne!(fingerprint(&a), fingerprint(&plan("mode 0644 → 0600")));
        let mut moved = plan("content differs");
        moved
            .observed
            .hashes
            .insert("/etc/jinbao/app.toml".into(), "ab12".into());
        assert_ne!(fingerprint(&a), fingerprint(&moved));
    }

    #[test]
    fn a_plan_file_reads_back_and_other_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        let file = PlanFile {
            v: 1,
            kind: KIND.into(),
            created: "2027-01-04T00:00:00Z".into(),
            env: "sandbox".into(),
            role: None,
            hosts: vec![planned("xuchang", "app1", Some(&plan("content differs")))],
        };
        file.write(&path).unwrap();
        let back = PlanFile::read(&path).unwrap();
        assert_eq!(back.cities(), vec!["xuchang"]);
        assert_eq!(back.hosts[0].changes[0].action, "update");
        std::fs::write(&path, r#"{"v": 1, "kind": "rollout-plan"}"#).unwrap();
        let e = PlanFile::read(&path).unwrap_err().to_string();
        assert!(e.contains("missing key"), "{e}");
        assert!(!e.contains("u32"), "{e}");
    }
}
