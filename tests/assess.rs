//! The province's assessment (issue 16): milestones, scores, attention, snapshots and the
//! report, end to end on the sandbox, with the report opened in a real headless Chromium.

mod common;

use std::path::Path;

use common::chromium::{self, Page};
use common::{jinbao, run};
use serde_json::Value;

const PILOTS: [&str; 3] = ["xuchang", "zhoukou", "hebi"];

fn status(state: &Path, extra: &[&str]) -> Vec<Value> {
    let r = run(jinbao(state)
        .args(["status", "--json", "--offline"])
        .args(extra));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().unwrap().clone()
}

fn city<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter().find(|r| r["city"] == name).unwrap()
}

fn milestone<'a>(row: &'a Value, name: &str) -> &'a Value {
    row["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no milestone {name} in {row}"))
}

fn holding(row: &Value) -> Vec<String> {
    row["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["holds"] == true)
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect()
}

/// Every resident-ID-shaped token (17 digits and a digit or X) in `text`.
fn id_like(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 18 || (run == 17 && b.get(i + 17) == Some(&b'X')) {
            out.push(text[i..i + 18].to_string());
        }
        i += run.max(1);
    }
    out
}

/// The "done when" of issue 16, step by step.
#[test]
fn the_province_assesses_every_city_and_mails_a_report() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let r = run(jinbao(state).args([
        "rollout",
        "examples/unified-app",
        "--wave",
        "pilot",
        "--provision",
        "--migrate",
        "--no-pause",
        "--yes",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // one county of Hebi
    let extracts = state.join("extracts");
    let r = run(jinbao(state).args([
        "data",
        "synth",
        "hebi",
        "--persons",
        "200",
        "--seed",
        "7",
        "--out",
        extracts.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let county = r.json()["counties"][0].clone();
    let r = run(jinbao(state).args([
        "data",
        "import",
        "hebi",
        "--county",
        county["code"].as_str().unwrap(),
        county["folder"].as_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    // the pilots live, the fifteen others with no milestone, every city with a score
    let rows = status(state, &[]);
    assert_eq!(rows.len(), 18);
    for row in &rows {
        let score = row["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score), "{row}");
        let names: Vec<&str> = row["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "environment_ready",
                "schema_ready",
                "application_live",
                "data_concentrated",
                "accepted"
            ]
        );
        let pilot = PILOTS.contains(&row["city"].as_str().unwrap());
        if pilot {
            assert_eq!(
                holding(row),
                ["environment_ready", "schema_ready", "application_live"],
                "{row}"
            );
            assert!(milestone(row, "application_live")["reached_at"].is_string());
            assert_eq!(row["next"]["milestone"], "data_concentrated");
            assert!(
                row["concentration"].is_null(),
                "shown as – until data progress"
            );
        } else {
            assert!(holding(row).is_empty(), "{row}");
            assert!(
                row["milestones"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|m| m["reached_at"].is_null())
            );
        }
        assert_eq!(row["attention_level"], 0, "{row}");
    }
    let pilot_score = city(&rows, "hebi")["score"].as_f64().unwrap();
    assert!(pilot_score > city(&rows, "kaifeng")["score"].as_f64().unwrap());
    let r = run(jinbao(state).args(["status", "--offline"]));
    assert_eq!(r.code, 0);
    for line in r.stdout.lines().filter(|l| l.contains("┆")) {
        let pilot = PILOTS.iter().any(|p| line.contains(&format!(" {p} ")));
        let wanted = if pilot {
            "3/5 application live"
        } else {
            "0/5 none"
        };
        if !line.contains("city") {
            assert!(line.contains(wanted), "{line}");
            assert!(line.contains(" – "), "concentration unknown: {line}");
        }
    }

    // `status hebi --explain` adds up to the score status gives
    let r = run(jinbao(state).args(["status", "hebi", "--explain", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = r.json();
    assert_eq!(e["score"].as_f64().unwrap(), pilot_score);
    let criteria = e["criteria"].as_array().unwrap();
    let names: Vec<&str> = criteria
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "milestones",
            "data_score",
            "health",
            "concentration",
            "timeliness"
        ]
    );
    let points: f64 = criteria.iter().map(|c| c["points"].as_f64().unwrap()).sum();
    assert!(
        (points - pilot_score).abs() < 1e-9,
        "{points} vs {pilot_score}"
    );
    for c in criteria {
        assert!(c["weight"].is_number() && c["facts"].is_array(), "{c}");
        let (value, max) = (c["value"].as_f64(), c["max_points"].as_f64().unwrap());
        let expected = max * value.unwrap_or(0.0);
        assert!(
            (c["points"].as_f64().unwrap() - expected).abs() <= 0.1,
            "{c}"
        );
    }
    let max: f64 = criteria
        .iter()
        .map(|c| c["max_points"].as_f64().unwrap())
        .sum();
    assert!(
        (max - 100.0).abs() <= 0.1,
        "the measured criteria share 100: {max}"
    );
    let milestones = &criteria[0];
    assert_eq!(milestones["value"].as_f64(), Some(0.6), "3 of 5 hold");
    assert!(criteria[3]["value"].is_null(), "concentration left out");
    let human = run(jinbao(state).args(["status", "hebi", "--explain"]));
    assert!(human.stdout.contains(&format!("score {pilot_score:.1}")));
    let r = run(jinbao(state).args(["status", "--wave", "pilot", "--explain"]));
    assert_eq!(r.code, 2, "--explain takes one city");

    // a failed health check on Zhoukou moves it to the top and flags it
    let app1 = state.join("sandbox/hosts/zhoukou/zhoukou-app1/etc/jinbao/app.toml");
    std::fs::remove_file(&app1).unwrap();
    let r = run(jinbao(state).args(["health", "zhoukou"]));
    assert_eq!(r.code, 2, "CRITICAL: {}", r.stdout);
    let rows = status(state, &[]);
    let top = &rows[0];
    assert_eq!(top["city"], "zhoukou", "{top}");
    assert_eq!(top["attention_level"], 3);
    assert!(
        top["attention"][0]
            .as_str()
            .unwrap()
            .contains("health CRITICAL"),
        "{top}"
    );
    let live = milestone(top, "application_live");
    assert!(
        live["holds"] == false && live["reached_at"].is_string(),
        "lapsed: {live}"
    );
    assert!(top["score"].as_f64().unwrap() < pilot_score);
    assert!(rows[1..].iter().all(|r| r["attention_level"] == 0));
    let r = run(jinbao(state).args(["status", "--offline"]));
    let first = r
        .stdout
        .lines()
        .find(|l| l.contains("┆") && !l.contains("city"))
        .unwrap();
    assert!(first.starts_with("│ ! zhoukou 周口市"), "{first}");
    assert!(r.stdout.contains("needs attention"), "{}", r.stdout);

    // the report: one self-contained file, no personal data
    let html_path = state.join("r.html");
    let r = run(jinbao(state).args(["report", "--out", html_path.to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"));
    for forbidden in [
        "<script",
        " src=",
        "@import",
        "url(",
        "<img",
        "<link rel=\"stylesheet\"",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the report");
    }
    for href in html.split("href=\"").skip(1) {
        assert!(href.starts_with('#') || href.starts_with("data:"), "{href}");
    }
    assert!(html.contains("鹤壁市") && html.contains("Noto Sans CJK SC"));
    let persons =
        std::fs::read_to_string(Path::new(county["folder"].as_str().unwrap()).join("persons.csv"))
            .unwrap();
    let ids = id_like(&persons);
    assert!(ids.len() > 10, "the extract has ID numbers");
    assert!(id_like(&html).is_empty(), "no ID number in the report");

    // the province table for mail and wikis
    let r = run(jinbao(state).args(["report", "--format", "csv"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut csv = csv::Reader::from_reader(r.stdout.as_bytes());
    let header = csv.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 18);
    assert_eq!(&records[0][col("city")], "zhoukou");
    assert_eq!(&records[0][col("attention")], "urgent");
    for rec in &records {
        let row = city(&rows, &rec[col("city")]);
        assert_eq!(
            rec[col("score")],
            format!("{:.1}", row["score"].as_f64().unwrap())
        );
        assert_eq!(&rec[col("name")], row["name"].as_str().unwrap());
    }
    assert!(id_like(&r.stdout).is_empty());
    let r = run(jinbao(state).args(["report", "--format", "markdown"]));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 20, "header, rule, 18 cities");
    assert!(lines.iter().all(|l| l.starts_with('|') && l.ends_with('|')));

    // what a person sees in a real browser: the same numbers, the charts, nothing fetched
    let Some(browser) = chromium::ensure("the_province_assesses_every_city_and_mails_a_report")
    else {
        return;
    };
    let mut page = Page::open(&browser, &html_path);
    let shown = page.eval(
        "Array.from(document.querySelectorAll('#province tbody tr')).map(tr => ({ \
           city: tr.dataset.city, cells: Array.from(tr.cells).map(td => td.innerText.trim()) }))",
    );
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), 18);
    let order: Vec<&str> = shown.iter().map(|r| r["city"].as_str().unwrap()).collect();
    let status_order: Vec<&str> = rows.iter().map(|r| r["city"].as_str().unwrap()).collect();
    assert_eq!(order, status_order, "the same order as status");
    for r in shown {
        let row = city(&rows, r["city"].as_str().unwrap());
        let cells: Vec<&str> = r["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let flag = if row["attention_level"] == 3 {
            "⚠"
        } else {
            ""
        };
        assert_eq!(cells[0], flag, "{r}");
        assert_eq!(
            cells[1],
            format!(
                "{} {}",
                row["name"].as_str().unwrap(),
                row["city"].as_str().unwrap()
            )
        );
        let holding = holding(row).len();
        assert!(cells[3].starts_with(&format!("{holding}/5 ")), "{r}");
        assert_eq!(
            cells[4],
            format!("{:.1}", row["score"].as_f64().unwrap()),
            "{r}"
        );
        assert_eq!(cells[5], row["release"].as_str().unwrap_or("-"));
        assert_eq!(cells[8], "–");
    }
    // one score chart per city, a health chart per city with health runs, no data check yet
    let with_health = rows.iter().filter(|r| !r["health"].is_null()).count();
    let charts = page.eval(
        "Array.from(document.querySelectorAll('svg.chart')) \
           .filter(s => s.getBoundingClientRect().width > 0).length",
    );
    assert_eq!(charts.as_u64().unwrap() as usize, 18 + with_health);
    assert_eq!(
        page.eval("document.querySelectorAll('svg.chart[data-chart=health]').length"),
        with_health
    );
    let url = format!("file://{}", html_path.display());
    let requests = page.requests();
    assert!(
        requests.iter().all(|r| r == &url || r.starts_with("data:")),
        "requests left the file: {requests:?}"
    );
    assert!(requests.contains(&url));
    assert_eq!(page.errors(), Vec::<String>::new(), "console errors");
    // Chinese names drawn with a font that has their glyphs
    let fonts = page.fonts_of("tr[data-city=hebi] td a");
    let cjk = [
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "PingFang SC",
        "Hiragino Sans GB",
        "Microsoft YaHei",
        "WenQuanYi Micro Hei",
    ];
    assert!(
        fonts
            .iter()
            .any(|(family, glyphs)| cjk.contains(&family.as_str()) && *glyphs >= 3),
        "{fonts:?}"
    );
    let text = page
        .eval("document.body.innerText")
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("鹤壁市 hebi (410600)") && text.contains("Wave plan"));
    assert!(id_like(&text).is_empty());
}

fn explain(state: &Path, city: &str) -> Value {
    let r = run(jinbao(state).args(["status", city, "--explain", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn detail<'a>(explained: &'a Value, name: &str) -> &'a Value {
    explained["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap()
}

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
    assert_eq!(rows[0]["city"], "hebi", "flagged first");
    assert_eq!(hebi["attention_level"], 2);
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
    assert_eq!(zhengzhou["attention_level"], 1);
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
    assert!(html.contains("overdue by 61 days"), "the wave plan");
    assert!(html.contains("<td>2027-09-30</td>"));
}
