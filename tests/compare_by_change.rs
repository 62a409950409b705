//! Comparisons by change: an extract compared with what the city holds stages only the buckets
//! of keys whose sums differ, and finds exactly what a whole comparison (`--full`) finds, row
//! for row: after edits to the extracts, after re-imports, and after edits made outside jinbao
//! (psql, the sqlite3 shell), on SQLite and on PostgreSQL; and on random edits (proptest).

use crate::checks_by_change::{edited, import, synth};
use crate::common::{self, run};
use crate::data::{CityDb, on_both_engines};

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

const FILE: &str = "tests/compare_by_change.rs";

/// What comparing every county folder of `dir` found: per county and entity, the counts and
/// the differences file row for row; and the rows staged and how, over all.
struct Compared {
    found: BTreeMap<String, (Vec<u64>, Vec<String>)>,
    staged: u64,
    passes: Vec<String>,
}

fn compare(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    dir: &Path,
    extra: &[&str],
) -> Compared {
    let out = tempfile::tempdir_in(state).unwrap();
    let mut c = Compared {
        found: BTreeMap::new(),
        staged: 0,
        passes: Vec::new(),
    };
    let mut counties: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    counties.sort();
    for county in counties {
        let r = run(cmd()
            .args([
                "data", "compare", "zhoukou", "--county", &county, "--json", "--out",
            ])
            .arg(out.path())
            .arg("--source")
            .arg(dir.join(&county))
            .args(extra));
        assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
        for e in r.json().as_array().unwrap() {
            let n = |k: &str| e[k].as_u64().unwrap();
            let counts = [
                "source_rows",
                "city_rows",
                "equal",
                "missing_in_city",
                "only_in_city",
                "differing",
            ]
            .map(n)
            .to_vec();
            let mut rows: Vec<String> =
                std::fs::read_to_string(e["differences_file"].as_str().unwrap())
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect();
            rows.sort();
            c.staged += e["pass"]["rows_staged"].as_u64().unwrap();
            c.passes
                .push(e["pass"]["how"].as_str().unwrap().to_string());
            c.found.insert(
                format!("{county}/{}", e["entity"].as_str().unwrap()),
                (counts, rows),
            );
        }
    }
    c
}

/// A comparison by change finds what a whole one finds, and went by change.
fn same(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path, dir: &Path, when: &str) -> Compared {
    let by_change = compare(cmd, state, dir, &[]);
    let whole = compare(cmd, state, dir, &["--full"]);
    assert!(
        by_change.passes.iter().all(|p| p == "changes"),
        "{when}: {:?}",
        by_change.passes
    );
    assert!(whole.passes.iter().all(|p| p == "whole"), "{when}");
    assert_eq!(
        by_change.found.keys().collect::<Vec<_>>(),
        whole.found.keys().collect::<Vec<_>>(),
        "{when}"
    );
    for (k, v) in &by_change.found {
        assert_eq!(Some(v), whole.found.get(k), "{when}: {k}");
    }
    assert!(
        by_change.staged < whole.staged,
        "{when}: by change staged {} rows, whole {}",
        by_change.staged,
        whole.staged
    );
    by_change
}

fn differences(c: &Compared, kind: &str) -> usize {
    c.found
        .values()
        .flat_map(|(_, rows)| rows)
        .filter(|r| r.contains(kind))
        .count()
}

/// Edits made outside jinbao, as a person with psql or the sqlite3 shell makes them: names
/// corrected, contributions deleted, a person added (with no fingerprint).
fn edit_outside(db: &CityDb, names: usize) {
    db.execute(&format!(
        "UPDATE person SET name = '改过' WHERE id_number IN \
           (SELECT id_number FROM person ORDER BY id_number LIMIT {names});
         DELETE FROM contribution WHERE id_number IN \
           (SELECT id_number FROM person ORDER BY id_number DESC LIMIT 2);
         INSERT INTO person (county_code, id_number, name, retired, import_id) \
           SELECT county_code, '411602199001011234', '多出', 0, import_id FROM person \
           ORDER BY id_number LIMIT 1;"
    ));
}

