//! The building blocks of the rules' SQL: the differences between the engines, and the
//! checks of ID numbers and employer codes written as SQL expressions.

use super::Rule;
use crate::data::ids;
use crate::db;
use crate::profile::Engine;

pub(in crate::data::rules) fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Engine differences the rules need.
pub(in crate::data::rules) struct Dialect(pub(in crate::data::rules) Engine);

impl Dialect {
    pub(in crate::data::rules) fn digits17(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("{col} ~ '^[0-9]{{17}}[0-9X]$'"),
            Engine::Sqlite => format!("{col} GLOB '{}[0-9X]'", "[0-9]".repeat(17)),
        }
    }
    pub(in crate::data::rules) fn position(&self, set: &str, ch: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("strpos({}, {ch})", sql_str(set)),
            Engine::Sqlite => format!("instr({}, {ch})", sql_str(set)),
        }
    }
    /// Today as YYYYMMDD text.
    pub(in crate::data::rules) fn today_yyyymmdd(&self) -> &'static str {
        match self.0 {
            Engine::Postgres => "to_char(current_date, 'YYYYMMDD')",
            Engine::Sqlite => "strftime('%Y%m%d', 'now')",
        }
    }
    pub(in crate::data::rules) fn today(&self) -> &'static str {
        match self.0 {
            Engine::Postgres => "current_date",
            Engine::Sqlite => "date('now')",
        }
    }
    /// YYYYMM of a date column, as an integer.
    pub(in crate::data::rules) fn month_of(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => {
                format!("(extract(year from {col}) * 100 + extract(month from {col}))::integer")
            }
            Engine::Sqlite => format!("CAST(strftime('%Y%m', {col}) AS INTEGER)"),
        }
    }
    pub(in crate::data::rules) fn yyyymmdd(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("to_char({col}, 'YYYYMMDD')"),
            Engine::Sqlite => format!("replace({col}, '-', '')"),
        }
    }
    pub(in crate::data::rules) fn bad_chars(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("{col} ~ '[\\uE000-\\uF8FF\\uFFFD]'"),
            Engine::Sqlite => format!("jinbao_bad_chars({col})"),
        }
    }
    pub(in crate::data::rules) fn distinct(&self, a: &str, b: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("{a} IS DISTINCT FROM {b}"),
            Engine::Sqlite => format!("{a} IS NOT {b}"),
        }
    }
    /// A date column `n` years later.
    pub(in crate::data::rules) fn add_years(&self, col: &str, n: u32) -> String {
        match self.0 {
            Engine::Postgres => format!("({col} + interval '{n} years')::date"),
            Engine::Sqlite => format!("date({col}, '+{n} years')"),
        }
    }
    /// The distinct values of a column of a group, comma separated.
    pub(in crate::data::rules) fn list_agg(&self, col: &str) -> String {
        match self.0 {
            Engine::Postgres => format!("string_agg(DISTINCT CAST({col} AS TEXT), ',')"),
            Engine::Sqlite => format!("group_concat(DISTINCT {col})"),
        }
    }
    pub(in crate::data::rules) fn table(&self, t: &str) -> String {
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
/// True when `col` is a valid organization code (GB 11714) or credit code (GB 32100).
pub(in crate::data::rules) fn employer_ok(d: &Dialect, col: &str) -> String {
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

pub(in crate::data::rules) fn org_code_sql(d: &Dialect, col: &str, from: usize) -> String {
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

pub(super) fn digit(col: &str, i: usize) -> String {
    format!("CAST(substr({col}, {i}, 1) AS INTEGER)")
}

/// The ID's 17 digits weighted and summed (GB 11643).
pub(super) fn id_sum(col: &str) -> String {
    ID_WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{}*{w}", digit(col, i + 1)))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// True when the ID's birth part is a real date, not after today and not before 1870.
pub(super) fn id_date_real(dialect: &Dialect, col: &str) -> String {
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
pub(in crate::data::rules) fn birth_comparable(d: &Dialect, rule: &Rule, col: &str) -> String {
    let mut s = format!("{col} >= '1870-01-01' AND {col} <= {}", d.today());
    for p in &rule.placeholders {
        s.push_str(&format!(" AND {col} <> {}", sql_str(p)));
    }
    s
}
