//! `jinbao release` and `jinbao rollout` on the test bed's pilot cities and on the sandbox.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::testbed::testbed;
use common::{copy_tree, jinbao, pg, repo, run};
use serde_json::Value;

/// A release of the example application at `version`; `health` replaces its health check.
fn make_release(dir: &Path, version: &str, health: Option<&str>) -> PathBuf {
    let src = dir.join(format!("src-{version}"));
    copy_tree(&repo().join("examples/unified-app"), &src);
    std::fs::write(src.join("VERSION"), format!("{version}\n")).unwrap();
    if let Some(h) = health {
        let path = src.join("bin/health-check");
        std::fs::write(&path, format!("#!/bin/sh\n{h}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    common::pack_release(dir, &src, version)
}

/// A version no earlier run left on the test bed's servers.
fn unique(prefix: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    format!("{prefix}.{}", t.as_millis())
}

fn by_city(summary: &Value) -> BTreeMap<String, Value> {
    summary["cities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["city"].as_str().unwrap().to_string(), c.clone()))
        .collect()
}

/// The current release of every pilot server, from `jinbao releases`.
fn currents(state: &Path) -> BTreeMap<String, Option<String>> {
    let r = run(pg::jinbao(state, None).args(["releases", "--wave", "pilot", "--json"]));
    r.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["host"].as_str().unwrap().to_string(),
                h["current"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn rollout(state: &Path, release: &Path, extra: &[&str]) -> common::Run {
    run(pg::jinbao(state, None)
        .args([
            "rollout",
            release.to_str().unwrap(),
            "--wave",
            "pilot",
            "--json",
            "--provision",
            "--migrate",
            "--no-pause",
        ])
        .args(["--set", "app.health.timeout=4s"])
        .args(extra))
}

#[test]
fn pilot_wave_deploys_and_a_failing_city_is_rolled_back() {
    let Some(bed) = testbed("pilot_wave_deploys_and_a_failing_city_is_rolled_back") else {
        return;
    };
    let Some(_pg) = pg::available("pilot_wave_deploys_and_a_failing_city_is_rolled_back") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(pg::jinbao(state, None).args(["db", "init", "--wave", "pilot"])).code,
        0
    );
    let (v1, v2) = (unique("7.0"), unique("7.1"));
    let good = make_release(state, &v1, None);
    let r = rollout(state, &good, &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let cities = by_city(&r.json());
    for c in ["xuchang", "zhoukou", "hebi"] {
        assert_eq!(cities[c]["result"], "deployed", "{c}: {}", cities[c]);
    }
    assert!(
        currents(state)
            .values()
            .all(|v| v.as_deref() == Some(v1.as_str())),
        "{:?}",
        currents(state)
    );
    let local = bed.exec("h13", "cat /opt/jinbao/current/etc/local.toml");
    assert!(
        local.contains("city_code = \"410600\"") && local.contains("server = \"hebi-app1\""),
        "{local}"
    );

    // a release whose health check fails in Zhoukou only (411600)
    let bad = make_release(
        state,
        &v2,
        Some(
            "grep -q 'code = \"411600\"' /etc/jinbao/app.toml && { echo zhoukou refuses this release; exit 1; }; exit 0",
        ),
    );
    let r = rollout(state, &bad, &["--max-failures", "1"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let cities = by_city(&r.json());
    assert_eq!(cities["zhoukou"]["result"], "rolled-back");
    assert!(
        cities["zhoukou"]["reason"]
            .as_str()
            .unwrap()
            .contains("zhoukou refuses this release"),
        "{}",
        cities["zhoukou"]
    );
    assert_eq!(cities["xuchang"]["result"], "deployed");
    assert_eq!(cities["hebi"]["result"], "deployed");
    for (host, current) in currents(state) {
        let want = if host.starts_with("zhoukou") {
            &v1
        } else {
            &v2
        };
        assert_eq!(current.as_ref(), Some(want), "{host}");
    }
    // and rolling back by hand
    let r = run(pg::jinbao(state, None).args([
        "rollback",
        "xuchang",
        "--to",
        &v1,
        "--set",
        "app.health.timeout=4s",
    ]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        currents(state)
            .iter()
            .filter(|(h, _)| h.starts_with("xuchang"))
            .all(|(_, v)| v.as_ref() == Some(&v1))
    );
    // the same release again: nothing to do
    let r = rollout(state, &good, &["--max-failures", "3"]);
    let cities = by_city(&r.json());
    assert_eq!(cities["zhoukou"]["result"], "already");
    assert_eq!(cities["xuchang"]["result"], "already");
    assert_eq!(
        cities["hebi"]["result"], "deployed",
        "hebi goes back to 7.0.0 (already installed: no upload)"
    );
}

#[test]
fn a_killed_rollout_resumes_without_redoing_a_city() {
    let Some(_bed) = testbed("a_killed_rollout_resumes_without_redoing_a_city") else {
        return;
    };
    let Some(_pg) = pg::available("a_killed_rollout_resumes_without_redoing_a_city") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    assert_eq!(
        run(pg::jinbao(state, None).args(["db", "init", "--wave", "pilot"])).code,
        0
    );
    let v = unique("8.0");
    let slow = make_release(state, &v, Some("sleep 2; exit 0"));
    let mut cmd = common::jinbao_std(state);
    cmd.env("JINBAO_TESTBED_PG_PASSWORD", pg::password())
        .args([
            "--env",
            "testbed",
            "rollout",
            slow.to_str().unwrap(),
            "--wave",
            "pilot",
            "--max-parallel",
            "1",
        ])
        .args([
            "--provision",
            "--migrate",
            "--no-pause",
            "--events",
            "ndjson",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    // read events until the first city is done, then kill -9
    use std::io::BufRead;
    let stdout = child.stdout.take().unwrap();
    let mut first_done = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let e: Value = serde_json::from_str(&line.unwrap()).unwrap();
        assert_eq!(e["v"], 1);
        if e["event"] == "city-done" {
            first_done = Some(e["city"].as_str().unwrap().to_string());
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let first = first_done.expect("a city finished before the kill");
    let records = common::records(state, "testbed");
    let active = std::fs::read_to_string(records.join("rollouts/ACTIVE")).unwrap();

    let r = run(pg::jinbao(state, None).args(["rollout", "--resume", "--json"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("1 of 3 cities already done"),
        "{}",
        r.stderr
    );
    let cities = by_city(&r.json());
    assert!(
        cities.values().all(|c| c["result"] == "deployed"),
        "{cities:?}"
    );
    // the journal: every city deployed exactly once, the first never started again
    let journal =
        std::fs::read_to_string(records.join(format!("rollouts/{}.jsonl", active.trim()))).unwrap();
    let events: Vec<Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for c in ["xuchang", "zhoukou", "hebi"] {
        let deployed = events
            .iter()
            .filter(|e| e["event"] == "city-done" && e["city"] == c && e["result"] == "deployed")
            .count();
        assert_eq!(deployed, 1, "{c} deployed once");
    }
    let starts = events
        .iter()
        .filter(|e| e["event"] == "city-start" && e["city"] == first.as_str())
        .count();
    assert_eq!(starts, 1, "{first} was not started again");
    assert!(records.join("rollouts").is_dir());
    assert!(!records.join("rollouts/ACTIVE").exists());
    assert!(currents(state).values().all(|c| c.as_ref() == Some(&v)));
}

#[test]
fn a_held_city_lock_refuses_a_second_rollout() {
    let Some(bed) = testbed("a_held_city_lock_refuses_a_second_rollout") else {
        return;
    };
    let Some(_pg) = pg::available("a_held_city_lock_refuses_a_second_rollout") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let release = make_release(state, &unique("9.0"), None);
    bed.exec("h8", "mkdir -p /opt/jinbao/.rollout.lock && echo 'run=other operator=alice@province-desk pid=4242 release=6.6.6 since=2026-11-26T08:00:00Z' > /opt/jinbao/.rollout.lock/info");
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        release.to_str().unwrap(),
        "zhoukou",
        "--json",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    // blocked by a lock: exit 4, as the README says (it was 1)
    assert_eq!(r.code, 4, "{}", r.stderr);
    let c = &by_city(&r.json())["zhoukou"];
    assert_eq!(c["result"], "refused");
    let reason = c["reason"].as_str().unwrap();
    assert!(
        reason.contains("alice@province-desk") && reason.contains("pid=4242"),
        "{reason}"
    );
    assert!(
        reason.contains("stale"),
        "an old lock is called stale: {reason}"
    );
    // nothing was switched, and our own locks were given back
    assert!(
        !bed.exec("h9", "ls -a /opt/jinbao")
            .contains(".rollout.lock")
    );
    let r = run(pg::jinbao(state, None).args(["rollout", "unlock", "zhoukou"]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("alice@province-desk"), "{}", r.stdout);
    let audit =
        std::fs::read_to_string(common::records(state, "testbed").join("audit.jsonl")).unwrap();
    assert!(audit.contains("rollout unlock"));
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        release.to_str().unwrap(),
        "zhoukou",
        "--json",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn two_rollouts_at_once_one_is_refused() {
    let Some(_bed) = testbed("two_rollouts_at_once_one_is_refused") else {
        return;
    };
    let Some(_pg) = pg::available("two_rollouts_at_once_one_is_refused") else {
        return;
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let version = unique("9.1");
    let release = make_release(a.path(), &version, Some("sleep 3; exit 0"));
    let spawn = |state: &Path| {
        common::jinbao_std(state)
            .env("JINBAO_TESTBED_PG_PASSWORD", pg::password())
            .args([
                "--env",
                "testbed",
                "rollout",
                release.to_str().unwrap(),
                "xuchang",
                "--json",
                "--no-pause",
                "--provision",
                "--migrate",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn(a.path());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let second = spawn(b.path());
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    let parse = |o: &std::process::Output| -> Value { serde_json::from_slice(&o.stdout).unwrap() };
    let (ra, rb) = (parse(&first), parse(&second));
    assert_eq!(by_city(&ra)["xuchang"]["result"], "deployed", "{ra}");
    let c = &by_city(&rb)["xuchang"];
    assert_eq!(c["result"], "refused", "{c}");
    assert!(
        c["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("release={version}")),
        "names the holder: {c}"
    );
}

#[test]
fn an_unsafe_tarball_is_refused_before_upload() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    // a tarball with a `../` entry, and a manifest that matches it
    let tar = dir.join("evil-1.0.tar.gz");
    let py = format!(
        "import tarfile, io\nt = tarfile.open('{}', 'w:gz')\nfor name in ['bin/ok', '../escape']:\n    data = b'x'\n    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))\nt.close()\n",
        tar.display()
    );
    assert!(
        std::process::Command::new("python3")
            .args(["-c", &py])
            .status()
            .unwrap()
            .success()
    );
    let sha = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(std::fs::read(&tar).unwrap());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    std::fs::write(
        dir.join("evil-1.0.release.toml"),
        format!("name = \"evil\"\nversion = \"1.0\"\ntarball = \"evil-1.0.tar.gz\"\nsha256 = \"{sha}\"\nsize = 1\nfiles = 2\n"),
    )
    .unwrap();
    let r = run(jinbao(dir).args(["release", "inspect", tar.to_str().unwrap()]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("`../escape` climbs out with `..`"),
        "{}",
        r.stderr
    );
    let r = run(jinbao(dir).args(["rollout", tar.to_str().unwrap(), "xuchang", "--no-pause"]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("climbs out"), "{}", r.stderr);
    assert!(
        !dir.join("sandbox/hosts").exists(),
        "no server was contacted"
    );
    // an absolute link is refused when packing
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", src.join("passwd")).unwrap();
    let r = run(jinbao(dir).args([
        "release",
        "pack",
        src.to_str().unwrap(),
        "--version",
        "1",
        "--out",
        dir.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("link to an absolute path"),
        "{}",
        r.stderr
    );
}

#[test]
fn packing_is_reproducible() {
    let work = tempfile::tempdir().unwrap();
    let a = make_release(work.path(), "1.2.3", None);
    let first = std::fs::read(&a).unwrap();
    // touch every file: new times must not change the bytes
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = make_release(work.path(), "1.2.3", None);
    assert_eq!(first, std::fs::read(&b).unwrap());
    let r = run(jinbao(work.path()).args(["release", "inspect", b.to_str().unwrap(), "--json"]));
    let m = &r.json()["manifest"];
    assert_eq!(m["version"], "1.2.3");
    assert_eq!(m["schema"], 8);
    assert_eq!(m["health"], "bin/health-check");
    assert_eq!(m["templates"], serde_json::json!(["etc/local.toml.j2"]));
}

#[test]
fn the_sandbox_runs_the_main_job() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let r = run(jinbao(state).args([
        "rollout",
        "examples/unified-app",
        "--all",
        "--provision",
        "--migrate",
        "--no-pause",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let cities = by_city(&r.json());
    assert_eq!(cities.len(), 18);
    assert!(cities.values().all(|c| c["result"] == "deployed"));
    // waves in order: pilots first
    let order: Vec<String> = r.json()["cities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["wave"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = order.clone();
    sorted.sort_by_key(|w| {
        ["pilot", "demonstration", "general"]
            .iter()
            .position(|x| x == w)
    });
    assert_eq!(order, sorted);
    let link =
        std::fs::read_link(state.join("sandbox/hosts/xuchang/xuchang-app1/opt/jinbao/current"))
            .unwrap();
    assert!(
        link.ends_with("opt/jinbao/releases/1.0.0"),
        "{}",
        link.display()
    );
    let r = run(jinbao(state).args([
        "rollout",
        "examples/unified-app",
        "--all",
        "--no-pause",
        "--json",
    ]));
    assert_eq!(r.code, 0);
    assert!(
        by_city(&r.json())
            .values()
            .all(|c| c["result"] == "already"),
        "a second rollout is a no-op"
    );
    // without --no-pause and without a terminal, the run stops after the pilot wave for approval
    let next = make_release(state, "1.0.1", None);
    let r = run(jinbao(state).args(["rollout", next.to_str().unwrap(), "--all", "--json"]));
    assert_eq!(r.code, 4, "{}", r.stdout);
    assert_eq!(r.json()["result"], "paused");
    assert_eq!(by_city(&r.json()).len(), 3);
    let r = run(jinbao(state).args(["rollout", "--resume", "--json"]));
    assert_eq!(r.code, 4, "the next pause, after the demonstration wave");
    let r = run(jinbao(state).args(["rollout", "--resume", "--no-pause", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        by_city(&r.json())
            .values()
            .all(|c| c["result"] == "deployed" && c["to"] == "1.0.1")
    );
}

#[test]
fn maintenance_windows_are_enforced_and_overrides_recorded() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let release = make_release(state, "2.0.0", None);
    let closed = [
        "--set",
        "maintenance.windows=[\"daily 22:00-06:00\"]",
        "--set",
        "maintenance.blackout=[\"monthly 28-31\"]",
    ];
    // 14:00 in Henan on the 26th: outside the nightly window
    let r = run(jinbao(state)
        .env("JINBAO_NOW", "2026-11-26T06:00:00Z")
        .args(closed)
        .args([
            "rollout",
            release.to_str().unwrap(),
            "luohe",
            "--no-pause",
            "--provision",
            "--migrate",
        ]));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("outside the maintenance windows"),
        "{}",
        r.stderr
    );
    // 23:00 on the 28th: in the window, but a blackout day (benefits are paid)
    let r = run(jinbao(state)
        .env("JINBAO_NOW", "2026-11-28T15:00:00Z")
        .args(closed)
        .args(["rollout", release.to_str().unwrap(), "luohe", "--no-pause"]));
    assert_eq!(r.code, 4);
    assert!(r.stderr.contains("blackout"), "{}", r.stderr);
    let r = run(jinbao(state)
        .env("JINBAO_NOW", "2026-11-26T06:00:00Z")
        .args(closed)
        .args([
            "rollout",
            release.to_str().unwrap(),
            "luohe",
            "--no-pause",
            "--provision",
            "--migrate",
            "--override-window",
            "security fix approved by the province",
        ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let audit = std::fs::read_to_string(state.join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("security fix approved by the province") && audit.contains("luohe"),
        "{audit}"
    );
    // provision refuses too
    let r = run(jinbao(state)
        .env("JINBAO_NOW", "2026-11-26T06:00:00Z")
        .args(closed)
        .args(["provision", "apply", "luohe"]));
    assert_eq!(r.code, 4);
}

#[test]
fn a_data_gate_rolls_back_and_halts_later_waves() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let good = make_release(state, "3.0.0", None);
    let r = run(jinbao(state).args([
        "rollout",
        good.to_str().unwrap(),
        "hebi",
        "luohe",
        "--no-pause",
        "--provision",
        "--migrate",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Hebi holds business data
    let db = rusqlite::Connection::open(state.join("sandbox/db/hebi.sqlite")).unwrap();
    db.execute_batch(
        "INSERT INTO import_batch (import_id, city_code, county_code, entity, file_name, file_sha256, encoding, rows_read, rows_loaded, rows_rejected, reject_file, loaded_by, started_at, finished_at) VALUES ('t1', '410600', '410602', 'person', 'p.csv', 'x', 'utf-8', 2, 2, 0, NULL, 't', '2026-01-01', '2026-01-01');
         INSERT INTO person (county_code, id_number, name, import_id) VALUES ('410602', '11010519491231002X', '甲', 't1'), ('410602', '110105194912310029', '乙', 't1');",
    )
    .unwrap();
    drop(db);
    // a release that loses rows on its way in (its health check deletes a person)
    let path = state.join("sandbox/db/hebi.sqlite");
    let bad = make_release(
        state,
        "3.1.0",
        Some(&format!(
            "python3 -c \"import sqlite3; c = sqlite3.connect('{}'); c.execute('DELETE FROM person WHERE name = \\\"乙\\\"'); c.commit()\"",
            path.display()
        )),
    );
    let r = run(jinbao(state).args([
        "rollout",
        bad.to_str().unwrap(),
        "hebi",
        "luohe",
        "--no-pause",
        "--json",
    ]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let cities = by_city(&r.json());
    assert_eq!(cities["hebi"]["result"], "rolled-back");
    assert!(
        cities["hebi"]["reason"]
            .as_str()
            .unwrap()
            .contains("person fell from 2 to 1"),
        "{}",
        cities["hebi"]
    );
    // the reason names the restore point the run took before it changed anything, and that
    // restore point brings the lost row back
    let reason = cities["hebi"]["reason"].as_str().unwrap();
    let point = cities["hebi"]["restore_point"].as_str().unwrap();
    let run_id = reason
        .split("--before-run ")
        .nth(1)
        .unwrap_or_else(|| panic!("the reason names the restore point: {reason}"))
        .to_string();
    assert!(reason.contains(point), "{reason}");
    let r2 = run(jinbao(state).args([
        "--yes",
        "db",
        "restore",
        "hebi",
        "--before-run",
        &run_id,
        "--in-place",
        "--json",
    ]));
    assert_eq!(r2.code, 0, "{}", r2.stderr);
    // the application was stopped for the restore and started again, healthy
    let restarted = r2.json()["restarted"].clone();
    assert!(
        restarted
            .as_array()
            .is_some_and(|a| a.iter().any(|h| h == "hebi/hebi-app1")),
        "{restarted}"
    );
    let h = run(jinbao(state).args(["health", "hebi", "--only", "service,app"]));
    assert_eq!(h.code, 0, "{}", h.stdout);
    // once that restore point is pruned, the run's restore point is said to be gone: never
    // another backup in its place
    for _ in 0..2 {
        let r = run(jinbao(state)
            .args(["--set", "backup.keep=1"])
            .args(["db", "backup", "hebi"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r3 = run(jinbao(state).args(["db", "restore", "hebi", "--before-run", &run_id]));
    assert_eq!(r3.code, 2, "{}", r3.stderr);
    assert!(
        r3.stderr.contains(point) && r3.stderr.contains("no longer kept"),
        "{}",
        r3.stderr
    );
    let db = rusqlite::Connection::open(state.join("sandbox/db/hebi.sqlite")).unwrap();
    let persons: i64 = db
        .query_row("SELECT count(*) FROM person", [], |r| r.get(0))
        .unwrap();
    // (a failure says what the restore counted and which backups were kept: CI saw 0 once)
    assert_eq!(
        persons,
        2,
        "the row the release deleted is back; restore said {}; backups now: {}",
        r2.stdout,
        run(jinbao(state).args(["db", "backups", "hebi", "--json"])).stdout
    );
    drop(db);
    assert!(
        !cities.contains_key("luohe") || cities["luohe"]["result"] == "skipped",
        "the general wave is halted: {cities:?}"
    );
    let link =
        std::fs::read_link(state.join("sandbox/hosts/hebi/hebi-app1/opt/jinbao/current")).unwrap();
    assert!(link.ends_with("releases/3.0.0"));
    // the province sees Hebi still on 3.0.0, its last change rolled back with the reason
    let r = run(jinbao(state).args(["status", "hebi", "--offline", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hebi = &r.json()[0];
    assert_eq!(hebi["release"], "3.0.0", "{hebi}");
    assert_eq!(hebi["last_change"]["result"], "rolled-back");
    assert_eq!(hebi["last_change"]["to"], "3.1.0");
    assert!(
        hebi["last_change"]["reason"]
            .as_str()
            .unwrap()
            .contains("person fell")
    );
}

#[test]
fn a_plan_is_applied_exactly_and_drift_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let one = make_release(state, "4.0.0", None);
    assert_eq!(
        run(jinbao(state).args([
            "rollout",
            one.to_str().unwrap(),
            "anyang",
            "jiaozuo",
            "--no-pause",
            "--provision",
            "--migrate"
        ]))
        .code,
        0
    );
    let two = make_release(state, "4.1.0", None);
    let plan = state.join("plan.json");
    let r = run(jinbao(state).args([
        "rollout",
        "plan",
        two.to_str().unwrap(),
        "anyang",
        "jiaozuo",
        "--out",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(p["release"]["version"], "4.1.0");
    let server = &p["cities"][0]["servers"][0];
    assert_eq!(server["facts"]["current"], "4.0.0");
    assert_eq!(
        server["steps"],
        serde_json::json!(["upload", "switch", "restart", "health"])
    );
    // --dry-run prints the same without writing
    let r = run(jinbao(state).args([
        "rollout",
        "plan",
        two.to_str().unwrap(),
        "anyang",
        "--dry-run",
    ]));
    assert!(r.stdout.contains("\"upload\""));
    // someone moves jiaozuo on after the plan was made
    let three = make_release(state, "4.0.1", None);
    assert_eq!(
        run(jinbao(state).args(["rollout", three.to_str().unwrap(), "jiaozuo", "--no-pause"])).code,
        0
    );
    let r = run(jinbao(state).args([
        "rollout",
        "apply",
        plan.to_str().unwrap(),
        "--json",
        "--max-failures",
        "5",
    ]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let cities = by_city(&r.json());
    assert_eq!(cities["anyang"]["result"], "deployed");
    assert_eq!(cities["jiaozuo"]["result"], "refused");
    assert!(
        cities["jiaozuo"]["reason"]
            .as_str()
            .unwrap()
            .contains("drifted since the plan")
    );
}

#[test]
fn timings_show_where_the_time_went() {
    let Some(_bed) = testbed("timings_show_where_the_time_went") else {
        return;
    };
    let Some(_pg) = pg::available("timings_show_where_the_time_went") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let v = unique("12.0");
    let release = make_release(state, &v, Some("sleep 0.2; exit 0"));
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        release.to_str().unwrap(),
        "--wave",
        "pilot",
        "--provision",
        "--migrate",
        "--no-pause",
        "--timings",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.json()["timings"];
    let phases: Vec<&str> = t["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phase"].as_str().unwrap())
        .collect();
    for want in [
        "connect", "probe", "lock", "upload", "switch", "health", "finalize",
    ] {
        assert!(phases.contains(&want), "no {want} in {phases:?}");
    }
    // every app server has its upload, switch and health timed
    let spans = t["spans"].as_array().unwrap();
    for phase in ["upload", "switch", "health"] {
        let hosts = spans.iter().filter(|s| s["phase"] == phase).count();
        assert_eq!(hosts, 9, "{phase}: {hosts} spans");
    }
    // the health check sleeps 0.2 s: its spans show it, the critical path ends after it
    let health = spans.iter().find(|s| s["phase"] == "health").unwrap();
    assert!(health["ms"].as_u64().unwrap() >= 150, "{health}");
    let path = t["critical_path"].as_array().unwrap();
    assert!(!path.is_empty());
    let wall = t["wall_ms"].as_u64().unwrap();
    let last = path.last().unwrap();
    assert!(last["start_ms"].as_u64().unwrap() + last["ms"].as_u64().unwrap() <= wall);
    assert!(path.iter().any(|s| s["phase"] == "health"));
    // for people: the same as tables; and the journal has them as events
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        release.to_str().unwrap(),
        "--wave",
        "pilot",
        "--no-pause",
        "--timings",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Critical path"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Each phase over all hosts"),
        "{}",
        r.stdout
    );
    let journals: String = std::fs::read_dir(common::records(state, "testbed").join("rollouts"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(journals.contains("\"event\":\"timing\""));
}

/// A release that needs a schema version the migrations never reach: the city fails at the
/// schema gate after migrating, saying where the database is in the user's words (it once
/// said "at Some(8)", Rust's debug text), and no server is touched.
#[test]
fn a_schema_the_migrations_never_reach_fails_the_city_in_plain_words() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let out = state.join("releases");
    let r = run(jinbao(state).args([
        "release",
        "pack",
        "examples/unified-app",
        "--version",
        "9.9.9",
        "--schema",
        "999",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tarball = r.json()["tarball"].as_str().unwrap().to_string();
    let r = run(jinbao(state).args([
        "rollout",
        &tarball,
        "hebi",
        "--provision",
        "--migrate",
        "--no-pause",
        "--json",
    ]));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let hebi = &by_city(&r.json())["hebi"];
    let why = hebi["error"].as_str().unwrap_or_default().to_string()
        + hebi["reason"].as_str().unwrap_or_default();
    assert!(
        why.contains("after migrating, the database is at V0") && why.contains("below V999"),
        "{}",
        serde_json::to_string_pretty(hebi).unwrap()
    );
    assert!(
        !r.stdout.contains("Some(") && !r.stderr.contains("Some("),
        "{}",
        r.stdout
    );
    assert!(
        !state
            .join("sandbox/hosts/hebi/hebi-app1/opt/jinbao/current")
            .exists(),
        "no server switched"
    );
}

/// Provisioning that fails on one server of a city fails the city before any switch, and the
/// changes it made on the other servers still count as changes of the run (they were counted
/// as none).
#[test]
fn a_provisioning_failure_on_one_server_still_counts_the_changes_made() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    // a folder (not empty) where provisioning puts a file: the file cannot be put in place
    let obstacle = state.join("sandbox/hosts/hebi/hebi-app2/etc/jinbao/NOTICE/x");
    std::fs::create_dir_all(&obstacle).unwrap();
    std::fs::write(obstacle.join("y"), "").unwrap();
    let r = run(jinbao(state).args([
        "rollout",
        "examples/unified-app",
        "hebi",
        "--provision",
        "--migrate",
        "--no-pause",
        "--json",
    ]));
    let hebi = &by_city(&r.json())["hebi"];
    assert_eq!(hebi["result"], "failed", "{}", r.stdout);
    let reason = hebi["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("provision: hebi-app2: file /etc/jinbao/NOTICE"),
        "{reason}"
    );
    assert!(hebi["changes"].as_u64().unwrap() > 10, "{}", r.stdout);
    assert!(
        !state
            .join("sandbox/hosts/hebi/hebi-app1/opt/jinbao/current")
            .exists(),
        "no server switched"
    );
}

/// Between waves a person sees the wave's results, then the question; Ctrl-C at the question
/// stops jinbao at once (exit 130), resumable, as at any other moment.
#[test]
fn the_wave_question_follows_its_results_and_ctrl_c_at_it_stops() {
    use std::time::Duration;
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let mut s = common::pty::spawn_on_terminal(
        state,
        &[("NO_COLOR", "1")],
        &[
            "rollout",
            "examples/unified-app",
            "hebi",
            "luoyang",
            "--provision",
            "--migrate",
        ],
    );
    let seen = s.expect("[y/N]", Duration::from_secs(120));
    let question = seen
        .find("go on with wave demonstration?")
        .unwrap_or_else(|| {
            panic!("no wave question:\n{seen}");
        });
    let before = &seen[..question];
    assert!(
        before.contains("hebi") && before.contains("deployed"),
        "the pilot wave's results come before the question:\n{seen}"
    );
    s.signal(libc::SIGINT);
    let code = s.wait(Duration::from_secs(20));
    assert_eq!(code, Some(130), "Ctrl-C at the question:\n{}", s.seen);
    assert!(s.seen.contains("--resume"), "{}", s.seen);
    // luoyang was never started
    let r = run(jinbao(state).args(["releases", "luoyang", "--json"]));
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["current"].is_null()),
        "{}",
        r.stdout
    );
    // and the run goes on where it stopped
    let r = run(jinbao(state).args(["rollout", "--resume", "--no-pause", "--json"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let r = run(jinbao(state).args(["releases", "luoyang", "--json"]));
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["current"] == "1.0.0"),
        "{}",
        r.stdout
    );
}

/// Answering yes goes on with the next wave; the summary leaves out the rows already shown.
#[test]
fn yes_at_the_wave_question_goes_on() {
    use std::time::Duration;
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let mut s = common::pty::spawn_on_terminal(
        state,
        &[("NO_COLOR", "1")],
        &[
            "rollout",
            "examples/unified-app",
            "hebi",
            "luoyang",
            "--provision",
            "--migrate",
        ],
    );
    s.expect("[y/N]", Duration::from_secs(120));
    s.send("y\n");
    let code = s.wait(Duration::from_secs(120));
    assert_eq!(code, Some(0), "{}", s.seen);
    let (before, after) = s.seen.split_at(s.seen.find("[y/N]").unwrap());
    let rows = |text: &str, city: &str| {
        text.lines()
            .filter(|l| l.contains(city) && l.contains("deployed"))
            .count()
    };
    // each city's row once: hebi's before the question, luoyang's after it
    assert_eq!(rows(before, "hebi"), 1, "{}", s.seen);
    assert_eq!(rows(after, "hebi"), 0, "{}", s.seen);
    assert_eq!(rows(after, "luoyang"), 1, "{}", s.seen);
}

/// Ctrl-C at provisioning's question stops at once, nothing applied.
#[test]
fn ctrl_c_at_the_provision_question_stops() {
    use std::time::Duration;
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let mut s = common::pty::spawn_on_terminal(
        state,
        &[("NO_COLOR", "1")],
        &["provision", "apply", "hebi"],
    );
    s.expect("[y/N]", Duration::from_secs(120));
    s.signal(libc::SIGINT);
    let code = s.wait(Duration::from_secs(20));
    assert_eq!(code, Some(130), "{}", s.seen);
    assert!(s.seen.contains("nothing was done"), "{}", s.seen);
}

#[test]
fn releases_gc_drops_only_what_no_kept_release_uses() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    // seven releases into Xuchang (five are kept), each with a file of its own
    let mut tarballs = Vec::new();
    for k in 1..=7 {
        let v = format!("3.{k}.0");
        let src = state.join(format!("src-{v}"));
        copy_tree(&repo().join("examples/unified-app"), &src);
        std::fs::write(src.join("VERSION"), format!("{v}\n")).unwrap();
        std::fs::write(src.join(format!("only-{k}.txt")), format!("release {k}\n")).unwrap();
        tarballs.push(common::pack_release(state, &src, &v));
    }
    for t in &tarballs {
        let r = run(jinbao(state).args([
            "--yes",
            "rollout",
            t.to_str().unwrap(),
            "xuchang",
            "--provision",
            "--migrate",
            "--no-pause",
        ]));
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    }
    let hosts = state.join("sandbox/hosts/xuchang");
    let stores: Vec<PathBuf> = std::fs::read_dir(&hosts)
        .unwrap()
        .flatten()
        .map(|h| h.path().join("opt/jinbao/releases/.store/objects"))
        .filter(|p| p.is_dir())
        .collect();
    assert!(!stores.is_empty());
    // every object two hours old: the rollouts' own pruning left them (too young then)
    for s in &stores {
        let out = std::process::Command::new("touch")
            .arg("-d")
            .arg("2 hours ago")
            .args(std::fs::read_dir(s).unwrap().flatten().map(|e| e.path()))
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let first = {
        use sha2::Digest;
        sha2::Sha256::digest(b"release 1\n")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert!(stores.iter().all(|s| s.join(&first).exists()));
    // without a terminal and without --yes nothing is pruned
    let r = run(jinbao(state).args(["releases", "xuchang", "--gc", "--json"]));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(stores.iter().all(|s| s.join(&first).exists()));
    let r = run(jinbao(state).args(["releases", "xuchang", "--gc", "--yes", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pruned: u64 = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["pruned"].as_u64().unwrap())
        .sum();
    assert!(pruned > 0, "{}", r.stdout);
    // the first release's own file is gone from every store; the kept releases are whole
    assert!(stores.iter().all(|s| !s.join(&first).exists()));
    let r = run(jinbao(state).args(["releases", "xuchang", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run(jinbao(state).args(["health", "xuchang", "--only", "release"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
}
