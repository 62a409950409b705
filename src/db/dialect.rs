//! The SQL each engine writes its own way: consumers build one statement from these fragments
//! and never ask which engine they talk to.

use crate::profile::Engine;

/// What a staged text column is read as, where the engines differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    /// Text, codes, ID numbers (PostgreSQL may hold them as CHAR, padded).
    Text,
    Date,
    /// A period or a count.
    Integer,
    /// An amount of money, two decimals.
    Money,
    /// A 0/1 flag.
    SmallInt,
}

/// The fragments of SQL the engines write differently.
pub trait Dialect: Sync {
    /// A jinbao table's name in SQL: in the `jinbao` schema on PostgreSQL, plain in SQLite.
    fn table(&self, name: &str) -> String;
    /// What a transaction sets before statements known to touch a few rows (no JIT compiling
    /// on PostgreSQL); empty where there is nothing to set.
    fn few_rows(&self) -> &'static str;
    /// A staged (text) expression as the target's type.
    fn typed(&self, expr: &str, ty: SqlType) -> String;
    /// A column as the text both sides of a comparison hash (money with two decimals, codes
    /// without CHAR padding).
    fn as_text(&self, col: &str, ty: SqlType) -> String;
    /// The ASCII unit separator as an SQL expression.
    fn unit_separator(&self) -> &'static str;
    /// Whether keys read back as text keep a CHAR column's padding.
    fn pads_char_keys(&self) -> bool;
    /// The first 64 bits of the md5 of a text expression, as a signed 64-bit number.
    fn md5_hash64(&self, text: &str) -> String;
    /// How many parts a range may be cut into in one pass (PostgreSQL walks the bounds).
    fn max_buckets(&self) -> u64;
    /// `a` and `b` differ, NULLs compared as values.
    fn distinct(&self, a: &str, b: &str) -> String;
    /// Now, as a timestamp the history and manifest tables hold.
    fn now(&self) -> &'static str;
    /// The sum of a group's amounts of money.
    fn money_sum(&self, expr: &str) -> String;

    /// `col` is 17 digits and a digit or X (the shape of an ID number).
    fn digits17(&self, col: &str) -> String;
    /// The position (from 1; 0 when absent) of the character `ch` in `set` (an SQL literal).
    fn position(&self, set: &str, ch: &str) -> String;
    /// Today as YYYYMMDD text.
    fn today_yyyymmdd(&self) -> &'static str;
    /// Today as a date.
    fn today(&self) -> &'static str;
    /// YYYYMM of a date column, as an integer.
    fn month_of(&self, col: &str) -> String;
    /// A date column as YYYYMMDD text.
    fn yyyymmdd(&self, col: &str) -> String;
    /// `col` holds a character of the private use area or a replacement character.
    fn bad_chars(&self, col: &str) -> String;
    /// A date column `n` years later.
    fn add_years(&self, col: &str, n: u32) -> String;
    /// The distinct values of a column of a group, comma separated.
    fn list_agg(&self, col: &str) -> String;
    /// What ends a subquery the planner must not fold into the query around it.
    fn fence(&self) -> &'static str;
    /// The functions giving the least and the greatest of several values of a row.
    fn least_greatest(&self) -> (&'static str, &'static str);
    /// `table` (as `x`) with what `id_digit` reads the ID number in `col` from, once per row.
    fn with_id_digits(&self, table: &str, col: &str) -> String;
    /// The `i`th character (from 1) of the ID number in `col`, read through `with_id_digits`
    /// (as `y`), as its digit: any other character is no digit from 0 to 9.
    fn id_digit(&self, col: &str, i: usize) -> String;
}

/// The dialect of `engine`.
pub fn dialect(engine: Engine) -> &'static dyn Dialect {
    match engine {
        Engine::Postgres => &super::pg_sql::Postgres,
        Engine::Sqlite => &super::sqlite::Sqlite,
    }
}
