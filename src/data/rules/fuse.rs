//! Row-level rules of one table fused into one scan. Each row is read once; what several rules
//! need is computed once (an ID number's digits read as bytes, its shape, weighted sum and
//! birth date); each rule is a cheap boolean over those, and the rules a row breaks are one bit
//! each of a mask. Only rows with a bit set leave the engine, with the values the rules name.

use std::collections::BTreeMap;

use super::compile::{birth_comparable, employer_ok, sql_str};
use super::{Rule, RuleError, key_columns};
use crate::db::{self, Dialect};
use crate::profile::Engine;

/// Kinds whose verdict depends on one row of their table alone.
pub(super) const ROW_KINDS: &[&str] = &[
    "not_null",
    "id_shape",
    "id_check_char",
    "id_birth_real",
    "id_area_code",
    "id_sex",
    "id_birth_matches",
    "id_legacy",
    "employer_code",
    "in_dictionary",
    "date_valid",
    "period_valid",
    "bad_characters",
    "work_age",
    "area_code",
];

/// Kinds that read an ID number's parts.
const ID_KINDS: &[&str] = &[
    "id_shape",
    "id_check_char",
    "id_birth_real",
    "id_area_code",
    "id_sex",
    "id_birth_matches",
];

/// One fused scan: which rules (by index) it runs, its SQL, and for each rule the column of
/// its value among the selected ones.
#[derive(Debug, Clone)]
pub struct Fused {
    pub table: String,
    pub rules: Vec<usize>,
    pub sql: String,
    /// Per fused rule: the index of its value among the value columns (None: no value).
    pub values: Vec<Option<usize>>,
}

/// Splits `rules` into fused scans (two or more row-level rules of a table) and the indices
/// of the rules that run alone.
pub fn plan(rules: &[Rule], engine: Engine) -> Result<(Vec<Fused>, Vec<usize>), RuleError> {
    plan_from(rules, engine, None)
}

/// [`plan`] with every scan reading `from` instead of its table (see `compile_from`).
pub fn plan_from(
    rules: &[Rule],
    engine: Engine,
    from: Option<&str>,
) -> Result<(Vec<Fused>, Vec<usize>), RuleError> {
    let mut by_table: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut alone = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if ROW_KINDS.contains(&r.kind.as_str()) && !r.table.is_empty() {
            by_table.entry(r.table.as_str()).or_default().push(i);
        } else {
            alone.push(i);
        }
    }
    let mut fused = Vec::new();
    for (table, idx) in by_table {
        // the ID parts are those of one column: rules on another ID column run alone
        let id_col = idx
            .iter()
            .map(|i| &rules[*i])
            .find(|r| ID_KINDS.contains(&r.kind.as_str()))
            .map(|r| r.column.clone());
        let (mut group, rest): (Vec<usize>, Vec<usize>) = idx.into_iter().partition(|i| {
            let r = &rules[*i];
            !ID_KINDS.contains(&r.kind.as_str()) || Some(&r.column) == id_col.as_ref()
        });
        alone.extend(rest);
        while !group.is_empty() {
            let chunk: Vec<usize> = group.drain(..group.len().min(62)).collect();
            if chunk.len() < 2 {
                alone.extend(chunk);
                continue;
            }
            fused.push(compile_fused(
                rules,
                &chunk,
                table,
                id_col.as_deref(),
                engine,
                from,
            )?);
        }
    }
    alone.sort_unstable();
    Ok((fused, alone))
}

