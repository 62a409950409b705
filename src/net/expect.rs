//! What a server is expected to have, from its city's profile and its roles: the routes onto
//! the business network, the endpoints it must reach, whether it runs the application, and
//! how a route is found in place. Provisioning (what to make), health and `net check` (what
//! to find) all read it from here, so the three cannot disagree.

use crate::inventory::Host;
use crate::profile::Site;
use crate::transport::shell_quote;

/// A route as the server's routing table shows it (`ip -j route`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRoute {
    pub dst: String,
    pub gateway: Option<String>,
    pub metric: Option<u32>,
}

/// A route the server must have: its name in the profile, destination, next hop (the
/// route's own or the server's gateway) and metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub name: String,
    pub to: String,
    pub via: String,
    pub metric: Option<u32>,
}

/// An endpoint the server must reach with a TCP connect (`{gateway}` resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub name: String,
    pub host: String,
    pub port: u16,
}

/// The routes `host` must have (withdrawn ones and ones without a next hop left out).
pub fn routes(site: &Site, host: &Host) -> Vec<Route> {
    site.profile
        .network
        .routes
        .iter()
        .filter(|(_, r)| r.enabled != Some(false))
        .filter_map(|(name, r)| {
            Some(Route {
                name: name.clone(),
                to: r.to?.to_string(),
                via: r.via.or(host.gateway)?.to_string(),
                metric: r.metric,
            })
        })
        .collect()
}

/// The endpoints `host` must reach. Only values in the safe set (`profile::safe::endpoint`,
/// checked when profiles load) are taken: a host name is never anything a shell would read.
pub fn endpoints(site: &Site, host: &Host) -> Vec<Endpoint> {
    let gw = host.gateway.map(|g| g.to_string()).unwrap_or_default();
    site.profile
        .network
        .endpoints
        .iter()
        .filter(|(_, v)| !v.is_empty() && crate::profile::safe::endpoint(v).is_ok())
        .filter_map(|(name, v)| {
            let v = v.replace("{gateway}", &gw);
            let (h, port) = v.rsplit_once(':')?;
            Some(Endpoint {
                name: name.clone(),
                host: h.to_string(),
                port: port.parse().ok()?,
            })
        })
        .collect()
}

/// What became of a route a server must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteState {
    /// In the routing table with its next hop.
    Via(String),
    /// Recorded among the routes jinbao made (the local transport has no routing table).
    Recorded,
    /// Not recorded (local transport).
    NotRecorded,
    /// In the routing table with another next hop (`None`: direct) than `want`.
    OtherHop { seen: Option<String>, want: String },
    /// Not in the routing table.
    Missing,
}

impl RouteState {
    /// The route is in place.
    pub fn ok(&self) -> bool {
        matches!(self, RouteState::Via(_) | RouteState::Recorded)
    }
}

impl std::fmt::Display for RouteState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteState::Via(via) => write!(f, "via {via}"),
            RouteState::Recorded => f.write_str("recorded (local transport)"),
            RouteState::NotRecorded => f.write_str("not recorded: run provision apply"),
            RouteState::OtherHop { seen, want } => write!(
                f,
                "via {} instead of {want}",
                seen.as_deref().unwrap_or("(direct)")
            ),
            RouteState::Missing => f.write_str("missing"),
        }
    }
}

/// Whether the route is in place: on a server, in its routing table with this next hop; on
/// the local transport (no real routing table), recorded among the routes jinbao made.
pub fn route_found(
    route: &Route,
    local: bool,
    managed: &[String],
    live: &[LiveRoute],
) -> RouteState {
    let (to, via) = (&route.to, &route.via);
    if local {
        let prefix = format!("{to} via {via}");
        return if managed
            .iter()
            .any(|l| l.trim() == prefix || l.trim().starts_with(&format!("{prefix} ")))
        {
            RouteState::Recorded
        } else {
            RouteState::NotRecorded
        };
    }
    match live.iter().find(|r| &r.dst == to) {
        Some(r) if r.gateway.as_deref() == Some(via.as_str()) => RouteState::Via(via.clone()),
        Some(r) => RouteState::OtherHop {
            seen: r.gateway.clone(),
            want: via.clone(),
        },
        None => RouteState::Missing,
    }
}

/// A shell line that tries a TCP connect to `e` for at most `secs` seconds and prints
/// `<tag>\tok`, or `<tag>\tfail\t<the last line of the error>`.
pub fn endpoint_probe(e: &Endpoint, tag: &str, secs: u64) -> String {
    let connect = shell_quote(&format!("exec 3<>/dev/tcp/{}/{}", e.host, e.port));
    let tag = shell_quote(tag);
    format!(
        "if err=$(timeout {secs} bash -c {connect} 2>&1); then printf '%s\\tok\\n' {tag}; \
         else printf '%s\\tfail\\t%s\\n' {tag} \"$(printf '%s' \"$err\" | tail -n 1)\"; fi\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route() -> Route {
        Route {
            name: "province".into(),
            to: "10.41.0.0/24".into(),
            via: "10.41.10.1".into(),
            metric: None,
        }
    }

    #[test]
    fn a_route_is_found_only_with_its_next_hop() {
        let live = |gw: Option<&str>| LiveRoute {
            dst: "10.41.0.0/24".into(),
            gateway: gw.map(str::to_string),
            metric: None,
        };
        assert!(route_found(&route(), false, &[], &[live(Some("10.41.10.1"))]).ok());
        let other_hop = route_found(&route(), false, &[], &[live(Some("10.9.9.9"))]);
        assert!(!other_hop.ok());
        assert_eq!(other_hop.to_string(), "via 10.9.9.9 instead of 10.41.10.1");
        assert_eq!(
            route_found(&route(), false, &[], &[live(None)]).to_string(),
            "via (direct) instead of 10.41.10.1"
        );
        assert_eq!(route_found(&route(), false, &[], &[]), RouteState::Missing);
        // the local transport: the routes jinbao recorded, a metric after the next hop
        let recorded = vec!["10.41.0.0/24 via 10.41.10.1 metric 5".to_string()];
        assert_eq!(
            route_found(&route(), true, &recorded, &[]),
            RouteState::Recorded
        );
        let other = vec!["10.41.0.0/24 via 10.41.10.10".to_string()];
        assert_eq!(
            route_found(&route(), true, &other, &[]),
            RouteState::NotRecorded
        );
    }
}
