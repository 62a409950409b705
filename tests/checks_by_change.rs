//! Checks by change: after re-imports that edit, add and delete rows, a `data check` that
//! evaluates each rule only where the loads changed something finds exactly what `data check
//! --full` finds, rule for rule and problem-list row for row, on SQLite and on PostgreSQL; and
//! on random cycles (proptest).

use crate::common;
use crate::data::{CityDb, on_both_engines};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::run;
use proptest::prelude::*;
use serde_json::Value;

const FILE: &str = "tests/checks_by_change.rs";

/// A small random number source (xorshift): the same seed, the same edits.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
}

/// A copy of the county folders of `from` in `to`, each file's rows dropped, added and, with
/// `values`, edited (each about `per_mille`/3 of them): values become empty, impossible
/// dates (rejected lines), another county's code, a mark; new rows copy another with a new
/// first column.
pub(crate) fn edited(from: &Path, to: &Path, seed: u64, per_mille: u64, values: bool) {
    let mut dice = Dice(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let edits = values;
    let values = [
        "",
        "9999-01-01",
        "1980-02-30",
        "410602",
        "1",
        "2",
        "0",
        "410611",
    ];
    for county in std::fs::read_dir(from).unwrap().flatten() {
        if !county.path().is_dir() {
            continue;
        }
        let dir = to.join(county.file_name());
        std::fs::create_dir_all(&dir).unwrap();
        let mut files: Vec<PathBuf> = std::fs::read_dir(county.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let mut lines = text.lines();
            let header = lines.next().unwrap_or_default();
            let body: Vec<&str> = lines.collect();
            let mut out = vec![header.to_string()];
            for line in &body {
                let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
                if dice.chance(per_mille / 3) {
                    continue;
                }
                if edits && dice.chance(per_mille / 3) && fields.len() > 1 {
                    let i = 1 + dice.below(fields.len() - 1);
                    fields[i] = values[dice.below(values.len())].to_string();
                }
                out.push(fields.join(","));
                if dice.chance(per_mille / 3) && !body.is_empty() {
                    let mut new: Vec<String> = body[dice.below(body.len())]
                        .split(',')
                        .map(str::to_string)
                        .collect();
                    if let Some(first) = new.first_mut() {
                        let keep = first.len().saturating_sub(3);
                        *first = format!("{}{:03}", &first[..keep], dice.below(1000));
                    }
                    out.push(new.join(","));
                }
            }
            std::fs::write(dir.join(file.file_name().unwrap()), out.join("\n") + "\n").unwrap();
        }
    }
}

/// What a check found, rule by rule (violations, per county, samples), how each rule was
/// evaluated, and its problem lists row for row.
struct Found {
    rules: BTreeMap<String, (u64, Value, Value)>,
    passes: BTreeMap<String, String>,
    lists: BTreeMap<String, Vec<String>>,
}

fn check(cmd: &dyn Fn() -> assert_cmd::Command, state: &Path, extra: &[&str]) -> Found {
    let lists = tempfile::tempdir_in(state).unwrap();
    let r = run(cmd()
        .args(["data", "check", "zhoukou", "--json", "--lists"])
        .arg(lists.path())
        .args(extra));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let json = r.json();
    assert!(json[0]["error"].is_null(), "{}", json[0]["error"]);
    let mut found = Found {
        rules: BTreeMap::new(),
        passes: BTreeMap::new(),
        lists: BTreeMap::new(),
    };
    for rule in json[0]["rules"].as_array().unwrap() {
        let name = rule["name"].as_str().unwrap().to_string();
        found.rules.insert(
            name.clone(),
            (
                rule["violations"].as_u64().unwrap(),
                rule["by_county"].clone(),
                rule["samples"].clone(),
            ),
        );
        found
            .passes
            .insert(name, rule["pass"].as_str().unwrap_or("").to_string());
    }
    for county in std::fs::read_dir(lists.path()).unwrap().flatten() {
        for list in std::fs::read_dir(county.path()).unwrap().flatten() {
            let mut rows: Vec<String> = std::fs::read_to_string(list.path())
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect();
            rows.sort();
            let name = format!(
                "{}/{}",
                county.file_name().to_string_lossy(),
                list.file_name().to_string_lossy()
            );
            found.lists.insert(name, rows);
        }
    }
    found
}

pub(crate) fn import(cmd: &dyn Fn() -> assert_cmd::Command, dir: &Path, extra: &[&str]) {
    let r = run(cmd()
        .args(["data", "import", "zhoukou", "--json"])
        .args(extra)
        .arg(dir));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
}

/// The findings of a check by change equal those of a full check.
fn same(by_change: &Found, full: &Found, when: &str) {
    for (rule, got) in &by_change.rules {
        assert_eq!(Some(got), full.rules.get(rule), "{when}: rule {rule}");
    }
    assert_eq!(by_change.rules.len(), full.rules.len(), "{when}");
    assert_eq!(
        by_change.lists.keys().collect::<Vec<_>>(),
        full.lists.keys().collect::<Vec<_>>(),
        "{when}: the same lists"
    );
    for (list, rows) in &by_change.lists {
        assert_eq!(Some(rows), full.lists.get(list), "{when}: list {list}");
    }
}

pub(crate) fn synth(cmd: &dyn Fn() -> assert_cmd::Command, out: &Path, persons: u32, seed: u64) {
    let r = run(cmd()
        .args([
            "data",
            "synth",
            "zhoukou",
            "--persons",
            &persons.to_string(),
            "--defects",
            "0.1",
            "--seed",
            &seed.to_string(),
            "--out",
        ])
        .arg(out));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_check_by_change_finds_what_a_full_check_finds() {
    on_both_engines(
        "a_check_by_change_finds_what_a_full_check_finds",
        "jinbao_t_checks_by_change",
        a_check_by_change_finds_what_a_full_check_finds_on,
    );
}

fn a_check_by_change_finds_what_a_full_check_finds_on(
    cmd: &dyn Fn() -> assert_cmd::Command,
    state: &Path,
    _db: &CityDb,
) {
    let first = state.join("extracts-0");
    synth(cmd, &first, 600, 7);
    import(cmd, &first, &[]);
    let whole = check(cmd, state, &[]);
    assert!(
        whole.passes.values().all(|p| p == "whole"),
        "a first check evaluates every rule whole: {:?}",
        whole.passes
    );
    assert!(whole.rules.values().any(|(n, ..)| *n > 0), "defects found");
    // nothing loaded since: every finding kept
    let again = check(cmd, state, &[]);
    assert!(
        again.passes.values().all(|p| p == "kept"),
        "{:?}",
        again.passes
    );
    same(&again, &whole, "nothing changed");
    // three cycles of re-sent extracts, the second deleting what they no longer hold, each
    // checked by change; the last compared with a full check
    let mut last = None;
    for cycle in 1..=3u64 {
        let dir = state.join(format!("extracts-{cycle}"));
        // the second only drops and adds rows: no line rejected, the missing rows deleted
        edited(&first, &dir, cycle, 60, cycle != 2);
        let extra: &[&str] = if cycle == 2 {
            &["--apply-missing", "--yes"]
        } else {
            &[]
        };
        import(cmd, &dir, extra);
        let by_change = check(cmd, state, &[]);
        assert!(
            by_change
                .passes
                .values()
                .filter(|p| *p == "changes")
                .count()
                > 40,
            "most rules are evaluated by change: {:?}",
            by_change.passes
        );
        last = Some(by_change);
    }
    let full = check(cmd, state, &["--full"]);
    assert!(full.passes.values().all(|p| p == "whole"));
    same(&last.unwrap(), &full, "after three cycles");
    // and once more, cycle by cycle
    let dir = state.join("extracts-4");
    edited(&first, &dir, 4, 120, false);
    import(cmd, &dir, &["--apply-missing", "--yes"]);
    let by_change = check(cmd, state, &[]);
    same(&by_change, &check(cmd, state, &["--full"]), "cycle 4");
}

/// Random cycles of edits, deletions and re-imports (SQLite): after each chain of checks by
/// change, a full check finds the same.
#[test]
fn random_cycles_keep_the_findings_of_a_full_check() {
    let work = tempfile::tempdir().unwrap();
    let base = work.path().join("base");
    let jb = |state: &Path| common::jinbao(state);
    synth(&|| jb(work.path()), &base, 300, 11);
    common::props::check(
        FILE,
        "random_cycles_keep_the_findings_of_a_full_check",
        4,
        (
            1u64..1_000_000,
            proptest::collection::vec((0u64..200, any::<bool>(), any::<bool>()), 1..4),
        ),
        |(seed, cycles)| {
            let state = tempfile::tempdir_in(work.path()).unwrap();
            let state = state.path();
            let cmd = || jb(state);
            prop_assert_eq!(run(cmd().args(["db", "migrate", "zhoukou"])).code, 0);
            import(&cmd, &base, &[]);
            let mut by_change = check(&cmd, state, &[]);
            for (i, (per_mille, delete, values)) in cycles.iter().enumerate() {
                let dir = state.join(format!("cycle-{i}"));
                edited(&base, &dir, seed + i as u64, *per_mille, *values);
                let extra: &[&str] = if *delete {
                    &["--apply-missing", "--yes"]
                } else {
                    &[]
                };
                import(&cmd, &dir, extra);
                by_change = check(&cmd, state, &[]);
            }
            same(
                &by_change,
                &check(&cmd, state, &["--full"]),
                "random cycles",
            );
            Ok(())
        },
    );
}