fn compile_fused(
    rules: &[Rule],
    chunk: &[usize],
    table: &str,
    id_col: Option<&str>,
    engine: Engine,
    from: Option<&str>,
) -> Result<Fused, RuleError> {
    let d = db::dialect(engine);
    let t = from.map_or_else(|| d.table(table), str::to_string);
    let fence = d.fence();
    let needs_ids = chunk
        .iter()
        .any(|i| ID_KINDS.contains(&rules[*i].kind.as_str()));
    let needs_area = chunk.iter().any(|i| rules[*i].kind == "id_area_code");
    let mut from = format!("{t} x");
    if let (true, Some(col)) = (needs_ids, id_col) {
        // the digits once per row, each rule then reads them
        let l1 = d.with_id_digits(&t, col);
        let digit = |i: usize| d.id_digit(col, i);
        let digits: Vec<String> = (1..=17)
            .map(|i| format!("{} AS jb_d{i}", digit(i)))
            .collect();
        let l2 = format!(
            "(SELECT y.*, {}, substr(CAST(y.{col} AS TEXT), 18, 1) AS jb_c18 FROM {l1} y{fence})",
            digits.join(", ")
        );
        let ds: Vec<String> = (1..=17).map(|i| format!("z.jb_d{i}")).collect();
        let (least, greatest) = d.least_greatest();
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: Vec<String> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| format!("z.jb_d{}*{w}", i + 1))
            .collect();
        from = format!(
            "(SELECT z.*, (length(z.{col}) = 18 AND {least}({ds}) >= 0 AND {greatest}({ds}) <= 9 \
               AND (z.jb_c18 = 'X' OR z.jb_c18 BETWEEN '0' AND '9')) AS jb_ok, \
               {sum} AS jb_sum, \
               z.jb_d7*1000 + z.jb_d8*100 + z.jb_d9*10 + z.jb_d10 AS jb_y, \
               z.jb_d11*10 + z.jb_d12 AS jb_m, z.jb_d13*10 + z.jb_d14 AS jb_dd \
             FROM {l2} z{fence}) x",
            ds = ds.join(", "),
            sum = sum.join(" + ")
        );
        if needs_area {
            from.push_str(&format!(
                " LEFT JOIN {} a ON a.code = substr(CAST(x.{col} AS TEXT), 1, 6)",
                d.table("area_code_years")
            ));
        }
    }
    let mut bits = Vec::new();
    let mut value_cols: Vec<String> = Vec::new();
    let mut values = Vec::new();
    for (bit, i) in chunk.iter().enumerate() {
        let r = &rules[*i];
        let bad = predicate(r, d)?;
        bits.push(format!("CASE WHEN {bad} THEN {} ELSE 0 END", 1i64 << bit));
        let v = value_of(r);
        values.push(v.map(|v| match value_cols.iter().position(|x| *x == v) {
            Some(p) => p,
            None => {
                value_cols.push(v);
                value_cols.len() - 1
            }
        }));
    }
    let mut key = vec!["x.county_code".to_string()];
    key.extend(key_columns(table).iter().map(|c| format!("x.{c}")));
    let vcols: String = value_cols
        .iter()
        .enumerate()
        .map(|(i, v)| format!(", {v} AS v{i}"))
        .collect();
    let sql = format!(
        "SELECT * FROM (SELECT CAST({} AS BIGINT) AS m, CAST(x.county_code AS TEXT) AS c, concat_ws(':', {}) AS k{vcols} \
         FROM {from}{fence}) s WHERE m <> 0",
        bits.join(" + "),
        key.join(", ")
    );
    Ok(Fused {
        table: table.to_string(),
        rules: chunk.to_vec(),
        sql,
        values,
    })
}

/// The value a rule's list rows show (its column, as text).
fn value_of(r: &Rule) -> Option<String> {
    let col = if !r.column.is_empty() {
        &r.column
    } else if !r.src_column.is_empty() {
        &r.src_column
    } else if r.kind == "work_age" {
        return Some("CAST(x.work_start AS TEXT)".into());
    } else {
        return None;
    };
    Some(format!("CAST(x.{col} AS TEXT)"))
}

