//! The health checks of servers: every server of the target in one round trip each, over
//! the fleet (bounded concurrency), then the checks of each city across its servers.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Check, Status};
use crate::fleet::{Fleet, HostError};
use crate::profile::{Profiles, Site};
use crate::progress::Progress;
use crate::transport::TransportError;

fn epoch() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The checks of every server of `sites` (`forks` at once), and of each city's servers
/// together (do they run one release). A server that cannot be reached is a check too.
pub fn servers(
    profiles: &Profiles,
    sites: &[&Site],
    progress: &Progress,
    forks: usize,
    accept_new_host_keys: bool,
    rolled_out: &std::collections::BTreeSet<String>,
) -> Vec<Check> {
    let fleet = Fleet::of_sites(sites, None, |_| true, forks, accept_new_host_keys);
    if fleet.is_empty() {
        return Vec::new();
    }
    let results = fleet.each(None, progress, "health", |host, t, _| {
        let site = profiles.of_host(host);
        let timeout = site.profile.checks.timeout;
        let script = super::script(site, host, t.root(), timeout.as_secs());
        let t0 = epoch();
        let out = t.run(&script, b"", timeout)?;
        let t1 = epoch();
        let probe = super::parse(&out.stdout_text());
        Ok((probe, (t0, t1)))
    });
    let mut checks = Vec::new();
    let mut releases: Vec<(String, String, Option<String>)> = Vec::new();
    for r in results {
        let host = fleet.host(r.index);
        let site = profiles.of_host(host);
        match r.result {
            Ok((probe, (t0, t1))) => {
                // the server's clock against the middle of the round trip that read it
                let offset = probe.time - (t0 + t1) / 2.0;
                let connect = fleet.connect_time(r.index).unwrap_or(Duration::ZERO);
                checks.extend(super::host_checks(
                    site,
                    host,
                    &probe,
                    connect,
                    if probe.time > 0.0 { offset } else { 0.0 },
                ));
                if host.runs_app() {
                    releases.push((host.city.clone(), host.name.clone(), probe.release.clone()));
                }
            }
            Err(e @ HostError::Failed(_))
                if matches!(e.transport(), Some(TransportError::CommandTimeout { .. })) =>
            {
                checks.push(
                    Check::new(
                        &host.city,
                        Some(&host.name),
                        "ssh",
                        Status::Unknown,
                        "the checks timed out",
                    )
                    .hint("the server answers but is too slow: log in and look"),
                );
            }
            Err(e) => checks.push(super::unreachable(site, host, e.reason(), &e.to_string())),
        }
    }
    let mut cities: Vec<String> = releases.iter().map(|(c, _, _)| c.clone()).collect();
    cities.dedup();
    for city in &cities {
        let Some(site) = profiles.find(city) else {
            continue;
        };
        let list: Vec<(String, Option<String>)> = releases
            .iter()
            .filter(|(c, _, _)| c == city)
            .map(|(_, h, r)| (h.clone(), r.clone()))
            .collect();
        // no release anywhere and never rolled out to: not built. A city that was rolled out
        // to and lost every release is an outage, checked as it is
        if list.iter().all(|(_, r)| r.is_none()) && !rolled_out.contains(city.as_str()) {
            not_built(&mut checks, city);
            continue;
        }
        checks.extend(super::city_checks(site, &list));
    }
    checks
}

/// What provisioning and a first rollout would make on a city that has none of it yet: not
/// an outage, so not CRITICAL. A city no app server of which holds any release is "not
/// built" (when jinbao never rolled out to it): its routes, services and application are one
/// OK line saying so (a server that cannot be reached, its disk and its clock are still
/// checked as they are).
fn not_built(checks: &mut Vec<Check>, city: &str) {
    const BUILT_BY_JINBAO: [&str; 5] = ["routes", "service", "app", "endpoints", "release"];
    checks.retain(|c| c.city != city || !BUILT_BY_JINBAO.contains(&c.check.as_str()));
    checks.push(
        Check::new(
            city,
            None,
            "built",
            Status::Ok,
            "not built: no release on any app server yet",
        )
        .hint(format!(
            "build it: jinbao rollout RELEASE {city} --provision --migrate"
        )),
    );
}
