//! Desired against observed: what would change on one host, resource by resource.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::probe::{Observed, PathState};
use super::{MANAGED_ROUTES, Owner, Resource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
    Unchanged,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Index of the resource (None for a deletion of something no longer desired).
    #[serde(skip)]
    pub index: Option<usize>,
    pub resource: String,
    pub kind: &'static str,
    pub action: Action,
    /// What differs, in a few words (never a secret).
    pub detail: String,
    /// Unified diff of a file (with --diff; never for secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// For a deleted route: `to via`.
    #[serde(skip)]
    pub delete_route: Option<(String, String)>,
}

pub(crate) fn sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn owner_differs(want: &Option<Owner>, have: &PathState) -> Option<String> {
    let o = want.as_ref()?;
    (o.user != have.user || o.group != have.group).then(|| {
        format!(
            "owner {}:{} → {}:{}",
            have.user, have.group, o.user, o.group
        )
    })
}

/// Compares every resource with what the probe found. `local`: the sandbox transport, where
/// users, ownership and kernel settings are not managed.
pub fn plan(resources: &[Resource], seen: &Observed, local: bool) -> Vec<Change> {
    let mut out = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let (action, detail) = compare(r, seen, local);
        out.push(Change {
            index: Some(i),
            resource: r.label(),
            kind: r.kind(),
            action,
            detail,
            diff: None,
            delete_route: None,
        });
    }
    dropped_routes(resources, seen, local, &mut out);
    restarts(resources, &mut out);
    out
}

/// A service restarts when a file it reads at start changes, else reloads when a file it
/// re-reads changes.
fn restarts(resources: &[Resource], changes: &mut [Change]) {
    let changed = |paths: &[String], changes: &[Change]| -> Vec<String> {
        paths
            .iter()
            .filter(|p| {
                changes.iter().any(|c| {
                    c.action != Action::Unchanged
                        && c.index.and_then(|k| resources.get(k)?.path()) == Some(p.as_str())
                })
            })
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
            .collect()
    };
    for i in 0..changes.len() {
        let Some(Resource::Restart {
            restart_on,
            reload_on,
            ..
        }) = changes[i].index.and_then(|k| resources.get(k))
        else {
            continue;
        };
        let (restart, reload) = (changed(restart_on, changes), changed(reload_on, changes));
        let (action, detail) = if !restart.is_empty() {
            (
                Action::Update,
                format!("restart: {} changed", restart.join(", ")),
            )
        } else if !reload.is_empty() {
            (
                Action::Update,
                format!("reload: {} changed", reload.join(", ")),
            )
        } else {
            (Action::Unchanged, String::new())
        };
        changes[i].action = action;
        changes[i].detail = detail;
    }
}

/// What would change of one resource, in a few words.
fn compare(r: &Resource, seen: &Observed, local: bool) -> (Action, String) {
    match r {
        Resource::Group { name } if !local => presence(seen.groups.contains(name)),
        Resource::User { name, .. } if !local => presence(seen.users.contains(name)),
        Resource::Group { .. } | Resource::User { .. } => (
            Action::Unchanged,
            "not managed on the local transport".into(),
        ),
        Resource::Dir { path, mode, owner } => dir_change(seen, local, path, *mode, owner),
        Resource::File {
            path,
            content,
            mode,
            owner,
            ..
        } => file_change(seen, local, path, content, *mode, owner),
        Resource::Symlink { path, target } => match seen.paths.get(path) {
            None => (Action::Create, format!("→ {target}")),
            Some(s) if s.kind == 'l' && &s.link == target => (Action::Unchanged, String::new()),
            Some(s) if s.kind == 'l' => {
                (Action::Update, format!("→ {} becomes → {target}", s.link))
            }
            Some(s) => (
                Action::Update,
                format!("is a {}, becomes a link → {target}", kind_name(s.kind)),
            ),
        },
        Resource::Sysctl { key, value } if !local => match seen.sysctl.get(key) {
            Some(v) if v == value => (Action::Unchanged, String::new()),
            Some(v) => (Action::Update, format!("{v} → {value}")),
            None => (Action::Update, format!("→ {value}")),
        },
        Resource::Sysctl { .. } => (
            Action::Unchanged,
            "kept in the sysctl file only on the local transport".into(),
        ),
        // a unit only systemd has a use for is nothing to do on a server without it
        Resource::Service { start: None, .. } if !seen.systemd => {
            (Action::Unchanged, String::new())
        }
        Resource::Service {
            name, runs_release, ..
        } => service_change(seen, name, *runs_release),
        Resource::Route { to, via, metric } if !local => route_change(seen, to, via, *metric),
        Resource::Package {
            name,
            version,
            present,
            ..
        } if !local => super::packages::compare(name, version, *present, &seen.packages),
        Resource::Package { .. } => (
            Action::Unchanged,
            "not managed on the local transport".into(),
        ),
        // decided once every file's change is known (see `restarts`)
        Resource::Restart { .. } => (Action::Unchanged, String::new()),
        Resource::DbPassword { .. } if seen.db_password_ok => (Action::Unchanged, String::new()),
        Resource::DbPassword { .. } => (Action::Update, "set (not shown)".into()),
        Resource::Route { to, via, metric } => {
            let line = route_line(to, via, *metric);
            presence_detail(
                seen.managed_routes.contains(&line),
                format!("via {via} (recorded only on the local transport)"),
            )
        }
    }
}

fn dir_change(
    seen: &Observed,
    local: bool,
    path: &str,
    mode: u32,
    owner: &Option<Owner>,
) -> (Action, String) {
    match seen.paths.get(path) {
        None => (Action::Create, format!("mode {mode:o}")),
        Some(s) if s.kind != 'd' => (
            Action::Update,
            format!("is a {} , not a folder", kind_name(s.kind)),
        ),
        Some(s) => {
            let mut what = Vec::new();
            if s.mode != mode {
                what.push(format!("mode {:o} → {mode:o}", s.mode));
            }
            if !local && let Some(o) = owner_differs(owner, s) {
                what.push(o);
            }
            differences(what)
        }
    }
}

