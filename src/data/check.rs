//! `data check` of one city: its rules compiled for its engine and run inside its database,
//! several at once, each violating row streamed once through the counts, the samples and, when
//! asked, the problem-data lists; then "fixed since the last check" from the keys it kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use super::csv_out::OutEncoding;
use super::rules::{self, Rule, RuleResult, Severity, kept};
use crate::db::{self, Account, Conn};
use crate::profile::Site;
use crate::state::data_checks as history;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Rule(#[from] rules::RuleError),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("rule {rule}: {source}")]
    Run {
        rule: String,
        source: rules::RunError,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no rule named `{name}` for {city}")]
    UnknownRule {
        name: String,
        city: String,
        /// "did you mean …?", or the rules there are.
        hint: String,
    },
}

/// Where problem-data lists go, and in which encoding.
#[derive(Debug, Clone)]
pub struct ListSpec {
    pub dir: PathBuf,
    pub encoding: OutEncoding,
}

/// What is told as each rule finishes: (city, rule).
pub type RuleDone<'a> = &'a (dyn Fn(&str, &str) + Sync);

/// What to check.
pub struct Spec<'a> {
    pub templates: &'a Path,
    /// Only these rules (all when empty).
    pub only: &'a [String],
    /// Rules run at once on the database.
    pub rule_jobs: usize,
    pub lists: Option<&'a ListSpec>,
    /// Fuse the row-level rules of a table into one scan (off: each rule alone, for comparison).
    pub fuse: bool,
    /// Told of every rule as it finishes: long checks are never silent.
    pub progress: Option<RuleDone<'a>>,
    /// Evaluate every rule whole, whatever the database keeps (`data check --full`).
    pub full: bool,
}

