//! The standard county extract format: one CSV file per entity with a header row, UTF-8 or
//! GBK/GB18030. `data synth` writes it, `data import` reads it (other layouts through a mapping
//! file under templates/mappings/). Each column has a kind that says how it is converted.

use chrono::NaiveDate;

pub use convert::{Rejection, convert};

mod convert;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A resident ID number: normalized, 15 digits converted to 18.
    Id,
    /// An employer code (organization code or unified social credit code).
    Employer,
    /// Free text, trimmed, at most this many characters.
    Text(usize),
    /// A code of a dictionary (AA10), at most this many characters.
    Code(usize),
    /// A date: YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD or YYYY.MM.DD.
    Date,
    /// A month: YYYYMM or YYYY-MM.
    Period,
    /// An amount of money, not negative, two decimals.
    Money,
    /// A whole number, not negative.
    Count,
    /// 0 or 1 (also 是/否, Y/N).
    Flag,
}

#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn col(name: &'static str, kind: Kind, required: bool) -> Col {
    Col {
        name,
        kind,
        required,
    }
}

#[derive(Debug)]
pub struct Entity {
    pub name: &'static str,
    pub file: &'static str,
    pub table: &'static str,
    pub columns: &'static [Col],
    /// The natural key (with the county): what a re-import updates instead of duplicating.
    pub key: &'static [&'static str],
}

use Kind::*;

pub const ENTITIES: &[Entity] = &[
    Entity {
        name: "person",
        file: "persons.csv",
        table: "person",
        columns: &[
            col("id_number", Id, true),
            col("person_no", Text(20), false),
            col("name", Text(60), true),
            col("sex", Code(2), false),
            col("birth_date", Date, false),
            col("area_code", Code(6), false),
            col("work_start", Date, false),
            col("retired", Flag, false),
            col("retire_date", Date, false),
            col("death_date", Date, false),
        ],
        key: &["id_number"],
    },
    Entity {
        name: "employer",
        file: "employers.csv",
        table: "employer",
        columns: &[
            col("employer_code", Employer, true),
            col("name", Text(120), true),
            col("employer_type", Code(4), false),
            col("area_code", Code(6), false),
            col("status", Code(2), false),
        ],
        key: &["employer_code"],
    },
    Entity {
        name: "enrolment",
        file: "enrolments.csv",
        table: "insurance_enrolment",
        columns: &[
            col("id_number", Id, true),
            col("insurance_type", Code(3), true),
            col("employer_code", Employer, false),
            col("enrolled_on", Date, false),
            col("first_enrolled_on", Date, false),
            col("ended_on", Date, false),
            col("status", Code(2), false),
        ],
        key: &["id_number", "insurance_type"],
    },
    Entity {
        name: "contribution",
        file: "contributions.csv",
        table: "contribution",
        columns: &[
            col("id_number", Id, true),
            col("insurance_type", Code(3), true),
            col("period", Period, true),
            col("employer_code", Employer, true),
            col("paid_month", Period, false),
            col("base", Money, true),
            col("employer_amount", Money, true),
            col("person_amount", Money, true),
        ],
        key: &["id_number", "insurance_type", "period", "employer_code"],
    },
    Entity {
        name: "benefit",
        file: "benefits.csv",
        table: "benefit_payment",
        columns: &[
            col("id_number", Id, true),
            col("insurance_type", Code(3), true),
            col("benefit_type", Code(2), true),
            col("period", Period, true),
            col("amount", Money, true),
            col("paid_on", Date, false),
        ],
        key: &["id_number", "benefit_type", "period"],
    },
    Entity {
        name: "employment",
        file: "employment.csv",
        table: "employment_registration",
        columns: &[
            col("id_number", Id, true),
            col("employer_code", Employer, true),
            col("start_date", Date, true),
            col("end_date", Date, false),
        ],
        key: &["id_number", "employer_code", "start_date"],
    },
    Entity {
        name: "unemployment",
        file: "unemployment.csv",
        table: "unemployment_registration",
        columns: &[
            col("id_number", Id, true),
            col("registered_on", Date, true),
            col("ended_on", Date, false),
            col("reason", Code(2), false),
        ],
        key: &["id_number", "registered_on"],
    },
    Entity {
        name: "training",
        file: "training.csv",
        table: "vocational_training",
        columns: &[
            col("id_number", Id, true),
            col("course", Text(100), true),
            col("provider", Text(100), false),
            col("start_date", Date, true),
            col("end_date", Date, false),
            col("certificate", Text(40), false),
        ],
        key: &["id_number", "course", "start_date"],
    },
    Entity {
        name: "inspection",
        file: "inspections.csv",
        table: "labor_inspection_case",
        columns: &[
            col("case_no", Text(30), true),
            col("employer_code", Employer, true),
            col("opened_on", Date, true),
            col("closed_on", Date, false),
            col("case_type", Code(2), false),
            col("workers_affected", Count, false),
            col("arrears_amount", Money, false),
        ],
        key: &["case_no"],
    },
];

