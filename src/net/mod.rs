//! The business network: what each server is expected to reach (`expect`: routes and
//! endpoints, read by provisioning, health and `net check` alike), and `net check` itself:
//! from each server, are the profile's routes in place, and do the endpoints the profile
//! names (province center, city database, gateway) answer a TCP connect?

pub mod expect;

use std::time::Duration;

use serde::Serialize;

use crate::inventory::Host;
use crate::profile::{Site, TransportKind};
use crate::provision::resource::MANAGED_ROUTES;
use crate::provision::resource::probe::parse_routes;
use crate::transport::{Transport, TransportError, shell_quote};

#[derive(Debug, Clone, Serialize)]
pub struct NetResult {
    /// route or endpoint
    pub check: &'static str,
    pub name: String,
    pub target: String,
    pub ok: bool,
    pub detail: String,
}

pub fn check_host(
    t: &mut dyn Transport,
    site: &Site,
    host: &Host,
    connect_timeout: Duration,
) -> Result<Vec<NetResult>, TransportError> {
    let (routes, endpoints) = (expect::routes(site, host), expect::endpoints(site, host));
    let local = t.kind() == TransportKind::Local;
    let root = t.root().to_string();
    let secs = connect_timeout.as_secs().max(1);
    let mut script = String::new();
    if local {
        script.push_str(&format!(
            "sed 's/^/M\\t/' {} 2>/dev/null\n",
            shell_quote(&format!("{root}{MANAGED_ROUTES}"))
        ));
    } else {
        script.push_str("printf 'R\\t%s\\n' \"$(ip -j route show 2>/dev/null)\"\n");
    }
    for (i, e) in endpoints.iter().enumerate() {
        script.push_str(&expect::endpoint_probe(e, &format!("E\t{i}"), secs));
    }
    script.push_str("true\n");
    let out = t.run(
        &script,
        b"",
        Duration::from_secs(secs * (endpoints.len() as u64 + 2) + 10),
    )?;
    let text = out.stdout_text();
    let mut live = Vec::new();
    let mut managed = Vec::new();
    let mut answers = std::collections::HashMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.splitn(4, '\t').collect();
        match f.as_slice() {
            ["R", json] => live = parse_routes(json),
            ["M", l] => managed.push(l.trim().to_string()),
            ["E", i, "ok"] => {
                answers.insert(
                    i.parse::<usize>().unwrap_or(usize::MAX),
                    (true, String::new()),
                );
            }
            ["E", i, "fail", why] => {
                let why = if why.trim().is_empty() {
                    "no answer (timed out)".to_string()
                } else {
                    why.trim().to_string()
                };
                answers.insert(i.parse::<usize>().unwrap_or(usize::MAX), (false, why));
            }
            ["E", i, "fail"] => {
                answers.insert(
                    i.parse::<usize>().unwrap_or(usize::MAX),
                    (false, "no answer (timed out)".into()),
                );
            }
            _ => {}
        }
    }
    let mut results = Vec::new();
    for route in routes {
        let state = expect::route_found(&route, local, &managed, &live);
        let (ok, detail) = (state.ok(), state.to_string());
        results.push(NetResult {
            check: "route",
            target: format!("{} via {}", route.to, route.via),
            name: route.name,
            ok,
            detail,
        });
    }
    for (i, e) in endpoints.into_iter().enumerate() {
        let (ok, detail) = answers.remove(&i).unwrap_or((false, "not checked".into()));
        results.push(NetResult {
            check: "endpoint",
            target: format!("{}:{}", e.host, e.port),
            name: e.name,
            ok,
            detail: if ok { "answers".into() } else { detail },
        });
    }
    Ok(results)
}