/// The result of one city (the JSON of `data check --json` is a list of these).
#[derive(Debug, Serialize)]
pub struct CityCheck {
    pub city: String,
    /// Some of the city's rules ran (`--rule`): `score` is theirs, not the city's.
    pub partial: bool,
    pub score: f64,
    pub min_score: f64,
    pub rules: Vec<RuleResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Problem-data lists written: file and rows.
    #[serde(skip)]
    pub lists: Vec<(PathBuf, u64)>,
    /// What the lists left alone and why (links in the lists folder), each said once.
    #[serde(skip)]
    pub list_warnings: Vec<String>,
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
/// A name in `only` that is no rule of the city is an error.
pub fn selected(templates: &Path, site: &Site, only: &[String]) -> Result<Vec<Rule>, CheckError> {
    let all = rules::load(templates, site.pinyin())?;
    let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
    if let Some(name) = only.iter().find(|n| !names.contains(&n.as_str())) {
        return Err(CheckError::UnknownRule {
            name: name.clone(),
            city: site.pinyin().to_string(),
            hint: crate::suggest::hint(name, &names),
        });
    }
    Ok(all
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
    Ok(db::connect(&site.profile, Account::ReadOnly)?)
}

/// Checks one city; a city that cannot be checked has `error` set.
pub fn city(site: &Site, spec: &Spec<'_>) -> CityCheck {
    let mut out = CityCheck {
        city: site.pinyin().to_string(),
        partial: !spec.only.is_empty(),
        score: 0.0,
        min_score: site.profile.checks.data_min_score,
        rules: Vec::new(),
        error: None,
        lists: Vec::new(),
        list_warnings: Vec::new(),
        keys: BTreeMap::new(),
    };
    if let Err(e) = run_rules(site, spec, &mut out) {
        out.error = Some(e.to_string());
    }
    out
}

/// What runs on the database: a rule alone, or several row-level rules of a table in one scan.
enum Task {
    Alone(usize, String),
    Fused(rules::Fused),
}

/// The statements that run for `rules`, as `--show-sql` prints them: (rule names, SQL).
pub fn statements(
    rules: &[Rule],
    engine: crate::profile::Engine,
    fuse: bool,
) -> Result<Vec<(Vec<String>, String)>, CheckError> {
    Ok(tasks(rules, engine, fuse)?
        .into_iter()
        .map(|t| match t {
            Task::Alone(i, sql) => (vec![rules[i].name.clone()], sql),
            Task::Fused(f) => (
                f.rules.iter().map(|i| rules[*i].name.clone()).collect(),
                f.sql,
            ),
        })
        .collect())
}

fn tasks(
    rules: &[Rule],
    engine: crate::profile::Engine,
    fuse: bool,
) -> Result<Vec<Task>, CheckError> {
    let (fused, alone) = if fuse {
        rules::plan(rules, engine)?
    } else {
        (Vec::new(), (0..rules.len()).collect())
    };
    let mut out: Vec<Task> = fused.into_iter().map(Task::Fused).collect();
    for i in alone {
        out.push(Task::Alone(i, rules::compile(&rules[i], engine)?));
    }
    Ok(out)
}

/// One rule's outcome: its result, the hashes of its keys, the lists written.
type Outcome = (RuleResult, Vec<i64>, rules::ListsDone);

fn outcome(r: &Rule, agg: rules::Aggregate, ms: u64, written: rules::ListsDone) -> Outcome {
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
        ms,
        by_county: agg.by_county,
        fixed: None,
        pass: None,
    };
    (result, agg.key_hashes, written)
}

fn run_rules(site: &Site, spec: &Spec<'_>, out: &mut CityCheck) -> Result<(), CheckError> {
    let rules = selected(spec.templates, site, spec.only)?;
    // `--rule` naming every rule is a full check
    out.partial = out.partial && rules.len() < selected(spec.templates, site, &[])?.len();
    let mut writer = db::connect(&site.profile, Account::App)?;
    let all = match kept::open(&mut writer, site.profile.database.engine)? {
        Some(kept) => run_by_change(site, spec, &rules, &kept, writer)?,
        None => run_whole(site, spec, &rules)?,
    };
    // in the order of the checks files
    for (_, (result, keys, written)) in all {
        out.keys.insert(result.name.clone(), keys);
        out.lists.extend(written.written);
        for w in written.warnings {
            if !out.list_warnings.contains(&w) {
                out.list_warnings.push(w);
            }
        }
        out.rules.push(result);
    }
    out.score = rules::score(&out.rules);
    Ok(())
}

/// What runs on the database in a check by change: a statement evaluating rules (their
/// findings replaced), or the findings of a rule nothing changed for, read as they are.
enum Step {
    Evaluate(kept::Work),
    Read(usize),
}

/// Checks by change (see [`kept`]): each rule evaluated where the loads since its last
/// evaluation changed something it reads, then its kept findings read through the counts, the
/// samples and the lists as a whole check reads its rows.
fn run_by_change(
    site: &Site,
    spec: &Spec<'_>,
    rules: &[Rule],
    kept: &kept::Kept,
    writer: Conn,
) -> Result<Vec<(usize, Outcome)>, CheckError> {
    let definitions = rules
        .iter()
        .map(|r| kept.definition(r))
        .collect::<Result<Vec<_>, _>>()?;
    let passes: Vec<kept::Pass> = rules
        .iter()
        .zip(&definitions)
        .map(|(r, d)| kept.pass(r, d, spec.full))
        .collect();
    let mut steps: Vec<Step> = kept
        .plan(rules, &passes, spec.fuse)?
        .into_iter()
        .map(Step::Evaluate)
        .collect();
    steps.extend(
        (0..rules.len())
            .filter(|i| passes[*i] == kept::Pass::Kept)
            .map(Step::Read),
    );
    let d = db::dialect(site.profile.database.engine);
    let pool = Mutex::new(vec![writer]);
    let take = || pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
    let lists_of = |r| spec.lists.map(|l| rules::Lists::new(&l.dir, l.encoding, r));
    let results = crate::parallel::map(&steps, spec.rule_jobs, |step| {
        let mut conn = match take() {
            Some(c) => c,
            None => db::connect(&site.profile, Account::App)?,
        };
        let start = Instant::now();
        let which = match step {
            Step::Evaluate(w) => w.rules.clone(),
            Step::Read(i) => vec![*i],
        };
        let names = || {
            which
                .iter()
                .map(|i| rules[*i].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let failed = |e: db::DbError| CheckError::Run {
            rule: names(),
            source: rules::RunError::Query(e),
        };
        let done = (|| -> Result<Vec<(usize, Outcome)>, CheckError> {
            if let Step::Evaluate(w) = step {
                let named: Vec<(&str, &str)> = w
                    .rules
                    .iter()
                    .map(|i| (rules[*i].name.as_str(), definitions[*i].as_str()))
                    .collect();
                kept.store(&mut conn, w, &named).map_err(failed)?;
            }
            let mut done = Vec::new();
            for i in &which {
                let r = &rules[*i];
                let mut lists = lists_of(r);
                let agg = rules::run(
                    &mut conn,
                    &kept::findings_of(d, r),
                    lists.as_mut().map(|l| l as &mut dyn rules::ListSink),
                )
                .map_err(|source| CheckError::Run {
                    rule: r.name.clone(),
                    source,
                })?;
                let written = match lists {
                    Some(l) => l.finish()?,
                    None => rules::ListsDone::default(),
                };
                let mut o = outcome(r, agg, start.elapsed().as_millis() as u64, written);
                o.0.pass = Some(passes[*i].as_str().to_string());
                done.push((*i, o));
            }
            Ok(done)
        })();
        pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        told(spec, site, rules, &done);
        done
    });
    in_order(results)
}

/// Tells the progress of each rule a task finished.
fn told(
    spec: &Spec<'_>,
    site: &Site,
    rules: &[Rule],
    done: &Result<Vec<(usize, Outcome)>, CheckError>,
) {
    if let (Some(tell), Ok(finished)) = (spec.progress, done) {
        for (i, _) in finished {
            tell(site.pinyin(), &rules[*i].name);
        }
    }
}

/// Every task's outcomes in the order of the checks files; the first error of a task.
fn in_order(
    results: Vec<Result<Vec<(usize, Outcome)>, CheckError>>,
) -> Result<Vec<(usize, Outcome)>, CheckError> {
    let mut all: Vec<(usize, Outcome)> = Vec::new();
    for r in results {
        all.extend(r?);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all)
}

/// A check of a database that keeps no findings: every rule's rows streamed from its scan.
fn run_whole(
    site: &Site,
    spec: &Spec<'_>,
    rules: &[Rule],
) -> Result<Vec<(usize, Outcome)>, CheckError> {
    let tasks = tasks(rules, site.profile.database.engine, spec.fuse)?;
    // connections shared by the workers; the first opened here, so that a database that cannot
    // be reached is one error, not one per rule
    let pool = Mutex::new(vec![open(site)?]);
    let take = || pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
    let lists_of = |r| spec.lists.map(|l| rules::Lists::new(&l.dir, l.encoding, r));
    let results = crate::parallel::map(&tasks, spec.rule_jobs, |task| {
        let mut conn = match take() {
            Some(c) => c,
            None => open(site)?,
        };
        let start = Instant::now();
        let done = match task {
            Task::Alone(i, sql) => {
                let r = &rules[*i];
                let mut lists = lists_of(r);
                let run = rules::run(
                    &mut conn,
                    sql,
                    lists.as_mut().map(|l| l as &mut dyn rules::ListSink),
                );
                run.map_err(|source| CheckError::Run {
                    rule: r.name.clone(),
                    source,
                })
                .and_then(|agg| {
                    let written = match lists {
                        Some(l) => l.finish()?,
                        None => rules::ListsDone::default(),
                    };
                    Ok(vec![(
                        *i,
                        outcome(r, agg, start.elapsed().as_millis() as u64, written),
                    )])
                })
            }
            Task::Fused(f) => {
                let mut lists: Vec<Option<rules::Lists<'_>>> =
                    f.rules.iter().map(|i| lists_of(&rules[*i])).collect();
                let mut sinks: Vec<Option<&mut dyn rules::ListSink>> = lists
                    .iter_mut()
                    .map(|l| l.as_mut().map(|l| l as &mut dyn rules::ListSink))
                    .collect();
                let run = rules::run_fused(&mut conn, f, &mut sinks);
                drop(sinks);
                run.map_err(|source| CheckError::Run {
                    rule: f
                        .rules
                        .iter()
                        .map(|i| rules[*i].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    source,
                })
                .and_then(|aggs| {
                    let ms = start.elapsed().as_millis() as u64;
                    let mut done = Vec::new();
                    for ((i, agg), l) in f.rules.iter().zip(aggs).zip(lists) {
                        let written = match l {
                            Some(l) => l.finish()?,
                            None => rules::ListsDone::default(),
                        };
                        done.push((*i, outcome(&rules[*i], agg, ms, written)));
                    }
                    Ok(done)
                })
            }
        };
        pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        told(spec, site, rules, &done);
        done
    });
    in_order(results)
}

/// Sets each rule's `fixed` (its keys of the last check that no longer break it) and keeps
/// this check's keys for the next one. A damaged file of last keys leaves `fixed` unknown and
/// is returned, to be said (the new keys replace it).
pub fn fixed_since_last(
    state: &Path,
    check: &mut CityCheck,
) -> std::io::Result<Vec<crate::state::Unreadable>> {
    let mut unreadable = Vec::new();
    for r in &mut check.rules {
        let Some(keys) = check.keys.get_mut(&r.name) else {
            continue;
        };
        keys.sort_unstable();
        keys.dedup();
        let before = match history::load_keys(state, &check.city, &r.name)? {
            Ok(before) => before,
            Err(u) => {
                unreadable.push(u);
                None
            }
        };
        if let Some(before) = before {
            let still = before
                .iter()
                .filter(|k| keys.binary_search(k).is_ok())
                .count();
            r.fixed = Some((before.len() - still) as u64);
        }
        history::save_keys(state, &check.city, &r.name, keys)?;
    }
    Ok(unreadable)
}
