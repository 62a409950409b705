//! Provisioning a fleet: desired state for every host (rendered before any host is touched),
//! one probe round trip per host for the plan, one script per host for the apply.

pub mod plan_file;
pub mod resource;

use std::time::Duration;

use serde::Serialize;

use crate::inventory::Host;
use crate::profile::Profiles;
use crate::profile::TransportKind;
use crate::template::Templates;
use crate::transport::Transport;
use resource::{Action, Change, Observed, Resource};

pub use crate::provision::resource::DesiredError;

/// One server of a provisioning run: its plan, and what applying it did.
#[derive(Debug, Serialize)]
pub struct HostRow {
    pub city: String,
    pub host: String,
    pub reachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<HostPlan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply: Option<HostApply>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Plans every server of `fleet` (one probe round trip each, bounded by the fleet); the
/// desired resources of every server are rendered first, so a bad template or secret stops
/// the run before any server is contacted. Returns the rows, in the fleet's order (each plan
/// holds its resources).
pub fn plan_fleet(
    profiles: &Profiles,
    fleet: &crate::fleet::Fleet,
    progress: &crate::progress::Progress,
    diffs: bool,
) -> Result<Vec<HostRow>, DesiredError> {
    let hosts: Vec<Host> = fleet.hosts().cloned().collect();
    let desired = desired_all(profiles, &hosts)?;
    let plans = fleet.each_typed(None, progress, "plan", |host, t, i| {
        let install = &profiles.of_host(host).profile.app.install_dir;
        plan_host(t, &desired[i], install, diffs)
    });
    let rows = plans
        .into_iter()
        .map(|r| {
            let h = fleet.host(r.index);
            let (plan, error) = match r.result {
                Ok(p) => (Some(p), None),
                Err(e) => (None, Some(e)),
            };
            HostRow {
                city: h.city.clone(),
                host: h.name.clone(),
                reachable: !matches!(error, Some(crate::fleet::HostError::Unreachable(_))),
                plan,
                apply: None,
                error: error.map(|e| e.to_string()),
            }
        })
        .collect();
    Ok(rows)
}

/// Applies the plans of `rows` (the servers with changes and no error), each server's in one
/// script; with `fail_fast`, servers not started yet after a failure are left alone.
pub fn apply_fleet(
    profiles: &Profiles,
    fleet: &crate::fleet::Fleet,
    progress: &crate::progress::Progress,
    rows: &mut [HostRow],
    fail_fast: bool,
) {
    let stop = std::sync::atomic::AtomicBool::new(false);
    let with_changes: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.error.is_none() && r.plan.as_ref().is_some_and(|p| p.pending() > 0))
        .map(|(i, _)| i)
        .collect();
    // rows are in the fleet's order
    let planned: &[HostRow] = rows;
    let results = fleet.each_typed(Some(&with_changes), progress, "apply", |host, t, i| {
        use std::sync::atomic::Ordering;
        if stop.load(Ordering::Relaxed) {
            return Err(HostWorkError::NotApplied);
        }
        // only servers with a plan are in `with_changes`
        let Some(plan) = planned[i].plan.as_ref() else {
            return Err(HostWorkError::NotApplied);
        };
        let timeout = profiles
            .of_host(host)
            .profile
            .datacenter
            .ssh
            .command_timeout;
        let done = apply_host(t, plan, timeout)?;
        if done.failed.is_some() && fail_fast {
            stop.store(true, Ordering::Relaxed);
        }
        Ok(done)
    });
    for r in results {
        match r.result {
            Ok(done) => rows[r.index].apply = Some(done),
            Err(e) => rows[r.index].error = Some(e.to_string()),
        }
    }
}

/// Desired resources of every host, in the fleet's order; any template or secret problem
/// stops everything before a host is contacted.
pub fn desired_all(
    profiles: &Profiles,
    hosts: &[Host],
) -> Result<Vec<Vec<Resource>>, DesiredError> {
    let templates = Templates::new(&profiles.templates_dir);
    hosts
        .iter()
        .map(|h| {
            let site = profiles.of_host(h);
            resource::desired(profiles, &templates, site, h)
        })
        .collect()
}

