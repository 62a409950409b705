//! One city's rollout, step by step: what its servers have, the gates, the lock and the
//! preparation, the switch batch by batch, the data gate, and the clean-up.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{CityResult, Outcome, Rollout, data_gate, last_lines};
use crate::profile::Site;
use crate::release::lock;
use crate::release::remote;

impl Rollout<'_> {
    pub(super) fn deploy_city(
        &self,
        site: &Site,
        out: &mut Outcome,
    ) -> Result<CityResult, (CityResult, String)> {
        let city = site.pinyin().to_string();
        let p = &site.profile;
        let m = &self.release.manifest;
        let install = p.app.install_dir.clone();
        let quiet = self.progress.hidden();
        let hosts = self.hosts_of(site, true);
        let bar = self.progress.city_bar(&self.multi, &city, hosts.len());
        let fail = |r: CityResult, why: String| {
            bar.finish_and_clear();
            (r, why)
        };
        if hosts.is_empty() {
            return Err(fail(
                CityResult::Failed,
                "the city has no app or web server".into(),
            ));
        }

        // 1. what every server has and, with --provision, what provisioning must change there
        // (one round trip each; nothing changes yet)
        let (mut work, facts) = if self.opts.provision {
            bar.set_message("probe");
            self.probe_city(site)
                .map_err(|e| fail(CityResult::Failed, format!("provision: {e}")))?
        } else {
            bar.set_message("preflight");
            // the configuration provisioning writes: without it the release cannot start
            let needed: Vec<String> = (!p.app.config_template.is_empty())
                .then(|| format!("{}/app.toml", p.app.config_dir))
                .into_iter()
                .collect();
            let facts = self.on(&hosts, &quiet, "preflight", |_, t| {
                let o = t.run(
                    &remote::preflight_needing(t.root(), &install, &m.version, &needed),
                    b"",
                    Duration::from_secs(60),
                )?;
                anyhow::ensure!(o.ok(), "preflight: {}", o.stderr_text().trim());
                Ok(remote::parse_preflight(&o.stdout_text()))
            });
            let facts = self
                .all_ok(&city, "preflight", facts)
                .map_err(|e| fail(CityResult::Failed, e.to_string()))?;
            (HashMap::new(), facts)
        };
        for (i, f) in &facts {
            if let Some(shown) = f.missing.first() {
                return Err(fail(
                    CityResult::Failed,
                    format!(
                        "{}: not provisioned: {shown} is missing (run `jinbao provision apply {city}`, or roll out with --provision)",
                        self.fleet.host(*i).label()
                    ),
                ));
            }
        }
        // servers with nothing installed yet add nothing: `from` lists real releases only
        let mut from: Vec<String> = facts
            .iter()
            .filter_map(|(_, f)| f.current.clone())
            .collect();
        from.sort();
        from.dedup();
        out.from = from;
        if !self.opts.allow_downgrade
            && !site.profile.app.allow_downgrade
            && let Some(newer) = super::super::version::downgrade_from(&out.from, &m.version)
        {
            // the way back names the release only when every server still has it installed
            let way = if !facts.is_empty()
                && facts
                    .iter()
                    .all(|(_, f)| f.installed.iter().any(|v| v == &m.version))
            {
                format!(
                    "`jinbao rollback {city} --to {}`, or roll out with --allow-downgrade",
                    m.version
                )
            } else {
                format!(
                    "roll out with --allow-downgrade; {} is not installed on every server, so rollback cannot go to it",
                    m.version
                )
            };
            return Err(fail(
                CityResult::Refused,
                format!(
                    "{} is older than {newer}, which {city} runs: a downgrade ({way})",
                    m.version
                ),
            ));
        }
        if let Some(expected) = &self.expected {
            for (i, f) in &facts {
                let label = self.fleet.host(*i).label().to_string();
                if let Some(want) = expected.get(&label)
                    && (want.current != f.current
                        || want.target_sha256 != f.target_sha256
                        || want.installed != f.installed)
                {
                    return Err(fail(
                        CityResult::Refused,
                        format!(
                            "drifted since the plan: {label} had current {:?}, now {:?}",
                            want.current, f.current
                        ),
                    ));
                }
            }
        }
        for (i, f) in &facts {
            let label = self.fleet.host(*i).label();
            if let Some(sha) = &f.target_sha256
                && sha != &m.sha256
            {
                return Err(fail(
                    CityResult::Failed,
                    format!(
                        "{label}: release {} is installed there from another tarball ({}…, this one is {}…)",
                        m.version,
                        &sha[..12.min(sha.len())],
                        &m.sha256[..12]
                    ),
                ));
            }
            // what the release unpacks to (counted when it was opened), plus a tenth to spare
            let need_kb = (self.release.contents.unpacked + self.release.contents.unpacked / 10)
                .max(m.size)
                / 1024;
            if f.target_sha256.is_none() && f.free_kb < need_kb {
                return Err(fail(
                    CityResult::Failed,
                    format!(
                        "{label}: {} MiB free under {install}, the release needs {} MiB",
                        f.free_kb / 1024,
                        need_kb / 1024
                    ),
                ));
            }
        }
        // a city another rollout is working on is never "already" done: its health gate may yet fail
        let foreign_lock = facts.iter().any(|(_, f)| {
            f.lock
                .as_deref()
                .is_some_and(|l| lock::run_of(l) != Some(self.journal.run.as_str()))
        });
        let released = facts.iter().all(|(_, f)| {
            f.current.as_deref() == Some(m.version.as_str())
                && f.target_sha256.as_deref() == Some(&m.sha256)
        });
        let provisioning = work.values().any(|w| w.plan.is_some());
        if !foreign_lock && released && !provisioning {
            bar.finish_and_clear();
            return Ok(CityResult::Already);
        }
        // the servers that still need the release: it is unpacked beside the running one
        // while the city is prepared, before any server switches
        for (i, f) in &facts {
            if f.target_sha256.is_none() {
                work.entry(*i).or_default().install = true;
            }
        }

        // 2. the city database at the schema version the release needs
        if let Some(need) = m.schema {
            bar.set_message("schema");
            let began = Instant::now();
            let gate = self.schema_gate(site, need);
            self.span(&city, None, "schema", began, Instant::now());
            gate.map_err(|e| fail(CityResult::Failed, e.to_string()))?;
        }

        // 3. the city lock: this controller's (one process per city), then every server's
        if let Some(why) = self.stopping() {
            return Err(fail(
                CityResult::Interrupted,
                format!("{why}: nothing changed"),
            ));
        }
        bar.set_message("lock");
        let _controller_lock = self.controller_lock(site).map_err(|e| {
            out.blocked = true;
            fail(CityResult::Refused, e.to_string())
        })?;
        let done = self.lock_city(site, &hosts, &install, &work).map_err(|e| {
            out.blocked = true;
            fail(CityResult::Refused, e.to_string())
        })?;
        let unlock = || self.unlock(&hosts, &install);
        // what provisioning did, and the release's install on each server: a failure here
        // leaves every server on the release it runs (nothing switched yet)
        match self.provisioned(site, &done) {
            Ok(changes) => out.changes += changes,
            Err(e) => {
                // what was changed before the failure is still a change of the run
                out.changes += e.changes;
                unlock();
                return Err(fail(CityResult::Failed, e.to_string()));
            }
        }
        let mut install_failures = Vec::new();
        for (i, d) in &done {
            let name = &self.fleet.host(*i).name;
            match &d.installed {
                Some((_, Some((step, why)))) => {
                    self.step(&city, Some(name), step, false, why.clone());
                    install_failures.push(format!("{name}: {step} failed: {}", last_lines(why)));
                }
                Some((_, None)) => self.step(&city, Some(name), "upload", true, String::new()),
                None if work.get(i).is_some_and(|w| w.install) => {
                    install_failures.push(format!("{name}: the release was not installed"));
                }
                None => {}
            }
        }
        if !install_failures.is_empty() {
            unlock();
            install_failures.sort();
            return Err(fail(CityResult::Failed, install_failures.join("; ")));
        }
        if released {
            // only provisioning had changes: the release was already everywhere
            self.unlock(&hosts, &install);
            bar.finish_and_clear();
            return Ok(CityResult::Already);
        }

        // 4. business data before the switch
        let began = Instant::now();
        let before = data_gate::counts(p);
        self.span(&city, None, "data-gate", began, Instant::now());

        // 5. switch, restart, health: batch by batch
        let previous: HashMap<usize, Option<String>> =
            facts.iter().map(|(i, f)| (*i, f.current.clone())).collect();
        let mut switched: Vec<usize> = Vec::new();
        let size = self.opts.batch.sizes(hosts.len());
        for batch in hosts.chunks(size) {
            // asked to stop between batches: the servers already switched go back, so the
            // city is on its old release, not half on each
            if let Some(why) = self.stopping() {
                bar.set_message("rolling back");
                let back = self.roll_back(site, &switched, &previous);
                unlock();
                let why = match back {
                    Ok(()) => format!("{why}: put back on its old release"),
                    Err(e) => format!("{why}; putting it back failed: {e}"),
                };
                return Err(fail(CityResult::Interrupted, why));
            }
            bar.set_message("switch");
            let results = self.on(batch, &quiet, "activate", |host, t| {
                Ok(self.activate_host(site, host, t)?)
            });
            let mut failure = None;
            for (i, r) in results {
                let label = self.fleet.host(i).name.clone();
                match r {
                    Ok((steps, None)) => {
                        self.step(&city, Some(&label), "deploy", true, steps.join(","));
                        switched.push(i);
                        out.changes += 1;
                        bar.inc(1);
                    }
                    Ok((steps, Some((step, why)))) => {
                        if steps.iter().any(|s| s == "switch") {
                            switched.push(i);
                        }
                        self.step(&city, Some(&label), &step, false, why.clone());
                        failure
                            .get_or_insert(format!("{label}: {step} failed: {}", last_lines(&why)));
                    }
                    Err(e) => {
                        self.step(&city, Some(&label), "deploy", false, e.to_string());
                        failure.get_or_insert(format!("{label}: {e}"));
                    }
                }
            }
            if let Some(why) = failure {
                bar.set_message("rolling back");
                let back = self.roll_back(site, &switched, &previous);
                unlock();
                let why = match back {
                    Ok(()) => why,
                    Err(e) => format!("{why}; the rollback failed too: {e}"),
                };
                return Err(fail(CityResult::RolledBack, why));
            }
        }

        // 6. business data after the switch and the health gate
        if let Err(why) = data_gate::compare(
            before,
            data_gate::counts(p),
            p.checks.row_drop_tolerance_pct,
        ) {
            self.step(&city, None, "data-gate", false, why.to_string());
            self.halt.store(true, Ordering::Relaxed);
            let back = self.roll_back(site, &switched, &previous);
            unlock();
            let why = match back {
                Ok(()) => format!("data gate: {why}"),
                Err(e) => format!("data gate: {why}; the rollback failed too: {e}"),
            };
            return Err(fail(CityResult::RolledBack, why));
        }

        // 7. keep the last N releases, never the current or the previous; unlock
        bar.set_message("finalize");
        let keep = p.app.keep_releases;
        let _ = self.on_always(&hosts, &quiet, "finalize", |host, t| {
            let i = self.index_of(host);
            let prev = previous.get(&i).cloned().flatten().unwrap_or_default();
            let script = remote::finalize_script(
                t.root(),
                &install,
                keep,
                &[&m.version, &prev],
                &self.journal.run,
            );
            t.run(&script, b"", Duration::from_secs(120))?;
            Ok(())
        });
        bar.finish_and_clear();
        Ok(CityResult::Deployed)
    }
}
