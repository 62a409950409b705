//! Checks by change. What each rule found is kept in the city database (`check_finding`, V013)
//! with the generation of loads it has seen (`check_rule_state`; each load belongs to the
//! generation of the first check after it, `check_generation`). The next check evaluates a rule
//! only where the loads since changed something it reads:
//! - a rule of rows (each finding one row): the rows those loads wrote, and for a rule that
//!   looks a value up in another table (orphans, contributions after retirement …) also the
//!   rows whose value those loads wrote or deleted there;
//! - a rule of groups (duplicates, paid twice, gaps …) whose group is part of the rows' key:
//!   the groups those loads wrote into or deleted from;
//! - any other rule (a row count, the reconciliation, groups by other columns): whole.
//!
//! The findings of what is looked at again are replaced in one transaction per statement. A
//! rule never kept, a rule whose definition changed (its SQL, the schema, the day for a rule
//! that reads today's date) and `data check --full` are evaluated whole. Rows changed by hand
//! (SQL outside jinbao) are no load: only `--full` sees them.

use std::collections::BTreeMap;

use sha2::Digest;

mod scope;

pub use scope::{Lookup, Scope, scope};
use scope::{looked_at, touched};

use super::compile::{compile_from, sql_str};
use super::fuse::{ROW_KINDS, plan_from};
use super::{Rule, RuleError};
use crate::db::{Cell, Conn, DbError, Dialect, Param};
use crate::profile::Engine;

/// The name a statement of a check by change gives the rows it looks at again.
const SCOPE: &str = "jb_scope";

/// The temporary table a statement's new findings go to first: what it looks at may be
/// worked out from the findings it replaces (`Scope::Sets`).
const FOUND: &str = "jb_found";

/// How a check evaluates a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pass {
    /// Every row: its findings replaced.
    Whole,
    /// Where the loads of the generations after this one changed something it reads.
    Since(i64),
    /// Nothing changed since the rule's last evaluation: its findings stand.
    Kept,
}

impl Pass {
    /// As `data check --json` says it: `whole`, `changes` or `kept`.
    pub fn as_str(self) -> &'static str {
        match self {
            Pass::Whole => "whole",
            Pass::Since(_) => "changes",
            Pass::Kept => "kept",
        }
    }
}

/// A city database's kept findings: the generation of loads this check covers, and each
/// rule's definition and generation as last evaluated.
pub struct Kept {
    pub generation: i64,
    states: BTreeMap<String, (String, i64)>,
    /// Every load a check has seen, with its generation.
    loads: Vec<(i64, String)>,
    /// What every definition is hashed with besides its SQL: the schema's version.
    schema: String,
    engine: Engine,
}

/// The kept findings of the database `conn` is connected to (by an account that may write
/// them); the loads no check has seen become the next generation. None for a database not
/// migrated that far (V013): its checks are evaluated whole and keep nothing.
pub fn open(conn: &mut Conn, engine: Engine) -> Result<Option<Kept>, DbError> {
    if !conn.has_table("check_finding")? {
        return Ok(None);
    }
    let d = conn.dialect();
    let (generations, batches, states) = (
        d.table("check_generation"),
        d.table("import_batch"),
        d.table("check_rule_state"),
    );
    let history = crate::schema::HISTORY_TABLE;
    let schema = conn
        .rows(&format!(
            "SELECT CAST(coalesce(max(version), 0) AS TEXT) FROM {}",
            d.table(history)
        ))?
        .first()
        .and_then(|r| r.first())
        .and_then(Cell::text)
        .unwrap_or_default();
    let newest = |conn: &mut Conn| {
        conn.count(&format!(
            "SELECT coalesce(max(generation), 0) FROM {generations}"
        ))
    };
    let was = newest(conn)?;
    // loads committed meanwhile go to the next check; two checks at once agree on each load
    let mut tx = conn.staging(false)?;
    tx.execute(
        &format!(
            "INSERT INTO {generations} (import_id, generation) SELECT b.import_id, {} FROM {batches} b \
             WHERE NOT EXISTS (SELECT 1 FROM {generations} g WHERE g.import_id = b.import_id) \
             ON CONFLICT (import_id) DO NOTHING",
            was + 1
        ),
        &[],
    )?;
    tx.commit()?;
    let generation = newest(conn)?;
    let mut loads = Vec::new();
    conn.each_row(
        &format!("SELECT generation, import_id FROM {generations}"),
        &mut |r| {
            if let (Some(g), Some(id)) =
                (r.first().and_then(Cell::int), r.get(1).and_then(Cell::text))
            {
                loads.push((g, id));
            }
            Ok(())
        },
    )?;
    let mut kept = BTreeMap::new();
    conn.each_row(
        &format!("SELECT rule, definition, generation FROM {states}"),
        &mut |r| {
            if let (Some(rule), Some(def), Some(g)) = (
                r.first().and_then(Cell::text),
                r.get(1).and_then(Cell::text),
                r.get(2).and_then(Cell::int),
            ) {
                kept.insert(rule, (def, g));
            }
            Ok(())
        },
    )?;
    Ok(Some(Kept {
        generation,
        states: kept,
        loads,
        schema,
        engine,
    }))
}

