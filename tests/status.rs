//! `jinbao status`: the province-wide view, built from what rollouts, health and data checks
//! left in the state folder.

use crate::common;

use common::{jinbao, run};
use serde_json::Value;

fn status(state: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let r = run(jinbao(state).args(["status", "--json"]).args(extra));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().unwrap().clone()
}

fn city<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter().find(|r| r["city"] == name).unwrap()
}

#[test]
fn status_shows_each_city_progress() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    // nothing done yet: every city listed, none rolled out, no database made just to look
    let rows = status(state, &[]);
    assert_eq!(rows.len(), 18);
    assert!(
        rows.iter()
            .all(|r| r["release"].is_null() && r["health"].is_null())
    );
    assert!(
        city(&rows, "hebi")["schema"]["note"]
            .as_str()
            .unwrap()
            .contains("db migrate hebi")
    );
    assert!(!state.join("sandbox/db/hebi.sqlite").exists());

    let r = run(jinbao(state).args([
        "rollout",
        "examples/unified-app",
        "--wave",
        "pilot",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for _ in 0..2 {
        assert_eq!(
            run(jinbao(state).args(["health", "--wave", "pilot"])).code,
            0
        );
    }
    // Hebi's county data, loaded with defects, checked twice
    let out = state.join("extracts");
    let r = run(jinbao(state).args([
        "data",
        "synth",
        "hebi",
        "--persons",
        "400",
        "--defects",
        "0.05",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for c in r.json()["counties"].as_array().unwrap() {
        let r = run(jinbao(state).args([
            "data",
            "import",
            "hebi",
            "--county",
            c["code"].as_str().unwrap(),
            c["folder"].as_str().unwrap(),
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    for _ in 0..2 {
        assert_eq!(
            run(jinbao(state).args(["data", "check", "hebi"])).code,
            1,
            "injected defects fail error rules"
        );
    }

    let rows = status(state, &[]);
    for pilot in ["xuchang", "zhoukou", "hebi"] {
        let c = city(&rows, pilot);
        assert_eq!(c["wave"], "pilot");
        assert_eq!(c["release"], "1.0.0", "{c}");
        assert_eq!(c["last_change"]["result"], "deployed");
        assert_eq!(c["health"]["status"], "OK", "{c}");
        assert_eq!(c["health"]["trend"], serde_json::json!(["OK", "OK"]));
        assert_eq!(c["schema"]["pending"], 0, "{c}");
        assert!(c["schema"]["current"].as_u64().unwrap() >= 1);
    }
    let hebi = city(&rows, "hebi");
    assert!(
        hebi["data"]["failed_errors"].as_u64().unwrap() > 0,
        "{hebi}"
    );
    assert!(hebi["data"]["score"].as_f64().unwrap() < 100.0);
    assert_eq!(hebi["data"]["previous_score"], hebi["data"]["score"]);
    // every county's first loads: every row new, nothing changed or missing
    let cycle = &hebi["concentration"]["last_cycle"];
    assert!(cycle["new"].as_u64().unwrap() > 400, "{hebi}");
    assert_eq!(
        (&cycle["changed"], &cycle["missing"]),
        (&0.into(), &0.into())
    );
    let zhengzhou = city(&rows, "zhengzhou");
    assert!(
        zhengzhou["release"].is_null()
            && zhengzhou["last_change"].is_null()
            && zhengzhou["data"].is_null()
    );

    // --offline leaves the databases alone; the human view sums up the province
    let rows = status(state, &["--offline", "--wave", "pilot"]);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["schema"].is_null()));
    let r = run(jinbao(state).arg("status"));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("3 of 18 cities on 1.0.0"), "{}", r.stdout);
    assert!(
        r.stdout.contains("1 with failing data rules"),
        "{}",
        r.stdout
    );
}

/// A check of some rules (`--rule`) is partial: it never becomes the city's data score, its
/// health or its assessment, and no score anywhere reads `-0.0` (an empty float sum in Rust).
#[test]
fn a_partial_data_check_is_not_the_city_score() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let r = run(jinbao(state).args(["db", "migrate", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(state).args(["data", "check", "hebi", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let full = r.json()[0].clone();
    let score = full["score"].as_f64().unwrap();
    // the sandbox's Hebi breaks one warning rule
    let failing: Vec<&str> = full["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["passed"] == false)
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(!failing.is_empty(), "{full}");
    let nagios =
        || run(jinbao(state).args(["health", "hebi", "--only", "data", "--format", "nagios"]));
    // health first: its run counts in the assessment
    let health_before = nagios();
    let before = status(state, &[]);
    let before = city(&before, "hebi").clone();
    assert_eq!(before["data"]["score"].as_f64(), Some(score), "{before}");

    // only the failing rule: nothing passes
    let rules = failing.join(",");
    let r = run(jinbao(state).args(["data", "check", "hebi", "--rule", &rules]));
    assert!(!r.stdout.contains("-0.0"), "{}", r.stdout);
    assert!(r.stdout.contains("partial"), "{}", r.stdout);
    let r = run(jinbao(state).args(["data", "check", "hebi", "--rule", &rules, "--json"]));
    assert!(!r.stdout.contains("-0.0"), "{}", r.stdout);
    let partial = r.json()[0].clone();

    // the city's score, health and assessment are those of the full check
    let after = status(state, &[]);
    let after = city(&after, "hebi");
    assert_eq!(after["data"], before["data"], "{after}");
    assert_eq!(after["score"], before["score"], "{after}");
    let table = run(jinbao(state).args(["status"]));
    assert!(!table.stdout.contains("-0.0"), "{}", table.stdout);
    assert!(!table.stdout.contains('↓'), "{}", table.stdout);
    let explain = run(jinbao(state).args(["status", "hebi", "--explain"]));
    assert!(!explain.stdout.contains("-0.0"), "{}", explain.stdout);
    let health_after = nagios();
    assert_eq!(
        health_after.code, health_before.code,
        "{}",
        health_after.stdout
    );
    assert!(
        health_after
            .stdout
            .contains(&format!("'hebi_data_score'={score};")),
        "{}",
        health_after.stdout
    );
    // the run says what it was
    assert_eq!(full["partial"], false);
    assert_eq!(partial["partial"], true, "{partial}");
    assert!(r.stdout.contains("\"partial\": true"), "{}", r.stdout);
}
