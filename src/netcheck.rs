//! `net check`: from each server, are the profile's routes in place, and do the endpoints the
//! profile names (province center, city database, gateway) answer a TCP connect?

use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use crate::inventory::Host;
use crate::profile::{Site, TransportKind};
use crate::resource::probe::parse_routes;
use crate::resource::{MANAGED_ROUTES, plan::route_line};
use crate::transport::{Transport, shell_quote};

#[derive(Debug, Clone, Serialize)]
pub struct NetResult {
    /// route or endpoint
    pub check: &'static str,
    pub name: String,
    pub target: String,
    pub ok: bool,
    pub detail: String,
}

/// A route by name: destination and next hop.
type RouteExpect = (String, String, String);
/// An endpoint by name: host and port.
type EndpointExpect = (String, String, u16);

/// The routes and endpoints the profile asks of `host`.
fn expectations(site: &Site, host: &Host) -> (Vec<RouteExpect>, Vec<EndpointExpect>) {
    let p = &site.profile;
    let routes = p
        .network
        .routes
        .iter()
        .filter(|(_, r)| r.enabled != Some(false))
        .filter_map(|(name, r)| {
            Some((
                name.clone(),
                r.to?.to_string(),
                r.via.or(host.gateway)?.to_string(),
            ))
        })
        .collect();
    let gw = host.gateway.map(|g| g.to_string()).unwrap_or_default();
    let endpoints = p
        .network
        .endpoints
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .filter_map(|(name, v)| {
            let v = v.replace("{gateway}", &gw);
            let (h, port) = v.rsplit_once(':')?;
            Some((name.clone(), h.to_string(), port.parse().ok()?))
        })
        .collect();
    (routes, endpoints)
}

pub fn check_host(
    t: &mut dyn Transport,
    site: &Site,
    host: &Host,
    connect_timeout: Duration,
) -> Result<Vec<NetResult>> {
    let (routes, endpoints) = expectations(site, host);
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
    for (i, (_, h, port)) in endpoints.iter().enumerate() {
        let probe = shell_quote(&format!("exec 3<>/dev/tcp/{h}/{port}"));
        script.push_str(&format!(
            "if err=$(timeout {secs} bash -c {probe} 2>&1); then printf 'E\\t{i}\\tok\\n'; \
             else printf 'E\\t{i}\\tfail\\t%s\\n' \"$(printf '%s' \"$err\" | tail -n 1)\"; fi\n"
        ));
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
    for (name, to, via) in routes {
        let (ok, detail) = if local {
            let ok = managed.contains(&route_line(&to, &via, None))
                || managed
                    .iter()
                    .any(|l| l.starts_with(&format!("{to} via {via}")));
            (
                ok,
                if ok {
                    "recorded (local transport)".into()
                } else {
                    "not recorded: run provision apply".into()
                },
            )
        } else {
            match live.iter().find(|r| r.dst == to) {
                Some(r) if r.gateway.as_deref() == Some(via.as_str()) => {
                    (true, format!("via {via}"))
                }
                Some(r) => (
                    false,
                    format!(
                        "via {} instead of {via}",
                        r.gateway.as_deref().unwrap_or("(direct)")
                    ),
                ),
                None => (false, "missing".into()),
            }
        };
        results.push(NetResult {
            check: "route",
            name,
            target: format!("{to} via {via}"),
            ok,
            detail,
        });
    }
    for (i, (name, h, port)) in endpoints.into_iter().enumerate() {
        let (ok, detail) = answers.remove(&i).unwrap_or((false, "not checked".into()));
        results.push(NetResult {
            check: "endpoint",
            name,
            target: format!("{h}:{port}"),
            ok,
            detail: if ok { "answers".into() } else { detail },
        });
    }
    Ok(results)
}
