//! The data checks held row by row against the standards on both engines (SQLite, PostgreSQL):
//! the cases where jinbao disagreed with python-stdnum, the gb2260 package and an independent
//! GB 11714 routine.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{jinbao, pg, run};
use serde_json::Value;

fn with_check(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A person of the case: the first 17 digits of the ID (the check character is added) and the
/// birth-date field (empty: none).
struct Person {
    first17: &'static str,
    birth_date: &'static str,
}

/// Imports `persons` into county 411602 of Zhoukou.
fn import_persons(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path, persons: &[Person]) {
    let dir = state.join("standards-persons");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from(
        "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date\n",
    );
    for (i, p) in persons.iter().enumerate() {
        let sex = 2 - (p.first17.as_bytes()[16] - b'0') % 2;
        text.push_str(&format!(
            "{},P{i},张{i},{sex},{},411602,,0,,\n",
            with_check(p.first17),
            p.birth_date
        ));
    }
    std::fs::write(dir.join("persons.csv"), text).unwrap();
    let r = run(cmd().args([
        "data",
        "import",
        "zhoukou",
        "--county",
        "411602",
        dir.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()[0]["rejected"], 0, "{}", r.stdout);
}

/// The samples (keys) of each rule of a `data check --rule rules`: alone when one rule is
/// named, in one fused scan when several rules of a table are.
fn samples(cmd: &dyn Fn() -> assert_cmd::Command, rules: &str) -> BTreeMap<String, Vec<String>> {
    let r = run(cmd().args([
        "--show-personal-data",
        "data",
        "check",
        "zhoukou",
        "--rule",
        rules,
        "--json",
    ]));
    let check: Value = r.json();
    check[0]["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("{check}\n{}", r.stderr))
        .iter()
        .map(|x| {
            let mut s: Vec<String> = x["samples"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            s.sort();
            (x["name"].as_str().unwrap().to_string(), s)
        })
        .collect()
}

/// The keys the person rules give for the IDs among `ids`.
fn keys(ids: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = ids
        .iter()
        .map(|f| format!("411602:{}", with_check(f)))
        .collect();
    k.sort();
    k
}

/// Area codes still in force (a multi-name line of the source read to its last name; Henan's
/// codes past the 2019 end of its history table) and codes that did end.
const AREA_CASES: &[Person] = &[
    // 440305 南头区办事处 1983-1989, then 南山区 since 1990: born 1995, fine
    Person {
        first17: "44030519950101001",
        birth_date: "",
    },
    // 210200 旅大市, 大连市 since 1981: born 1990, fine
    Person {
        first17: "21020019900101002",
        birth_date: "",
    },
    // 410611 淇滨区 of Hebi, born 2021: fine
    Person {
        first17: "41061120210101003",
        birth_date: "",
    },
    // 419001 济源市, born 2020: fine
    Person {
        first17: "41900120200101004",
        birth_date: "",
    },
    // 132426 完县, then 顺平县 1993-1994: born 1993, fine
    Person {
        first17: "13242619930101005",
        birth_date: "",
    },
    // 132426 abolished after 1994: born 1996, flagged
    Person {
        first17: "13242619960101006",
        birth_date: "",
    },
    // 410728 长垣县 became 长垣市 (410783) in 2019: born 2021, flagged
    Person {
        first17: "41072820210101007",
        birth_date: "",
    },
];

/// The table as the migrations leave it holds no name still carrying another name's years
/// (`南头区办事处,[1990-]南山区`: a line of the source read only to its first name).
#[test]
fn the_area_table_reads_every_name() {
    let c = rusqlite::Connection::open_in_memory().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/schema");
    for f in [
        "V010__national_area_codes.sql",
        "V011__area_codes_in_force.sql",
    ] {
        c.execute_batch(&std::fs::read_to_string(dir.join(f)).unwrap())
            .unwrap();
    }
    let row = |code: &str| -> (i64, i64, String) {
        c.query_row(
            "SELECT first_year, last_year, name FROM area_code_years WHERE code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    let unread: i64 = c
        .query_row(
            "SELECT count(*) FROM area_code_years WHERE name LIKE '%[%' OR name LIKE '%,%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unread, 0);
    assert_eq!(row("440305"), (1983, 9999, "南山区".into()));
    assert_eq!(row("210200"), (1980, 9999, "大连市".into()));
    assert_eq!(row("410611"), (1980, 9999, "淇滨区".into()));
    assert_eq!(row("419001"), (1986, 9999, "济源市".into()));
    assert_eq!(row("410728"), (1986, 2019, "长垣县".into()));
}

fn area_codes_in_force(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path) {
    import_persons(cmd, state, AREA_CASES);
    let want = keys(&["13242619960101006", "41072820210101007"]);
    let alone = samples(cmd, "person_id_area_code");
    assert_eq!(alone["person_id_area_code"], want);
    let fused = samples(cmd, "person_id_area_code,person_id_shape");
    assert_eq!(fused["person_id_area_code"], want);
}

#[test]
fn area_codes_in_force_on_sqlite() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    area_codes_in_force(&|| jinbao(state), state);
}

#[test]
fn area_codes_in_force_on_postgres() {
    let Some(_pg) = pg::available("area_codes_in_force_on_postgres") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let db = "jinbao_t_standards_area";
    pg::drop_db(db);
    for step in ["init", "migrate"] {
        let r = run(pg::jinbao(state, Some(db)).args(["db", step, "zhoukou"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    area_codes_in_force(&|| pg::jinbao(state, Some(db)), state);
    pg::drop_db(db);
}

/// Birth fields compared with the ID for every date an ID can hold (from 1870); the
/// placeholder 1900-01-01 is left to the date rule.
const BIRTH_CASES: &[Person] = &[
    // the ID says 1895-03-04, the field 1896-03-04: flagged
    Person {
        first17: "11010518950304011",
        birth_date: "1896-03-04",
    },
    // 1870-01-01 against 1870-01-02: flagged
    Person {
        first17: "11010518700101012",
        birth_date: "1870-01-02",
    },
    // the same early dates: fine
    Person {
        first17: "11010518990101013",
        birth_date: "1899-01-01",
    },
    Person {
        first17: "11010519000102014",
        birth_date: "1900-01-02",
    },
    // the placeholder: the date rule's finding, not this one's
    Person {
        first17: "11010519500101015",
        birth_date: "1900-01-01",
    },
    // a later date that differs: flagged, as before
    Person {
        first17: "11010519800101016",
        birth_date: "1980-01-02",
    },
];

fn early_births(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path) {
    import_persons(cmd, state, BIRTH_CASES);
    let want = keys(&[
        "11010518950304011",
        "11010518700101012",
        "11010519800101016",
    ]);
    let alone = samples(cmd, "person_id_birth_matches");
    assert_eq!(alone["person_id_birth_matches"], want);
    let fused = samples(cmd, "person_id_birth_matches,person_birth_date_valid");
    assert_eq!(fused["person_id_birth_matches"], want);
    assert_eq!(
        fused["person_birth_date_valid"],
        keys(&["11010519500101015"])
    );
}

#[test]
fn early_births_on_sqlite() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    early_births(&|| jinbao(state), state);
}

#[test]
fn early_births_on_postgres() {
    let Some(_pg) = pg::available("early_births_on_postgres") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let db = "jinbao_t_standards_births";
    pg::drop_db(db);
    for step in ["init", "migrate"] {
        let r = run(pg::jinbao(state, Some(db)).args(["db", step, "zhoukou"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    early_births(&|| pg::jinbao(state, Some(db)), state);
    pg::drop_db(db);
}

/// Imports employers (code, then the rest of a valid row) into county 411602 of Zhoukou.
fn import_employers(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path, codes: &[&str]) {
    let dir = state.join("standards-employers");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("employer_code,name,employer_type,area_code,status\n");
    for (i, code) in codes.iter().enumerate() {
        text.push_str(&format!("{code},单位{i},10,411602,1\n"));
    }
    std::fs::write(dir.join("employers.csv"), text).unwrap();
    let r = run(cmd().args([
        "data",
        "import",
        "zhoukou",
        "--county",
        "411602",
        dir.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()[0]["rejected"], 0, "{}", r.stdout);
}

/// Credit codes whose positions 3-8 are digits but no area code (GB 32100: the registering
/// authority's GB/T 2260 code, 100000 for a national one).
fn credit_code_areas(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path) {
    import_employers(
        cmd,
        state,
        &[
            "91419999002518057K", // 419999: no area code
            "910000000025180579", // 000000: no area code
            "914106110025180575", // 410611 淇滨区
            "911000000025180570", // 100000: a national authority
            "12100000400000624D", // a national authority's public institution
            "914106000025180577", // 410600 鹤壁市
        ],
    );
    let want = vec![
        "411602:910000000025180579".to_string(),
        "411602:91419999002518057K".to_string(),
    ];
    let alone = samples(cmd, "employer_code_valid");
    assert_eq!(alone["employer_code_valid"], want);
    let fused = samples(cmd, "employer_code_valid,employer_type_in_dictionary");
    assert_eq!(fused["employer_code_valid"], want);
}

#[test]
fn credit_code_areas_on_sqlite() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    credit_code_areas(&|| jinbao(state), state);
}

#[test]
fn credit_code_areas_on_postgres() {
    let Some(_pg) = pg::available("credit_code_areas_on_postgres") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let db = "jinbao_t_standards_credit";
    pg::drop_db(db);
    for step in ["init", "migrate"] {
        let r = run(pg::jinbao(state, Some(db)).args(["db", step, "zhoukou"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    credit_code_areas(&|| pg::jinbao(state, Some(db)), state);
    pg::drop_db(db);
}

/// Employer codes and ID numbers are measured in characters, not bytes: 9 full-width
/// characters are an organization code's length written with characters no code has.
#[test]
fn code_lengths_in_characters() {
    use jinbao::data::format;
    let employer = format::entity("employer").unwrap();
    let reason = |code: &str| {
        format::convert(employer, &[code, "甲", "10", "411602", "1"])
            .map(|_| String::new())
            .unwrap_or_else(|r| r.full())
    };
    assert_eq!(
        reason("００２５１８０５７"),
        "employer_code `００２５１８０５７`: character 1 '０' is full-width: an employer code is half-width digits and capital letters"
    );
    assert_eq!(
        reason("00251805７"),
        "employer_code `00251805７`: character 9 '７' is full-width: an employer code is half-width digits and capital letters"
    );
    assert_eq!(
        reason("91350100M000100Y4三"),
        "employer_code `91350100M000100Y4三`: character 18 '三' is no code character: an employer code is digits and capital letters"
    );
    // the wrong number of characters is still said as such, and valid codes load
    assert_eq!(
        reason("００２５１８０５"),
        "employer_code `００２５１８０５`: an employer code has 9 (organization code) or 18 characters (unified social credit code)"
    );
    // 7 characters in 9 bytes were loaded as an organization code
    assert_eq!(
        reason("002518五"),
        "employer_code `002518五`: an employer code has 9 (organization code) or 18 characters (unified social credit code)"
    );
    assert_eq!(reason("00251805-7"), "");
    assert_eq!(reason("91350100M000100Y43"), "");
    // an ID of 18 characters with a Chinese one has the wrong kind of character, not length;
    // 15 characters are the old form's length
    let person = format::entity("person").unwrap();
    let id_reason = |id: &str| {
        format::convert(
            person,
            &[id, "P1", "张三", "1", "", "411602", "", "0", "", ""],
        )
        .map(|_| String::new())
        .unwrap_or_else(|r| r.full())
    };
    assert_eq!(
        id_reason("41160219800101001一"),
        "id_number `41160219800101001一`: an ID number is 17 digits and a digit or X"
    );
    assert_eq!(
        id_reason("41160280010100一"),
        "id_number `41160280010100一`: a 15-digit ID must be digits"
    );
}
