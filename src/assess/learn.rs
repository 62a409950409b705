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

/// A fact for the assessment that could not be recorded: the command that learnt it warns and
/// goes on (its own work is done).
#[derive(Debug, Clone, PartialEq)]
pub struct NotRecorded(pub String);

impl std::fmt::Display for NotRecorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `result` as a warning when it failed.
pub fn recorded<T>(what: &str, result: std::io::Result<T>) -> Option<NotRecorded> {
    result
        .err()
        .map(|e| NotRecorded(format!("cannot record {what} for the assessment: {e}")))
}

/// Assesses every site and keeps today's snapshot.
pub fn keep_snapshot(profiles: &Profiles, state: &Path) -> Vec<NotRecorded> {
    match super::record_snapshot(profiles, state) {
        Ok(path) => {
            tracing::info!("assessment snapshot {}", path.display());
            Vec::new()
        }
        Err(e) => {
            let mut causes = Vec::new();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                causes.push(c.to_string());
                cause = c.source();
            }
            vec![NotRecorded(format!("{e}: {}", causes.join(": ")))]
        }
    }
}

/// What a health run teaches (where each checked schema stands), then the day's snapshot.
pub fn after_health(
    profiles: &Profiles,
    state: &Path,
    sites: &[&Site],
    checks: &[Check],
) -> Vec<NotRecorded> {
    let learnt = from_health(state, sites, &profiles.templates_dir, checks);
    let mut out: Vec<NotRecorded> = recorded("schema facts", learnt).into_iter().collect();
    out.extend(keep_snapshot(profiles, state));
    out
}

/// What a rollout teaches (provisioning from its journal, where the schema of each city it
/// reached stands), then the day's snapshot.
pub fn after_rollout(
    profiles: &Profiles,
    state: &Path,
    run: &str,
    sites: &[&Site],
) -> Vec<NotRecorded> {
    let events = crate::release::journal::read(state, run).unwrap_or_default();
    let mut out: Vec<NotRecorded> = recorded(
        "provisioning facts",
        rollout_provisioning(state, profiles, &events),
    )
    .into_iter()
    .collect();
    let reached = |city: &str| {
        events.iter().any(|e| {
            matches!(&e.kind, EventKind::CityDone { city: c, result, .. }
                if c == city && result != "skipped")
        })
    };
    for site in sites.iter().filter(|s| reached(s.pinyin())) {
        let learnt = schema(state, site, &profiles.templates_dir, "rollout", None);
        out.extend(recorded("schema facts", learnt));
    }
    out.extend(keep_snapshot(profiles, state));
    out
}

/// Where each site's schema stands now (and, from `db drift`, whether it drifted); a site
/// whose database cannot be asked teaches nothing.
pub fn after_schema(
    profiles: &Profiles,
    state: &Path,
    sites: &[&Site],
    by: &str,
    drift: &dyn Fn(&str) -> Option<bool>,
) -> Vec<NotRecorded> {
    sites
        .iter()
        .filter_map(|site| {
            let learnt = schema(
                state,
                site,
                &profiles.templates_dir,
                by,
                drift(site.pinyin()),
            );
            recorded("the schema", learnt)
        })
        .collect()
}
