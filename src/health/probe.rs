//! One round trip per server: clock, disks, inodes, memory, load, the service, the current
//! release, routes, endpoints and the application's own health check.

use std::collections::BTreeMap;

use crate::inventory::Host;
use crate::profile::Site;
use crate::provision::resource::{
    MANAGED_ROUTES, SERVICE_DIR, probe::LiveRoute, probe::parse_routes,
};
use crate::transport::shell_quote;

/// What the probe found on one server.
#[derive(Debug, Clone, Default)]
pub struct HostProbe {
    /// The server's clock, seconds since the epoch.
    pub time: f64,
    /// mount point → (used %, size KiB)
    pub disks: BTreeMap<String, (f64, u64)>,
    /// mount point → used %
    pub inodes: BTreeMap<String, f64>,
    pub mem_total_kb: u64,
    pub mem_available_kb: u64,
    pub load1: f64,
    pub cpus: u32,
    /// (enabled, running) of the application service, when the server runs it.
    pub service: Option<(bool, bool)>,
    /// The version `current` points at.
    pub release: Option<String>,
    pub routes: Vec<LiveRoute>,
    pub managed_routes: Vec<String>,
    /// endpoint name → Ok, or why not
    pub endpoints: BTreeMap<String, Result<(), String>>,
    /// The application's health check: None when there is no release to check.
    pub app: Option<(i32, String)>,
    /// systemd runs the server, and these of its units failed.
    pub systemd: bool,
    pub failed_units: Vec<String>,
}

/// The probe script for `host` of `site` on a server whose `/` is `root`.
pub fn script(site: &Site, host: &Host, root: &str, timeout_s: u64) -> String {
    let p = &site.profile;
    let install = &p.app.install_dir;
    let local = !root.is_empty();
    let runs_app = host.runs_app();
    let mut s = format!(
        "R={r}; I={i}; export JINBAO_HOST_ROOT=\"$R\" I\n\
         echo @time; date +%s.%N\n\
         set --; for p in \"$R/\" \"$I\" \"$R/var/log\" $(awk -v p=\"$I/\" 'index($2, p) == 1 {{print $2}}' /proc/mounts 2>/dev/null); do [ -e \"$p\" ] && set -- \"$@\" \"$p\"; done\n\
         echo @df; df -Pk \"$@\" 2>/dev/null\n\
         echo @dfi; df -Pi \"$@\" 2>/dev/null\n\
         echo @mem; grep -E '^(MemTotal|MemAvailable):' /proc/meminfo\n\
         echo @load; cat /proc/loadavg; nproc\n\
         echo @release; readlink \"$I/current\"\n",
        r = shell_quote(root),
        i = shell_quote(&format!("{root}{install}"))
    );
    if runs_app && !p.app.service.is_empty() {
        let name = &p.app.service;
        let n = shell_quote(name);
        s.push_str(&format!(
            "echo @service\n\
             if [ -z \"$R\" ] && [ -d /run/systemd/system ]; then printf '%s %s\\n' \"$(systemctl is-enabled {n} 2>/dev/null)\" \"$(systemctl is-active {n} 2>/dev/null)\"; \
             else e=disabled; a=inactive; d=\"$R{SERVICE_DIR}\"; [ -f \"$d/{name}.enabled\" ] && e=enabled; \
               if [ -n \"$R\" ]; then [ -f \"$d/{name}.running\" ] && a=active; \
               elif [ -f \"$d/{name}.pid\" ]; then read pid < \"$d/{name}.pid\" && kill -0 \"$pid\" 2>/dev/null && a=active; fi; \
               printf '%s %s\\n' \"$e\" \"$a\"; fi\n"
        ));
    }
    if local {
        s.push_str(&format!(
            "echo @managed; cat {} 2>/dev/null\n",
            shell_quote(&format!("{root}{MANAGED_ROUTES}"))
        ));
    } else {
        s.push_str("echo @routes; ip -j route show 2>/dev/null\n");
        s.push_str(
            "echo @units; [ -d /run/systemd/system ] && { echo '+systemd'; systemctl list-units --state=failed --plain --no-legend 2>/dev/null | awk '{print $1}'; }\n",
        );
    }
    let eps = crate::net::expect::endpoints(site, host);
    if !eps.is_empty() {
        s.push_str("echo @endpoints\n");
    }
    for e in &eps {
        s.push_str(&crate::net::expect::endpoint_probe(e, &e.name, 3));
    }
    if runs_app {
        // the same check the rollout's health gate runs (the profile's), every word quoted
        let t = p.app.health.timeout.as_secs().clamp(1, timeout_s.max(1));
        match crate::state::installed::health_command(p, None) {
            Ok(cmd) => s.push_str(&format!(
                "echo @app; if [ -e \"$I/current\" ]; then out=$(timeout {t} sh -c {c} 2>&1); echo \"rc=$?\"; printf '%s\\n' \"$out\" | tail -n 3; else echo none; fi\n",
                c = shell_quote(&cmd)
            )),
            Err(e) => s.push_str(&format!(
                "echo @app; echo rc=3; printf '%s\\n' {}\n",
                shell_quote(&e.to_string())
            )),
        }
    }
    s.push_str("true\n");
    s
}