/// A row-level rule as a boolean over the row `x` (and the shared ID parts).
fn predicate(r: &Rule, d: &dyn Dialect) -> Result<String, RuleError> {
    let need = |v: &str, what: &str| {
        if v.is_empty() {
            Err(RuleError::Rule {
                rule: r.name.clone(),
                message: format!("`{what}` is required for kind {}", r.kind),
            })
        } else {
            Ok(())
        }
    };
    let col = format!("x.{}", r.column);
    let today = d.today();
    Ok(match r.kind.as_str() {
        "not_null" => {
            need(&r.column, "column")?;
            format!("({col} IS NULL OR CAST({col} AS TEXT) = '')")
        }
        "id_shape" => "NOT x.jb_ok".into(),
        "id_check_char" => {
            "(x.jb_ok AND x.jb_c18 <> substr('10X98765432', x.jb_sum % 11 + 1, 1))".into()
        }
        "id_birth_real" => format!(
            "(x.jb_ok AND NOT (x.jb_y >= 1870 AND substr(CAST({col} AS TEXT), 7, 8) <= {} \
              AND x.jb_m BETWEEN 1 AND 12 AND x.jb_dd BETWEEN 1 AND \
              (CASE WHEN x.jb_m IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN x.jb_m IN (4, 6, 9, 11) THEN 30 \
               WHEN (x.jb_y % 4 = 0 AND x.jb_y % 100 <> 0) OR x.jb_y % 400 = 0 THEN 29 ELSE 28 END)))",
            d.today_yyyymmdd()
        ),
        "id_area_code" => "(x.jb_ok AND coalesce(a.last_year, 0) < x.jb_y)".into(),
        "id_sex" => {
            "(x.jb_ok AND x.sex IN ('1', '2') AND ((x.jb_d17 % 2 = 1) <> (x.sex = '1')))".into()
        }
        "id_birth_matches" => format!(
            "(x.jb_ok AND {} AND substr(CAST({col} AS TEXT), 7, 8) <> {})",
            birth_comparable(d, r, "x.birth_date"),
            d.yyyymmdd("x.birth_date")
        ),
        "id_legacy" => {
            need(&r.src_column, "src_column")?;
            format!("coalesce(length(x.{}) = 15, false)", r.src_column)
        }
        "employer_code" => {
            need(&r.column, "column")?;
            format!("NOT {}", employer_ok(d, &col))
        }
        "in_dictionary" => {
            need(&r.column, "column")?;
            format!(
                "({col} IS NOT NULL AND {col} NOT IN (SELECT code_value FROM {} WHERE code_type = {}))",
                d.table("dict_code"),
                sql_str(&r.code_type)
            )
        }
        "date_valid" => {
            need(&r.column, "column")?;
            let mut bad = vec![format!("{col} > {today}"), format!("{col} < '1870-01-01'")];
            if !r.src_column.is_empty() {
                bad.push(format!(
                    "({col} IS NULL AND x.{} IS NOT NULL)",
                    r.src_column
                ));
            }
            for p in &r.placeholders {
                bad.push(format!("{col} = {}", sql_str(p)));
            }
            format!("coalesce({}, false)", bad.join(" OR "))
        }
        "period_valid" => format!("coalesce({col} % 100 NOT BETWEEN 1 AND 12, false)"),
        "bad_characters" => format!("coalesce({}, false)", d.bad_chars(&col)),
        "work_age" => format!(
            "coalesce(x.birth_date > '1900-01-01' AND x.birth_date <= {today} \
              AND x.work_start > '1900-01-01' AND x.work_start <= {today} \
              AND (x.work_start < {} OR x.work_start > {}), false)",
            d.add_years("x.birth_date", 14),
            d.add_years("x.birth_date", 70)
        ),
        "area_code" => format!(
            "({col} IS NOT NULL AND {col} NOT IN (SELECT code FROM {}))",
            d.table("area_code_years")
        ),
        other => {
            return Err(RuleError::Rule {
                rule: r.name.clone(),
                message: format!("kind {other} is not a row-level rule"),
            });
        }
    })
}
