//! `jinbao profile …` over the shipped profiles and over broken copies of them.

use crate::common;

use std::path::Path;

use common::{copy_project, jinbao, run};

const CITIES: &[(&str, &str, &str)] = &[
    ("410100", "郑州市", "zhengzhou"),
    ("410200", "开封市", "kaifeng"),
    ("410300", "洛阳市", "luoyang"),
    ("410400", "平顶山市", "pingdingshan"),
    ("410500", "安阳市", "anyang"),
    ("410600", "鹤壁市", "hebi"),
    ("410700", "新乡市", "xinxiang"),
    ("410800", "焦作市", "jiaozuo"),
    ("410900", "濮阳市", "puyang"),
    ("411000", "许昌市", "xuchang"),
    ("411100", "漯河市", "luohe"),
    ("411200", "三门峡市", "sanmenxia"),
    ("411300", "南阳市", "nanyang"),
    ("411400", "商丘市", "shangqiu"),
    ("411500", "信阳市", "xinyang"),
    ("411600", "周口市", "zhoukou"),
    ("411700", "驻马店市", "zhumadian"),
    ("419001", "济源市", "jiyuan"),
];

#[test]
fn shipped_profiles_are_valid_in_every_environment() {
    let state = tempfile::tempdir().unwrap();
    for env in ["sandbox", "testbed", "production"] {
        let r = run(jinbao(state.path()).args(["--env", env, "profile", "validate"]));
        assert_eq!(r.code, 0, "{env}: {}", r.stderr);
        assert!(r.stdout.contains("19 profiles valid"), "{}", r.stdout);
    }
}

#[test]
fn list_json_has_exactly_the_18_cities() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["profile", "list", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.json();
    let got: Vec<(String, String, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (s("code"), s("name"), s("pinyin"))
        })
        .collect();
    let want: Vec<(String, String, String)> = CITIES
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
    let pilots: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["wave"] == "pilot")
        .map(|c| c["pinyin"].as_str().unwrap())
        .collect();
    assert_eq!(pilots, ["hebi", "xuchang", "zhoukou"]);
    for c in rows.as_array().unwrap() {
        assert!(["pilot", "demonstration", "general"].contains(&c["wave"].as_str().unwrap()));
        assert_eq!(c["kind"], "city");
    }
    // the province only when asked, and marked as such
    let r = run(jinbao(state.path()).args(["profile", "list", "--json", "--province"]));
    let rows = r.json();
    assert_eq!(rows.as_array().unwrap().len(), 19);
    assert_eq!(rows[0]["code"], "410000");
    assert_eq!(rows[0]["kind"], "province");
}

#[test]
fn list_table_renders_chinese_names_aligned() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["profile", "list"]));
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("profile_list", r.stdout);
}

