//! What the city holds of a county, summed per bucket of keys: how a re-import and a
//! comparison by change find the few rows of an extract worth sending to the database. Every
//! row the city holds keeps the fingerprint `data import` computed of its content (V012), and
//! an edit made outside jinbao clears it (V014's trigger), so the city's side is summed
//! without hashing a row again: per bucket its rows, the rows with a fingerprint (and not
//! marked missing) and the sum of their fingerprints. The extract is summed the same way while
//! it is parsed; only the buckets whose sums differ are staged, and worked on as a whole
//! import or comparison would. A difference changes its bucket's sums (a missing row its
//! count, a changed row its fingerprint, a row edited by hand or marked missing its count of
//! fingerprints), so none is missed.

use super::extract::Reading;
use super::import::ImportError;
use crate::db::{Cell, Conn, DbError, Dialect, pg_hash};
use crate::sqlite_functions::hash64;

type Result<T> = std::result::Result<T, DbError>;

/// What a bucket of keys holds, summed: what two sides are told apart by.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    rows: i64,
    with_fp: i64,
    /// The sums of the fingerprints' high 32 and low 31 bits: 32-bit numbers, which every
    /// engine sums fast and none overflows (63 bits of each fingerprint are summed).
    high: i64,
    low: i64,
}

impl Digest {
    fn add(&mut self, fp: i64) {
        self.rows += 1;
        self.with_fp += 1;
        self.high += fp >> 32;
        self.low += fp & 0x7fff_ffff;
    }

    pub fn rows(&self) -> u64 {
        self.rows as u64
    }
}

/// How a key is hashed into its bucket, by jinbao and by the database alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHash {
    /// PostgreSQL's `hashtext`, in C on the server (checked to answer as jinbao computes it).
    Text,
    /// The first 64 bits of md5 (PostgreSQL's md5, SQLite's `jinbao_hash64`): every engine.
    Md5,
}

