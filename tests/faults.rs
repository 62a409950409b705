//! The fault suite (`tests/faults`): what a careless operator and a bad day do to a rollout,
//! on the test bed's pilot cities. Every scenario asserts the end state on every server, not
//! just the exit code: each city on its old release or its new one (never between, never a
//! half-unpacked folder), no lock left, no jinbao command left running, and the journal and
//! `status` saying which.

use crate::common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::testbed::{Testbed, testbed};
use common::{copy_tree, jinbao, pg, repo, run};
use serde_json::Value;

/// The app and web servers of the pilots, and the test-bed host standing for each.
const APP_HOSTS: &[(&str, &str, &str)] = &[
    ("xuchang", "xuchang-app1", "h3"),
    ("xuchang", "xuchang-app2", "h4"),
    ("xuchang", "xuchang-web1", "h5"),
    ("zhoukou", "zhoukou-app1", "h8"),
    ("zhoukou", "zhoukou-app2", "h9"),
    ("zhoukou", "zhoukou-web1", "h10"),
    ("hebi", "hebi-app1", "h13"),
    ("hebi", "hebi-app2", "h14"),
    ("hebi", "hebi-web1", "h15"),
];

fn make_release(dir: &Path, version: &str, health: &str) -> PathBuf {
    let src = dir.join(format!("src-{version}"));
    copy_tree(&repo().join("examples/unified-app"), &src);
    std::fs::write(src.join("VERSION"), format!("{version}\n")).unwrap();
    let path = src.join("bin/health-check");
    std::fs::write(&path, format!("#!/bin/sh\n{health}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    common::pack_release(dir, &src, version)
}

fn unique(prefix: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    format!("{prefix}.{}", t.as_millis())
}

/// What one server has: its current release when that is whole (a folder with its checksum
/// record and its files), `BROKEN` otherwise; and what it should not have left behind.
#[derive(Debug, Clone, PartialEq)]
struct ServerState {
    current: String,
    temp_folders: usize,
    locked: bool,
}

fn server_state(bed: &Testbed, host: &str) -> ServerState {
    let out = bed.exec(
        host,
        "I=/opt/jinbao; c=$(readlink $I/current 2>/dev/null); \
         if [ -z \"$c\" ]; then echo none; else v=${c##*/}; \
           if [ \"$c\" = \"$I/releases/$v\" ] && [ -f $I/releases/.$v.sha256 ] && [ -x $c/bin/health-check ] && [ -f $c/VERSION ]; \
           then echo \"$v\"; else echo \"BROKEN:$c\"; fi; fi; \
         ls -a $I/releases 2>/dev/null | grep -c '\\.tmp$' || true; \
         [ -d $I/.rollout.lock ] && echo LOCKED || echo free",
    );
    let lines: Vec<&str> = out.lines().collect();
    ServerState {
        current: lines[0].to_string(),
        temp_folders: lines
            .get(1)
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0),
        locked: lines.get(2) == Some(&"LOCKED"),
    }
}

/// Every pilot server's state, by city.
fn fleet_state(bed: &Testbed) -> BTreeMap<&'static str, Vec<ServerState>> {
    let mut out: BTreeMap<&str, Vec<ServerState>> = BTreeMap::new();
    for (city, _, host) in APP_HOSTS {
        out.entry(city).or_default().push(server_state(bed, host));
    }
    out
}

/// The promise: every server on a whole release, nothing half-done left behind, no lock.
/// With `uniform`, each city is on one release (not some servers on each).
fn assert_whole(bed: &Testbed, scenario: &str, uniform: bool) -> BTreeMap<&'static str, String> {
    let mut versions = BTreeMap::new();
    for (city, servers) in fleet_state(bed) {
        for s in &servers {
            assert!(
                !s.current.starts_with("BROKEN"),
                "{scenario}: {city}: {s:?}"
            );
            assert!(
                !s.locked,
                "{scenario}: {city}: a server lock was left: {s:?}"
            );
        }
        if uniform {
            let first = &servers[0].current;
            assert!(
                servers.iter().all(|s| &s.current == first),
                "{scenario}: {city} is between releases: {servers:?}"
            );
        }
        versions.insert(city, servers[0].current.clone());
    }
    versions
}

