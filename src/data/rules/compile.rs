//! Rules compiled to SQL for each engine: every statement selects, for each row that breaks
//! its rule, the county (`c`), the row's key (`k`) and the offending value (`v`).

use super::{Rule, RuleError, key_columns};
use crate::data::ids;
use crate::db::{self, Dialect};
use crate::profile::Engine;

pub(super) fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
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
/// True when `col` is a valid organization code (GB 11714) or credit code (GB 32100).
pub(super) fn employer_ok(d: &dyn Dialect, col: &str) -> String {
    let uscc_sum: String = USCC_WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!(
                "({} - 1)*{w}",
                d.position(&sql_str(USCC_SET), &format!("substr({col}, {}, 1)", i + 1))
            )
        })
        .collect::<Vec<_>>()
        .join(" + ");
    let uscc_ok = format!(
        "(length({col}) = 18 AND {all} AND substr({col}, 18, 1) = substr({set}, ((31 - ({uscc_sum}) % 31) % 31) + 1, 1)",
        all = (1..=17)
            .map(|i| format!(
                "{} > 0",
                d.position(&sql_str(USCC_SET), &format!("substr({col}, {i}, 1)"))
            ))
            .collect::<Vec<_>>()
            .join(" AND "),
        set = sql_str(USCC_SET)
    );
    let org_ok = org_code_sql(d, col, 0);
    // GB 32100: positions 3-8 the registration area, a GB/T 2260 code (ids::uscc_area_problem)
    let area = format!(
        "(substr({col}, 3, 6) = {} OR substr({col}, 3, 6) IN (SELECT code FROM {}))",
        sql_str(ids::NATIONAL_AREA),
        d.table("area_code_years")
    );
    let uscc_ok = format!("{uscc_ok} AND {area} AND {})", org_code_sql(d, col, 8));
    format!("({uscc_ok} OR {org_ok})")
}

pub(super) fn org_code_sql(d: &dyn Dialect, col: &str, from: usize) -> String {
    let ch = |i: usize| format!("substr({col}, {}, 1)", from + i);
    let org_sum: String = ORG_WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, w)| format!("({} - 1)*{w}", d.position(&sql_str(ORG_SET), &ch(i + 1))))
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
            .map(|i| format!("{} > 0", d.position(&sql_str(ORG_SET), &ch(i))))
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
fn id_date_real(dialect: &dyn Dialect, col: &str) -> String {
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

/// True when the birth-date field `col` is a date an ID can hold (1870 to today) and none of
/// the rule's placeholders: a placeholder or an impossible date is the date rule's finding, a
/// real date is compared with the ID however early it is.
pub(super) fn birth_comparable(d: &dyn Dialect, rule: &Rule, col: &str) -> String {
    let mut s = format!("{col} >= '1870-01-01' AND {col} <= {}", d.today());
    for p in &rule.placeholders {
        s.push_str(&format!(" AND {col} <> {}", sql_str(p)));
    }
    s
}

/// What every rule's statement is built from: the rule, the engine's SQL, its table and
/// column, and the column whose value a finding shows.
#[derive(Clone, Copy)]
struct Compiling<'r> {
    rule: &'r Rule,
    d: &'static dyn Dialect,
    t: &'r str,
    col: &'r str,
    value_col: &'r str,
}

impl Compiling<'_> {
    fn bad(&self, m: &str) -> RuleError {
        RuleError::Rule {
            rule: self.rule.name.clone(),
            message: m.to_string(),
        }
    }

    fn need(&self, v: &str, what: &str) -> Result<(), RuleError> {
        if v.is_empty() {
            Err(self.bad(&format!("`{what}` is required for kind {}", self.rule.kind)))
        } else {
            Ok(())
        }
    }

    /// Every rule selects the county (c), the key (k) and the offending value (v) of each
    /// row that breaks it.
    fn key(&self, alias: &str) -> String {
        let mut parts = vec![format!("{alias}county_code")];
        parts.extend(
            key_columns(&self.rule.table)
                .iter()
                .map(|c| format!("{alias}{c}")),
        );
        let v = if self.value_col.is_empty() {
            "NULL".to_string()
        } else {
            format!("CAST({alias}{} AS TEXT)", self.value_col)
        };
        format!(
            "CAST({alias}county_code AS TEXT) AS c, concat_ws(':', {}) AS k, {v} AS v",
            parts.join(", ")
        )
    }
}

