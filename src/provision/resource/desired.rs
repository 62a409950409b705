//! What a server should look like, from its city's effective profile and its roles.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;

use super::{KINDS, Owner, Resource};
use crate::inventory::Host;
use crate::profile::{Engine, Profiles, Site, SiteProfile, TransportKind};
use crate::template::{TemplateError, Templates};

mod database;

#[derive(Debug, thiserror::Error)]
pub enum DesiredError {
    #[error("{host}: {source}")]
    Template { host: String, source: TemplateError },
    #[error("{host}: {what} {path}: {source}")]
    Unreadable {
        host: String,
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("{host}: the province's certificates: {source}")]
    Certificate {
        host: String,
        source: crate::tls::TlsError,
    },
    #[error("{host}: [database.server] manage needs the server's address and the admin's password")]
    ServerIncomplete { host: String },
    #[error("{host}: {what}: {source}")]
    Secret {
        host: String,
        what: String,
        source: crate::profile::secret::SecretError,
    },
}

/// The template context of one server: the city's profile, minus secrets, plus the server.
pub fn context(profiles: &Profiles, site: &Site, host: &Host) -> serde_json::Value {
    let p = &site.profile;
    let routes: Vec<serde_json::Value> = crate::net::expect::routes(site, host)
        .into_iter()
        .map(|r| json!({ "name": r.name, "to": r.to, "via": r.via, "metric": r.metric }))
        .collect();
    let counties: Vec<&String> = p.counties.keys().collect();
    let county_list: Vec<serde_json::Value> = p
        .counties
        .iter()
        .map(|(code, c)| json!({ "code": code, "name": c.name, "kind": c.kind }))
        .collect();
    let roles = &p.database.roles;
    let city_servers: Vec<serde_json::Value> = p
        .datacenter
        .servers
        .iter()
        .map(|(name, s)| {
            json!({ "name": name, "roles": s.roles, "address": s.address.map(|a| a.to_string()) })
        })
        .collect();
    json!({
        "env": profiles.env.name,
        "province": { "code": profiles.province.code, "name": profiles.province.name },
        "city": { "code": p.city.code, "name": p.city.name, "pinyin": p.city.pinyin, "wave": p.city.wave },
        "counties": counties,
        "city_servers": city_servers,
        "county_list": county_list,
        "server": {
            "name": host.name,
            "roles": host.roles,
            "address": host.endpoint.address.map(|a| a.to_string()),
            "gateway": host.gateway.map(|a| a.to_string()),
        },
        "app": {
            "name": p.app.name, "install_dir": p.app.install_dir, "config_dir": p.app.config_dir,
            "service": p.app.service, "user": p.app.user, "group": p.app.group, "port": p.app.port,
            "keep_releases": p.app.keep_releases, "shared_dirs": p.app.shared_dirs,
            "health": { "command": p.app.health.command, "timeout_s": p.app.health.timeout.as_secs() },
            "settings": p.app.settings,
        },
        "database": {
            "engine": p.database.engine.as_str(),
            "url": p.database.dsn,
            "sslmode": p.database.sslmode,
            "roles": {
                "migrator": { "user": roles.migrator.user },
                "app": { "user": roles.app.user },
                "readonly": { "user": roles.readonly.user },
            },
        },
        "network": {
            "subnets": p.network.subnets.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "gateway": p.network.gateway.map(|g| g.to_string()),
            "routes": routes,
            "endpoints": p.network.endpoints,
        },
    })
}

/// Every resource the server should have, in the order they are applied.
pub fn desired(
    profiles: &Profiles,
    templates: &Templates,
    site: &Site,
    host: &Host,
) -> Result<Vec<Resource>, DesiredError> {
    let p = &site.profile;
    let app = &p.app;
    let wanted: Vec<&str> = if p.provision.resources.is_empty() {
        KINDS.to_vec()
    } else {
        p.provision.resources.iter().map(String::as_str).collect()
    };
    let mut b = Building {
        p,
        profiles,
        site,
        host,
        templates,
        ctx: context(profiles, site, host),
        runs_app: host.runs_app(),
        root: Some(Owner {
            user: "root".into(),
            group: "root".into(),
        }),
        app_owner: Some(Owner {
            user: app.user.clone(),
            group: app.group.clone(),
        }),
        root_app_group: Some(Owner {
            user: "root".into(),
            group: app.group.clone(),
        }),
        out: Vec::new(),
        state: profiles.state_dir.clone(),
    };
    b.users_and_dirs();
    b.packages()?;
    b.db_server()?;
    b.backup_host()?;
    let sysctl: Vec<(&String, &String)> = p
        .provision
        .sysctl
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    b.files(&sysctl)?;
    b.db_secret()?;
    b.web_proxy()?;
    b.links_and_services(site, &sysctl);
    Ok(b.finish(&wanted))
}

