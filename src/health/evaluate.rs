//! From measurements to checks: each compared with the city profile's thresholds.

use std::time::Duration;

use super::probe::HostProbe;
use super::{Check, Status};
use crate::inventory::Host;
use crate::profile::{Checks, Site, TransportKind};

/// A server that could not be reached: CRITICAL, with the reason.
pub fn unreachable(site: &Site, host: &Host, reason: &str, error: &str) -> Check {
    Check::new(
        site.pinyin(),
        Some(&host.name),
        "ssh",
        Status::Critical,
        format!("unreachable ({reason})"),
    )
    .hint(error.to_string())
}

/// Every check of one reachable server.
pub fn host_checks(
    site: &Site,
    host: &Host,
    probe: &HostProbe,
    connect: Duration,
    offset_s: f64,
) -> Vec<Check> {
    let on = OnHost {
        site,
        host,
        probe,
        c: &site.profile.checks,
        city: site.pinyin(),
        h: Some(host.name.as_str()),
        local: host.endpoint.kind == TransportKind::Local,
    };
    let mut out = Vec::new();
    on.connection(connect, &mut out);
    on.clock(offset_s, &mut out);
    on.disks(&mut out);
    on.memory_and_load(&mut out);
    on.service(&mut out);
    on.units(&mut out);
    on.app(&mut out);
    on.routes(&mut out);
    on.endpoints(&mut out);
    out
}

/// One server's measurements with what they are checked against.
struct OnHost<'a> {
    site: &'a Site,
    host: &'a Host,
    probe: &'a HostProbe,
    c: &'a Checks,
    city: &'a str,
    h: Option<&'a str>,
    /// The server is this machine (no SSH).
    local: bool,
}