/// The keys of the rows that break the rule, as one text column `k`.
pub fn compile(rule: &Rule, engine: Engine) -> Result<String, RuleError> {
    compile_from(rule, engine, None)
}

/// [`compile`] reading the rule's own table from `from` (a name the statement is given, such
/// as the rows a check by change looks at again) instead of the table.
pub fn compile_from(rule: &Rule, engine: Engine, from: Option<&str>) -> Result<String, RuleError> {
    let d = db::dialect(engine);
    let col = rule.column.as_str();
    let value_col = if !col.is_empty() {
        col
    } else if !rule.src_column.is_empty() {
        rule.src_column.as_str()
    } else {
        ""
    };
    let t = from.map_or_else(|| d.table(&rule.table), str::to_string);
    let c = Compiling {
        rule,
        d,
        t: &t,
        col,
        value_col,
    };
    if !matches!(rule.kind.as_str(), "reconciliation") {
        c.need(&rule.table, "table")?;
    }
    for family in [id_rule, table_rule, cross_table_rule] {
        if let Some(sql) = family(&c)? {
            return Ok(sql);
        }
    }
    Err(c.bad(&format!("no rule kind `{}`", rule.kind)))
}

/// The rules of ID numbers, employer codes and area codes.
fn id_rule(c: &Compiling<'_>) -> Result<Option<String>, RuleError> {
    let Compiling {
        rule, d, t, col, ..
    } = *c;
    Ok(Some(match rule.kind.as_str() {
        "id_check_char" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} WHERE {} AND substr({col}, 18, 1) <> substr('10X98765432', (({}) % 11) + 1, 1)",
                c.key(""),
                d.digits17(col),
                id_sum(col)
            )
        }
        "id_legacy" => {
            c.need(&rule.src_column, "src_column")?;
            format!(
                "SELECT {} FROM {t} WHERE length({}) = 15",
                c.key(""),
                rule.src_column
            )
        }
        "id_shape" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} WHERE NOT ({})",
                c.key(""),
                d.digits17(col)
            )
        }
        "id_birth_real" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} WHERE {} AND NOT {}",
                c.key(""),
                d.digits17(col),
                id_date_real(d, col)
            )
        }
        "id_area_code" => {
            c.need(col, "column")?;
            // in force at some time in or after the birth year (GB 11643: an ID carries the
            // code of its issue, which comes after birth)
            format!(
                "SELECT {} FROM {t} x WHERE {} AND NOT EXISTS (SELECT 1 FROM {} a WHERE a.code = substr(x.{col}, 1, 6) AND a.last_year >= CAST(substr(x.{col}, 7, 4) AS INTEGER))",
                c.key(""),
                d.digits17(col),
                d.table("area_code_years")
            )
        }
        "id_sex" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} WHERE {} AND sex IN ('1', '2') AND (({} % 2 = 1) <> (sex = '1'))",
                c.key(""),
                d.digits17(col),
                digit(col, 17)
            )
        }
        "id_birth_matches" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} WHERE {} AND {} AND substr({col}, 7, 8) <> {}",
                c.key(""),
                d.digits17(col),
                birth_comparable(d, rule, "birth_date"),
                d.yyyymmdd("birth_date")
            )
        }
        "employer_code" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} WHERE NOT {}",
                c.key(""),
                employer_ok(d, col)
            )
        }
        "area_code" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} x WHERE x.{col} IS NOT NULL AND x.{col} NOT IN (SELECT code FROM {})",
                c.key("x."),
                d.table("area_code_years")
            )
        }
        _ => return Ok(None),
    }))
}

