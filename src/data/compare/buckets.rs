//! Comparisons by change. Every row the city holds keeps the fingerprint `data import`
//! computed of its content (V012), and an edit made outside jinbao clears it (V014's
//! trigger), so what the city holds of a county is summed per bucket of keys without hashing
//! a row again: per bucket its rows, the rows with a fingerprint and the sum of their
//! fingerprints. The extract is summed the same way while it is parsed; only the buckets
//! whose sums differ are staged and compared row by row, as a whole comparison would compare
//! them. A difference changes its bucket's sums (a missing row its count, a changed row its
//! fingerprint, a row edited by hand its count of fingerprints), so none is missed.

use crate::data::format::Entity;
use crate::db::{Cell, Conn};
use crate::sqlite_functions::hash64;

use super::Result;

/// What a bucket of keys holds, summed: what two sides are told apart by.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Digest {
    rows: i64,
    with_fp: i64,
    /// The sums of the fingerprints' high and low 32 bits: no engine overflows them.
    high: i64,
    low: i64,
}

impl Digest {
    fn add(&mut self, fp: i64) {
        self.rows += 1;
        self.with_fp += 1;
        self.high += fp >> 32;
        self.low += fp & 0xffff_ffff;
    }

    pub(super) fn rows(&self) -> u64 {
        self.rows as u64
    }
}

/// A county's keys cut into buckets by the md5 of their first column (what every engine
/// computes alike: PostgreSQL's md5, SQLite's `jinbao_hash64`).
pub(super) struct Buckets {
    mask: i64,
    pub(super) digests: Vec<Digest>,
}

/// Rows per bucket, about: small enough that a change of 1% leaves most buckets equal.
const ROWS_PER_BUCKET: u64 = 2;
/// At most this many buckets per county and table: their sums are what is read back.
const MAX_BUCKETS: u64 = 1 << 16;

impl Buckets {
    /// Buckets for about `rows` rows: a power of two, so that a bucket is a mask of the hash.
    pub(super) fn for_rows(rows: u64) -> Self {
        let n = (rows / ROWS_PER_BUCKET)
            .max(1)
            .next_power_of_two()
            .min(MAX_BUCKETS);
        Buckets {
            mask: n as i64 - 1,
            digests: vec![Digest::default(); n as usize],
        }
    }

    /// The bucket of a key (its first column's text, as the database reads it back).
    pub(super) fn of(&self, key: &str) -> usize {
        (hash64(key.trim_end_matches(' ')) & self.mask) as usize
    }

    pub(super) fn add(&mut self, key: &str, fp: i64) {
        let b = self.of(key);
        self.digests[b].add(fp);
    }

    /// A row's bucket in SQL, `col` its key's first column.
    pub(super) fn sql(&self, c: &Conn, col: &str) -> String {
        format!(
            "({} & {})",
            c.dialect()
                .md5_hash64(&format!("rtrim(CAST({col} AS TEXT))")),
            self.mask
        )
    }

    /// The same buckets summed over what the city holds of `county`, inside the database:
    /// one pass over the county's rows, reading the fingerprints kept with them.
    pub(super) fn of_city(&self, c: &mut Conn, e: &Entity, county: &str) -> Result<Vec<Digest>> {
        let sql = format!(
            "SELECT {b} AS b, count(*), count(row_fp), CAST(coalesce(sum(row_fp >> 32), 0) AS BIGINT), \
             CAST(coalesce(sum(row_fp & 4294967295), 0) AS BIGINT) FROM {t} WHERE county_code = '{county}' GROUP BY {b}",
            b = self.sql(c, e.key[0]),
            t = c.table(e.table)
        );
        let mut out = vec![Digest::default(); self.digests.len()];
        for r in c.rows(&sql)? {
            let n = |i: usize| r.get(i).and_then(Cell::int).unwrap_or(0);
            if let Some(d) = usize::try_from(n(0)).ok().and_then(|b| out.get_mut(b)) {
                *d = Digest {
                    rows: n(1),
                    with_fp: n(2),
                    high: n(3),
                    low: n(4),
                };
            }
        }
        Ok(out)
    }

    /// The buckets whose sums differ from `city`'s.
    pub(super) fn differing(&self, city: &[Digest]) -> Vec<usize> {
        (0..self.digests.len())
            .filter(|&b| self.digests[b] != city[b])
            .collect()
    }

    /// Rows of the buckets not in `differing` (sorted): rows both sides hold alike.
    pub(super) fn rows_alike(&self, differing: &[usize]) -> u64 {
        let all: u64 = self.digests.iter().map(Digest::rows).sum();
        all - differing
            .iter()
            .map(|&b| self.digests[b].rows())
            .sum::<u64>()
    }
}

/// Whether the city database marks rows edited outside jinbao (V014): only then may what it
/// holds be compared by its kept fingerprints.
pub(super) fn edits_marked(c: &mut Conn) -> Result<bool> {
    if !c.has_column("person", "row_fp")? {
        return Ok(false);
    }
    let sql = format!(
        "SELECT count(*) FROM {} WHERE version >= 14 AND success",
        c.table(crate::schema::HISTORY_TABLE)
    );
    Ok(c.count(&sql)? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_a_power_of_two_and_bounded() {
        assert_eq!(Buckets::for_rows(0).digests.len(), 1);
        assert_eq!(Buckets::for_rows(10).digests.len(), 8);
        assert_eq!(Buckets::for_rows(38_000).digests.len(), 32_768);
        assert_eq!(Buckets::for_rows(u64::MAX).digests.len(), 1 << 16);
    }

    #[test]
    fn a_changed_fingerprint_or_a_missing_one_changes_the_sums() {
        let mut a = Buckets::for_rows(4);
        let mut b = Buckets::for_rows(4);
        a.add("410602199001011234", -5);
        b.add("410602199001011234", -4);
        let bucket = a.of("410602199001011234");
        assert_eq!(a.differing(&b.digests), vec![bucket]);
        let mut edited = b.digests.clone();
        edited[bucket] = Digest {
            with_fp: 0,
            high: 0,
            low: 0,
            ..a.digests[bucket]
        };
        assert_eq!(a.differing(&edited), vec![bucket]);
        assert_eq!(a.rows_alike(&[bucket]), 0);
        assert!(a.differing(&a.digests.clone()).is_empty());
    }
}
