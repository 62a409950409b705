//! A staged file merged into its table by change: each row carries a fingerprint of its
//! content (computed as it is staged), so a county's re-sent full extract writes only the
//! rows that are new or changed, and the county's rows it no longer holds are marked, never
//! deleted unasked. Written once for both engines; each writes the statements in its SQL.

use sha2::Digest;

use super::SqlType;

/// What [`super::Tx::merge`] merges: `jb_stage` into `table`, every row tagged with its scope
/// (`county_code`) and the load that wrote it (`import_id`).
pub struct Merge<'a> {
    pub table: &'a str,
    /// The staged columns, each with what it is read as.
    pub columns: &'a [(&'a str, SqlType)],
    /// The natural key inside the scope.
    pub key: &'a [&'a str],
    /// `county_code`'s value: the rows' scope, part of the table's primary key.
    pub county: &'a str,
    /// `import_id`'s value, and the mark of the rows this load found missing.
    pub import_id: &'a str,
    /// The entity and the name of the file, as the load manifests (`import_batch`) keep them:
    /// only rows loads of a file of this name wrote can be missing from it (a county may send
    /// a table in several files, `2023_contributions.csv` and `2024_contributions.csv`).
    pub entity: &'a str,
    pub file_name: &'a str,
    /// Names what is merged: one merge of it at a time (PostgreSQL's advisory lock).
    pub lock: &'a str,
    /// How many rows were staged.
    pub staged: u64,
    /// Only some buckets of the file's keys were staged (the others hold what the city
    /// holds): the condition on the table's rows (`t`) of those buckets, where alone rows
    /// can be missing.
    pub narrowed: Option<&'a str>,
    /// Delete the scope's rows marked missing (by this load or an earlier one); done only when
    /// no line of the file was rejected (a rejected line's key may be one the county still
    /// sends, and it is marked missing like the others).
    pub apply_missing: bool,
    /// Lines of the file rejected before staging.
    pub rejected: u64,
    /// Write every row again, changed or not (what re-imports cost before fingerprints).
    pub full: bool,
}

/// What a merge did: the staged rows split into repeated (their line, the key's first line),
/// new, changed and unchanged; the scope's rows newly found missing, and those deleted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Merged {
    pub repeated: Vec<(u64, u64)>,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    pub missing: u64,
    pub deleted: u64,
}

/// A row's content as one number, what a re-import tells a changed row from an unchanged one
/// by: the first 8 bytes of the SHA-256 of its values, each with its length (a NULL and an
/// empty value differ, and no value runs into the next).
pub fn fingerprint(values: &[Option<String>]) -> i64 {
    let mut h = sha2::Sha256::new();
    for v in values {
        match v {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
        }
    }
    let d = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&d[..8]);
    i64::from_be_bytes(first)
}

