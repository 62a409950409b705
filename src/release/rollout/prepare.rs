//! Getting a city ready for the switch, under its lock: this controller's lock, then every
//! server's (one server first, so two runs racing for the city meet there); in the same round
//! trip each server gets its provisioning changes and the release unpacked beside the running
//! one. Nothing a server runs changes here.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::Rollout;
use crate::provision::{HostApply, HostPlan};
use crate::resource::Resource;

/// What one server does in the preparation round trip.
#[derive(Default)]
pub(super) struct Work {
    /// Its provisioning changes (the resources and the plan), when it has any.
    pub plan: Option<(Vec<Resource>, HostPlan)>,
    /// The release must be uploaded and unpacked there.
    pub install: bool,
}

/// Why a city's database is not at the schema version the release needs.
#[derive(Debug, thiserror::Error)]
pub enum SchemaGateError {
    #[error(transparent)]
    Store(#[from] crate::schema::StoreError),
    #[error(transparent)]
    Migrations(#[from] crate::schema::SetError),
    #[error(
        "the city database is at {}, the release needs V{need:03} (pass --migrate to migrate it first)",
        version_text(*.current)
    )]
    Behind { current: Option<u32>, need: u32 },
    #[error("migration {0} was edited after it was applied")]
    Edited(String),
    #[error("after migrating, the database is at {}, below V{need:03}", version_text(*.current))]
    StillBehind { current: Option<u32>, need: u32 },
}

/// `V003`, or `no schema`.
fn version_text(v: Option<u32>) -> String {
    v.map_or("no schema".into(), |c| format!("V{c:03}"))
}

