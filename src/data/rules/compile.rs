//! Rules compiled to SQL for each engine: every statement selects, for each row that breaks
//! its rule, the county (`c`), the row's key (`k`) and the offending value (`v`).

use super::{Rule, RuleError, key_columns};
use crate::profile::Engine;

mod sql;

pub(super) use sql::{Dialect, birth_comparable, employer_ok, sql_str};
use sql::{digit, id_date_real, id_sum};

/// The keys of the rows that break the rule, as one text column `k`.
pub fn compile(rule: &Rule, engine: Engine) -> Result<String, RuleError> {
    let c = Compiling::new(rule, engine);
    if !matches!(rule.kind.as_str(), "reconciliation") {
        c.need(&rule.table, "table")?;
    }
    if let Some(sql) = c.id_rule()? {
        return Ok(sql);
    }
    if let Some(sql) = c.column_rule()? {
        return Ok(sql);
    }
    if let Some(sql) = c.value_rule()? {
        return Ok(sql);
    }
    if let Some(sql) = c.payment_rule()? {
        return Ok(sql);
    }
    if let Some(sql) = c.table_rule()? {
        return Ok(sql);
    }
    Err(c.bad(&format!("no rule kind `{}`", rule.kind)))
}

/// One rule being compiled: the rule, its engine's dialect, its table and the column whose
/// value each finding shows.
struct Compiling<'r> {
    rule: &'r Rule,
    d: Dialect,
    /// The rule's table as the engine names it.
    t: String,
    col: &'r str,
    /// The column shown as the offending value (`v`): the rule's column, else its source
    /// column, else none.
    value_col: &'r str,
}

impl<'r> Compiling<'r> {
    fn new(rule: &'r Rule, engine: Engine) -> Self {
        let d = Dialect(engine);
        let t = d.table(&rule.table);
        let col = rule.column.as_str();
        // every rule selects the county (c), the key (k) and the offending value (v) of each row
        // that breaks it
        let value_col = if !col.is_empty() {
            col
        } else if !rule.src_column.is_empty() {
            rule.src_column.as_str()
        } else {
            ""
        };
        Compiling {
            rule,
            d,
            t,
            col,
            value_col,
        }
    }

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

    /// The county (c), key (k) and offending value (v) of a row of the rule's table, whose
    /// columns are prefixed with `alias`.
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

