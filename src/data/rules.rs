//! Data-quality rules declared in TOML (templates/checks/, overridable per city), compiled to
//! SQL for each engine and run inside the database: jinbao only reads back a count and a few
//! sample keys per rule, so the work scales with the engine, never with jinbao.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::db::{self, Conn};
use crate::profile::Engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
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
    /// date_valid: dates that stand for "unknown".
    #[serde(default)]
    pub placeholders: Vec<String>,
    /// row_count: the least number of rows.
    #[serde(default)]
    pub min: Option<i64>,
    /// A city file switches a shipped rule off with `disabled = true`.
    #[serde(default)]
    pub disabled: bool,
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
            message: e.to_string(),
        })?;
        for r in parsed.rule {
            rules.retain(|x| x.name != r.name);
            rules.push(r);
        }
    }
    rules.retain(|r| !r.disabled);
    Ok(rules)
}

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Engine differences the rules need.
struct Dialect(Engine);

impl Dialect {
    fn digits17(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("{col} ~ '^[0-9]{{17}}[0-9X]$'"),
            Engine::Sqlite => format!("{col} GLOB '{}[0-9X]'", "[0-9]".repeat(17)),
        }
    }
    fn position(&self, set: &str, ch: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("strpos({}, {ch})", sql_str(set)),
            Engine::Sqlite => format!("instr({}, {ch})", sql_str(set)),
        }
    }
    /// Today as YYYYMMDD text.
    fn today_yyyymmdd(&self) -> &'static str {
        match self.0 {
            Engine::Postgres => "to_char(current_date, 'YYYYMMDD')",
            Engine::Sqlite => "strftime('%Y%m%d', 'now')",
        }
    }
    fn today(&self) -> &'static str {
        match self.0 {
            Engine::Postgres => "current_date",
            Engine::Sqlite => "date('now')",
        }
    }
    /// YYYYMM of a date column, as an integer.
    fn month_of(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => {
                format!("(extract(year from {col}) * 100 + extract(month from {col}))::integer")
            }
            Engine::Sqlite => format!("CAST(strftime('%Y%m', {col}) AS INTEGER)"),
        }
    }
    fn yyyymmdd(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("to_char({col}, 'YYYYMMDD')"),
            Engine::Sqlite => format!("replace({col}, '-', '')"),
        }
    }
    fn bad_chars(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("{col} ~ '[\\uE000-\\uF8FF\\uFFFD]'"),
            Engine::Sqlite => format!("jinbao_bad_chars({col})"),
        }
    }
    fn distinct(&self, a: &str, b: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("{a} IS DISTINCT FROM {b}"),
            Engine::Sqlite => format!("{a} IS NOT {b}"),
        }
    }
    fn table(&self, t: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("{}.{t}", db::SCHEMA),
            Engine::Sqlite => t.to_string(),
        }
    }
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const USCC_SET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_SET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// True when the 9 characters of `col` from position `from + 1` are an organization code with
/// its right check character (GB 11714): alone (`from` 0, length 9) or inside a credit code.
fn org_code_sql(d: &Dialect, col: &str, from: usize) -> String {
    let ch = |i: usize| format!("substr({col}, {}, 1)", from + i);
    let org_sum: String = ORG_WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, w)| format!("({} - 1)*{w}", d.position(ORG_SET, &ch(i + 1))))
        .collect::<Vec<_>>()
        .join(" + ");
    let length = if from == 0 {
        format!("length({col}) = 9 AND ")
    } else {
        String::new()
    };
    format!(
        "({length}{all} AND {check} = (CASE 11 - ({org_sum}) % 11 WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE CAST(11 - ({org_sum}) % 11 AS TEXT) END))",
        all = (1..=8)
            .map(|i| format!("{} > 0", d.position(ORG_SET, &ch(i))))
            .collect::<Vec<_>>()
            .join(" AND "),
        check = ch(9)
    )
}

fn digit(col: &str, i: usize) -> String {
    format!("CAST(substr({col}, {i}, 1) AS INTEGER)")
}