impl Kept {
    /// A rule's definition: what its findings were computed from (its SQL, the schema, and
    /// the day when it reads today's date). A finding kept under another is recomputed.
    pub fn definition(&self, rule: &Rule) -> Result<String, RuleError> {
        let d = crate::db::dialect(self.engine);
        let sql = compile_from(rule, self.engine, None)?;
        let mut h = sha2::Sha256::new();
        h.update(sql.as_bytes());
        h.update(b"\x1f");
        h.update(self.schema.as_bytes());
        if sql.contains(d.today()) || sql.contains(d.today_yyyymmdd()) {
            h.update(crate::clock::now().date_naive().to_string().as_bytes());
        }
        Ok(h.finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect())
    }

    /// How this check evaluates `rule` of definition `definition`.
    pub fn pass(&self, rule: &Rule, definition: &str, full: bool) -> Pass {
        match self.states.get(&rule.name) {
            _ if full => Pass::Whole,
            Some((def, g)) if def == definition => {
                if *g >= self.generation {
                    Pass::Kept
                } else if scope(rule) == Scope::Whole {
                    Pass::Whole
                } else {
                    Pass::Since(*g)
                }
            }
            _ => Pass::Whole,
        }
    }

    /// The statements evaluating `rules` by their `passes` (those kept are not evaluated):
    /// the row-level rules of a table that share a pass fused into one scan, as in a whole
    /// check, the others each alone.
    pub fn plan(
        &self,
        rules: &[Rule],
        passes: &[Pass],
        fuse: bool,
    ) -> Result<Vec<Work>, RuleError> {
        let mut together: BTreeMap<(String, Pass), Vec<usize>> = BTreeMap::new();
        for (i, (r, pass)) in rules.iter().zip(passes).enumerate() {
            if *pass == Pass::Kept {
                continue;
            }
            let table = if ROW_KINDS.contains(&r.kind.as_str()) && !r.table.is_empty() {
                r.table.clone()
            } else {
                // a name no table has: alone
                format!("\u{1f}{i}")
            };
            together.entry((table, *pass)).or_default().push(i);
        }
        let mut out = Vec::new();
        for ((_, pass), idx) in together {
            out.extend(self.work(rules, &idx, pass, fuse)?);
        }
        Ok(out)
    }

    /// What a statement evaluating `rules` (indices into `all`, every one of `pass`) runs: the
    /// findings it forgets and the statement inserting the new ones.
    fn work(
        &self,
        all: &[Rule],
        rules: &[usize],
        pass: Pass,
        fuse: bool,
    ) -> Result<Vec<Work>, RuleError> {
        let d = crate::db::dialect(self.engine);
        let findings = d.table("check_finding");
        // the loads as a list of literals: the planner then knows how many rows each holds
        let scoped = match pass {
            Pass::Since(g) => Some(self.loads_after(g)),
            _ => None,
        };
        let from = scoped.as_ref().map(|_| SCOPE);
        // the rules of a statement share what they look at: their findings forgotten at once
        let forget = |names: &[&str], rule: &Rule| -> String {
            let names: Vec<String> = names.iter().map(|n| sql_str(n)).collect();
            let of = format!(
                "DELETE FROM {findings} WHERE rule IN ({})",
                names.join(", ")
            );
            match (&scoped, scope(rule)) {
                (None, _) | (_, Scope::Sets { .. }) => of,
                (Some(loads), _) => format!("{of} AND k IN ({})", touched(d, rule, loads)),
            }
        };
        let with = |rule: &Rule| match &scoped {
            None => String::new(),
            Some(loads) => format!("WITH {SCOPE} AS ({}) ", looked_at(d, rule, loads)),
        };
        let mut out = Vec::new();
        let subset: Vec<Rule> = rules.iter().map(|i| all[*i].clone()).collect();
        let (fused, alone) = if fuse {
            plan_from(&subset, self.engine, from)?
        } else {
            (Vec::new(), (0..subset.len()).collect())
        };
        for f in fused {
            let first = &subset[f.rules[0]];
            let names: Vec<String> = f
                .rules
                .iter()
                .enumerate()
                .map(|(bit, i)| {
                    format!(
                        "SELECT {bit} AS bit, CAST({} AS BIGINT) AS mask, {} AS rule",
                        1i64 << bit,
                        sql_str(&subset[*i].name)
                    )
                })
                .collect();
            let value: String = f
                .values
                .iter()
                .enumerate()
                .map(|(bit, v)| match v {
                    Some(i) => format!(" WHEN {bit} THEN f.v{i}"),
                    None => String::new(),
                })
                .collect();
            let value = if value.is_empty() {
                "NULL".to_string()
            } else {
                format!("CASE n.bit{value} ELSE NULL END")
            };
            let fused_names: Vec<&str> = f.rules.iter().map(|i| subset[*i].name.as_str()).collect();
            out.push(Work {
                rules: f.rules.iter().map(|i| rules[*i]).collect(),
                forget: forget(&fused_names, first),
                small: scoped.is_some(),
                insert: format!(
                    "INSERT INTO {FOUND} (rule, c, k, v) SELECT n.rule, f.c, f.k, {value} \
                     FROM ({}{}) f JOIN ({}) n ON (f.m & n.mask) <> 0",
                    with(first),
                    f.sql,
                    names.join(" UNION ALL ")
                ),
            });
        }
        for i in alone {
            let rule = &subset[i];
            out.push(Work {
                rules: vec![rules[i]],
                forget: forget(&[rule.name.as_str()], rule),
                small: scoped.is_some(),
                insert: format!(
                    "INSERT INTO {FOUND} (rule, c, k, v) SELECT {}, r.c, r.k, r.v FROM ({}{}) r",
                    sql_str(&rule.name),
                    with(rule),
                    compile_from(rule, self.engine, from)?
                ),
            });
        }
        Ok(out)
    }

