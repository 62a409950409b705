//! `jinbao data synth|import|check|compare` on SQLite (the sandbox) and on PostgreSQL.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{jinbao, pg, run};
use serde_json::Value;

/// Synthetic extracts of a city (a few thousand persons, 2% defects).
fn synth(state: &Path, city: &str, extra: &[&str]) -> (PathBuf, Value) {
    let out = state.join(format!("extracts-{city}"));
    let r = run(jinbao(state)
        .args([
            "data",
            "synth",
            city,
            "--persons",
            "3000",
            "--defects",
            "0.02",
            "--seed",
            "7",
            "--json",
            "--out",
            out.to_str().unwrap(),
        ])
        .args(extra));
    assert_eq!(r.code, 0, "{}", r.stderr);
    (out, r.json())
}

/// Imports every county folder; returns the manifests.
fn import_all(cmd: &dyn Fn() -> assert_cmd::Command, city: &str, summary: &Value) -> Vec<Value> {
    let mut all = Vec::new();
    for c in summary["counties"].as_array().unwrap() {
        let r = run(cmd().args([
            "data",
            "import",
            city,
            "--county",
            c["code"].as_str().unwrap(),
            c["folder"].as_str().unwrap(),
            "--json",
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        all.extend(r.json().as_array().unwrap().clone());
    }
    all
}

fn violations(check: &Value) -> BTreeMap<String, u64> {
    check[0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["violations"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// No resident ID number in full (17 digits and a check character standing alone) in `text`.
fn assert_no_full_id(text: &str) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let full = run == 18 || (run == 17 && matches!(b.get(i + 17), Some(b'X')));
        assert!(
            !full,
            "a full ID number is shown: {}",
            &text[i.saturating_sub(40)..(i + 60).min(text.len())]
        );
        i += run.max(1);
    }
}

/// What synth says each rule must find: the counts of its defects, a defect that a second
/// rule finds too (`also`) counted for both.
fn expected(summary: &Value) -> BTreeMap<String, u64> {
    let mut want = BTreeMap::new();
    for d in summary["defects"].as_array().unwrap() {
        let n = d["count"].as_u64().unwrap();
        *want
            .entry(d["rule"].as_str().unwrap().to_string())
            .or_default() += n;
        if let Some(also) = d["also"].as_str() {
            *want.entry(also.to_string()).or_default() += n;
        }
    }
    want
}

/// Every defect synth injected is found by its rule with exactly its count; no other rule fires.
fn assert_defects_found(summary: &Value, check: &Value) {
    let got = violations(check);
    for d in summary["defects"].as_array().unwrap() {
        assert!(d["count"].as_u64().unwrap() > 0, "{d}");
    }
    let want = expected(summary);
    for (rule, n) in &got {
        assert_eq!(
            *n,
            want.get(rule).copied().unwrap_or(0),
            "rule {rule}: {check}"
        );
    }
    for rule in want.keys() {
        assert!(got.contains_key(rule), "no rule {rule} ran");
    }
}

#[test]
fn sqlite_end_to_end_synth_import_check_compare() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "xuchang"])).code,
        0
    );
    let (out, summary) = synth(state, "xuchang", &[]);
    assert_eq!(summary["counties"].as_array().unwrap().len(), 6);
    let manifests = import_all(&|| jinbao(state), "xuchang", &summary);
    for m in &manifests {
        assert_eq!(
            m["read"].as_u64().unwrap(),
            m["loaded"].as_u64().unwrap() + m["rejected"].as_u64().unwrap(),
            "{m}"
        );
        assert_eq!(
            m["rejected"], 0,
            "synthetic defects are loaded, for the checks: {m}"
        );
        assert_eq!(m["encoding"], "utf-8");
    }
    let r = run(jinbao(state).args(["data", "check", "xuchang", "--json"]));
    assert_eq!(r.code, 1, "error rules fail");
    assert_defects_found(&summary, &r.json());
    // samples show keys, never a full ID number, in JSON and in the table
    assert_no_full_id(&r.stdout);
    let samples = r.json()[0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| x["samples"].as_array().unwrap().clone())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect::<Vec<_>>();
    assert!(
        samples.iter().any(|s| s.contains("********")),
        "{samples:?}"
    );
    let table = run(jinbao(state).args(["data", "check", "xuchang"]));
    assert_no_full_id(&table.stdout);
    assert!(r.json()[0]["score"].as_f64().unwrap() < 95.0);
    // the same extract again: nothing duplicated
    let again = import_all(&|| jinbao(state), "xuchang", &summary);
    assert!(again.iter().all(|m| m["already"] == true));
    assert_eq!(
        violations(&run(jinbao(state).args(["data", "check", "xuchang", "--json"])).json()),
        violations(&r.json())
    );
    // the last result shows in health
    let h = run(jinbao(state).args(["health", "xuchang", "--only", "data", "--json"]));
    assert_eq!(h.json()["cities"][0]["checks"][0]["status"], "CRITICAL");

    // rows changed by hand are exactly what compare finds, against the extract
    let db = rusqlite::Connection::open(state.join("sandbox/db/xuchang.sqlite")).unwrap();
    let ids: Vec<String> = db
        .prepare(
            "SELECT id_number FROM person WHERE county_code = '411024' ORDER BY id_number LIMIT 6",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    db.execute_batch(&format!(
        "UPDATE person SET name = '改过' WHERE county_code = '411024' AND id_number IN ('{}', '{}');
         UPDATE person SET sex = '9' WHERE county_code = '411024' AND id_number = '{}';
         DELETE FROM person WHERE county_code = '411024' AND id_number IN ('{}', '{}');
         INSERT INTO person (county_code, id_number, name, retired, import_id) SELECT '411024', '411024199001011234', '多出', 0, import_id FROM import_batch LIMIT 1;",
        ids[0], ids[1], ids[2], ids[3], ids[4]
    ))
    .unwrap();
    let folder = out.join("411024");
    let r = run(jinbao(state).args([
        "data",
        "compare",
        "xuchang",
        "--county",
        "411024",
        "--source",
        folder.to_str().unwrap(),
        "--entity",
        "person",
        "--json",
    ]));
    assert_eq!(r.code, 3, "differences found: {}", r.stderr);
    let d = &r.json()[0];
    assert_eq!(
        (
            d["differing"].as_u64(),
            d["missing_in_city"].as_u64(),
            d["only_in_city"].as_u64()
        ),
        (Some(3), Some(2), Some(1)),
        "{d}"
    );
    let csv = std::fs::read_to_string(d["differences_file"].as_str().unwrap()).unwrap();
    assert!(csv.contains(&format!("{},differs,name", ids[0])), "{csv}");
    assert!(csv.contains(&format!("{},differs,sex", ids[2])), "{csv}");
    assert!(
        csv.contains(&format!("{},missing-in-city", ids[3])),
        "{csv}"
    );
    assert!(csv.contains("411024199001011234,only-in-city"), "{csv}");

    // and database against database: a copy of the city database with rows changed
    let copy = state.join("copy.sqlite");
    db.execute_batch(&format!("VACUUM INTO '{}'", copy.display()))
        .unwrap();
    let r = run(jinbao(state).args([
        "data",
        "compare",
        "xuchang",
        "--county",
        "411025",
        "--source",
        copy.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "equal data: {}", r.stdout);
    let other = rusqlite::Connection::open(&copy).unwrap();
    other
        .execute_batch(
            "UPDATE contribution SET base = base + 100 WHERE rowid IN (SELECT rowid FROM contribution WHERE county_code = '411025' ORDER BY rowid LIMIT 4);
             DELETE FROM contribution WHERE rowid IN (SELECT rowid FROM contribution WHERE county_code = '411025' ORDER BY rowid DESC LIMIT 3);",
        )
        .unwrap();
    drop(other);
    let r = run(jinbao(state).args([
        "data",
        "compare",
        "xuchang",
        "--county",
        "411025",
        "--source",
        copy.to_str().unwrap(),
        "--entity",
        "contribution",
        "--json",
    ]));
    let d = &r.json()[0];
    assert_eq!(
        (
            d["differing"].as_u64(),
            d["only_in_city"].as_u64(),
            d["missing_in_city"].as_u64()
        ),
        (Some(4), Some(3), Some(0)),
        "{d}"
    );
    let csv = std::fs::read_to_string(d["differences_file"].as_str().unwrap()).unwrap();
    assert_eq!(csv.matches(",differs,base").count(), 4, "{csv}");
}

#[test]
fn gbk_extracts_load_the_same_as_utf8() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(run(jinbao(state).args(["db", "migrate", "hebi"])).code, 0);
    let (_, gbk) = synth(state, "hebi", &["--encoding", "gbk"]);
    let raw = std::fs::read(
        PathBuf::from(gbk["counties"][0]["folder"].as_str().unwrap()).join("persons.csv"),
    )
    .unwrap();
    assert!(std::str::from_utf8(&raw).is_err(), "really GBK");
    let manifests = import_all(&|| jinbao(state), "hebi", &gbk);
    assert!(
        manifests.iter().all(|m| m["rejected"] == 0),
        "{manifests:?}"
    );
    // files with Chinese text are detected as GB18030; all-ASCII files read the same either way
    for m in &manifests {
        let raw = std::fs::read(m["file"].as_str().unwrap()).unwrap();
        let want = if raw.is_ascii() { "utf-8" } else { "gb18030" };
        assert_eq!(m["encoding"], want, "{m}");
    }
    assert!(
        manifests
            .iter()
            .any(|m| m["entity"] == "person" && m["encoding"] == "gb18030"),
        "{manifests:?}"
    );
    let r = run(jinbao(state).args(["data", "check", "hebi", "--json"]));
    assert_defects_found(&gbk, &r.json());
    // the same data written as UTF-8 compares equal with what was loaded from GBK
    let utf8 = state.join("utf8");
    let r = run(jinbao(state).args([
        "data",
        "synth",
        "hebi",
        "--persons",
        "3000",
        "--defects",
        "0.02",
        "--seed",
        "7",
        "--out",
        utf8.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0);
    let county = gbk["counties"][0]["code"].as_str().unwrap();
    let r = run(jinbao(state).args([
        "data",
        "compare",
        "hebi",
        "--county",
        county,
        "--source",
        utf8.join(county).to_str().unwrap(),
        "--entity",
        "person",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()[0]["differing"], 0);
}

#[test]
fn every_rejected_row_is_accounted_for() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    let dir = state.join("county");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from(
        "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date\n",
    );
    text.push_str("41160219800101001X,A1,张一,1,1980-01-01,411602,,0,,\n"); // line 2: fine (check char aside)
    text.push_str("411602800101002,A2,张二,2,1980-01-01,411602,,0,,\n"); // 3: 15 digits, converted
    text.push_str("4116021980,A3,张三,1,1980-01-01,411602,,0,,\n"); // 4: too short
    text.push_str("411602198001010031,A4,张四,1\n"); // 5: too few fields
    text.push_str("411602198001010040,A5,张五,2,1980-01-01,411602,,2,,\n"); // 6: retired is not 0/1
    text.push_str("41160219800101001X,A6,张一又,1,1980-01-01,411602,,0,,\n"); // 7: the key of line 2 again
    text.push_str("411602198001010058,A7,,1,1980-01-01,411602,,0,,\n"); // 8: no name
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"411602198001010066,A8,\xff\xfe,1,1980-01-01,411602,,0,,\n"); // 9: not UTF-8 (nor GB18030)
    std::fs::write(dir.join("persons.csv"), &bytes).unwrap();
    let import = |extra: &[&str]| {
        run(jinbao(state)
            .args([
                "data",
                "import",
                "zhoukou",
                "--county",
                "411602",
                "--encoding",
                "utf-8",
                dir.join("persons.csv").to_str().unwrap(),
                "--json",
            ])
            .args(extra))
    };
    let dry = import(&["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let m = &dry.json()[0];
    let lines: Vec<u64> = m["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![4, 5, 6, 7, 8, 9], "{m}");
    assert_eq!(
        (
            m["read"].as_u64(),
            m["loaded"].as_u64(),
            m["rejected"].as_u64()
        ),
        (Some(8), Some(2), Some(6))
    );
    let db = rusqlite::Connection::open(state.join("sandbox/db/zhoukou.sqlite")).unwrap();
    let n: i64 = db
        .query_row("SELECT count(*) FROM person", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "a dry run loads nothing");
    let real = import(&[]);
    let m = &real.json()[0];
    let reasons: Vec<&str> = m["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert!(reasons[0].contains("18 characters"), "{reasons:?}");
    assert!(
        reasons[1].contains("4 fields, the header has 10"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].contains("retired `2` is not 0 or 1"),
        "{reasons:?}"
    );
    assert!(reasons[3].contains("the same key as line 2"), "{reasons:?}");
    assert!(reasons[4].contains("name is missing"), "{reasons:?}");
    assert!(reasons[5].contains("not valid"), "{reasons:?}");
    let file = std::fs::read_to_string(m["reject_file"].as_str().unwrap()).unwrap();
    assert_eq!(
        file.lines().count(),
        7,
        "a header and the six rejected rows: {file}"
    );
    let n: i64 = db
        .query_row("SELECT count(*) FROM person", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    let src: String = db
        .query_row(
            "SELECT id_number_src FROM person WHERE id_number_src IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(src, "411602800101002");
    let batch: (i64, i64, i64) = db
        .query_row(
            "SELECT rows_read, rows_loaded, rows_rejected FROM import_batch",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(batch, (8, 2, 6));
    assert_eq!(import(&[]).json()[0]["already"], true);
}

#[test]
fn a_legacy_layout_loads_through_a_mapping_file() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    let text = "个人编号,公民身份号码,姓名,性别,出生日期,户口所在地,参加工作日期,离退休标志\nP1,41270219700101001X,王老五,男,19700101,412702,19900701,否\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let file = state.join("ac01.csv");
    std::fs::write(&file, &gbk).unwrap();
    let r = run(jinbao(state).args([
        "data",
        "import",
        "zhoukou",
        "--county",
        "411602",
        "--mapping",
        "legacy-ac01",
        file.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()[0]["loaded"], 1, "{}", r.stdout);
    let db = rusqlite::Connection::open(state.join("sandbox/db/zhoukou.sqlite")).unwrap();
    let row: (String, String, String) = db
        .query_row("SELECT name, sex, birth_date FROM person", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(row, ("王老五".into(), "1".into(), "1970-01-01".into()));
    // an old prefecture code (周口地区 412702) is in the historical set: no area-code problem
    let r = run(jinbao(state).args([
        "data",
        "check",
        "zhoukou",
        "--rule",
        "person_id_area_code",
        "--json",
    ]));
    assert_eq!(violations(&r.json())["person_id_area_code"], 0);
}

#[test]
fn duplicate_enrolment_across_two_cities_is_found() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    for city in ["xuchang", "hebi", "luohe"] {
        assert_eq!(run(jinbao(state).args(["db", "migrate", city])).code, 0);
    }
    let write = |name: &str, rows: &[&str]| {
        let p = state.join(name);
        std::fs::create_dir_all(&p).unwrap();
        let mut t = String::from(
            "id_number,insurance_type,employer_code,enrolled_on,first_enrolled_on,ended_on,status\n",
        );
        for r in rows {
            t.push_str(r);
            t.push('\n');
        }
        std::fs::write(p.join("enrolments.csv"), t).unwrap();
        p
    };
    let shared = "11010519491231002X";
    let x = write(
        "x",
        &[
            &format!("{shared},110,91350100M000100Y43,2005-01-01,2005-01-01,,1"),
            "110105194912310029,110,,2001-01-01,,,1",
        ],
    );
    let h = write(
        "h",
        &[
            &format!("{shared},110,91350100M000100Y43,2006-06-01,2006-06-01,,1"),
            &format!("{shared},310,,2006-06-01,,2006-12-31,3"),
        ],
    );
    let l = write("l", &["110105194912310029,110,,2009-01-01,,,1"]);
    for (city, county, dir) in [
        ("xuchang", "411002", &x),
        ("hebi", "410602", &h),
        ("luohe", "411102", &l),
    ] {
        let r = run(jinbao(state).args([
            "data",
            "import",
            city,
            "--county",
            county,
            dir.to_str().unwrap(),
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    // masked unless asked for, and then the asking is audited
    let r = run(jinbao(state).args(["data", "check", "--province", "--cross-city", "--json"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_no_full_id(&r.stdout);
    let found = r.json();
    let dups = found["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 2, "{found}");
    assert!(dups.iter().any(|d| d["id_number"] == "110105********002X"
        && d["insurance_type"] == "110"
        && d["cities"].as_object().unwrap().len() == 2));
    let shown = run(jinbao(state).args([
        "--show-personal-data",
        "data",
        "check",
        "--province",
        "--cross-city",
        "--json",
    ]));
    assert_eq!(shown.code, 1, "{}", shown.stdout);
    let dups = shown.json()["duplicates"].as_array().unwrap().clone();
    assert!(dups.iter().any(|d| d["id_number"] == shared));
    assert!(dups.iter().any(|d| d["id_number"] == "110105194912310029"));
    let audit = std::fs::read_to_string(state.join("audit.jsonl")).unwrap();
    assert!(audit.contains("show-personal-data"), "{audit}");
    // only hashes and the shared keys moved
    assert!(found["candidates"].as_u64().unwrap() <= 3);
    // cities not migrated yet are named as left out, not silently counted
    assert_eq!(found["cities"], 3);
    assert!(
        found["skipped"]["zhoukou"]
            .as_str()
            .unwrap()
            .contains("db migrate zhoukou"),
        "{found}"
    );
}

#[test]
fn postgres_end_to_end() {
    let Some(_pg) = pg::available("postgres_end_to_end") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let (city_db, source_db) = ("jinbao_t_data", "jinbao_t_data_source");
    for db in [city_db, source_db] {
        pg::drop_db(db);
        assert_eq!(
            run(pg::jinbao(state, Some(db)).args(["db", "init", "zhoukou"])).code,
            0
        );
        assert_eq!(
            run(pg::jinbao(state, Some(db)).args(["db", "migrate", "zhoukou"])).code,
            0
        );
    }
    let (_, summary) = synth(state, "zhoukou", &[]);
    let manifests = import_all(&|| pg::jinbao(state, Some(city_db)), "zhoukou", &summary);
    assert!(manifests.iter().all(|m| m["read"].as_u64().unwrap()
        == m["loaded"].as_u64().unwrap() + m["rejected"].as_u64().unwrap()));
    let r = run(pg::jinbao(state, Some(city_db)).args(["data", "check", "zhoukou", "--json"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_defects_found(&summary, &r.json());
    // the same extracts in a second database, then rows changed there by hand
    import_all(&|| pg::jinbao(state, Some(source_db)), "zhoukou", &summary);
    let county = summary["counties"][1]["code"].as_str().unwrap().to_string();
    let dsn = format!("postgresql://127.0.0.1:5432/{source_db}");
    let r = run(pg::jinbao(state, Some(city_db)).args([
        "data", "compare", "zhoukou", "--county", &county, "--source", &dsn, "--entity", "person",
        "--json",
    ]));
    assert_eq!(r.code, 0, "equal: {}{}", r.stdout, r.stderr);
    let mut c = pg::connect(source_db).unwrap();
    c.batch_execute(&format!(
        "UPDATE jinbao.person SET name = name || '改' WHERE county_code = '{county}' AND id_number IN (SELECT id_number FROM jinbao.person WHERE county_code = '{county}' ORDER BY id_number LIMIT 3);
         DELETE FROM jinbao.person WHERE county_code = '{county}' AND id_number IN (SELECT id_number FROM jinbao.person WHERE county_code = '{county}' ORDER BY id_number DESC LIMIT 2);"
    ))
    .unwrap();
    drop(c);
    let r = run(pg::jinbao(state, Some(city_db)).args([
        "data", "compare", "zhoukou", "--county", &county, "--source", &dsn, "--entity", "person",
        "--json",
    ]));
    assert_eq!(r.code, 3);
    let d = &r.json()[0];
    assert_eq!(
        (
            d["differing"].as_u64(),
            d["only_in_city"].as_u64(),
            d["missing_in_city"].as_u64()
        ),
        (Some(3), Some(2), Some(0)),
        "{d}"
    );
    // mixed engines: the same county in a SQLite file, grouped in one pass on both sides
    let lite_state = state.join("lite");
    assert_eq!(
        run(jinbao(&lite_state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    let folder = summary["counties"][1]["folder"].as_str().unwrap();
    let r =
        run(jinbao(&lite_state).args(["data", "import", "zhoukou", "--county", &county, folder]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lite = lite_state.join("sandbox/db/zhoukou.sqlite");
    let compare_lite = || {
        run(pg::jinbao(state, Some(city_db)).args([
            "data",
            "compare",
            "zhoukou",
            "--county",
            &county,
            "--source",
            lite.to_str().unwrap(),
            "--entity",
            "contribution",
            "--json",
        ]))
    };
    let r = compare_lite();
    assert_eq!(r.code, 0, "equal: {}{}", r.stdout, r.stderr);
    let c = rusqlite::Connection::open(&lite).unwrap();
    c.execute_batch(&format!(
        "UPDATE contribution SET base = base + 1 WHERE rowid IN (SELECT rowid FROM contribution WHERE county_code = '{county}' ORDER BY id_number LIMIT 5);
         DELETE FROM contribution WHERE rowid IN (SELECT rowid FROM contribution WHERE county_code = '{county}' ORDER BY id_number DESC LIMIT 2);"
    ))
    .unwrap();
    drop(c);
    let r = compare_lite();
    assert_eq!(r.code, 3, "{}", r.stderr);
    let d = &r.json()[0];
    assert_eq!(
        (
            d["differing"].as_u64(),
            d["only_in_city"].as_u64(),
            d["missing_in_city"].as_u64()
        ),
        (Some(5), Some(2), Some(0)),
        "{d}"
    );
    pg::drop_db(city_db);
    pg::drop_db(source_db);
}

/// On PostgreSQL: a key repeated in a file is rejected (the first line wins) and the manifest
/// adds up; a later extract of the same county merges into what is there (the path of an
/// import into a county that already has rows).
#[test]
fn postgres_repeated_keys_and_a_changed_extract() {
    let Some(_pg) = pg::available("postgres_repeated_keys_and_a_changed_extract") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let db = "jinbao_t_data_merge";
    pg::drop_db(db);
    for step in ["init", "migrate"] {
        let r = run(pg::jinbao(state, Some(db)).args(["db", step, "zhoukou"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let header = "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date\n";
    let import = |name: &str, rows: &str| {
        std::fs::create_dir_all(state.join(name)).unwrap();
        let file = state.join(name).join("persons.csv");
        std::fs::write(&file, format!("{header}{rows}")).unwrap();
        let r = run(pg::jinbao(state, Some(db)).args([
            "data",
            "import",
            "zhoukou",
            "--county",
            "411602",
            file.to_str().unwrap(),
            "--json",
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()[0].clone()
    };
    let m = import(
        "first",
        "411602198001010015,A1,张一,1,1980-01-01,411602,,0,,\n\
         411602198002020023,A2,李二,2,1980-02-02,411602,,0,,\n\
         411602198001010015,A1,张一又,1,1980-01-01,411602,,0,,\n",
    );
    assert_eq!(
        (&m["read"], &m["loaded"], &m["rejected"]),
        (&3.into(), &2.into(), &1.into()),
        "{m}"
    );
    assert_eq!(m["rejects"][0]["line"], 4, "{m}");
    assert!(
        m["rejects"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("the same key as line 2"),
        "{m}"
    );
    let mut c = pg::connect(db).unwrap();
    let batch = c
        .query_one(
            "SELECT rows_read, rows_loaded, rows_rejected, reject_file IS NOT NULL FROM jinbao.import_batch",
            &[],
        )
        .unwrap();
    assert_eq!(
        (
            batch.get::<_, i64>(0),
            batch.get::<_, i64>(1),
            batch.get::<_, i64>(2),
            batch.get::<_, bool>(3)
        ),
        (3, 2, 1, true)
    );
    let m = import(
        "second",
        "411602198001010015,A1,张一改,1,1980-01-01,411602,,0,,\n\
         411602198003030031,A3,王三,1,1980-03-03,411602,,0,,\n",
    );
    assert_eq!(
        (&m["read"], &m["loaded"], &m["rejected"]),
        (&2.into(), &2.into(), &0.into()),
        "{m}"
    );
    let names: Vec<String> = c
        .query("SELECT name FROM jinbao.person ORDER BY id_number", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, ["张一改", "李二", "王三"]);
    drop(c);
    pg::drop_db(db);
}

/// A valid 18-character ID from its first 17 digits (GB 11643).
pub(crate) fn with_check(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// Issue 15 §7 on one engine: future birth dates inside IDs, area codes of every province
/// with the years they were in force, the structure of credit codes.
fn fidelity_checks(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path) {
    let dir = state.join("fidelity");
    std::fs::create_dir_all(&dir).unwrap();
    let ids = [
        with_check("41100220990101001"), // born in 2099: a birth date in the future
        with_check("11010519491231002"), // Beijing: another province is no problem
        with_check("41012019700101003"), // 410120, in force until 1983, born 1970
        with_check("41272220040101004"), // 412722 abolished in 2000, born 2004: flagged
        with_check("41160319800101005"), // 411603 created in 2019, born 1980: fine
        with_check("41272219900505006"), // 412722 in force in 1990
        with_check("99999919800101007"), // no such code: flagged
        with_check("41010119850101008"), // 市辖区 of Zhengzhou
    ];
    let mut persons = String::from(
        "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date\n",
    );
    for (i, id) in ids.iter().enumerate() {
        let sex = if (id.as_bytes()[16] - b'0') % 2 == 1 {
            1
        } else {
            2
        };
        persons.push_str(&format!("{id},P{i},张{i},{sex},,411602,,0,,\n"));
    }
    std::fs::write(dir.join("persons.csv"), persons).unwrap();
    std::fs::write(
        dir.join("employers.csv"),
        "employer_code,name,employer_type,area_code,status\n\
         9141252B555P673241,甲,10,411602,1\n\
         9141132418R93X948X,乙,10,411602,1\n\
         91350100M000100Y43,丙,10,411602,1\n\
         002518057,丁,10,411602,1\n",
    )
    .unwrap();
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
    let r = run(cmd().args([
        "--show-personal-data",
        "data",
        "check",
        "zhoukou",
        "--rule",
        "person_id_birth_real,person_id_area_code,employer_code_valid",
        "--json",
    ]));
    let check = r.json();
    let got = violations(&check);
    assert_eq!(got["person_id_birth_real"], 1, "{check}");
    assert_eq!(got["person_id_area_code"], 2, "{check}");
    assert_eq!(got["employer_code_valid"], 2, "{check}");
    let samples = |rule: &str| -> Vec<String> {
        check[0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == rule)
            .unwrap()["samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        samples("person_id_area_code"),
        vec![format!("411602:{}", ids[3]), format!("411602:{}", ids[6])]
    );
    assert_eq!(
        samples("person_id_birth_real"),
        vec![format!("411602:{}", ids[0])]
    );
    assert_eq!(
        samples("employer_code_valid"),
        vec!["411602:9141132418R93X948X", "411602:9141252B555P673241"]
    );
}

#[test]
fn fidelity_fixes_on_sqlite() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    fidelity_checks(&|| jinbao(state), state);
}

#[test]
fn fidelity_fixes_on_postgres() {
    let Some(_pg) = pg::available("fidelity_fixes_on_postgres") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let db = "jinbao_t_data_fidelity";
    pg::drop_db(db);
    for step in ["init", "migrate"] {
        let r = run(pg::jinbao(state, Some(db)).args(["db", step, "zhoukou"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    fidelity_checks(&|| pg::jinbao(state, Some(db)), state);
    pg::drop_db(db);
}

/// Rows of every list file of `rule` under `dir` (a header and a BOM excepted), per county.
fn list_rows(dir: &Path, rule: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for county in std::fs::read_dir(dir).unwrap() {
        let county = county.unwrap().path();
        let file = county.join(format!("{rule}.csv"));
        if let Ok(text) = std::fs::read_to_string(&file) {
            assert!(text.starts_with('\u{feff}'), "{}", file.display());
            let n = text.lines().count() as u64 - 1;
            out.insert(
                county.file_name().unwrap().to_string_lossy().into_owned(),
                n,
            );
        }
    }
    out
}

/// Issue 15 §2: problem-data lists per county and rule add up to the report and to what synth
/// injected; a corrected and re-imported county drops off, and the check says how many were
/// fixed.
#[test]
fn problem_lists_for_the_counties() {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(run(jinbao(state).args(["db", "migrate", "hebi"])).code, 0);
    let (_, summary) = synth(state, "hebi", &[]);
    import_all(&|| jinbao(state), "hebi", &summary);
    let lists = state.join("lists");
    let r = run(jinbao(state).args([
        "data",
        "check",
        "hebi",
        "--json",
        "--lists",
        lists.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let check = r.json();
    let got = violations(&check);
    for (rule, n) in &got {
        let rows: u64 = list_rows(&lists, rule).values().sum();
        assert_eq!(rows, *n, "{rule}");
    }
    for (rule, n) in expected(&summary) {
        let rows: u64 = list_rows(&lists, &rule).values().sum();
        assert_eq!(rows, n, "{rule}");
    }
    // private, audited, with hints
    for county in std::fs::read_dir(&lists).unwrap() {
        let county = county.unwrap().path();
        let mode = std::fs::metadata(&county).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", county.display());
        for f in std::fs::read_dir(&county).unwrap() {
            let f = f.unwrap().path();
            let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", f.display());
        }
    }
    let audit = std::fs::read_to_string(state.join("audit.jsonl")).unwrap();
    assert!(audit.contains("data check --lists"), "{audit}");
    let county = list_rows(&lists, "person_birth_date_valid")
        .into_iter()
        .next()
        .unwrap();
    let text = std::fs::read_to_string(lists.join(&county.0).join("person_id_check_char.csv"))
        .unwrap_or_default();
    assert!(
        text.is_empty() || text.contains("the 18th character should be"),
        "{text}"
    );
    // the county corrects its birth dates and sends its persons again
    let folder = PathBuf::from(
        summary["counties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == county.0.as_str())
            .unwrap()["folder"]
            .as_str()
            .unwrap(),
    );
    let persons = std::fs::read_to_string(folder.join("persons.csv")).unwrap();
    let mut fixed = 0;
    let corrected: Vec<String> = persons
        .lines()
        .map(|l| {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            let id = f[0].clone();
            let bad = f[4].ends_with("-02-30")
                || f[4] == "0000-00-00"
                || f[4] == "1900-01-01"
                || f[4] == "2099-01-01";
            if bad && id.len() == 18 {
                f[4] = format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14]);
                fixed += 1;
            }
            f.join(",")
        })
        .collect();
    assert_eq!(
        fixed, county.1,
        "the list named every bad birth date of the county"
    );
    let again = state.join("corrected");
    std::fs::create_dir_all(&again).unwrap();
    std::fs::write(again.join("persons.csv"), corrected.join("\n") + "\n").unwrap();
    let r = run(jinbao(state).args([
        "data",
        "import",
        "hebi",
        "--county",
        &county.0,
        again.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(state).args([
        "data",
        "check",
        "hebi",
        "--json",
        "--lists",
        lists.to_str().unwrap(),
    ]));
    let rule = r.json()[0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "person_birth_date_valid")
        .unwrap()
        .clone();
    assert_eq!(rule["fixed"].as_u64(), Some(county.1), "{rule}");
    assert_eq!(
        rule["violations"].as_u64().unwrap(),
        got["person_birth_date_valid"] - county.1
    );
    assert!(
        !list_rows(&lists, "person_birth_date_valid").contains_key(&county.0),
        "the county dropped off the list"
    );
    // GBK lists for county systems that read nothing else
    let gbk = state.join("gbk");
    let r = run(jinbao(state).args([
        "data",
        "check",
        "hebi",
        "--lists",
        gbk.to_str().unwrap(),
        "--encoding",
        "gbk",
    ]));
    assert_eq!(r.code, 1);
    let any = std::fs::read_dir(gbk.join(&county.0))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(any).unwrap();
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(
        !bad && text.starts_with("key,column,value,rule,hint"),
        "{text}"
    );
}

/// Issue 15 §4: concentration progress per city and county, and the deadline.
#[test]
fn concentration_progress() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(run(jinbao(state).args(["db", "migrate", "hebi"])).code, 0);
    let (_, summary) = synth(state, "hebi", &[]);
    let first = &summary["counties"][0];
    let county = first["code"].as_str().unwrap();
    let r = run(jinbao(state).args([
        "data",
        "import",
        "hebi",
        "--county",
        county,
        first["folder"].as_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    run(jinbao(state).args(["data", "check", "hebi"]));
    let r = run(jinbao(state).args(["data", "progress", "--all", "--json"]));
    assert_eq!(r.code, 0, "no deadline yet: {}", r.stderr);
    let cities = r.json();
    assert_eq!(cities.as_array().unwrap().len(), 18);
    let hebi = cities
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["city"] == "hebi")
        .unwrap();
    for key in ["city", "deadline", "share_loaded", "counties"] {
        assert!(hebi.get(key).is_some(), "{key}: {hebi}");
    }
    let counties = hebi["counties"].as_array().unwrap();
    assert_eq!(counties.len(), 5);
    for c in counties {
        for key in [
            "county",
            "entities",
            "loaded",
            "last_import",
            "rows",
            "rejected",
            "open_problems",
        ] {
            assert!(c.get(key).is_some(), "{key}: {c}");
        }
        let loaded = c["county"] == county;
        assert_eq!(c["loaded"], loaded, "{c}");
        if loaded {
            assert!(c["rows"].as_u64().unwrap() > 0);
            assert!(c["open_problems"].as_u64().unwrap() > 0, "{c}");
            assert_eq!(c["reconciliation"], "ok");
        } else {
            assert_eq!(c["last_import"], Value::Null);
            assert_eq!(c["rows"], 0);
        }
    }
    assert_eq!(hebi["share_loaded"].as_f64(), Some(0.2));
    // past the deadline with counties outstanding: exit 1, in the table too
    let late = ["--set", "data.concentration_deadline=2010-12-31"];
    let r = run(jinbao(state)
        .args(late)
        .args(["data", "progress", "hebi", "--json"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()[0]["deadline"], "2010-12-31");
    let r = run(jinbao(state).args(late).args(["data", "progress", "hebi"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("1 of 5 counties fully loaded (20%), deadline 2010-12-31, OVERDUE"),
        "{}",
        r.stdout
    );
    // status shows the same share
    let r = run(jinbao(state).args(["status", "hebi", "--json"]));
    assert_eq!(r.json()[0]["concentration"]["loaded"], 1, "{}", r.stdout);
}

/// A county has room for so many persons before two would share an ID number: more is
/// refused before anything is written (at 10 M in one county it was a panic).
#[test]
fn synth_refuses_more_persons_than_a_county_has_id_numbers_for() {
    let state = tempfile::tempdir().unwrap();
    let out = state.path().join("x");
    let r = run(jinbao(state.path()).args([
        "data",
        "synth",
        "jiyuan",
        "--persons",
        "10000000",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("more than 4638123 in one county of jiyuan"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(!out.exists(), "nothing written");
}

/// A city database a test reads back: the sandbox's SQLite file, or a PostgreSQL database of
/// the test's own.
pub(crate) enum CityDb {
    Lite(PathBuf),
    Pg(&'static str),
}

impl CityDb {
    pub(crate) fn count(&self, sql: &str) -> i64 {
        match self {
            CityDb::Lite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .query_row(sql, [], |r| r.get(0))
                .unwrap(),
            CityDb::Pg(db) => {
                let mut c = pg::connect(db).unwrap();
                // the superuser reads the city's tables where jinbao's roles see them
                c.batch_execute("SET search_path = jinbao").unwrap();
                c.query_one(sql, &[]).unwrap().get(0)
            }
        }
    }

    /// Runs `sql` (statements without results) as someone outside jinbao would: psql or
    /// the sqlite3 shell.
    pub(crate) fn execute(&self, sql: &str) {
        match self {
            CityDb::Lite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            CityDb::Pg(db) => {
                let mut c = pg::connect(db).unwrap();
                c.batch_execute("SET search_path = jinbao").unwrap();
                c.batch_execute(sql).unwrap();
            }
        }
    }

    /// The first column (text) of every row of `sql`.
    pub(crate) fn texts(&self, sql: &str) -> Vec<String> {
        match self {
            CityDb::Lite(path) => {
                let c = rusqlite::Connection::open(path).unwrap();
                let mut st = c.prepare(sql).unwrap();
                st.query_map([], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            CityDb::Pg(db) => {
                let mut c = pg::connect(db).unwrap();
                c.batch_execute("SET search_path = jinbao").unwrap();
                c.query(sql, &[])
                    .unwrap()
                    .iter()
                    .map(|r| r.get(0))
                    .collect()
            }
        }
    }
}

/// `test` on the sandbox's SQLite and on PostgreSQL (a migrated database of its own).
pub(crate) fn on_both_engines(
    name: &str,
    pg_db: &'static str,
    test: fn(&dyn Fn() -> assert_cmd::Command, &Path, &CityDb),
) {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    let lite = CityDb::Lite(state.join("sandbox/db/zhoukou.sqlite"));
    test(&|| jinbao(state), state, &lite);
    let Some(_pg) = pg::available(name) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    pg::drop_db(pg_db);
    for step in ["init", "migrate"] {
        let r = run(pg::jinbao(state, Some(pg_db)).args(["db", step, "zhoukou"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    test(
        &|| pg::jinbao(state, Some(pg_db)),
        state,
        &CityDb::Pg(pg_db),
    );
    pg::drop_db(pg_db);
}

/// Rows whose area code names another county of the city are that county's: rejected with the
/// reason; a file whose rows are mostly another county's is refused whole (exit 2), naming it,
/// and nothing of the command is loaded — the same in a dry run.
#[test]
fn rows_of_another_county_are_rejected_and_a_wrong_county_file_refused() {
    on_both_engines(
        "rows_of_another_county_are_rejected_and_a_wrong_county_file_refused",
        "jinbao_t_data_county",
        rows_of_another_county_are_rejected_and_a_wrong_county_file_refused_on,
    );
}

fn rows_of_another_county_are_rejected_and_a_wrong_county_file_refused_on(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    db: &CityDb,
) {
    const HEADER: &str = "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date\n";
    let mixed = state.join("mixed");
    std::fs::create_dir_all(&mixed).unwrap();
    std::fs::write(
        mixed.join("persons.csv"),
        format!(
            "{HEADER}411621198001010015,A1,张一,1,1980-01-01,411621,,0,,\n411621198001010023,A2,张二,1,1980-01-01,411602,,0,,\n411621198001010031,A3,张三,1,1980-01-01,999999,,0,,\n"
        ),
    )
    .unwrap();
    let import = |county: &str, dir: &Path, extra: &[&str]| {
        run(cmd()
            .args(["data", "import", "zhoukou", "--county", county])
            .arg(dir)
            .arg("--json")
            .args(extra))
    };
    let counts = |m: &Value| {
        (
            m["read"].as_u64(),
            m["loaded"].as_u64(),
            m["rejected"].as_u64(),
        )
    };
    let dry = import("411621", &mixed, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let real = import("411621", &mixed, &[]);
    assert_eq!(real.code, 0, "{}", real.stderr);
    for m in [&dry.json()[0], &real.json()[0]] {
        // a code of no county (999999) is a data-quality finding for the checks: loaded
        assert_eq!(counts(m), (Some(3), Some(2), Some(1)), "{m}");
        assert_eq!(m["rejects"][0]["line"], 3, "{m}");
        let reason = m["rejects"][0]["reason"].as_str().unwrap();
        assert!(reason.contains("county 411602, not 411621"), "{reason}");
    }

    let wrong = state.join("wrong");
    std::fs::create_dir_all(&wrong).unwrap();
    std::fs::write(
        wrong.join("persons.csv"),
        format!(
            "{HEADER}411602198001010015,B1,李一,1,1980-01-01,411602,,0,,\n411602198001010023,B2,李二,1,1980-01-01,411602,,0,,\n411602198001010031,B3,李三,1,1980-01-01,411621,,0,,\n"
        ),
    )
    .unwrap();
    // a file without area codes first in load order would otherwise be loaded before it
    std::fs::write(
        wrong.join("unemployment.csv"),
        "id_number,registered_on,ended_on,reason\n411602198001010015,2020-01-01,,1\n",
    )
    .unwrap();
    for extra in [&["--dry-run"][..], &[]] {
        let r = import("411621", &wrong, extra);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("county 411602") && r.stderr.contains("--county 411602"),
            "{}",
            r.stderr
        );
    }
    let n = |sql: &str| db.count(sql);
    assert_eq!(
        n("SELECT count(*) FROM person WHERE person_no LIKE 'B%'"),
        0
    );
    assert_eq!(n("SELECT count(*) FROM unemployment_registration"), 0);
    assert_eq!(
        n("SELECT count(*) FROM import_batch"),
        1,
        "the mixed file only"
    );
}

/// A row that would break a CHECK of the schema (an end before its start) is rejected with its
/// line like any other: the rest of its file loads, the files after it too, and a dry run says
/// the same.
#[test]
fn a_row_breaking_a_table_constraint_is_rejected_not_the_file() {
    on_both_engines(
        "a_row_breaking_a_table_constraint_is_rejected_not_the_file",
        "jinbao_t_data_constraint",
        a_row_breaking_a_table_constraint_is_rejected_not_the_file_on,
    );
}

fn a_row_breaking_a_table_constraint_is_rejected_not_the_file_on(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    db: &CityDb,
) {
    let dir = state.join("county");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("employment.csv"),
        "id_number,employer_code,start_date,end_date\n411602198001010015,002518057,2020-01-01,2019-12-31\n411602198001010023,002518057,2020-01-01,2020-06-30\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("unemployment.csv"),
        "id_number,registered_on,ended_on,reason\n411602198001010015,2021-01-01,2021-03-01,1\n411602198001010023,2021-05-01,2021-04-30,1\n411602198001010031,2021-05-01,,1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("training.csv"),
        "id_number,course,provider,start_date,end_date,certificate\n411602198001010015,焊工,,2021-01-01,2021-02-01,\n",
    )
    .unwrap();
    let import = |extra: &[&str]| {
        run(cmd()
            .args(["data", "import", "zhoukou", "--county", "411602", "--json"])
            .arg(&dir)
            .args(extra))
    };
    let summary = |r: &common::Run| -> Vec<(String, u64, u64, Vec<u64>)> {
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["entity"].as_str().unwrap().to_string(),
                    m["loaded"].as_u64().unwrap(),
                    m["rejected"].as_u64().unwrap(),
                    m["rejects"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x["line"].as_u64().unwrap())
                        .collect(),
                )
            })
            .collect()
    };
    let want = vec![
        ("employment".to_string(), 1, 1, vec![2]),
        ("unemployment".to_string(), 2, 1, vec![3]),
        ("training".to_string(), 1, 0, vec![]),
    ];
    let dry = import(&["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(summary(&dry), want);
    let real = import(&[]);
    assert_eq!(real.code, 0, "{}", real.stderr);
    assert_eq!(summary(&real), want);
    let reasons: Vec<String> = real
        .json()
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["rejects"].as_array().unwrap().clone())
        .map(|x| x["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(
        reasons[0].contains("end_date `2019-12-31` is before start_date `2020-01-01`"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("ended_on `2021-04-30` is before registered_on `2021-05-01`"),
        "{reasons:?}"
    );
    let n = |sql: &str| db.count(sql);
    assert_eq!(n("SELECT count(*) FROM employment_registration"), 1);
    assert_eq!(n("SELECT count(*) FROM unemployment_registration"), 2);
    assert_eq!(n("SELECT count(*) FROM vocational_training"), 1);
}

/// A GBK file whose first 64 KiB is ASCII is read as UTF-8; importing it again with
/// `--encoding gbk` is a new import of it that replaces the first: its rows loaded once, none
/// twice, and the same reading a third time is already loaded.
#[test]
fn another_reading_of_the_same_file_replaces_the_earlier_import() {
    on_both_engines(
        "another_reading_of_the_same_file_replaces_the_earlier_import",
        "jinbao_t_data_reread",
        another_reading_of_the_same_file_replaces_the_earlier_import_on,
    );
}

fn another_reading_of_the_same_file_replaces_the_earlier_import_on(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    db: &CityDb,
) {
    let mut bytes = b"id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date\n".to_vec();
    for i in 0..2000u32 {
        let (day, seq) = (1 + i / 900, 100 + i % 900);
        bytes.extend_from_slice(
            format!("4116021980010{day}{seq:03}5,A{i},ZHANG,1,1980-01-0{day},411602,,0,,\n")
                .as_bytes(),
        );
    }
    assert!(bytes.len() > 64 * 1024);
    for i in 0..5u32 {
        bytes.extend_from_slice(format!("41160219800105{:03}5,G{i},", 100 + i).as_bytes());
        bytes.extend_from_slice(&encoding_rs::GBK.encode("张三").0);
        bytes.extend_from_slice(b",1,1980-01-05,411602,,0,,\n");
    }
    let file = state.join("persons.csv");
    std::fs::write(&file, &bytes).unwrap();
    let import = |extra: &[&str]| {
        let r = run(cmd()
            .args(["data", "import", "zhoukou", "--county", "411602", "--json"])
            .arg(&file)
            .args(extra));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let m = r.json()[0].clone();
        (
            m["already"].as_bool().unwrap(),
            m["loaded"].as_u64().unwrap(),
            m["rejected"].as_u64().unwrap(),
        )
    };
    assert_eq!(import(&[]), (false, 2000, 5), "read as UTF-8");
    assert_eq!(
        import(&["--encoding", "gbk", "--dry-run"]),
        (false, 2005, 0)
    );
    assert_eq!(import(&["--encoding", "gbk"]), (false, 2005, 0));
    assert_eq!(import(&["--encoding", "gbk"]), (true, 2005, 0));
    let n = |sql: &str| db.count(sql);
    assert_eq!(n("SELECT count(*) FROM person"), 2005);
    assert_eq!(n("SELECT count(*) FROM person WHERE name = '张三'"), 5);
    assert_eq!(n("SELECT count(*) FROM import_batch"), 1);
    assert_eq!(
        n("SELECT CAST(rows_loaded AS BIGINT) FROM import_batch"),
        2005,
        "the manifest is the new reading's"
    );
}

/// On a terminal the import's bar is over the file's bytes, so it fills and has an ETA; a
/// command of several files ends with one line for them all.
#[test]
fn import_progress_fills_and_several_files_end_with_one_summary() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    let dir = state.join("county");
    std::fs::create_dir_all(&dir).unwrap();
    let mut persons = String::from(
        "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date\n",
    );
    for i in 0..60_000u32 {
        let (day, seq) = (1 + i / 900 % 28, i % 900 + 100);
        let month = 1 + i / (900 * 28);
        persons.push_str(&format!(
            "411602198{month:03}{day:02}{seq:03}5,P{i},张三,1,,411602,,0,,\n"
        ));
    }
    persons.push_str("4116021980,X,张三,1,,411602,,0,,\n");
    std::fs::write(dir.join("persons.csv"), persons).unwrap();
    std::fs::write(
        dir.join("unemployment.csv"),
        "id_number,registered_on,ended_on,reason\n411602198001010015,2021-01-01,,1\n",
    )
    .unwrap();
    let (code, seen) = common::pty::run_on_terminal(
        state,
        160,
        &[("TERM", "xterm")],
        &[
            "data",
            "import",
            "zhoukou",
            "--county",
            "411602",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{seen}");
    assert!(seen.contains("% ") && seen.contains("(eta "), "{seen}");
    assert!(
        seen.contains("2 files: 60001 rows loaded, 1 rejected"),
        "{seen}"
    );
}

/// A file without area codes (contributions) from a county folder that the extracts'
/// summary.json names as another county is refused too (exit 2), naming that county.
#[test]
fn the_extracts_summary_names_the_county_of_a_folder() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(jinbao(state).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    let (_, summary) = synth(state, "zhoukou", &[]);
    let counties = summary["counties"].as_array().unwrap();
    let (first, second) = (&counties[0], &counties[1]);
    let folder = PathBuf::from(first["folder"].as_str().unwrap());
    let code = first["code"].as_str().unwrap();
    for extra in [&["--dry-run"][..], &[]] {
        let r = run(jinbao(state)
            .args(["data", "import", "zhoukou", "--county"])
            .arg(second["code"].as_str().unwrap())
            .arg(folder.join("contributions.csv"))
            .args(extra));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("summary.json") && r.stderr.contains(&format!("--county {code}")),
            "{}",
            r.stderr
        );
    }
    let db = rusqlite::Connection::open(state.join("sandbox/db/zhoukou.sqlite")).unwrap();
    let n: i64 = db
        .query_row("SELECT count(*) FROM import_batch", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

/// A city's counties load in one command: without `--county`, each folder named by one of the
/// city's county codes (or a folder of them, as `data synth` writes) is that county's extract,
/// and the command ends with one line for all of them. A folder that names no county needs
/// `--county` (exit 2, nothing loaded).
#[test]
fn a_citys_counties_import_in_one_command() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(run(jinbao(state).args(["db", "migrate", "hebi"])).code, 0);
    let (out, summary) = synth(state, "hebi", &[]);
    let stray = state.join("stray");
    std::fs::create_dir_all(&stray).unwrap();
    std::fs::copy(out.join("410602/persons.csv"), stray.join("persons.csv")).unwrap();
    let r = run(jinbao(state).args(["data", "import", "hebi"]).arg(&stray));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--county"), "{}", r.stderr);

    let r = run(jinbao(state).args(["data", "import", "hebi"]).arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counties: Vec<&str> = summary["counties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(counties.len() > 1);
    assert!(
        r.stdout.contains(&format!("{} counties, ", counties.len()))
            && r.stdout.contains("rows loaded"),
        "{}",
        r.stdout
    );
    let r = run(jinbao(state).args(["data", "progress", "hebi", "--json"]));
    let doc = r.json();
    assert_eq!(doc[0]["share_loaded"].as_f64(), Some(1.0), "{doc}");
}