/// The ID's 17 digits weighted and summed (GB 11643).
fn id_sum(col: &str) -> String {
    ID_WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{}*{w}", digit(col, i + 1)))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// True when the ID's birth part is a real date, not after today and not before 1870.
fn id_date_real(dialect: &Dialect, col: &str) -> String {
    let y = format!("CAST(substr({col}, 7, 4) AS INTEGER)");
    let m = format!("CAST(substr({col}, 11, 2) AS INTEGER)");
    let d = format!("CAST(substr({col}, 13, 2) AS INTEGER)");
    format!(
        "({y} >= 1870 AND substr({col}, 7, 8) <= {today} AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND \
         (CASE WHEN {m} IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN {m} IN (4, 6, 9, 11) THEN 30 \
          WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 THEN 29 ELSE 28 END))",
        today = dialect.today_yyyymmdd()
    )
}

/// The keys of the rows that break the rule, as one text column `k`.
pub fn compile(rule: &Rule, engine: Engine) -> Result<String, RuleError> {
    let d = Dialect(engine);
    let bad = |m: &str| RuleError::Rule {
        rule: rule.name.clone(),
        message: m.to_string(),
    };
    let need = |v: &str, what: &str| {
        if v.is_empty() {
            Err(bad(&format!("`{what}` is required for kind {}", rule.kind)))
        } else {
            Ok(())
        }
    };
    let t = d.table(&rule.table);
    let col = rule.column.as_str();
    let key = |alias: &str| -> String {
        let mut parts = vec![format!("{alias}county_code")];
        parts.extend(
            key_columns(&rule.table)
                .iter()
                .map(|c| format!("{alias}{c}")),
        );
        format!("concat_ws(':', {})", parts.join(", "))
    };
    if !matches!(rule.kind.as_str(), "reconciliation") {
        need(&rule.table, "table")?;
    }
    Ok(match rule.kind.as_str() {
        "not_null" => {
            need(col, "column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE {col} IS NULL OR CAST({col} AS TEXT) = ''",
                key("")
            )
        }
        "unique" => {
            let cols = if rule.columns.is_empty() {
                vec![rule.column.clone()]
            } else {
                rule.columns.clone()
            };
            need(&cols.join(""), "column")?;
            format!(
                "SELECT concat_ws(':', {c}) AS k FROM {t} GROUP BY {c} HAVING count(DISTINCT county_code) > 1",
                c = cols.join(", ")
            )
        }
        "id_check_char" => {
            need(col, "column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE {} AND substr({col}, 18, 1) <> substr('10X98765432', (({}) % 11) + 1, 1)",
                key(""),
                d.digits17(col),
                id_sum(col)
            )
        }
        "id_legacy" => {
            need(&rule.src_column, "src_column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE length({}) = 15",
                key(""),
                rule.src_column
            )
        }
        "id_shape" => {
            need(col, "column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE NOT ({})",
                key(""),
                d.digits17(col)
            )
        }
        "id_birth_real" => {
            need(col, "column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE {} AND NOT {}",
                key(""),
                d.digits17(col),
                id_date_real(&d, col)
            )
        }
        "id_area_code" => {
            need(col, "column")?;
            // in force at some time in or after the birth year (GB 11643: an ID carries the
            // code of its issue, which comes after birth)
            format!(
                "SELECT {} AS k FROM {t} x WHERE {} AND NOT EXISTS (SELECT 1 FROM {} a WHERE a.code = substr(x.{col}, 1, 6) AND a.last_year >= CAST(substr(x.{col}, 7, 4) AS INTEGER))",
                key(""),
                d.digits17(col),
                d.table("area_code_years")
            )
        }
        "id_sex" => {
            need(col, "column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE {} AND sex IN ('1', '2') AND (({} % 2 = 1) <> (sex = '1'))",
                key(""),
                d.digits17(col),
                digit(col, 17)
            )
        }
        "id_birth_matches" => {
            need(col, "column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE {} AND birth_date > '1900-01-01' AND birth_date <= {} AND substr({col}, 7, 8) <> {}",
                key(""),
                d.digits17(col),
                d.today(),
                d.yyyymmdd("birth_date")
            )
        }
        "employer_code" => {
            need(col, "column")?;
            let uscc_sum: String = USCC_WEIGHTS
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    format!(
                        "({} - 1)*{w}",
                        d.position(USCC_SET, &format!("substr({col}, {}, 1)", i + 1))
                    )
                })
                .collect::<Vec<_>>()
                .join(" + ");
            let uscc_ok = format!(
                "(length({col}) = 18 AND {all} AND substr({col}, 18, 1) = substr({set}, ((31 - ({uscc_sum}) % 31) % 31) + 1, 1)",
                all = (1..=17)
                    .map(|i| format!(
                        "{} > 0",
                        d.position(USCC_SET, &format!("substr({col}, {i}, 1)"))
                    ))
                    .collect::<Vec<_>>()
                    .join(" AND "),
                set = sql_str(USCC_SET)
            );
            let org_ok = org_code_sql(&d, col, 0);
            let area_digits = match engine {
                Engine::Postgres => format!("substr({col}, 3, 6) ~ '^[0-9]{{6}}$'"),
                Engine::Sqlite => format!("substr({col}, 3, 6) GLOB '{}'", "[0-9]".repeat(6)),
            };
            let uscc_ok = format!(
                "{uscc_ok} AND {area_digits} AND {})",
                org_code_sql(&d, col, 8)
            );
            format!(
                "SELECT {} AS k FROM {t} WHERE NOT ({uscc_ok} OR {org_ok})",
                key("")
            )
        }
        "orphan" => {
            need(col, "column")?;
            need(&rule.ref_table, "ref_table")?;
            let rc = if rule.ref_column.is_empty() {
                col
            } else {
                rule.ref_column.as_str()
            };
            format!(
                "SELECT {} AS k FROM {t} x WHERE NOT EXISTS (SELECT 1 FROM {} r WHERE r.{rc} = x.{col})",
                key("x."),
                d.table(&rule.ref_table)
            )
        }
        "in_dictionary" => {
            need(col, "column")?;
            need(&rule.code_type, "code_type")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE {col} IS NOT NULL AND {col} NOT IN (SELECT code_value FROM {} WHERE code_type = {})",
                key(""),
                d.table("dict_code"),
                sql_str(&rule.code_type)
            )
        }
        "date_valid" => {
            need(col, "column")?;
            let mut bad_dates = vec![
                format!("{col} > {}", d.today()),
                format!("{col} < '1870-01-01'"),
            ];
            if !rule.src_column.is_empty() {
                bad_dates.push(format!(
                    "({col} IS NULL AND {} IS NOT NULL)",
                    rule.src_column
                ));
            }
            for p in &rule.placeholders {
                bad_dates.push(format!("{col} = {}", sql_str(p)));
            }
            format!(
                "SELECT {} AS k FROM {t} WHERE {}",
                key(""),
                bad_dates.join(" OR ")
            )
        }
        "period_valid" => {
            need(col, "column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE {col} % 100 NOT BETWEEN 1 AND 12",
                key("")
            )
        }
        "paid_twice" => format!(
            "SELECT concat_ws(':', id_number, insurance_type, period) AS k FROM {t} GROUP BY id_number, insurance_type, period HAVING count(*) > 1"
        ),
        "after_retirement" => format!(
            "SELECT {} AS k FROM {t} x JOIN {} p ON p.id_number = x.id_number \
             WHERE (p.retired = 1 AND p.retire_date IS NOT NULL AND x.period > {}) \
                OR (p.death_date IS NOT NULL AND x.period > {})",
            key("x."),
            d.table("person"),
            d.month_of("p.retire_date"),
            d.month_of("p.death_date")
        ),
        "unemployed_while_employed" => format!(
            "SELECT {} AS k FROM {t} x JOIN {} u ON u.id_number = x.id_number \
             WHERE x.insurance_type = '110' AND x.period >= {} AND (u.ended_on IS NULL OR x.period <= {})",
            key("x."),
            d.table("unemployment_registration"),
            d.month_of("u.registered_on"),
            d.month_of("u.ended_on")
        ),
        "bad_characters" => {
            need(col, "column")?;
            format!(
                "SELECT {} AS k FROM {t} WHERE {}",
                key(""),
                d.bad_chars(col)
            )
        }
        "row_count" => {
            let min = rule
                .min
                .ok_or_else(|| bad("`min` is required for kind row_count"))?;
            format!("SELECT CAST(count(*) AS TEXT) AS k FROM {t} HAVING count(*) < {min}")
        }
        "reconciliation" => {
            let (b, it, c) = (
                d.table("import_batch"),
                d.table("import_total"),
                d.table("contribution"),
            );
            format!(
                "WITH latest AS (SELECT b.county_code, b.import_id FROM {b} b WHERE b.entity = 'contribution' AND NOT EXISTS \
                   (SELECT 1 FROM {b} b2 WHERE b2.entity = 'contribution' AND b2.county_code = b.county_code \
                    AND (b2.finished_at > b.finished_at OR (b2.finished_at = b.finished_at AND b2.import_id > b.import_id)))), \
                 expected AS (SELECT l.county_code, t.insurance_type, t.period, t.rows_loaded AS n, t.amount_loaded AS amount \
                   FROM latest l JOIN {it} t ON t.import_id = l.import_id), \
                 actual AS (SELECT county_code, insurance_type, period, count(*) AS n, sum(employer_amount + person_amount) AS amount \
                   FROM {c} GROUP BY county_code, insurance_type, period) \
                 SELECT concat_ws(':', coalesce(e.county_code, a.county_code), coalesce(e.insurance_type, a.insurance_type), coalesce(e.period, a.period)) AS k \
                 FROM expected e FULL OUTER JOIN actual a ON a.county_code = e.county_code AND a.insurance_type = e.insurance_type AND a.period = e.period \
                 WHERE {} OR abs(coalesce(e.amount, 0) - coalesce(a.amount, 0)) > 0.005",
                d.distinct("e.n", "a.n")
            )
        }
        other => return Err(bad(&format!("no rule kind `{other}`"))),
    })
}

