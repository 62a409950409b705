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
}

/// The dialect of `engine`.
pub fn dialect(engine: Engine) -> &'static dyn Dialect {
    match engine {
        Engine::Postgres => &super::pg::Postgres,
        Engine::Sqlite => &super::sqlite::Sqlite,
    }
}