/// The plan of one host.
#[derive(Debug, Serialize)]
pub struct HostPlan {
    pub changes: Vec<Change>,
    /// The resources planned: the desired ones finished with what the probe read of the
    /// server (its size); what an apply of this plan writes.
    #[serde(skip)]
    pub resources: Vec<Resource>,
    /// What each resource should be (label, state, a secret's content hash): what a recorded
    /// plan binds, so that an apply changes nothing but what was reviewed.
    #[serde(skip)]
    pub desired: Vec<DesiredState>,
    #[serde(skip)]
    pub observed: Observed,
    #[serde(skip)]
    pub root: String,
    #[serde(skip)]
    pub local: bool,
}

/// One resource's desired state, as [`Resource::desired_state`] gives it.
#[derive(Debug, Clone)]
pub struct DesiredState {
    pub label: String,
    pub state: String,
    pub secret_digest: Option<String>,
}

impl HostPlan {
    pub fn pending(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.action != Action::Unchanged)
            .count()
    }
}

/// Marks where a probe's output ends and a piggybacked script's begins.
const MORE: &str = "@@more";

/// Probes the host and plans, also running `more` in the same round trip; returns the plan
/// and what `more` printed.
pub fn plan_host_with(
    t: &mut dyn Transport,
    resources: &[Resource],
    install_dir: &str,
    more: &str,
) -> Result<(HostPlan, String), HostWorkError> {
    let root = t.root().to_string();
    let script = format!(
        "{}echo {MORE}\n{more}",
        resource::probe_script(resources, &root, install_dir)
    );
    let text = probe(t, &script)?;
    let (seen, rest) = text
        .split_once(&format!("{MORE}\n"))
        .unwrap_or((text.as_str(), ""));
    let plan = plan_from(t, resources, seen, false)?;
    Ok((plan, rest.to_string()))
}

/// Probes the host and compares (one round trip; with `diffs`, one more read per changed file).
pub fn plan_host(
    t: &mut dyn Transport,
    resources: &[Resource],
    install_dir: &str,
    diffs: bool,
) -> Result<HostPlan, HostWorkError> {
    let script = resource::probe_script(resources, t.root(), install_dir);
    let text = probe(t, &script)?;
    plan_from(t, resources, &text, diffs)
}

/// Why a server could not be probed or changed.
#[derive(Debug, thiserror::Error)]
pub enum HostWorkError {
    /// The connection failed at `step` (the transport error is the source, shown after it).
    #[error("{step}")]
    Transport {
        step: &'static str,
        #[source]
        source: crate::transport::TransportError,
    },
    #[error("the probe failed ({status}): {stderr}")]
    ProbeFailed { status: i32, stderr: String },
    #[error("not applied: --fail-fast after a failure on another host")]
    NotApplied,
}

impl crate::fleet::TaskError for HostWorkError {
    fn transport(&self) -> Option<&crate::transport::TransportError> {
        match self {
            HostWorkError::Transport { source, .. } => Some(source),
            _ => None,
        }
    }

    fn explain(&self) -> String {
        match self {
            HostWorkError::Transport { step, source } => format!("{step}: {source}"),
            other => other.to_string(),
        }
    }
}

fn at(step: &'static str) -> impl Fn(crate::transport::TransportError) -> HostWorkError {
    move |source| HostWorkError::Transport { step, source }
}

fn probe(t: &mut dyn Transport, script: &str) -> Result<String, HostWorkError> {
    let out = t
        .run(script, b"", Duration::from_secs(60))
        .map_err(at("probe"))?;
    if !out.ok() {
        return Err(HostWorkError::ProbeFailed {
            status: out.status,
            stderr: out.stderr_text().trim().to_string(),
        });
    }
    Ok(out.stdout_text())
}

