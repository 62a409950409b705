//! One round trip per host: a script that reports the state of every resource at once.

use std::collections::{HashMap, HashSet};

use super::{MANAGED_ROUTES, Resource, SERVICE_DIR};
use crate::transport::shell_quote;

/// A path as `find -printf` saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathState {
    /// d, f, l (or another find %y letter)
    pub kind: char,
    pub mode: u32,
    pub user: String,
    pub group: String,
    pub link: String,
}

// a route as the server's routing table shows it: what the expectations are compared with
pub use crate::net::expect::LiveRoute;

#[derive(Debug, Default)]
pub struct Observed {
    pub paths: HashMap<String, PathState>,
    pub hashes: HashMap<String, String>,
    pub users: HashSet<String>,
    pub groups: HashSet<String>,
    pub sysctl: HashMap<String, String>,
    /// service → (enabled, running)
    pub services: HashMap<String, (bool, bool)>,
    pub routes: Vec<LiveRoute>,
    /// `to via [metric]` lines of the routes jinbao added earlier.
    pub managed_routes: Vec<String>,
    pub systemd: bool,
    /// The database admin's password logs in on the server's own PostgreSQL.
    pub db_password_ok: bool,
    /// Packages installed, by name.
    pub packages: HashMap<String, super::packages::Installed>,
    /// The install folder has a `current` release.
    pub has_release: bool,
    /// CPUs and memory, read when a resource is sized by them (a PostgreSQL server).
    pub size: Option<super::pg_server::HostSize>,
}

/// The probe for `resources` on a host whose `/` is `root` ("" over SSH). Its output is in
/// sections (`@S`, `@H` …) of the tools' raw lines, so that it spawns few processes.
pub fn probe_script(resources: &[Resource], root: &str, install_dir: &str) -> String {
    let local = !root.is_empty();
    let q = |p: &str| shell_quote(&format!("{root}{p}"));
    let mut s = format!("R={}\n", shell_quote(root));
    let paths: Vec<String> = resources.iter().filter_map(|r| r.path()).map(q).collect();
    if !paths.is_empty() {
        s.push_str(&format!(
            "echo @S; find {} -maxdepth 0 -printf '%p\\t%y\\t%m\\t%u\\t%g\\t%l\\n' 2>/dev/null\n",
            paths.join(" ")
        ));
    }
    let files: Vec<String> = resources
        .iter()
        .filter_map(|r| match r {
            Resource::File { path, .. } => Some(q(path)),
            _ => None,
        })
        .collect();
    if !files.is_empty() {
        s.push_str(&format!(
            "echo @H; sha256sum {} 2>/dev/null\n",
            files.join(" ")
        ));
    }
    if !local {
        s.push_str("[ -d /run/systemd/system ] && echo '@F systemd'\n");
    }
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut services = Vec::new();
    let mut any_route = false;
    let mut packages = Vec::new();
    for r in resources {
        match r {
            Resource::User { name, .. } if !local => users.push(shell_quote(name)),
            Resource::Group { name } if !local => groups.push(shell_quote(name)),
            Resource::Sysctl { key, .. } if !local => s.push_str(&format!(
                "echo {}; cat {} 2>/dev/null || echo\n",
                shell_quote(&format!("@K {key}")),
                shell_quote(&format!("/proc/sys/{}", key.replace('.', "/")))
            )),
            Resource::Service { name, .. } => services.push(name.clone()),
            Resource::Route { .. } => any_route = true,
            Resource::Package { name, .. } if !local => packages.push(name.clone()),
            Resource::DbPassword { role, password } if !local => {
                s.push_str(&super::pg_server::probe(role, password))
            }
            _ => {}
        }
    }
    s.push_str(&super::packages::probe(&packages));
    if !local && resources.iter().any(Resource::sized_by_host) {
        s.push_str(super::pg_server::SIZE_PROBE);
    }
    if !users.is_empty() {
        s.push_str(&format!("echo @U; getent passwd {}\n", users.join(" ")));
    }
    if !groups.is_empty() {
        s.push_str(&format!("echo @G; getent group {}\n", groups.join(" ")));
    }
    if !services.is_empty() {
        s.push_str("echo @V\n");
    }
    for name in services {
        let n = shell_quote(&name);
        s.push_str(&format!(
            "if [ -z \"$R\" ] && [ -d /run/systemd/system ]; then \
               printf '%s\\t%s\\t%s\\n' {n} \"$(systemctl is-enabled {n} 2>/dev/null)\" \"$(systemctl is-active {n} 2>/dev/null)\"; \
             else e=disabled; a=inactive; d=\"$R{SERVICE_DIR}\"; \
               [ -f \"$d\"/{enabled} ] && e=enabled; \
               if [ -n \"$R\" ]; then [ -f \"$d\"/{running} ] && a=active; \
               elif [ -f \"$d\"/{pid} ]; then read p < \"$d\"/{pid} && kill -0 \"$p\" 2>/dev/null && a=active; fi; \
               printf '%s\\t%s\\t%s\\n' {n} \"$e\" \"$a\"; fi\n",
            enabled = shell_quote(&format!("{name}.enabled")),
            running = shell_quote(&format!("{name}.running")),
            pid = shell_quote(&format!("{name}.pid")),
        ));
    }
    s.push_str(&format!(
        "[ -e {} ] && echo '@F release'\n",
        q(&format!("{install_dir}/current"))
    ));
    if any_route {
        if !local {
            s.push_str("echo @R; ip -j route show 2>/dev/null\n");
        }
        // read by the shell itself: a probe runs on every server at every plan
        s.push_str(&format!(
            "echo @M; [ -f {m} ] && while IFS= read -r l || [ -n \"$l\" ]; do printf '%s\\n' \"$l\"; done < {m}\n",
            m = q(MANAGED_ROUTES)
        ));
    }
    s.push_str("true\n");
    s
}

