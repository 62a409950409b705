//! A recorded provisioning plan: `provision plan --out FILE` writes what each server would
//! change, what each resource should be (a file by its content's hash) and a fingerprint of
//! both and of what it saw; `provision apply FILE` plans again and changes only servers whose
//! fingerprint is the same, so what is applied is exactly what was reviewed: another value
//! given with `--set`, an edited template or a changed secret refuses the apply and says which
//! resource differs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::provision::resource::Action;
use crate::provision::{HostPlan, HostRow};

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
    /// Random, per plan: what a secret's content is bound with (never its bare hash).
    #[serde(default)]
    pub salt: String,
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
    /// What each resource was to be when the plan was made (label → state): the apply shows
    /// which of them differs now.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub desired: BTreeMap<String, String>,
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

impl crate::error::Explain for PlanFileError {
    /// A plan that cannot be read is the command line's to fix; one that cannot be written,
    /// the machine's.
    fn exit(&self) -> crate::error::Exit {
        match self {
            PlanFileError::Write { .. } => crate::error::Exit::Failure,
            _ => crate::error::Exit::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            PlanFileError::Invalid { .. } => {
                Some("make one with: jinbao provision plan <target> --out FILE".into())
            }
            _ => None,
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

/// A fresh salt for a plan file.
pub fn new_salt() -> String {
    // no randomness: the clock still makes two plans' salts differ
    crate::files::random_hex().unwrap_or_else(|| {
        let nanos = crate::clock::now().timestamp_nanos_opt().unwrap_or(0);
        format!("{:016x}{:016x}", nanos, 0)
    })
}

/// What each resource of a host's plan should be, as a plan binds it: a secret's content
/// hash only together with the plan's salt.
pub fn bound_states(plan: &HostPlan, salt: &str) -> BTreeMap<String, String> {
    plan.desired
        .iter()
        .map(|d| {
            let state = match &d.secret_digest {
                Some(digest) => {
                    let keyed = crate::provision::resource::plan::sha256(
                        format!("{salt}\0{digest}").as_bytes(),
                    );
                    format!("{} content salted:{keyed}", d.state)
                }
                None => d.state.clone(),
            };
            (d.label.clone(), state)
        })
        .collect()
}

/// The fingerprint of a host's plan: its changes (unchanged ones too), what every resource
/// should be and everything its probe saw, in a fixed order. Two plans with the same
/// fingerprint would run the same script with the same contents.
pub fn fingerprint(plan: &HostPlan, salt: &str) -> String {
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
    lines.extend(
        bound_states(plan, salt)
            .into_iter()
            .map(|(label, state)| format!("desired\t{label}\t{state}")),
    );
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
pub fn planned(city: &str, host: &str, plan: Option<&HostPlan>, salt: &str) -> PlannedHost {
    PlannedHost {
        city: city.to_string(),
        host: host.to_string(),
        fingerprint: plan.map(|p| fingerprint(p, salt)),
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
        desired: plan.map(|p| bound_states(p, salt)).unwrap_or_default(),
    }
}

/// What differs between the resources a host was planned with and what it would get now, in
/// words ("file /etc/jinbao/app.toml: content sha256:1a2b… → sha256:3c4d…").
fn differences(recorded: &PlannedHost, now: &BTreeMap<String, String>) -> Vec<String> {
    let short = |s: &str| -> String {
        // hashes are shown by their first 12 digits: enough to tell them apart
        s.split(' ')
            .map(|w| match w.split_once(':') {
                Some((k, v)) if v.len() == 64 => format!("{k}:{}…", &v[..12]),
                _ => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = Vec::new();
    for (label, state) in now {
        match recorded.desired.get(label) {
            None => out.push(format!("{label} was not in the plan")),
            Some(before) if before != state => {
                let was: Vec<&str> = before.split(' ').collect();
                let is: Vec<&str> = state.split(' ').collect();
                let changed: Vec<String> = if was.len() == is.len() {
                    was.iter()
                        .zip(&is)
                        .enumerate()
                        .filter(|(_, (a, b))| a != b)
                        .map(|(i, (a, b))| {
                            let key = if i > 0 { was[i - 1] } else { "" };
                            format!("{key} {} → {}", short(a), short(b))
                        })
                        .collect()
                } else {
                    vec![format!("{} → {}", short(before), short(state))]
                };
                out.push(format!("{label}: {}", changed.join(", ")));
            }
            _ => {}
        }
    }
    for label in recorded.desired.keys() {
        if !now.contains_key(label) {
            out.push(format!("{label} is no longer wanted"));
        }
    }
    out
}

/// A city any of whose servers plans differently from the recording (or was not recorded, or
/// could not be planned then) is refused whole: none of its servers is changed. A server
/// whose resources would differ from what was reviewed says which.
pub fn refuse_moved(rows: &mut [HostRow], recorded: &PlanFile) {
    let mut moved: Vec<(String, String)> = Vec::new();
    for r in rows.iter() {
        let why = match (recorded.host(&r.city, &r.host), &r.plan) {
            (None, _) => Some(format!("{} is not in the plan", r.host)),
            (Some(h), _) if h.fingerprint.is_none() => {
                Some(format!("{} could not be planned then", r.host))
            }
            (Some(_), None) => None, // its error says why
            (Some(h), Some(p))
                if h.fingerprint.as_deref() != Some(&fingerprint(p, &recorded.salt)) =>
            {
                let diff = differences(h, &bound_states(p, &recorded.salt));
                Some(if diff.is_empty() {
                    format!("{} changed since the plan", r.host)
                } else {
                    format!(
                        "{} changed since the plan: what would be applied is not what was reviewed ({})",
                        r.host,
                        diff.join("; ")
                    )
                })
            }
            _ => None,
        };
        if let Some(why) = why {
            moved.push((r.city.clone(), why));
        }
    }
    for h in &recorded.hosts {
        if !rows.iter().any(|r| r.city == h.city && r.host == h.host) {
            moved.push((
                h.city.clone(),
                format!("{} is no longer a server of it", h.host),
            ));
        }
    }
    for r in rows.iter_mut().filter(|r| r.error.is_none()) {
        let own = moved
            .iter()
            .find(|(c, w)| c == &r.city && w.starts_with(&format!("{} ", r.host)));
        let others: Vec<&str> = moved
            .iter()
            .filter(|(c, w)| c == &r.city && !w.starts_with(&format!("{} ", r.host)))
            .filter_map(|(_, w)| w.split(' ').next())
            .collect();
        r.error = match (own, others.is_empty()) {
            (Some((_, why)), _) => Some(format!("refused: {why}; plan again")),
            (None, false) => Some(format!(
                "refused with its city ({} moved); plan again",
                others.join(", ")
            )),
            (None, true) => None,
        };
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
        crate::files::write_atomic(path, &text).map_err(|source| PlanFileError::Write {
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
    use crate::provision::resource::plan::Change;

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
            resources: Vec::new(),
            desired: vec![crate::provision::DesiredState {
                label: "file /etc/jinbao/app.toml".into(),
                state: format!(
                    "mode 644 owner - from app.toml.j2 content sha256:{}",
                    "a".repeat(64)
                ),
                secret_digest: None,
            }],
            observed: Default::default(),
            root: String::new(),
            local: false,
        }
    }

    #[test]
    fn the_fingerprint_follows_what_would_run_and_what_was_seen() {
        let a = plan("content differs");
        assert_eq!(
            fingerprint(&a, ""),
            fingerprint(&plan("content differs"), "")
        );
        assert_ne!(
            fingerprint(&a, ""),
            fingerprint(&plan("mode 0644 → 0600"), "")
        );
        let mut moved = plan("content differs");
        moved
            .observed
            .hashes
            .insert("/etc/jinbao/app.toml".into(), "ab12".into());
        assert_ne!(fingerprint(&a, ""), fingerprint(&moved, ""));
        // the same changes and the same server, but other content to write: not the same
        let mut other = plan("content differs");
        other.desired[0].state = other.desired[0].state.replace("sha256:a", "sha256:b");
        assert_ne!(fingerprint(&a, ""), fingerprint(&other, ""));
        let recorded = planned("xuchang", "app1", Some(&a), "");
        let diff = differences(&recorded, &bound_states(&other, ""));
        assert_eq!(
            diff,
            vec!["file /etc/jinbao/app.toml: content sha256:aaaaaaaaaaaa… → sha256:baaaaaaaaaaa…"]
        );
    }

    #[test]
    fn a_secret_is_bound_only_with_the_plan_salt() {
        let mut a = plan("content differs");
        a.desired[0].state = "mode 600 owner - from db-password".into();
        a.desired[0].secret_digest = Some("c".repeat(64));
        let one = bound_states(&a, "salt-one");
        assert!(!one.values().any(|v| v.contains(&"c".repeat(64))));
        assert_ne!(one, bound_states(&a, "salt-two"));
        let mut changed = plan("content differs");
        changed.desired[0].state = a.desired[0].state.clone();
        changed.desired[0].secret_digest = Some("d".repeat(64));
        assert_ne!(fingerprint(&a, "s"), fingerprint(&changed, "s"));
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
            salt: "s".into(),
            hosts: vec![planned(
                "xuchang",
                "app1",
                Some(&plan("content differs")),
                "s",
            )],
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
