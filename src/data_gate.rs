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
pub type Counts = Result<Option<BTreeMap<String, i64>>, String>;

pub fn counts(p: &SiteProfile) -> Counts {
    // a city without its database yet has nothing to lose; counting must not create the file
    if p.database.engine == crate::profile::Engine::Sqlite && !db::sqlite_path(p).exists() {
        return Ok(None);
    }
    let mut conn = db::connect(p, Account::ReadOnly).map_err(|e| e.to_string())?;
    if !conn.has_table("person").map_err(|e| e.to_string())? {
        return Ok(None);
    }
    let mut out = BTreeMap::new();
    for t in KEY_TABLES {
        let n = conn
            .count(&format!("SELECT count(*) FROM {}", conn.table(t)))
            .map_err(|e| format!("{t}: {e}"))?;
        out.insert(t.to_string(), n);
    }
    Ok(Some(out))
}

/// Fails when a key table lost more than `tolerance_pct` of its rows.
pub fn compare(before: &Counts, after: &Counts, tolerance_pct: f64) -> Result<(), String> {
    let (before, after) = match (before, after) {
        (Ok(None), _) => return Ok(()),
        (Err(e), _) => return Err(format!("cannot count the rows before the switch: {e}")),
        (_, Err(e)) => return Err(format!("cannot count the rows after the switch: {e}")),
        (Ok(Some(b)), Ok(Some(a))) => (b, a),
        (Ok(Some(_)), Ok(None)) => return Err("the schema disappeared during the rollout".into()),
    };
    let mut drops = Vec::new();
    for (table, &was) in before {
        let now = after.get(table).copied().unwrap_or(0);
        if now < was {
            let pct = (was - now) as f64 * 100.0 / was as f64;
            if pct > tolerance_pct {
                drops.push(format!(
                    "{table} fell from {was} to {now} rows (-{pct:.1}%, tolerance {tolerance_pct}%)"
                ));
            }
        }
    }
    if drops.is_empty() {
        Ok(())
    } else {
        Err(drops.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_beyond_the_tolerance_fails() {
        let b: Counts = Ok(Some([("person".to_string(), 100)].into()));
        let same: Counts = Ok(Some([("person".to_string(), 100)].into()));
        let less: Counts = Ok(Some([("person".to_string(), 98)].into()));
        assert!(compare(&b, &same, 0.0).is_ok());
        assert!(compare(&b, &less, 5.0).is_ok());
        assert!(
            compare(&b, &less, 1.0)
                .unwrap_err()
                .contains("person fell from 100 to 98")
        );
        assert!(compare(&Ok(None), &less, 0.0).is_ok());
    }
}
