//! Properties of the county-data code, checked on generated inputs (proptest): the ID-number
//! (GB 11643), organization-code (GB 11714) and credit-code (GB 32100) validators against
//! references written here from the standards (ISO 7064 as they cite it, with the weights
//! derived, not copied), the same rules compiled to SQL, and the extract reader and converter.
//!
//! `cargo test` runs a quick bounded number of cases; `tests/fuzz` sets JINBAO_FUZZ_SECONDS and
//! every property then runs batch after batch, with fresh seeds, until the time is up. A
//! failing case is printed shrunk; add it to `regressions` below.

use crate::common;

use common::props::check;
use jinbao::data::csv_line::{Fields, Line, LineProblem, Lines};
use jinbao::data::{format, ids, rules};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const FILE: &str = "tests/properties_data.rs";

// ---- references, from the standards ------------------------------------------------------

/// ISO 7064 MOD 11-2 (GB 11643-1999 §5): the check character a1 makes
/// Σ ai·Wi ≡ 1 (mod 11), Wi = 2^(i-1) mod 11, positions i counted from the right (a1 the check).
fn ref_id_check(first17: &[u8]) -> char {
    let mut sum = 0u64;
    for (k, d) in first17.iter().enumerate() {
        let i = 18 - k as u32; // position from the right
        let w = 2u64.pow(i - 1) % 11;
        sum += u64::from(d - b'0') * w;
    }
    let a1 = (1 + 11 * 11 - (sum % 11)) % 11;
    if a1 == 10 {
        'X'
    } else {
        char::from_digit(a1 as u32, 10).unwrap()
    }
}

/// GB 11643: 17 digits, then the check character (a digit or X).
fn ref_id_ok(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && ref_id_check(&b[..17]) == b[17] as char
}

/// GB 11714-1997: C9 = 11 − (Σ Ci·Wi mod 11), W = 3 7 9 10 5 8 4 2, digits and A=10 … Z=35;
/// 10 is written X and 11 is written 0.
fn ref_org_ok(code: &str) -> bool {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let c: Vec<char> = code.chars().collect();
    if c.len() != 9 {
        return false;
    }
    let mut sum = 0;
    for (ch, w) in c[..8].iter().zip(W) {
        let v = match ch {
            '0'..='9' => *ch as u32 - '0' as u32,
            'A'..='Z' => *ch as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        sum += v * w;
    }
    let want = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap(),
    };
    c[8] == want
}

/// The GB/T 2260 table as the schema migrations leave it, in an SQLite database.
fn area_table(c: &rusqlite::Connection) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/schema");
    for f in [
        "V010__national_area_codes.sql",
        "V011__area_codes_in_force.sql",
    ] {
        c.execute_batch(&std::fs::read_to_string(dir.join(f)).unwrap())
            .unwrap();
    }
}

/// The codes of that table.
fn area_codes() -> &'static std::collections::BTreeSet<String> {
    static CODES: std::sync::OnceLock<std::collections::BTreeSet<String>> =
        std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        area_table(&c);
        let mut q = c.prepare("SELECT code FROM area_code_years").unwrap();
        q.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    })
}

/// GB 32100-2015: 31 characters (no I, O, S, V, Z); ISO 7064 MOD 31-3 with Wi = 3^(i-1) mod
/// 31 from the left; positions 3–8 the registering authority's GB/T 2260 code (100000 for a
/// national one); 9–17 a GB 11714 code.
fn ref_uscc_ok(code: &str) -> bool {
    const SET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    let c: Vec<char> = code.chars().collect();
    if c.len() != 18 {
        return false;
    }
    let mut sum = 0u64;
    let mut w = 1u64;
    for ch in &c[..17] {
        let Some(v) = SET.find(*ch) else {
            return false;
        };
        sum += v as u64 * w;
        w = w * 3 % 31;
    }
    let check = (31 - sum % 31) % 31;
    SET.chars().nth(check as usize) == Some(c[17])
        && {
            let area: String = c[2..8].iter().collect();
            area == "100000" || area_codes().contains(&area)
        }
        && ref_org_ok(&c[8..17].iter().collect::<String>())
}

// ---- generators --------------------------------------------------------------------------

