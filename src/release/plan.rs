//! `rollout plan` and `rollout apply`: what a rollout would do, per city and server, with the
//! facts it relies on, written to a file that a later apply executes exactly — refusing a city
//! whose facts moved since.

use serde::{Deserialize, Serialize};

use super::Release;
use super::remote::{self, ServerFacts};
use super::rollout::{Expected, Options};
use crate::fleet::Fleet;
use crate::profile::{Profiles, Site};
use crate::progress::Progress;

/// The plan file's format version.
pub const PLAN_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanFile {
    pub version: u32,
    pub created: String,
    pub env: String,
    pub release: PlanRelease,
    pub options: Options,
    pub cities: Vec<PlanCity>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanRelease {
    pub path: String,
    pub name: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanCity {
    pub city: String,
    pub wave: String,
    /// The health check the city's gate runs, and where it comes from.
    #[serde(default)]
    pub health: String,
    pub servers: Vec<PlanServer>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanServer {
    pub host: String,
    pub label: String,
    pub facts: Option<ServerFacts>,
    pub steps: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the plan {path} cannot be read: {why}")]
    Unreadable { path: String, why: String },
    #[error("the plan was made for environment `{0}`")]
    OtherEnv(String),
    #[error("the release's tarball changed since the plan was made")]
    ReleaseChanged,
}

impl crate::error::Explain for PlanError {
    /// A plan that cannot be applied is the command line's to change (exit 2).
    fn exit(&self) -> crate::error::Exit {
        crate::error::Exit::Usage
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            PlanError::Unreadable { .. } => "make a new plan with `jinbao rollout plan`".into(),
            PlanError::OtherEnv(env) => format!("run with --env {env}"),
            PlanError::ReleaseChanged => "make a new plan".into(),
        })
    }
}

impl PlanFile {
    /// True when a server could not be reached while planning.
    pub fn unreachable(&self) -> bool {
        self.cities
            .iter()
            .flat_map(|c| &c.servers)
            .any(|s| s.error.is_some())
    }

    /// The facts each server must still have when the plan is applied.
    pub fn expected(&self) -> Expected {
        self.cities
            .iter()
            .flat_map(|c| &c.servers)
            .filter_map(|s| Some((s.label.clone(), s.facts.clone()?)))
            .collect()
    }

    /// Reads a plan file written by `rollout plan --out`.
    pub fn read(path: &std::path::Path) -> Result<Self, PlanError> {
        let unreadable = |why: String| PlanError::Unreadable {
            path: path.display().to_string(),
            why,
        };
        let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))
    }

    /// The plan may be applied in this environment with this release.
    pub fn check(&self, env: &str, release: &Release) -> Result<(), PlanError> {
        if self.env != env {
            return Err(PlanError::OtherEnv(self.env.clone()));
        }
        if release.manifest.sha256 != self.release.sha256 {
            return Err(PlanError::ReleaseChanged);
        }
        Ok(())
    }
}

/// Asks every app and web server of `sites` what it has (one round trip each, no change) and
/// writes down the steps a rollout of `release` would take there.
pub fn make(
    profiles: &Profiles,
    progress: &Progress,
    release: &Release,
    sites: &[&Site],
    options: &Options,
    forks: usize,
    accept_new_host_keys: bool,
) -> PlanFile {
    let fleet = Fleet::of_sites(
        sites,
        None,
        crate::inventory::Host::runs_app,
        forks,
        accept_new_host_keys,
    );
    let v = release.manifest.version.clone();
    let facts = remote::preflight_app_servers(profiles, &fleet, progress, "preflight", &v);
    let mut cities: Vec<PlanCity> = sites
        .iter()
        .map(|s| PlanCity {
            city: s.pinyin().into(),
            wave: s.profile.city.wave.clone(),
            health: super::rollout::health_source(&s.profile, release.manifest.health.as_deref()),
            servers: Vec::new(),
        })
        .collect();
    for r in facts {
        let h = fleet.host(r.index);
        let (facts, error) = match r.result {
            Ok(f) => (Some(f), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let steps = match &facts {
            Some(f)
                if f.current.as_deref() == Some(v.as_str())
                    && f.target_sha256.as_deref() == Some(&release.manifest.sha256) =>
            {
                vec!["none".into()]
            }
            Some(f) => {
                let mut s = Vec::new();
                if f.target_sha256.is_none() {
                    s.push("upload".to_string());
                }
                s.extend(["switch", "restart", "health"].map(String::from));
                s
            }
            None => vec!["unreachable".into()],
        };
        if let Some(c) = cities.iter_mut().find(|c| c.city == h.city) {
            c.servers.push(PlanServer {
                host: h.name.clone(),
                label: h.label().into(),
                facts,
                steps,
                error,
            });
        }
    }
    PlanFile {
        version: PLAN_VERSION,
        created: crate::clock::now().to_rfc3339(),
        env: profiles.env.name.clone(),
        release: PlanRelease {
            path: release
                .tarball
                .canonicalize()
                .unwrap_or(release.tarball.clone())
                .display()
                .to_string(),
            name: release.manifest.name.clone(),
            version: v,
            sha256: release.manifest.sha256.clone(),
        },
        options: options.clone(),
        cities,
    }
}
