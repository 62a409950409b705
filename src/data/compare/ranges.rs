//! Database against database: both sides checksum ranges of keys inside themselves (count and
//! a sum of row hashes per range, every range's parts grouped in one pass); only ranges whose
//! checksums differ are cut again, down to ranges small enough to read back.

use std::collections::BTreeMap;
use std::path::Path;

use super::{
    CompareError, Difference, EntityDiff, Result, SEP, Transfer, columns, summarize, table,
    write_differences,
};
use crate::data::buckets::edits_marked;
use crate::data::format::Entity;
use crate::data::import::sql_type;
use crate::db::Conn;

/// One side of a database comparison.
struct Side<'c> {
    conn: &'c mut Conn,
    /// The table, the county's rows of it (`table WHERE filter`), and the (k0, key, row
    /// text, hash) expressions.
    table: String,
    filter: String,
    from: String,
    k0: String,
    key: String,
    text: String,
    hash: String,
}

fn row_text(c: &Conn, e: &Entity) -> String {
    let d = c.dialect();
    let parts: Vec<String> = columns(e)
        .iter()
        .map(|col| format!("coalesce({}, '\\N')", d.as_text(col, sql_type(e, col))))
        .collect();
    parts.join(&format!(" || {} || ", d.unit_separator()))
}

