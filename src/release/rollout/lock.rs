//! The city lock, all of it: this controller's lock file of the city (one jinbao process at a
//! time works on it) and the lock on the servers, a folder under the install folder of every
//! app server of the city, holding who took it (run, operator, controller host, pid and the
//! process's start time, release, when). Two operators cannot roll out to one city at once; a
//! lock whose jinbao provably died (same controller, process gone) is taken over; any other is
//! reported with its owner and broken only on request (`rollout unlock`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::prepare::{Done, Work};
use super::{CityRun, Rollout};
use crate::fleet::HostError;
use crate::release::journal::EventKind;
use crate::release::remote;
use crate::state::lock::{Lock, LockError};

/// The name of this controller's lock file of `city` in the state folder.
fn controller_name(city: &str) -> String {
    format!("city-{city}")
}

/// Takes this controller's lock of `city` for `what` (a rollout, a rollback, an unlock),
/// waiting up to `wait`.
pub fn controller(
    state: &std::path::Path,
    city: &str,
    what: &str,
    wait: Duration,
) -> Result<Lock, LockError> {
    crate::state::lock::acquire(state, &controller_name(city), what, wait, &mut |_| {})
}

/// The info line written into the lock.
pub fn info(run: &str, version: &str) -> String {
    let pid = std::process::id();
    format!(
        "run={run} operator={} host={} pid={pid} start={} release={version} since={}",
        crate::operator::operator(),
        crate::operator::hostname(),
        crate::state::lock::start_time(pid).unwrap_or(0),
        crate::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

fn field<'a>(info: &'a str, key: &str) -> Option<&'a str> {
    info.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

/// True when the lock's holder is provably gone: a jinbao of this controller whose process
/// is no longer running (or whose pid now belongs to another process).
pub fn is_dead(info: &str) -> bool {
    let (Some(host), Some(pid), Some(start)) = (
        field(info, "host"),
        field(info, "pid").and_then(|p| p.parse::<u32>().ok()),
        field(info, "start").and_then(|s| s.parse::<u64>().ok()),
    ) else {
        return false;
    };
    host == crate::operator::hostname() && crate::state::lock::start_time(pid) != Some(start)
}

/// When the lock was taken, from its info line.
pub fn since(info: &str) -> Option<DateTime<Utc>> {
    let s = info
        .split_whitespace()
        .find_map(|w| w.strip_prefix("since="))?;
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The run that holds the lock.
pub fn run_of(info: &str) -> Option<&str> {
    field(info, "run")
}

/// "held by … since …", with "(stale: N min)" past `stale_after`.
pub fn describe(info: &str, stale_after: Duration) -> String {
    let age = since(info).map(|t| crate::clock::now().signed_duration_since(t));
    match age {
        Some(a) if a.num_seconds() > stale_after.as_secs() as i64 => {
            format!(
                "{info} (stale: taken {} min ago; break it with `jinbao rollout unlock <city>`)",
                a.num_minutes()
            )
        }
        _ => info.to_string(),
    }
}

/// What `rollout unlock` broke.
#[derive(Debug, Default)]
pub struct Broken {
    /// `city/server: info` of every server lock that was there.
    pub server_locks: Vec<String>,
    /// Controller locks held from another controller, broken.
    pub controller_locks: Vec<String>,
    /// Servers that could not be reached (their locks stay).
    pub unreachable: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    #[error("{city} is being worked on now: {holder}")]
    Live { city: String, holder: String },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl crate::error::Explain for UnlockError {
    /// A lock a running jinbao holds is not broken: blocked (exit 4).
    fn exit(&self) -> crate::error::Exit {
        match self {
            UnlockError::Live { .. } => crate::error::Exit::Blocked,
            UnlockError::Io(_) => crate::error::Exit::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            UnlockError::Live { .. } => {
                Some("a running jinbao's lock is not broken; wait for it or stop it".into())
            }
            UnlockError::Io(_) => None,
        }
    }
}

/// Breaks the city locks of the fleet's cities: this controller's (never one a live jinbao
/// holds: that run is working now) and every server's.
pub fn break_city_locks(
    profiles: &crate::profile::Profiles,
    progress: &crate::progress::Progress,
    state: &std::path::Path,
    fleet: &crate::fleet::Fleet,
) -> Result<Broken, UnlockError> {
    use crate::state::lock as state_lock;
    let mut broken = Broken::default();
    let mut cities: Vec<&str> = fleet.hosts().map(|h| h.city.as_str()).collect();
    cities.dedup();
    let mut held = Vec::new();
    for city in &cities {
        let name = controller_name(city);
        let what = format!("rollout unlock {city}");
        let take = || controller(state, city, &what, Duration::ZERO);
        match take() {
            Ok(lock) => held.push(lock),
            Err(LockError::Held(h)) => {
                return Err(UnlockError::Live {
                    city: city.to_string(),
                    holder: h.describe(),
                });
            }
            Err(LockError::Foreign(h)) => {
                // held from another controller: breaking it is what unlock is for
                let path = state_lock::path(state, &name);
                std::fs::write(&path, b"").map_err(|e| crate::files::at(&path, e))?;
                broken
                    .controller_locks
                    .push(format!("{city}: {}", h.describe()));
                match take() {
                    Ok(lock) => held.push(lock),
                    Err(LockError::Io(e)) => return Err(e.into()),
                    Err(other) => {
                        return Err(UnlockError::Live {
                            city: city.to_string(),
                            holder: other.to_string(),
                        });
                    }
                }
            }
            Err(LockError::Damaged(path)) => {
                // a folder or link where the lock file goes: breaking it is what unlock is for
                // (a link is removed as a link, never followed)
                let removed = match std::fs::symlink_metadata(&path) {
                    Ok(m) if m.is_dir() => std::fs::remove_dir_all(&path),
                    _ => std::fs::remove_file(&path),
                };
                removed.map_err(|e| crate::files::at(&path, e))?;
                broken
                    .controller_locks
                    .push(format!("{city}: {} (not a lock file)", path.display()));
                match take() {
                    Ok(lock) => held.push(lock),
                    Err(other) => {
                        return Err(UnlockError::Live {
                            city: city.to_string(),
                            holder: other.to_string(),
                        });
                    }
                }
            }
            Err(LockError::Io(e)) => return Err(e.into()),
        }
    }
    let results = fleet.each(None, progress, "unlock", |host, t, _| {
        let install = &profiles.of_host(host).profile.app.install_dir;
        let dir = crate::transport::shell_quote(&format!("{}{install}/.rollout.lock", t.root()));
        let o = t.run(
            &format!(
                "[ -f {dir}/info ] && read -r x < {dir}/info && printf '%s\\n' \"$x\"; {}",
                remote::unlock_script(t.root(), install, None)
            ),
            b"",
            Duration::from_secs(30),
        )?;
        Ok(o.stdout_text().trim().to_string())
    });
    for r in results {
        let label = fleet.host(r.index).label().to_string();
        match r.result {
            Ok(info) if !info.is_empty() => broken.server_locks.push(format!("{label}: {info}")),
            Ok(_) => {}
            Err(e) => broken.unreachable.push(format!("{label}: {e}")),
        }
    }
    Ok(broken)
}

/// Why the city lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum CityLockError {
    #[error("the city has no servers")]
    NoServers,
    /// Servers that could not be asked or locked: `server: why`.
    #[error("lock: {}", .0.join("; "))]
    Servers(Vec<String>),
    /// Another run holds it, still after the wait: who, which run, since when.
    #[error("another rollout holds the city lock: {holder}")]
    Held { holder: String },
}

/// Gives `run`'s city lock back on `hosts` (also after a stop was asked for); a lock of
/// another run stays.
pub fn give_back(
    fleet: &crate::fleet::Fleet,
    progress: &crate::progress::Progress,
    hosts: &[usize],
    install: &str,
    run: &str,
) -> Vec<crate::fleet::HostResult<()>> {
    fleet.each_always(Some(hosts), progress, "unlock", |_, t, _| {
        t.run(
            &remote::unlock_script(t.root(), install, Some(run)),
            b"",
            Duration::from_secs(30),
        )?;
        Ok(())
    })
}

/// Takes the city lock on `hosts` (servers of one city) for `run`: the first by name alone
/// first (two runs racing for the city meet there, and the one that loses takes nothing else),
/// then the rest. A lock of this run is ours (a resume); one whose holder provably died is
/// taken over (`took_over` is told); any other is waited for up to `wait`, then refused naming
/// its holder (all that was taken given back).
#[allow(clippy::too_many_arguments)]
pub fn take_city(
    fleet: &crate::fleet::Fleet,
    progress: &crate::progress::Progress,
    hosts: &[usize],
    install: &str,
    run: &str,
    info: &str,
    wait: Duration,
    stale_after: Duration,
    took_over: &dyn Fn(&str),
) -> Result<(), CityLockError> {
    let quiet = progress.hidden();
    let mut order = hosts.to_vec();
    order.sort_by(|a, b| fleet.host(*a).label().cmp(fleet.host(*b).label()));
    let (leader, others) = order.split_first().ok_or(CityLockError::NoServers)?;
    let round = |on: &[usize]| -> Result<Vec<(usize, String)>, CityLockError> {
        let results = fleet.each_always(Some(on), &quiet, "lock", |host, t, _| {
            let o = t.run(
                &remote::lock_script(t.root(), install, run, info),
                b"",
                Duration::from_secs(60),
            )?;
            let text = o.stdout_text();
            if let Some(held) = text
                .lines()
                .find_map(|l| l.strip_prefix("HELD\t").map(str::to_string))
            {
                return Ok(Some(held));
            }
            anyhow::ensure!(
                text.lines().any(|l| l == "LOCKED"),
                "could not take the lock on {}: {}",
                host.label(),
                o.stderr_text().trim()
            );
            Ok(None)
        });
        let mut held = Vec::new();
        let mut bad = Vec::new();
        for r in results {
            match r.result {
                Ok(h) => held.extend(h.map(|h| (r.index, h))),
                Err(e) => bad.push(e.on(&fleet.host(r.index).name)),
            }
        }
        if bad.is_empty() {
            Ok(held)
        } else {
            Err(CityLockError::Servers(bad))
        }
    };
    let started = Instant::now();
    let mut pause = Duration::from_millis(50);
    loop {
        let mut held = round(&[*leader])?;
        if held.is_empty() && !others.is_empty() {
            held = round(others)?;
        }
        if held.is_empty() {
            return Ok(());
        }
        // locks left by a jinbao of this controller that died: taken over, said so
        if held.iter().all(|(_, h)| is_dead(h)) {
            for (i, h) in &held {
                let _ = fleet.each_always(Some(&[*i]), &quiet, "unlock", |_, t, _| {
                    t.run(
                        &remote::unlock_exact_script(t.root(), install, h),
                        b"",
                        Duration::from_secs(30),
                    )?;
                    Ok(())
                });
                took_over(h);
            }
            continue;
        }
        give_back(fleet, &quiet, &order, install, run);
        let holder = describe(&held[0].1, stale_after);
        if started.elapsed() >= wait || crate::interrupt::stopping() {
            return Err(CityLockError::Held { holder });
        }
        std::thread::sleep(pause.min(wait.saturating_sub(started.elapsed())));
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

/// A city lock found on a server.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Held {
    pub city: String,
    pub host: String,
    /// Who holds it, which run, since when (the info line).
    pub info: String,
}

/// The city locks on the application and web servers of `fleet` (one round trip each), and
/// the servers that could not be asked (`city/server: why`).
pub fn on_servers(
    profiles: &crate::profile::Profiles,
    fleet: &crate::fleet::Fleet,
    progress: &crate::progress::Progress,
) -> (Vec<Held>, Vec<String>) {
    let results = remote::preflight_app_servers(profiles, fleet, progress, "lock status", "-");
    let (mut held, mut unreachable) = (Vec::new(), Vec::new());
    for r in results {
        let h = fleet.host(r.index);
        match r.result.map(|f| f.lock) {
            Ok(Some(info)) => held.push(Held {
                city: h.city.clone(),
                host: h.name.clone(),
                info,
            }),
            Ok(None) => {}
            Err(e) => unreachable.push(format!("{}: {e}", h.label())),
        }
    }
    (held, unreachable)
}

/// This controller's lock of a city could not be taken.
#[derive(Debug, thiserror::Error)]
pub struct CityBusy(#[from] pub LockError);

impl std::fmt::Display for CityBusy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            LockError::Held(_) | LockError::Foreign(_) => {
                write!(f, "the city is locked: {}", self.0)
            }
            other => write!(f, "the city's lock cannot be taken: {other}"),
        }
    }
}

impl Rollout<'_> {
    /// The city's locks, after a last look for a stop: this controller's (one process per
    /// city), then every server's, each server's preparation done in the same round trip. A
    /// city another run holds is refused and marked blocked.
    pub(super) fn lock_step(
        &self,
        c: &CityRun,
        work: &HashMap<usize, Work>,
        out: &mut super::Outcome,
    ) -> Result<(Lock, HashMap<usize, Done>), super::Stop> {
        if let Some(why) = self.stopping() {
            return Err(c.fail(
                super::CityResult::Interrupted,
                format!("{why}: nothing changed"),
            ));
        }
        c.bar.set_message("lock");
        let mut refused = |why: String| {
            out.blocked = true;
            c.fail(super::CityResult::Refused, why)
        };
        let controller = self
            .controller_lock(c)
            .map_err(|e| refused(e.to_string()))?;
        let done = self
            .lock_city(c, work)
            .map_err(|e| refused(e.to_string()))?;
        Ok((controller, done))
    }

    /// This controller's lock of the city: one jinbao process at a time works on it.
    fn controller_lock(&self, c: &CityRun) -> Result<Lock, CityBusy> {
        let what = format!("rollout {} of {}", self.journal.run, c.city);
        let lock = controller(
            self.journal.state_dir(),
            &c.city,
            &what,
            self.opts.lock_wait,
        )?;
        if let Some(dead) = &lock.took_over {
            self.log(EventKind::LockTakenOver {
                city: Some(c.city.clone()),
                from: dead.describe(),
            });
        }
        Ok(lock)
    }

    /// Takes the city lock on every app server and, in the same round trip, does each server's
    /// work (`work`): its provisioning changes and the release's install. The first server is
    /// locked alone first (`take_city`: waiting, taking over a dead holder's lock,
    /// refusing with its holder's name), so a race for the city is settled before any server
    /// changes.
    fn lock_city(
        &self,
        c: &CityRun,
        work: &HashMap<usize, Work>,
    ) -> Result<HashMap<usize, Done>, CityLockError> {
        let (site, hosts, install) = (c.site, &c.app, c.install());
        let info = info(&self.journal.run, &self.release.manifest.version);
        let mut order = hosts.to_vec();
        order.sort_by(|a, b| self.fleet.host(*a).label().cmp(self.fleet.host(*b).label()));
        let leader = [*order.first().ok_or(CityLockError::NoServers)?];
        let began = Instant::now();
        let taken = take_city(
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
        let mut results = self.prepare_round(&everyone, install, &info, Some(work));
        let mut held = self.held(&results).inspect_err(|_| self.unlock(c))?;
        // the other servers' locks a dead jinbao of this controller left (it was killed after
        // locking more than the first server): taken over, said so, and locked again (a few
        // times at most: a live run taking them meanwhile is refused below)
        for _ in 0..3 {
            if held.is_empty() || !held.iter().all(|(_, h)| is_dead(h)) {
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
            let retried = self.prepare_round(&again, install, &info, Some(work));
            results.retain(|(i, _)| !again.contains(i));
            results.extend(retried);
            held = self.held(&results).inspect_err(|_| self.unlock(c))?;
        }
        if let Some((_, holder)) = held.first() {
            // another run took a server though not the first one (its profiles differ)
            self.unlock(c);
            let holder = describe(holder, self.opts.stale_after);
            self.step(site.pinyin(), None, "lock", false, holder.clone());
            return Err(CityLockError::Held { holder });
        }
        self.step(site.pinyin(), None, "lock", true, String::new());
        Ok(results
            .into_iter()
            .filter_map(|(i, r)| r.ok().map(|d| (i, d)))
            .collect())
    }

    /// Gives this run's lock back on `hosts` (also after a stop was asked for).
    pub(super) fn unlock(&self, c: &CityRun) {
        let results = give_back(
            self.fleet,
            &self.progress.hidden(),
            &c.app,
            c.install(),
            &self.journal.run,
        );
        self.spans_of("unlock", &results);
    }

    /// The holders of the locks a round found taken, or why the round failed.
    fn held(
        &self,
        results: &[(usize, Result<Done, HostError>)],
    ) -> Result<Vec<(usize, String)>, CityLockError> {
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
            Err(CityLockError::Servers(bad))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn info_round_trips() {
        let i = super::info("r1", "1.0.0");
        assert_eq!(super::run_of(&i), Some("r1"));
        assert!(super::since(&i).is_some());
        assert!(!super::is_dead(&i), "this process holds it");
        let gone = i.replace(&format!("pid={}", std::process::id()), "pid=4294967294");
        assert!(super::is_dead(&gone));
        let elsewhere = i.replace("host=", "host=other-");
        assert!(!super::is_dead(&elsewhere.replace(
            &format!("pid={}", std::process::id()),
            "pid=4294967294"
        )));
    }
}
