//! Data-quality rules declared in TOML (templates/checks/, overridable per city), compiled to
//! SQL for each engine and run inside the database: jinbao only reads back a count and a few
//! sample keys per rule, so the work scales with the engine, never with jinbao.

use std::path::Path;

use serde::{Deserialize, Serialize};

mod compile;
mod fuse;
mod hint;
pub mod kept;
mod run;

pub use compile::compile;
pub use fuse::{Fused, plan};
pub use run::{Aggregate, ListSink, Lists, ListsDone, RunError, run, run_fused};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    fn weight(self) -> f64 {
        match self {
            Severity::Error => 3.0,
            Severity::Warning => 1.0,
            Severity::Info => 0.0,
        }
    }
}

/// One rule as a checks file declares it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: String,
    pub kind: String,
    pub severity: Severity,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub table: String,
    #[serde(default)]
    pub column: String,
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub ref_table: String,
    #[serde(default)]
    pub ref_column: String,
    /// in_dictionary: the AA10 code type.
    #[serde(default)]
    pub code_type: String,
    /// date_valid: the column holding the source text of dates that could not be read.
    #[serde(default)]
    pub src_column: String,
    /// date_valid: dates that stand for "unknown"; id_birth_matches: birth dates it leaves to
    /// the date rule (not compared with the ID).
    #[serde(default)]
    pub placeholders: Vec<String>,
    /// row_count: the least number of rows.
    #[serde(default)]
    pub min: Option<i64>,
    /// A city file switches a shipped rule off with `disabled = true`.
    #[serde(default)]
    pub disabled: bool,
    /// base_limits: the city's yearly contribution base limits (from its profile, not the
    /// checks file).
    #[serde(skip)]
    pub limits: std::collections::BTreeMap<String, crate::profile::BaseLimits>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<Rule>,
}

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("rule `{rule}`: {message}")]
    Rule { rule: String, message: String },
}

/// The shipped rules (`templates/checks/*.toml`), then the city's own file
/// (`templates/checks/cities/<pinyin>.toml`) replacing or adding rules by name.
pub fn load(templates: &Path, city: &str) -> Result<Vec<Rule>, RuleError> {
    let dir = templates.join("checks");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| RuleError::File {
            file: dir.display().to_string(),
            message: e.to_string(),
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let city_file = dir.join("cities").join(format!("{city}.toml"));
    if city_file.is_file() {
        files.push(city_file);
    }
    let mut rules: Vec<Rule> = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| RuleError::File {
            file: f.display().to_string(),
            message: e.to_string(),
        })?;
        let parsed: RulesFile = toml::from_str(&text).map_err(|e| RuleError::File {
            file: f.display().to_string(),
            // the location and snippet as toml writes them, serde's words made plain
            message: e
                .to_string()
                .replace(e.message(), &crate::serde_words::plain(e.message()).0),
        })?;
        for r in parsed.rule {
            rules.retain(|x| x.name != r.name);
            rules.push(r);
        }
    }
    rules.retain(|r| !r.disabled);
    Ok(rules)
}

/// The columns a rule's sample keys are made of, in order (`:` between them).
pub fn sample_columns(rule: &Rule) -> Vec<&str> {
    match rule.kind.as_str() {
        "unique" if !rule.columns.is_empty() => rule.columns.iter().map(String::as_str).collect(),
        "unique" => vec![rule.column.as_str()],
        "paid_twice" => vec!["id_number", "insurance_type", "period"],
        "id_names_differ" => vec!["id_number"],
        "candidate_duplicate" => vec!["name", "birth_date", "sex"],
        "contribution_gap" => vec!["id_number", "insurance_type"],
        "row_count" => vec!["rows"],
        "reconciliation" => vec!["county_code", "insurance_type", "period"],
        _ => std::iter::once("county_code")
            .chain(key_columns(&rule.table).iter().copied())
            .collect(),
    }
}