/// ID numbers: mostly well formed (right or wrong check character), some of any shape.
fn id_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{17}".prop_map(|b| {
            let c = ref_id_check(b.as_bytes());
            format!("{b}{c}")
        }),
        "[0-9]{17}[0-9X]",
        "[0-9Xx]{15,19}",
        ".{0,20}",
    ]
}

fn org_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9A-Z]{8}".prop_map(|b| {
            let c = (0..=10)
                .map(|n| {
                    if n == 10 {
                        'X'
                    } else {
                        char::from_digit(n, 10).unwrap()
                    }
                })
                .find(|c| ref_org_ok(&format!("{b}{c}")))
                .unwrap();
            format!("{b}{c}")
        }),
        "[0-9A-Z]{8}[0-9X]",
        ".{0,10}",
    ]
}

fn uscc_strategy() -> impl Strategy<Value = String> {
    const SET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    let complete = |body: String| {
        let c = SET
            .chars()
            .find(|c| {
                // the check character is the one that makes the sum right, whatever else holds
                let mut sum = 0u64;
                let mut w = 1u64;
                for ch in body.chars() {
                    sum += SET.find(ch).unwrap() as u64 * w;
                    w = w * 3 % 31;
                }
                SET.chars().nth(((31 - sum % 31) % 31) as usize) == Some(*c)
            })
            .unwrap();
        format!("{body}{c}")
    };
    prop_oneof![
        // well formed: an area code and a valid organization code inside
        (
            "[159Y][1-9]",
            prop_oneof![
                3 => prop::sample::select(area_codes().iter().cloned().collect::<Vec<_>>()),
                1 => "[0-9]{6}"
            ],
            org_strategy()
        )
            .prop_filter_map(
                "an organization code of the credit-code set",
                move |(a, area, org)| {
                    let body = format!("{a}{area}{org}");
                    (body.len() == 17 && body.chars().all(|c| SET.contains(c)))
                        .then(|| complete(body))
                }
            ),
        "[0-9A-HJ-NPQRTUWXY]{17}".prop_map(complete),
        "[0-9A-HJ-NPQRTUWXY]{18}",
        ".{0,19}",
    ]
}

// ---- the validators ----------------------------------------------------------------------

#[test]
fn id_numbers_agree_with_gb_11643() {
    check(
        FILE,
        "id_numbers_agree_with_gb_11643",
        2000,
        id_strategy(),
        |id| {
            prop_assert_eq!(ids::id_check_ok(&id), ref_id_ok(&id), "{}", id);
            if id.len() == 18 && id.as_bytes()[..17].iter().all(u8::is_ascii_digit) {
                prop_assert_eq!(
                    ids::id_check_char(&id[..17]),
                    Some(ref_id_check(&id.as_bytes()[..17]))
                );
            }
            // normalizing keeps valid IDs valid and only changes width and case
            let n = ids::normalize_id(&id.to_lowercase());
            if ref_id_ok(&id) {
                prop_assert_eq!(&n, &id);
            }
            Ok(())
        },
    );
}

#[test]
fn fifteen_digit_ids_convert_to_valid_eighteen() {
    check(
        FILE,
        "fifteen_digit_ids_convert_to_valid_eighteen",
        1000,
        "[0-9]{15}",
        |old| {
            let new = ids::id_15_to_18(&old).unwrap();
            prop_assert!(ref_id_ok(&new), "{} → {}", old, new);
            prop_assert_eq!(&new[..6], &old[..6]);
            prop_assert_eq!(&new[6..8], "19");
            prop_assert_eq!(&new[8..17], &old[6..15]);
            Ok(())
        },
    );
}

#[test]
fn employer_codes_agree_with_gb_11714_and_gb_32100() {
    check(
        FILE,
        "employer_codes_agree_with_gb_11714_and_gb_32100",
        2000,
        prop_oneof![org_strategy(), uscc_strategy()],
        |code| {
            let want = match code.chars().count() {
                9 => ref_org_ok(&code),
                18 => ref_uscc_ok(&code),
                _ => false,
            };
            prop_assert_eq!(ids::employer_code_ok(&code), want, "{}", code);
            Ok(())
        },
    );
}

