//! What changed, cycle by cycle, as the province reads it (`jinbao data changes`): per county
//! and table, each load's rows new, changed, unchanged, missing and rejected (from the load
//! manifests), and the county's open problems after each full data check, up or down. Counts
//! only: no key or name of a person is read.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::{self, Account, Cell};
use crate::profile::Site;

#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(
        "{city}'s database is not on this jinbao's schema: its load manifests have no split of the rows (migration V012)"
    )]
    Outdated { city: String },
}

impl crate::error::Explain for ChangesError {
    fn exit(&self) -> crate::error::Exit {
        crate::error::Exit::Failure
    }

    fn hint(&self) -> Option<String> {
        match self {
            ChangesError::Outdated { city } => Some(format!("run `jinbao db migrate {city}`")),
            ChangesError::Db(_) => None,
        }
    }
}

/// One load of one table of a county: one cycle of it. The split is `None` for loads made
/// before jinbao kept it.
#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub entity: String,
    pub at: String,
    pub file: String,
    pub read: u64,
    pub new: Option<u64>,
    pub changed: Option<u64>,
    pub unchanged: Option<u64>,
    pub missing: Option<u64>,
    pub rejected: u64,
}

/// The county's open problems (violations of the data checks) after one full check, and how
/// many more (or fewer: negative) than after the check before.
#[derive(Debug, Clone, Serialize)]
pub struct Problems {
    pub at: String,
    pub open: u64,
    pub change: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyChanges {
    pub county: String,
    pub name: String,
    pub loads: Vec<Load>,
    pub problems: Vec<Problems>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CityChanges {
    pub city: String,
    pub counties: Vec<CountyChanges>,
    /// Lines of the city's data-check history that could not be read (named, not fatal).
    #[serde(skip)]
    pub unreadable: Vec<crate::state::Unreadable>,
}

/// What to show: one county or all, and from which day on.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub county: Option<&'a str>,
    pub since: Option<NaiveDate>,
}

/// The changes of one city's counties, oldest first.
pub fn city(site: &Site, state: &Path, filter: &Filter<'_>) -> Result<CityChanges, ChangesError> {
    let since = filter.since.map(|d| d.format("%Y-%m-%d").to_string());
    let after = |at: &str| since.as_deref().is_none_or(|s| at >= s);
    let mut loads = read_loads(site)?;
    let history = crate::state::data_checks::all_checks(state, site.pinyin());
    let mut counties = Vec::new();
    for (code, c) in &site.profile.counties {
        if filter.county.is_some_and(|f| f != code) {
            continue;
        }
        let mut problems = Vec::new();
        let mut before: Option<u64> = None;
        for check in &history.records {
            let open = check.by_county.get(code).copied().unwrap_or(0);
            let change = before.map(|b| open as i64 - b as i64);
            before = Some(open);
            if after(&check.time) {
                problems.push(Problems {
                    at: check.time.clone(),
                    open,
                    change,
                });
            }
        }
        counties.push(CountyChanges {
            county: code.clone(),
            name: c.name.clone(),
            loads: loads
                .remove(code)
                .unwrap_or_default()
                .into_iter()
                .filter(|l| after(&l.at))
                .collect(),
            problems,
        });
    }
    Ok(CityChanges {
        city: site.pinyin().to_string(),
        counties,
        unreadable: history.unreadable,
    })
}

/// Every load of the city, per county, oldest first.
fn read_loads(site: &Site) -> Result<BTreeMap<String, Vec<Load>>, ChangesError> {
    let mut out: BTreeMap<String, Vec<Load>> = BTreeMap::new();
    // an embedded database that was never made holds nothing (and is not made here)
    if db::never_made(&site.profile) {
        return Ok(out);
    }
    let mut conn = db::connect(&site.profile, Account::ReadOnly)?;
    if !conn.has_table("import_batch")? {
        return Ok(out);
    }
    let table = conn.dialect().table("import_batch");
    let sql = format!(
        "SELECT county_code, entity, CAST(finished_at AS TEXT), file_name, rows_read, \
         rows_new, rows_changed, rows_unchanged, rows_missing, rows_rejected \
         FROM {table} ORDER BY finished_at, import_id"
    );
    if !conn.has_column("import_batch", "rows_new")? {
        return Err(ChangesError::Outdated {
            city: site.pinyin().to_string(),
        });
    }
    let rows = conn.rows(&sql)?;
    for r in rows {
        let text = |i: usize| r.get(i).and_then(Cell::text).unwrap_or_default();
        let count = |i: usize| r.get(i).and_then(Cell::int).map(|n| n as u64);
        out.entry(text(0).trim_end().to_string())
            .or_default()
            .push(Load {
                entity: text(1),
                at: text(2),
                file: text(3),
                read: count(4).unwrap_or(0),
                new: count(5),
                changed: count(6),
                unchanged: count(7),
                missing: count(8),
                rejected: count(9).unwrap_or(0),
            });
    }
    Ok(out)
}