impl<'c> Side<'c> {
    fn new(
        conn: &'c mut Conn,
        e: &Entity,
        county: &str,
        hashing: Hashing,
        kept: bool,
    ) -> Result<Self> {
        let text = row_text(conn, e);
        let hash = match hashing {
            Hashing::Record => format!("hash_record_extended(ROW({}), 0)", columns(e).join(", ")),
            Hashing::Text => format!("hashtextextended({text}, 0)"),
            Hashing::Md5 => conn.dialect().md5_hash64(&text),
        };
        // the fingerprint the import kept, where it holds (cleared by an edit outside
        // jinbao): only the other rows are hashed again
        let hash = if kept {
            format!("coalesce(row_fp, {hash})")
        } else {
            hash
        };
        // the column itself, not an expression of it, so that its index serves the range scans
        let k0 = e.key[0].to_string();
        let key = format!(
            "concat_ws(':', {})",
            e.key
                .iter()
                .map(|k| format!("rtrim(CAST({k} AS TEXT))"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let table = table(conn, e.table);
        let filter = format!("county_code = '{county}'");
        let from = format!("{table} WHERE {filter}");
        Ok(Side {
            conn,
            table,
            filter,
            from,
            k0,
            key,
            text,
            hash,
        })
    }

    /// The rows of `sql`, every value as text (what both sides are compared in).
    fn text_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        Ok(self
            .conn
            .rows(sql)?
            .into_iter()
            .map(|r| r.iter().map(crate::db::Cell::text).collect())
            .collect())
    }

    fn range(&self, lo: Option<&str>, hi: Option<&str>) -> String {
        let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let mut c = Vec::new();
        if let Some(l) = lo {
            c.push(format!("{} >= {}", self.k0, q(l)));
        }
        if let Some(h) = hi {
            c.push(format!("{} < {}", self.k0, q(h)));
        }
        if c.is_empty() {
            String::new()
        } else {
            format!(" AND {}", c.join(" AND "))
        }
    }

    fn count(&mut self) -> Result<u64> {
        let r = self.text_rows(&format!("SELECT CAST(count(*) AS TEXT) FROM {}", self.from))?;
        Ok(r[0][0].as_deref().unwrap_or("0").parse()?)
    }

    /// (rows, sum of hashes / 65536) of a key range, computed inside the database.
    fn checksum(&mut self, lo: Option<&str>, hi: Option<&str>) -> Result<(u64, String)> {
        let sql = format!(
            "SELECT CAST(count(*) AS TEXT), CAST(coalesce(sum({} / 65536), 0) AS TEXT) FROM {}{}",
            self.hash,
            self.from,
            self.range(lo, hi)
        );
        let r = self.text_rows(&sql)?;
        let row = &r[0];
        Ok((
            row[0].as_deref().unwrap_or("0").parse()?,
            row[1].clone().unwrap_or_default(),
        ))
    }

    /// About `parts` keys splitting the range into equal parts.
    fn split(&mut self, lo: Option<&str>, hi: Option<&str>, parts: u64) -> Result<Vec<String>> {
        let sql = format!(
            "SELECT k FROM (SELECT k, row_number() OVER (ORDER BY k) AS rn, count(*) OVER () AS n FROM (SELECT DISTINCT {} AS k FROM {}{}) d) x \
             WHERE rn > 1 AND (rn - 1) % (CASE WHEN n / {parts} < 1 THEN 1 ELSE n / {parts} END) = 0 ORDER BY k",
            self.k0,
            self.from,
            self.range(lo, hi)
        );
        // without the padding of a CHAR column, as the one-pass checksums compare them
        let pad = self.conn.dialect().pads_char_keys();
        Ok(self
            .text_rows(&sql)?
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .map(|k| {
                if pad {
                    k.trim_end_matches(' ').to_string()
                } else {
                    k
                }
            })
            .collect())
    }

    /// About `parts` keys splitting the county into about equal parts, from a sample of the
    /// table's pages (PostgreSQL): exact quantiles would sort every key, and both sides use
    /// the same bounds whatever they are. None when the sample is too thin to use.
    fn split_sampled(&mut self, rows: u64, parts: u64) -> Result<Option<Vec<String>>> {
        const PER_PART: u64 = 50;
        let percent = (100.0 * (PER_PART * parts) as f64 / rows.max(1) as f64).min(100.0);
        let sql = format!(
            "SELECT k FROM (SELECT k, row_number() OVER (ORDER BY k) AS rn FROM (SELECT DISTINCT rtrim(CAST({k0} AS TEXT)) AS k FROM {table} TABLESAMPLE SYSTEM ({percent}) REPEATABLE (7) WHERE {filter}) d) x WHERE rn % {PER_PART} = 0 ORDER BY k",
            k0 = self.k0,
            table = self.table,
            filter = self.filter,
        );
        let bounds: Vec<String> = self
            .text_rows(&sql)?
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect();
        Ok((bounds.len() as u64 * 2 >= parts).then_some(bounds))
    }

    /// The checksums of the parts of `range` cut at `bounds`, in one pass over the range:
    /// part i holds the keys from bounds[i-1] to bounds[i], numbered as PostgreSQL's
    /// `width_bucket` numbers them (on SQLite by `jinbao_bucket`, the same binary search).
    fn checksums_between(
        &mut self,
        range: &Range,
        bounds: &[String],
    ) -> Result<Vec<(u64, String)>> {
        let mut out = vec![(0, "0".to_string()); bounds.len() + 1];
        let rest = format!(
            "count(*), CAST(coalesce(sum({} / 65536), 0) AS TEXT) FROM {}{} GROUP BY b",
            self.hash,
            self.from,
            self.range(range.0.as_deref(), range.1.as_deref())
        );
        for (b, n, sum) in self.conn.by_bucket(&self.k0, &rest, bounds)? {
            out[b as usize] = (n as u64, sum);
        }
        Ok(out)
    }

    /// Every row of a (small) range: key → row text.
    fn rows(&mut self, lo: Option<&str>, hi: Option<&str>) -> Result<BTreeMap<String, String>> {
        let sql = format!(
            "SELECT {}, {} FROM {}{}",
            self.key,
            self.text,
            self.from,
            self.range(lo, hi)
        );
        Ok(self
            .text_rows(&sql)?
            .into_iter()
            .map(|mut r| {
                (
                    r[0].take().unwrap_or_default(),
                    r[1].take().unwrap_or_default(),
                )
            })
            .collect())
    }
}

/// Registers `jinbao_bucket(key, bounds)` on a SQLite connection: the number of bounds (sorted,
/// joined by the unit separator) at or below the key, as PostgreSQL's `width_bucket` counts
/// them. The bounds are split once per statement.
/// How both sides hash a row: the same way, whatever their engines.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Hashing {
    /// PostgreSQL 14 or later on both sides: each column by its type's own hash, with no
    /// text made of the row (twice as fast again).
    Record,
    /// PostgreSQL on both sides: its built-in 64-bit hash of the row's text (three times
    /// cheaper than md5).
    Text,
    /// Otherwise md5 of the row's text, which every engine computes (SQLite through a function
    /// jinbao registers).
    Md5,
}

fn hashing(a: &mut Conn, b: &mut Conn) -> Hashing {
    match (a.server_version(), b.server_version()) {
        (Some(x), Some(y)) if x >= 140_000 && y >= 140_000 => Hashing::Record,
        (Some(_), Some(_)) => Hashing::Text,
        _ => Hashing::Md5,
    }
}

/// A key range: from `lo` (inclusive) to `hi` (exclusive); `None` is open.
type Range = (Option<String>, Option<String>);

/// Runs `a` and `b` at once: the two sides are different databases, so each works while the
/// other does.
fn both<A: Send, B: Send>(
    a: impl FnOnce() -> Result<A> + Send,
    b: impl FnOnce() -> Result<B> + Send,
) -> Result<(A, B)> {
    std::thread::scope(|s| {
        let other = s.spawn(a);
        let rb = b();
        let ra = other.join().unwrap_or_else(|_| Err(CompareError::Panicked));
        Ok((ra?, rb?))
    })
}

impl Side<'_> {
    /// The checksums of every part of every range of a level, in order: on PostgreSQL one
    /// query per range (grouping its rows by part), elsewhere one per part.
    fn checksums_of(
        &mut self,
        level: &[(Range, Vec<String>)],
        one_pass: bool,
    ) -> Result<Vec<(u64, String)>> {
        let mut out = Vec::new();
        for (range, bounds) in level {
            if one_pass {
                out.extend(self.checksums_between(range, bounds)?);
            } else {
                for (lo, hi) in parts_of(range, bounds) {
                    out.push(self.checksum(lo.as_deref(), hi.as_deref())?);
                }
            }
        }
        Ok(out)
    }

