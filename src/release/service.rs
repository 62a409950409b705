//! A city's application stopped and started again around work on its database (a restore in
//! place): stopped on every application server that has a release, then started and checked
//! healthy the way a rollback restarts it.

use std::time::Duration;

use super::remote;
use crate::fleet::{Fleet, HostResult};
use crate::profile::{SiteProfile, TransportKind};
use crate::progress::Progress;

/// The application and web servers of `fleet`.
fn app_servers(fleet: &Fleet) -> Vec<usize> {
    (0..fleet.len())
        .filter(|i| fleet.host(*i).runs_app())
        .collect()
}

/// Stops the application on every server of `fleet` that runs it (a server with no release
/// has nothing to stop).
pub fn stop(fleet: &Fleet, p: &SiteProfile, progress: &Progress) -> Vec<HostResult<()>> {
    if p.app.service.is_empty() {
        return Vec::new();
    }
    fleet.each(Some(&app_servers(fleet)), progress, "stop", |_, t, _| {
        let script = remote::stop_script(
            t.root(),
            &p.app.install_dir,
            &p.app.service,
            t.kind() == TransportKind::Local,
        );
        let o = t.run(&script, b"", Duration::from_secs(120))?;
        match remote::parse_steps(&o.stdout_text()).1 {
            Some((step, why)) => anyhow::bail!("{step}: {why}"),
            None => Ok(()),
        }
    })
}

/// Starts the application again on `indices` (those [`stop`] stopped) and waits for its
/// health check.
pub fn start(
    fleet: &Fleet,
    indices: &[usize],
    p: &SiteProfile,
    progress: &Progress,
) -> Vec<HostResult<()>> {
    if p.app.service.is_empty() || indices.is_empty() {
        return Vec::new();
    }
    let start = format!("{}/current/bin/start", p.app.install_dir);
    let service = (p.app.service.as_str(), start.as_str());
    fleet.each_always(Some(indices), progress, "start", |_, t, _| {
        let script = remote::start_script(
            t.root(),
            &p.app.install_dir,
            service,
            t.kind() == TransportKind::Local,
            &crate::state::installed::health_command(p, None)?,
            p.app.health.timeout.as_secs().max(1),
        );
        let o = t.run(&script, b"", p.app.health.timeout + Duration::from_secs(60))?;
        match remote::parse_steps(&o.stdout_text()).1 {
            Some((step, why)) => anyhow::bail!("{step}: {why}"),
            None => Ok(()),
        }
    })
}
