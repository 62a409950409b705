//! Turning one row of an extract into database values, or the reason it is rejected: each
//! column by its kind, then the schema's checks across columns.

use super::{Col, Entity, Kind, Value, date_order, parse_date};
use crate::data::ids;
use Kind::*;

/// Why a row cannot be converted: the column, its value (when the message names it) and what
/// is wrong with it. The reject file gets [`Rejection::full`]; people see [`Rejection::shown`],
/// where ID numbers and names are masked unless personal data is revealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub column: &'static str,
    pub kind: Kind,
    pub value: Option<String>,
    pub problem: String,
}

impl Rejection {
    fn new(c: &Col, value: Option<&str>, problem: impl Into<String>) -> Self {
        Rejection {
            column: c.name,
            kind: c.kind,
            value: value.map(str::to_string),
            problem: problem.into(),
        }
    }

    fn render(&self, value: Option<String>) -> String {
        match value {
            Some(v) => format!("{} `{v}`{}", self.column, self.problem),
            None => format!("{}{}", self.column, self.problem),
        }
    }

    /// The reason with the value as written (cut to a short excerpt).
    pub fn full(&self) -> String {
        self.render(self.value.as_deref().map(crate::data::csv_line::excerpt))
    }

    /// The reason for people: an ID number or a name masked unless revealed.
    pub fn shown(&self) -> String {
        self.render(self.value.as_deref().map(|v| {
            let v = crate::data::csv_line::excerpt(v);
            if self.kind == Kind::Id {
                crate::privacy::id(&v).into_owned()
            } else if self.column == "name" {
                crate::privacy::name(&v).into_owned()
            } else {
                v
            }
        }))
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.full())
    }
}

/// Converts one row (the entity's columns, in order) or says why it is rejected. The result
/// holds the entity's columns, then its `extra_columns`.
pub fn convert(e: &Entity, raw: &[&str]) -> Result<Vec<Value>, Rejection> {
    let mut out: Vec<Value> = Vec::with_capacity(e.columns.len() + 2);
    let mut extra = Extra::default();
    for (i, c) in e.columns.iter().enumerate() {
        let v = raw.get(i).copied().unwrap_or("").trim();
        if v.is_empty() {
            if c.required {
                return Err(Rejection::new(c, None, " is missing"));
            }
            out.push(None);
            continue;
        }
        out.push(value(e, c, v, &mut extra)?);
    }
    check_date_order(e, &out)?;
    check_birth_src(e, &extra)?;
    finish(e, &mut out, extra);
    Ok(out)
}

/// What a row gives the `extra_columns` as its columns are converted.
#[derive(Default)]
struct Extra {
    /// A person's 15-digit ID number as written.
    id_src: Value,
    /// A person's birth date as written, when it is no date.
    birth_src: Value,
    /// An employer's code kind.
    code_kind: Value,
}

/// One column's value (not empty) converted by its kind; None for a birth date kept only as
/// written.
fn value(e: &Entity, c: &Col, v: &str, extra: &mut Extra) -> Result<Value, Rejection> {
    let converted = match c.kind {
        Id => {
            let n = ids::normalize_id(v);
            if n.chars().count() == 15 {
                let long = ids::id_15_to_18(&n)
                    .ok_or_else(|| Rejection::new(c, Some(v), ": a 15-digit ID must be digits"))?;
                if c.name == "id_number" && e.name == "person" {
                    extra.id_src = Some(n);
                }
                long
            } else {
                if let Some(p) = ids::id_shape_problem(&n) {
                    return Err(Rejection::new(c, Some(v), format!(": {p}")));
                }
                n
            }
        }
        Employer => {
            let (code, kind) = ids::normalize_employer(v);
            let Some(kind) = kind else {
                return Err(Rejection::new(
                    c,
                    Some(v),
                    ": an employer code has 9 (organization code) or 18 characters (unified social credit code)",
                ));
            };
            if let Some(p) = ids::employer_char_problem(&code) {
                return Err(Rejection::new(c, Some(v), format!(": {p}")));
            }
            if e.name == "employer" {
                extra.code_kind = Some(kind.to_string());
            }
            code
        }
        Text(max) | Code(max) => {
            let n = v.chars().count();
            if n > max {
                return Err(Rejection::new(
                    c,
                    None,
                    format!(" has {n} characters, at most {max} fit"),
                ));
            }
            v.to_string()
        }
        Date => match parse_date(v) {
            Some(d) => iso_date(d),
            // a birth date that is not a date is kept as written, for the data checks
            None if e.name == "person" && c.name == "birth_date" => {
                extra.birth_src = Some(v.to_string());
                return Ok(None);
            }
            None => return Err(Rejection::new(c, Some(v), " is not a date")),
        },
        Period => period(c, v)?,
        Money => money(c, v)?,
        Count => {
            let x: u64 = v
                .parse()
                .map_err(|_| Rejection::new(c, Some(v), " is not a whole number"))?;
            // an INTEGER column
            if x > i32::MAX as u64 {
                return Err(Rejection::new(c, Some(v), " is out of range"));
            }
            x.to_string()
        }
        Flag => match v {
            "0" | "否" | "N" | "n" | "false" => "0".into(),
            "1" | "是" | "Y" | "y" | "true" => "1".into(),
            _ => return Err(Rejection::new(c, Some(v), " is not 0 or 1")),
        },
    };
    Ok(Some(converted))
}