    /// Runs `work` in one transaction: each of its rules' findings forgotten, the new ones
    /// inserted, the rules marked evaluated at this generation with their definitions. Each
    /// rule's state row is taken first (in name order): two checks at once take turns.
    pub fn store(
        &self,
        conn: &mut Conn,
        work: &Work,
        names: &[(&str, &str)],
    ) -> Result<(), DbError> {
        let d = conn.dialect();
        let (states, findings) = (d.table("check_rule_state"), d.table("check_finding"));
        let mut sorted = names.to_vec();
        sorted.sort();
        let mut tx = conn.staging(false)?;
        tx.batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS {FOUND} (rule TEXT, c TEXT, k TEXT, v TEXT); DELETE FROM {FOUND}"
        ))?;
        if work.small {
            // a few rows: compiling the statement (PostgreSQL's JIT) would cost more than it
            tx.batch(tx.dialect().few_rows())?;
        }
        for (name, definition) in &sorted {
            tx.execute(
                &format!(
                    "INSERT INTO {states} (rule, definition, generation) VALUES ($1, $2, $3) \
                     ON CONFLICT (rule) DO UPDATE SET definition = excluded.definition, generation = excluded.generation"
                ),
                &[
                    Param::Text(name),
                    Param::Text(definition),
                    Param::Int(self.generation),
                ],
            )?;
        }
        tx.execute(&work.insert, &[])?;
        tx.execute(&work.forget, &[])?;
        tx.execute(
            &format!("INSERT INTO {findings} (rule, c, k, v) SELECT rule, c, k, v FROM {FOUND}"),
            &[],
        )?;
        tx.commit()
    }
}

/// One statement of a check by change and the rules it evaluates.
#[derive(Debug, Clone)]
pub struct Work {
    pub rules: Vec<usize>,
    /// Deletes the findings it replaces.
    pub forget: String,
    /// Inserts the new findings of every rule (into `jb_found`, then kept).
    pub insert: String,
    /// Evaluated by change: on a few rows.
    pub small: bool,
}

/// The kept findings of `rule`, as [`super::run`] reads a rule's statement: `c`, `k`, `v`.
pub fn findings_of(d: &dyn Dialect, rule: &Rule) -> String {
    format!(
        "SELECT c, k, v FROM {} WHERE rule = {} ORDER BY k, c, v",
        d.table("check_finding"),
        sql_str(&rule.name)
    )
}

impl Kept {
    /// The loads of the generations after `g`, as SQL literals (`NULL` for none).
    fn loads_after(&self, g: i64) -> String {
        let ids: Vec<String> = self
            .loads
            .iter()
            .filter(|(at, _)| *at > g)
            .map(|(_, id)| sql_str(id))
            .collect();
        if ids.is_empty() {
            "NULL".to_string()
        } else {
            ids.join(", ")
        }
    }
}
