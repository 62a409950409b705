//! `jinbao rollback`: a city back to the release before (or a named one), under the same
//! locks as a rollout (this controller's, then every server's, waiting and taking over as a
//! rollout does), with the health check, recorded in the city's ledger and the audit log.

use std::time::Duration;

use super::{lock, remote, rollout::health_command};
use crate::fleet::Fleet;
use crate::profile::{Site, TransportKind};
use crate::progress::Progress;
use crate::state::lock::LockError;

#[derive(Debug, thiserror::Error)]
pub enum RollbackError {
    #[error("{host}: {why}")]
    Unreachable { host: String, why: String },
    #[error("{host} has no release {version}")]
    NoSuchRelease {
        host: String,
        version: String,
        installed: Vec<String>,
    },
    #[error("{0} has no release to go back to")]
    NothingBefore(String),
    #[error("the servers of {city} would go back to different releases: {}", .versions.join(", "))]
    Disagree {
        city: String,
        versions: Vec<String>,
        installed: Vec<String>,
    },
    #[error("{city} is locked: {holder}")]
    Locked { city: String, holder: String },
    #[error(transparent)]
    CityLock(lock::CityLockError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl crate::error::Explain for RollbackError {
    /// Blocked by a lock (exit 4), a request that cannot be met (exit 2), or a failure.
    fn exit(&self) -> crate::error::Exit {
        use crate::error::Exit;
        match self {
            RollbackError::Locked { .. } => Exit::Blocked,
            RollbackError::NoSuchRelease { .. }
            | RollbackError::NothingBefore(_)
            | RollbackError::Disagree { .. } => Exit::Usage,
            _ => Exit::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(self.what_to_do()).filter(|h| !h.is_empty())
    }
}

impl RollbackError {
    fn what_to_do(&self) -> String {
        match self {
            RollbackError::NoSuchRelease { installed, .. } if installed.is_empty() => {
                "no release is installed on every server of the city".into()
            }
            RollbackError::NoSuchRelease { installed, .. } => {
                format!("installed on every server: {}", installed.join(", "))
            }
            RollbackError::Disagree { installed, .. } if installed.is_empty() => {
                "no release is installed on every server of the city".into()
            }
            RollbackError::Disagree { installed, .. } => format!(
                "name one with --to VERSION (installed on every server: {})",
                installed.join(", ")
            ),
            RollbackError::Locked { .. } => {
                "wait for the other run, or wait longer with --lock-wait".into()
            }
            _ => String::new(),
        }
    }
}

/// One server's rollback.
pub struct HostRollback {
    pub city: String,
    pub host: String,
    pub result: Result<(), String>,
}

pub struct Report {
    pub city: String,
    pub from: Vec<String>,
    pub to: String,
    pub hosts: Vec<HostRollback>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.hosts.iter().any(|h| h.result.is_err())
    }
}

/// Switches the app and web servers of `site` (in `fleet`) back to `to` or the release each
/// ran before; one release for the whole city or none.
pub fn rollback(
    state: &std::path::Path,
    progress: &Progress,
    fleet: &Fleet,
    site: &Site,
    to: Option<&str>,
    lock_wait: Duration,
) -> Result<Report, RollbackError> {
    let p = &site.profile;
    let app: Vec<usize> = (0..fleet.len())
        .filter(|i| fleet.host(*i).runs_app())
        .collect();
    let install = p.app.install_dir.clone();
    let facts = fleet.each(Some(&app), progress, "preflight", |_, t, _| {
        let o = t.run(
            &remote::preflight_script(t.root(), &install, "-"),
            b"",
            Duration::from_secs(60),
        )?;
        Ok(remote::parse_preflight(&o.stdout_text()))
    });
    let mut hosts = Vec::new();
    for r in &facts {
        let host = fleet.host(r.index).label().to_string();
        let f = r.result.as_ref().map_err(|e| RollbackError::Unreachable {
            host: host.clone(),
            why: e.to_string(),
        })?;
        hosts.push((host, f));
    }
    // the hint names only releases every server has: the ones a rollback can go to
    let on_every: Vec<String> = hosts.first().map_or_else(Vec::new, |(_, first)| {
        first
            .installed
            .iter()
            .filter(|v| hosts.iter().all(|(_, f)| f.installed.contains(v)))
            .cloned()
            .collect()
    });
    let mut wanted: Vec<String> = Vec::new();
    let mut from: Vec<String> = Vec::new();
    for (host, f) in hosts {
        from.extend(f.current.clone());
        let v = match to {
            Some(v) if f.installed.iter().any(|i| i == v) => v.to_string(),
            Some(v) => {
                return Err(RollbackError::NoSuchRelease {
                    host,
                    version: v.to_string(),
                    installed: on_every.clone(),
                });
            }
            None => f
                .installed
                .iter()
                .find(|v| Some(*v) != f.current.as_ref())
                .cloned()
                .ok_or(RollbackError::NothingBefore(host))?,
        };
        if !wanted.contains(&v) {
            wanted.push(v);
        }
    }
    if wanted.len() != 1 {
        return Err(RollbackError::Disagree {
            city: site.pinyin().to_string(),
            versions: wanted,
            installed: on_every,
        });
    }
    let version = wanted.remove(0);
    from.sort();
    from.dedup();
    let run = format!("rollback-{}", std::process::id());
    let _controller_lock = lock::controller(
        state,
        site.pinyin(),
        &format!("rollback of {} to {version}", site.pinyin()),
        lock_wait,
    )
    .map_err(|e| match e {
        LockError::Io(e) => RollbackError::Io(e),
        other => RollbackError::Locked {
            city: site.pinyin().to_string(),
            holder: other.to_string(),
        },
    })?;
    let info = lock::info(&run, &version);
    lock::take_city(
        fleet,
        progress,
        &app,
        &install,
        &run,
        &info,
        lock_wait,
        Duration::from_secs(3600),
        &|_| {},
    )
    .map_err(|e| match e {
        // refused by a live holder: blocked (exit 4); servers that failed: a failure
        lock::CityLockError::Held { holder } => RollbackError::Locked {
            city: site.pinyin().to_string(),
            holder,
        },
        other => RollbackError::CityLock(other),
    })?;
    let start = format!("{install}/current/bin/start");
    let service = (!p.app.service.is_empty()).then_some((p.app.service.as_str(), start.as_str()));
    let results = fleet.each_always(Some(&app), progress, "rollback", |_, t, _| {
        let script = remote::rollback_script(
            t.root(),
            &install,
            Some(&version),
            service,
            t.kind() == TransportKind::Local,
            &health_command(p, None)?,
            p.app.health.timeout.as_secs().max(1),
        );
        let o = t.run(&script, b"", p.app.health.timeout + Duration::from_secs(60))?;
        match remote::parse_steps(&o.stdout_text()).1 {
            Some((step, why)) => anyhow::bail!("{step}: {why}"),
            None => Ok(()),
        }
    });
    let _ = lock::give_back(fleet, progress, &app, &install, &run);
    let report = Report {
        city: site.pinyin().to_string(),
        from,
        to: version,
        hosts: results
            .into_iter()
            .map(|r| HostRollback {
                city: fleet.host(r.index).city.clone(),
                host: fleet.host(r.index).name.clone(),
                result: r.result.map_err(|e| e.to_string()),
            })
            .collect(),
    };
    record(state, site, &report)?;
    Ok(report)
}

/// The rollback in the audit log and the city's release ledger.
fn record(state: &std::path::Path, site: &Site, r: &Report) -> std::io::Result<()> {
    let failures: Vec<String> = r
        .hosts
        .iter()
        .filter_map(|h| h.result.as_ref().err().map(|e| format!("{}: {e}", h.host)))
        .collect();
    crate::state::audit::record(
        state,
        crate::state::audit::Entry {
            action: "rollback",
            targets: vec![r.city.clone()],
            what: format!("{} → {}", r.from.join("/"), r.to),
            result: if failures.is_empty() { "ok" } else { "failed" },
            identity: Some(crate::inventory::identity(&site.profile)),
        },
    )?;
    crate::state::record_release(
        state,
        &r.city,
        &crate::state::ReleaseRecord {
            time: crate::clock::now().to_rfc3339(),
            action: crate::state::ChangeAction::Rollback,
            run: None,
            result: if failures.is_empty() {
                crate::state::ChangeResult::Switched
            } else {
                crate::state::ChangeResult::Failed
            },
            from: r.from.clone(),
            to: r.to.clone(),
            reason: (!failures.is_empty()).then(|| failures.join("; ")),
        },
    )
}