/// A month as YYYYMM (written with or without `-` or `/`).
fn period(c: &Col, v: &str) -> Result<String, Rejection> {
    let digits: String = v.chars().filter(|c| *c != '-' && *c != '/').collect();
    if digits.len() != 6
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !("190001".."209913").contains(&digits.as_str())
    {
        return Err(Rejection::new(c, Some(v), " is not a month YYYYMM"));
    }
    Ok(digits)
}

/// An amount with two decimals that fits the schema's NUMERIC(14,2).
fn money(c: &Col, v: &str) -> Result<String, Rejection> {
    if let Some(text) = plain_amount(v) {
        return Ok(text);
    }
    let x: f64 = v
        .parse()
        .map_err(|_| Rejection::new(c, Some(v), " is not an amount"))?;
    let text = format!("{x:.2}");
    // NUMERIC(14,2): twelve digits before the point, after rounding
    if !(0.0..1e12).contains(&x) || !x.is_finite() || text.len() > 15 {
        return Err(Rejection::new(c, Some(v), " is out of range"));
    }
    Ok(text)
}

/// An amount written plainly (up to twelve digits, then at most two decimals) as `{:.2}` of
/// its value would write it, without going through a float: most amounts are written so,
/// and exact float formatting was a tenth of an import's time.
fn plain_amount(v: &str) -> Option<String> {
    let (whole, cents) = v.split_once('.').unwrap_or((v, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || cents.len() > 2 || !digits(whole) || !digits(cents) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    Some(format!("{whole}.{cents:0<2}"))
}

/// A date as `YYYY-MM-DD` (chrono's formatter reads its pattern again for every value).
fn iso_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match d.year() {
        0..=9999 => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// The schema's CHECKs on dates, here so a row breaking one is rejected, not the file.
fn check_date_order(e: &Entity, out: &[Value]) -> Result<(), Rejection> {
    for (end, start) in date_order(e) {
        let at = |name: &str| e.columns.iter().position(|c| c.name == name);
        let (Some(ei), Some(si)) = (at(end), at(start)) else {
            continue;
        };
        if let (Some(ev), Some(sv)) = (&out[ei], &out[si])
            && ev < sv
        {
            return Err(Rejection::new(
                &e.columns[ei],
                Some(ev),
                format!(" is before {start} `{sv}`"),
            ));
        }
    }
    Ok(())
}

/// birth_date_src is VARCHAR(20).
fn check_birth_src(e: &Entity, extra: &Extra) -> Result<(), Rejection> {
    if let Some(b) = &extra.birth_src
        && b.chars().count() > 20
    {
        let c = e
            .columns
            .iter()
            .find(|c| c.name == "birth_date")
            .expect("person has birth_date");
        return Err(Rejection::new(
            c,
            None,
            format!(
                " is not a date, and has {} characters, at most 20 are kept",
                b.chars().count()
            ),
        ));
    }
    Ok(())
}

/// Appends the `extra_columns` and fills what the schema will not have empty.
fn finish(e: &Entity, out: &mut Vec<Value>, extra: Extra) {
    match e.name {
        "person" => {
            out.push(extra.id_src);
            out.push(extra.birth_src);
            // retired is NOT NULL in the schema
            let r = e
                .columns
                .iter()
                .position(|c| c.name == "retired")
                .expect("person has retired");
            if out[r].is_none() {
                out[r] = Some("0".into());
            }
        }
        "employer" => out.push(extra.code_kind),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::format::entity;

    /// Amounts written plainly come out as the float path writes them; the rest take it.
    #[test]
    fn plain_amounts_read_as_floats_would() {
        for v in [
            "0",
            "5",
            "5.",
            "5.5",
            "5.05",
            "007.50",
            "000",
            "999999999999.99",
            "123456789012",
            "1234567890123",
            "5.555",
            "-5",
            ".5",
            "1e3",
            "5.x",
            "",
        ] {
            let by_float = v
                .parse::<f64>()
                .ok()
                .filter(|x| (0.0..1e12).contains(x))
                .map(|x| format!("{x:.2}"));
            match plain_amount(v) {
                Some(text) => assert_eq!(Some(text), by_float, "{v}"),
                None => assert!(
                    v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) || v.len() > 12,
                    "{v} should be plain"
                ),
            }
        }
    }

    #[test]
    fn persons_are_converted() {
        let e = entity("person").unwrap();
        let row = convert(
            e,
            &[
                "110105491231002",
                "A1",
                " 张三 ",
                "1",
                "19491231",
                "110105",
                "",
                "",
                "",
                "",
            ],
        )
        .unwrap();
        assert_eq!(row[0].as_deref(), Some("11010519491231002X"));
        assert_eq!(row[2].as_deref(), Some("张三"));
        assert_eq!(row[4].as_deref(), Some("1949-12-31"));
        assert_eq!(row[7].as_deref(), Some("0"), "retired defaults to 0");
        assert_eq!(
            row[10].as_deref(),
            Some("110105491231002"),
            "the 15-digit original is kept"
        );
        let row = convert(
            e,
            &[
                "11010519491231002X",
                "",
                "李四",
                "1",
                "1987-02-30",
                "",
                "",
                "",
                "",
                "",
            ],
        )
        .unwrap();
        assert_eq!(row[4], None);
        assert_eq!(row[11].as_deref(), Some("1987-02-30"));
        assert!(
            convert(e, &["1101051949", "", "王五", "", "", "", "", "", "", ""])
                .unwrap_err()
                .full()
                .contains("18 characters")
        );
        assert!(
            convert(e, &["", "", "王五"])
                .unwrap_err()
                .full()
                .contains("id_number is missing")
        );
    }

    #[test]
    fn contributions_are_converted() {
        let e = entity("contribution").unwrap();
        let row = convert(
            e,
            &[
                "11010519491231002X",
                "110",
                "2008-03",
                "00251805-7",
                "",
                "1200",
                "240",
                "96.5",
            ],
        )
        .unwrap();
        assert_eq!(row[2].as_deref(), Some("200803"));
        assert_eq!(row[3].as_deref(), Some("002518057"));
        assert_eq!(row[7].as_deref(), Some("96.50"));
        assert!(
            convert(
                e,
                &[
                    "11010519491231002X",
                    "110",
                    "2008",
                    "002518057",
                    "",
                    "1",
                    "1",
                    "1"
                ]
            )
            .is_err()
        );
        assert!(
            convert(
                e,
                &[
                    "11010519491231002X",
                    "110",
                    "200803",
                    "002518057",
                    "",
                    "-1",
                    "1",
                    "1"
                ]
            )
            .is_err()
        );
    }

    /// What a column of the schema cannot hold is rejected here, not by the database.
    #[test]
    fn values_the_schema_refuses_are_rejected() {
        let inspection = entity("inspection").unwrap();
        let row = |workers: &str, arrears: &str| {
            convert(
                inspection,
                &["C1", "002518057", "2020-01-01", "", "", workers, arrears],
            )
        };
        assert!(row("2147483647", "999999999999.99").is_ok());
        assert!(row("2147483648", "1").is_err(), "INTEGER");
        assert!(
            row("1", "999999999999.996").is_err(),
            "NUMERIC(14,2) once rounded"
        );
        let person = entity("person").unwrap();
        let long = "not a date at all, really";
        assert!(
            convert(
                person,
                &[
                    "11010519491231002X",
                    "",
                    "李四",
                    "1",
                    long,
                    "",
                    "",
                    "",
                    "",
                    ""
                ]
            )
            .is_err()
        );
    }
}
