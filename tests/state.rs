//! The state folder under damage and the small promises around it, on the sandbox: torn lines,
//! damaged journals and ACTIVE files, a state folder that cannot be written, servers that were
//! never provisioned, control bytes from servers, and what the audit log records.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{jinbao, run};

fn rollout(state: &Path, extra: &[&str]) -> common::Run {
    run(jinbao(state)
        .args([
            "rollout",
            "examples/unified-app",
            "hebi",
            "--no-pause",
            "--json",
        ])
        .args(extra))
}

#[test]
fn a_torn_ledger_line_costs_only_itself() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(rollout(state, &["--provision", "--migrate"]).code, 0);
    // a crash mid-write left half a record at the end of the city's release ledger
    let ledger = state.join("releases/hebi.jsonl");
    let mut text = std::fs::read(&ledger).unwrap();
    text.extend_from_slice(b"{\"time\":\"2026-01-01T00:00:00Z\",\"act");
    std::fs::write(&ledger, text).unwrap();
    // the next release must be what status shows, not swallowed by the torn line
    let src = state.join("app-2");
    common::copy_tree(&common::repo().join("examples/unified-app"), &src);
    std::fs::write(src.join("VERSION"), "2.0.0\n").unwrap();
    let r = run(jinbao(state).args(["rollout", src.to_str().unwrap(), "hebi", "--no-pause"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(state).args(["status", "hebi", "--json", "--offline"]));
    let status = r.json();
    assert_eq!(status[0]["release"], "2.0.0", "{status}");
}

#[test]
fn damaged_state_is_named_with_its_way_out() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    std::fs::create_dir_all(state.join("rollouts")).unwrap();
    // ACTIVE naming a path outside the state folder
    std::fs::write(state.join("rollouts/ACTIVE"), "../../../etc/passwd").unwrap();
    let r = run(jinbao(state).args(["rollout", "--resume"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("rollouts/ACTIVE is damaged"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("jinbao rollout abandon"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("root:"),
        "nothing outside the state folder is read"
    );
    let r = run(jinbao(state).args(["rollout", "abandon"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!state.join("rollouts/ACTIVE").exists());
    // a garbage journal
    std::fs::write(state.join("rollouts/ACTIVE"), "20260101T000000Z-1").unwrap();
    std::fs::write(
        state.join("rollouts/20260101T000000Z-1.jsonl"),
        b"\xff\xfe\x00 not json\n",
    )
    .unwrap();
    let r = run(jinbao(state).args(["rollout", "--resume"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("20260101T000000Z-1.jsonl is damaged"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("rollout abandon"), "{}", r.stderr);
    // a missing journal
    std::fs::remove_file(state.join("rollouts/20260101T000000Z-1.jsonl")).unwrap();
    let r = run(jinbao(state).args(["rollout", "--resume"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("20260101T000000Z-1.jsonl cannot be read"),
        "{}",
        r.stderr
    );
    // a new rollout is told what to do, and abandon is the way out
    let r = rollout(state, &[]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("did not finish"), "{}", r.stderr);
    assert_eq!(run(jinbao(state).args(["rollout", "abandon"])).code, 0);
    let r = run(jinbao(state).args(["audit", "--json"]));
    assert!(r.stdout.contains("rollout abandon"), "{}", r.stdout);
}

#[test]
fn a_read_only_state_folder_stops_the_run_before_any_server_is_touched() {
    if !common::is_root() {
        // root writes through read-only modes; the test needs a mount
        common::skip(
            "a_read_only_state_folder_stops_the_run_before_any_server_is_touched",
            "needs root (a read-only bind mount)",
        );
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("state");
    std::fs::create_dir_all(state.join("rollouts")).unwrap();
    let sh = |cmd: &str| {
        let out = std::process::Command::new("sh")
            .args(["-c", cmd])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let r = rollout(&state, &["--provision", "--migrate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rollouts = state.join("rollouts");
    sh(&format!(
        "mount --bind {0} {0} && mount -o remount,bind,ro {0}",
        rollouts.display()
    ));
    let before: Vec<_> = std::fs::read_dir(&rollouts)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let src = work.path().join("app-3");
    common::copy_tree(&common::repo().join("examples/unified-app"), &src);
    std::fs::write(src.join("VERSION"), "3.0.0\n").unwrap();
    let r = run(jinbao(&state).args(["rollout", src.to_str().unwrap(), "hebi", "--no-pause"]));
    let after: Vec<_> = std::fs::read_dir(&rollouts)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    sh(&format!("umount {}", rollouts.display()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot write the rollout journal"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("rollouts"),
        "names the folder: {}",
        r.stderr
    );
    assert_eq!(before, after, "no empty journal left behind");
    // no server was touched: hebi still runs 1.0.0
    let link =
        std::fs::read_link(state.join("sandbox/hosts/hebi/hebi-app1/opt/jinbao/current")).unwrap();
    assert!(link.ends_with("releases/1.0.0"), "{}", link.display());
}

#[test]
fn servers_never_provisioned_fail_at_the_preflight_naming_what_is_missing() {
    let work = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let r = run(jinbao(work.path()).args([
        "rollout",
        "examples/unified-app",
        "hebi",
        "--migrate",
        "--no-pause",
        "--json",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let c = &r.json()["cities"][0];
    assert_eq!(c["result"], "failed", "{c}");
    let reason = c["reason"].as_str().unwrap();
    assert!(
        reason.contains("not provisioned") && reason.contains("/etc/jinbao/app.toml"),
        "{reason}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(25),
        "refused at the preflight, not after the health timeout"
    );
}

#[test]
fn control_bytes_from_a_server_are_shown_not_obeyed() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(rollout(state, &["--provision", "--migrate"]).code, 0);
    let lock = state.join("sandbox/hosts/hebi/hebi-app1/opt/jinbao/.rollout.lock");
    std::fs::create_dir_all(&lock).unwrap();
    std::fs::write(
        lock.join("info"),
        "run=x \x1b[2J\x1b]0;pwned\x07 since=now\n",
    )
    .unwrap();
    let r = run(jinbao(state).args(["lock", "status", "hebi"]));
    assert!(
        !r.stdout.contains('\x1b') && !r.stdout.contains('\x07'),
        "{:?}",
        r.stdout
    );
    assert!(r.stdout.contains("\\u{1b}"), "{}", r.stdout);
    let r = rollout(state, &[]);
    assert!(!r.stderr.contains('\x1b'), "{:?}", r.stderr);
}

#[test]
fn the_sandbox_keeps_every_link_inside_its_host() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(rollout(state, &["--provision", "--migrate"]).code, 0);
    let host = state.join("sandbox/hosts/hebi/hebi-app1");
    let logs = std::fs::read_link(host.join("opt/jinbao/logs")).unwrap();
    let real_host = host.canonicalize().unwrap();
    assert!(
        logs.starts_with(&real_host),
        "the logs link leaves the sandbox host: {}",
        logs.display()
    );
}

#[test]
fn audit_lists_the_changes_of_a_rollout() {
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
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(state).args(["audit", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["v"], 1);
    let records = v["records"].as_array().unwrap();
    for city in ["xuchang", "zhoukou", "hebi"] {
        for action in ["rollout", "provision apply", "db migrate"] {
            assert!(
                records.iter().any(|r| r["action"] == action
                    && r["targets"].as_array().unwrap().iter().any(|t| t == city)),
                "no `{action}` of {city}: {v}"
            );
        }
    }
    let rollout = records.iter().find(|r| r["action"] == "rollout").unwrap();
    assert_eq!(rollout["result"], "deployed");
    assert!(rollout["operator"].as_str().unwrap().contains('@'));
    assert_eq!(rollout["identity"], "local sandbox");
    assert!(rollout["what"].as_str().unwrap().contains("→ 1.0.0"));
    // filtered by city and time
    let r = run(jinbao(state).args(["audit", "hebi", "--since", "1h", "--json"]));
    let hebi = r.json()["records"].as_array().unwrap().len();
    assert!(
        hebi >= 3 && hebi < records.len(),
        "{hebi} of {}",
        records.len()
    );
    // private to its owner
    let mode = std::fs::metadata(state.join("audit.jsonl"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// Synthetic extracts of Hebi; the folder of its first county and that county's code.
fn hebi_county(state: &Path, persons: &str) -> (std::path::PathBuf, String) {
    let out = state.join("extracts");
    let r = run(jinbao(state).args([
        "data",
        "synth",
        "hebi",
        "--persons",
        persons,
        "--defects",
        "0",
        "--seed",
        "5",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = &r.json()["counties"][0];
    (
        std::path::PathBuf::from(c["folder"].as_str().unwrap()),
        c["code"].as_str().unwrap().to_string(),
    )
}

#[test]
fn two_imports_of_one_county_take_turns() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(run(jinbao(state).args(["db", "migrate", "hebi"])).code, 0);
    let (folder, county) = hebi_county(state, "60000");
    let spawn = || {
        common::jinbao_std(state)
            .args([
                "data",
                "import",
                "hebi",
                "--county",
                &county,
                folder.to_str().unwrap(),
                "--json",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let err = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(a.status.code(), Some(0), "{}", err(&a));
    assert_eq!(b.status.code(), Some(0), "{}", err(&b));
    assert!(
        err(&a).contains("waiting for the other import")
            || err(&b).contains("waiting for the other import"),
        "one waited its turn:\n{}\n{}",
        err(&a),
        err(&b)
    );
    assert!(!err(&a).contains("locked") && !err(&b).contains("database is locked"));
}

#[test]
fn an_import_stops_before_loading_anything_when_a_file_cannot_be_read() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(run(jinbao(state).args(["db", "migrate", "hebi"])).code, 0);
    let (folder, county) = hebi_county(state, "200");
    // the second file of the import is broken: not a single row of the first is loaded
    let broken = folder.join("employers.csv");
    std::fs::write(&broken, "not,the,right,header\n1,2,3,4\n").unwrap();
    let persons = folder.join("persons.csv");
    let r = run(jinbao(state).args([
        "data",
        "import",
        "hebi",
        "--county",
        &county,
        persons.to_str().unwrap(),
        broken.to_str().unwrap(),
        "--json",
    ]));
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("employers.csv"), "{}", r.stderr);
    let r = run(jinbao(state).args(["data", "progress", "hebi", "--json"]));
    assert!(
        !r.stdout.contains("\"loaded\": true"),
        "nothing was loaded: {}",
        r.stdout
    );
}

#[test]
fn a_state_folder_deleted_mid_run_stops_the_run() {
    use std::io::BufRead;
    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("state");
    // a release whose health check takes a moment, so that the run is still going
    let src = work.path().join("app");
    common::copy_tree(&common::repo().join("examples/unified-app"), &src);
    std::fs::write(src.join("bin/health-check"), "#!/bin/sh\nsleep 0.3\n").unwrap();
    std::fs::set_permissions(
        src.join("bin/health-check"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let mut child = common::jinbao_std(&state)
        .args([
            "rollout",
            src.to_str().unwrap(),
            "--all",
            "--provision",
            "--migrate",
        ])
        .args(["--no-pause", "--max-parallel", "1", "--events", "ndjson"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains("\"event\":\"city-done\"") {
            break;
        }
    }
    std::fs::remove_dir_all(state.join("rollouts")).unwrap();
    let done: usize = lines
        .map_while(Result::ok)
        .filter(|l| l.contains("\"event\":\"city-done\""))
        .count();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write the rollout journal"),
        "{stderr}"
    );
    assert!(
        stderr.contains("removed while the run wrote it"),
        "{stderr}"
    );
    assert!(
        done < 17,
        "the run stopped instead of deploying every city ({done} more done)"
    );
}

/// A change that cannot be audited does not start: with `audit.jsonl` a link (or a folder), a
/// rollout, a provisioning apply and a migration refuse before touching anything. A rollout
/// once finished with exit 0 and no audit record.
#[test]
fn a_change_that_cannot_be_audited_does_not_start() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    let elsewhere = work.path().join("elsewhere.jsonl");
    std::os::unix::fs::symlink(&elsewhere, state.join("audit.jsonl")).unwrap();
    for args in [
        &[
            "--yes",
            "rollout",
            "examples/unified-app",
            "xuchang",
            "--provision",
            "--migrate",
            "--no-pause",
        ][..],
        &["provision", "apply", "hebi", "--yes"],
        &["db", "migrate", "hebi"],
    ] {
        let r = run(jinbao(&state).args(args));
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("audit record cannot be written"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert!(
        !state.join("sandbox/hosts").exists(),
        "no server was changed"
    );
    assert!(!elsewhere.exists(), "nothing was written through the link");
}

/// The smaller findings of the third security round, each as it was found.
#[test]
fn small_damage_is_named_never_a_panic_or_a_silent_guess() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    // a span longer than the calendar reaches back: every record, not a panic (exit 101)
    let r = run(jinbao(state).args(["audit", "--since", "99999999999d"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // a pinned time that is no time is refused, not ignored
    let r = run(jinbao(state)
        .env("JINBAO_NOW", "yesterday")
        .args(["status", "--offline"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("JINBAO_NOW=yesterday"), "{}", r.stderr);
    // ACTIVE as a folder: abandon is what its hint names, and it works
    std::fs::create_dir_all(state.join("rollouts/ACTIVE")).unwrap();
    let r = run(jinbao(state).args(["rollout", "--resume"]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("jinbao rollout abandon"), "{}", r.stderr);
    let r = run(jinbao(state).args(["rollout", "abandon"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!state.join("rollouts/ACTIVE").exists());
    // a city's lock file that is a folder: named as such, not as "the city is locked", and
    // `lock status` warns about it
    std::fs::create_dir_all(state.join("locks/city-hebi.lock")).unwrap();
    let r = rollout(state, &["--provision", "--migrate"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("is not a lock file") || r.stdout.contains("is not a lock file"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(!r.stdout.contains("the city is locked"), "{}", r.stdout);
    let r = run(jinbao(state).args(["lock", "status"]));
    assert!(r.stderr.contains("is not a lock file"), "{}", r.stderr);
    let r = run(jinbao(state).args(["rollout", "unlock", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // a data check of a city never migrated leaves no empty database behind
    let r = run(jinbao(state).args(["data", "check", "zhoukou"]));
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("db migrate zhoukou") || r.stdout.contains("db migrate zhoukou"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(!state.join("sandbox/db/zhoukou.sqlite").exists());
    // runs leave no lock file behind, one per run
    assert_eq!(rollout(state, &["--provision", "--migrate"]).code, 0);
    assert_eq!(rollout(state, &[]).code, 0);
    let run_locks: Vec<String> = std::fs::read_dir(state.join("locks"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("run-"))
        .collect();
    assert!(run_locks.is_empty(), "{run_locks:?}");
}

/// `release pack` of a folder holding a FIFO is refused at once and leaves nothing behind
/// (it hung, and left its partial tarball).
#[test]
fn packing_a_folder_with_a_fifo_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    common::copy_tree(&common::repo().join("examples/unified-app"), &src);
    assert!(
        std::process::Command::new("mkfifo")
            .arg(src.join("share/pipe"))
            .status()
            .unwrap()
            .success()
    );
    let out = work.path().join("out");
    let r = run(jinbao(&work.path().join("state")).args([
        "release",
        "pack",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

/// A rollout plan says which health check each city's gate runs and why: the release's own
/// check wins over the profile's `app.health.command` (it did so silently).
#[test]
fn a_rollout_plan_names_the_health_check_that_wins() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let out = state.join("plan.json");
    let r = run(jinbao(state).args([
        "rollout",
        "plan",
        "examples/unified-app",
        "hebi",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let health = plan["cities"][0]["health"].as_str().unwrap();
    assert!(
        health.starts_with("bin/health-check (the release's own check: it wins"),
        "{health}"
    );
}

/// Each environment's records are its own: after a sandbox rollout, production's status,
/// report, audit and health history know nothing of it (they showed the sandbox's rollouts
/// and health runs under "environment production").
#[test]
fn a_production_report_never_shows_a_sandbox_fact() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(rollout(state, &["--provision", "--migrate"]).code, 0);
    let r = run(jinbao(state).args(["health", "hebi"]));
    assert!(r.code <= 2, "{}", r.stderr);
    let r = run(jinbao(state).args(["status", "hebi", "--json", "--offline"]));
    assert_eq!(r.json()[0]["release"], "1.0.0");
    let prod = |args: &[&str]| run(jinbao(state).args(["--env", "production"]).args(args));
    let r = prod(&["status", "hebi", "--json", "--offline"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row = &r.json()[0];
    assert!(row["release"].is_null(), "{row}");
    let r = prod(&["report", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hebi = r.stdout.lines().find(|l| l.starts_with("hebi,")).unwrap();
    assert!(!hebi.contains("1.0.0"), "{hebi}");
    assert!(hebi.contains("never"), "{hebi}");
    let r = prod(&["audit", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.json()["records"].as_array().unwrap().is_empty(),
        "{}",
        r.stdout
    );
    // and the sandbox still sees its own
    let r = run(jinbao(state).args(["audit", "--json"]));
    assert!(!r.json()["records"].as_array().unwrap().is_empty());
}

/// Times are shown in the province's zone with its offset, one format everywhere: status,
/// audit and the report (they mixed UTC without an offset and RFC 3339).
#[test]
fn times_are_shown_in_the_province_zone_one_way() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let pinned = "2026-12-01T23:30:00Z"; // 07:30 the next morning in Henan
    common::sandbox_rollout(
        state,
        "examples/unified-app",
        "hebi",
        &[("JINBAO_NOW", pinned)],
    );
    let shown = "2026-12-02 07:30 +08:00";
    for args in [
        &["status", "hebi", "--offline"][..],
        &["audit", "hebi"],
        &["report", "--format", "markdown"],
    ] {
        let r = run(jinbao(state).env("JINBAO_NOW", pinned).args(args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(r.stdout.contains(shown), "{args:?}:\n{}", r.stdout);
    }
}

/// A damaged release ledger, facts file or data-check history is warned of, file and line, by
/// `status` and `report` (never read as "never rolled out" or "no failing data rules" without a
/// word), and the assessment says its history is incomplete.
#[test]
fn damaged_history_is_warned_of_with_its_file_and_line() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let write = |rel: &str, text: &str| {
        let p = state.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    };
    // a good change, then a line damaged on disk, then another good one
    write(
        "releases/hebi.jsonl",
        "{\"time\":\"2026-11-27T00:00:00+00:00\",\"action\":\"rollout\",\"result\":\"deployed\",\"from\":[\"1.0.0\"],\"to\":\"1.1.0\"}\n\
         \u{0}\u{0}\u{0}garbage\n\
         {\"time\":\"2026-11-28T00:00:00+00:00\",\"action\":\"rollout\",\"result\":\"deployed\",\"from\":[\"1.1.0\"],\"to\":\"1.2.0\"}\n",
    );
    write(
        "data-checks/hebi.jsonl",
        "{\"time\":\"2026-11-28T00:00:00Z\",\"city\":\"hebi\",\"sco\n",
    );
    write("facts/hebi.jsonl", "not json\n");
    let r = run(jinbao(state).args(["status", "hebi", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.json();
    assert_eq!(rows[0]["release"], "1.2.0", "{}", rows[0]);
    for (file, line) in [
        ("releases/hebi.jsonl", 2),
        ("data-checks/hebi.jsonl", 1),
        ("facts/hebi.jsonl", 1),
    ] {
        let want = format!("{} line {line}: not a record", state.join(file).display());
        assert!(r.stderr.contains(&want), "status: {want} in\n{}", r.stderr);
        assert!(
            rows[0]["unreadable"].as_array().is_some_and(|u| u
                .iter()
                .any(
                    |x| x["file"].as_str().is_some_and(|f| f.ends_with(file)) && x["line"] == line
                )),
            "{}",
            rows[0]
        );
    }
    assert!(
        rows[0]["attention"]
            .to_string()
            .contains("3 lines of its history could not be read"),
        "{}",
        rows[0]
    );
    let r = run(jinbao(state).args(["report", "hebi", "--format", "markdown"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = format!(
        "{} line 1: not a record",
        state.join("data-checks/hebi.jsonl").display()
    );
    assert!(r.stderr.contains(&want), "report: {want} in\n{}", r.stderr);
}

/// A damaged assessment snapshot (the dates milestones were first reached) or concentration
/// record is warned of too, instead of passing for "no snapshot" or "not known yet".
#[test]
fn a_damaged_snapshot_or_progress_record_is_warned_of() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let write = |rel: &str, text: &str| {
        let p = state.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    };
    write("assessments/2026-01-01.json", "{\"version\":1,\"date\":");
    write("data-progress/hebi.json", "\u{0}garbage");
    let snapshot = format!(
        "{} line 1: not a snapshot",
        state.join("assessments/2026-01-01.json").display()
    );
    let progress = format!(
        "{} line 1: not a progress record",
        state.join("data-progress/hebi.json").display()
    );
    let r = run(jinbao(state).args(["status", "hebi", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for want in [&snapshot, &progress] {
        assert!(
            r.stderr.contains(want.as_str()),
            "status: {want} in\n{}",
            r.stderr
        );
    }
    assert_eq!(r.stderr.matches(&snapshot).count(), 1, "said once");
    let r = run(jinbao(state).args(["report", "hebi", "--format", "markdown"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for want in [&snapshot, &progress] {
        assert!(
            r.stderr.contains(want.as_str()),
            "report: {want} in\n{}",
            r.stderr
        );
    }
    assert_eq!(r.stderr.matches(&snapshot).count(), 1, "said once");
}

/// `health`'s data check of a city whose data-check history cannot be read is UNKNOWN, with
/// the line named, never a silent OK.
#[test]
fn health_says_a_damaged_data_check_history_is_unknown() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let p = state.join("data-checks/hebi.jsonl");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(
        &p,
        "{\"time\":\"2026-11-28T00:00:00Z\",\"city\":\"hebi\",\"sco\n",
    )
    .unwrap();
    let r = run(jinbao(state).args(["health", "hebi", "--only", "data", "--json"]));
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{} line 1: not a record", p.display())),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("the data-check history could not be read (1 line damaged)"),
        "{}",
        r.stdout
    );
}

/// `jinbao audit` names each line of the audit log it could not read, not only how many.
#[test]
fn audit_names_the_lines_it_could_not_read() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let log = state.join("audit.jsonl");
    std::fs::write(
        &log,
        "{\"time\":\"2026-11-27T00:00:00Z\",\"operator\":\"a@b\",\"action\":\"rollout\",\"targets\":[\"hebi\"]}\n\
         {\"time\":\"2026-11-2\n\
         {\"time\":\"2026-11-28T00:00:00Z\",\"operator\":\"a@b\",\"action\":\"rollback\",\"targets\":[\"hebi\"]}\n",
    )
    .unwrap();
    let r = run(jinbao(state).args(["audit", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["unreadable"], 1);
    assert_eq!(r.json()["records"].as_array().unwrap().len(), 2);
    let want = format!("{} line 2: not a record", log.display());
    assert!(r.stderr.contains(&want), "{want} in\n{}", r.stderr);
}
