//! `data check` of one city: its rules compiled for its engine and run inside its database,
//! several at once, each violating row streamed once through the counts, the samples and, when
//! asked, the problem-data lists; then "fixed since the last check" from the keys it kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use super::csv_out::OutEncoding;
use super::history;
use super::rules::{self, Rule, RuleResult, Severity};
use crate::db::{self, Account, Conn};
use crate::profile::Site;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Rule(#[from] rules::RuleError),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("rule {rule}: {message}")]
    Run { rule: String, message: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Where problem-data lists go, and in which encoding.
#[derive(Debug, Clone)]
pub struct ListSpec {
    pub dir: PathBuf,
    pub encoding: OutEncoding,
}

/// What to check.
pub struct Spec<'a> {
    pub templates: &'a Path,
    /// Only these rules (all when empty).
    pub only: &'a [String],
    /// Rules run at once on the database.
    pub rule_jobs: usize,
    pub lists: Option<&'a ListSpec>,
}

/// The result of one city (the JSON of `data check --json` is a list of these).
#[derive(Debug, Serialize)]
pub struct CityCheck {
    pub city: String,
    pub score: f64,
    pub min_score: f64,
    pub rules: Vec<RuleResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Problem-data lists written: file and rows.
    #[serde(skip)]
    pub lists: Vec<(PathBuf, u64)>,
    /// The hash of every violating key, per rule (kept for "fixed since the last check").
    #[serde(skip)]
    pub keys: BTreeMap<String, Vec<i64>>,
}

impl CityCheck {
    pub fn failed_errors(&self) -> usize {
        self.failed(Severity::Error)
    }

    pub fn failed(&self, severity: Severity) -> usize {
        self.rules
            .iter()
            .filter(|x| !x.passed && x.severity == severity)
            .count()
    }

    /// Violations per county over every rule.
    pub fn by_county(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for r in &self.rules {
            for (c, n) in &r.by_county {
                *out.entry(c.clone()).or_default() += n;
            }
        }
        out
    }
}

/// The rules of a city (only those named when names are given), with what they take from its
/// profile (the contribution base limits).
pub fn selected(templates: &Path, site: &Site, only: &[String]) -> Result<Vec<Rule>, CheckError> {
    Ok(rules::load(templates, site.pinyin())?
        .into_iter()
        .filter(|r| only.is_empty() || only.contains(&r.name))
        .map(|mut r| {
            if r.kind == "base_limits" {
                r.limits = site.profile.data.contribution_base.clone();
            }
            r
        })
        .collect())
}

fn open(site: &Site) -> Result<Conn, CheckError> {
    let conn = db::connect(&site.profile, Account::ReadOnly)?;
    if let Conn::Lite(c) = &conn {
        rules::register_sqlite_functions(c)?;
    }
    Ok(conn)
}

/// Checks one city; a city that cannot be checked has `error` set.
pub fn city(site: &Site, spec: &Spec<'_>) -> CityCheck {
    let mut out = CityCheck {
        city: site.pinyin().to_string(),
        score: 0.0,
        min_score: site.profile.checks.data_min_score,
        rules: Vec::new(),
        error: None,
        lists: Vec::new(),
        keys: BTreeMap::new(),
    };
    if let Err(e) = run_rules(site, spec, &mut out) {
        out.error = Some(e.to_string());
    }
    out
}

fn run_rules(site: &Site, spec: &Spec<'_>, out: &mut CityCheck) -> Result<(), CheckError> {
    let rules = selected(spec.templates, site, spec.only)?;
    let compiled = rules
        .into_iter()
        .map(|r| {
            let sql = rules::compile(&r, site.profile.database.engine)?;
            Ok((r, sql))
        })
        .collect::<Result<Vec<_>, CheckError>>()?;
    // connections shared by the workers; the first opened here, so that a database that cannot
    // be reached is one error, not one per rule
    let pool = Mutex::new(vec![open(site)?]);
    let take = || pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
    let results = crate::parallel::map(&compiled, spec.rule_jobs, |(r, sql)| {
        let mut conn = match take() {
            Some(c) => c,
            None => open(site)?,
        };
        let start = Instant::now();
        let mut lists = spec.lists.map(|l| rules::Lists::new(&l.dir, l.encoding, r));
        let run = rules::run(
            &mut conn,
            sql,
            lists.as_mut().map(|l| l as &mut dyn rules::ListSink),
        );
        pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        let agg = run.map_err(|message| CheckError::Run {
            rule: r.name.clone(),
            message,
        })?;
        let written = match lists {
            Some(l) => l.finish()?,
            None => Vec::new(),
        };
        let result = RuleResult {
            name: r.name.clone(),
            kind: r.kind.clone(),
            severity: r.severity,
            description: r.description.clone(),
            violations: agg.violations,
            samples: agg
                .samples
                .iter()
                .map(|k| rules::mask_sample(r, k))
                .collect(),
            passed: agg.violations == 0,
            ms: start.elapsed().as_millis() as u64,
            by_county: agg.by_county,
            fixed: None,
        };
        Ok::<_, CheckError>((result, agg.key_hashes, written))
    });
    for r in results {
        let (result, keys, written) = r?;
        out.keys.insert(result.name.clone(), keys);
        out.lists.extend(written);
        out.rules.push(result);
    }
    out.score = rules::score(&out.rules);
    Ok(())
}

/// Sets each rule's `fixed` (its keys of the last check that no longer break it) and keeps
/// this check's keys for the next one.
pub fn fixed_since_last(state: &Path, check: &mut CityCheck) -> std::io::Result<()> {
    for r in &mut check.rules {
        let Some(keys) = check.keys.get_mut(&r.name) else {
            continue;
        };
        keys.sort_unstable();
        keys.dedup();
        if let Some(before) = history::load_keys(state, &check.city, &r.name)? {
            let still = before
                .iter()
                .filter(|k| keys.binary_search(k).is_ok())
                .count();
            r.fixed = Some((before.len() - still) as u64);
        }
        history::save_keys(state, &check.city, &r.name, keys)?;
    }
    Ok(())
}
