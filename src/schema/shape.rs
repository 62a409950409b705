//! The shape of a schema (tables, columns with type and nullability, indexes, constraints) read
//! from the catalog, and the differences between two shapes: what `db drift` reports.

use std::collections::BTreeMap;

use serde::Serialize;

use super::HISTORY_TABLE;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Shape {
    pub tables: BTreeMap<String, TableShape>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TableShape {
    /// name → "type [NOT NULL] [DEFAULT …]"
    pub columns: BTreeMap<String, String>,
    /// name → definition
    pub indexes: BTreeMap<String, String>,
    /// name (or definition, where the engine names none) → definition
    pub constraints: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Difference {
    pub table: String,
    /// table, column, index or constraint
    pub object: &'static str,
    pub name: String,
    /// What the migrations produce (None: the live schema has something extra).
    pub expected: Option<String>,
    /// What the database has (None: it is missing).
    pub found: Option<String>,
}

impl Difference {
    pub fn summary(&self) -> String {
        let what = if self.object == "table" {
            format!("table {}", self.table)
        } else {
            format!("{} {}.{}", self.object, self.table, self.name)
        };
        match (&self.expected, &self.found) {
            (Some(_), None) => format!("{what} is missing"),
            (None, Some(f)) => format!("{what} is not in the migrations ({f})"),
            (Some(e), Some(f)) => format!("{what} is `{f}`, the migrations make `{e}`"),
            (None, None) => what,
        }
    }
}

/// Every difference between the shape the migrations produce and the live one.
pub fn diff(expected: &Shape, live: &Shape) -> Vec<Difference> {
    let mut out = Vec::new();
    let d = |table: &str, object, name: &str, e: Option<&String>, f: Option<&String>| Difference {
        table: table.to_string(),
        object,
        name: name.to_string(),
        expected: e.cloned(),
        found: f.cloned(),
    };
    let mut names: Vec<&String> = expected.tables.keys().chain(live.tables.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        match (expected.tables.get(name), live.tables.get(name)) {
            (Some(_), None) => out.push(d(name, "table", name, Some(name), None)),
            (None, Some(_)) => out.push(d(name, "table", name, None, Some(name))),
            (Some(e), Some(l)) => {
                for (object, em, lm) in [
                    ("column", &e.columns, &l.columns),
                    ("index", &e.indexes, &l.indexes),
                    ("constraint", &e.constraints, &l.constraints),
                ] {
                    let mut keys: Vec<&String> = em.keys().chain(lm.keys()).collect();
                    keys.sort();
                    keys.dedup();
                    for k in keys {
                        let (ev, lv) = (em.get(k), lm.get(k));
                        if ev != lv {
                            out.push(d(name, object, k, ev, lv));
                        }
                    }
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// The shape of PostgreSQL schema `schema` (its name stripped from definitions).
pub fn postgres(
    client: &mut impl postgres::GenericClient,
    schema: &str,
) -> Result<Shape, postgres::Error> {
    let mut shape = Shape::default();
    let strip = |s: String| s.replace(&format!("{schema}."), "");
    for r in client.query(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
                pg_get_expr(d.adbin, d.adrelid) \
         FROM pg_attribute a \
         JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
        &[&schema],
    )? {
        let table: String = r.get(0);
        if table == HISTORY_TABLE {
            continue;
        }
        let mut def: String = r.get(2);
        if r.get::<_, bool>(3) {
            def.push_str(" NOT NULL");
        }
        if let Some(default) = r.get::<_, Option<String>>(4) {
            def.push_str(&format!(" DEFAULT {}", strip(default)));
        }
        shape
            .tables
            .entry(table)
            .or_default()
            .columns
            .insert(r.get(1), def);
    }
    for r in client.query(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1",
        &[&schema],
    )? {
        let table: String = r.get(0);
        if table == HISTORY_TABLE {
            continue;
        }
        shape
            .tables
            .entry(table)
            .or_default()
            .indexes
            .insert(r.get(1), strip(r.get(2)));
    }
    for r in client.query(
        "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) \
         FROM pg_constraint con \
         JOIN pg_class c ON c.oid = con.conrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1",
        &[&schema],
    )? {
        let table: String = r.get(0);
        if table == HISTORY_TABLE {
            continue;
        }
        shape
            .tables
            .entry(table)
            .or_default()
            .constraints
            .insert(r.get(1), strip(r.get(2)));
    }
    Ok(shape)
}

/// The shape of a SQLite database.
pub fn sqlite(conn: &rusqlite::Connection) -> rusqlite::Result<Shape> {
    let mut shape = Shape::default();
    let tables: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, coalesce(sql, '') FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (table, sql) in tables {
        if table == HISTORY_TABLE {
            continue;
        }
        let mut t = TableShape::default();
        let mut stmt = conn
            .prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)")?;
        let cols = stmt.query_map([&table], |r| {
            let mut def: String = r.get(1)?;
            if r.get::<_, i64>(2)? != 0 {
                def.push_str(" NOT NULL");
            }
            if let Some(dflt) = r.get::<_, Option<String>>(3)? {
                def.push_str(&format!(" DEFAULT {dflt}"));
            }
            let pk: i64 = r.get(4)?;
            if pk > 0 {
                def.push_str(&format!(" PRIMARY KEY #{pk}"));
            }
            Ok((r.get::<_, String>(0)?, def))
        })?;
        for c in cols {
            let (name, def) = c?;
            t.columns.insert(name, def);
        }
        let mut stmt =
            conn.prepare("SELECT name, \"unique\", origin FROM pragma_index_list(?1)")?;
        let indexes: Vec<(String, bool, String)> = stmt
            .query_map([&table], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? != 0, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        for (name, unique, origin) in indexes {
            let cols: Vec<String> = conn
                .prepare("SELECT coalesce(name, '?') FROM pragma_index_info(?1) ORDER BY seqno")?
                .query_map([&name], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            // automatic indexes get engine-made names: key them by what they cover
            let key = if origin == "c" {
                name
            } else {
                format!("({origin}) {}", cols.join(", "))
            };
            t.indexes.insert(
                key,
                format!(
                    "{}({})",
                    if unique { "UNIQUE " } else { "" },
                    cols.join(", ")
                ),
            );
        }
        let mut stmt = conn.prepare(
            "SELECT \"table\", \"from\", \"to\", id FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )?;
        let fks: Vec<(String, String, Option<String>)> = stmt
            .query_map([&table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (to_table, from, to) in fks {
            let def = format!(
                "FOREIGN KEY ({from}) REFERENCES {to_table}({})",
                to.unwrap_or_default()
            );
            t.constraints.insert(def.clone(), def);
        }
        for check in checks_in(&sql) {
            t.constraints.insert(check.clone(), check);
        }
        shape.tables.insert(table, t);
    }
    Ok(shape)
}

/// The `CHECK (…)` clauses of a CREATE TABLE statement, whitespace folded.
fn checks_in(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let upper = sql.to_ascii_uppercase();
    let mut from = 0;
    while let Some(i) = upper[from..].find("CHECK") {
        let start = from + i;
        let Some(open) = sql[start..].find('(').map(|o| start + o) else {
            break;
        };
        let mut depth = 0;
        let mut end = open;
        for (j, c) in sql[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body: String = sql[open..=end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(format!("CHECK {body}"));
        from = end.max(start + 5);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_column_and_an_extra_index_are_differences() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER NOT NULL PRIMARY KEY, b TEXT CHECK (length(b) > 1), c DATE);",
        )
        .unwrap();
        let expected = sqlite(&conn).unwrap();
        assert!(
            expected.tables["t"]
                .constraints
                .contains_key("CHECK (length(b) > 1)")
        );
        conn.execute_batch("ALTER TABLE t DROP COLUMN c; CREATE INDEX t_b ON t (b);")
            .unwrap();
        let live = sqlite(&conn).unwrap();
        let d = diff(&expected, &live);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].summary(), "column t.c is missing");
        assert_eq!(d[1].object, "index");
        assert_eq!(d[1].expected, None);
    }
}