/// `hashtext` where the server computes it as jinbao does, md5 otherwise.
pub fn key_hash(c: &mut Conn) -> Result<KeyHash> {
    if c.server_version().is_none() {
        return Ok(KeyHash::Md5);
    }
    let probes = pg_hash::probes();
    let sql = format!(
        "SELECT hashtext(p) FROM (VALUES {}) v(n, p) ORDER BY n",
        probes
            .iter()
            .enumerate()
            .map(|(i, p)| format!("({i}, '{}')", p.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let answered: Vec<Option<i64>> = c.rows(&sql)?.iter().map(|r| r[0].int()).collect();
    let same = probes
        .iter()
        .zip(&answered)
        .all(|(p, a)| *a == Some(pg_hash::hashtext(p) as i64));
    Ok(if same && answered.len() == probes.len() {
        KeyHash::Text
    } else {
        KeyHash::Md5
    })
}

/// A county's keys cut into buckets by a hash of their first column.
pub struct Buckets {
    mask: i64,
    hash: KeyHash,
    pub digests: Vec<Digest>,
}

/// Rows per bucket, about: small enough that a change of 1% leaves most buckets equal.
const ROWS_PER_BUCKET: u64 = 2;
/// At most this many buckets per county and table: their sums are what is read back.
const MAX_BUCKETS: u64 = 1 << 16;

impl Buckets {
    /// Buckets for about `rows` rows: a power of two, so that a bucket is a mask of the hash.
    pub fn for_rows(rows: u64, hash: KeyHash) -> Self {
        let n = (rows / ROWS_PER_BUCKET)
            .max(1)
            .next_power_of_two()
            .min(MAX_BUCKETS);
        Buckets {
            mask: n as i64 - 1,
            hash,
            digests: vec![Digest::default(); n as usize],
        }
    }

    /// The bucket of a key (its first column's text, as the database reads it back).
    pub fn of(&self, key: &str) -> usize {
        let key = key.trim_end_matches(' ');
        let h = match self.hash {
            KeyHash::Text => pg_hash::hashtext(key) as i64,
            KeyHash::Md5 => hash64(key),
        };
        (h & self.mask) as usize
    }

    pub fn add(&mut self, bucket: usize, fp: i64) {
        self.digests[bucket].add(fp);
    }

    /// A row's bucket in SQL, `col` its key's first column.
    pub fn sql(&self, d: &dyn Dialect, col: &str) -> String {
        let text = format!("rtrim(CAST({col} AS TEXT))");
        let h = match self.hash {
            KeyHash::Text => format!("hashtext({text})"),
            KeyHash::Md5 => d.md5_hash64(&text),
        };
        format!("({h} & {})", self.mask)
    }

    /// `t`'s row is in one of `buckets` (sorted), as an SQL condition.
    pub fn among(&self, d: &dyn Dialect, col: &str, buckets: &[usize]) -> String {
        if buckets.is_empty() {
            return "1 = 0".to_string();
        }
        let list = buckets
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        format!("{} IN ({list})", self.sql(d, col))
    }

    /// The SQL summing the same buckets over what the city holds of `county` in `table`
    /// (as the engine names it), inside the database: one pass over the county's rows,
    /// reading the fingerprints kept with them. A row marked missing counts as one without.
    pub fn city_sql(&self, d: &dyn Dialect, table: &str, key0: &str, county: &str) -> String {
        let fp = "CASE WHEN missing_import IS NULL THEN row_fp END";
        let county = county.replace('\'', "''");
        format!(
            "SELECT {b} AS b, count(*), count({fp}), coalesce(sum(CAST(({fp}) >> 32 AS INTEGER)), 0), \
             coalesce(sum(CAST(({fp}) & 2147483647 AS INTEGER)), 0) FROM {table} WHERE county_code = '{county}' GROUP BY {b}",
            b = self.sql(d, key0),
        )
    }

    /// The city's sums from the rows of [`Self::city_sql`].
    pub fn city_digests(&self, rows: &[Vec<Cell>]) -> Vec<Digest> {
        let mut out = vec![Digest::default(); self.digests.len()];
        for r in rows {
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
        out
    }

    /// The buckets whose sums differ from `city`'s.
    pub fn differing(&self, city: &[Digest]) -> Vec<usize> {
        (0..self.digests.len())
            .filter(|&b| self.digests[b] != city[b])
            .collect()
    }

    /// Rows of the buckets not in `differing` (sorted): rows both sides hold alike.
    pub fn rows_alike(&self, differing: &[usize]) -> u64 {
        let all: u64 = self.digests.iter().map(Digest::rows).sum();
        all - differing
            .iter()
            .map(|&b| self.digests[b].rows())
            .sum::<u64>()
    }
}

/// What a first reading of an extract found: its buckets summed, each line's bucket (to read
/// again only the lines of some), and the file's checksum.
pub struct Summed {
    pub buckets: Buckets,
    line_bucket: Vec<u32>,
    pub sha: String,
}

/// Reads `r` whole, summing its rows into `buckets`; `k0` is where the key's first column is
/// among the row's values.
pub fn sum_reading(
    r: &mut Reading<'_>,
    mut buckets: Buckets,
    k0: usize,
    progress: &dyn Fn(u64),
) -> std::result::Result<Summed, ImportError> {
    let mut line_bucket: Vec<u32> = Vec::new();
    r.stream(
        &mut |line, values| {
            let bucket = buckets.of(values[k0].as_deref().unwrap_or(""));
            buckets.add(bucket, crate::db::fingerprint(values));
            let at = line as usize;
            if line_bucket.len() <= at {
                line_bucket.resize(at + 1, u32::MAX);
            }
            line_bucket[at] = bucket as u32;
            Ok(())
        },
        progress,
    )?;
    Ok(Summed {
        buckets,
        line_bucket,
        sha: r.sha256(),
    })
}

impl Summed {
    /// Sets `r`, a second reading of the same file, to read only the lines of `buckets`.
    pub fn narrow(&mut self, r: &mut Reading<'_>, buckets: &[usize]) {
        let mut wanted = vec![false; self.buckets.digests.len()];
        for &b in buckets {
            wanted[b] = true;
        }
        let line_bucket = std::mem::take(&mut self.line_bucket);
        r.only_lines(move |line| {
            line_bucket
                .get(line as usize)
                .is_some_and(|&b| b != u32::MAX && wanted[b as usize])
        });
    }
}

/// Whether the city database marks rows edited outside jinbao (V014): only then may what it
/// holds be compared by its kept fingerprints.
pub fn edits_marked(c: &mut Conn) -> Result<bool> {
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
        assert_eq!(Buckets::for_rows(0, KeyHash::Md5).digests.len(), 1);
        assert_eq!(Buckets::for_rows(10, KeyHash::Md5).digests.len(), 8);
        assert_eq!(
            Buckets::for_rows(38_000, KeyHash::Text).digests.len(),
            32_768
        );
        assert_eq!(
            Buckets::for_rows(u64::MAX, KeyHash::Md5).digests.len(),
            1 << 16
        );
    }

    #[test]
    fn a_changed_fingerprint_or_a_missing_one_changes_the_sums() {
        let mut a = Buckets::for_rows(4, KeyHash::Text);
        let mut b = Buckets::for_rows(4, KeyHash::Text);
        let bucket = a.of("410602199001011234");
        a.add(bucket, -5);
        b.add(bucket, -4);
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
