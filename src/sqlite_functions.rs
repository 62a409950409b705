//! The functions jinbao's SQL uses that SQLite lacks, registered on every SQLite connection
//! `db` opens: the rules, the cross-city hashes and the range comparison run the same SQL
//! shape on both engines, and no consumer has to know which one it talks to.

use md5::{Digest, Md5};
use rusqlite::functions::FunctionFlags;

/// The field separator of compared row texts and bucket bounds.
const SEP: char = '\u{1f}';

/// The hash both engines compute: the first 8 bytes of md5(text), as a signed integer
/// (PostgreSQL: `('x' || substr(md5(text), 1, 16))::bit(64)::bigint`).
pub fn hash64(key: &str) -> i64 {
    let d = Md5::digest(key.as_bytes());
    i64::from_be_bytes(d[..8].try_into().expect("an md5 digest has 16 bytes"))
}

/// Registers every function on `c`.
pub fn register(c: &rusqlite::Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    // cross-city duplicates and range checksums
    c.create_scalar_function("jinbao_hash64", 1, flags, |ctx| {
        let s: String = ctx.get(0)?;
        Ok(hash64(&s))
    })?;
    // the bucket of a key among sorted bounds (PostgreSQL's width_bucket over text)
    c.create_scalar_function("jinbao_bucket", 2, flags, |ctx| {
        let bounds = ctx.get_or_create_aux(1, |v| -> rusqlite::Result<Vec<String>> {
            let text = v
                .as_str()
                .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
            Ok(if text.is_empty() {
                Vec::new()
            } else {
                text.split(SEP).map(str::to_string).collect()
            })
        })?;
        let key: String = ctx.get(0)?;
        let key = key.trim_end_matches(' ');
        Ok(bounds.partition_point(|b| b.as_str() <= key) as i64)
    })?;
    // characters from a private-use area or replaced in decoding: a broken name
    c.create_scalar_function("jinbao_bad_chars", 1, flags, |ctx| {
        let s: Option<String> = ctx.get(0)?;
        Ok(s.is_some_and(|s| {
            s.chars()
                .any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c) || c == '\u{FFFD}')
        }))
    })
}