fn file_change(
    seen: &Observed,
    local: bool,
    path: &str,
    content: &[u8],
    mode: u32,
    owner: &Option<Owner>,
) -> (Action, String) {
    match seen.paths.get(path) {
        None => (
            Action::Create,
            format!("{} bytes, mode {mode:o}", content.len()),
        ),
        Some(s) => {
            let mut what = Vec::new();
            if s.kind != 'f' {
                what.push(format!("is a {}", kind_name(s.kind)));
            } else if seen.hashes.get(path).map(String::as_str) != Some(sha256(content).as_str()) {
                what.push("content".to_string());
            }
            if s.mode != mode {
                what.push(format!("mode {:o} → {mode:o}", s.mode));
            }
            if !local && let Some(o) = owner_differs(owner, s) {
                what.push(o);
            }
            differences(what)
        }
    }
}

fn service_change(seen: &Observed, name: &str, runs_release: bool) -> (Action, String) {
    let (enabled, running) = seen.services.get(name).copied().unwrap_or((false, false));
    let mut what = Vec::new();
    if !enabled {
        what.push("enable".to_string());
    }
    if (seen.has_release || !runs_release) && !running {
        what.push("start".to_string());
    }
    match (what.is_empty(), enabled) {
        (true, _) => (Action::Unchanged, String::new()),
        (false, false) => (Action::Create, what.join(", ")),
        (false, true) => (Action::Update, what.join(", ")),
    }
}

fn route_change(seen: &Observed, to: &str, via: &str, metric: Option<u32>) -> (Action, String) {
    let live = seen.routes.iter().find(|l| l.dst == to);
    match live {
        Some(l) if l.gateway.as_deref() == Some(via) && l.metric == metric => {
            (Action::Unchanged, String::new())
        }
        Some(l) => (
            Action::Update,
            format!("via {} → via {via}", l.gateway.as_deref().unwrap_or("-")),
        ),
        None => (Action::Create, format!("via {via}")),
    }
}

/// Routes jinbao added earlier that the profile no longer lists: their deletions.
fn dropped_routes(resources: &[Resource], seen: &Observed, local: bool, out: &mut Vec<Change>) {
    let desired: Vec<&str> = resources
        .iter()
        .filter_map(|r| match r {
            Resource::Route { to, .. } => Some(to.as_str()),
            _ => None,
        })
        .collect();
    let has_route_state = resources.iter().any(|r| r.path() == Some(MANAGED_ROUTES));
    if has_route_state {
        for line in &seen.managed_routes {
            let mut parts = line.split_whitespace();
            let (Some(to), Some("via"), Some(via)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let still_there = local || seen.routes.iter().any(|l| l.dst == to);
            if !desired.contains(&to) && still_there {
                out.push(Change {
                    index: None,
                    resource: format!("route {to}"),
                    kind: "routes",
                    action: Action::Delete,
                    detail: format!("via {via}: no longer in the profile"),
                    diff: None,
                    delete_route: Some((to.to_string(), via.to_string())),
                });
            }
        }
    }
}

/// One line of the managed-routes file.
pub fn route_line(to: &str, via: &str, metric: Option<u32>) -> String {
    match metric {
        Some(m) => format!("{to} via {via} metric {m}"),
        None => format!("{to} via {via}"),
    }
}

fn presence(present: bool) -> (Action, String) {
    presence_detail(present, String::new())
}

fn presence_detail(present: bool, detail: String) -> (Action, String) {
    if present {
        (Action::Unchanged, String::new())
    } else {
        (Action::Create, detail)
    }
}

fn differences(what: Vec<String>) -> (Action, String) {
    if what.is_empty() {
        (Action::Unchanged, String::new())
    } else {
        (Action::Update, what.join(", "))
    }
}

fn kind_name(k: char) -> &'static str {
    match k {
        'd' => "folder",
        'f' => "file",
        'l' => "link",
        _ => "special file",
    }
}

/// A unified diff of a file's old and new text.
pub fn unified_diff(path: &str, old: &[u8], new: &[u8]) -> String {
    let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
    similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{path} (on the server)"),
            &format!("{path} (from the profile)"),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_that_runs_the_release_waits_for_one_and_any_other_starts_at_once() {
        let fresh = Observed::default();
        assert_eq!(
            service_change(&fresh, "jinbao-app", true),
            (Action::Create, "enable".to_string())
        );
        // the unit that puts routes back at boot: enabled and started on a fresh server, or
        // every later plan finds it stopped
        assert_eq!(
            service_change(&fresh, "jinbao-routes", false),
            (Action::Create, "enable, start".to_string())
        );
        let mut released = Observed {
            has_release: true,
            ..Observed::default()
        };
        released.services.insert("jinbao-app".into(), (true, false));
        assert_eq!(
            service_change(&released, "jinbao-app", true),
            (Action::Update, "start".to_string())
        );
    }

    #[test]
    fn a_unit_only_systemd_uses_is_nothing_to_do_without_it() {
        let routes = Resource::Service {
            name: "jinbao-routes".into(),
            start: None,
            runs_release: false,
        };
        // a server without systemd: nothing would ever start it, and no plan may want to
        assert_eq!(
            compare(&routes, &Observed::default(), false).0,
            Action::Unchanged
        );
        let booted = Observed {
            systemd: true,
            ..Observed::default()
        };
        assert_eq!(
            compare(&routes, &booted, false),
            (Action::Create, "enable, start".to_string())
        );
    }
}