impl Observed {
    /// Reads the probe's output; paths lose the `root` prefix.
    pub fn parse(text: &str, root: &str) -> Self {
        let mut o = Observed::default();
        let strip = |p: &str| p.strip_prefix(root).unwrap_or(p).to_string();
        let mut section = String::new();
        for line in text.lines() {
            if let Some(tag) = line.strip_prefix('@') {
                match tag {
                    "F systemd" => o.systemd = true,
                    "F release" => o.has_release = true,
                    _ => section = tag.to_string(),
                }
                continue;
            }
            match section.as_str() {
                "S" => {
                    let f: Vec<&str> = line.split('\t').collect();
                    if let [path, kind, mode, user, group, link] = f.as_slice() {
                        o.paths.insert(
                            strip(path),
                            PathState {
                                kind: kind.chars().next().unwrap_or('?'),
                                mode: u32::from_str_radix(mode, 8).unwrap_or(0),
                                user: user.to_string(),
                                group: group.to_string(),
                                // a sandbox link points inside the host's folder
                                link: if root.is_empty() {
                                    link.to_string()
                                } else {
                                    strip(link)
                                },
                            },
                        );
                    }
                }
                "H" => {
                    if let Some((hash, path)) = line.split_once("  ") {
                        o.hashes.insert(strip(path), hash.to_string());
                    }
                }
                "U" => {
                    o.users.extend(line.split(':').next().map(str::to_string));
                }
                "G" => {
                    o.groups.extend(line.split(':').next().map(str::to_string));
                }
                "V" => {
                    if let [name, enabled, active] = line.split('\t').collect::<Vec<_>>().as_slice()
                    {
                        o.services.insert(
                            name.to_string(),
                            (*enabled == "enabled", *active == "active"),
                        );
                    }
                }
                "R" => o.routes.extend(parse_routes(line)),
                "P" => super::packages::parse_line(line, &mut o.packages),
                "W" if line == "ok" => o.db_password_ok = true,
                "Z" => o.size = super::pg_server::HostSize::parse(line),
                "M" if !line.trim().is_empty() => o.managed_routes.push(line.trim().to_string()),
                k if k.starts_with("K ") => {
                    o.sysctl
                        .entry(k[2..].to_string())
                        .or_insert_with(|| line.trim().to_string());
                }
                _ => {}
            }
        }
        o
    }
}

/// `ip -j route show` as routes; host routes get their /32 (or /128).
pub fn parse_routes(json: &str) -> Vec<LiveRoute> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(json)
    else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|r| {
            let dst = r.get("dst")?.as_str()?;
            let dst = if dst == "default" || dst.contains('/') {
                dst.to_string()
            } else if dst.contains(':') {
                format!("{dst}/128")
            } else {
                format!("{dst}/32")
            };
            Some(LiveRoute {
                dst,
                gateway: r
                    .get("gateway")
                    .and_then(|g| g.as_str())
                    .map(str::to_string),
                metric: r.get("metric").and_then(|m| m.as_u64()).map(|m| m as u32),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_probe_lines() {
        let out = "@S\n/r/etc/jinbao\td\t755\troot\troot\t\n\
                   @H\nabc123  /r/etc/jinbao/app.toml\n\
                   @V\njinbao-app\tenabled\tinactive\n\
                   @R\n[{\"dst\":\"10.250.0.0/16\",\"gateway\":\"10.203.1.1\",\"dev\":\"eth0\",\"flags\":[]},{\"dst\":\"10.9.9.9\",\"dev\":\"eth0\"}]\n\
                   @M\n10.41.0.0/24 via 10.203.1.1\n\
                   @F release\n@K net.ipv4.ip_forward\n0\n";
        let o = Observed::parse(out, "/r");
        assert_eq!(o.paths["/etc/jinbao"].mode, 0o755);
        assert_eq!(o.hashes["/etc/jinbao/app.toml"], "abc123");
        assert_eq!(o.services["jinbao-app"], (true, false));
        assert_eq!(o.routes.len(), 2);
        assert_eq!(o.routes[1].dst, "10.9.9.9/32");
        assert_eq!(o.managed_routes, vec!["10.41.0.0/24 via 10.203.1.1"]);
        assert!(o.has_release && !o.systemd);
        assert_eq!(o.sysctl["net.ipv4.ip_forward"], "0");
    }
}
