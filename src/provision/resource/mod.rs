//! Desired state of a server as resources, compared with what one probe round trip found
//! (the plan), and changed by one script per host (the apply).
//!
//! Paths are the server's own; every script prefixes them with the transport's root, so the
//! local sandbox runs the same code with each server under a folder.

mod desired;
pub mod packages;
pub mod pg_backup;
pub mod pg_server;
pub mod plan;
pub mod probe;
mod script;

use std::sync::Arc;

use serde::Serialize;

pub use desired::{DesiredError, context, desired};
pub use plan::{Action, Change, plan};
pub use probe::{Observed, probe_script};
pub use script::{
    ApplyOutcome, CONFINED, apply_script, describe_commands, parse_apply, start_command, wrap,
};

/// Which resource kinds jinbao manages (profile `provision.resources`; default all).
pub const KINDS: &[&str] = &[
    "packages",
    "users",
    "directories",
    "files",
    "symlinks",
    "service",
    "sysctl",
    "routes",
    "database",
];

/// `resources` as they are wanted on a server of `size` (what the probe read): a file sized
/// by the server gets its settings.
pub fn sized(resources: &[Resource], size: Option<pg_server::HostSize>) -> Vec<Resource> {
    resources
        .iter()
        .map(|r| match r {
            Resource::File { content, .. } if r.sized_by_host() => {
                let mut r = r.clone();
                if let Resource::File { content: c, .. } = &mut r {
                    *c = Arc::new(pg_server::sized(content, size));
                }
                r
            }
            _ => r.clone(),
        })
        .collect()
}

/// Owner and group of a path (None: left as they are).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub user: String,
    pub group: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Resource {
    Group {
        name: String,
    },
    User {
        name: String,
        group: String,
        home: String,
    },
    Dir {
        path: String,
        mode: u32,
        owner: Option<Owner>,
    },
    File {
        path: String,
        #[serde(skip)]
        content: Arc<Vec<u8>>,
        mode: u32,
        owner: Option<Owner>,
        /// Never shown: no diff, no content in any output.
        secret: bool,
        /// The template or file it comes from.
        source: String,
    },
    Symlink {
        path: String,
        target: String,
    },
    Sysctl {
        key: String,
        value: String,
    },
    Service {
        name: String,
        /// What starts it where there is no systemd (jinbao's own runner); None: a unit only
        /// systemd has a use for (nothing to do on a server without it).
        start: Option<String>,
        /// It runs the installed release: started only once a server has one (the rollout
        /// starts it on a fresh server); any other service is started when it is provisioned.
        runs_release: bool,
    },
    Route {
        to: String,
        via: String,
        metric: Option<u32>,
    },
    /// A package from the province's mirror: installed (at `version` and held, when given),
    /// or removed when not `present`.
    Package {
        name: String,
        version: Option<String>,
        present: bool,
        /// How long apt waits for a lock another process holds (not part of what is wanted).
        #[serde(skip)]
        lock_wait_s: u64,
    },
    /// A service restarted when a file it reads at start changed, or reloaded when only a
    /// file it re-reads on reload did (nothing when neither changed).
    Restart {
        service: String,
        restart_on: Vec<String>,
        reload_on: Vec<String>,
    },
    /// The password of a database role on the server's own PostgreSQL (never shown).
    DbPassword {
        role: String,
        #[serde(skip)]
        password: String,
    },
}

impl Resource {
    /// Whether its content is finished only with the server's size (see [`sized`]).
    pub fn sized_by_host(&self) -> bool {
        matches!(self, Resource::File { content, .. }
            if content.windows(pg_server::MEMORY_MARKER.len()).any(|w| w == pg_server::MEMORY_MARKER.as_bytes()))
    }

    /// `dir /opt/jinbao`, `file /etc/jinbao/app.toml`, `route 10.41.0.0/24` …
    pub fn label(&self) -> String {
        match self {
            Resource::Group { name } => format!("group {name}"),
            Resource::User { name, .. } => format!("user {name}"),
            Resource::Dir { path, .. } => format!("dir {path}"),
            Resource::File { path, .. } => format!("file {path}"),
            Resource::Symlink { path, .. } => format!("link {path}"),
            Resource::Sysctl { key, .. } => format!("sysctl {key}"),
            Resource::Service { name, .. } => format!("service {name}"),
            Resource::Route { to, .. } => format!("route {to}"),
            Resource::Package { name, .. } => format!("package {name}"),
            Resource::Restart { service, .. } => format!("restart {service}"),
            Resource::DbPassword { role, .. } => format!("password of {role}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Resource::Group { .. } | Resource::User { .. } => "users",
            Resource::Dir { .. } => "directories",
            Resource::File { .. } => "files",
            Resource::Symlink { .. } => "symlinks",
            Resource::Sysctl { .. } => "sysctl",
            Resource::Service { .. } => "service",
            Resource::Route { .. } => "routes",
            Resource::Package { .. } => "packages",
            Resource::Restart { .. } | Resource::DbPassword { .. } => "database",
        }
    }

    /// What this resource should be, as one line a recorded plan binds: every setting, and a
    /// file's content by its SHA-256. A secret's content is not in the line: its hash is
    /// returned apart, to be bound only with a plan's salt (a plan file never holds a hash
    /// of a secret that a guess could be checked against).
    pub fn desired_state(&self) -> (String, Option<String>) {
        match self {
            Resource::File {
                content,
                mode,
                owner,
                secret,
                source,
                ..
            } => {
                let owner = owner
                    .as_ref()
                    .map_or("-".to_string(), |o| format!("{}:{}", o.user, o.group));
                let digest = plan::sha256(content);
                if *secret {
                    (
                        format!("mode {mode:o} owner {owner} from {source}"),
                        Some(digest),
                    )
                } else {
                    (
                        format!(
                            "mode {mode:o} owner {owner} from {source} content sha256:{digest}"
                        ),
                        None,
                    )
                }
            }
            other => (
                serde_json::to_string(other).unwrap_or_else(|e| e.to_string()),
                None,
            ),
        }
    }

    pub fn path(&self) -> Option<&str> {
        match self {
            Resource::Dir { path, .. }
            | Resource::File { path, .. }
            | Resource::Symlink { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// The file that records which routes jinbao added on a server, so it removes only its own.
pub const MANAGED_ROUTES: &str = "/var/lib/jinbao/routes.managed";

/// The unit that puts the managed routes back at boot.
pub const ROUTES_UNIT: &str = "jinbao-routes";

pub fn routes_unit() -> String {
    format!(
        "# /etc/systemd/system/{ROUTES_UNIT}.service: the routes jinbao manages on this server, put\n\
         # back at every boot from {list}. Written by jinbao provision.\n\
         [Unit]\nDescription=jinbao's routes onto the business network\n\
         After=network-online.target\nWants=network-online.target\n\n\
         [Service]\nType=oneshot\nRemainAfterExit=yes\n\
         ExecStart=/bin/sh -c 'while read -r line; do [ -n \"$$line\" ] && ip route replace $$line; done < {list}'\n\n\
         [Install]\nWantedBy=multi-user.target\n",
        list = MANAGED_ROUTES
    )
}

/// Where jinbao's runner keeps service state on servers without systemd.
pub const SERVICE_DIR: &str = "/var/lib/jinbao/services";