pub fn entity(name: &str) -> Option<&'static Entity> {
    ENTITIES.iter().find(|e| e.name == name)
}

/// The entity a file holds, by its name (`persons.csv` …).
pub fn entity_of_file(file_name: &str) -> Option<&'static Entity> {
    let lower = file_name.to_lowercase();
    ENTITIES.iter().find(|e| {
        lower == e.file
            || lower.ends_with(&format!("_{}", e.file))
            || lower.ends_with(&format!("-{}", e.file))
    })
}

/// The CHECKs of the schema that a date column is not before another: (end, start).
pub fn date_order(e: &Entity) -> &'static [(&'static str, &'static str)] {
    match e.name {
        "employment" => &[("end_date", "start_date")],
        "unemployment" => &[("ended_on", "registered_on")],
        _ => &[],
    }
}

/// A converted value, ready for the database (None: NULL).
pub type Value = Option<String>;

/// Columns the database gets besides the entity's own: a person's original ID and birth date
/// text, an employer's code kind.
pub fn extra_columns(e: &Entity) -> &'static [&'static str] {
    match e.name {
        "person" => &["id_number_src", "birth_date_src"],
        "employer" => &["code_kind"],
        _ => &[],
    }
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = canonical_date(s) {
        return d;
    }
    for f in ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d);
        }
    }
    None
}

/// `YYYY-MM-DD` or `YYYYMMDD`, the forms nearly every extract writes, read without chrono's
/// pattern parser (a tenth of an import's time); `None` when it is another form.
fn canonical_date(s: &str) -> Option<Option<NaiveDate>> {
    let b = s.as_bytes();
    // the digits' positions; any other byte (a letter, a character of several bytes) is
    // another form
    let (y, m, d) = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => (&b[..4], &b[5..7], &b[8..]),
        8 => (&b[..4], &b[4..6], &b[6..]),
        _ => return None,
    };
    let number = |t: &[u8]| {
        t.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (number(y)?, number(m)?, number(d)?);
    Some(NaiveDate::from_ymd_opt(y as i32, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick reading of the common forms agrees with chrono's patterns, invalid dates too.
    #[test]
    fn canonical_dates_read_as_the_patterns_read_them() {
        for s in [
            "2020-01-05",
            "20200105",
            "2020-02-30",
            "20201301",
            "0000-01-01",
            "1999-12-31",
            "2020-1-05",
            "2020/01/05",
            "202001",
            "2020-01-0x",
            "+2020-01-05",
        ] {
            let slow = ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d"]
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(s, f).ok());
            assert_eq!(parse_date(s), slow, "{s}");
        }
    }

    /// docs/extract-format.md is the format's documentation: it must name every file, column
    /// and key the code reads.
    #[test]
    fn the_documented_format_is_the_one_read() {
        let doc = include_str!("../../../docs/extract-format.md");
        for e in ENTITIES {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", e.file)))
                .unwrap_or_else(|| panic!("{} is not documented", e.file));
            assert!(row.contains(&format!("`{}`", e.table)), "{row}");
            for c in e.columns {
                let named = if c.required {
                    format!("**{}**", c.name)
                } else {
                    format!(" {} ", c.name)
                };
                assert!(row.contains(&named), "{} of {} as {named}", c.name, e.file);
            }
            assert!(
                row.trim_end()
                    .ends_with(&format!("| {} |", e.key.join(", "))),
                "{row}"
            );
        }
    }

    #[test]
    fn files_name_their_entity() {
        assert_eq!(entity_of_file("persons.csv").unwrap().name, "person");
        assert_eq!(
            entity_of_file("411002_contributions.csv").unwrap().name,
            "contribution"
        );
        assert!(entity_of_file("notes.txt").is_none());
    }
}