    fn rows_of(&mut self, ranges: &[Range]) -> Result<BTreeMap<String, String>> {
        let mut all = BTreeMap::new();
        for (lo, hi) in ranges {
            all.extend(self.rows(lo.as_deref(), hi.as_deref())?);
        }
        Ok(all)
    }
}

/// The differences between the rows read back from both sides (key → row text).
fn diff_rows(
    city: &BTreeMap<String, String>,
    source: &BTreeMap<String, String>,
    cols: &[&str],
    diffs: &mut Vec<Difference>,
) {
    for (k, text) in source {
        match city.get(k) {
            None => diffs.push(Difference {
                key: k.clone(),
                kind: "missing-in-city",
                columns: String::new(),
            }),
            Some(other) if other != text => {
                let changed: Vec<&str> = other
                    .split(SEP)
                    .zip(text.split(SEP))
                    .zip(cols)
                    .filter(|((x, y), _)| x != y)
                    .map(|(_, c)| *c)
                    .collect();
                diffs.push(Difference {
                    key: k.clone(),
                    kind: "differs",
                    columns: changed.join(","),
                });
            }
            _ => {}
        }
    }
    for k in city.keys().filter(|k| !source.contains_key(*k)) {
        diffs.push(Difference {
            key: k.clone(),
            kind: "only-in-city",
            columns: String::new(),
        });
    }
}

/// The parts of `range` cut at `bounds` (keys inside it, in order).
fn parts_of(range: &Range, bounds: &[String]) -> Vec<Range> {
    let mut points = vec![range.0.clone()];
    points.extend(bounds.iter().cloned().map(Some));
    points.push(range.1.clone());
    points
        .windows(2)
        .map(|w| (w[0].clone(), w[1].clone()))
        .collect()
}

