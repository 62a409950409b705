//! The monthly data cycle: a county's re-sent full extract writes only what changed, keeps and
//! counts what it no longer holds, on SQLite and on PostgreSQL.

use crate::common;
use crate::data::{CityDb, on_both_engines, with_check};

use std::collections::BTreeMap;
use std::path::Path;

use common::run;
use serde_json::Value;

const HEADER: &str =
    "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date\n";

/// A person of county 411602 by number (0–999): a valid ID, its number, a name and a sex.
fn person(seq: u32, name: &str, sex: u8) -> String {
    let id = with_check(&format!("41160219800101{seq:03}"));
    format!("{id},P{seq},{name},{sex},1980-01-01,411602,,0,,\n")
}

/// Imports `rows` as county 411602's persons; the manifest.
fn import(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    rows: &str,
    extra: &[&str],
) -> Value {
    import_as(cmd, state, "persons.csv", rows, extra)
}

/// Imports `rows` as county 411602's persons from a file named `name`; the manifest.
fn import_as(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    name: &str,
    rows: &str,
    extra: &[&str],
) -> Value {
    let dir = tempfile::tempdir_in(state).unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, format!("{HEADER}{rows}")).unwrap();
    let r = run(cmd()
        .args(["data", "import", "zhoukou", "--county", "411602", "--json"])
        .args(extra)
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()[0].clone()
}

/// new, changed, unchanged, missing, rejected of a manifest.
fn split(m: &Value) -> [u64; 5] {
    ["new", "changed", "unchanged", "missing", "rejected"].map(|k| m[k].as_u64().unwrap())
}

/// The persons the city holds: `id|name|sex|missing?`.
fn held(db: &CityDb) -> Vec<String> {
    db.texts(
        "SELECT CAST(id_number AS TEXT) || '|' || name || '|' || sex || '|' || \
         CASE WHEN missing_import IS NULL THEN 'kept' ELSE 'missing' END \
         FROM person ORDER BY id_number",
    )
}

/// A re-import writes the new and changed rows only (unchanged rows keep the load that wrote
/// them), marks the county's rows it no longer holds and keeps them, takes back a row that
/// returns, and deletes the marked rows only when asked; every count adds up to what was read.
#[test]
fn a_reimport_writes_only_what_changed_and_keeps_what_is_missing() {
    on_both_engines(
        "a_reimport_writes_only_what_changed_and_keeps_what_is_missing",
        "jinbao_t_data_cycle",
        a_reimport_writes_only_what_changed_and_keeps_what_is_missing_on,
    );
}

