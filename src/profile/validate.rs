//! Checks that need the merged profiles: identities, waves, addresses and routes, duplicates
//! across cities, templates that must exist. Each problem points at the value that causes it.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::path::PathBuf;

use super::{EnvFile, Profiles, Site, TransportKind};
use crate::diagnostic::Diagnostic;

/// A server's roles; `backup` (the province's backup repository) only on the province's servers.
mod schedules;

const ROLES: &[&str] = &["db", "app", "web", "gateway", "backup"];

pub(super) fn check(
    profiles: &Profiles,
    cities: &[(PathBuf, Option<usize>)],
    env_id: usize,
    env: &EnvFile,
) -> Vec<Diagnostic> {
    let mut v = Validator {
        profiles,
        diags: Vec::new(),
    };
    for site in &profiles.sites {
        v.site(site);
    }
    v.city_files(cities);
    v.duplicates();
    v.waves();
    v.assessment();
    v.env_overlay(env_id, env);
    v.diags
}

struct Validator<'p> {
    profiles: &'p Profiles,
    diags: Vec<Diagnostic>,
}

impl<'p> Validator<'p> {
    /// A problem at the merged value `path` of `site` (its file and line).
    fn at(&mut self, site: &Site, path: &[&str], message: String, hint: Option<&str>) {
        let key: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        // the value itself, else the nearest table above it that has an origin
        let mut probe = key.clone();
        let mut diag = loop {
            if let Some(origin) = site.origins.get(&probe) {
                break origin.diagnostic(&self.profiles.files, message.clone());
            }
            if probe.pop().is_none() {
                break Diagnostic::in_file(None, message.clone());
            }
        };
        if diag.file.is_none() {
            diag.message = format!("{} ({}): {}", site.pinyin(), super::dotted(&key), message);
        }
        if let Some(h) = hint {
            diag = diag.with_hint(h);
        }
        self.diags.push(diag);
    }

    fn site(&mut self, site: &Site) {
        let p = &site.profile;
        let c = &p.city;
        if !(c.code.len() == 6 && c.code.bytes().all(|b| b.is_ascii_digit())) {
            self.at(
                site,
                &["city", "code"],
                format!("city code `{}` is not a 6-digit GB/T 2260 code", c.code),
                None,
            );
        }
        if c.name.is_empty() {
            self.at(site, &["city", "name"], "the city has no name".into(), None);
        }
        if let Some((code, name, _)) = super::CITY_NAMES.iter().find(|(_, _, p)| *p == c.pinyin)
            && (*code != c.code || *name != c.name)
        {
            self.at(
                site,
                &["city", "code"],
                format!(
                    "`{}` is {code} {name} in GB/T 2260, not {} {}",
                    c.pinyin, c.code, c.name
                ),
                None,
            );
        }
        if c.pinyin.is_empty() || !c.pinyin.bytes().all(|b| b.is_ascii_lowercase()) {
            self.at(
                site,
                &["city", "pinyin"],
                format!("pinyin `{}` must be lower-case letters a-z", c.pinyin),
                None,
            );
        }
        if !site.is_province() {
            if c.wave.is_empty() {
                self.at(
                    site,
                    &["city", "wave"],
                    "the city names no wave".into(),
                    None,
                );
            } else if !self.profiles.waves.iter().any(|w| w.name == c.wave) {
                let known: Vec<&str> = self
                    .profiles
                    .waves
                    .iter()
                    .map(|w| w.name.as_str())
                    .collect();
                self.at(
                    site,
                    &["city", "wave"],
                    format!("unknown wave `{}`", c.wave),
                    Some(&match crate::suggest::closest(&c.wave, &known) {
                        Some(w) => format!(
                            "did you mean `{w}`? province.toml declares: {}",
                            known.join(", ")
                        ),
                        None => format!("province.toml declares: {}", known.join(", ")),
                    }),
                );
            }
        }
        self.counties(site);
        self.servers(site);
        self.network(site);
        self.database(site);
        self.app(site);
        self.confinement(site);
        self.thresholds(site);
        self.maintenance(site);
        self.backup_schedules(site);
        self.transfer_budget(site);
    }