/// No jinbao script runs anywhere on this machine (hosts' processes are visible here): the
/// reader every script starts with names itself in its command line.
fn assert_no_orphans(scenario: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = Command::new("pgrep")
            .args(["-f", "jinbao-script-end"])
            .output()
            .unwrap();
        if out.stdout.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{scenario}: jinbao's commands still run: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// No controller lock is held (each lock file is free).
fn assert_no_controller_lock(state: &Path, scenario: &str) {
    let r = run(jinbao(state).args(["lock", "status", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let held = r.json();
    assert_eq!(
        held["controller"].as_array().unwrap().len(),
        0,
        "{scenario}: {held}"
    );
}

fn rollout(state: &Path, release: &Path, extra: &[&str]) -> Child {
    common::jinbao_std(state)
        .env("JINBAO_TESTBED_PG_PASSWORD", pg::password())
        .args(["--env", "testbed", "rollout", release.to_str().unwrap()])
        .args([
            "xuchang,zhoukou,hebi",
            "--max-parallel",
            "1",
            "--batch",
            "1",
        ])
        .args([
            "--provision",
            "--migrate",
            "--no-pause",
            "--events",
            "ndjson",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads events until one matches; returns it (None when the stream ended first).
fn wait_for(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    want: &dyn Fn(&Value) -> bool,
) -> Option<Value> {
    for line in lines {
        let e: Value = serde_json::from_str(&line.ok()?).ok()?;
        if want(&e) {
            return Some(e);
        }
    }
    None
}

/// The points in a rollout a fault is injected at, as events of its stream.
/// An event a fault waits for.
type Point = Box<dyn Fn(&Value) -> bool>;

fn points() -> Vec<(&'static str, Point)> {
    let step = |name: &'static str| -> Point {
        Box::new(move |e: &Value| e["event"] == "step" && e["step"] == name)
    };
    vec![
        (
            "city-start",
            Box::new(|e: &Value| e["event"] == "city-start"),
        ),
        ("provision", step("provision")),
        ("lock", step("lock")),
        ("deploy of the first server", step("deploy")),
        ("city-done", Box::new(|e: &Value| e["event"] == "city-done")),
    ]
}

fn resume(state: &Path) -> common::Run {
    run(pg::jinbao(state, None).args(["rollout", "--resume", "--json"]))
}

fn status_release(state: &Path, city: &str) -> String {
    let r = run(pg::jinbao(state, None).args(["status", city, "--json"]));
    let v = r.json();
    let row = v.as_array().map(|a| a[0].clone()).unwrap_or(v);
    row["release"].as_str().unwrap_or("").to_string()
}

fn setup(state: &Path) {
    let r = run(pg::jinbao(state, None).args(["db", "init", "--wave", "pilot"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn sigkill_at_each_step_then_resume() {
    let Some(bed) = testbed("sigkill_at_each_step_then_resume") else {
        return;
    };
    let Some(_pg) = pg::available("sigkill_at_each_step_then_resume") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    setup(state);
    for (point, want) in points() {
        let v = unique("20.0");
        let release = make_release(state, &v, "sleep 0.3; exit 0");
        let mut child = rollout(state, &release, &[]);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(
            wait_for(&mut lines, &*want).is_some(),
            "{point}: never reached"
        );
        child.kill().unwrap(); // SIGKILL: no handler runs
        child.wait().unwrap();
        assert_no_orphans(point);
        // each server on a whole release (a city may be part way: SIGKILL cannot undo)
        assert_whole_after_kill(&bed, point);
        let r = resume(state);
        assert_eq!(r.code, 0, "{point}: resume:\n{}\n{}", r.stdout, r.stderr);
        let versions = assert_whole(&bed, point, true);
        assert!(versions.values().all(|c| *c == v), "{point}: {versions:?}");
        for city in ["xuchang", "zhoukou", "hebi"] {
            assert_eq!(status_release(state, city), v, "{point}: status of {city}");
        }
        assert_no_controller_lock(state, point);
    }
}

/// After a SIGKILL the servers' city locks may still be there (nothing ran to remove them):
/// they name a process that is gone, which the resume takes over. Releases are whole.
fn assert_whole_after_kill(bed: &Testbed, scenario: &str) {
    for (city, servers) in fleet_state(bed) {
        for s in &servers {
            assert!(
                !s.current.starts_with("BROKEN"),
                "{scenario}: {city}: {s:?}"
            );
        }
    }
}

#[test]
fn sigint_at_each_step_leaves_every_city_whole_and_resumes() {
    let Some(bed) = testbed("sigint_at_each_step_leaves_every_city_whole_and_resumes") else {
        return;
    };
    let Some(_pg) = pg::available("sigint") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    setup(state);
    for (point, want) in points() {
        let v = unique("21.0");
        let release = make_release(state, &v, "sleep 0.3; exit 0");
        let before = fleet_state(&bed);
        let mut child = rollout(state, &release, &[]);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(
            wait_for(&mut lines, &*want).is_some(),
            "{point}: never reached"
        );
        // SAFETY: signalling the child we started.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let rest: Vec<Value> = lines
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str(&l).ok())
            .collect();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{point}: {stderr}");
        assert!(
            stderr.contains("interrupted") && stderr.contains("jinbao rollout --resume"),
            "{point}: says how to go on: {stderr}"
        );
        assert!(
            rest.iter().any(|e| e["event"] == "interrupted"),
            "{point}: the journal says interrupted"
        );
        assert_no_orphans(point);
        assert_no_controller_lock(state, point);
        let versions = assert_whole(&bed, point, true);
        for (city, now) in &versions {
            let old = &before[city][0].current;
            assert!(
                now == old || *now == v,
                "{point}: {city} on {now}, neither {old} nor {v}"
            );
        }
        let r = resume(state);
        assert_eq!(r.code, 0, "{point}: resume:\n{}\n{}", r.stdout, r.stderr);
        let versions = assert_whole(&bed, point, true);
        assert!(versions.values().all(|c| *c == v), "{point}: {versions:?}");
    }
}

#[test]
fn a_resume_while_the_run_is_alive_is_refused() {
    let Some(bed) = testbed("a_resume_while_the_run_is_alive_is_refused") else {
        return;
    };
    let Some(_pg) = pg::available("a_resume_while_the_run_is_alive_is_refused") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    setup(state);
    let v = unique("22.0");
    let release = make_release(state, &v, "sleep 1; exit 0");
    let mut child = rollout(state, &release, &[]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    wait_for(&mut lines, &|e| e["event"] == "city-start").unwrap();
    let r = resume(state);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("is still running") && r.stderr.contains(&format!("pid {}", child.id())),
        "names the live run: {}",
        r.stderr
    );
    // a plain rollout meanwhile is told the run is running, not that it did not finish
    let r = run(pg::jinbao(state, None).args(["rollout", release.to_str().unwrap(), "hebi"]));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("is running: held by"), "{}", r.stderr);
    for _ in lines.by_ref() {}
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let versions = assert_whole(&bed, "resume while alive", true);
    assert!(versions.values().all(|c| *c == v), "{versions:?}");
    // the journal has each city done once
    let active = std::fs::read_dir(common::records(state, "testbed").join("rollouts"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".jsonl"))
        .unwrap();
    let journal = std::fs::read_to_string(active.path()).unwrap();
    assert_eq!(journal.matches("\"event\":\"run-done\"").count(), 1);
    for city in ["xuchang", "zhoukou", "hebi"] {
        let done = journal
            .lines()
            .filter(|l| l.contains("\"city-done\"") && l.contains(&format!("\"city\":\"{city}\"")))
            .count();
        assert_eq!(done, 1, "{city}");
    }
}

#[test]
fn a_disk_that_fills_during_unpack_fails_the_city_cleanly() {
    let Some(bed) = testbed("a_disk_that_fills_during_unpack_fails_the_city_cleanly") else {
        return;
    };
    let Some(_pg) = pg::available("a_disk_that_fills") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    setup(state);
    let ok = unique("23.0");
    let release = make_release(state, &ok, "exit 0");
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        release.to_str().unwrap(),
        "xuchang",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // a release with 2 MiB of data, and a 1 MiB file system under h4's releases
    let big = unique("23.1");
    let src = state.join("big-src");
    copy_tree(&repo().join("examples/unified-app"), &src);
    std::fs::write(src.join("VERSION"), format!("{big}\n")).unwrap();
    let noise: Vec<u8> = (0..2 << 20)
        .map(|i: u32| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(src.join("data.bin"), noise).unwrap();
    let r = run(jinbao(state).args([
        "release",
        "pack",
        src.to_str().unwrap(),
        "--version",
        &big,
        "--out",
        state.join("releases").to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let big_release = PathBuf::from(r.json()["tarball"].as_str().unwrap());
    bed.exec("h4", "mkdir -p /mnt/small && mount -t tmpfs -o size=1m tmpfs /mnt/small && cp -a /opt/jinbao/releases/. /mnt/small/ 2>/dev/null; mount --bind /mnt/small /opt/jinbao/releases");
    let free_before = bed.exec("h4", "df -Pk /opt/jinbao/releases | awk 'NR==2 {print $4}'");
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        big_release.to_str().unwrap(),
        "xuchang",
        "--no-pause",
        "--json",
        "--set",
        "app.health.timeout=2s",
    ]));
    let free = bed.exec("h4", "df -Pk /opt/jinbao/releases | awk 'NR==2 {print $4}'");
    bed.exec("h4", "umount /opt/jinbao/releases; umount /mnt/small");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let city = &r.json()["cities"][0];
    // the release is unpacked before any server switches: a failed unpack leaves the whole
    // city on its old release, nothing to roll back
    assert_eq!(city["result"], "failed", "{city}");
    assert!(
        city["reason"]
            .as_str()
            .unwrap()
            .contains("xuchang-app2: upload failed"),
        "{city}"
    );
    // the failed unpack was cleaned up: the disk is not left full
    let (before, after): (u64, u64) = (
        free_before.trim().parse().unwrap(),
        free.trim().parse().unwrap(),
    );
    assert!(
        after + 16 >= before,
        "left full: {after} KiB free, {before} before"
    );
    let versions = assert_whole(&bed, "disk full", true);
    assert_eq!(versions["xuchang"], ok);
}

#[test]
fn a_host_cut_mid_deploy_is_lost_and_its_city_put_back() {
    let Some(mut bed) = testbed("a_host_cut_mid_deploy_is_lost_and_its_city_put_back") else {
        return;
    };
    let Some(_pg) = pg::available("a_host_cut") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    setup(state);
    let old = unique("24.0");
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        make_release(state, &old, "exit 0").to_str().unwrap(),
        "zhoukou",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let new = unique("24.1");
    let release = make_release(state, &new, "sleep 2; exit 0");
    let mut child = common::jinbao_std(state)
        .env("JINBAO_TESTBED_PG_PASSWORD", pg::password())
        .args([
            "--env",
            "testbed",
            "rollout",
            release.to_str().unwrap(),
            "zhoukou",
        ])
        .args([
            "--no-pause",
            "--events",
            "ndjson",
            "--set",
            "datacenter.ssh.keepalive=1s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    wait_for(&mut lines, &|e| e["event"] == "step" && e["step"] == "lock").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    bed.cut("h9"); // zhoukou-app2, in the middle of its deploy
    let rest: Vec<Value> = lines
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = rest.iter().find(|e| e["event"] == "city-done").unwrap();
    assert_eq!(done["result"], "rolled-back", "{done}");
    assert!(
        done["reason"].as_str().unwrap().contains("zhoukou-app2"),
        "{done}"
    );
    bed.hosts(&["heal", "h9"]);
    // the servers that were reached are back on the old release; the cut one never switched
    // or was put back when its script ended
    for (_, server, host) in APP_HOSTS.iter().filter(|(c, _, _)| *c == "zhoukou") {
        let s = server_state(&bed, host);
        assert!(s.current == old || s.current == new, "{server}: {s:?}");
        if *host != "h9" {
            assert_eq!(s.current, old, "{server}");
        }
    }
    // the lock the lost host kept names a jinbao that is gone: the next run takes it over
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        release.to_str().unwrap(),
        "zhoukou",
        "--no-pause",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let versions = assert_whole(&bed, "after the cut host healed", true);
    assert_eq!(versions["zhoukou"], new);
    drop(bed);
}

#[test]
fn postgres_stopped_mid_migration_applies_it_whole_or_not_at_all() {
    let Some(_bed) = testbed("postgres_stopped_mid_migration") else {
        return;
    };
    let Some(alone) = pg::exclusive("postgres_stopped_mid_migration") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    common::copy_project(work.path());
    // a migration that takes a while, after the shipped ones
    std::fs::write(
        work.path().join("templates/schema/V099__slow.sql"),
        "CREATE TABLE slow_a (x int);\nSELECT pg_sleep(4);\nCREATE TABLE slow_b (x int);\n",
    )
    .unwrap();
    let state = work.path().join("state");
    let db = "jinbao_fault_migrate";
    pg::drop_db(db);
    let jb = |args: &[&str]| {
        let mut c = pg::jinbao(&state, Some(db));
        c.current_dir(work.path()).args(args);
        run(&mut c)
    };
    assert_eq!(jb(&["db", "init", "hebi"]).code, 0);
    let mut child = common::jinbao_std(&state);
    child
        .current_dir(work.path())
        .env("JINBAO_TESTBED_PG_PASSWORD", pg::password())
        .args([
            "--env",
            "testbed",
            "--set",
            &format!("database.dsn=postgresql://127.0.0.1:5432/{db}"),
        ])
        .args(["db", "migrate", "hebi", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = child.spawn().unwrap();
    // wait until V099 runs, then stop the server under it
    let out = pg::stop_under(&alone, child, "V099 never started", |c| {
        c.query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(4)%' AND pid <> pg_backend_pid()",
            &[],
        )
        .ok()
        .map(|r| r.get::<_, i64>(0))
    });
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // not applied at all: neither table, no history row
    let mut c = pg::connect(db).unwrap();
    let tables: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE tablename IN ('slow_a','slow_b')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
    let r = jb(&["db", "status", "hebi", "--json"]);
    assert!(r.stdout.contains("99"), "V099 is pending: {}", r.stdout);
    // and it applies whole on the next run
    let r = jb(&["db", "migrate", "hebi"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tables: i64 = pg::connect(db)
        .unwrap()
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE tablename IN ('slow_a','slow_b')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 2);
    pg::drop_db(db);
}

#[test]
fn sshd_killed_mid_command_loses_the_host_and_the_next_run_takes_its_lock_over() {
    let Some(bed) = testbed("sshd_killed_mid_command") else {
        return;
    };
    let Some(_pg) = pg::available("sshd_killed_mid_command") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    setup(state);
    let old = unique("25.0");
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        make_release(state, &old, "exit 0").to_str().unwrap(),
        "zhoukou",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let new = unique("25.1");
    let release = make_release(state, &new, "sleep 3; exit 0");
    let mut child = common::jinbao_std(state)
        .env("JINBAO_TESTBED_PG_PASSWORD", pg::password())
        .args([
            "--env",
            "testbed",
            "rollout",
            release.to_str().unwrap(),
            "zhoukou",
        ])
        .args(["--no-pause", "--events", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    wait_for(&mut lines, &|e| e["event"] == "step" && e["step"] == "lock").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    bed.hosts(&["kill-sessions", "h9"]); // sshd of zhoukou-app2 dies mid-command
    let rest: Vec<Value> = lines
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = rest.iter().find(|e| e["event"] == "city-done").unwrap();
    assert_eq!(done["result"], "rolled-back", "{done}");
    assert!(
        done["reason"].as_str().unwrap().contains("zhoukou-app2"),
        "{done}"
    );
    for (_, server, host) in APP_HOSTS.iter().filter(|(c, _, _)| *c == "zhoukou") {
        let s = server_state(&bed, host);
        assert!(!s.current.starts_with("BROKEN"), "{server}: {s:?}");
        if *host != "h9" {
            assert_eq!(s.current, old, "{server}");
        }
    }
    // the next run finds the lock of a jinbao that is gone, takes it over and says so
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        make_release(state, &unique("25.2"), "exit 0")
            .to_str()
            .unwrap(),
        "zhoukou",
        "--no-pause",
        "--events",
        "ndjson",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    if server_state(&bed, "h9").locked || r.stdout.contains("lock-taken-over") {
        assert!(r.stdout.contains("lock-taken-over"), "{}", r.stdout);
    }
    assert_whole(&bed, "after sshd killed", true);
}

#[test]
fn two_operators_racing_on_one_city_one_waits_its_turn_or_is_refused() {
    let Some(bed) = testbed("two_operators_racing") else {
        return;
    };
    let Some(_pg) = pg::available("two_operators_racing") else {
        return;
    };
    // two controllers: separate state folders, the same servers
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    setup(a.path());
    let (va, vb) = (unique("26.0"), unique("26.1"));
    let (ra, rb) = (
        make_release(a.path(), &va, "sleep 1; exit 0"),
        make_release(b.path(), &vb, "sleep 1; exit 0"),
    );
    let spawn = |state: &Path, release: &Path| {
        common::jinbao_std(state)
            .env("JINBAO_TESTBED_PG_PASSWORD", pg::password())
            .args([
                "--env",
                "testbed",
                "rollout",
                release.to_str().unwrap(),
                "hebi",
            ])
            .args(["--json", "--no-pause", "--provision", "--migrate"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn(a.path(), &ra);
    let second = spawn(b.path(), &rb);
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    let codes = [first.status.code(), second.status.code()];
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(4)),
        "one deploys, the other is blocked (exit 4): {codes:?}\n{}\n{}",
        String::from_utf8_lossy(&first.stderr),
        String::from_utf8_lossy(&second.stderr)
    );
    let loser = if first.status.code() == Some(4) {
        &first
    } else {
        &second
    };
    let summary: Value = serde_json::from_slice(&loser.stdout).unwrap();
    let reason = summary["cities"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("holds the city lock") && reason.contains("run="),
        "{reason}"
    );
    let versions = assert_whole(&bed, "race", true);
    let winner = if first.status.code() == Some(0) {
        &va
    } else {
        &vb
    };
    assert_eq!(&versions["hebi"], winner);
}

/// Puts a host's clock right again when the test ends, whatever happens.
struct Skewed<'a>(&'a str);

impl Drop for Skewed<'_> {
    fn drop(&mut self) {
        let _ = Command::new(repo().join("tests/testbed/hosts"))
            .args(["skew", self.0, "0"])
            .output();
    }
}

#[test]
fn a_clock_ten_minutes_off_on_one_host_changes_nothing_but_the_health_report() {
    let Some(bed) = testbed("a_clock_ten_minutes_off") else {
        return;
    };
    let Some(_pg) = pg::available("a_clock_ten_minutes_off") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    setup(state);
    bed.hosts(&["skew", "h10", "+10m"]);
    let _right_again = Skewed("h10");
    let v = unique("27.0");
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        make_release(state, &v, "sleep 0.2; exit 0")
            .to_str()
            .unwrap(),
        "zhoukou",
        "--provision",
        "--migrate",
        "--no-pause",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.json()["cities"][0]["result"], "deployed");
    let versions = assert_whole(&bed, "clock off", true);
    assert_eq!(versions["zhoukou"], v);
    // the health check sees it
    let r = run(pg::jinbao(state, None).args(["health", "zhoukou", "--json"]));
    assert!(r.stdout.contains("clock"), "{}", r.stdout);
    let report = r.json();
    let text = report.to_string();
    assert!(
        text.contains("zhoukou-web1") && (text.contains("CRITICAL") || text.contains("critical")),
        "the skewed host is flagged: {text}"
    );
}

#[test]
fn postgres_stopped_mid_import_loads_every_row_or_none() {
    let Some(_bed) = testbed("postgres_stopped_mid_import") else {
        return;
    };
    let Some(alone) = pg::exclusive("postgres_stopped_mid_import") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let db = "jinbao_fault_import";
    pg::drop_db(db);
    let jb = |args: &[&str]| run(pg::jinbao(state, Some(db)).args(args));
    assert_eq!(jb(&["db", "init", "hebi"]).code, 0);
    assert_eq!(jb(&["db", "migrate", "hebi"]).code, 0);
    let out = state.join("extracts");
    let r = run(jinbao(state).args([
        "data",
        "synth",
        "hebi",
        "--persons",
        "300000",
        "--defects",
        "0",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let county = r.json()["counties"][0].clone();
    let folder = county["folder"].as_str().unwrap().to_string();
    let code = county["code"].as_str().unwrap().to_string();
    let persons = Path::new(&folder).join("persons.csv");
    let child = common::jinbao_std(state)
        .env("JINBAO_TESTBED_PG_PASSWORD", pg::password())
        .args([
            "--env",
            "testbed",
            "--set",
            &format!("database.dsn=postgresql://127.0.0.1:5432/{db}"),
        ])
        .args([
            "data",
            "import",
            "hebi",
            "--county",
            &code,
            persons.to_str().unwrap(),
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // stop the server while rows stream in
    let out = pg::stop_under(&alone, child, "the import never streamed", |c| {
        c.query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'COPY%'",
            &[&db],
        )
        .ok()
        .map(|r| r.get::<_, i64>(0))
    });
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // nothing half-loaded: no person, no batch record of the file
    let mut c = pg::connect(db).unwrap();
    let n: i64 = c
        .query_one("SELECT count(*) FROM jinbao.person", &[])
        .unwrap()
        .get(0);
    let batches: i64 = c
        .query_one("SELECT count(*) FROM jinbao.import_batch", &[])
        .unwrap()
        .get(0);
    assert_eq!((n, batches), (0, 0), "a stopped import left rows behind");
    // the same file again: every row loaded or rejected
    let r = jb(&[
        "data",
        "import",
        "hebi",
        "--county",
        &code,
        persons.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = &r.json()[0];
    assert_eq!(
        m["read"].as_u64().unwrap(),
        m["loaded"].as_u64().unwrap() + m["rejected"].as_u64().unwrap(),
        "{m}"
    );
    let lines = std::fs::read_to_string(&persons).unwrap().lines().count() as u64;
    assert_eq!(
        m["read"].as_u64().unwrap(),
        lines - 1,
        "every row of the file"
    );
    pg::drop_db(db);
}