/// What provisioning must change in a city could not be found out.
#[derive(Debug, thiserror::Error)]
pub enum ProbeCityError {
    #[error(transparent)]
    Desired(#[from] crate::resource::DesiredError),
    /// Servers that could not be probed: `server: why` each.
    #[error("{}", .0.join("; "))]
    Servers(Vec<String>),
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

/// This controller's lock of a city could not be taken.
#[derive(Debug, thiserror::Error)]
pub struct CityBusy(#[from] pub crate::state::lock::LockError);

impl std::fmt::Display for CityBusy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::state::lock::LockError;
        match &self.0 {
            LockError::Held(_) | LockError::Foreign(_) => {
                write!(f, "the city is locked: {}", self.0)
            }
            other => write!(f, "the city's lock cannot be taken: {other}"),
        }
    }
}

/// The release facts of a city's app servers, by fleet index.
pub(super) type Facts = Vec<(usize, ServerFacts)>;

/// What it reported.
pub(super) struct Done {
    /// The holder of the lock, when another run had it.
    pub held: Option<String>,
    pub applied: Option<HostApply>,
    /// The install's steps and failure, when it installed.
    pub installed: Option<remote::Steps>,
}
use crate::fleet::HostError;
use crate::profile::Site;
use crate::release::journal::EventKind;
use crate::release::lock;
use crate::release::remote::{self, ServerFacts};

impl Rollout<'_> {
    pub(super) fn schema_gate(&self, site: &Site, need: u32) -> Result<(), SchemaGateError> {
        let status = |account| -> Result<Option<u32>, SchemaGateError> {
            let mut store = crate::schema::open(&site.profile, account)?;
            Ok(store.applied()?.iter().map(|a| a.version).max())
        };
        let current = status(crate::db::Account::ReadOnly)?;
        if current.is_some_and(|c| c >= need) {
            return Ok(());
        }
        if !self.opts.migrate {
            return Err(SchemaGateError::Behind { current, need });
        }
        let migrations =
            crate::schema::of_engine(&self.profiles.templates_dir, site.profile.database.engine)?;
        let mut store = crate::schema::open(&site.profile, crate::db::Account::Migrator)?;
        store.lock(Duration::from_secs(600), &mut |_| {})?;
        let result = (|| -> Result<usize, SchemaGateError> {
            let applied = store.applied()?;
            let status = crate::schema::status(&migrations, &applied);
            if let Some(m) = status.checksum_mismatches.first() {
                return Err(SchemaGateError::Edited(m.file.clone()));
            }
            let by = format!(
                "{} (rollout {})",
                crate::operator::operator(),
                self.journal.run
            );
            let mut n = 0;
            for m in migrations
                .iter()
                .filter(|m| status.pending.contains(&m.version))
            {
                store.apply(m, &by)?;
                n += 1;
            }
            Ok(n)
        })();
        store.unlock();
        let applied_now = result.as_ref().map_or(true, |n| *n > 0);
        if applied_now {
            self.audit(
                "db migrate",
                site,
                format!(
                    "{}: to V{need:03} or later (rollout {})",
                    crate::db::describe(&site.profile),
                    self.journal.run
                ),
                if result.is_ok() { "ok" } else { "failed" },
                Some(format!(
                    "database account {}",
                    site.profile.database.roles.migrator.user
                )),
            );
        }
        self.step(
            site.pinyin(),
            None,
            "migrate",
            result.is_ok(),
            result
                .as_ref()
                .err()
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
        result?;
        match status(crate::db::Account::ReadOnly)? {
            Some(c) if c >= need => Ok(()),
            current => Err(SchemaGateError::StillBehind { current, need }),
        }
    }

    /// This controller's lock of the city: one jinbao process at a time works on it.
    pub(super) fn controller_lock(
        &self,
        site: &Site,
    ) -> Result<crate::state::lock::Lock, CityBusy> {
        let name = format!("city-{}", site.pinyin());
        let what = format!("rollout {} of {}", self.journal.run, site.pinyin());
        let lock = crate::state::lock::acquire(
            self.journal.state_dir(),
            &name,
            &what,
            self.opts.lock_wait,
            &mut |_| {},
        )?;
        if let Some(dead) = &lock.took_over {
            self.log(EventKind::LockTakenOver {
                city: Some(site.pinyin().to_string()),
                from: dead.describe(),
            });
        }
        Ok(lock)
    }

    /// Takes the city lock on every app server and, in the same round trip, does each server's
    /// work (`work`): its provisioning changes and the release's install. The first server is
    /// locked alone first (`lock::take_city`: waiting, taking over a dead holder's lock,
    /// refusing with its holder's name), so a race for the city is settled before any server
    /// changes.
    pub(super) fn lock_city(
        &self,
        site: &Site,
        hosts: &[usize],
        install: &str,
        work: &HashMap<usize, Work>,
    ) -> Result<HashMap<usize, Done>, lock::CityLockError> {
        let info = lock::info(&self.journal.run, &self.release.manifest.version);
        let mut order = hosts.to_vec();
        order.sort_by(|a, b| self.fleet.host(*a).label().cmp(self.fleet.host(*b).label()));
        let leader = [*order.first().ok_or(lock::CityLockError::NoServers)?];
        let began = Instant::now();
        let taken = lock::take_city(
            self.fleet,
            self.progress,
            &leader,
            install,
            &self.journal.run,
            &info,
            self.opts.lock_wait,
            self.opts.stale_after,
            &|dead| {
                self.log(EventKind::LockTakenOver {
                    city: Some(site.pinyin().to_string()),
                    from: dead.to_string(),
                })
            },
        );
        self.span(site.pinyin(), None, "lock", began, Instant::now());
        if let Err(why) = taken {
            self.step(site.pinyin(), None, "lock", false, why.to_string());
            return Err(why);
        }
        // the servers with work and no lock to take (db, gateway: provisioning only)
        let mut everyone = order.clone();
        everyone.extend(work.keys().copied().filter(|i| !hosts.contains(i)));
        let mut results = self.lock_round(&everyone, install, &info, Some(work));
        let mut held = self
            .held(&results)
            .inspect_err(|_| self.unlock(hosts, install))?;
        // the other servers' locks a dead jinbao of this controller left (it was killed after
        // locking more than the first server): taken over, said so, and locked again (a few
        // times at most: a live run taking them meanwhile is refused below)
        for _ in 0..3 {
            if held.is_empty() || !held.iter().all(|(_, h)| lock::is_dead(h)) {
                break;
            }
            let quiet = self.progress.hidden();
            for (i, h) in &held {
                let _ = self.on(&[*i], &quiet, "unlock", |_, t| {
                    t.run(
                        &remote::unlock_exact_script(t.root(), install, h),
                        b"",
                        Duration::from_secs(30),
                    )?;
                    Ok(())
                });
                self.log(EventKind::LockTakenOver {
                    city: Some(site.pinyin().to_string()),
                    from: h.clone(),
                });
            }
            let again: Vec<usize> = held.iter().map(|(i, _)| *i).collect();
            let retried = self.lock_round(&again, install, &info, Some(work));
            results.retain(|(i, _)| !again.contains(i));
            results.extend(retried);
            held = self
                .held(&results)
                .inspect_err(|_| self.unlock(hosts, install))?;
        }
        if let Some((_, holder)) = held.first() {
            // another run took a server though not the first one (its profiles differ)
            self.unlock(hosts, install);
            let holder = lock::describe(holder, self.opts.stale_after);
            self.step(site.pinyin(), None, "lock", false, holder.clone());
            return Err(lock::CityLockError::Held { holder });
        }
        self.step(site.pinyin(), None, "lock", true, String::new());
        Ok(results
            .into_iter()
            .filter_map(|(i, r)| r.ok().map(|d| (i, d)))
            .collect())
    }

    /// Gives this run's lock back on `hosts` (also after a stop was asked for).
    pub(super) fn unlock(&self, hosts: &[usize], install: &str) {
        let quiet = self.progress.hidden();
        let _ = self.on_always(hosts, &quiet, "unlock", |_, t| {
            t.run(
                &remote::unlock_script(t.root(), install, Some(&self.journal.run)),
                b"",
                Duration::from_secs(30),
            )?;
            Ok(())
        });
    }

    /// The holders of the locks a round found taken, or why the round failed.
    fn held(
        &self,
        results: &[(usize, Result<Done, HostError>)],
    ) -> Result<Vec<(usize, String)>, lock::CityLockError> {
        let mut bad = Vec::new();
        let mut held = Vec::new();
        for (i, r) in results {
            match r {
                Ok(d) => held.extend(d.held.clone().map(|h| (*i, h))),
                Err(e) => bad.push(e.on(&self.fleet.host(*i).name)),
            }
        }
        if bad.is_empty() {
            Ok(held)
        } else {
            Err(lock::CityLockError::Servers(bad))
        }
    }

    /// One round trip to `on`: the lock on app servers, then (with `work`) each server's
    /// provisioning and install once the lock is ours.
    fn lock_round(
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
                .and_then(|(resources, plan)| crate::provision::apply_script_of(resources, plan));
            let upload = w.is_some_and(|w| w.install) && locking;
            script.push_str("if [ \"$L_OK\" = 1 ]; then\n");
            if let Some(a) = &apply {
                // no subshell: a failing change's `exit` ends the round trip, skipping the install
                script.push_str(&format!("echo @apply\n{a}\n"));
            }
            if upload {
                let site = self.profiles.of_host(host);
                let rendered = self.render(site, host)?;
                let p = &site.profile;
                let m = &self.release.manifest;
                let installing = remote::deploy_script(&remote::DeployPlan {
                    root: t.root(),
                    install: &p.app.install_dir,
                    version: &m.version,
                    sha256: &m.sha256,
                    upload: true,
                    activate: false,
                    rendered: &rendered,
                    shared_dirs: &p.app.shared_dirs,
                    service: None,
                    local: t.kind() == crate::profile::TransportKind::Local,
                    health: "",
                    health_timeout: 1,
                    health_interval: 1,
                });
                script.push_str(&format!("echo @install\n{installing}\n"));
            }
            script.push_str("fi\n");
            let stdin: &[u8] = if upload { &self.tarball } else { b"" };
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
                (Some((resources, plan)), Some((_, lines))) => Some(
                    crate::provision::apply_outcome(resources, plan, lines, &o.stderr_text(), 0),
                ),
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

    /// What every server of the city has (the release facts of its app servers) and, with
    /// `--provision`, what provisioning has to change on each: one round trip per server.
    pub(super) fn probe_city(
        &self,
        site: &Site,
    ) -> Result<(HashMap<usize, Work>, Facts), ProbeCityError> {
        let all = self.hosts_of(site, false);
        let hosts: Vec<crate::inventory::Host> =
            all.iter().map(|i| self.fleet.host(*i).clone()).collect();
        let desired = crate::provision::desired_all(self.profiles, &hosts)?;
        let quiet = self.progress.hidden();
        let install = site.profile.app.install_dir.clone();
        let version = self.release.manifest.version.clone();
        // each server's place in `all` (and `desired`), found once
        let place: HashMap<usize, usize> = all.iter().enumerate().map(|(k, i)| (*i, k)).collect();
        let results = self.on(&all, &quiet, "probe", |host, t| {
            let k = place.get(&self.index_of(host)).copied().unwrap_or(0);
            let preflight = remote::preflight_script(t.root(), &install, &version);
            let (plan, facts) =
                crate::provision::plan_host_with(t, &desired[k], &install, &preflight)?;
            Ok((plan, remote::parse_preflight(&facts)))
        });
        let mut failures = Vec::new();
        let mut work = HashMap::new();
        let mut facts = Vec::new();
        for (k, (i, r)) in results.into_iter().enumerate() {
            match r {
                Ok((plan, f)) => {
                    let h = self.fleet.host(i);
                    if h.runs_app() {
                        facts.push((i, f));
                    }
                    work.insert(
                        i,
                        Work {
                            plan: (plan.pending() > 0).then(|| (desired[k].clone(), plan)),
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