/// The columns a rule's sample keys are made of, in order (`:` between them).
pub fn sample_columns(rule: &Rule) -> Vec<&str> {
    match rule.kind.as_str() {
        "unique" if !rule.columns.is_empty() => rule.columns.iter().map(String::as_str).collect(),
        "unique" => vec![rule.column.as_str()],
        "paid_twice" => vec!["id_number", "insurance_type", "period"],
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
}

/// Runs one compiled rule: a count and up to 5 sample keys, in one statement.
pub fn run(conn: &mut Conn, sql: &str) -> Result<(u64, Vec<String>), String> {
    let q = format!("SELECT k, count(*) OVER () FROM ({sql}) v ORDER BY k LIMIT 5");
    match conn {
        Conn::Pg(c) => {
            let rows = c.query(&q, &[]).map_err(|e| db::pg_message(&e))?;
            let n = rows.first().map_or(0, |r| r.get::<_, i64>(1) as u64);
            Ok((
                n,
                rows.iter()
                    .map(|r| r.get::<_, Option<String>>(0).unwrap_or_default())
                    .collect(),
            ))
        }
        Conn::Lite(c) => {
            let mut st = c.prepare(&q).map_err(|e| e.to_string())?;
            let rows: Vec<(String, i64)> = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                        r.get(1)?,
                    ))
                })
                .map_err(|e| e.to_string())?
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            Ok((
                rows.first().map_or(0, |r| r.1 as u64),
                rows.into_iter().map(|r| r.0).collect(),
            ))
        }
    }
}

