//! Getting a city ready for the switch, under its lock (`lock.rs` takes it): in the round trip
//! that takes a server's lock it also gets its provisioning changes and the release unpacked
//! beside the running one (`upload.rs`). Nothing a server runs changes here.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::{CityResult, CityRun, Outcome, Rollout, Stop};
use crate::fleet::HostError;
use crate::profile::Site;
use crate::provision::{HostApply, HostPlan};
use crate::release::remote;

/// What one server does in the preparation round trip.
#[derive(Default)]
pub(super) struct Work {
    /// Its provisioning changes (the resources and the plan), when it has any.
    pub plan: Option<HostPlan>,
    /// The release must be uploaded and unpacked there.
    pub install: bool,
}

/// Provisioning failed on some servers of a city in the preparation round trip.
#[derive(Debug, thiserror::Error)]
#[error("provision: {}", .failures.join("; "))]
pub struct ProvisionFailed {
    /// The changes made before and beside the failures (they count as changes of the run).
    pub changes: u64,
    /// `server: resource: output (command)` each.
    pub failures: Vec<String>,
}

/// What one server reported from the preparation round trip.
pub(super) struct Done {
    /// The holder of the lock, when another run had it.
    pub held: Option<String>,
    pub applied: Option<HostApply>,
    /// The install's steps and failure, when it installed.
    pub installed: Option<remote::Steps>,
}

impl Rollout<'_> {
    /// What the preparation did: provisioning's changes counted (and recorded), the install
    /// checked on every server that needed it. A failure gives the city's locks back: every
    /// server is still on the release it runs (nothing switched yet).
    pub(super) fn prepared(
        &self,
        c: &CityRun,
        work: &HashMap<usize, Work>,
        done: &HashMap<usize, Done>,
        out: &mut Outcome,
    ) -> Result<(), Stop> {
        match self.provisioned(c.site, done) {
            Ok(changes) => out.changes += changes,
            Err(e) => {
                // what was changed before the failure is still a change of the run
                out.changes += e.changes;
                self.unlock(c);
                return Err(c.fail(CityResult::Failed, e.to_string()));
            }
        }
        self.uploaded(c, work, done).map_err(|why| {
            self.unlock(c);
            c.fail(CityResult::Failed, why.to_string())
        })
    }

    /// One round trip to `on`: the lock on app servers, then (with `work`) each server's
    /// provisioning and install once the lock is ours.
    pub(super) fn prepare_round(
        &self,
        on: &[usize],
        install: &str,
        info: &str,
        work: Option<&HashMap<usize, Work>>,
    ) -> Vec<(usize, Result<Done, HostError>)> {
        let quiet = self.progress.hidden();
        let phase = if work.is_some() { "prepare" } else { "lock" };
        self.on(on, &quiet, phase, |host, t| {
            let i = self.index_of(host);
            let w = work.and_then(|w| w.get(&i));
            let locking = host.runs_app();
            let mut script = if locking {
                remote::lock_script(t.root(), install, &self.journal.run, info)
            } else {
                "L_OK=1\n".to_string()
            };
            let apply = w
                .and_then(|w| w.plan.as_ref())
                .and_then(crate::provision::apply_script_of);
            let upload = w.is_some_and(|w| w.install) && locking;
            script.push_str("if [ \"$L_OK\" = 1 ]; then\n");
            if let Some(a) = &apply {
                // no subshell: a failing change's `exit` ends the round trip, skipping the install
                script.push_str(&format!("echo @apply\n{a}\n"));
            }
            if upload {
                let installing = self.install_script(host, t)?;
                script.push_str(&format!("echo @install\n{installing}\n"));
            }
            script.push_str("fi\n");
            // the release is in the server's store already (the transfer put it there)
            let stdin: &[u8] = b"";
            let timeout = self
                .profiles
                .of_host(host)
                .profile
                .datacenter
                .ssh
                .command_timeout;
            let began = Instant::now();
            let o = t.run(&script, stdin, timeout);
            let ended = Instant::now();
            let o = o?;
            let text = o.stdout_text();
            let (head, installed) = match text.split_once("@install\n") {
                Some((h, rest)) => (h, Some(rest)),
                None => (text.as_str(), None),
            };
            let held = head
                .lines()
                .find_map(|l| l.strip_prefix("HELD\t").map(str::to_string));
            anyhow::ensure!(
                !locking || held.is_some() || head.lines().any(|l| l == "LOCKED"),
                "could not take the lock on {}: {}",
                host.label(),
                o.stderr_text().trim()
            );
            let applied = match (w.and_then(|w| w.plan.as_ref()), head.split_once("@apply\n")) {
                (Some(plan), Some((_, lines))) => Some(crate::provision::apply_outcome(
                    plan,
                    lines,
                    &o.stderr_text(),
                    0,
                )),
                _ => None,
            };
            // the time it took: provisioning and locking, then the upload the server timed
            let upload_ms = installed
                .map(crate::release::timings::script_steps)
                .and_then(|s| s.into_iter().find(|(n, _)| n == "upload"))
                .map(|(_, ms)| ms);
            let split = upload_ms.map_or(ended, |ms| {
                ended
                    .checked_sub(Duration::from_millis(ms))
                    .unwrap_or(began)
                    .max(began)
            });
            if w.is_some() {
                self.span(
                    &host.city,
                    Some(&host.name),
                    if apply.is_some() { "provision" } else { "lock" },
                    began,
                    split,
                );
                if upload_ms.is_some() {
                    self.span(&host.city, Some(&host.name), "upload", split, ended);
                }
            }
            Ok(Done {
                held,
                applied,
                installed: installed.map(remote::parse_steps),
            })
        })
    }

    /// Counts and records what provisioning did in the preparation round trip; its failures.
    pub(super) fn provisioned(
        &self,
        site: &Site,
        done: &HashMap<usize, Done>,
    ) -> Result<u64, ProvisionFailed> {
        let mut changes = 0;
        let mut failures = Vec::new();
        for (i, d) in done {
            if let Some(a) = &d.applied {
                changes += a.applied.len() as u64;
                if let Some(f) = &a.failed {
                    failures.push(format!(
                        "{}: {}: {} ({})",
                        self.fleet.host(*i).name,
                        f.resource,
                        f.output,
                        f.command
                    ));
                }
            }
        }
        if changes > 0 || !failures.is_empty() {
            self.audit(
                "provision apply",
                site,
                if failures.is_empty() {
                    format!("{changes} changes (rollout {})", self.journal.run)
                } else {
                    format!("{changes} changes; failed: {}", failures.join("; "))
                },
                if failures.is_empty() { "ok" } else { "failed" },
                Some(crate::inventory::identity(&site.profile)),
            );
        }
        if !failures.is_empty() {
            return Err(ProvisionFailed { changes, failures });
        }
        self.step(
            site.pinyin(),
            None,
            "provision",
            true,
            format!("{changes} changes"),
        );
        Ok(changes)
    }
}
