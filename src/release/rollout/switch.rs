//! The part of a city's rollout that changes what runs: switching its servers to the installed
//! release batch by batch (restart, health gate), and putting them back when the city fails.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use super::verify::{HealthCommandError, health_command};
use super::{CityResult, CityRun, Outcome, Rollout, Stop, last_lines};
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
    /// Switches the city's app servers batch by batch (switch, restart, health gate). A
    /// failure, or a stop between batches, puts the servers already switched back and gives
    /// the city's locks back: the city is on its old release, not half on each. The servers
    /// switched, when every one was.
    pub(super) fn switch_city(
        &self,
        c: &CityRun,
        previous: &HashMap<usize, Option<String>>,
        out: &mut Outcome,
    ) -> Result<Vec<usize>, Stop> {
        let quiet = self.progress.hidden();
        let mut switched: Vec<usize> = Vec::new();
        let size = self.opts.batch.sizes(c.app.len());
        for batch in c.app.chunks(size) {
            // asked to stop between batches: the servers already switched go back, so the
            // city is on its old release, not half on each
            if let Some(why) = self.stopping() {
                c.bar.set_message("rolling back");
                let back = self.roll_back(c.site, &switched, previous);
                self.unlock(c);
                let why = match back {
                    Ok(()) => format!("{why}: put back on its old release"),
                    Err(e) => format!("{why}; putting it back failed: {e}"),
                };
                return Err(c.fail(CityResult::Interrupted, why));
            }
            c.bar.set_message("switch");
            let results = self.on(batch, &quiet, "activate", |host, t| {
                Ok(self.activate_host(c.site, host, t)?)
            });
            let mut failure = None;
            for (i, r) in results {
                let label = self.fleet.host(i).name.clone();
                match r {
                    Ok((steps, None)) => {
                        self.step(&c.city, Some(&label), "deploy", true, steps.join(","));
                        switched.push(i);
                        out.changes += 1;
                        c.bar.inc(1);
                    }
                    Ok((steps, Some((step, why)))) => {
                        if steps.iter().any(|s| s == "switch") {
                            switched.push(i);
                        }
                        self.step(&c.city, Some(&label), &step, false, why.clone());
                        failure
                            .get_or_insert(format!("{label}: {step} failed: {}", last_lines(&why)));
                    }
                    Err(e) => {
                        self.step(&c.city, Some(&label), "deploy", false, e.to_string());
                        failure.get_or_insert(format!("{label}: {e}"));
                    }
                }
            }
            if let Some(why) = failure {
                c.bar.set_message("rolling back");
                let back = self.roll_back(c.site, &switched, previous);
                self.unlock(c);
                let why = match back {
                    Ok(()) => why,
                    Err(e) => format!("{why}; the rollback failed too: {e}"),
                };
                return Err(c.fail(CityResult::RolledBack, why));
            }
        }

        Ok(switched)
    }

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
            upload: None,
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