/// One server's resources being listed, with the owners they get.
struct Building<'a> {
    p: &'a SiteProfile,
    profiles: &'a Profiles,
    site: &'a Site,
    host: &'a Host,
    templates: &'a Templates,
    /// The template context of the server.
    ctx: serde_json::Value,
    runs_app: bool,
    root: Option<Owner>,
    app_owner: Option<Owner>,
    /// root, with the application's group (it reads, root writes).
    root_app_group: Option<Owner>,
    out: Vec<Resource>,
    /// jinbao's state folder (the province's CA).
    state: PathBuf,
}

fn dir(path: String, mode: u32, owner: &Option<Owner>) -> Resource {
    Resource::Dir {
        path,
        mode,
        owner: owner.clone(),
    }
}

fn file(
    path: String,
    content: Arc<Vec<u8>>,
    mode: u32,
    owner: &Option<Owner>,
    source: &str,
) -> Resource {
    Resource::File {
        path,
        content,
        mode,
        owner: owner.clone(),
        secret: false,
        source: source.to_string(),
    }
}

impl Building<'_> {
    fn render(&self, name: &str) -> Result<Arc<Vec<u8>>, DesiredError> {
        self.templates
            .render(name, &self.ctx)
            .map(|s| Arc::new(s.into_bytes()))
            .map_err(|source| DesiredError::Template {
                host: self.host.label().to_string(),
                source,
            })
    }

    /// The application's user and group, and every folder.
    fn users_and_dirs(&mut self) {
        let (p, app) = (self.p, &self.p.app);
        let (root, out) = (&self.root, &mut self.out);
        if self.runs_app && app.user != "root" {
            out.push(Resource::Group {
                name: app.group.clone(),
            });
            out.push(Resource::User {
                name: app.user.clone(),
                group: app.group.clone(),
                home: app.install_dir.clone(),
            });
        }
        out.push(dir(app.config_dir.clone(), 0o755, root));
        if self.runs_app {
            let install = &app.install_dir;
            out.push(dir(install.clone(), 0o755, root));
            out.push(dir(format!("{install}/releases"), 0o755, root));
            out.push(dir(format!("{install}/shared"), 0o755, root));
            for d in &app.shared_dirs {
                out.push(dir(format!("{install}/shared/{d}"), 0o750, &self.app_owner));
            }
            out.push(dir("/var/log/jinbao".into(), 0o750, &self.app_owner));
        }
        for d in &p.provision.directories {
            out.push(dir(d.clone(), 0o755, root));
        }
    }

    /// The province's mirror as an apt source, then the packages of the server's roles and the
    /// ones no server may have. A sandbox server is a folder: nothing is installed there.
    fn packages(&mut self) -> Result<(), DesiredError> {
        let (pk, host) = (&self.p.packages, self.host);
        if host.endpoint.kind == TransportKind::Local {
            return Ok(());
        }
        if !pk.mirror.is_empty() {
            let key = self.mirror_key()?;
            self.out
                .push(dir("/etc/apt/keyrings".into(), 0o755, &self.root));
            self.out.push(file(
                super::packages::KEY_FILE.into(),
                Arc::new(key),
                0o644,
                &self.root,
                &format!("[packages] mirror_key {}", pk.mirror_key),
            ));
            let text = super::packages::source_text(&pk.mirror, &pk.suite, &pk.components);
            self.out.push(file(
                super::packages::SOURCE_FILE.into(),
                Arc::new(text.into_bytes()),
                0o644,
                &self.root,
                "[packages] mirror",
            ));
        }
        let lock_wait_s = pk.lock_wait.as_secs();
        let mut seen = std::collections::BTreeSet::new();
        for role in &host.roles {
            for spec in pk.roles.get(role).into_iter().flatten() {
                let (name, version) = super::packages::wanted(spec);
                if seen.insert(name.clone()) {
                    self.out.push(Resource::Package {
                        name,
                        version,
                        present: true,
                        lock_wait_s,
                    });
                }
            }
        }
        // pgBackRest on the backup host and on each db server it backs up
        let backed_up = host.has_role("backup")
            || (host.has_role("db")
                && crate::backup::pgbackrest::stanza(self.site).is_some()
                && crate::backup::pgbackrest::repository(self.profiles).is_some());
        if backed_up && seen.insert("pgbackrest".to_string()) {
            self.out.push(Resource::Package {
                name: "pgbackrest".into(),
                version: None,
                present: true,
                lock_wait_s,
            });
        }
        for spec in &pk.remove {
            let (name, _) = super::packages::wanted(spec);
            if seen.insert(name.clone()) {
                self.out.push(Resource::Package {
                    name,
                    version: None,
                    present: false,
                    lock_wait_s,
                });
            }
        }
        Ok(())
    }

    /// The mirror's signing key: under templates/, or a file on this machine.
    fn mirror_key(&self) -> Result<Vec<u8>, DesiredError> {
        let key = &self.p.packages.mirror_key;
        let host = self.host.label().to_string();
        if key.starts_with('/') {
            std::fs::read(key).map_err(|source| DesiredError::Unreadable {
                host,
                what: "the package mirror's key",
                path: key.clone(),
                source,
            })
        } else {
            self.templates
                .read(key)
                .map_err(|source| DesiredError::Template { host, source })
        }
    }

    /// The files rendered from templates or the profile (not the secrets).
    fn files(&mut self, sysctl: &[(&String, &String)]) -> Result<(), DesiredError> {
        let (p, app) = (self.p, &self.p.app);
        if self.runs_app && !app.config_template.is_empty() {
            let path = format!("{}/app.toml", app.config_dir);
            self.out.push(file(
                path,
                self.render(&app.config_template)?,
                0o640,
                &self.root_app_group,
                &app.config_template,
            ));
        }
        if self.runs_app && !app.service.is_empty() {
            let t = "app/service.j2";
            self.out.push(file(
                format!("/etc/systemd/system/{}.service", app.service),
                self.render(t)?,
                0o644,
                &self.root,
                t,
            ));
            let t = "app/logrotate.j2";
            self.out.push(file(
                format!("/etc/logrotate.d/{}", app.service),
                self.render(t)?,
                0o644,
                &self.root,
                t,
            ));
        }
        if !p.network.routes.is_empty() {
            let t = "network/routes.conf.j2";
            self.out.push(file(
                format!("{}/routes.conf", app.config_dir),
                self.render(t)?,
                0o644,
                &self.root,
                t,
            ));
        }
        if !sysctl.is_empty() {
            let mut text = String::from(
                "# written by jinbao provision from the city profile ([provision.sysctl])\n",
            );
            for (k, v) in sysctl {
                text.push_str(&format!("{k} = {v}\n"));
            }
            self.out.push(file(
                "/etc/sysctl.d/90-jinbao.conf".into(),
                Arc::new(text.into_bytes()),
                0o644,
                &self.root,
                "[provision.sysctl]",
            ));
        }
        for (dest, src) in &p.provision.files {
            let content = self
                .templates
                .read(src)
                .map_err(|source| DesiredError::Template {
                    host: self.host.label().to_string(),
                    source,
                })?;
            self.out.push(file(
                dest.clone(),
                Arc::new(content),
                0o644,
                &self.root,
                src,
            ));
        }
        Ok(())
    }

    /// The application's database password, for a PostgreSQL city.
    fn db_secret(&mut self) -> Result<(), DesiredError> {
        let (p, app) = (self.p, &self.p.app);
        if self.runs_app
            && p.database.engine == Engine::Postgres
            && let Some(secret) = &p.database.roles.app.password
        {
            let password = secret.resolve().map_err(|source| DesiredError::Secret {
                host: self.host.label().to_string(),
                what: format!("the password of {}", p.database.roles.app.user),
                source,
            })?;
            self.out.push(dir(
                format!("{}/secrets", app.config_dir),
                0o750,
                &self.root_app_group,
            ));
            if p.database.sslmode == "verify-full" {
                let state = &self.state;
                // the province's own CA is made on first use, whichever server needs it first
                if Path::new(&p.database.sslrootcert) == crate::tls::ca_cert_path(state) {
                    crate::tls::province_ca(state).map_err(|source| DesiredError::Certificate {
                        host: self.host.label().to_string(),
                        source,
                    })?;
                }
                let ca = std::fs::read(&p.database.sslrootcert).map_err(|source| {
                    DesiredError::Unreadable {
                        host: self.host.label().to_string(),
                        what: "the CA certificate (database.sslrootcert)",
                        path: p.database.sslrootcert.clone(),
                        source,
                    }
                })?;
                self.out.push(file(
                    format!("{}/province-ca.crt", app.config_dir),
                    Arc::new(ca),
                    0o644,
                    &self.root,
                    "database.sslrootcert",
                ));
            }
            self.out.push(Resource::File {
                path: format!("{}/secrets/db-app", app.config_dir),
                content: Arc::new(format!("{password}\n").into_bytes()),
                mode: 0o640,
                owner: self.root_app_group.clone(),
                secret: true,
                source: format!("secret {secret}"),
            });
        }
        Ok(())
    }

    /// nginx in front of the city's app servers, on a web server (`provision.web_proxy`):
    /// jinbao's site enabled as the default one, reloaded when it changes.
    fn web_proxy(&mut self) -> Result<(), DesiredError> {
        if self.p.provision.web_proxy != "nginx" || !self.host.has_role("web") {
            return Ok(());
        }
        let t = "web/nginx.conf.j2";
        let site = "/etc/nginx/sites-available/jinbao".to_string();
        let enabled = "/etc/nginx/sites-enabled/default".to_string();
        self.out
            .push(file(site.clone(), self.render(t)?, 0o644, &self.root, t));
        self.out.push(Resource::Symlink {
            path: enabled.clone(),
            target: site.clone(),
        });
        self.out.push(Resource::Restart {
            service: "nginx".into(),
            restart_on: Vec::new(),
            reload_on: vec![site, enabled],
        });
        Ok(())
    }

    /// The log link, the kernel settings, the service and the routes.
    fn links_and_services(&mut self, site: &Site, sysctl: &[(&String, &String)]) {
        let (app, host, out) = (&self.p.app, self.host, &mut self.out);
        if self.runs_app {
            out.push(Resource::Symlink {
                path: format!("{}/logs", app.install_dir),
                target: "/var/log/jinbao".into(),
            });
        }
        for &(k, v) in sysctl {
            out.push(Resource::Sysctl {
                key: k.clone(),
                value: v.clone(),
            });
        }
        if self.runs_app && !app.service.is_empty() {
            out.push(Resource::Service {
                name: app.service.clone(),
                start: Some(format!("{}/current/bin/start", app.install_dir)),
                runs_release: true,
            });
        }
        for r in crate::net::expect::routes(site, host) {
            out.push(Resource::Route {
                to: r.to,
                via: r.via,
                metric: r.metric,
            });
        }
    }

    /// Keeps the kinds the profile wants, adds the list of managed routes and drops the owners
    /// when users are not managed.
    fn finish(self, wanted: &[&str]) -> Vec<Resource> {
        let (root, mut out) = (self.root, self.out);
        out.retain(|r| wanted.contains(&r.kind()));
        // the routes jinbao added, so that it removes only its own when the profile drops one
        let lines: Vec<String> = out
            .iter()
            .filter_map(|r| match r {
                Resource::Route { to, via, metric } => {
                    Some(super::plan::route_line(to, via, *metric) + "\n")
                }
                _ => None,
            })
            .collect();
        if wanted.contains(&"routes") {
            out.push(dir("/var/lib/jinbao".into(), 0o755, &root));
            out.push(file(
                super::MANAGED_ROUTES.into(),
                Arc::new(lines.concat().into_bytes()),
                0o644,
                &root,
                "the routes above",
            ));
            // a route lives in the kernel only: a server that boots again gets them back from
            // the list, by a unit of its own
            if self.p.provision.routes_at_boot
                && self.p.datacenter.transport != TransportKind::Local
                && !lines.is_empty()
            {
                // before any service: systemd then reads every unit file of the apply at once
                let first_service = out
                    .iter()
                    .position(|r| matches!(r, Resource::Service { .. }))
                    .unwrap_or(out.len());
                out.insert(
                    first_service,
                    file(
                        format!("/etc/systemd/system/{}.service", super::ROUTES_UNIT),
                        Arc::new(super::routes_unit().into_bytes()),
                        0o644,
                        &root,
                        "provision.routes_at_boot",
                    ),
                );
                out.push(Resource::Service {
                    name: super::ROUTES_UNIT.into(),
                    start: None, // routes come back at boot only where systemd boots the server
                    runs_release: false,
                });
            }
        }
        if !wanted.contains(&"users") {
            // without managed users, ownership is not managed either
            for r in &mut out {
                if let Resource::Dir { owner, .. } | Resource::File { owner, .. } = r {
                    *owner = None;
                }
            }
        }
        out
    }
}
