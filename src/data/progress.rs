//! Concentration progress (数据向上集中): which county's data is in its city's center, and how
//! good. Read from the load manifests (`import_batch`), the city's tables and the last data
//! check: per county and entity, loaded or not and the last import; per city the share of
//! counties fully loaded against the deadline of the profile (`data.concentration_deadline`).
//! `jinbao data progress` shows it, `jinbao status` shows its share, and the assessment of
//! cities uses [`city`].

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::{self, Account};
use crate::profile::Site;

/// The entities a county must have sent for its data to count as concentrated.
pub const CORE: &[&str] = &["person", "employer", "enrolment", "contribution"];

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("{0}")]
    Pg(String),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("data.concentration_deadline of {city}: `{value}` is not a date YYYY-MM-DD")]
    Deadline { city: String, value: String },
}

/// The last load of one file of a county's entity.
#[derive(Debug, Clone, Serialize)]
pub struct LastImport {
    pub at: String,
    pub file: String,
    pub sha256: String,
    pub read: u64,
    pub loaded: u64,
    pub rejected: u64,
    /// What it changed (null for a load made before jinbao kept the split).
    pub change: Option<Change>,
}

/// What a load changed: rows new, changed and newly missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Change {
    pub new: u64,
    pub changed: u64,
    pub missing: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityProgress {
    pub entity: String,
    pub loaded: bool,
    pub last_import: Option<LastImport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyProgress {
    pub county: String,
    pub name: String,
    pub entities: Vec<EntityProgress>,
    /// Every core entity loaded (persons, employers, enrolments, contributions).
    pub loaded: bool,
    /// When the county's last file was loaded.
    pub last_import: Option<String>,
    /// Rows the latest load of each entity brought.
    pub rows: u64,
    /// Rows the latest load of each entity rejected.
    pub rejected: u64,
    /// Contributions in the city against the latest load's manifest: `ok`, `differs`, or
    /// `-` before any load.
    pub reconciliation: String,
    /// Violations in the county at the last data check (None: never checked).
    pub open_problems: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CityProgress {
    pub city: String,
    pub deadline: Option<String>,
    /// Counties fully loaded / counties (0 to 1).
    pub share_loaded: f64,
    pub counties: Vec<CountyProgress>,
    /// A county is past the deadline and not fully loaded.
    pub overdue: bool,
    /// Lines of the data-check history that could not be read (the command warns of each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<crate::state::Unreadable>,
}

/// The city's deadline from its profile.
pub fn deadline(site: &Site) -> Result<Option<NaiveDate>, ProgressError> {
    let text = site.profile.data.concentration_deadline.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ProgressError::Deadline {
            city: site.pinyin().to_string(),
            value: text.to_string(),
        })
}

/// (county, entity) → latest load; and county → contribution rows in the city.
type Loads = (
    BTreeMap<(String, String), LastImport>,
    BTreeMap<String, u64>,
);

fn read_loads(site: &Site, with_rows: bool) -> Result<Loads, ProgressError> {
    // an embedded database that was never made holds nothing (and is not made here)
    if db::never_made(&site.profile) {
        return Ok(Default::default());
    }
    let mut conn = db::connect(&site.profile, Account::ReadOnly)?;
    if !conn.has_table("import_batch")? {
        return Ok(Default::default());
    }
    let batches = "SELECT county_code, entity, CAST(finished_at AS TEXT), file_name, file_sha256, \
         rows_read, rows_loaded, rows_rejected, import_id, rows_new, rows_changed, rows_missing \
         FROM import_batch ORDER BY finished_at, import_id";
    let counts = "SELECT county_code, count(*) FROM contribution GROUP BY county_code";
    let mut latest = BTreeMap::new();
    let mut rows = BTreeMap::new();
    // a database not migrated to V012 has no split: its loads without one
    let found = if conn.has_column("import_batch", "rows_new")? {
        conn.rows(batches)?
    } else {
        conn.rows(&batches.replace(", rows_new, rows_changed, rows_missing", ""))?
    };
    let text = |r: &[db::Cell], i: usize| r.get(i).and_then(db::Cell::text).unwrap_or_default();
    let int = |r: &[db::Cell], i: usize| r.get(i).and_then(db::Cell::int);
    for r in found {
        let n = |i: usize| int(&r, i).unwrap_or(0) as u64;
        let change = match (int(&r, 9), int(&r, 10), int(&r, 11)) {
            (Some(new), Some(changed), Some(missing)) => Some(Change {
                new: new as u64,
                changed: changed as u64,
                missing: missing as u64,
            }),
            _ => None,
        };
        latest.insert(
            (text(&r, 0).trim_end().to_string(), text(&r, 1)),
            LastImport {
                at: text(&r, 2),
                file: text(&r, 3),
                sha256: text(&r, 4),
                read: n(5),
                loaded: n(6),
                rejected: n(7),
                change,
            },
        );
    }
    if with_rows {
        for r in conn.rows(counts)? {
            rows.insert(
                text(&r, 0).trim_end().to_string(),
                int(&r, 1).unwrap_or(0) as u64,
            );
        }
    }
    Ok((latest, rows))
}

/// The concentration progress of one city. `today` decides what is overdue; `reconcile`
/// also counts the city's contributions per county (one grouped scan), which `status` skips.
pub fn city(
    site: &Site,
    state: &Path,
    today: NaiveDate,
    reconcile: bool,
) -> Result<CityProgress, ProgressError> {
    let deadline = deadline(site)?;
    let (latest, contribution_rows) = read_loads(site, reconcile)?;
    let (last_check, unreadable) = crate::state::data_checks::last_check(state, site.pinyin());
    let mut counties = Vec::new();
    for (code, c) in &site.profile.counties {
        let entities: Vec<EntityProgress> = super::format::ENTITIES
            .iter()
            .map(|e| {
                let last = latest.get(&(code.clone(), e.name.to_string())).cloned();
                EntityProgress {
                    entity: e.name.to_string(),
                    loaded: last.as_ref().is_some_and(|l| l.loaded > 0),
                    last_import: last,
                }
            })
            .collect();
        let loaded = CORE
            .iter()
            .all(|core| entities.iter().any(|e| e.entity == *core && e.loaded));
        let imports = entities.iter().filter_map(|e| e.last_import.as_ref());
        let reconciliation = match latest.get(&(code.clone(), "contribution".to_string())) {
            None => "-".to_string(),
            Some(_) if !reconcile => "-".to_string(),
            // every load of the county's contributions merges into its rows: the latest
            // manifest's rows are all there, and no more unless earlier loads added others
            Some(l) => {
                let have = contribution_rows.get(code).copied().unwrap_or(0);
                if have >= l.loaded && have > 0 {
                    "ok".to_string()
                } else {
                    format!("differs ({have} rows for {} loaded)", l.loaded)
                }
            }
        };
        counties.push(CountyProgress {
            county: code.clone(),
            name: c.name.clone(),
            loaded,
            last_import: imports.clone().map(|i| i.at.clone()).max(),
            rows: imports.clone().map(|i| i.loaded).sum(),
            rejected: imports.map(|i| i.rejected).sum(),
            reconciliation,
            open_problems: last_check
                .as_ref()
                .map(|c| c.by_county.get(code).copied().unwrap_or(0)),
            entities,
        });
    }
    let done = counties.iter().filter(|c| c.loaded).count();
    let share_loaded = if counties.is_empty() {
        1.0
    } else {
        done as f64 / counties.len() as f64
    };
    let overdue = deadline.is_some_and(|d| d < today) && done < counties.len();
    Ok(CityProgress {
        city: site.pinyin().to_string(),
        deadline: deadline.map(|d| d.format("%Y-%m-%d").to_string()),
        share_loaded,
        counties,
        overdue,
        unreadable,
    })
}

fn recorded_path(state: &Path, city: &str) -> std::path::PathBuf {
    state.join("data-progress").join(format!("{city}.json"))
}

/// Keeps a city's progress in the state folder (`data-progress/<city>.json`), for what reads
/// only the state folder (`status`, the assessment). `data import` and `data progress` write it.
pub fn record(state: &Path, p: &CityProgress) -> std::io::Result<()> {
    let path = recorded_path(state, &p.city);
    if let Some(dir) = path.parent() {
        crate::files::private_dir(dir)?;
    }
    let json = serde_json::to_vec_pretty(p).map_err(std::io::Error::other)?;
    crate::files::write_atomic(&path, &json)
}

/// The counties of a city as last recorded (None before the city's first import).
pub struct Recorded {
    pub counties: usize,
    /// How many are fully loaded.
    pub loaded: usize,
    /// The codes of those that are not.
    pub missing: Vec<String>,
    /// When the last of its imports finished, as recorded.
    pub last_import: Option<String>,
    /// What the latest load of each county's tables changed, summed (None before any load
    /// that kept the split).
    pub last_cycle: Option<Change>,
}

/// The counties of a city as last recorded (None before the city's first import).
pub fn last_recorded(
    state: &Path,
    city: &str,
) -> Result<Option<Recorded>, crate::state::Unreadable> {
    let path = recorded_path(state, city);
    let bad = |line: usize, why: String| crate::state::Unreadable {
        file: path.display().to_string(),
        line: line as u64,
        why,
    };
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(bad(0, e.to_string())),
    };
    let v: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| bad(e.line(), format!("not a progress record ({e})")))?;
    let counties = v["counties"]
        .as_array()
        .ok_or_else(|| bad(0, "not a progress record (no counties)".into()))?;
    let missing: Vec<String> = counties
        .iter()
        .filter(|c| c["loaded"] != true)
        .filter_map(|c| c["county"].as_str().map(str::to_string))
        .collect();
    let last_import = counties
        .iter()
        .filter_map(|c| c["last_import"].as_str())
        .max()
        .map(str::to_string);
    let changes: Vec<Change> = counties
        .iter()
        .filter_map(|c| c["entities"].as_array())
        .flatten()
        .filter_map(|e| serde_json::from_value(e["last_import"]["change"].clone()).ok())
        .collect();
    let last_cycle = (!changes.is_empty()).then(|| {
        changes.iter().fold(Change::default(), |a, c| Change {
            new: a.new + c.new,
            changed: a.changed + c.changed,
            missing: a.missing + c.missing,
        })
    });
    Ok(Some(Recorded {
        counties: counties.len(),
        loaded: counties.len() - missing.len(),
        missing,
        last_import,
        last_cycle,
    }))
}