#[test]
fn a_comparison_by_change_finds_what_a_whole_one_finds() {
    on_both_engines(
        "a_comparison_by_change_finds_what_a_whole_one_finds",
        "jinbao_t_compare_by_change",
        a_comparison_by_change_finds_what_a_whole_one_finds_on,
    );
}

fn a_comparison_by_change_finds_what_a_whole_one_finds_on(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    db: &CityDb,
) {
    let first = state.join("extracts-0");
    synth(cmd, &first, 600, 7);
    import(cmd, &first, &[]);
    // what was loaded: only the rejected lines differ, and little is staged
    let loaded = same(cmd, state, &first, "the extracts just loaded");
    let rows: u64 = loaded.found.values().map(|(n, _)| n[0]).sum();
    assert!(
        loaded.staged * 4 < rows,
        "{} of {rows} rows staged",
        loaded.staged
    );
    // the counties send new extracts: compared before they are loaded
    let next = state.join("extracts-1");
    edited(&first, &next, 1, 60, true);
    let before = same(cmd, state, &next, "new extracts, not loaded");
    for kind in ["missing-in-city", "only-in-city", "differs"] {
        assert!(differences(&before, kind) > 0, "{kind}");
    }
    // edits made outside jinbao are found, by change as whole
    edit_outside(db, 3);
    assert!(
        db.count("SELECT count(*) FROM person WHERE row_fp IS NULL") >= 4,
        "the rows edited by hand lost their fingerprint"
    );
    let outside = same(cmd, state, &first, "after edits outside jinbao");
    assert!(
        differences(&outside, "differs") >= differences(&loaded, "differs") + 3,
        "the names corrected by hand differ from the extract"
    );
    assert!(differences(&outside, "only-in-city") > differences(&loaded, "only-in-city"));
    // the new extracts loaded (by change: only the buckets that differ staged), compared again
    import(cmd, &next, &[]);
    same(cmd, state, &next, "new extracts, loaded");
    // what the loads recorded of the contributions they hold is what a whole first load of
    // the same files records (the same loads: the same files' checksums)
    let whole = tempfile::tempdir().unwrap();
    let lite = || common::jinbao(whole.path());
    assert_eq!(run(lite().args(["db", "migrate", "zhoukou"])).code, 0);
    import(&lite, &next, &[]);
    let totals = "SELECT import_id || '|' || insurance_type || '|' || CAST(period AS TEXT) || '|' \
         || CAST(rows_loaded AS TEXT) || '|' || CAST(CAST(round(amount_loaded * 100) AS BIGINT) AS TEXT) \
         FROM import_total ORDER BY 1";
    let first_load = CityDb::Lite(whole.path().join("sandbox/db/zhoukou.sqlite")).texts(totals);
    assert!(!first_load.is_empty());
    let by_change: Vec<String> = db
        .texts(totals)
        .into_iter()
        .filter(|t| {
            first_load
                .iter()
                .any(|w| w.split('|').next() == t.split('|').next())
        })
        .collect();
    assert_eq!(by_change, first_load);
}

/// Random edits to the extracts, random re-imports and random edits outside jinbao
/// (SQLite): a comparison by change finds what a whole one finds.
#[test]
fn random_edits_keep_the_differences_of_a_whole_comparison() {
    let work = tempfile::tempdir().unwrap();
    let base = work.path().join("base");
    let jb = |state: &Path| common::jinbao(state);
    synth(&|| jb(work.path()), &base, 300, 11);
    common::props::check(
        FILE,
        "random_edits_keep_the_differences_of_a_whole_comparison",
        4,
        (1u64..1_000_000, 0u64..200, any::<bool>(), 0usize..4),
        |(seed, per_mille, reimport, outside)| {
            let state = tempfile::tempdir_in(work.path()).unwrap();
            let state = state.path();
            let cmd = || jb(state);
            prop_assert_eq!(run(cmd().args(["db", "migrate", "zhoukou"])).code, 0);
            import(&cmd, &base, &[]);
            let dir = state.join("edited");
            edited(&base, &dir, seed, per_mille, true);
            if reimport {
                import(&cmd, &dir, &[]);
            }
            if outside > 0 {
                edit_outside(
                    &CityDb::Lite(state.join("sandbox/db/zhoukou.sqlite")),
                    outside,
                );
            }
            same(&cmd, state, &dir, "random edits");
            Ok(())
        },
    );
}