impl OnHost<'_> {
    /// How long connecting took.
    fn connection(&self, connect: Duration, out: &mut Vec<Check>) {
        let (c, city, h, host, local) = (self.c, self.city, self.h, self.host, self.local);
        let ms = connect.as_secs_f64() * 1000.0;
        out.push(
            Check::new(
                city,
                h,
                "ssh",
                if ms >= c.latency_warn_ms {
                    Status::Warning
                } else {
                    Status::Ok
                },
                if local {
                    format!("local, {ms:.0} ms")
                } else {
                    format!("{ms:.0} ms to connect")
                },
            )
            .threshold(format!("warn ≥ {} ms", c.latency_warn_ms))
            .hint(if ms >= c.latency_warn_ms {
                "a slow line or an overloaded server"
            } else {
                ""
            })
            .perf(
                format!("{}_connect", host.name),
                (ms * 10.0).round() / 10.0,
                "ms",
                Some(c.latency_warn_ms),
                None,
            ),
        );
    }

    /// The server's clock against this machine's.
    fn clock(&self, offset_s: f64, out: &mut Vec<Check>) {
        let (c, city, h, host) = (self.c, self.city, self.h, self.host);
        let off = offset_s.abs();
        out.push(
            Check::new(
                city,
                h,
                "clock",
                Status::of(off, c.clock_warn_s, c.clock_crit_s),
                format!("{offset_s:+.2} s against this machine"),
            )
            .threshold(format!(
                "warn ≥ {} s, crit ≥ {} s",
                c.clock_warn_s, c.clock_crit_s
            ))
            .hint(if off >= c.clock_warn_s {
                "check NTP (chrony) on the server"
            } else {
                ""
            })
            .perf(
                format!("{}_clock", host.name),
                (offset_s * 1000.0).round() / 1000.0,
                "s",
                Some(c.clock_warn_s),
                Some(c.clock_crit_s),
            )
            .both_signs(),
        );
    }

    /// Disk space and inodes of every mount.
    fn disks(&self, out: &mut Vec<Check>) {
        let (c, city, h, host, probe) = (self.c, self.city, self.h, self.host, self.probe);
        for (mount, (used, _)) in &probe.disks {
            let s = Status::of(*used, c.disk_warn_pct, c.disk_crit_pct);
            out.push(
                Check::new(city, h, "disk", s, format!("{used:.0}% used on {mount}"))
                    .threshold(format!(
                        "warn ≥ {}%, crit ≥ {}%",
                        c.disk_warn_pct, c.disk_crit_pct
                    ))
                    .hint(if s != Status::Ok {
                        "clean logs and old releases (keep_releases), or grow the volume"
                    } else {
                        ""
                    })
                    .perf(
                        format!("{}_disk_{mount}", host.name),
                        *used,
                        "%",
                        Some(c.disk_warn_pct),
                        Some(c.disk_crit_pct),
                    ),
            );
        }
        for (mount, used) in &probe.inodes {
            let s = Status::of(*used, c.inode_warn_pct, c.inode_crit_pct);
            out.push(
                Check::new(
                    city,
                    h,
                    "inodes",
                    s,
                    format!("{used:.0}% of inodes used on {mount}"),
                )
                .threshold(format!(
                    "warn ≥ {}%, crit ≥ {}%",
                    c.inode_warn_pct, c.inode_crit_pct
                ))
                .hint(if s != Status::Ok {
                    "many small files: session files, spool, unpacked uploads"
                } else {
                    ""
                }),
            );
        }
    }

    /// Memory and load.
    fn memory_and_load(&self, out: &mut Vec<Check>) {
        let (c, city, h, host, probe) = (self.c, self.city, self.h, self.host, self.probe);
        if probe.mem_total_kb > 0 {
            let used = 100.0 * (probe.mem_total_kb.saturating_sub(probe.mem_available_kb)) as f64
                / probe.mem_total_kb as f64;
            let s = Status::of(used, c.mem_warn_pct, c.mem_crit_pct);
            out.push(
                Check::new(
                    city,
                    h,
                    "memory",
                    s,
                    format!(
                        "{used:.0}% used of {:.1} GiB",
                        probe.mem_total_kb as f64 / 1048576.0
                    ),
                )
                .threshold(format!(
                    "warn ≥ {}%, crit ≥ {}%",
                    c.mem_warn_pct, c.mem_crit_pct
                ))
                .hint(if s != Status::Ok {
                    "find the process with ps aux --sort=-rss"
                } else {
                    ""
                })
                .perf(
                    format!("{}_memory", host.name),
                    (used * 10.0).round() / 10.0,
                    "%",
                    Some(c.mem_warn_pct),
                    Some(c.mem_crit_pct),
                ),
            );
        }
        let per_cpu = probe.load1 / probe.cpus.max(1) as f64;
        let s = Status::of(per_cpu, c.load_warn_per_cpu, c.load_crit_per_cpu);
        out.push(
            Check::new(
                city,
                h,
                "load",
                s,
                format!("{:.2} per CPU ({} CPUs)", per_cpu, probe.cpus),
            )
            .threshold(format!(
                "warn ≥ {}, crit ≥ {}",
                c.load_warn_per_cpu, c.load_crit_per_cpu
            ))
            .hint(if s != Status::Ok {
                "find what runs: top"
            } else {
                ""
            })
            .perf(
                format!("{}_load", host.name),
                (per_cpu * 100.0).round() / 100.0,
                "",
                Some(c.load_warn_per_cpu),
                Some(c.load_crit_per_cpu),
            ),
        );
    }

    /// The application's service: enabled and running.
    fn service(&self, out: &mut Vec<Check>) {
        let (city, h, probe, site) = (self.city, self.h, self.probe, self.site);
        if let Some((enabled, running)) = probe.service {
            let name = &site.profile.app.service;
            let (s, v, hint) = match (enabled, running, probe.release.is_some()) {
                (_, true, _) => (
                    if enabled { Status::Ok } else { Status::Warning },
                    if enabled {
                        "running".to_string()
                    } else {
                        "running, not enabled".into()
                    },
                    if enabled {
                        ""
                    } else {
                        "run jinbao provision apply"
                    },
                ),
                (_, false, false) => (
                    Status::Warning,
                    "not running: no release installed".into(),
                    "roll a release out: jinbao rollout",
                ),
                (_, false, true) => (
                    Status::Critical,
                    "not running".into(),
                    "look at /var/log/jinbao; restart it, or roll back",
                ),
            };
            out.push(Check::new(city, h, "service", s, format!("{name}: {v}")).hint(hint));
        }
    }

    /// The server's own units, where systemd runs it: one that failed is something a city
    /// admin must look at, whichever it is.
    fn units(&self, out: &mut Vec<Check>) {
        let (city, h, probe) = (self.city, self.h, self.probe);
        if !probe.systemd {
            return;
        }
        let check = match probe.failed_units.as_slice() {
            [] => Check::new(city, h, "units", Status::Ok, "no failed systemd unit"),
            failed => Check::new(
                city,
                h,
                "units",
                Status::Warning,
                format!("failed: {}", failed.join(", ")),
            )
            .hint(format!(
                "on the server: systemctl status {0}; journalctl -u {0}",
                failed[0]
            )),
        };
        out.push(check);
    }

    /// The application's own health check.
    fn app(&self, out: &mut Vec<Check>) {
        let (city, h, probe, host) = (self.city, self.h, self.probe, self.host);
        if let Some((rc, output)) = &probe.app {
            let (s, hint) = if *rc == 0 {
                (Status::Ok, String::new())
            } else {
                (
                    Status::Critical,
                    "the application's own health check fails: see its output".into(),
                )
            };
            let value = if output.is_empty() {
                format!("exit {rc}")
            } else {
                format!("exit {rc}: {output}")
            };
            out.push(Check::new(city, h, "app", s, value).hint(hint));
        } else if host.runs_app() {
            out.push(
                Check::new(city, h, "app", Status::Warning, "no release installed")
                    .hint("roll a release out: jinbao rollout"),
            );
        }
    }

    /// The routes the server must have.
    fn routes(&self, out: &mut Vec<Check>) {
        let (city, h, probe, site, host, local) = (
            self.city, self.h, self.probe, self.site, self.host, self.local,
        );
        let mut missing = Vec::new();
        let mut wanted = 0;
        for route in crate::net::expect::routes(site, host) {
            wanted += 1;
            if !crate::net::expect::route_found(&route, local, &probe.managed_routes, &probe.routes)
                .ok()
            {
                missing.push(format!("{} ({} via {})", route.name, route.to, route.via));
            }
        }
        if wanted > 0 {
            let s = if missing.is_empty() {
                Status::Ok
            } else {
                Status::Critical
            };
            let v = if missing.is_empty() {
                format!("{wanted} routes present")
            } else {
                format!("missing: {}", missing.join(", "))
            };
            out.push(
                Check::new(city, h, "routes", s, v).hint(if missing.is_empty() {
                    ""
                } else {
                    "jinbao provision apply puts them back"
                }),
            );
        }
    }

    /// The endpoints the server must reach.
    fn endpoints(&self, out: &mut Vec<Check>) {
        let (city, h, probe, site, host) = (self.city, self.h, self.probe, self.site, self.host);
        for crate::net::expect::Endpoint {
            name,
            host: addr,
            port,
        } in crate::net::expect::endpoints(site, host)
        {
            let (s, v, hint) = match probe.endpoints.get(&name) {
                Some(Ok(())) => (
                    Status::Ok,
                    format!("{name} {addr}:{port} answers"),
                    String::new(),
                ),
                Some(Err(why)) => (
                    Status::Critical,
                    format!("{name} {addr}:{port}: {why}"),
                    "check the line, the route and the firewall".to_string(),
                ),
                None => (
                    Status::Unknown,
                    format!("{name} {addr}:{port}: not checked"),
                    String::new(),
                ),
            };
            out.push(Check::new(city, h, "endpoints", s, v).hint(hint));
        }
    }
}

/// Checks of the city as a whole: every app server on the same release.
pub fn city_checks(site: &Site, releases: &[(String, Option<String>)]) -> Vec<Check> {
    let mut versions: Vec<&Option<String>> = releases.iter().map(|(_, r)| r).collect();
    versions.sort();
    versions.dedup();
    if releases.is_empty() {
        return Vec::new();
    }
    let (s, v, hint) = if versions.len() <= 1 {
        let v = versions
            .first()
            .and_then(|v| v.as_deref())
            .unwrap_or("none");
        (
            Status::Ok,
            format!("all {} app servers on {v}", releases.len()),
            String::new(),
        )
    } else {
        let list: Vec<String> = releases
            .iter()
            .map(|(h, r)| format!("{h}={}", r.as_deref().unwrap_or("none")))
            .collect();
        (
            Status::Warning,
            format!("servers disagree: {}", list.join(", ")),
            "finish or roll back the rollout: jinbao releases, jinbao rollout --resume".to_string(),
        )
    };
    vec![Check::new(site.pinyin(), None, "release", s, v).hint(hint)]
}