/// Reads the probe's output.
pub fn parse(text: &str) -> HostProbe {
    let mut h = HostProbe::default();
    let mut section = "";
    let mut app_lines: Vec<String> = Vec::new();
    let mut app_rc: Option<i32> = None;
    let mut load_lines = 0;
    for line in text.lines() {
        if let Some(tag) = line.strip_prefix('@') {
            section = tag;
            continue;
        }
        match section {
            "time" => h.time = line.trim().parse().unwrap_or(0.0),
            "df" | "dfi" => {
                let f: Vec<&str> = line.split_whitespace().collect();
                if f.len() >= 6 && f[0] != "Filesystem" {
                    let used: f64 = f[4].trim_end_matches('%').parse().unwrap_or(0.0);
                    let mount = f[5..].join(" ");
                    if section == "df" {
                        h.disks.insert(mount, (used, f[1].parse().unwrap_or(0)));
                    } else if f[1] != "0" {
                        h.inodes.insert(mount, used);
                    }
                }
            }
            "mem" => {
                let kb = |l: &str| {
                    l.split_whitespace()
                        .nth(1)
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0)
                };
                if line.starts_with("MemTotal:") {
                    h.mem_total_kb = kb(line);
                } else if line.starts_with("MemAvailable:") {
                    h.mem_available_kb = kb(line);
                }
            }
            "load" => {
                if load_lines == 0 {
                    h.load1 = line
                        .split_whitespace()
                        .next()
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0.0);
                } else {
                    h.cpus = line.trim().parse().unwrap_or(1);
                }
                load_lines += 1;
            }
            "release" if !line.trim().is_empty() => {
                h.release = crate::state::installed::version_of(line.trim())
            }
            "service" => {
                let mut f = line.split_whitespace();
                h.service = Some((f.next() == Some("enabled"), f.next() == Some("active")));
            }
            "routes" => h.routes.extend(parse_routes(line)),
            "units" if line == "+systemd" => h.systemd = true,
            "units" if !line.trim().is_empty() => h.failed_units.push(line.trim().to_string()),
            "managed" if !line.trim().is_empty() => h.managed_routes.push(line.trim().to_string()),
            "endpoints" => {
                let f: Vec<&str> = line.splitn(3, '\t').collect();
                match f.as_slice() {
                    [name, "ok"] => {
                        h.endpoints.insert(name.to_string(), Ok(()));
                    }
                    [name, "fail", why] => {
                        let why = if why.trim().is_empty() {
                            "no answer (timed out)"
                        } else {
                            why.trim()
                        };
                        h.endpoints.insert(name.to_string(), Err(why.to_string()));
                    }
                    [name, "fail"] => {
                        h.endpoints
                            .insert(name.to_string(), Err("no answer (timed out)".into()));
                    }
                    _ => {}
                }
            }
            "app" => {
                if let Some(rc) = line.strip_prefix("rc=") {
                    app_rc = rc.trim().parse().ok();
                } else if app_rc.is_some() {
                    app_lines.push(line.to_string());
                }
            }
            _ => {}
        }
    }
    h.app = app_rc.map(|rc| (rc, app_lines.join(" / ").trim().to_string()));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_probe() {
        let out = "@time\n1764200000.5\n@df\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 1000 850 150 85% /\ntmpfs 100 95 5 95% /opt/jinbao/shared/uploads\n\
                   @dfi\nFilesystem Inodes IUsed IFree IUse% Mounted on\n/dev/vda 1000 100 900 10% /\n\
                   @mem\nMemTotal: 1000 kB\nMemAvailable: 250 kB\n@load\n1.50 1.00 0.50 1/100 42\n2\n\
                   @release\n/opt/jinbao/releases/2.0\n@service\nenabled active\n@endpoints\nprovince\tok\ndatabase\tfail\tconnection refused\n@app\nrc=1\nnot ready\n";
        let h = parse(out);
        assert_eq!(h.disks["/"], (85.0, 1000));
        assert_eq!(h.disks["/opt/jinbao/shared/uploads"].0, 95.0);
        assert_eq!(h.inodes["/"], 10.0);
        assert_eq!((h.mem_total_kb, h.mem_available_kb, h.cpus), (1000, 250, 2));
        assert_eq!(h.load1, 1.5);
        assert_eq!(h.release.as_deref(), Some("2.0"));
        assert_eq!(h.service, Some((true, true)));
        assert!(h.endpoints["province"].is_ok());
        assert_eq!(h.endpoints["database"], Err("connection refused".into()));
        assert_eq!(h.app, Some((1, "not ready".into())));
    }
}
