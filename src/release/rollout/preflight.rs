//! The first step of a city's rollout: what every server has (one round trip each, nothing
//! changes), and with `--provision` what provisioning must change there; then what those facts
//! refuse: a server not provisioned, a downgrade, drift since the plan, another tarball of the
//! same release, too little room. A city that has everything already is done here.

use std::collections::HashMap;
use std::time::Duration;

use super::prepare::Work;
use super::{CityResult, CityRun, Outcome, Rollout, Stop, lock};
use crate::release::remote::{self, ServerFacts};

/// The release facts of a city's app servers, by fleet index.
pub(super) type Facts = Vec<(usize, ServerFacts)>;

/// What provisioning must change in a city could not be found out.
#[derive(Debug, thiserror::Error)]
pub enum ProbeCityError {
    #[error(transparent)]
    Desired(#[from] crate::provision::resource::DesiredError),
    /// Servers that could not be probed: `server: why` each.
    #[error("{}", .0.join("; "))]
    Servers(Vec<String>),
}

/// What the preflight found in a city.
pub(super) struct Preflight {
    /// Each server's work in the preparation round trip.
    pub work: HashMap<usize, Work>,
    pub facts: Facts,
    /// Every app server runs this release, from this tarball.
    pub released: bool,
    /// Nothing to do: the release everywhere, nothing to provision, no other run's lock.
    pub already: bool,
}

impl Preflight {
    /// The release each server ran before the switch (None: nothing installed yet).
    pub fn previous(&self) -> HashMap<usize, Option<String>> {
        self.facts
            .iter()
            .map(|(i, f)| (*i, f.current.clone()))
            .collect()
    }
}

impl Rollout<'_> {
    /// What the city's servers have and what must be done there; the city refused (or failed)
    /// when the facts say so. Sets the releases the city runs (`out.from`).
    pub(super) fn preflight(&self, c: &CityRun, out: &mut Outcome) -> Result<Preflight, Stop> {
        let (mut work, facts) = self.survey(c)?;
        self.check_facts(c, &facts, out)?;
        let m = &self.release.manifest;
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
        let already = !foreign_lock && released && !provisioning;
        if !already {
            // the servers that still need the release: it is unpacked beside the running one
            // while the city is prepared, before any server switches
            for (i, f) in &facts {
                if f.target_sha256.is_none() {
                    work.entry(*i).or_default().install = true;
                }
            }
        }
        Ok(Preflight {
            work,
            facts,
            released,
            already,
        })
    }

    /// What every server has and, with --provision, what provisioning must change there
    /// (one round trip each; nothing changes yet).
    fn survey(&self, c: &CityRun) -> Result<(HashMap<usize, Work>, Facts), Stop> {
        let p = &c.site.profile;
        let m = &self.release.manifest;
        let install = c.install();
        let quiet = self.progress.hidden();
        let found = if self.opts.provision {
            c.bar.set_message("probe");
            self.probe_city(c)
                .map_err(|e| c.fail(CityResult::Failed, format!("provision: {e}")))?
        } else {
            c.bar.set_message("preflight");
            // the configuration provisioning writes: without it the release cannot start
            let needed: Vec<String> = (!p.app.config_template.is_empty())
                .then(|| format!("{}/app.toml", p.app.config_dir))
                .into_iter()
                .collect();
            let facts = self.on(&c.app, &quiet, "preflight", |_, t| {
                let o = t.run(
                    &remote::preflight_needing(t.root(), install, &m.version, &needed),
                    b"",
                    Duration::from_secs(60),
                )?;
                anyhow::ensure!(o.ok(), "preflight: {}", o.stderr_text().trim());
                Ok(remote::parse_preflight(&o.stdout_text()))
            });
            let facts = self
                .all_ok(&c.city, "preflight", facts)
                .map_err(|e| c.fail(CityResult::Failed, e.to_string()))?;
            (HashMap::new(), facts)
        };
        Ok(found)
    }

    /// The facts that stop the city before anything changes: a server not provisioned, a
    /// downgrade, drift since the plan, another tarball of the release, too little room.
    fn check_facts(&self, c: &CityRun, facts: &Facts, out: &mut Outcome) -> Result<(), Stop> {
        let (city, install) = (&c.city, c.install());
        let m = &self.release.manifest;
        for (i, f) in facts {
            if let Some(shown) = f.missing.first() {
                return Err(c.fail(
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
            && !c.site.profile.app.allow_downgrade
            && let Some(newer) = crate::release::version::downgrade_from(&out.from, &m.version)
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
            return Err(c.fail(
                CityResult::Refused,
                format!(
                    "{} is older than {newer}, which {city} runs: a downgrade ({way})",
                    m.version
                ),
            ));
        }
        if let Some(expected) = &self.expected {
            for (i, f) in facts {
                let label = self.fleet.host(*i).label().to_string();
                if let Some(want) = expected.get(&label)
                    && (want.current != f.current
                        || want.target_sha256 != f.target_sha256
                        || want.installed != f.installed)
                {
                    return Err(c.fail(
                        CityResult::Refused,
                        format!(
                            "drifted since the plan: {label} had current {:?}, now {:?}",
                            want.current, f.current
                        ),
                    ));
                }
            }
        }
        for (i, f) in facts {
            let label = self.fleet.host(*i).label();
            if let Some(sha) = &f.target_sha256
                && sha != &m.sha256
            {
                return Err(c.fail(
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
                return Err(c.fail(
                    CityResult::Failed,
                    format!(
                        "{label}: {} MiB free under {install}, the release needs {} MiB",
                        f.free_kb / 1024,
                        need_kb / 1024
                    ),
                ));
            }
        }
        Ok(())
    }

    /// What every server of the city has (the release facts of its app servers) and, with
    /// `--provision`, what provisioning has to change on each: one round trip per server.
    fn probe_city(&self, c: &CityRun) -> Result<(HashMap<usize, Work>, Facts), ProbeCityError> {
        let (site, all) = (c.site, &c.hosts);
        let hosts: Vec<crate::inventory::Host> =
            all.iter().map(|i| self.fleet.host(*i).clone()).collect();
        let desired = crate::provision::desired_all(self.profiles, &hosts)?;
        let quiet = self.progress.hidden();
        let install = site.profile.app.install_dir.clone();
        let version = self.release.manifest.version.clone();
        // each server's place in `all` (and `desired`), found once
        let place: HashMap<usize, usize> = all.iter().enumerate().map(|(k, i)| (*i, k)).collect();
        let results = self.on(all, &quiet, "probe", |host, t| {
            let k = place.get(&self.index_of(host)).copied().unwrap_or(0);
            let preflight = remote::preflight_script(t.root(), &install, &version);
            let (plan, facts) =
                crate::provision::plan_host_with(t, &desired[k], &install, &preflight)?;
            Ok((plan, remote::parse_preflight(&facts)))
        });
        let mut failures = Vec::new();
        let mut work = HashMap::new();
        let mut facts = Vec::new();
        for (i, r) in results {
            match r {
                Ok((plan, f)) => {
                    let h = self.fleet.host(i);
                    if h.runs_app() {
                        facts.push((i, f));
                    }
                    work.insert(
                        i,
                        Work {
                            plan: (plan.pending() > 0).then_some(plan),
                            install: false,
                        },
                    );
                }
                Err(e) => failures.push(format!("{}: {e}", self.fleet.host(i).name)),
            }
        }
        if !failures.is_empty() {
            return Err(ProbeCityError::Servers(failures));
        }
        Ok((work, facts))
    }
}
