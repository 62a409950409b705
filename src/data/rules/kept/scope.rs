//! What a rule's findings depend on, and the SQL of what a check by change looks at again.

use super::super::compile::sql_str;
use super::super::fuse::ROW_KINDS;
use super::super::{Rule, key_columns};
use crate::db::Dialect;

/// What a rule's findings depend on, and so what a check by change evaluates again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Each finding is one row of the rule's table: it depends on the row and, through each
    /// lookup, on the rows of another table holding the row's value in a key column.
    Rows(Vec<Lookup>),
    /// Each finding is a group of the table's rows by these columns of its key.
    Groups(Vec<&'static str>),
    /// Each finding is a group of the table's rows by other columns (`key`: the finding's
    /// key, as the rule writes it) that needs two rows to be found: a group without a finding
    /// cannot gain one by losing rows, so what is looked at again is the groups the loads
    /// wrote into and the groups found before (a changed row's old group is not known).
    Sets { key: &'static str },
    /// Evaluated whole every time.
    Whole,
}

/// A rule of rows looks the row's `own` value up in `table`'s key column `column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub table: String,
    pub column: String,
    pub own: String,
}

/// What `rule`'s findings depend on.
pub fn scope(rule: &Rule) -> Scope {
    let key = key_columns(&rule.table);
    if key.is_empty() {
        return Scope::Whole;
    }
    let lookup = |table: &str, column: &str, own: &str| {
        if key_columns(table).contains(&column) && !own.is_empty() {
            Scope::Rows(vec![Lookup {
                table: table.to_string(),
                column: column.to_string(),
                own: own.to_string(),
            }])
        } else {
            Scope::Whole
        }
    };
    // a group of the key's columns: a row's group never changes, and a deleted row keeps it
    let groups = |cols: &[&str]| {
        let of_key: Option<Vec<&'static str>> = cols
            .iter()
            .map(|c| key.iter().find(|k| *k == c).copied())
            .collect();
        match of_key {
            Some(g) if !g.is_empty() => Scope::Groups(g),
            _ => Scope::Whole,
        }
    };
    match rule.kind.as_str() {
        k if ROW_KINDS.contains(&k) || k == "base_limits" => Scope::Rows(Vec::new()),
        "orphan" => {
            let rc = if rule.ref_column.is_empty() {
                &rule.column
            } else {
                &rule.ref_column
            };
            lookup(&rule.ref_table, rc, &rule.column)
        }
        "after_retirement" | "after_death" => lookup("person", "id_number", "id_number"),
        "unemployed_while_employed" => {
            lookup("unemployment_registration", "id_number", "id_number")
        }
        "unique" => {
            let cols: Vec<&str> = if rule.columns.is_empty() {
                vec![rule.column.as_str()]
            } else {
                rule.columns.iter().map(String::as_str).collect()
            };
            groups(&cols)
        }
        "paid_twice" => groups(&["id_number", "insurance_type", "period"]),
        "contribution_gap" => groups(&["id_number", "insurance_type"]),
        "id_names_differ" => groups(&["id_number"]),
        "candidate_duplicate" => Scope::Sets {
            key: "concat_ws(':', name, CAST(birth_date AS TEXT), sex)",
        },
        _ => Scope::Whole,
    }
}

/// `cols` of `table`'s rows the `loads` wrote, and of its rows they deleted.
pub(super) fn written_or_gone(
    d: &dyn Dialect,
    table: &str,
    cols: &str,
    loads: &str,
    all: bool,
) -> String {
    format!(
        "SELECT {cols} FROM {} WHERE import_id IN ({loads}) UNION{} SELECT {cols} FROM {} WHERE import_id IN ({loads})",
        d.table(table),
        if all { " ALL" } else { "" },
        d.table(&format!("{table}_gone"))
    )
}

/// A row's finding key, as the rules write it (`k`): its county and its key.
pub(super) fn row_key(table: &str) -> String {
    let mut cols = vec!["county_code"];
    cols.extend(key_columns(table));
    format!("concat_ws(':', {})", cols.join(", "))
}