fn plan_from(
    t: &mut dyn Transport,
    resources: &[Resource],
    probe_output: &str,
    diffs: bool,
) -> Result<HostPlan, HostWorkError> {
    let root = t.root().to_string();
    let local = t.kind() == TransportKind::Local;
    let observed = Observed::parse(probe_output, &root);
    let resources = resource::sized(resources, observed.size);
    let mut changes = resource::plan(&resources, &observed, local);
    if diffs {
        for c in changes.iter_mut().filter(|c| c.action != Action::Unchanged) {
            let Some(Resource::File {
                path,
                content,
                secret,
                ..
            }) = c.index.map(|i| &resources[i])
            else {
                continue;
            };
            if *secret {
                c.diff = Some("(a secret: content not shown)".into());
                continue;
            }
            let old = if c.action == Action::Create {
                Vec::new()
            } else {
                t.read_file(&format!("{root}{path}"))
                    .map_err(at("read"))?
                    .unwrap_or_default()
            };
            let d = resource::plan::unified_diff(path, &old, content);
            if !d.is_empty() {
                c.diff = Some(d);
            }
        }
    }
    let desired = resources
        .iter()
        .map(|r| {
            let (state, secret_digest) = r.desired_state();
            DesiredState {
                label: r.label(),
                state,
                secret_digest,
            }
        })
        .collect();
    Ok(HostPlan {
        changes,
        resources,
        desired,
        observed,
        root,
        local,
    })
}

/// What an apply did on one host.
#[derive(Debug, Serialize)]
pub struct HostApply {
    pub applied: Vec<String>,
    /// Changes the host refused, each with its reason (a warning: the run goes on).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<RefusedChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<FailedChange>,
}

#[derive(Debug, Serialize)]
pub struct RefusedChange {
    pub resource: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct FailedChange {
    pub resource: String,
    pub command: String,
    pub status: i32,
    pub output: String,
}

/// Runs the plan's changes on the host in one script.
pub fn apply_host(
    t: &mut dyn Transport,
    plan: &HostPlan,
    timeout: Duration,
) -> Result<HostApply, HostWorkError> {
    let Some(script) = apply_script_of(plan) else {
        return Ok(HostApply {
            applied: Vec::new(),
            refused: Vec::new(),
            failed: None,
        });
    };
    let out = t.run(&script, b"", timeout).map_err(at("apply"))?;
    Ok(apply_outcome(
        plan,
        &out.stdout_text(),
        &out.stderr_text(),
        out.status,
    ))
}

/// The script doing the plan's changes (None: nothing to do), to run alone or as part of a
/// larger round trip.
pub fn apply_script_of(plan: &HostPlan) -> Option<String> {
    resource::apply_script(
        &plan.changes,
        &plan.resources,
        &plan.root,
        plan.local,
        plan.observed.systemd,
    )
}

/// What the apply script reported (`stdout` holds its OK/FAIL lines; stderr what the failing
/// change said).
pub fn apply_outcome(plan: &HostPlan, stdout: &str, stderr: &str, status: i32) -> HostApply {
    let systemd = plan.observed.systemd;
    let outcome = resource::parse_apply(stdout);
    let applied = outcome
        .done
        .iter()
        .filter_map(|i| plan.changes.get(*i))
        .map(|c| c.resource.clone())
        .collect();
    let failed = match outcome.failed {
        Some((i, status, _)) => {
            let c = &plan.changes[i.min(plan.changes.len() - 1)];
            // what the failing change said: the end of the script's stderr
            let lines: Vec<&str> = stderr.trim_end().lines().collect();
            let output = lines[lines.len().saturating_sub(20)..].join("\n");
            Some(FailedChange {
                resource: c.resource.clone(),
                command: resource::describe_commands(
                    c,
                    &plan.resources,
                    &plan.root,
                    plan.local,
                    systemd,
                ),
                status,
                output,
            })
        }
        None if status != 0 => Some(FailedChange {
            resource: "(script)".into(),
            command: "the apply script".into(),
            status,
            output: stderr.to_string(),
        }),
        None => None,
    };
    let refused = outcome
        .refused
        .iter()
        .filter_map(|(i, reason)| {
            Some(RefusedChange {
                resource: plan.changes.get(*i)?.resource.clone(),
                reason: reason.clone(),
            })
        })
        .collect();
    HostApply {
        applied,
        refused,
        failed,
    }
}