/// The temporary table a file is staged in: its line, its rows' fingerprints, then its
/// columns as text.
pub(super) fn stage_ddl(cols: &[&str], text_type: &str) -> String {
    format!(
        "CREATE TEMP TABLE jb_stage (line BIGINT, fp BIGINT, {})",
        cols.iter()
            .map(|c| format!("{c} {text_type}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The target's columns a merge writes, in the order its SELECT gives them.
pub(super) fn target_columns(cols: &[&str]) -> String {
    format!("county_code, {}, import_id, row_fp", cols.join(", "))
}

/// What a merge sets on a row already there: every column but the key's, the load, the
/// fingerprint, and the row is no longer missing.
pub(super) fn update_set(cols: &[&str], key: &[&str]) -> String {
    cols.iter()
        .filter(|c| !key.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .chain([
            "import_id = excluded.import_id".to_string(),
            "row_fp = excluded.row_fp".to_string(),
            "missing_import = NULL".to_string(),
        ])
        .collect::<Vec<_>>()
        .join(", ")
}

/// `t` (the table) and `s` (the stage) hold the same key; `typed` reads a staged column as
/// the table's type.
pub(super) fn same_key(m: &Merge<'_>, typed: impl Fn(&str, SqlType) -> String) -> String {
    m.key
        .iter()
        .map(|k| {
            let ty = m
                .columns
                .iter()
                .find(|(c, _)| c == k)
                .map(|(_, ty)| *ty)
                .unwrap_or(SqlType::Text);
            format!("t.{k} = {}", typed(&format!("s.{k}"), ty))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The staged rows (as `s`) whose row in `table` is there, unchanged and not missing: what a
/// re-import leaves alone.
pub(super) fn unchanged_row(table: &str, same_key: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM {table} t WHERE t.county_code = $1 AND {same_key} \
         AND t.row_fp = s.fp AND t.missing_import IS NULL)"
    )
}

/// The staged rows (as `s`) a merge writes: those not held unchanged, or all of them when
/// the merge is `full`.
pub(super) fn to_write(m: &Merge<'_>, table: &str, same_key: &str) -> String {
    if m.full {
        "true".to_string()
    } else {
        format!("NOT {}", unchanged_row(table, same_key))
    }
}

/// Marks the scope's rows the stage does not hold with this load (`$1` the county, `$2` the
/// load, `$3` the entity, `$4` the file's name), among those loads of a file of the same name
/// wrote; those marked before keep their first mark.
pub(super) fn mark_missing(m: &Merge<'_>, table: &str, batches: &str, same_key: &str) -> String {
    let narrowed = m.narrowed.map(|n| format!(" AND {n}")).unwrap_or_default();
    format!(
        "UPDATE {table} AS t SET missing_import = $2 WHERE t.county_code = $1{narrowed} \
         AND t.missing_import IS NULL \
         AND t.import_id IN (SELECT b.import_id FROM {batches} b WHERE b.county_code = $1 \
         AND b.entity = $3 AND b.file_name = $4) \
         AND NOT EXISTS (SELECT 1 FROM jb_stage s WHERE {same_key})"
    )
}

/// Whether a merge looks for missing rows at all: not for a file none of whose lines could be
/// staged (every line rejected, or a header alone is no extract saying the table is empty).
pub(super) fn looks_for_missing(m: &Merge<'_>) -> bool {
    m.staged > 0 || m.narrowed.is_some()
}

/// Whether a merge deletes the rows marked missing: asked, and the file had no rejected line.
pub(super) fn deletes_missing(m: &Merge<'_>) -> bool {
    m.apply_missing && m.rejected == 0
}

/// Keeps the keys of the scope's rows marked missing in the table's `_gone` table with the
/// load that deletes them (`$1` the county, `$2` the load): a check by change drops what it
/// found of them. `table` as the engine names it, `gone` likewise.
pub(super) fn keep_gone(table: &str, gone: &str, key: &[&str]) -> String {
    let key = key.join(", ");
    format!(
        "INSERT INTO {gone} (county_code, {key}, import_id) SELECT county_code, {key}, $2 \
         FROM {table} WHERE county_code = $1 AND missing_import IS NOT NULL"
    )
}

/// Deletes the scope's rows marked missing (`$1` the county).
pub(super) fn delete_missing(table: &str) -> String {
    format!("DELETE FROM {table} WHERE county_code = $1 AND missing_import IS NOT NULL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_tells_null_empty_and_shifted_values_apart() {
        let v = |x: &[Option<&str>]| -> Vec<Option<String>> {
            x.iter().map(|s| s.map(str::to_string)).collect()
        };
        let a = fingerprint(&v(&[Some("410602"), Some("张三")]));
        assert_eq!(a, fingerprint(&v(&[Some("410602"), Some("张三")])));
        assert_ne!(a, fingerprint(&v(&[Some("410602"), Some("张四")])));
        assert_ne!(
            fingerprint(&v(&[None, Some("x")])),
            fingerprint(&v(&[Some(""), Some("x")]))
        );
        assert_ne!(
            fingerprint(&v(&[Some("ab"), Some("c")])),
            fingerprint(&v(&[Some("a"), Some("bc")]))
        );
    }
}