/// The rows of `rule`'s table a check by change evaluates it on, after `loads`.
pub(super) fn looked_at(d: &dyn Dialect, rule: &Rule, loads: &str) -> String {
    let t = d.table(&rule.table);
    match scope(rule) {
        Scope::Rows(lookups) if lookups.is_empty() => {
            format!("SELECT * FROM {t} WHERE import_id IN ({loads})")
        }
        Scope::Rows(lookups) => {
            let by_value: Vec<String> = lookups
                .iter()
                .map(|l| {
                    format!(
                        "{} IN ({})",
                        l.own,
                        written_or_gone(d, &l.table, &l.column, loads, true)
                    )
                })
                .collect();
            format!(
                "SELECT * FROM {t} WHERE import_id IN ({loads}) UNION ALL \
                 SELECT * FROM {t} WHERE import_id NOT IN ({loads}) AND ({})",
                by_value.join(" OR ")
            )
        }
        Scope::Groups(cols) => {
            let cols = cols.join(", ");
            format!(
                "SELECT * FROM {t} WHERE ({cols}) IN ({})",
                written_or_gone(d, &rule.table, &cols, loads, false)
            )
        }
        // by the finding's key, which a NULL in a column does not make unknown
        Scope::Sets { key, .. } => {
            format!(
                "SELECT * FROM {t} WHERE {key} IN (SELECT {key} FROM {t} WHERE import_id IN ({loads})) \
                 OR {key} IN (SELECT k FROM {} WHERE rule = {})",
                d.table("check_finding"),
                sql_str(&rule.name)
            )
        }
        Scope::Whole => format!("SELECT * FROM {t}"),
    }
}

/// The finding keys of `rule` a check by change after `loads` replaces.
pub(super) fn touched(d: &dyn Dialect, rule: &Rule, loads: &str) -> String {
    match scope(rule) {
        Scope::Rows(_) => format!(
            "SELECT {k} FROM ({}) s UNION ALL SELECT {k} FROM {} WHERE import_id IN ({loads})",
            looked_at(d, rule, loads),
            d.table(&format!("{}_gone", rule.table)),
            k = row_key(&rule.table)
        ),
        Scope::Groups(cols) => {
            let cols = cols.join(", ");
            format!(
                "SELECT concat_ws(':', {cols}) FROM ({}) s",
                written_or_gone(d, &rule.table, &cols, loads, false)
            )
        }
        Scope::Sets { .. } | Scope::Whole => {
            format!("SELECT k FROM {}", d.table("check_finding"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: &str, table: &str, extra: &str) -> Rule {
        toml::from_str(&format!(
            "name = \"r\"\nkind = \"{kind}\"\nseverity = \"error\"\ntable = \"{table}\"\n{extra}"
        ))
        .unwrap()
    }

    /// What a finding depends on decides what a check by change looks at: a rule judged by
    /// less than it reads would keep stale findings.
    #[test]
    fn each_kind_depends_on_what_it_reads() {
        assert_eq!(
            scope(&rule("date_valid", "person", "column = \"birth_date\"")),
            Scope::Rows(Vec::new())
        );
        assert_eq!(
            scope(&rule(
                "orphan",
                "contribution",
                "column = \"id_number\"\nref_table = \"person\""
            )),
            Scope::Rows(vec![Lookup {
                table: "person".into(),
                column: "id_number".into(),
                own: "id_number".into()
            }])
        );
        // a lookup in a column that is no key of the other table: deleted rows are not kept
        // by it, so the rule is evaluated whole
        assert_eq!(
            scope(&rule(
                "orphan",
                "contribution",
                "column = \"employer_code\"\nref_table = \"person\"\nref_column = \"name\""
            )),
            Scope::Whole
        );
        assert_eq!(
            scope(&rule("paid_twice", "contribution", "")),
            Scope::Groups(vec!["id_number", "insurance_type", "period"])
        );
        // groups of columns outside the key
        assert_eq!(
            scope(&rule("unique", "person", "column = \"name\"")),
            Scope::Whole
        );
        assert!(matches!(
            scope(&rule("candidate_duplicate", "person", "")),
            Scope::Sets { .. }
        ));
        for whole in ["row_count", "reconciliation"] {
            assert_eq!(scope(&rule(whole, "person", "")), Scope::Whole, "{whole}");
        }
        // a table of no natural key (not a data table): whole
        assert_eq!(
            scope(&rule("not_null", "import_batch", "column = \"file_name\"")),
            Scope::Whole
        );
    }
}
