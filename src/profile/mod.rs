//! Profiles: the province defaults, one file per city, environment overlays and command-line
//! overrides, merged into one effective profile per site (a city or the province center).
//!
//! Precedence, lowest to highest, is the order of [`Layer`]. Tables merge key by key (so one
//! server, route or county can be added or changed by name); arrays and plain values are
//! replaced whole by the higher layer.

pub mod assessment;
mod load;
pub mod maintenance;
mod merge;
pub mod model;
pub mod rate;
pub mod safe;
pub mod secret;
pub mod source;
pub mod target;
mod validate;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use load::{LoadOptions, known_envs, load};
pub use merge::Origin;
pub use model::*;
pub use source::{KeyPath, ProfileFile, dotted};

/// Where a value can come from, lowest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// Compiled into jinbao (src/profile/builtin.toml).
    Builtin,
    /// `province.toml`: `[defaults]` for every site, `[center]` for the province center.
    Province,
    /// `cities/<pinyin>.toml`.
    City,
    /// `env/<name>.toml`: `[defaults]` for every site, then `[cities.<pinyin>]` / `[province]`.
    Environment,
    /// `--set key=value` on the command line.
    CommandLine,
}

/// `province.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvinceFile {
    pub province: ProvinceInfo,
    /// Rollout waves, in the order they run.
    #[serde(default)]
    pub waves: Vec<WaveDef>,
    /// Folder of templates, relative to the profiles folder (default "../templates").
    #[serde(default)]
    pub templates: Option<String>,
    /// The province data center itself.
    #[serde(default)]
    pub center: SiteProfile,
    /// Defaults every site starts from.
    #[serde(default)]
    pub defaults: SiteProfile,
    /// How the province assesses its cities: weights, thresholds, planned wave dates.
    #[serde(default)]
    pub assessment: assessment::AssessmentConfig,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProvinceInfo {
    pub code: String,
    pub name: String,
    pub pinyin: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaveDef {
    pub name: String,
    #[serde(default)]
    pub title: String,
    /// Cities the province pins to this wave (optional: cities name their wave themselves).
    #[serde(default)]
    pub cities: Vec<String>,
}

/// `env/<name>.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvFile {
    #[serde(default)]
    pub description: String,
    /// A protected environment (production) must be chosen with `--env` on the command line.
    #[serde(default)]
    pub protected: bool,
    #[serde(default)]
    pub defaults: SiteProfile,
    #[serde(default)]
    pub province: SiteProfile,
    #[serde(default)]
    pub cities: BTreeMap<String, SiteProfile>,
    /// The simulated hosts this environment expects (read by tests/testbed/hosts).
    #[serde(default)]
    pub testbed: Option<TestbedDecl>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TestbedDecl {
    /// How many hosts (h1..hN).
    pub hosts: u32,
    /// Hosts reachable only through another one: inner host -> its gateway host.
    #[serde(default)]
    pub behind: BTreeMap<String, String>,
    /// Real Debian hosts with systemd (`hosts up --os`) rather than namespaces with an sshd.
    #[serde(default)]
    pub os: bool,
    /// hN is 10.203.(base+N).2.
    #[serde(default)]
    pub base: u32,
    /// The host serving the province's package mirror: `{ host = "h1", server = "…" }`.
    #[serde(default)]
    pub mirror: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteKind {
    Province,
    City,
}

/// One data center with its effective profile.
#[derive(Debug)]
pub struct Site {
    pub kind: SiteKind,
    pub profile: SiteProfile,
    /// The merged values, as TOML, for `profile show` and `profile diff`.
    pub merged: toml::Table,
    /// Which layer and file every merged value came from.
    pub origins: BTreeMap<KeyPath, Origin>,
}

impl Site {
    pub fn pinyin(&self) -> &str {
        &self.profile.city.pinyin
    }
    pub fn code(&self) -> &str {
        &self.profile.city.code
    }
    pub fn name(&self) -> &str {
        &self.profile.city.name
    }
    pub fn is_province(&self) -> bool {
        self.kind == SiteKind::Province
    }

    /// True when `query` names this site: pinyin, code, or Chinese name with or without 市/省.
    pub fn answers_to(&self, query: &str) -> bool {
        let q = query.trim();
        let name = self.name();
        let short = name.trim_end_matches(['市', '省']);
        q.eq_ignore_ascii_case(self.pinyin())
            || q == self.code()
            || q == name
            || (!short.is_empty() && q == short)
            || (self.is_province() && q.eq_ignore_ascii_case("province"))
    }
}

/// Every site's effective profile in one environment.
#[derive(Debug)]
pub struct Profiles {
    pub dir: PathBuf,
    pub env: EnvInfo,
    pub province: ProvinceInfo,
    pub waves: Vec<WaveDef>,
    pub assessment: assessment::AssessmentConfig,
    pub templates_dir: PathBuf,
    pub state_dir: PathBuf,
    /// The province center first, then the cities in code order.
    pub sites: Vec<Site>,
    pub testbed: Option<TestbedDecl>,
    files: Vec<ProfileFile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnvInfo {
    pub name: String,
    pub description: String,
    pub protected: bool,
}

/// Something of one city's site (a server): the profiles find its site by the city's pinyin.
pub trait OfCity {
    fn city(&self) -> &str;
}

impl Profiles {
    pub fn cities(&self) -> impl Iterator<Item = &Site> {
        self.sites.iter().filter(|s| !s.is_province())
    }

    pub fn province_site(&self) -> &Site {
        &self.sites[0]
    }

    pub fn find(&self, query: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.answers_to(query))
    }

    /// The site of a server. Servers are only ever made from these profiles' sites
    /// (`inventory::hosts`), so each has one; a server of other profiles is a bug.
    pub fn of_host(&self, host: &impl OfCity) -> &Site {
        self.sites
            .iter()
            .find(|s| s.pinyin() == host.city())
            .expect("a server of these profiles")
    }

    /// The wave's position in the rollout order (unknown waves last).
    pub fn wave_rank(&self, wave: &str) -> usize {
        self.waves
            .iter()
            .position(|w| w.name == wave)
            .unwrap_or(self.waves.len())
    }

    /// `file:line` of a merged value, or the layer's name when it has no file.
    pub fn describe_origin(&self, origin: &Origin) -> String {
        origin.describe(&self.files)
    }
}
