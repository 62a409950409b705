//! Where a city's backups are kept and how they are taken: whole copies in the records for
//! an SQLite database, pgBackRest for a PostgreSQL server jinbao builds (with the province's
//! backup host). Every caller asks the store; only the store knows which.

use std::path::Path;

use super::pgbackrest::{self, Pg};
use super::{Backup, Drill, Point, Reason, Result};
use crate::profile::{Profiles, Site, SiteProfile};
use crate::progress::Progress;

pub enum Store<'a> {
    /// SQLite's online backup into the environment's records.
    Files,
    /// pgBackRest, to the province's backup host.
    PgBackRest(Box<Pg<'a>>),
}

/// The store of `site`'s backups.
pub fn store<'a>(profiles: &'a Profiles, site: &'a Site, progress: &Progress) -> Store<'a> {
    match Pg::of(profiles, site, progress) {
        Some(pg) => Store::PgBackRest(Box::new(pg)),
        None => Store::Files,
    }
}

/// Where a restore `--into` put the database.
pub struct Into {
    /// The file, or `database NAME on SERVER`.
    pub place: String,
    /// What `data compare --source` takes to compare it with the live one.
    pub source: String,
    /// The rows of every table it holds.
    pub tables: std::collections::BTreeMap<String, i64>,
}

impl Store<'_> {
    /// A backup now (`db backup`).
    pub fn take(&self, p: &SiteProfile, records: &Path, reason: Reason) -> Result<Backup> {
        match self {
            Store::Files => super::take(p, records, reason),
            Store::PgBackRest(pg) => {
                let _lock = super::city_lock(records, &p.city.pinyin)?;
                pg.take(records, reason, "full")
            }
        }
    }

    /// A restore point before a change (`db migrate`, a rollout): a backup of an SQLite
    /// database; a named point in the log of a PostgreSQL one.
    pub fn restore_point(&self, p: &SiteProfile, records: &Path, reason: Reason) -> Result<Backup> {
        match self {
            Store::Files => super::take(p, records, reason),
            Store::PgBackRest(pg) => {
                let _lock = super::city_lock(records, &p.city.pinyin)?;
                pg.point(records, reason)
            }
        }
    }

    /// The backup a restore starts from.
    pub fn find(&self, p: &SiteProfile, records: &Path, point: &Point) -> Result<Backup> {
        match (self, point) {
            (Store::PgBackRest(_), Point::Time(t)) => Ok(pgbackrest::at_time(&p.city.pinyin, *t)),
            (Store::PgBackRest(_), _) => {
                let (backups, _) = super::list(records, &p.city.pinyin);
                super::find_in(&backups, &p.city.pinyin, point)
            }
            (Store::Files, _) => super::find(p, records, point),
        }
    }

    /// Restores `b` into a new database `name` beside the live one.
    pub fn restore_into(
        &self,
        p: &SiteProfile,
        records: &Path,
        b: &Backup,
        name: &str,
    ) -> Result<Into> {
        match self {
            Store::Files => {
                let path = super::into_path(p, name)?;
                super::restore_into(p, records, b, &path)?;
                Ok(Into {
                    place: path.display().to_string(),
                    source: path.display().to_string(),
                    tables: b.tables.clone(),
                })
            }
            Store::PgBackRest(pg) => {
                let _lock = super::city_lock(records, &p.city.pinyin)?;
                let c = pg.restore_into(b, name)?;
                Ok(Into {
                    place: format!("database {name} on {}", pg.db_server()),
                    source: crate::db::dsn_of_database(p, name).unwrap_or_else(|| name.to_string()),
                    tables: c.tables,
                })
            }
        }
    }

    /// Replaces the live database with `b`; the backup of the live one kept first.
    pub fn restore_in_place(
        &self,
        p: &SiteProfile,
        records: &Path,
        b: &Backup,
    ) -> Result<Option<Backup>> {
        match self {
            Store::Files => super::restore_in_place(p, records, b),
            Store::PgBackRest(pg) => {
                let _lock = super::city_lock(records, &p.city.pinyin)?;
                Ok(pg.restore_in_place(records, b)?.0)
            }
        }
    }

    /// Drills the latest backup and records the result.
    pub fn drill(&self, p: &SiteProfile, records: &Path) -> Result<Drill> {
        let b = self.find(p, records, &Point::Latest)?;
        match self {
            Store::Files => super::drill(p, records, &b),
            Store::PgBackRest(pg) => {
                let _lock = super::city_lock(records, &p.city.pinyin)?;
                let d = pg.drill(&b)?;
                crate::state::backups::record_drill(records, &d).map_err(|e| {
                    super::file_error(&crate::state::backups::folder(records, &b.city), e)
                })?;
                Ok(d)
            }
        }
    }

    /// The repository, when pgBackRest keeps the backups.
    pub fn pg(&self) -> Option<&Pg<'_>> {
        match self {
            Store::PgBackRest(pg) => Some(pg),
            Store::Files => None,
        }
    }
}

impl std::fmt::Debug for Store<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Store::Files => "Store::Files",
            Store::PgBackRest(_) => "Store::PgBackRest",
        })
    }
}