fn a_reimport_writes_only_what_changed_and_keeps_what_is_missing_on(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    db: &CityDb,
) {
    let rows =
        |names: &[(u32, &str)]| -> String { names.iter().map(|(s, n)| person(*s, n, 1)).collect() };
    let first = import(
        cmd,
        state,
        &rows(&[
            (1, "张一"),
            (2, "李二"),
            (3, "王三"),
            (4, "赵四"),
            (5, "钱五"),
        ]),
        &[],
    );
    assert_eq!(split(&first), [5, 0, 0, 0, 0], "{first}");
    let first_id = first["import_id"].as_str().unwrap().to_string();
    // 2 renamed, 3 gone, 6 new and sent twice
    let second = import(
        cmd,
        state,
        &format!(
            "{}{}",
            rows(&[
                (1, "张一"),
                (2, "李贰"),
                (4, "赵四"),
                (5, "钱五"),
                (6, "孙六")
            ]),
            person(6, "孙六又", 1)
        ),
        &[],
    );
    assert_eq!(split(&second), [1, 1, 3, 1, 1], "{second}");
    assert_eq!(second["read"], 6, "{second}");
    assert_eq!(second["loaded"], 5, "{second}");
    let second_id = second["import_id"].as_str().unwrap().to_string();
    let by_load = |seq: u32| {
        db.texts(&format!(
            "SELECT import_id FROM person WHERE id_number = '{}'",
            with_check(&format!("41160219800101{seq:03}"))
        ))
    };
    assert_eq!(by_load(1), [first_id], "an unchanged row is not written");
    assert_eq!(by_load(2), [second_id.as_str()], "a changed row is");
    assert_eq!(
        db.texts("SELECT missing_import FROM person WHERE missing_import IS NOT NULL"),
        [second_id.as_str()],
        "the row the extract no longer holds is kept, marked by the load that found it"
    );
    assert_eq!(held(db).len(), 6);
    assert_eq!(
        db.count(
            "SELECT CAST(rows_new + rows_changed + rows_unchanged + rows_missing AS BIGINT) \
             FROM import_batch WHERE rows_missing = 1"
        ),
        6,
        "the manifest keeps the split"
    );
    // 3 comes back as it was: taken back (a change); 5 goes
    let third = import(
        cmd,
        state,
        &rows(&[
            (1, "张一"),
            (2, "李贰"),
            (3, "王三"),
            (4, "赵四"),
            (6, "孙六"),
        ]),
        &[],
    );
    assert_eq!(split(&third), [0, 1, 4, 1, 0], "{third}");
    assert!(
        held(db).iter().any(|r| r.ends_with("|王三|1|kept")),
        "{:?}",
        held(db)
    );
    // deleting needs someone's yes: with nobody to ask, nothing is loaded or deleted
    let dir = tempfile::tempdir_in(state).unwrap();
    let file = dir.path().join("persons.csv");
    std::fs::write(&file, format!("{HEADER}{}", rows(&[(1, "张一")]))).unwrap();
    let before = held(db);
    let r = run(cmd()
        .args([
            "data",
            "import",
            "zhoukou",
            "--county",
            "411602",
            "--apply-missing",
        ])
        .arg(&file));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(held(db), before, "nothing was loaded or deleted");
    // asked, the marked rows are deleted
    let fourth = import(
        cmd,
        state,
        &rows(&[(1, "张一"), (2, "李贰"), (3, "王三"), (6, "孙六")]),
        &["--apply-missing", "--yes"],
    );
    assert_eq!(split(&fourth), [0, 0, 4, 1, 0], "{fourth}");
    assert_eq!(fourth["missing_deleted"], 2, "{fourth}");
    assert_eq!(held(db).len(), 4, "{:?}", held(db));
    assert!(held(db).iter().all(|r| r.ends_with("|kept")));
    // people read the split, and what to do with the missing rows
    let dir = tempfile::tempdir_in(state).unwrap();
    let file = dir.path().join("persons.csv");
    std::fs::write(
        &file,
        format!("{HEADER}{}", rows(&[(1, "张一"), (7, "周七")])),
    )
    .unwrap();
    let r = run(cmd()
        .args(["data", "import", "zhoukou", "--county", "411602"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("1 new, 0 changed, 1 unchanged")
            && r.stdout.contains("3 no longer in the extracts")
            && r.stdout.contains("--apply-missing"),
        "{}",
        r.stdout
    );
    data_changes_reads_the_cycles(cmd, state);
}

/// `data changes`: each load of the county with its split, oldest first, and the county's
/// open problems after each full check, up or down; `--since` leaves older ones out.
fn data_changes_reads_the_cycles(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path) {
    let check = |state: &Path| {
        let r = run(cmd().args(["data", "check", "zhoukou", "--json"]));
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        let _ = state;
    };
    check(state);
    // persons 1 and 7 again, 7 now a woman: a change, and the check again
    import(
        cmd,
        state,
        &format!("{}{}", person(1, "张一", 1), person(7, "周七", 2)),
        &[],
    );
    check(state);
    let r = run(cmd().args(["data", "changes", "zhoukou", "--county", "411602", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let county = &j["counties"][0];
    assert_eq!(j["counties"].as_array().unwrap().len(), 1, "{j}");
    assert_eq!(county["county"], "411602");
    let loads = county["loads"].as_array().unwrap();
    let split: Vec<[u64; 5]> = loads.iter().map(split).collect();
    assert_eq!(
        split,
        [
            [5, 0, 0, 0, 0],
            [1, 1, 3, 1, 1],
            [0, 1, 4, 1, 0],
            [0, 0, 4, 1, 0],
            [1, 0, 1, 3, 0],
            [0, 1, 1, 0, 0]
        ],
        "{j}"
    );
    let problems = county["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{j}");
    assert!(problems[0]["change"].is_null());
    assert_eq!(
        problems[1]["change"].as_i64().unwrap(),
        problems[1]["open"].as_i64().unwrap() - problems[0]["open"].as_i64().unwrap()
    );
    let r = run(cmd().args([
        "data",
        "changes",
        "zhoukou",
        "--since",
        "2999-01-01",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.json()["counties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["loads"].as_array().unwrap().is_empty()),
        "{}",
        r.stdout
    );
    let r = run(cmd().args(["data", "changes", "zhoukou", "--county", "411602"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("open problems") && r.stdout.contains("person"),
        "{}",
        r.stdout
    );
    let r = run(cmd().args(["data", "changes", "zhoukou", "--county", "999999"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// A small deterministic generator (the test's cases are the same on every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Random edits, deletions, additions, returns and repeated lines over several re-imports:
/// after each, the city holds exactly the extract's rows (the first line of a repeated key)
/// plus the rows it no longer holds, marked; the counts are those of a diff made here; and a
/// fresh database loaded with the last extract alone holds the same rows.
#[test]
fn reimports_by_change_hold_what_a_full_load_holds() {
    on_both_engines(
        "reimports_by_change_hold_what_a_full_load_holds",
        "jinbao_t_data_cycle_prop",
        reimports_by_change_hold_what_a_full_load_holds_on,
    );
}

fn reimports_by_change_hold_what_a_full_load_holds_on(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    db: &CityDb,
) {
    const NAMES: [&str; 6] = ["张三", "李四", "王五", "赵六", "钱七", "孙八"];
    let mut rng = Lcg(2027);
    // what the city holds: seq → (name, sex, missing)
    let mut city: BTreeMap<u32, (String, u8, bool)> = BTreeMap::new();
    let mut extract: BTreeMap<u32, (String, u8)> = (0..60)
        .map(|s| (s, (NAMES[s as usize % 6].to_string(), 1 + (s % 2) as u8)))
        .collect();
    for round in 0..5 {
        if round > 0 {
            for (_, v) in extract.iter_mut() {
                match rng.below(20) {
                    0 => v.0 = NAMES[rng.below(6) as usize].to_string(),
                    1 => v.1 = 3 - v.1,
                    _ => {}
                }
            }
            extract.retain(|_, _| rng.below(15) != 0);
            for _ in 0..rng.below(6) {
                let s = rng.below(200) as u32;
                extract.insert(s, (NAMES[rng.below(6) as usize].to_string(), 1));
            }
        }
        let mut text = String::new();
        let mut repeated = 0;
        for (s, (name, sex)) in &extract {
            text.push_str(&person(*s, name, *sex));
            if rng.below(25) == 0 {
                text.push_str(&person(*s, "重复", 2));
                repeated += 1;
            }
        }
        // the diff the import must report
        let mut want = [0u64, 0, 0, 0, repeated];
        for (s, (name, sex)) in &extract {
            match city.get(s) {
                None => want[0] += 1,
                Some((n, x, missing)) if *missing || n != name || x != sex => want[1] += 1,
                Some(_) => want[2] += 1,
            }
        }
        for (s, v) in city.iter_mut() {
            if !extract.contains_key(s) && !v.2 {
                want[3] += 1;
                v.2 = true;
            }
        }
        for (s, (name, sex)) in &extract {
            city.insert(*s, (name.clone(), *sex, false));
        }
        let m = import(cmd, state, &text, &[]);
        assert_eq!(split(&m), want, "round {round}: {m}");
        let expected: Vec<String> = city
            .iter()
            .map(|(s, (name, sex, missing))| {
                let id = with_check(&format!("41160219800101{s:03}"));
                let mark = if *missing { "missing" } else { "kept" };
                format!("{id}|{name}|{sex}|{mark}")
            })
            .collect();
        assert_eq!(held(db), expected, "round {round}");
    }
    // the same extract loaded whole into an empty database
    let fresh = tempfile::tempdir().unwrap();
    assert_eq!(
        run(common::jinbao(fresh.path()).args(["db", "migrate", "zhoukou"])).code,
        0
    );
    let text: String = extract
        .iter()
        .map(|(s, (name, sex))| person(*s, name, *sex))
        .collect();
    let m = import(&|| common::jinbao(fresh.path()), fresh.path(), &text, &[]);
    assert_eq!(m["new"].as_u64(), Some(extract.len() as u64), "{m}");
    let whole = CityDb::Lite(fresh.path().join("sandbox/db/zhoukou.sqlite"));
    let kept: Vec<String> = held(db)
        .into_iter()
        .filter(|r| r.ends_with("|kept"))
        .collect();
    assert_eq!(kept, held(&whole));
    // --full writes every row again (another file: the lines in reverse), the same rows held
    let before = held(db);
    let reversed: String = text.lines().rev().map(|l| format!("{l}\n")).collect();
    let m = import(cmd, state, &reversed, &["--full"]);
    assert_eq!(split(&m), [0, extract.len() as u64, 0, 0, 0], "{m}");
    assert_eq!(held(db), before);
}

/// A table a county sends in several files: a file's rows are missing only from a later file of
/// the same name, never from another file of the table. A file with rejected lines marks what
/// it lacks (a rejected line's key is unknown) but `--apply-missing` deletes nothing after it,
/// and a file of no loadable line marks nothing.
#[test]
fn missing_rows_are_a_files_own_and_rejects_keep_them() {
    on_both_engines(
        "missing_rows_are_a_files_own_and_rejects_keep_them",
        "jinbao_t_data_cycle_files",
        missing_rows_are_a_files_own_and_rejects_keep_them_on,
    );
}

fn missing_rows_are_a_files_own_and_rejects_keep_them_on(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    db: &CityDb,
) {
    let rows = |seqs: &[u32]| -> String { seqs.iter().map(|s| person(*s, "张三", 1)).collect() };
    assert_eq!(
        split(&import_as(
            cmd,
            state,
            "2023_persons.csv",
            &rows(&[1, 2, 3]),
            &[]
        )),
        [3, 0, 0, 0, 0]
    );
    let other = import_as(cmd, state, "2024_persons.csv", &rows(&[4, 5]), &[]);
    assert_eq!(
        split(&other),
        [2, 0, 0, 0, 0],
        "another file of the table: {other}"
    );
    let again = import_as(cmd, state, "2023_persons.csv", &rows(&[1, 2]), &[]);
    assert_eq!(split(&again), [0, 0, 2, 1, 0], "{again}");
    // person 2's line rejected (a quote never closed): 2 is marked, but nothing is deleted
    let bad = format!("{}\"411602,P2,张三,1,1980-01-01,411602,,0,,\n", rows(&[1]));
    let m = import_as(
        cmd,
        state,
        "2023_persons.csv",
        &bad,
        &["--apply-missing", "--yes"],
    );
    assert_eq!(split(&m), [0, 0, 1, 1, 1], "{m}");
    assert_eq!(m["missing_deleted"], 0, "{m}");
    assert_eq!(held(db).len(), 5, "{:?}", held(db));
    // a file of nothing loadable marks nothing
    let none = import_as(
        cmd,
        state,
        "2024_persons.csv",
        "\"411602,P9,张三,1,1980-01-01,411602,,0,,\n",
        &[],
    );
    assert_eq!(split(&none), [0, 0, 0, 0, 1], "{none}");
    assert_eq!(
        db.count("SELECT count(*) FROM person WHERE missing_import IS NOT NULL"),
        2
    );
}