#[test]
fn show_accepts_pinyin_chinese_name_and_code() {
    let state = tempfile::tempdir().unwrap();
    let outputs: Vec<String> = ["许昌", "许昌市", "xuchang", "411000", "XUCHANG"]
        .iter()
        .map(|q| {
            let r = run(jinbao(state.path()).args(["profile", "show", q]));
            assert_eq!(r.code, 0, "{q}: {}", r.stderr);
            r.stdout
        })
        .collect();
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    assert!(outputs[0].contains("code = \"411000\""));
    let r = run(jinbao(state.path()).args(["profile", "show", "nowhere"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no city named `nowhere`"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: one of: zhengzhou"), "{}", r.stderr);
}

#[test]
fn show_origin_names_the_layer_of_each_value() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args([
        "--env",
        "testbed",
        "--set",
        "app.keep_releases=7",
        "profile",
        "show",
        "hebi",
        "--origin",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let origin = &v["origin"];
    assert_eq!(v["profile"]["app"]["keep_releases"], 7);
    assert_eq!(origin["app.keep_releases"], "--set:1");
    assert!(
        origin["city.code"]
            .as_str()
            .unwrap()
            .starts_with("profiles/cities/hebi.toml:")
    );
    assert!(
        origin["app.install_dir"]
            .as_str()
            .unwrap()
            .starts_with("profiles/province.toml:")
    );
    assert!(
        origin["database.dsn"]
            .as_str()
            .unwrap()
            .starts_with("profiles/env/testbed.toml:")
    );
    assert!(
        origin["checks.timeout"]
            .as_str()
            .unwrap()
            .starts_with("<built-in defaults>")
    );
    // placeholders are expanded per city
    assert_eq!(
        v["profile"]["database"]["dsn"],
        "postgresql://127.0.0.1:5432/jinbao_hebi"
    );
    // the environment overlay's servers replace the production addresses, by name
    let servers = &v["profile"]["datacenter"]["servers"];
    assert_eq!(servers["hebi-app1"]["address"], "10.204.13.2");
    assert_eq!(servers["hebi-app1"]["roles"], serde_json::json!(["app"]));
}

#[test]
fn diff_lists_what_differs() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["profile", "diff", "xuchang", "zhengzhou", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.json();
    let keys: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"city.code"));
    assert!(keys.contains(&"checks.disk_warn_pct"));
    assert!(!keys.contains(&"app.install_dir"));
    let warn = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "checks.disk_warn_pct")
        .unwrap();
    assert_eq!(warn["a"], "80.0");
    assert_eq!(warn["b"], "75.0");
}

#[test]
fn production_must_be_named_on_the_command_line() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path())
        .env("JINBAO_ENV", "production")
        .args(["profile", "list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("environment `production` is protected"),
        "{}",
        r.stderr
    );
    let r = run(jinbao(state.path())
        .env("JINBAO_ENV", "testbed")
        .args(["profile", "list", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()[0]["engine"], "postgres");
}

/// Each case under tests/invalid-profiles/ edits a copy of the shipped profiles and must make
/// `profile validate` exit 2 with exactly the errors in its snapshot.
#[test]
fn invalid_profiles_fail_with_exact_errors() {
    let cases = common::repo().join("tests/invalid-profiles");
    let mut names: Vec<_> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 8);
    for case in names {
        let work = tempfile::tempdir().unwrap();
        copy_project(work.path());
        apply_edits(&case, work.path());
        let state = work.path().join("state");
        let r = run(jinbao(&state)
            .current_dir(work.path())
            .args(["profile", "validate"]));
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        assert_eq!(r.code, 2, "{name} must fail:\n{}", r.stderr);
        insta::with_settings!({ snapshot_path => cases.join("expected"), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, r.stderr);
        });
    }
}

/// `[[edit]] file = "…" find = "…" replace = "…"` applied in order.
fn apply_edits(case: &Path, root: &Path) {
    let spec: toml::Table = toml::from_str(&std::fs::read_to_string(case).unwrap()).unwrap();
    for edit in spec["edit"].as_array().unwrap() {
        let file = root.join("profiles").join(edit["file"].as_str().unwrap());
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let find = edit["find"].as_str().unwrap();
        assert!(
            text.contains(find),
            "{}: `{find}` not found in {}",
            case.display(),
            file.display()
        );
        let new = text.replacen(find, edit["replace"].as_str().unwrap(), 1);
        std::fs::write(&file, new).unwrap();
    }
}

/// The PostgreSQL version names folders, binaries and units in the scripts jinbao sends to a db
/// server: a profile that sets anything but a version number is refused where it says so.
#[test]
fn a_server_version_that_is_not_a_number_is_refused() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args([
        "--set",
        "database.server.version=15; touch /tmp/jinbao-pwned",
        "profile",
        "show",
        "hebi",
    ]));
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("is not a PostgreSQL major version"),
        "{}",
        r.stderr
    );
    let ok = run(jinbao(state.path()).args([
        "--set",
        "database.server.version=\"16\"",
        "profile",
        "show",
        "hebi",
    ]));
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}