    /// A rule on an ID number's form: its check character, length, birth date, area and sex.
    fn id_rule(&self) -> Result<Option<String>, RuleError> {
        let d = &self.d;
        let t = &self.t;
        let col = self.col;
        let rule = self.rule;
        Ok(Some(match self.rule.kind.as_str() {
            "id_check_char" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE {} AND substr({col}, 18, 1) <> substr('10X98765432', (({}) % 11) + 1, 1)",
                    self.key(""),
                    d.digits17(col),
                    id_sum(col)
                )
            }
            "id_legacy" => {
                self.need(&rule.src_column, "src_column")?;
                format!(
                    "SELECT {} FROM {t} WHERE length({}) = 15",
                    self.key(""),
                    rule.src_column
                )
            }
            "id_shape" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE NOT ({})",
                    self.key(""),
                    d.digits17(col)
                )
            }
            "id_birth_real" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE {} AND NOT {}",
                    self.key(""),
                    d.digits17(col),
                    id_date_real(d, col)
                )
            }
            "id_area_code" => {
                self.need(col, "column")?;
                // in force at some time in or after the birth year (GB 11643: an ID carries the
                // code of its issue, which comes after birth)
                format!(
                    "SELECT {} FROM {t} x WHERE {} AND NOT EXISTS (SELECT 1 FROM {} a WHERE a.code = substr(x.{col}, 1, 6) AND a.last_year >= CAST(substr(x.{col}, 7, 4) AS INTEGER))",
                    self.key(""),
                    d.digits17(col),
                    d.table("area_code_years")
                )
            }
            "id_sex" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE {} AND sex IN ('1', '2') AND (({} % 2 = 1) <> (sex = '1'))",
                    self.key(""),
                    d.digits17(col),
                    digit(col, 17)
                )
            }
            "id_birth_matches" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE {} AND {} AND substr({col}, 7, 8) <> {}",
                    self.key(""),
                    d.digits17(col),
                    birth_comparable(d, rule, "birth_date"),
                    d.yyyymmdd("birth_date")
                )
            }
            _ => return Ok(None),
        }))
    }

    /// A rule on one column's values: present, unique, found where they point.
    fn column_rule(&self) -> Result<Option<String>, RuleError> {
        let d = &self.d;
        let t = &self.t;
        let col = self.col;
        let rule = self.rule;
        Ok(Some(match self.rule.kind.as_str() {
            "not_null" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE {col} IS NULL OR CAST({col} AS TEXT) = ''",
                    self.key("")
                )
            }
            "unique" => {
                let cols = if rule.columns.is_empty() {
                    vec![rule.column.clone()]
                } else {
                    rule.columns.clone()
                };
                self.need(&cols.join(""), "column")?;
                format!(
                    "SELECT CAST(max(county_code) AS TEXT) AS c, concat_ws(':', {c}) AS k, {v} AS v FROM {t} GROUP BY {c} HAVING count(DISTINCT county_code) > 1",
                    c = cols.join(", "),
                    v = d.list_agg("county_code")
                )
            }
            "orphan" => {
                self.need(col, "column")?;
                self.need(&rule.ref_table, "ref_table")?;
                let rc = if rule.ref_column.is_empty() {
                    col
                } else {
                    rule.ref_column.as_str()
                };
                format!(
                    "SELECT {} FROM {t} x WHERE x.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {} r WHERE r.{rc} = x.{col})",
                    self.key("x."),
                    d.table(&rule.ref_table)
                )
            }
            "in_dictionary" => {
                self.need(col, "column")?;
                self.need(&rule.code_type, "code_type")?;
                format!(
                    "SELECT {} FROM {t} WHERE {col} IS NOT NULL AND {col} NOT IN (SELECT code_value FROM {} WHERE code_type = {})",
                    self.key(""),
                    d.table("dict_code"),
                    sql_str(&rule.code_type)
                )
            }
            "area_code" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} x WHERE x.{col} IS NOT NULL AND x.{col} NOT IN (SELECT code FROM {})",
                    self.key("x."),
                    d.table("area_code_years")
                )
            }
            _ => return Ok(None),
        }))
    }

    /// A rule on the form of one column's values: an employer code, a date, a month, clean text.
    fn value_rule(&self) -> Result<Option<String>, RuleError> {
        let d = &self.d;
        let t = &self.t;
        let col = self.col;
        let rule = self.rule;
        Ok(Some(match self.rule.kind.as_str() {
            "employer_code" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE NOT {}",
                    self.key(""),
                    employer_ok(d, col)
                )
            }
            "date_valid" => {
                self.need(col, "column")?;
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
                    self.key(""),
                    bad_dates.join(" OR ")
                )
            }
            "period_valid" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE {col} % 100 NOT BETWEEN 1 AND 12",
                    self.key("")
                )
            }
            "bad_characters" => {
                self.need(col, "column")?;
                format!(
                    "SELECT {} FROM {t} WHERE {}",
                    self.key(""),
                    d.bad_chars(col)
                )
            }
            _ => return Ok(None),
        }))
    }

    /// A rule across a person's payments: twice, after an end, gaps, limits.
    fn payment_rule(&self) -> Result<Option<String>, RuleError> {
        let d = &self.d;
        let t = &self.t;
        let rule = self.rule;
        Ok(Some(match self.rule.kind.as_str() {
            "paid_twice" => format!(
                "SELECT CAST(min(county_code) AS TEXT) AS c, concat_ws(':', id_number, insurance_type, period) AS k, {v} AS v FROM {t} GROUP BY id_number, insurance_type, period HAVING count(*) > 1",
                v = d.list_agg("employer_code")
            ),
            "after_retirement" => format!(
                "SELECT {} FROM {t} x JOIN {} p ON p.id_number = x.id_number \
             WHERE (p.retired = 1 AND p.retire_date IS NOT NULL AND x.period > {}) \
                OR (p.death_date IS NOT NULL AND x.period > {})",
                self.key("x."),
                d.table("person"),
                d.month_of("p.retire_date"),
                d.month_of("p.death_date")
            ),
            "unemployed_while_employed" => format!(
                "SELECT {} FROM {t} x JOIN {} u ON u.id_number = x.id_number \
             WHERE x.insurance_type = '110' AND x.period >= {} AND (u.ended_on IS NULL OR x.period <= {})",
                self.key("x."),
                d.table("unemployment_registration"),
                d.month_of("u.registered_on"),
                d.month_of("u.ended_on")
            ),
            "contribution_gap" => format!(
                "SELECT CAST(min(county_code) AS TEXT) AS c, concat_ws(':', id_number, insurance_type) AS k, \
               concat_ws('-', CAST(min(period) AS TEXT), CAST(max(period) AS TEXT)) AS v FROM {t} \
             GROUP BY id_number, insurance_type \
             HAVING (max(period) / 100 * 12 + max(period) % 100) - (min(period) / 100 * 12 + min(period) % 100) + 1 \
               > count(DISTINCT period)"
            ),
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
                        self.key("x."),
                        rows.join(" UNION ALL ")
                    )
                }
            }
            "after_death" => format!(
                "SELECT {} FROM {t} x JOIN {} p ON p.id_number = x.id_number \
             WHERE p.death_date IS NOT NULL AND x.period > {}",
                self.key("x."),
                d.table("person"),
                d.month_of("p.death_date")
            ),
            _ => return Ok(None),
        }))
    }

    /// A rule across a whole table: its rows, its totals, the same person twice.
    fn table_rule(&self) -> Result<Option<String>, RuleError> {
        let d = &self.d;
        let t = &self.t;
        let rule = self.rule;
        Ok(Some(match self.rule.kind.as_str() {
            "row_count" => {
                let min = rule
                    .min
                    .ok_or_else(|| self.bad("`min` is required for kind row_count"))?;
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
            "work_age" => format!(
                // dates that are no real past dates are the date rules' findings, not this one's
                "SELECT {} FROM {t} WHERE birth_date > '1900-01-01' AND birth_date <= {today} \
             AND work_start > '1900-01-01' AND work_start <= {today} \
             AND (work_start < {} OR work_start > {})",
                self.key(""),
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
            _ => return Ok(None),
        }))
    }
}
