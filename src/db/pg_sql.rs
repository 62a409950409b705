//! The SQL PostgreSQL writes its own way: the `jinbao` schema, casts, sums of money,
//! hashing and buckets.

use super::{Dialect, SCHEMA, SqlType};

/// PostgreSQL's SQL.
pub(super) struct Postgres;

impl Dialect for Postgres {
    fn table(&self, name: &str) -> String {
        format!("{SCHEMA}.{name}")
    }

    fn few_rows(&self) -> &'static str {
        "SET LOCAL jit = off"
    }

    fn typed(&self, expr: &str, ty: SqlType) -> String {
        match ty {
            SqlType::Text => expr.to_string(),
            SqlType::Date => format!("{expr}::date"),
            SqlType::Integer => format!("{expr}::integer"),
            SqlType::Money => format!("{expr}::numeric"),
            SqlType::SmallInt => format!("{expr}::smallint"),
        }
    }

    fn as_text(&self, col: &str, ty: SqlType) -> String {
        match ty {
            SqlType::Money => format!("CAST({col} AS numeric(14,2))::text"),
            SqlType::Text => format!("rtrim(CAST({col} AS TEXT))"),
            _ => format!("CAST({col} AS TEXT)"),
        }
    }

    fn unit_separator(&self) -> &'static str {
        "chr(31)"
    }

    fn pads_char_keys(&self) -> bool {
        true
    }

    fn md5_hash64(&self, text: &str) -> String {
        format!("('x' || substr(md5({text}), 1, 16))::bit(64)::bigint")
    }

    fn max_buckets(&self) -> u64 {
        64
    }

    fn distinct(&self, a: &str, b: &str) -> String {
        format!("{a} IS DISTINCT FROM {b}")
    }

    fn now(&self) -> &'static str {
        "now()"
    }

    fn money_sum(&self, expr: &str) -> String {
        format!("sum({expr})")
    }

    fn digits17(&self, col: &str) -> String {
        format!("{col} ~ '^[0-9]{{17}}[0-9X]$'")
    }

    fn position(&self, set: &str, ch: &str) -> String {
        format!("strpos({set}, {ch})")
    }

    fn today_yyyymmdd(&self) -> &'static str {
        "to_char(current_date, 'YYYYMMDD')"
    }

    fn today(&self) -> &'static str {
        "current_date"
    }

    fn month_of(&self, col: &str) -> String {
        format!("(extract(year from {col}) * 100 + extract(month from {col}))::integer")
    }

    fn yyyymmdd(&self, col: &str) -> String {
        format!("to_char({col}, 'YYYYMMDD')")
    }

    fn bad_chars(&self, col: &str) -> String {
        format!("{col} ~ '[\\uE000-\\uF8FF\\uFFFD]'")
    }

    fn add_years(&self, col: &str, n: u32) -> String {
        format!("({col} + interval '{n} years')::date")
    }

    fn list_agg(&self, col: &str) -> String {
        format!("string_agg(DISTINCT CAST({col} AS TEXT), ',')")
    }

    fn fence(&self) -> &'static str {
        " OFFSET 0"
    }

    fn least_greatest(&self) -> (&'static str, &'static str) {
        ("least", "greatest")
    }

    /// The digits as bytes: one conversion per row, then `get_byte` (the value padded so that
    /// a short one never reads past its end).
    fn with_id_digits(&self, table: &str, col: &str) -> String {
        format!(
            "(SELECT x.*, convert_to(rpad(CAST(x.{col} AS TEXT), 18, ' '), 'UTF8') AS jb_b FROM {table} x{})",
            self.fence()
        )
    }

    fn id_digit(&self, _col: &str, i: usize) -> String {
        format!("get_byte(y.jb_b, {}) - 48", i - 1)
    }
}
