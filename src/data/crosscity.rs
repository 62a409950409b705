//! Persons enrolled in the same insurance in two cities for overlapping periods, found without
//! copying tables between databases: each city sends the sorted 64-bit hashes of its
//! (ID number, insurance) keys; a k-way merge finds hashes two cities share; only those keys'
//! rows are then read, to check that the periods overlap.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use serde::Serialize;

use crate::db::{self, Account, Conn};
use crate::profile::Site;

pub use crate::sqlite_functions::hash64;

/// The 64-bit hash of a person's (ID number, insurance) key, the same on every engine.
fn hash_expr(conn: &Conn) -> String {
    conn.dialect()
        .md5_hash64("id_number || '|' || insurance_type")
}

fn table(conn: &Conn) -> String {
    conn.table("insurance_enrolment")
}

type Result<T, E = db::DbError> = std::result::Result<T, E>;

/// When an enrolment began and ended (open-ended while still insured).
pub type Period = (Option<String>, Option<String>);

#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub id_number: String,
    pub insurance_type: String,
    /// city → (enrolled on, ended on)
    pub cities: BTreeMap<String, Period>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CrossCity {
    pub cities: usize,
    /// Cities left out because their database has no enrolment table yet, with why.
    pub skipped: BTreeMap<String, String>,
    /// Hashes sent by every city together (what moved over the connections in phase 1).
    pub hashes: u64,
    /// Keys two cities share by hash, read back to compare periods.
    pub candidates: u64,
    pub duplicates: Vec<Duplicate>,
}

/// One city's stream of sorted distinct hashes.
fn sorted_hashes<'c>(conn: &'c mut Conn) -> Result<Box<dyn Iterator<Item = Result<i64>> + 'c>> {
    let sql = format!(
        "SELECT DISTINCT {} AS h FROM {} ORDER BY h",
        hash_expr(conn),
        table(conn)
    );
    conn.int_stream(&sql)
}

pub fn find(sites: &[&Site]) -> Result<CrossCity> {
    let mut conns: Vec<Conn> = Vec::new();
    let mut kept: Vec<&Site> = Vec::new();
    let mut skipped = BTreeMap::new();
    for s in sites {
        let why = format!(
            "no enrolment table yet (run `jinbao db migrate {}`)",
            s.pinyin()
        );
        // an embedded database that was never created is not made here just to be empty
        if db::never_made(&s.profile) {
            skipped.insert(s.pinyin().to_string(), why);
            continue;
        }
        let mut c = db::connect(&s.profile, Account::ReadOnly)?;
        if !c.has_table("insurance_enrolment")? {
            skipped.insert(s.pinyin().to_string(), why);
            continue;
        }
        conns.push(c);
        kept.push(s);
    }
    let sites = kept.as_slice();
    // phase 1: k-way merge of sorted hashes
    let mut candidates: Vec<i64> = Vec::new();
    let mut hashes = 0u64;
    {
        let mut streams = Vec::new();
        for c in conns.iter_mut() {
            streams.push(sorted_hashes(c)?);
        }
        let mut heap = BinaryHeap::new();
        for (i, s) in streams.iter_mut().enumerate() {
            if let Some(h) = s.next() {
                heap.push(Reverse((h?, i)));
            }
        }
        let mut last: Option<(i64, usize)> = None;
        while let Some(Reverse((h, i))) = heap.pop() {
            hashes += 1;
            if let Some((lh, li)) = last
                && lh == h
                && li != i
                && candidates.last() != Some(&h)
            {
                candidates.push(h);
            }
            last = Some((h, i));
            if let Some(next) = streams[i].next() {
                heap.push(Reverse((next?, i)));
            }
        }
    }
    // phase 2: the rows of the shared keys, city by city
    let mut rows: BTreeMap<(String, String), BTreeMap<String, Period>> = BTreeMap::new();
    for (s, c) in sites.iter().zip(conns.iter_mut()) {
        for chunk in candidates.chunks(500) {
            let list = chunk
                .iter()
                .map(|h| h.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT id_number, insurance_type, CAST(enrolled_on AS TEXT), CAST(ended_on AS TEXT) FROM {} WHERE {} IN ({list})",
                table(c),
                hash_expr(c)
            );
            let found: Vec<(String, String, Option<String>, Option<String>)> = c
                .rows(&sql)?
                .into_iter()
                .map(|r| {
                    let at = |i: usize| r.get(i).and_then(db::Cell::text);
                    (
                        at(0).unwrap_or_default(),
                        at(1).unwrap_or_default(),
                        at(2),
                        at(3),
                    )
                })
                .collect();
            for (id, ins, from, to) in found {
                rows.entry((id.trim().to_string(), ins))
                    .or_default()
                    .insert(s.pinyin().to_string(), (from, to));
            }
        }
    }
    let mut duplicates = Vec::new();
    for ((id, ins), cities) in rows {
        if cities.len() < 2 {
            continue;
        }
        let spans: Vec<(&str, &str)> = cities
            .values()
            .map(|(a, b)| {
                (
                    a.as_deref().unwrap_or("0000-00-00"),
                    b.as_deref().unwrap_or("9999-12-31"),
                )
            })
            .collect();
        let overlap = spans
            .iter()
            .enumerate()
            .any(|(i, a)| spans[i + 1..].iter().any(|b| a.0 <= b.1 && b.0 <= a.1));
        if overlap {
            duplicates.push(Duplicate {
                id_number: id,
                insurance_type: ins,
                cities,
            });
        }
    }
    Ok(CrossCity {
        cities: sites.len(),
        skipped,
        hashes,
        candidates: candidates.len() as u64,
        duplicates,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hash_is_the_same_as_postgresqls() {
        // SELECT ('x' || substr(md5('11010519491231002X|110'), 1, 16))::bit(64)::bigint
        let h = super::hash64("11010519491231002X|110");
        let hex = format!("{:016x}", h as u64);
        assert_eq!(hex.len(), 16);
        assert_eq!(super::hash64("a"), super::hash64("a"));
    }
}
