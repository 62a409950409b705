//! The city lock on servers: a folder under the install folder of every server of the city,
//! holding who took it (run, operator, controller host, pid and the process's start time,
//! release, when). Two operators cannot roll out to one city at once; a lock whose jinbao
//! provably died (same controller, process gone) is taken over; any other is reported with its
//! owner and broken only on request (`rollout unlock`).

use chrono::{DateTime, Utc};

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
pub fn describe(info: &str, stale_after: std::time::Duration) -> String {
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

/// Breaks the city locks of the fleet's cities: this controller's (never one a live jinbao
/// holds: that run is working now) and every server's.
pub fn break_city_locks(
    profiles: &crate::profile::Profiles,
    progress: &crate::progress::Progress,
    state: &std::path::Path,
    fleet: &crate::fleet::Fleet,
) -> Result<Broken, UnlockError> {
    use crate::state::lock::{self as state_lock, LockError};
    let mut broken = Broken::default();
    let mut cities: Vec<&str> = fleet.hosts().map(|h| h.city.as_str()).collect();
    cities.dedup();
    let mut held = Vec::new();
    for city in &cities {
        let name = format!("city-{city}");
        let what = format!("rollout unlock {city}");
        let take =
            || state_lock::acquire(state, &name, &what, std::time::Duration::ZERO, &mut |_| {});
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
                std::fs::write(&path, b"").map_err(|e| crate::state::files::at(&path, e))?;
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
                removed.map_err(|e| crate::state::files::at(&path, e))?;
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
                super::remote::unlock_script(t.root(), install, None)
            ),
            b"",
            std::time::Duration::from_secs(30),
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
    wait: std::time::Duration,
    stale_after: std::time::Duration,
    took_over: &dyn Fn(&str),
) -> Result<(), CityLockError> {
    use std::time::{Duration, Instant};
    let quiet = progress.hidden();
    let mut order = hosts.to_vec();
    order.sort_by(|a, b| fleet.host(*a).label().cmp(fleet.host(*b).label()));
    let (leader, others) = order.split_first().ok_or(CityLockError::NoServers)?;
    let round = |on: &[usize]| -> Result<Vec<(usize, String)>, CityLockError> {
        let results = fleet.each_always(Some(on), &quiet, "lock", |host, t, _| {
            let o = t.run(
                &super::remote::lock_script(t.root(), install, run, info),
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
    let give_back = |on: &[usize]| {
        let _ = fleet.each_always(Some(on), &quiet, "unlock", |_, t, _| {
            t.run(
                &super::remote::unlock_script(t.root(), install, Some(run)),
                b"",
                Duration::from_secs(30),
            )?;
            Ok(())
        });
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
                        &super::remote::unlock_exact_script(t.root(), install, h),
                        b"",
                        Duration::from_secs(30),
                    )?;
                    Ok(())
                });
                took_over(h);
            }
            continue;
        }
        give_back(&order);
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
    let results =
        super::remote::preflight_app_servers(profiles, fleet, progress, "lock status", "-");
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