/// The rules of one table: values present, unique, valid, referenced; its counts.
fn table_rule(c: &Compiling<'_>) -> Result<Option<String>, RuleError> {
    let Compiling {
        rule, d, t, col, ..
    } = *c;
    Ok(Some(match rule.kind.as_str() {
        "not_null" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} WHERE {col} IS NULL OR CAST({col} AS TEXT) = ''",
                c.key("")
            )
        }
        "unique" => {
            let cols = if rule.columns.is_empty() {
                vec![rule.column.clone()]
            } else {
                rule.columns.clone()
            };
            c.need(&cols.join(""), "column")?;
            format!(
                "SELECT CAST(max(county_code) AS TEXT) AS c, concat_ws(':', {c}) AS k, {v} AS v FROM {t} GROUP BY {c} HAVING count(DISTINCT county_code) > 1",
                c = cols.join(", "),
                v = d.list_agg("county_code")
            )
        }
        "orphan" => {
            c.need(col, "column")?;
            c.need(&rule.ref_table, "ref_table")?;
            let rc = if rule.ref_column.is_empty() {
                col
            } else {
                rule.ref_column.as_str()
            };
            format!(
                "SELECT {} FROM {t} x WHERE x.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {} r WHERE r.{rc} = x.{col})",
                c.key("x."),
                d.table(&rule.ref_table)
            )
        }
        "in_dictionary" => {
            c.need(col, "column")?;
            c.need(&rule.code_type, "code_type")?;
            format!(
                "SELECT {} FROM {t} WHERE {col} IS NOT NULL AND {col} NOT IN (SELECT code_value FROM {} WHERE code_type = {})",
                c.key(""),
                d.table("dict_code"),
                sql_str(&rule.code_type)
            )
        }
        "date_valid" => {
            c.need(col, "column")?;
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
                "SELECT {} FROM {t} WHERE {}",
                c.key(""),
                bad_dates.join(" OR ")
            )
        }
        "period_valid" => {
            c.need(col, "column")?;
            format!(
                "SELECT {} FROM {t} WHERE {col} % 100 NOT BETWEEN 1 AND 12",
                c.key("")
            )
        }
        "bad_characters" => {
            c.need(col, "column")?;
            format!("SELECT {} FROM {t} WHERE {}", c.key(""), d.bad_chars(col))
        }
        "row_count" => {
            let min = rule
                .min
                .ok_or_else(|| c.bad("`min` is required for kind row_count"))?;
            format!(
                "SELECT '' AS c, CAST(count(*) AS TEXT) AS k, NULL AS v FROM {t} HAVING count(*) < {min}"
            )
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
                 SELECT CAST(coalesce(e.county_code, a.county_code) AS TEXT) AS c, concat_ws(':', coalesce(e.county_code, a.county_code), coalesce(e.insurance_type, a.insurance_type), coalesce(e.period, a.period)) AS k, \
                   concat_ws(' / ', CAST(e.n AS TEXT), CAST(a.n AS TEXT)) AS v \
                 FROM expected e FULL OUTER JOIN actual a ON a.county_code = e.county_code AND a.insurance_type = e.insurance_type AND a.period = e.period \
                 WHERE {} OR abs(coalesce(e.amount, 0) - coalesce(a.amount, 0)) > 0.005",
                d.distinct("e.n", "a.n")
            )
        }
        "base_limits" => {
            if rule.limits.is_empty() {
                // no limits in the profile: nothing to check against
                format!("SELECT '' AS c, '' AS k, NULL AS v FROM {t} WHERE 1 = 0")
            } else {
                let rows: Vec<String> = rule
                    .limits
                    .iter()
                    .filter_map(|(y, l)| {
                        y.parse::<u32>().ok().map(|y| {
                            format!("SELECT {y} AS y, {} AS lo, {} AS hi", l.lower, l.upper)
                        })
                    })
                    .collect();
                format!(
                    "SELECT {} FROM {t} x JOIN ({}) l ON l.y = x.period / 100 WHERE x.base < l.lo OR x.base > l.hi",
                    c.key("x."),
                    rows.join(" UNION ALL ")
                )
            }
        }
        _ => return Ok(None),
    }))
}

