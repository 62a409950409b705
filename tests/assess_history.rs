//! The assessment over time: milestones that stop holding keep the day they were first
//! reached, facts learnt from provisioning and the schema, daily snapshots, acceptance after
//! a month, and waves past their planned dates (time pinned with JINBAO_NOW).

use crate::common;

use common::assess::{city, detail, explain, milestone, status};
use common::{jinbao, run};
use serde_json::Value;

/// Provisioning and the schema teach the assessment; a milestone that stops holding keeps the
/// date it was first reached (from the daily snapshot once its facts are gone) and is flagged.
#[test]
fn milestones_lapse_and_keep_the_day_they_were_reached() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    // provision plan alone: servers not built yet, so the environment is not ready
    let r = run(jinbao(state).args(["provision", "plan", "hebi"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    let e = explain(state, "hebi");
    let env = detail(&e, "environment_ready");
    assert_eq!(env["holds"], false);
    assert!(env["reached_at"].is_null());
    assert!(
        env["missing"]
            .as_str()
            .unwrap()
            .contains("provision apply hebi"),
        "{env}"
    );
    let r = run(jinbao(state).args(["provision", "apply", "hebi", "--yes"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(state).args(["db", "migrate", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = explain(state, "hebi");
    for m in ["environment_ready", "schema_ready"] {
        assert_eq!(detail(&e, m)["holds"], true, "{e}");
    }
    let env_reached = detail(&e, "environment_ready")["reached_at"].clone();
    assert!(
        detail(&e, "schema_ready")["facts"][0]
            .as_str()
            .unwrap()
            .starts_with("db migrate at")
    );

    // the day's snapshot: private, atomic, every site
    let r = run(jinbao(state).args(["status", "--record", "--offline"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let snapshots: Vec<_> = std::fs::read_dir(state.join("assessments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(snapshots.len(), 1, "{snapshots:?}");
    let meta = std::fs::metadata(&snapshots[0]).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
        0o600
    );
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshots[0]).unwrap()).unwrap();
    assert_eq!(snap["version"], 1);
    assert_eq!(
        snap["sites"].as_array().unwrap().len(),
        19,
        "the center and 18 cities"
    );
    let hebi = snap["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["city"] == "hebi")
        .unwrap();
    let points: f64 = hebi["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["points"].as_f64().unwrap())
        .sum();
    assert!((points - hebi["score"].as_f64().unwrap()).abs() < 1e-9);

    // a server changed by hand: the environment is no longer ready, and says since when it was
    std::fs::remove_file(state.join("sandbox/hosts/hebi/hebi-app1/etc/jinbao/NOTICE")).unwrap();
    let r = run(jinbao(state).args(["provision", "plan", "hebi"]));
    assert_eq!(r.code, 3);
    let rows = status(state, &[]);
    let hebi = city(&rows, "hebi");
    let env = milestone(hebi, "environment_ready");
    assert_eq!(env["holds"], false);
    assert_eq!(env["reached_at"], env_reached);
    assert_eq!(rows[0]["city"], "hebi", "flagged first: {}", rows[0]);
    // a milestone that held and was lost is urgent
    assert_eq!(hebi["attention_level"], 3);
    assert!(
        hebi["attention"][0]
            .as_str()
            .unwrap()
            .starts_with("environment ready no longer holds")
    );

    // the schema drifted from its migrations
    let db = rusqlite::Connection::open(state.join("sandbox/db/hebi.sqlite")).unwrap();
    db.execute_batch("CREATE TABLE stray (x INTEGER)").unwrap();
    drop(db);
    let r = run(jinbao(state).args(["db", "drift", "hebi"]));
    assert_eq!(r.code, 3, "{}", r.stdout);
    let e = explain(state, "hebi");
    let schema = detail(&e, "schema_ready");
    assert_eq!(schema["holds"], false);
    assert!(schema["reached_at"].is_string());
    assert!(
        schema["missing"].as_str().unwrap().contains("drifted"),
        "{schema}"
    );

    // with the facts gone, the snapshot still knows when the environment was first ready
    std::fs::remove_dir_all(state.join("facts")).unwrap();
    let e = explain(state, "hebi");
    let env = detail(&e, "environment_ready");
    assert_eq!(env["holds"], false);
    assert_eq!(env["reached_at"], env_reached);

    // the province center has its own two milestones
    let rows = status(state, &["--province"]);
    assert_eq!(rows.len(), 19);
    assert_eq!(rows[0]["city"], "henan");
    let names: Vec<&str> = rows[0]["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["environment_ready", "schema_ready"]);
}

/// Time, pinned with JINBAO_NOW: a pilot live, healthy and clean for 30 days is accepted; a
/// wave past its planned date is flagged and loses its timeliness.
#[test]
fn time_brings_acceptance_and_deadlines() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let at = |now: &str, args: &[&str]| {
        let r = run(jinbao(state).env("JINBAO_NOW", now).args(args));
        assert!(r.code == 0, "{args:?} at {now}: {}\n{}", r.stdout, r.stderr);
        r
    };
    let day0 = "2027-03-01T02:00:00Z";
    at(
        day0,
        &[
            "rollout",
            "examples/unified-app",
            "hebi",
            "--provision",
            "--migrate",
            "--no-pause",
        ],
    );
    let extracts = state.join("extracts");
    let r = at(
        day0,
        &[
            "data",
            "synth",
            "hebi",
            "--persons",
            "100",
            "--defects",
            "0",
            "--seed",
            "2",
            "--out",
            extracts.to_str().unwrap(),
            "--json",
        ],
    );
    for c in r.json()["counties"].as_array().unwrap() {
        at(
            day0,
            &[
                "data",
                "import",
                "hebi",
                "--county",
                c["code"].as_str().unwrap(),
                c["folder"].as_str().unwrap(),
            ],
        );
    }
    at(day0, &["data", "check", "hebi"]);
    at(day0, &["health", "hebi"]);
    let rows = |now: &str| at(now, &["status", "--json", "--offline"]).json();

    let early = rows("2027-03-20T02:00:00Z");
    let accepted = milestone(city(early.as_array().unwrap(), "hebi"), "accepted");
    assert_eq!(accepted["holds"], false);
    let e = at(
        "2027-03-20T02:00:00Z",
        &["status", "hebi", "--explain", "--json"],
    )
    .json();
    assert!(
        detail(&e, "accepted")["missing"]
            .as_str()
            .unwrap()
            .contains("11 more days"),
        "{e}"
    );

    at("2027-04-01T02:00:00Z", &["health", "hebi"]);
    let later = rows("2027-04-01T03:00:00Z");
    let hebi = city(later.as_array().unwrap(), "hebi");
    let accepted = milestone(hebi, "accepted");
    assert_eq!(accepted["holds"], true, "{hebi}");
    assert!(
        accepted["reached_at"]
            .as_str()
            .unwrap()
            .starts_with("2027-03-31T02:00")
    );
    assert_eq!(hebi["attention_level"], 0);
    let e = at(
        "2027-04-01T03:00:00Z",
        &["status", "hebi", "--explain", "--json"],
    )
    .json();
    let timeliness = &e["criteria"][4];
    assert_eq!(
        timeliness["value"].as_f64(),
        Some(1.0),
        "live before 2027-04-30"
    );
    let data = &e["criteria"][1];
    assert_eq!(data["value"].as_f64(), Some(1.0), "{data}");

    // the demonstration wave was due live by 2027-09-30: two months on, nothing is
    let late = rows("2027-11-30T02:00:00Z");
    let late = late.as_array().unwrap();
    let zhengzhou = city(late, "zhengzhou");
    // late (past the planned date) is a problem, after what was lost
    assert_eq!(zhengzhou["attention_level"], 2);
    assert!(
        zhengzhou["attention"][0]
            .as_str()
            .unwrap()
            .contains("was due live by 2027-09-30")
    );
    let e = at(
        "2027-11-30T02:00:00Z",
        &["status", "zhengzhou", "--explain", "--json"],
    )
    .json();
    assert_eq!(
        e["criteria"][4]["value"].as_f64(),
        Some(0.0),
        "61 days late of 60"
    );
    assert!(
        city(late, "kaifeng")["attention_level"] == 0,
        "general is due in 2028"
    );
    // Hebi had no health run for months: no longer accepted, and flagged for it
    let hebi = city(late, "hebi");
    assert_eq!(milestone(hebi, "accepted")["holds"], false);
    assert!(
        hebi["attention"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("accepted no longer holds"))
    );
    let html = state.join("late.html");
    at(
        "2027-11-30T02:00:00Z",
        &["report", "--out", html.to_str().unwrap()],
    );
    let html = std::fs::read_to_string(html).unwrap();
    // in Chinese by default, in English when asked
    assert!(html.contains("已逾期 61 天"), "the wave plan");
    assert!(html.contains("<td>2027-09-30</td>"));
    let english = state.join("late-en.html");
    at(
        "2027-11-30T02:00:00Z",
        &["report", "--lang", "en", "--out", english.to_str().unwrap()],
    );
    let english = std::fs::read_to_string(english).unwrap();
    assert!(english.contains("overdue by 61 days"), "the wave plan");
}

/// A snapshot asked for with `status --record` that cannot be kept fails the command; one taken
/// after a health run only warns: the health run did its own work.
#[test]
fn a_snapshot_that_cannot_be_kept() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    std::fs::write(state.join("assessments"), "not a folder").unwrap();
    let r = run(jinbao(state).args(["status", "--record", "--offline"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("cannot write the assessment snapshot"),
        "{}",
        r.stderr
    );
    let r = run(jinbao(state).args(["health", "luohe", "--only", "disk", "--json"]));
    assert_eq!(r.code as u64, r.json()["exit"].as_u64().unwrap());
    assert!(
        r.stderr
            .contains("warning: cannot write the assessment snapshot"),
        "{}",
        r.stderr
    );
}