/// The rules compiled to SQL give the same verdicts as the references (SQLite, in memory).
#[test]
fn sql_rules_agree_with_the_references() {
    let rule = |kind: &str, table: &str, column: &str| -> rules::Rule {
        toml::from_str(&format!(
            "name = \"r\"\nkind = \"{kind}\"\nseverity = \"error\"\ntable = \"{table}\"\ncolumn = \"{column}\"\n"
        ))
        .unwrap()
    };
    let id_sql = rules::compile(
        &rule("id_check_char", "person", "id_number"),
        jinbao::profile::Engine::Sqlite,
    )
    .unwrap();
    let shape_sql = rules::compile(
        &rule("id_shape", "person", "id_number"),
        jinbao::profile::Engine::Sqlite,
    )
    .unwrap();
    let emp_sql = rules::compile(
        &rule("employer_code", "employer", "employer_code"),
        jinbao::profile::Engine::Sqlite,
    )
    .unwrap();
    let strategy = (
        prop::collection::vec(id_strategy(), 1..40),
        prop::collection::vec(prop_oneof![org_strategy(), uscc_strategy()], 1..40),
    );
    check(
        FILE,
        "sql_rules_agree_with_the_references",
        64,
        strategy,
        |(ids_, codes)| {
            let c = rusqlite::Connection::open_in_memory().unwrap();
            c.execute_batch(
                "CREATE TABLE person (county_code TEXT, id_number TEXT, sex TEXT, birth_date TEXT);
             CREATE TABLE employer (county_code TEXT, employer_code TEXT);",
            )
            .unwrap();
            area_table(&c);
            for (i, id) in ids_.iter().enumerate() {
                c.execute(
                    "INSERT INTO person VALUES (?1, ?2, NULL, NULL)",
                    rusqlite::params![format!("{i:06}"), id],
                )
                .unwrap();
            }
            for (i, code) in codes.iter().enumerate() {
                c.execute(
                    "INSERT INTO employer VALUES (?1, ?2)",
                    rusqlite::params![format!("{i:06}"), code],
                )
                .unwrap();
            }
            let mut conn = jinbao::db::Conn::Lite(c);
            let count = |conn: &mut jinbao::db::Conn, sql: &str| {
                rules::run(conn, sql, None).unwrap().violations
            };
            let shaped = |id: &String| {
                let b = id.as_bytes();
                b.len() == 18
                    && b[..17].iter().all(u8::is_ascii_digit)
                    && (b[17].is_ascii_digit() || b[17] == b'X')
            };
            let bad_check = ids_
                .iter()
                .filter(|id| shaped(id) && !ref_id_ok(id))
                .count();
            prop_assert_eq!(count(&mut conn, &id_sql), bad_check as u64, "{:?}", ids_);
            let bad_shape = ids_.iter().filter(|id| !shaped(id)).count();
            prop_assert_eq!(count(&mut conn, &shape_sql), bad_shape as u64, "{:?}", ids_);
            let bad_codes = codes
                .iter()
                .filter(|c| match c.chars().count() {
                    9 => !ref_org_ok(c),
                    18 => !ref_uscc_ok(c),
                    _ => true,
                })
                .count();
            prop_assert_eq!(count(&mut conn, &emp_sql), bad_codes as u64, "{:?}", codes);
            Ok(())
        },
    );
}

/// Rules fused into one scan give each rule the verdicts it gives alone (SQLite, in memory).
#[test]
fn fused_rules_agree_with_rules_alone() {
    let rules: Vec<rules::Rule> = [
        ("id_shape", ""),
        ("id_check_char", ""),
        ("id_birth_real", ""),
        ("id_sex", ""),
        ("id_birth_matches", ""),
        ("not_null", "name"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (kind, col))| {
        let col = if col.is_empty() { "id_number" } else { col };
        toml::from_str(&format!(
            "name = \"r{i}\"\nkind = \"{kind}\"\nseverity = \"error\"\ntable = \"person\"\ncolumn = \"{col}\"\n"
        ))
        .unwrap()
    })
    .collect();
    let engine = jinbao::profile::Engine::Sqlite;
    let (fused, alone) = rules::plan(&rules, engine).unwrap();
    assert_eq!((fused.len(), alone.len()), (1, 0));
    let row = (
        id_strategy(),
        prop::option::of(prop_oneof![Just("1"), Just("2"), Just("9")]),
        prop::option::of("(19[0-9]{2}|20[01][0-9])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"),
        prop::option::of("[张王李]{1,3}"),
    );
    check(
        FILE,
        "fused_rules_agree_with_rules_alone",
        64,
        prop::collection::vec(row, 1..40),
        |rows| {
            let c = rusqlite::Connection::open_in_memory().unwrap();
            c.execute_batch(
                "CREATE TABLE person (county_code TEXT, id_number TEXT, sex TEXT, birth_date TEXT, name TEXT);",
            )
            .unwrap();
            for (i, (id, sex, birth, name)) in rows.iter().enumerate() {
                c.execute(
                    "INSERT INTO person VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![format!("{i:06}"), id, sex, birth, name],
                )
                .unwrap();
            }
            let mut conn = jinbao::db::Conn::Lite(c);
            let together = rules::run_fused(&mut conn, &fused[0], &mut []).unwrap();
            for (i, r) in rules.iter().enumerate() {
                let sql = rules::compile(r, engine).unwrap();
                let alone = rules::run(&mut conn, &sql, None).unwrap();
                let bit = fused[0].rules.iter().position(|x| *x == i).unwrap();
                prop_assert_eq!(
                    together[bit].violations,
                    alone.violations,
                    "{} {:?}",
                    r.kind,
                    rows
                );
                prop_assert_eq!(&together[bit].samples, &alone.samples, "{}", r.kind);
            }
            Ok(())
        },
    );
}

