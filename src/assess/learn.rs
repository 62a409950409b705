//! What the commands that change or inspect a site teach the assessment: the facts a milestone
//! needs that no other history keeps (was provisioning clean, where did the schema stand).
//! Commands call these when they finish; each returns what it learnt, written or not.

use std::path::Path;

use crate::db::Account;
use crate::health::{Check, Status};
use crate::profile::{Profiles, Site};
use crate::release::journal::{Event, EventKind};
use crate::state::facts::{self, Fact};

/// Provisioning's verdict on one site's servers.
pub fn provision(
    state: &Path,
    site: &str,
    by: &str,
    hosts: usize,
    pending: usize,
) -> std::io::Result<bool> {
    facts::record(
        state,
        site,
        by,
        Fact::Provision {
            clean: pending == 0,
            hosts,
            pending,
        },
    )
}

/// Where the site's schema stands now, asked read-only; None when there is nothing to ask
/// (no embedded database yet) or it cannot be asked (then nothing is learnt).
pub fn schema_now(site: &Site, templates: &Path, drift: Option<bool>) -> Option<Fact> {
    let p = &site.profile;
    if crate::db::never_made(p) {
        return None;
    }
    let migrations = crate::schema::of_engine(templates, p.database.engine).ok()?;
    let mut store = crate::schema::open(p, Account::ReadOnly).ok()?;
    let status = crate::schema::status(&migrations, &store.applied().ok()?);
    Some(Fact::Schema {
        current: status.current,
        latest: status.latest,
        drift,
    })
}

/// Records where the site's schema stands now (see [`schema_now`]).
pub fn schema(
    state: &Path,
    site: &Site,
    templates: &Path,
    by: &str,
    drift: Option<bool>,
) -> std::io::Result<bool> {
    match schema_now(site, templates, drift) {
        Some(fact) => facts::record(state, site.pinyin(), by, fact),
        None => Ok(false),
    }
}

/// What a rollout's journal says about provisioning: a city whose `provision` step passed
/// is clean, one whose rollout failed in provisioning is not. Returns the cities concerned.
pub fn rollout_provisioning(
    state: &Path,
    profiles: &Profiles,
    events: &[Event],
) -> std::io::Result<Vec<String>> {
    let mut cities = Vec::new();
    for e in events {
        let (city, clean) = match &e.kind {
            EventKind::Step {
                city,
                host: None,
                step,
                ok: true,
                ..
            } if step == "provision" => (city, true),
            EventKind::CityDone {
                city,
                reason: Some(why),
                ..
            } if why.starts_with("provision:") => (city, false),
            _ => continue,
        };
        let hosts = profiles
            .find(city)
            .map_or(0, |s| s.profile.datacenter.servers.len());
        facts::record(
            state,
            city,
            "rollout --provision",
            Fact::Provision {
                clean,
                hosts,
                pending: usize::from(!clean),
            },
        )?;
        cities.push(city.clone());
    }
    Ok(cities)
}

/// What a health run's `schema` and `drift` checks saw, asked again for the numbers: a site
/// whose schema was checked records where it stands, and whether its drift check passed.
pub fn from_health(
    state: &Path,
    sites: &[&Site],
    templates: &Path,
    checks: &[Check],
) -> std::io::Result<()> {
    for site in sites {
        let mine = |name: &str| {
            checks
                .iter()
                .find(|c| c.city == site.pinyin() && c.host.is_none() && c.check == name)
        };
        if mine("schema").is_none_or(|c| c.status == Status::Unknown) {
            continue;
        }
        let drift = mine("drift")
            .filter(|c| c.status != Status::Unknown)
            .map(|c| c.status != Status::Ok);
        schema(state, site, templates, "health", drift)?;
    }
    Ok(())
}
