//! What a rollout is asked to do (its options, how many servers at once) and what came of
//! each city: the words of the journal, the ledger and `--json`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Batch {
    All,
    Count(usize),
    Percent(u32),
}

impl std::str::FromStr for Batch {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.strip_suffix('%') {
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .map(Batch::Percent)
                .ok_or_else(|| format!("`{s}`: a percentage from 1% to 100%")),
            None => s
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .map(Batch::Count)
                .ok_or_else(|| format!("`{s}`: a number of servers, or a percentage like 25%")),
        }
    }
}

impl Batch {
    pub(super) fn sizes(self, n: usize) -> usize {
        match self {
            Batch::All => n.max(1),
            Batch::Count(c) => c,
            Batch::Percent(p) => (n * p as usize).div_ceil(100).max(1),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Options {
    pub max_parallel: usize,
    pub batch: Batch,
    pub max_failures: usize,
    pub no_pause: bool,
    pub migrate: bool,
    #[serde(with = "humantime_serde_secs")]
    pub lock_wait: Duration,
    #[serde(with = "humantime_serde_secs")]
    pub stale_after: Duration,
    pub provision: bool,
    /// Roll out a release older than one a city runs (refused otherwise).
    #[serde(default)]
    pub allow_downgrade: bool,
    /// Go on without a restore point where none can be taken, for this reason (audited).
    #[serde(default)]
    pub no_restore_point: Option<String>,
}

mod humantime_serde_secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_secs(u64::deserialize(d)?))
    }
}

/// How a city's rollout ended: the words of the journal, the release ledger and `--json` (one
/// enum for all three; a rollout never ends `switched`, which is a rollback's).
pub use crate::state::ChangeResult as CityResult;

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub city: String,
    pub wave: String,
    pub from: Vec<String>,
    pub to: String,
    pub result: CityResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The backup taken before anything of the release could change the city database
    /// (`jinbao db restore CITY --before-run RUN`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_point: Option<String>,
    pub ms: u64,
    /// Changes made: resources provisioned plus servers switched.
    pub changes: u64,
    /// The release's transfer into the city: bytes jinbao sent and how (omitted when nothing
    /// was sent this run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer: Option<super::transfer::Sent>,
    /// Refused because another run holds the city's lock (exit 4, not a failure of its own).
    #[serde(skip)]
    pub blocked: bool,
}
