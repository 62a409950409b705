//! The standard county extract format: one CSV file per entity with a header row, UTF-8 or
//! GBK/GB18030. `data synth` writes it, `data import` reads it (other layouts through a mapping
//! file under templates/mappings/). Each column has a kind that says how it is converted.

use chrono::NaiveDate;

use super::ids;

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
    for f in ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d);
        }
    }
    None
}

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
        self.render(self.value.as_deref().map(super::csv_line::excerpt))
    }

    /// The reason for people: an ID number or a name masked unless revealed.
    pub fn shown(&self) -> String {
        self.render(self.value.as_deref().map(|v| {
            let v = super::csv_line::excerpt(v);
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
    let mut id_src: Value = None;
    let mut birth_src: Value = None;
    let mut code_kind: Value = None;
    for (i, c) in e.columns.iter().enumerate() {
        let v = raw.get(i).copied().unwrap_or("").trim();
        if v.is_empty() {
            if c.required {
                return Err(Rejection::new(c, None, " is missing"));
            }
            out.push(None);
            continue;
        }
        let converted = match c.kind {
            Id => {
                let n = ids::normalize_id(v);
                if n.chars().count() == 15 {
                    let long = ids::id_15_to_18(&n).ok_or_else(|| {
                        Rejection::new(c, Some(v), ": a 15-digit ID must be digits")
                    })?;
                    if c.name == "id_number" && e.name == "person" {
                        id_src = Some(n);
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
                    code_kind = Some(kind.to_string());
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
                Some(d) => d.format("%Y-%m-%d").to_string(),
                // a birth date that is not a date is kept as written, for the data checks
                None if e.name == "person" && c.name == "birth_date" => {
                    birth_src = Some(v.to_string());
                    out.push(None);
                    continue;
                }
                None => return Err(Rejection::new(c, Some(v), " is not a date")),
            },
            Period => {
                let digits: String = v.chars().filter(|c| *c != '-' && *c != '/').collect();
                if digits.len() != 6
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                    || !("190001".."209913").contains(&digits.as_str())
                {
                    return Err(Rejection::new(c, Some(v), " is not a month YYYYMM"));
                }
                digits
            }
            Money => {
                let x: f64 = v
                    .parse()
                    .map_err(|_| Rejection::new(c, Some(v), " is not an amount"))?;
                let text = format!("{x:.2}");
                // NUMERIC(14,2): twelve digits before the point, after rounding
                if !(0.0..1e12).contains(&x) || !x.is_finite() || text.len() > 15 {
                    return Err(Rejection::new(c, Some(v), " is out of range"));
                }
                text
            }
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
        out.push(Some(converted));
    }
    // the schema's CHECKs on dates, here so a row breaking one is rejected, not the file
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
    // birth_date_src is VARCHAR(20)
    if let Some(b) = &birth_src
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
    match e.name {
        "person" => {
            out.push(id_src);
            out.push(birth_src);
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
        "employer" => out.push(code_kind),
        _ => {}
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/extract-format.md is the format's documentation: it must name every file, column
    /// and key the code reads.
    #[test]
    fn the_documented_format_is_the_one_read() {
        let doc = include_str!("../../docs/extract-format.md");
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