    fn counties(&mut self, site: &Site) {
        let city_prefix = &site.code()[..site.code().len().min(4)];
        for (code, county) in &site.profile.counties {
            let path = ["counties", code.as_str()];
            if !(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())) {
                self.at(
                    site,
                    &path,
                    format!("county code `{code}` is not 6 digits"),
                    None,
                );
            } else if !site.is_province() && !code.starts_with(city_prefix) {
                self.at(
                    site,
                    &path,
                    format!("county {code} does not belong to city {}", site.code()),
                    None,
                );
            }
            if county.name.is_empty() {
                self.at(site, &path, format!("county {code} has no name"), None);
            }
        }
    }

    fn servers(&mut self, site: &Site) {
        let dc = &site.profile.datacenter;
        if !dc.jump.is_empty() && !dc.servers.contains_key(&dc.jump) {
            self.at(
                site,
                &["datacenter", "jump"],
                format!(
                    "jump host `{}` is not a server of this data center",
                    dc.jump
                ),
                None,
            );
        }
        for (name, server) in &dc.servers {
            let path = ["datacenter", "servers", name.as_str()];
            if dc.transport == TransportKind::Ssh && server.address.is_none() {
                self.at(site, &path, format!("server `{name}` has no address"), None);
            }
            if server.roles.is_empty() {
                self.at(
                    site,
                    &["datacenter", "servers", name, "roles"],
                    format!("server `{name}` has no role"),
                    Some("roles are db, app, web, gateway"),
                );
            }
            for role in &server.roles {
                if !ROLES.contains(&role.as_str()) {
                    self.at(
                        site,
                        &["datacenter", "servers", name, "roles"],
                        format!("server `{name}`: unknown role `{role}`"),
                        Some(&match crate::suggest::closest(role, ROLES) {
                            Some(r) => {
                                format!(
                                    "did you mean `{r}`? roles are db, app, web, gateway, backup"
                                )
                            }
                            None => "roles are db, app, web, gateway, backup".to_string(),
                        }),
                    );
                } else if role == "backup" && !site.is_province() {
                    self.at(
                        site,
                        &["datacenter", "servers", name, "roles"],
                        format!("server `{name}`: a city's backups never live in the city's own data center"),
                        Some("give the role `backup` to a server of the province ([province.datacenter.servers])"),
                    );
                }
            }
            if let Some(jump) = &server.jump
                && jump != "none"
                && (jump == name || !dc.servers.contains_key(jump))
            {
                self.at(
                    site,
                    &["datacenter", "servers", name, "jump"],
                    format!("server `{name}`: jump host `{jump}` is not another server here"),
                    None,
                );
            }
        }
    }

    fn network(&mut self, site: &Site) {
        let net = &site.profile.network;
        let inside = |ip: &IpAddr| net.subnets.iter().any(|s| s.contains(ip));
        if let Some(gw) = &net.gateway
            && !net.subnets.is_empty()
            && !inside(gw)
        {
            self.at(
                site,
                &["network", "gateway"],
                format!("gateway {gw} is outside the data center's subnets"),
                None,
            );
        }
        for (name, route) in &net.routes {
            if route.enabled == Some(false) {
                continue;
            }
            if route.to.is_none() {
                self.at(
                    site,
                    &["network", "routes", name],
                    format!("route `{name}` has no destination (`to`)"),
                    None,
                );
            }
            match &route.via {
                Some(via) if !net.subnets.is_empty() && !inside(via) => self.at(
                    site,
                    &["network", "routes", name, "via"],
                    format!(
                        "route `{name}`: gateway {via} is outside the subnets it must be reached on"
                    ),
                    Some("a route's next hop must sit in one of network.subnets"),
                ),
                None if net.gateway.is_none()
                    && site.profile.datacenter.servers.values().any(|s| s.gateway.is_none()) =>
                {
                    self.at(
                    site,
                    &["network", "routes", name],
                        format!("route `{name}` has no `via` and the network has no gateway"),
                        Some("give the route a `via`, the network a `gateway`, or every server its own `gateway`"),
                    )
                }
                _ => {}
            }
        }
    }

    fn database(&mut self, site: &Site) {
        use super::Engine;
        let db = &site.profile.database;
        let url = db.dsn.starts_with("postgres://") || db.dsn.starts_with("postgresql://");
        match db.engine {
            _ if db.dsn.is_empty() => {
                self.at(site, &["database"], "the database has no dsn".into(), None)
            }
            Engine::Postgres if !url => self.at(
                site,
                &["database", "dsn"],
                "a PostgreSQL dsn starts with postgresql://".into(),
                None,
            ),
            Engine::Sqlite if url => self.at(
                site,
                &["database", "dsn"],
                "a SQLite dsn is a file path, not a URL".into(),
                None,
            ),
            _ => {}
        }
        // it names the cluster's folders and unit on the db server: a number only
        let v = &db.server.version;
        if v.is_empty() || v.len() > 8 || !v.chars().all(|c| c.is_ascii_digit() || c == '.') {
            self.at(
                site,
                &["database", "server", "version"],
                format!("database.server.version `{v}` is not a PostgreSQL major version"),
                Some("write e.g. \"15\""),
            );
        }
        if !["disable", "prefer", "require", "verify-full"].contains(&db.sslmode.as_str()) {
            self.at(
                site,
                &["database", "sslmode"],
                format!(
                    "sslmode `{}` is not disable, prefer, require or verify-full",
                    db.sslmode
                ),
                None,
            );
        }
    }

    fn app(&mut self, site: &Site) {
        let app = &site.profile.app;
        if !app.config_template.is_empty()
            && !self
                .profiles
                .templates_dir
                .join(&app.config_template)
                .is_file()
        {
            let dir = super::load::shown(&self.profiles.templates_dir);
            self.at(
                site,
                &["app", "config_template"],
                format!("template `{}` does not exist", app.config_template),
                Some(&format!("templates are looked up under {dir}")),
            );
        }
        if app.keep_releases < 2 {
            self.at(
                site,
                &["app", "keep_releases"],
                "keep_releases must be at least 2 (the current and the previous release)".into(),
                None,
            );
        }
        if !app.config_template.is_empty()
            && self
                .profiles
                .templates_dir
                .join(&app.config_template)
                .exists()
            && let Err(e) =
                super::safe::inside_folder(&self.profiles.templates_dir, &app.config_template)
        {
            self.at(site, &["app", "config_template"], e.to_string(), None);
        }
    }

    /// Names, paths and commands that reach a server: each in its safe set.
    fn confinement(&mut self, site: &Site) {
        for (path, message, hint) in super::safe::check_site(site) {
            let key: Vec<&str> = path.iter().map(String::as_str).collect();
            self.at(site, &key, message.to_string(), hint);
        }
        // only the province widens where jinbao may write: a city, an environment or --set
        // cannot
        for (key, origin) in &site.origins {
            if key.len() >= 2
                && key[0] == "provision"
                && key[1] == "allowed_roots"
                && origin.layer > super::Layer::Province
            {
                let k: Vec<&str> = key.iter().map(String::as_str).collect();
                self.at(
                    site,
                    &k,
                    "provision.allowed_roots can be set only in province.toml".into(),
                    Some("ask the province to widen the allowed folders"),
                );
                break;
            }
        }
        for (dest, src) in &site.profile.provision.files {
            if !self.profiles.templates_dir.join(src).exists() {
                self.at(
                    site,
                    &["provision", "files", dest],
                    format!("file source `{}` does not exist", super::safe::excerpt(src)),
                    Some("file sources are files under templates/"),
                );
            } else if let Err(e) = super::safe::inside_folder(&self.profiles.templates_dir, src) {
                self.at(
                    site,
                    &["provision", "files", dest],
                    format!("file source: {e}"),
                    Some("file sources are files under templates/"),
                );
            }
        }
    }

    fn thresholds(&mut self, site: &Site) {
        let c = &site.profile.checks;
        for (warn, crit, name) in [
            (c.disk_warn_pct, c.disk_crit_pct, "disk"),
            (c.inode_warn_pct, c.inode_crit_pct, "inode"),
            (c.mem_warn_pct, c.mem_crit_pct, "mem"),
            (c.load_warn_per_cpu, c.load_crit_per_cpu, "load"),
            (c.clock_warn_s, c.clock_crit_s, "clock"),
        ] {
            if warn > crit {
                self.at(
                    site,
                    &["checks"],
                    format!("checks: the {name} warning threshold {warn} is above the critical one {crit}"),
                    None,
                );
            }
        }
    }

    /// Each city file is named after the city's pinyin.
    fn city_files(&mut self, cities: &[(PathBuf, Option<usize>)]) {
        for (path, id) in cities {
            let Some(id) = id else { continue };
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let file = &self.profiles.files[*id];
            let pinyin = file
                .table
                .get("city")
                .and_then(|c| c.get("pinyin"))
                .and_then(|p| p.as_str());
            if pinyin != Some(stem.as_ref()) {
                let path = ["city".to_string(), "pinyin".to_string()];
                self.diags.push(
                    file.diagnostic(
                        &path,
                        format!(
                            "city file `{stem}.toml` must name the city `{stem}` in [city] pinyin"
                        ),
                    )
                    .with_hint("name each city file after the city's pinyin"),
                );
            }
        }
    }

    fn duplicates(&mut self) {
        let sites = &self.profiles.sites;
        let mut codes: HashMap<&str, &Site> = HashMap::new();
        let mut pinyins: HashMap<&str, &Site> = HashMap::new();
        let mut servers: HashMap<&str, &Site> = HashMap::new();
        let mut addresses: BTreeMap<(IpAddr, u16), (&Site, &str)> = BTreeMap::new();
        let mut found = Vec::new();
        for site in sites {
            if let Some(other) = codes.insert(site.code(), site) {
                found.push((
                    site,
                    vec!["city", "code"],
                    format!(
                        "code {} is also the code of {}",
                        site.code(),
                        other.pinyin()
                    ),
                ));
            }
            if let Some(other) = pinyins.insert(site.pinyin(), site) {
                found.push((
                    site,
                    vec!["city", "pinyin"],
                    format!(
                        "pinyin `{}` is also used by {}",
                        site.pinyin(),
                        other.code()
                    ),
                ));
            }
            let dc = &site.profile.datacenter;
            for (name, server) in &dc.servers {
                if let Some(other) = servers.insert(name, site) {
                    found.push((
                        site,
                        vec!["datacenter", "servers", name],
                        format!("server name `{name}` is also used in {}", other.pinyin()),
                    ));
                }
                if dc.transport == TransportKind::Ssh
                    && let Some(addr) = server.address
                {
                    let port = server.port.unwrap_or(dc.ssh.port);
                    if let Some((other, other_name)) = addresses.insert((addr, port), (site, name))
                    {
                        found.push((site, vec!["datacenter", "servers", name, "address"], format!("server `{name}` has the address {addr}:{port} of `{other_name}` ({})", other.pinyin())));
                    }
                }
            }
        }
        for (site, path, message) in found {
            self.at(site, &path, message, None);
        }
    }

    fn province_file(&self) -> Option<&'p super::ProfileFile> {
        self.profiles
            .files
            .iter()
            .find(|f| f.source.name.ends_with("province.toml"))
    }

    /// Each city is in exactly one wave: its own, or the one province.toml pins it to.
    fn waves(&mut self) {
        let Some(file) = self.province_file() else {
            return;
        };
        let mut pinned: HashMap<String, String> = HashMap::new();
        for (w, wave) in self.profiles.waves.iter().enumerate() {
            for (i, city) in wave.cities.iter().enumerate() {
                let path: Vec<String> = vec![
                    "waves".into(),
                    w.to_string(),
                    "cities".into(),
                    i.to_string(),
                ];
                let message = match self.profiles.find(city) {
                    None => format!("wave `{}` lists `{city}`, which is not a city", wave.name),
                    Some(site) => {
                        let pinyin = site.pinyin().to_string();
                        match pinned.insert(pinyin.clone(), wave.name.clone()) {
                            Some(first) => format!(
                                "city `{pinyin}` is in two waves: `{first}` and `{}`",
                                wave.name
                            ),
                            None if site.profile.city.wave != wave.name => format!(
                                "city `{pinyin}` is in two waves: `{}` (its profile) and `{}` (here)",
                                site.profile.city.wave, wave.name
                            ),
                            None => continue,
                        }
                    }
                };
                self.diags.push(file.diagnostic(&path, message));
            }
        }
    }

    /// `[assessment]`: weights, day counts and planned wave dates the province can rely on.
    fn assessment(&mut self) {
        let Some(file) = self.province_file() else {
            return;
        };
        for p in super::assessment::check(&self.profiles.assessment, &self.profiles.waves) {
            let mut d = file.diagnostic(&p.path, p.message);
            if let Some(h) = p.hint {
                d = d.with_hint(h);
            }
            self.diags.push(d);
        }
    }

    fn env_overlay(&mut self, env_id: usize, env: &EnvFile) {
        for name in env.cities.keys() {
            if !self.profiles.cities().any(|s| s.pinyin() == name) {
                let file = &self.profiles.files[env_id];
                let d = file
                    .diagnostic(
                        &["cities".into(), name.clone()],
                        format!("`{name}` is not a city"),
                    )
                    .with_hint("[cities.<pinyin>] takes a city's pinyin");
                self.diags.push(d);
            }
        }
        if let Some(tb) = &env.testbed {
            for (inner, gw) in &tb.behind {
                for h in [inner, gw] {
                    let n: Option<u32> = h.strip_prefix('h').and_then(|n| n.parse().ok());
                    if !n.is_some_and(|n| n >= 1 && n <= tb.hosts) {
                        let file = &self.profiles.files[env_id];
                        let path = vec!["testbed".to_string(), "behind".to_string(), inner.clone()];
                        self.diags.push(file.diagnostic(
                            &path,
                            format!("`{h}` is not one of the test bed's hosts h1..h{}", tb.hosts),
                        ));
                    }
                }
            }
        }
    }
}
