//! The servers of a site, resolved from its profile into endpoints the transport can reach.

use std::net::IpAddr;
use std::path::PathBuf;

use crate::profile::{Site, SiteProfile};
use crate::transport::{Endpoint, expand_home};

/// One server of one site.
#[derive(Debug, Clone)]
pub struct Host {
    /// The site's pinyin.
    pub city: String,
    pub name: String,
    pub roles: Vec<String>,
    pub endpoint: Endpoint,
    /// The server's next hop for managed routes: its own, else the network's gateway.
    pub gateway: Option<IpAddr>,
}

impl crate::profile::OfCity for Host {
    fn city(&self) -> &str {
        &self.city
    }
}

impl Host {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// It runs the application (an app or web server): releases, the service, the city lock.
    pub fn runs_app(&self) -> bool {
        self.has_role("app") || self.has_role("web")
    }

    /// `city/server`
    pub fn label(&self) -> &str {
        &self.endpoint.label
    }
}

/// Every server of `site` (only those with `role` when given), in name order.
pub fn hosts(site: &Site, role: Option<&str>) -> Vec<Host> {
    let p = &site.profile;
    p.datacenter
        .servers
        .iter()
        .filter(|(_, s)| role.is_none_or(|r| s.roles.iter().any(|x| x == r)))
        .map(|(name, server)| Host {
            city: site.pinyin().to_string(),
            name: name.clone(),
            roles: server.roles.clone(),
            endpoint: endpoint(p, name, true),
            gateway: server.gateway.or(p.network.gateway),
        })
        .collect()
}

/// How jinbao identifies itself to a site's servers (for the audit log): the SSH user and key,
/// or the sandbox.
pub fn identity(p: &SiteProfile) -> String {
    let dc = &p.datacenter;
    match dc.transport {
        crate::profile::TransportKind::Local => "local sandbox".into(),
        crate::profile::TransportKind::Ssh => {
            let key = if dc.ssh.key.is_empty() {
                String::new()
            } else {
                format!(" key {}", expand_home(&dc.ssh.key).display())
            };
            let agent = if dc.ssh.agent { " or ssh-agent" } else { "" };
            format!("ssh {}{key}{agent}", dc.ssh.user)
        }
    }
}

/// How to reach server `name` of profile `p` (with its jump host when `with_jump`).
fn endpoint(p: &SiteProfile, name: &str, with_jump: bool) -> Endpoint {
    let dc = &p.datacenter;
    let server = &dc.servers[name];
    let jump_name = match server.jump.as_deref() {
        Some("none") => None,
        Some(j) => Some(j),
        None => (!dc.jump.is_empty()).then_some(dc.jump.as_str()),
    }
    .filter(|j| *j != name && dc.servers.contains_key(*j));
    Endpoint {
        label: format!("{}/{name}", p.city.pinyin),
        kind: server.transport.unwrap_or(dc.transport),
        address: server.address,
        port: server.port.unwrap_or(dc.ssh.port),
        user: server.user.clone().unwrap_or_else(|| dc.ssh.user.clone()),
        key: (!dc.ssh.key.is_empty()).then(|| expand_home(&dc.ssh.key)),
        passphrase: dc.ssh.passphrase.clone(),
        agent: dc.ssh.agent,
        known_hosts: expand_home(&dc.ssh.known_hosts),
        connect_timeout: dc.ssh.connect_timeout,
        keepalive: dc.ssh.keepalive,
        local_root: PathBuf::from(&dc.local_root)
            .join(&p.city.pinyin)
            .join(name),
        jump: jump_name
            .filter(|_| with_jump)
            .map(|j| Box::new(endpoint(p, j, false))),
    }
}