/// A sample key as people see it: the ID numbers and names in it masked unless revealed.
pub fn mask_sample(rule: &Rule, key: &str) -> String {
    let cols = sample_columns(rule);
    let parts: Vec<&str> = key.splitn(cols.len().max(1), ':').collect();
    parts
        .iter()
        .zip(cols.iter().chain(std::iter::repeat(&"")))
        .map(|(v, c)| match *c {
            "id_number" => crate::privacy::id(v).into_owned(),
            "name" => crate::privacy::name(v).into_owned(),
            _ => v.to_string(),
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// The natural key columns of a table (after county_code), for sample keys.
fn key_columns(table: &str) -> &'static [&'static str] {
    super::format::ENTITIES
        .iter()
        .find(|e| e.table == table)
        .map_or(&[], |e| e.key)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleResult {
    pub name: String,
    pub kind: String,
    pub severity: Severity,
    pub description: String,
    pub violations: u64,
    pub samples: Vec<String>,
    pub passed: bool,
    pub ms: u64,
    /// Violations per county.
    #[serde(default)]
    pub by_county: std::collections::BTreeMap<String, u64>,
    /// Rows that broke the rule at the last check and no longer do (None: no earlier check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<u64>,
    /// How this check evaluated the rule: `whole`, `changes` (only where loads since its last
    /// evaluation changed something it reads) or `kept` (nothing did); None for a database
    /// that keeps no findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<String>,
}

/// The score of a city: the weighted share of rules passed (errors weigh 3, warnings 1).
pub fn score(results: &[RuleResult]) -> f64 {
    let total: f64 = results.iter().map(|r| r.severity.weight()).sum();
    if total == 0.0 {
        return 100.0;
    }
    // a fold from +0.0: an empty f64 sum is -0.0, a score of "-0.0" when no rule passed
    let passed: f64 = results
        .iter()
        .filter(|r| r.passed)
        .map(|r| r.severity.weight())
        .fold(0.0, |a, w| a + w);
    (passed * 1000.0 / total).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Conn;
    use crate::profile::Engine;

    fn run(conn: &mut Conn, sql: &str) -> Result<(u64, Vec<String>), super::RunError> {
        super::run(conn, sql, None).map(|a| (a.violations, a.samples))
    }

    fn rule(kind: &str, table: &str, column: &str) -> Rule {
        toml::from_str(&format!("name = \"r\"\nkind = \"{kind}\"\nseverity = \"error\"\ntable = \"{table}\"\ncolumn = \"{column}\"\n")).unwrap()
    }

    #[test]
    fn id_rules_agree_with_the_rust_checks() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE person (county_code TEXT, id_number TEXT, sex TEXT, birth_date TEXT);
             INSERT INTO person VALUES ('1', '11010519491231002X', '2', '1949-12-31'), ('1', '110105194912310021', '1', '1949-12-31'), ('1', '110105194902300020', '2', NULL);").unwrap();
        crate::sqlite_functions::register(&c).unwrap();
        let mut conn = Conn::from(c);
        let (n, keys) = run(
            &mut conn,
            &compile(
                &rule("id_check_char", "person", "id_number"),
                Engine::Sqlite,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            (n, keys[0].as_str()),
            // February 30th has a right check character; only the ...21 one is wrong
            (1, "1:110105194912310021"),
            "{keys:?}"
        );
        let (n, _) = run(
            &mut conn,
            &compile(
                &rule("id_birth_real", "person", "id_number"),
                Engine::Sqlite,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(n, 1, "February 30th");
        let (n, _) = run(
            &mut conn,
            &compile(&rule("id_sex", "person", "id_number"), Engine::Sqlite).unwrap(),
        )
        .unwrap();
        assert_eq!(n, 1, "an odd sequence is a man");
    }

    #[test]
    fn employer_codes_agree_with_the_rust_checks() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE employer (county_code TEXT, employer_code TEXT);
             INSERT INTO employer VALUES ('1', '91350100M000100Y43'), ('1', '91350100M000100Y44'), ('1', '002518057'), ('1', '00251809X'), ('1', '002518058'), ('1', '91419999002518057K');").unwrap();
        // the credit code's area is looked up in the migrations' table
        for sql in crate::data::ids::AREA_MIGRATIONS {
            c.execute_batch(sql).unwrap();
        }
        crate::sqlite_functions::register(&c).unwrap();
        let mut conn = Conn::from(c);
        let (n, keys) = run(
            &mut conn,
            &compile(
                &rule("employer_code", "employer", "employer_code"),
                Engine::Sqlite,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(n, 3, "{keys:?}");
        for k in &keys {
            assert!(!crate::data::ids::employer_code_ok(&k[2..]), "{k}");
        }
    }
}