/// The rules that hold one table against another (contributions against persons, …).
fn cross_table_rule(c: &Compiling<'_>) -> Result<Option<String>, RuleError> {
    let Compiling { rule, d, t, .. } = *c;
    Ok(Some(match rule.kind.as_str() {
        "paid_twice" => format!(
            "SELECT CAST(min(county_code) AS TEXT) AS c, concat_ws(':', id_number, insurance_type, period) AS k, {v} AS v FROM {t} GROUP BY id_number, insurance_type, period HAVING count(*) > 1",
            v = d.list_agg("employer_code")
        ),
        "after_retirement" => format!(
            "SELECT {} FROM {t} x JOIN {} p ON p.id_number = x.id_number \
             WHERE (p.retired = 1 AND p.retire_date IS NOT NULL AND x.period > {}) \
                OR (p.death_date IS NOT NULL AND x.period > {})",
            c.key("x."),
            d.table("person"),
            d.month_of("p.retire_date"),
            d.month_of("p.death_date")
        ),
        "unemployed_while_employed" => format!(
            "SELECT {} FROM {t} x JOIN {} u ON u.id_number = x.id_number \
             WHERE x.insurance_type = '110' AND x.period >= {} AND (u.ended_on IS NULL OR x.period <= {})",
            c.key("x."),
            d.table("unemployment_registration"),
            d.month_of("u.registered_on"),
            d.month_of("u.ended_on")
        ),
        "work_age" => format!(
            // dates that are no real past dates are the date rules' findings, not this one's
            "SELECT {} FROM {t} WHERE birth_date > '1900-01-01' AND birth_date <= {today} \
             AND work_start > '1900-01-01' AND work_start <= {today} \
             AND (work_start < {} OR work_start > {})",
            c.key(""),
            d.add_years("birth_date", 14),
            d.add_years("birth_date", 70),
            today = d.today()
        ),
        "id_names_differ" => format!(
            "SELECT CAST(max(county_code) AS TEXT) AS c, id_number AS k, {} AS v FROM {t} \
             GROUP BY id_number HAVING count(DISTINCT name) > 1",
            d.list_agg("name")
        ),
        "candidate_duplicate" => format!(
            "SELECT CAST(min(county_code) AS TEXT) AS c, concat_ws(':', name, CAST(birth_date AS TEXT), sex) AS k, {} AS v \
             FROM {t} WHERE birth_date IS NOT NULL AND sex IS NOT NULL \
             GROUP BY name, birth_date, sex HAVING count(DISTINCT id_number) > 1",
            d.list_agg("id_number")
        ),
        "contribution_gap" => format!(
            "SELECT CAST(min(county_code) AS TEXT) AS c, concat_ws(':', id_number, insurance_type) AS k, \
               concat_ws('-', CAST(min(period) AS TEXT), CAST(max(period) AS TEXT)) AS v FROM {t} \
             GROUP BY id_number, insurance_type \
             HAVING (max(period) / 100 * 12 + max(period) % 100) - (min(period) / 100 * 12 + min(period) % 100) + 1 \
               > count(DISTINCT period)"
        ),
        "after_death" => format!(
            "SELECT {} FROM {t} x JOIN {} p ON p.id_number = x.id_number \
             WHERE p.death_date IS NOT NULL AND x.period > {}",
            c.key("x."),
            d.table("person"),
            d.month_of("p.death_date")
        ),
        _ => return Ok(None),
    }))
}
