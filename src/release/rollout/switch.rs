//! The part of a city's rollout that changes what runs: switching servers to the installed
//! release (restart, health gate), and putting them back when the city fails.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use super::{HealthCommandError, Rollout, health_command, last_lines};
use crate::inventory::Host;
use crate::profile::{Site, TransportKind};
use crate::release::remote::{self, DeployPlan};

/// Why a server could not be switched (its own steps' failures are in the steps).
#[derive(Debug, thiserror::Error)]
pub enum ActivateError {
    #[error("{0}")]
    Health(#[from] HealthCommandError),
    /// The connection failed during the switch (the transport error is the source).
    #[error("switch")]
    Transport(#[source] crate::transport::TransportError),
}

impl Rollout<'_> {
    /// Switches one server to the release the preparation installed, restarts it and waits
    /// for its health: one round trip, timed step by step on the server.
    pub(super) fn activate_host(
        &self,
        site: &Site,
        host: &Host,
        t: &mut dyn crate::transport::Transport,
    ) -> Result<remote::Steps, ActivateError> {
        let p = &site.profile;
        let m = &self.release.manifest;
        let local = t.kind() == TransportKind::Local;
        let health = health_command(p, m.health.as_deref())?;
        let start = format!("{}/current/bin/start", p.app.install_dir);
        let service =
            (!p.app.service.is_empty()).then_some((p.app.service.as_str(), start.as_str()));
        let nothing = BTreeMap::new();
        let script = remote::deploy_script(&DeployPlan {
            root: t.root(),
            install: &p.app.install_dir,
            version: &m.version,
            sha256: &m.sha256,
            upload: false,
            activate: true,
            rendered: &nothing,
            shared_dirs: &p.app.shared_dirs,
            service,
            local,
            health: &health,
            health_timeout: p.app.health.timeout.as_secs().max(1),
            health_interval: p.app.health.interval.as_secs().max(1),
        });
        let timeout = p
            .datacenter
            .ssh
            .command_timeout
            .max(p.app.health.timeout + Duration::from_secs(60));
        let began = Instant::now();
        let o = t.run(&script, b"", timeout);
        let ended = Instant::now();
        let o = o.map_err(ActivateError::Transport)?;
        let text = o.stdout_text();
        self.script_spans(host, &text, began, ended, "switch");
        let (steps, failed) = remote::parse_steps(&text);
        let failed = match failed {
            None if !o.ok() => Some(("switch".to_string(), o.stderr_text())),
            other => other,
        };
        Ok((steps, failed))
    }

    /// The spans of a script's own steps (`step NAME` lines, timed on the server); the whole
    /// round trip as `otherwise` when it reported none.
    pub(super) fn script_spans(
        &self,
        host: &Host,
        text: &str,
        began: Instant,
        ended: Instant,
        otherwise: &str,
    ) {
        let mut from = began;
        for (step, ms) in crate::release::timings::script_steps(text) {
            let to = (began + Duration::from_millis(ms)).min(ended);
            self.span(&host.city, Some(&host.name), &step, from, to);
            from = to;
        }
        if from == began {
            self.span(&host.city, Some(&host.name), otherwise, began, ended);
        }
    }

    /// The release's own templates, rendered with the city's profile for this server.
    pub(super) fn render(
        &self,
        site: &Site,
        host: &Host,
    ) -> Result<BTreeMap<String, String>, crate::template::TemplateError> {
        if self.templates.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut ctx = crate::resource::context(self.profiles, site, host);
        ctx["release"] = serde_json::json!({
            "name": self.release.manifest.name,
            "version": self.release.manifest.version,
            "sha256": self.release.manifest.sha256,
        });
        let mut out = BTreeMap::new();
        for (path, source) in &self.templates {
            out.insert(
                path.clone(),
                crate::template::render_str(path, source, &ctx)?,
            );
        }
        Ok(out)
    }

    pub(super) fn roll_back(
        &self,
        site: &Site,
        switched: &[usize],
        previous: &HashMap<usize, Option<String>>,
    ) -> Result<(), NotRolledBack> {
        if switched.is_empty() {
            return Ok(());
        }
        let p = &site.profile;
        let start = format!("{}/current/bin/start", p.app.install_dir);
        let service =
            (!p.app.service.is_empty()).then_some((p.app.service.as_str(), start.as_str()));
        let quiet = self.progress.hidden();
        let results = self.on_always(switched, &quiet, "rollback", |host, t| {
            let prev = previous.get(&self.index_of(host)).cloned().flatten();
            // the previous release's own health check: the profile's
            let health = health_command(p, None)?;
            let local = t.kind() == TransportKind::Local;
            let script = remote::rollback_script(
                t.root(),
                &p.app.install_dir,
                prev.as_deref(),
                service,
                local,
                &health,
                p.app.health.timeout.as_secs().max(1),
            );
            let o = t.run(&script, b"", p.app.health.timeout + Duration::from_secs(60))?;
            match remote::parse_steps(&o.stdout_text()).1 {
                Some((step, why)) => anyhow::bail!("{step}: {}", last_lines(&why)),
                None => Ok(()),
            }
        });
        let mut errors = Vec::new();
        for (i, r) in results {
            let name = self.fleet.host(i).name.clone();
            let ok = r.is_ok();
            self.step(
                site.pinyin(),
                Some(&name),
                "rollback",
                ok,
                r.as_ref().err().map(|e| e.to_string()).unwrap_or_default(),
            );
            if let Err(e) = r {
                errors.push(format!("{name}: {e}"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(NotRolledBack(errors))
        }
    }
}

/// Servers that could not be put back on their previous release: `server: why` each.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("; "))]
pub struct NotRolledBack(pub Vec<String>);