/// Functions SQLite lacks, registered on a connection before the rules run.
pub fn register_sqlite_functions(c: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    c.create_scalar_function(
        "jinbao_bad_chars",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let s: Option<String> = ctx.get(0)?;
            Ok(s.is_some_and(|s| {
                s.chars()
                    .any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c) || c == '\u{FFFD}')
            }))
        },
    )
}

/// The score of a city: the weighted share of rules passed (errors weigh 3, warnings 1).
pub fn score(results: &[RuleResult]) -> f64 {
    let total: f64 = results.iter().map(|r| r.severity.weight()).sum();
    if total == 0.0 {
        return 100.0;
    }
    let passed: f64 = results
        .iter()
        .filter(|r| r.passed)
        .map(|r| r.severity.weight())
        .sum();
    (passed * 1000.0 / total).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: &str, table: &str, column: &str) -> Rule {
        toml::from_str(&format!("name = \"r\"\nkind = \"{kind}\"\nseverity = \"error\"\ntable = \"{table}\"\ncolumn = \"{column}\"\n")).unwrap()
    }

    #[test]
    fn id_rules_agree_with_the_rust_checks() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE person (county_code TEXT, id_number TEXT, sex TEXT, birth_date TEXT);
             INSERT INTO person VALUES ('1', '11010519491231002X', '2', '1949-12-31'), ('1', '110105194912310021', '1', '1949-12-31'), ('1', '110105194902300020', '2', NULL);").unwrap();
        let mut conn = Conn::Lite(c);
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
             INSERT INTO employer VALUES ('1', '91350100M000100Y43'), ('1', '91350100M000100Y44'), ('1', '002518057'), ('1', '00251809X'), ('1', '002518058');").unwrap();
        let mut conn = Conn::Lite(c);
        let (n, keys) = run(
            &mut conn,
            &compile(
                &rule("employer_code", "employer", "employer_code"),
                Engine::Sqlite,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(n, 2, "{keys:?}");
    }
}
