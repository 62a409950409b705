//! `jinbao status`: the province-wide view, built from what rollouts, health and data checks
//! left in the state folder.

mod common;

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
