//! One interface for people and scripts (issue 14): bad input refused with what was meant,
//! releases that say where they went and never change under one version, tables that fit the
//! terminal, plan files for provisioning, `db repair`, and Nagios thresholds.

use crate::common;

use common::{copy_project, jinbao, pty, repo, run};

/// No error speaks Rust: no type names, no debug text.
fn assert_plain(stderr: &str) {
    for rust in [
        "u32",
        "u64",
        "usize",
        "i64",
        "f64",
        "Some(",
        "None",
        "invalid digit",
        "struct ",
        "Error {",
        "Os {",
    ] {
        assert!(!stderr.contains(rust), "`{rust}` in:\n{stderr}");
    }
}

#[test]
fn bad_input_is_refused_with_what_was_meant() {
    let state = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        // --set without `=`
        (
            &["--set", "app.keep_releases", "profile", "show", "xuchang"],
            "`app.keep_releases` has no value: write KEY=VALUE",
        ),
        // a city together with --all or --wave
        (&["ping", "xuchang", "--all"], "cannot be used with '--all'"),
        (
            &["ping", "xuchang", "--wave", "pilot"],
            "cannot be used with '--wave",
        ),
        (
            &["db", "status", "--wave", "pilot", "--all"],
            "cannot be used with '--all'",
        ),
        // an unknown city, wave, rule or profile key: the nearest known one
        (&["profile", "show", "xuchag"], "did you mean `xuchang`?"),
        (&["ping", "--wave", "pliot"], "did you mean `pilot`?"),
        (
            &["data", "check", "hebi", "--rule", "person_id_chek_char"],
            "did you mean `person_id_check_char`?",
        ),
        (
            &["--set", "app.kep_releases=3", "profile", "show", "xuchang"],
            "did you mean `keep_releases`?",
        ),
        // numbers and versions in the user's words
        (
            &[
                "--set",
                "app.keep_releases=many",
                "profile",
                "show",
                "xuchang",
            ],
            "expected a whole number (0 or more), found the text \"many\"",
        ),
        (
            &["db", "status", "hebi", "--jobs", "0"],
            "expected a whole number of at least 1",
        ),
        (
            &["ping", "hebi", "--jobs", "x"],
            "expected a whole number of at least 1, not `x`",
        ),
        (
            &[
                "release",
                "pack",
                "examples/unified-app",
                "--schema",
                "eight",
            ],
            "expected a schema version such as 8 or V008",
        ),
        (
            &[
                "data",
                "synth",
                "hebi",
                "--persons",
                "10",
                "--defects",
                "5",
                "--out",
                "x",
            ],
            "a share from 0 to 1",
        ),
        // db migrate --to a version that does not exist
        (
            &["db", "migrate", "hebi", "--to", "99"],
            "there is no migration V099 (the newest is V0",
        ),
        (
            &["db", "baseline", "hebi", "--to", "V077"],
            "there is no migration V077",
        ),
    ];
    for (args, expected) in cases {
        let r = run(jinbao(state.path()).args(*args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains(expected), "{args:?}:\n{}", r.stderr);
        assert_plain(&r.stderr);
    }
    // nothing was migrated by the refused --to
    assert!(!state.path().join("sandbox/db/hebi.sqlite").exists());
    // a health check name: UNKNOWN, as monitoring wants, with the nearest check
    let r = run(jinbao(state.path()).args(["health", "hebi", "--only", "dsk"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `disk`?"), "{}", r.stderr);
}

/// A profile key of the wrong type, in a file: the diagnostic says what was expected in words.
#[test]
fn profile_type_errors_speak_plainly() {
    let dir = tempfile::tempdir().unwrap();
    copy_project(dir.path());
    let file = dir.path().join("profiles/cities/xuchang.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\n[app]\nkeep_releases = \"five\"\n")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    let r = run(jinbao(state.path()).args([
        "--profiles",
        profiles.to_str().unwrap(),
        "profile",
        "validate",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("expected a whole number (0 or more), found the text \"five\""),
        "{}",
        r.stderr
    );
    assert_plain(&r.stderr);
}

fn pack(
    state: &std::path::Path,
    src: &std::path::Path,
    version: &str,
    out: &std::path::Path,
) -> common::Run {
    run(jinbao(state).args([
        "release",
        "pack",
        src.to_str().unwrap(),
        "--version",
        version,
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]))
}

#[test]
fn release_pack_out_is_a_file_or_a_folder_and_a_version_keeps_its_content() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let src = w.join("app");
    common::copy_tree(&repo().join("examples/unified-app"), &src);
    // a file name ending in .tar.gz: the tarball itself, its manifest beside it
    let file = w.join("out/unified-1.4.0.tar.gz");
    let r = pack(w, &src, "1.4.0", &file);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["out"], "file");
    assert_eq!(v["repacked"], true);
    assert_eq!(v["tarball"], file.to_str().unwrap());
    assert!(w.join("out/unified-1.4.0.release.toml").is_file());
    assert_eq!(v["manifest"]["tarball"], "unified-1.4.0.tar.gz");
    let r = run(jinbao(w).args(["release", "inspect", file.to_str().unwrap(), "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // a folder: <name>-<version>.tar.gz in it, and the note says which
    let folder = w.join("releases");
    let r = run(jinbao(w).args([
        "release",
        "pack",
        src.to_str().unwrap(),
        "--version",
        "1.4.0",
        "--out",
        folder.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("packed into the folder named by --out"),
        "{}",
        r.stderr
    );
    assert!(folder.join("jinbao-unified-1.4.0.tar.gz").is_file());
    // the same content again: nothing written, said so
    let r = pack(w, &src, "1.4.0", &folder);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["repacked"], false);
    // other content under the same version: refused, the old release untouched
    let before = std::fs::read(folder.join("jinbao-unified-1.4.0.tar.gz")).unwrap();
    std::fs::write(src.join("share/README.txt"), "changed\n").unwrap();
    let r = pack(w, &src, "1.4.0", &folder);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("version 1.4.0 was packed before with other content"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("give this one a new version"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(folder.join("jinbao-unified-1.4.0.tar.gz")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".jinbao-pack"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // with a new version it packs
    let r = pack(w, &src, "1.4.1", &folder);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // --out that is neither
    let r = pack(w, &src, "1.4.2", &w.join("x.tgz"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("neither a folder nor a .tar.gz file name"),
        "{}",
        r.stderr
    );
    // a tarball that is missing is said to be missing
    let r = run(jinbao(w).args(["release", "inspect", "nowhere/app-9.tar.gz"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the release tarball nowhere/app-9.tar.gz does not exist"),
        "{}",
        r.stderr
    );
}

/// Tables fit 80 columns without cutting a word; too wide, they become one record per block.
#[test]
fn tables_fit_the_terminal_without_cutting_a_word() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path())
        .env("COLUMNS", "80")
        .args(["profile", "list"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains('│'), "a grid when it fits:\n{}", r.stdout);
    for line in r.stdout.lines() {
        assert!(unicode_width(line) <= 80, "{line}");
    }
    for word in ["410100", "zhengzhou", "demonstration", "pingdingshan"] {
        assert!(r.stdout.contains(word), "{word} cut:\n{}", r.stdout);
    }
    // 40 columns: no grid fits the words, so one record per block
    let r = run(jinbao(state.path())
        .env("COLUMNS", "40")
        .args(["profile", "list"]));
    assert!(!r.stdout.contains('│'), "{}", r.stdout);
    assert!(r.stdout.contains("pinyin   pingdingshan\n"), "{}", r.stdout);
    for line in r.stdout.lines() {
        assert!(unicode_width(line) <= 40, "{line}");
    }
    // no COLUMNS and no terminal: as wide as it needs (for grep and files)
    let r = run(jinbao(state.path()).args(["profile", "list"]));
    assert!(r.stdout.contains('│'), "{}", r.stdout);
}

/// A terminal that reports 0 columns (serial consoles, some CI runners) gets 80, not a
/// table one character wide; `TERM=dumb` turns colour off.
#[test]
fn a_terminal_of_width_zero_and_a_dumb_terminal() {
    let state = tempfile::tempdir().unwrap();
    let (code, seen) = pty::run_on_terminal(state.path(), 0, &[], &["profile", "list"]);
    assert_eq!(code, 0, "{seen}");
    assert!(
        seen.contains("pingdingshan") && seen.contains("demonstration"),
        "{seen}"
    );
    assert!(
        seen.lines().all(|l| unicode_width(&strip_ansi(l)) <= 80),
        "{seen}"
    );
    let (_, coloured) = pty::run_on_terminal(
        state.path(),
        120,
        &[],
        &["health", "hebi", "--only", "schema"],
    );
    assert!(
        coloured.contains("\x1b["),
        "colour on a terminal:\n{coloured}"
    );
    let (_, dumb) = pty::run_on_terminal(
        state.path(),
        120,
        &[("TERM", "dumb")],
        &["health", "hebi", "--only", "schema"],
    );
    assert!(dumb.contains("WARNING"), "{dumb}");
    assert!(
        !dumb.contains("\x1b["),
        "colour on a dumb terminal:\n{dumb:?}"
    );
}

fn unicode_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{2E80}'..='\u{9FFF}').contains(&c) || ('\u{FF00}'..='\u{FF60}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `provision plan --out FILE` and `provision apply FILE`: exactly the reviewed plan, a city
/// whose servers moved since refused whole.
#[test]
fn provision_plan_files_are_applied_as_recorded() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let plan = s.join("hebi-plan.json");
    let r = run(jinbao(s).args(["provision", "plan", "hebi", "--out", plan.to_str().unwrap()]));
    assert_eq!(r.code, 3, "changes pending: {}", r.stderr);
    assert!(
        r.stderr.contains("apply it with `jinbao provision apply"),
        "{}",
        r.stderr
    );
    let recorded: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    assert_eq!(recorded["kind"], "provision-plan");
    assert_eq!(recorded["hosts"].as_array().unwrap().len(), 5);
    // a plan names its servers: no other target with it
    let r = run(jinbao(s).args([
        "provision",
        "apply",
        plan.to_str().unwrap(),
        "--role",
        "app",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    // a server changed by hand after the plan: its city is refused, nothing is changed
    let app1 = s.join("sandbox/hosts/hebi/hebi-app1");
    std::fs::create_dir_all(app1.join("etc/jinbao")).unwrap();
    let r = run(jinbao(s).args(["provision", "apply", plan.to_str().unwrap(), "--json"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.json();
    for row in rows.as_array().unwrap() {
        let error = row["error"].as_str().unwrap_or_default();
        assert!(error.starts_with("refused"), "{row}");
        assert!(row.get("apply").is_none(), "{row}");
    }
    assert!(
        !s.join("sandbox/hosts/hebi/hebi-app2/opt/jinbao").exists(),
        "nothing changed"
    );
    // planned again, applied exactly: then nothing is pending
    std::fs::remove_dir_all(app1.join("etc/jinbao")).unwrap();
    let r = run(jinbao(s).args(["provision", "plan", "hebi", "--out", plan.to_str().unwrap()]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    // the same servers, but another value than the one reviewed: refused, and it says which
    // resource would differ (the plan binds each file's content, not only its size and mode)
    let r = run(jinbao(s).args([
        "--set",
        "app.port=9090",
        "provision",
        "apply",
        plan.to_str().unwrap(),
        "--yes",
        "--json",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.json();
    let app1 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["host"] == "hebi-app1")
        .unwrap();
    let error = app1["error"].as_str().unwrap();
    assert!(
        error.contains("not what was reviewed") && error.contains("file /etc/jinbao/app.toml"),
        "{error}"
    );
    assert!(
        !s.join("sandbox/hosts/hebi/hebi-app1/etc/jinbao/app.toml")
            .exists(),
        "nothing changed"
    );
    let r = run(jinbao(s).args(["provision", "apply", plan.to_str().unwrap(), "--yes"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let toml = std::fs::read_to_string(s.join("sandbox/hosts/hebi/hebi-app1/etc/jinbao/app.toml"))
        .unwrap();
    assert!(!toml.contains("9090"), "{toml}");
    let r = run(jinbao(s).args(["provision", "plan", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    // a plan of another environment is refused
    let r = run(jinbao(s).args([
        "--env",
        "testbed",
        "provision",
        "apply",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("made for the environment `sandbox`"),
        "{}",
        r.stderr
    );
}

/// `db repair` accepts an edited migration: it asks (without a terminal it needs --yes),
/// re-records the checksum, writes an audit line, and `db migrate` goes on past it.
#[test]
fn db_repair_re_records_an_edited_migration() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let r = run(jinbao(s).args(["db", "migrate", "zhoukou"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let file = project.path().join("templates/schema/V005__employment.sql");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("-- a comment added after it ran\n{text}")).unwrap();
    std::fs::write(
        project.path().join("templates/schema/V901__more.sql"),
        "CREATE TABLE later (id INTEGER);\n",
    )
    .unwrap();
    let profiles = project.path().join("profiles");
    let p = profiles.to_str().unwrap();
    let r = run(jinbao(s).args(["--profiles", p, "db", "migrate", "zhoukou"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("jinbao db repair zhoukou"),
        "{}",
        r.stdout
    );
    // what would be re-recorded
    let r = run(jinbao(s).args([
        "--profiles",
        p,
        "db",
        "repair",
        "zhoukou",
        "--dry-run",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()[0]["edited"][0]["version"], 5);
    assert_eq!(r.json()[0]["repaired"], serde_json::json!([]));
    // nobody asked: refused
    let r = run(jinbao(s).args(["--profiles", p, "db", "repair", "zhoukou"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    let r = run(jinbao(s).args([
        "--profiles",
        p,
        "db",
        "repair",
        "zhoukou",
        "--yes",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()[0]["repaired"], serde_json::json!([5]));
    let audit = std::fs::read_to_string(s.join("audit.jsonl")).unwrap();
    let line = audit
        .lines()
        .find(|l| l.contains("\"db repair\""))
        .expect("an audit line");
    assert!(line.contains("V005__employment.sql"), "{line}");
    let r = run(jinbao(s).args(["--profiles", p, "db", "migrate", "zhoukou", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()[0]["applied"], serde_json::json!([901]));
    let r = run(jinbao(s).args(["--profiles", p, "db", "repair", "zhoukou"]));
    assert_eq!(r.code, 0, "nothing left to repair: {}", r.stderr);
}

/// The data score is bad below its threshold: Nagios range `95:`, not `95` (which alerts on
/// every value above 95).
#[test]
fn nagios_thresholds_of_scores_are_lower_bounds() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let r = run(jinbao(s).args(["db", "migrate", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(s).args(["data", "check", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(s).args(["health", "hebi", "--only", "data", "--format", "nagios"]));
    // the sandbox's Hebi extract breaks one warning rule: the score is what it is, the
    // threshold is a lower bound
    let perf = r.stdout.split(" | ").nth(1).unwrap_or_default().trim();
    let score = perf
        .split(' ')
        .find_map(|p| p.strip_prefix("'hebi_data_score'="))
        .unwrap_or_else(|| panic!("no score in {}", r.stdout));
    assert!(score.ends_with(";95:;"), "{}", r.stdout);
}

/// Rolling out a release older than the one a city runs is refused (the way back is
/// `rollback`) unless `--allow-downgrade` says it is meant.
#[test]
fn a_downgrade_needs_allow_downgrade() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let app = repo().join("examples/unified-app");
    let out = w.join("releases");
    for v in ["1.10.0", "1.9.2"] {
        let r = pack(w, &app, v, &out);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let tarball = |v: &str| {
        out.join(format!("jinbao-unified-{v}.tar.gz"))
            .to_string_lossy()
            .into_owned()
    };
    let rollout = |v: &str, extra: &[&str]| {
        let t = tarball(v);
        let mut args = vec!["--json", "rollout", t.as_str(), "hebi", "--no-pause"];
        args.extend_from_slice(extra);
        run(jinbao(w).args(&args))
    };
    let r = rollout("1.10.0", &["--provision", "--migrate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 1.9.2 is older than 1.10.0 (numbers, not text)
    let r = rollout("1.9.2", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let city = &r.json()["cities"][0];
    assert_eq!(city["result"], "refused", "{city}");
    let reason = city["reason"].as_str().unwrap();
    assert!(
        reason.contains("1.9.2 is older than 1.10.0") && reason.contains("--allow-downgrade"),
        "{reason}"
    );
    let r = run(jinbao(w).args(["releases", "hebi", "--json"]));
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["current"] == "1.10.0" || s["current"].is_null()),
        "nothing switched: {}",
        r.stdout
    );
    let r = rollout("1.9.2", &["--allow-downgrade"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["cities"][0]["result"], "deployed");
}

/// A pre-release is older than its release (semver): 2.0.0 over 2.0.0-rc1 is an upgrade, and
/// the way back a refused downgrade names is a release the city's servers still have.
#[test]
fn a_pre_release_comes_before_its_release_and_hints_name_installed_releases() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let app = repo().join("examples/unified-app");
    let out = w.join("releases");
    for v in ["2.0.0-rc1", "2.0.0", "1.9.0"] {
        let r = pack(w, &app, v, &out);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let rollout = |v: &str, extra: &[&str]| {
        let t = out
            .join(format!("jinbao-unified-{v}.tar.gz"))
            .to_string_lossy()
            .into_owned();
        let mut args = vec!["--json", "rollout", t.as_str(), "hebi", "--no-pause"];
        args.extend_from_slice(extra);
        run(jinbao(w).args(&args))
    };
    let r = rollout("2.0.0-rc1", &["--provision", "--migrate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = rollout("2.0.0", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["cities"][0]["result"], "deployed", "{}", r.stdout);
    // back to the release candidate: installed, so rollback is the way
    let r = rollout("2.0.0-rc1", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let reason = r.json()["cities"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("2.0.0-rc1 is older than 2.0.0")
            && reason.contains("`jinbao rollback hebi --to 2.0.0-rc1`"),
        "{reason}"
    );
    // 1.9.0 was never installed: no rollback to it is suggested
    let r = rollout("1.9.0", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let reason = r.json()["cities"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("1.9.0 is older than 2.0.0")
            && !reason.contains("rollback hebi --to 1.9.0")
            && reason.contains("--allow-downgrade"),
        "{reason}"
    );
    let r = run(jinbao(w).args(["rollback", "hebi", "--to", "1.9.0"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("installed on every server: ") && !r.stderr.contains("1.9.0,"),
        "{}",
        r.stderr
    );
}

/// Long work is never silent: `data check` shows its rules as they finish on a terminal (it
/// was silent for 14 s on 200,000 persons).
#[test]
fn data_check_shows_its_rules_as_they_finish() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["db", "migrate", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // enough data for the check to take a moment
    let extracts = state.path().join("x");
    let r = run(jinbao(state.path()).args([
        "data",
        "synth",
        "hebi",
        "--persons",
        "3000",
        "--out",
        extracts.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for county in ["410602", "410603", "410611", "410621", "410622"] {
        let r = run(jinbao(state.path()).args([
            "data",
            "import",
            "hebi",
            "--county",
            county,
            extracts.join(county).to_str().unwrap(),
        ]));
        assert!(r.code <= 1, "{}", r.stderr);
    }
    let (_, seen) = pty::run_on_terminal(
        state.path(),
        120,
        &[("TERM", "xterm")],
        &["data", "check", "hebi"],
    );
    assert!(seen.contains(" rules ("), "{seen}");
    assert!(seen.contains("hebi: "), "{seen}");
}