/// Rows in a differing range at or below which the rows are read back rather than split.
const READ_BACK_ROWS: u64 = 256;

/// Compares the county's rows of entity `e` in two databases.
pub fn against_database(
    city: &mut Conn,
    source: &mut Conn,
    e: &'static Entity,
    county: &str,
    out: &Path,
    full: bool,
) -> Result<EntityDiff> {
    if !county.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CompareError::County(county.to_string()));
    }
    let hash = hashing(city, source);
    let both_pg = hash != Hashing::Md5;
    // both jinbao's databases, marking rows edited outside it: rows are summed by the
    // fingerprints their imports kept (`--full`: every row hashed by its values)
    let kept = !full && edits_marked(city)? && edits_marked(source)?;
    let mut a = Side::new(city, e, county, hash, kept)?;
    let mut b = Side::new(source, e, county, hash, kept)?;
    let mut diffs = Vec::new();
    let mut t = Transfer::default();
    let (city_rows, source_rows) = both(|| a.count(), || b.count())?;
    // the first level: about one range per 5000 rows, each checked on both sides; in one
    // pass on PostgreSQL, where a row's part is found by walking the bounds (so not too many)
    // one pass per range on both engines (PostgreSQL's width_bucket, SQLite's jinbao_bucket);
    // with PostgreSQL on a side the bounds stay few enough for it to walk
    let max_buckets = a
        .conn
        .dialect()
        .max_buckets()
        .min(b.conn.dialect().max_buckets());
    let parts = (city_rows / 5000).min(max_buckets);
    let sampled = if both_pg && city_rows > 100_000 {
        a.split_sampled(city_rows, parts)?
    } else {
        None
    };
    let bounds = match sampled {
        Some(b) => b,
        None if city_rows > 5000 => a.split(None, None, parts)?,
        None => Vec::new(),
    };
    // breadth first: a level is a set of ranges, each cut into parts at its bounds; both
    // sides checksum a level's parts at once
    let mut level: Vec<(Range, Vec<String>)> = vec![((None, None), bounds)];
    let cols: Vec<&str> = columns(e);
    while !level.is_empty() {
        let (sa, sb) = both(
            || a.checksums_of(&level, true),
            || b.checksums_of(&level, true),
        )?;
        let parts: Vec<Range> = level.iter().flat_map(|(r, b)| parts_of(r, b)).collect();
        t.ranges_checked += parts.len() as u64;
        let mut read = Vec::new();
        let mut next = Vec::new();
        for (range, (x, y)) in parts.into_iter().zip(sa.iter().zip(&sb)) {
            if x == y {
                continue;
            }
            if x.0 + y.0 <= READ_BACK_ROWS {
                read.push(range);
                continue;
            }
            // cut the range where the larger side has its keys, and look again
            let (lo, hi) = (range.0.as_deref(), range.1.as_deref());
            let split = if x.0 >= y.0 {
                a.split(lo, hi, 16)?
            } else {
                b.split(lo, hi, 16)?
            };
            if split.is_empty() {
                // one key holds the whole range: read it back
                read.push(range);
            } else {
                next.push((range, split));
            }
        }
        if !read.is_empty() {
            let (ra, rb) = both(|| a.rows_of(&read), || b.rows_of(&read))?;
            t.rows_read_back += (ra.len() + rb.len()) as u64;
            diff_rows(&ra, &rb, &cols, &mut diffs);
        }
        level = next;
    }
    diffs.sort_by(|x, y| x.key.cmp(&y.key));
    t.share = if city_rows + source_rows > 0 {
        t.rows_read_back as f64 / (city_rows + source_rows) as f64
    } else {
        0.0
    };
    let file = out.join(format!("{county}-{}-differences.csv", e.name));
    write_differences(&file, &diffs)?;
    let mut d = summarize(e, source_rows, city_rows, &diffs, Some(file));
    d.transfer = Some(t);
    Ok(d)
}
