//! Business-data gates of a rollout: the row counts of a city's key tables before the switch
//! and after the health gate; a drop beyond the profile's tolerance fails the city.

use std::collections::BTreeMap;

use crate::db::{self, Account};
use crate::profile::SiteProfile;

/// The tables whose rows must not go missing during a rollout.
pub const KEY_TABLES: &[&str] = &[
    "person",
    "employer",
    "insurance_enrolment",
    "contribution",
    "benefit_payment",
    "employment_registration",
    "unemployment_registration",
];

/// Row counts of the key tables; `Ok(None)` when the database has no schema yet.
pub type Counts = Result<Option<BTreeMap<String, i64>>, CountError>;

/// The key tables could not be counted.
#[derive(Debug, thiserror::Error)]
pub enum CountError {
    #[error(transparent)]
    Connect(#[from] db::DbError),
    #[error("{table}: {source}")]
    Table {
        table: &'static str,
        source: db::DbError,
    },
}

/// Why a city fails its data gate.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("cannot count the rows before the switch: {0}")]
    Before(#[source] CountError),
    #[error("cannot count the rows after the switch: {0}")]
    After(#[source] CountError),
    #[error("the schema disappeared during the rollout")]
    SchemaGone,
    #[error("{}", .0.iter().map(RowDrop::to_string).collect::<Vec<_>>().join("; "))]
    Dropped(Vec<RowDrop>),
}

/// A key table that lost more rows than the tolerance allows.
#[derive(Debug, Clone, PartialEq)]
pub struct RowDrop {
    pub table: String,
    pub was: i64,
    pub now: i64,
    pub tolerance_pct: f64,
}

impl RowDrop {
    pub fn pct(&self) -> f64 {
        (self.was - self.now) as f64 * 100.0 / self.was as f64
    }
}

impl std::fmt::Display for RowDrop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} fell from {} to {} rows (-{:.1}%, tolerance {}%)",
            self.table,
            self.was,
            self.now,
            self.pct(),
            self.tolerance_pct
        )
    }
}

pub fn counts(p: &SiteProfile) -> Counts {
    // a city without its database yet has nothing to lose; counting must not create the file
    if db::never_made(p) {
        return Ok(None);
    }
    let mut conn = db::connect(p, Account::ReadOnly)?;
    if !conn.has_table("person")? {
        return Ok(None);
    }
    let mut out = BTreeMap::new();
    for t in KEY_TABLES {
        let sql = format!("SELECT count(*) FROM {}", conn.table(t));
        let n = conn
            .count(&sql)
            .map_err(|source| CountError::Table { table: t, source })?;
        out.insert(t.to_string(), n);
    }
    Ok(Some(out))
}

/// Fails when a key table lost more than `tolerance_pct` of its rows.
pub fn compare(before: Counts, after: Counts, tolerance_pct: f64) -> Result<(), GateError> {
    let (before, after) = match (before, after) {
        (Ok(None), _) => return Ok(()),
        (Err(e), _) => return Err(GateError::Before(e)),
        (_, Err(e)) => return Err(GateError::After(e)),
        (Ok(Some(b)), Ok(Some(a))) => (b, a),
        (Ok(Some(_)), Ok(None)) => return Err(GateError::SchemaGone),
    };
    let drops: Vec<RowDrop> = before
        .into_iter()
        .map(|(table, was)| RowDrop {
            now: after.get(&table).copied().unwrap_or(0),
            table,
            was,
            tolerance_pct,
        })
        .filter(|d| d.now < d.was && d.pct() > tolerance_pct)
        .collect();
    if drops.is_empty() {
        Ok(())
    } else {
        Err(GateError::Dropped(drops))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: i64) -> Counts {
        Ok(Some([("person".to_string(), n)].into()))
    }

    #[test]
    fn a_drop_beyond_the_tolerance_fails() {
        assert!(compare(rows(100), rows(100), 0.0).is_ok());
        assert!(compare(rows(100), rows(98), 5.0).is_ok());
        let e = compare(rows(100), rows(98), 1.0).unwrap_err();
        assert!(matches!(&e, GateError::Dropped(d) if d.len() == 1 && d[0].now == 98));
        assert!(e.to_string().contains("person fell from 100 to 98"), "{e}");
        assert!(compare(Ok(None), rows(98), 0.0).is_ok());
        assert!(matches!(
            compare(rows(100), Ok(None), 0.0),
            Err(GateError::SchemaGone)
        ));
    }
}
