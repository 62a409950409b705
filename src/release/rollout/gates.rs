//! The gates a city passes before anything changes on its servers: its database at the schema
//! version the release needs (migrated first with `--migrate`), and the row counts of its key
//! tables taken before the switch, for the data gate after it (`verify.rs`, `data_gate.rs`).

use std::time::{Duration, Instant};

use super::{CityResult, CityRun, Rollout, Stop, data_gate};
use crate::profile::Site;

/// Why a city's database is not at the schema version the release needs.
#[derive(Debug, thiserror::Error)]
pub enum SchemaGateError {
    #[error(transparent)]
    Store(#[from] crate::schema::StoreError),
    #[error(transparent)]
    Migrations(#[from] crate::schema::SetError),
    #[error(
        "the city database is at {}, the release needs V{need:03} (pass --migrate to migrate it first)",
        version_text(*.current)
    )]
    Behind { current: Option<u32>, need: u32 },
    #[error("migration {0} was edited after it was applied")]
    Edited(String),
    #[error("after migrating, the database is at {}, below V{need:03}", version_text(*.current))]
    StillBehind { current: Option<u32>, need: u32 },
}

/// `V003`, or `no schema`.
fn version_text(v: Option<u32>) -> String {
    v.map_or("no schema".into(), |c| format!("V{c:03}"))
}

impl Rollout<'_> {
    /// The schema gate, when the release names the schema it needs.
    pub(super) fn schema_step(&self, c: &CityRun) -> Result<(), Stop> {
        let Some(need) = self.release.manifest.schema else {
            return Ok(());
        };
        c.bar.set_message("schema");
        let began = Instant::now();
        let gate = self.schema_gate(c.site, need);
        self.span(&c.city, None, "schema", began, Instant::now());
        gate.map_err(|e| c.fail(CityResult::Failed, e.to_string()))
    }

    /// The key tables' row counts before the switch.
    pub(super) fn data_before(&self, c: &CityRun) -> data_gate::Counts {
        let began = Instant::now();
        let before = data_gate::counts(&c.site.profile);
        self.span(&c.city, None, "data-gate", began, Instant::now());
        before
    }

    fn schema_gate(&self, site: &Site, need: u32) -> Result<(), SchemaGateError> {
        let status = |account| -> Result<Option<u32>, SchemaGateError> {
            let mut store = crate::schema::open(&site.profile, account)?;
            Ok(store.applied()?.iter().map(|a| a.version).max())
        };
        let current = status(crate::db::Account::ReadOnly)?;
        if current.is_some_and(|c| c >= need) {
            return Ok(());
        }
        if !self.opts.migrate {
            return Err(SchemaGateError::Behind { current, need });
        }
        let migrations =
            crate::schema::of_engine(&self.profiles.templates_dir, site.profile.database.engine)?;
        let mut store = crate::schema::open(&site.profile, crate::db::Account::Migrator)?;
        store.lock(Duration::from_secs(600), &mut |_| {})?;
        let result = (|| -> Result<usize, SchemaGateError> {
            let applied = store.applied()?;
            let status = crate::schema::status(&migrations, &applied);
            if let Some(m) = status.checksum_mismatches.first() {
                return Err(SchemaGateError::Edited(m.file.clone()));
            }
            let by = format!(
                "{} (rollout {})",
                crate::operator::operator(),
                self.journal.run
            );
            let mut n = 0;
            for m in migrations
                .iter()
                .filter(|m| status.pending.contains(&m.version))
            {
                store.apply(m, &by)?;
                n += 1;
            }
            Ok(n)
        })();
        store.unlock();
        let applied_now = result.as_ref().map_or(true, |n| *n > 0);
        if applied_now {
            self.audit(
                "db migrate",
                site,
                format!(
                    "{}: to V{need:03} or later (rollout {})",
                    crate::db::describe(&site.profile),
                    self.journal.run
                ),
                if result.is_ok() { "ok" } else { "failed" },
                Some(format!(
                    "database account {}",
                    site.profile.database.roles.migrator.user
                )),
            );
        }
        self.step(
            site.pinyin(),
            None,
            "migrate",
            result.is_ok(),
            result
                .as_ref()
                .err()
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
        result?;
        match status(crate::db::Account::ReadOnly)? {
            Some(c) if c >= need => Ok(()),
            current => Err(SchemaGateError::StillBehind { current, need }),
        }
    }
}