// ---- the extract reader and converter ----------------------------------------------------

/// Records written by an independent CSV writer (the csv crate) read back field for field,
/// one record per line, with LF or CRLF endings.
#[test]
fn written_records_read_back() {
    let field = prop_oneof![
        "[^\n]{0,12}",
        "[a-z,\"\r 张三=+-@]{0,8}",
        Just(String::new()),
    ];
    let records = prop::collection::vec(prop::collection::vec(field, 1..6), 1..20);
    check(
        FILE,
        "written_records_read_back",
        500,
        (records, any::<bool>()),
        |(records, crlf)| {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .terminator(if crlf {
                    csv::Terminator::CRLF
                } else {
                    csv::Terminator::Any(b'\n')
                })
                .from_writer(Vec::new());
            for r in &records {
                w.write_record(r).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            let mut lines = Lines::new(bytes.as_slice(), 1 << 20);
            let mut fields = Fields::default();
            let mut got = Vec::new();
            let mut count = 0;
            while let Some((number, line)) = lines.next_line().unwrap() {
                count += 1;
                prop_assert_eq!(number, count);
                let Line::Text(t) = line else {
                    return Err(TestCaseError::fail("no line is too long"));
                };
                fields
                    .parse(t)
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                got.push(
                    fields
                        .iter()
                        .map(|f| String::from_utf8(f.to_vec()).unwrap())
                        .collect::<Vec<_>>(),
                );
            }
            prop_assert_eq!(got, records, "{:?}", String::from_utf8_lossy(&bytes));
            Ok(())
        },
    );
}

/// Any bytes: lines are the input split at line feeds (a CR before one dropped), numbered
/// one by one, none longer than the bound kept; parsing never fails but for an open quote.
#[test]
fn any_bytes_split_into_bounded_numbered_lines() {
    let input = prop::collection::vec(
        prop_oneof![
            Just(b'\n'),
            Just(b'\r'),
            Just(b'"'),
            Just(b','),
            Just(0u8),
            any::<u8>()
        ],
        0..400,
    );
    check(
        FILE,
        "any_bytes_split_into_bounded_numbered_lines",
        1000,
        (input, 1usize..64),
        |(input, max)| {
            let mut want: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
            if input.last() == Some(&b'\n') || input.is_empty() {
                want.pop();
            }
            let mut lines = Lines::new(input.as_slice(), max);
            let mut fields = Fields::default();
            let mut n = 0usize;
            while let Some((number, line)) = lines.next_line().unwrap() {
                let w = want[n];
                let w = w.strip_suffix(b"\r").unwrap_or(w);
                n += 1;
                prop_assert_eq!(number, n as u64);
                match line {
                    Line::Text(t) => {
                        prop_assert!(w.len() <= max + 1);
                        prop_assert_eq!(t, w);
                        match fields.parse(t) {
                            Ok(()) => {
                                if !t.contains(&b'"') {
                                    prop_assert_eq!(fields.len(), t.split(|b| *b == b',').count());
                                }
                            }
                            Err(LineProblem::UnclosedQuote { .. }) => {
                                prop_assert!(t.contains(&b'"'));
                            }
                        }
                    }
                    Line::TooLong(len) => {
                        prop_assert!(len as usize > max);
                        prop_assert_eq!(len as usize, want[n - 1].len());
                    }
                }
            }
            prop_assert_eq!(n, want.len());
            Ok(())
        },
    );
}

/// The converter never panics; what it accepts is what the format promises.
#[test]
fn converted_rows_keep_the_format() {
    let value = prop_oneof![
        id_strategy(),
        "[0-9]{15}",
        "(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]",
        "[0-9]{4}[/.]?[0-9]{2}[/.]?[0-9]{2}",
        "20[0-9]{2}-?[01][0-9]",
        "-?[0-9]{0,13}(\\.[0-9]{0,3})?",
        "[0-9A-Za-z-]{0,20}",
        "(0|1|是|否|Y|N|true|false)",
        ".{0,130}",
    ];
    let entity = 0..format::ENTITIES.len();
    check(
        FILE,
        "converted_rows_keep_the_format",
        2000,
        (entity, prop::collection::vec(value, 0..12)),
        |(ei, raw)| {
            let e = &format::ENTITIES[ei];
            let raw: Vec<&str> = raw.iter().map(String::as_str).collect();
            let Ok(row) = format::convert(e, &raw) else {
                return Ok(());
            };
            prop_assert_eq!(row.len(), e.columns.len() + format::extra_columns(e).len());
            for (c, v) in e.columns.iter().zip(&row) {
                let Some(v) = v else {
                    prop_assert!(!c.required || c.name == "birth_date", "{} empty", c.name);
                    continue;
                };
                match c.kind {
                    format::Kind::Id => {
                        prop_assert_eq!(v.len(), 18);
                        prop_assert!(ids::id_shape_problem(v).is_none(), "{}", v);
                    }
                    format::Kind::Date => {
                        prop_assert!(chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok())
                    }
                    format::Kind::Period => {
                        prop_assert!(v.len() == 6 && ("190001".."209913").contains(&v.as_str()))
                    }
                    format::Kind::Money => {
                        let x: f64 = v.parse().unwrap();
                        prop_assert!((0.0..1e12).contains(&x));
                        prop_assert_eq!(v.split('.').nth(1).map(str::len), Some(2));
                    }
                    format::Kind::Flag => prop_assert!(v == "0" || v == "1"),
                    format::Kind::Text(n) | format::Kind::Code(n) => {
                        prop_assert!(v.chars().count() <= n);
                        prop_assert_eq!(v.trim(), v.as_str());
                    }
                    format::Kind::Employer => prop_assert!(v.len() == 9 || v.len() == 18),
                    format::Kind::Count => prop_assert!(v.parse::<u64>().is_ok()),
                }
            }
            Ok(())
        },
    );
}

/// Cases the properties found, kept as plain tests.
#[test]
fn regressions() {
    // a credit code whose area code holds a letter, and one whose organization code's own
    // check character is wrong: both passed before GB 32100's structure was checked
    assert!(!ids::employer_code_ok("9141252B555P673241"));
    assert!(!ids::employer_code_ok("9141132418R93X948X"));
    assert!(!ref_uscc_ok("9141252B555P673241"));
    assert!(!ref_uscc_ok("9141132418R93X948X"));
    assert!(ref_id_ok("11010519491231002X"));
    assert!(ref_org_ok("00251805") || ref_org_ok("002518057"));
    assert!(ref_uscc_ok("91350100M000100Y43"));
    // positions 3-8 digits but no area code (419999, 000000): both passed before
    assert!(!ids::employer_code_ok("91419999002518057K"));
    assert!(!ids::employer_code_ok("910000000025180579"));
    assert!(!ref_uscc_ok("91419999002518057K"));
    assert!(ref_uscc_ok("914106110025180575"));
    // the validators and the SQL rules know the same area codes
    for code in area_codes() {
        assert!(ids::area_code_known(code), "{code}");
    }
    assert!(!ids::area_code_known("419999"));
    // 18 bytes that are not 18 characters: the check panicked slicing inside a character
    assert!(!ids::id_check_ok("{\u{60365}\u{e8772}\u{10b4cd}5'%÷"));
    // a row with fewer values than columns: its required columns are missing, not empty-ok
    let e = format::entity("person").unwrap();
    assert_eq!(
        format::convert(e, &[]).unwrap_err().full(),
        "id_number is missing"
    );
}
