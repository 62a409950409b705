//! Real servers: Debian 12 hosts with systemd (`tests/testbed/hosts up --os`), their software
//! from the province's mirror, each city's PostgreSQL server built by jinbao, nginx in front of
//! the city's app servers, the application as a systemd unit. Two cities are built from fresh
//! servers to a release that answers `/health` through nginx with the schema version read
//! from its own database; a server powered off and booted comes back healthy by itself; a
//! release whose service dies is rolled back to the one that served. Then the faults only real
//! servers have: a server powered off in the middle of a rollout, PostgreSQL stopped on the
//! city's db server during a rollout's migration.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{is_root, jinbao, repo, run};

/// The OS bed's hosts of the two cities (h1 is the province's mirror).
const CITY_HOSTS: &[&str] = &["h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10", "h11"];

pub(crate) fn hosts(args: &[&str]) -> String {
    let out = Command::new(repo().join("tests/testbed/hosts"))
        .arg("--os")
        .args(args)
        .output()
        .expect("tests/testbed/hosts runs");
    assert!(
        out.status.success(),
        "hosts --os {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `GET path` from this machine, as a person's browser would ask: the status line and body.
fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Runs jinbao in the OS environment; panics unless it exits `want`.
pub(crate) fn os(state: &Path, args: &[&str], want: i32) -> String {
    let mut cmd = jinbao(state);
    cmd.arg("--env").arg("os").args(args);
    let r = run(&mut cmd);
    assert_eq!(
        r.code, want,
        "jinbao --env os {args:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    r.stdout + &r.stderr
}

/// `jinbao --env os exec CITY --role ROLE -- LINE`; panics unless every server exits 0.
fn exec_on(state: &Path, city: &str, role: &str, line: &str) -> String {
    os(state, &["exec", city, "--role", role, "--", line], 0)
}

#[test]
fn two_cities_are_built_on_real_servers_and_serve_through_nginx() {
    if !is_root() {
        common::skip(
            "os_hosts",
            "needs root (systemd-nspawn hosts in network namespaces); CI runs it as root",
        );
        return;
    }
    hosts(&["up"]);
    for h in CITY_HOSTS {
        hosts(&["reset", h]); // fresh servers: nothing installed, nothing configured
    }
    crate::os_backup::fresh_repository();
    let state = tempfile::tempdir().unwrap();
    let st = state.path();

    // mirror → packages → PostgreSQL server → TLS → nginx → the app's unit; the province's
    // backup host and each db server archiving to it
    let applied = os(
        st,
        &["--yes", "provision", "apply", "province,xuchang,hebi"],
        0,
    );
    assert!(applied.contains("0 hosts failed"), "{applied}");
    let again = os(st, &["provision", "plan", "province,xuchang,hebi"], 0);
    assert!(again.contains("no changes"), "a second plan: {again}");
    let installed = exec_on(
        st,
        "xuchang",
        "db",
        "dpkg-query -W -f '${Status}' postgresql-15",
    );
    assert!(installed.contains("install ok installed"), "{installed}");
    // memory sized from what the server has, not PostgreSQL's 128MB default
    let buffers = exec_on(
        st,
        "xuchang",
        "db",
        "su postgres -c \"psql -tAc 'SHOW shared_buffers'\"",
    );
    assert!(
        !buffers.contains("128MB") && buffers.contains("MB"),
        "shared_buffers sized from the server: {buffers}"
    );

    // the city databases over the network, the server's certificate verified
    os(st, &["--yes", "db", "init", "xuchang,hebi"], 0);
    let migrated = os(st, &["--yes", "db", "migrate", "xuchang,hebi"], 0);
    assert!(migrated.contains("V014"), "{migrated}");
    let untrusted = os(
        st,
        &[
            "--set",
            "database.sslrootcert=/etc/ssl/certs/ca-certificates.crt",
            "db",
            "status",
            "xuchang",
        ],
        1,
    );
    assert!(
        untrusted.contains("certificate verify failed"),
        "a certificate the province did not issue is refused: {untrusted}"
    );

    let rolled = os(
        st,
        &[
            "rollout",
            "examples/unified-app",
            "xuchang,hebi",
            "--no-pause",
            "--yes",
        ],
        0,
    );
    assert!(rolled.contains("deployed"), "{rolled}");
    for (web, city) in [("10.203.104.2:80", "xuchang"), ("10.203.109.2:80", "hebi")] {
        let answer = http_get(web, "/health");
        assert!(answer.starts_with("HTTP/1.1 200"), "{web}: {answer}");
        for want in ["\"release\": \"1.0.0\"", "\"schema\": \"V014\"", city] {
            assert!(answer.contains(want), "{web} lacks {want}: {answer}");
        }
    }
    let enabled = exec_on(st, "xuchang", "app", "systemctl is-enabled jinbao-app");
    assert!(enabled.contains("enabled"), "{enabled}");

    // a server powered off and booted: healthy again without jinbao doing anything
    hosts(&["poweroff", "h3"]);
    hosts(&["boot", "h3"]);
    let start = Instant::now();
    let mut last = String::new();
    let healthy = loop {
        let mut cmd = jinbao(st);
        cmd.args(["--env", "os", "health", "xuchang"]);
        let r = run(&mut cmd);
        if r.code == 0 {
            break true;
        }
        last = r.stdout + &r.stderr;
        if start.elapsed() > Duration::from_secs(90) {
            break false;
        }
        std::thread::sleep(Duration::from_secs(2));
    };
    assert!(healthy, "xuchang after h3 booted again:\n{last}");
    let units = os(
        st,
        &["health", "xuchang", "--only", "units,service", "-v"],
        0,
    );
    assert!(
        units.contains("no failed systemd unit") && units.contains("running"),
        "health reads systemd on every server: {units}"
    );

    // a release whose service dies at once is rolled back to the one that served
    let broken = tempfile::tempdir().unwrap();
    common::copy_tree(&repo().join("examples/unified-app"), broken.path());
    std::fs::write(broken.path().join("VERSION"), "1.0.1\n").unwrap();
    std::fs::write(
        broken.path().join("bin/start"),
        "#!/bin/sh\necho 'cannot open the city database: no such role' >&2\nexit 1\n",
    )
    .unwrap();
    let release = broken.path().to_str().unwrap();
    let failed = os(
        st,
        &["rollout", release, "xuchang", "--no-pause", "--yes"],
        1,
    );
    assert!(failed.contains("rolled-back"), "{failed}");
    for said in [
        "Main process exited",
        "cannot open the city database: no such role",
    ] {
        assert!(
            failed.contains(said),
            "systemd's reason is shown ({said}): {failed}"
        );
    }
    let answer = http_get("10.203.104.2:80", "/health");
    assert!(
        answer.contains("\"release\": \"1.0.0\"") && answer.starts_with("HTTP/1.1 200"),
        "xuchang serves its release before again: {answer}"
    );

    // apt's lock held by another process: apt waits lock_wait, then fails in its own words on
    // that server alone; the city's other servers get the package
    let mut holder = Command::new(repo().join("tests/testbed/hosts"))
        .args(["--os", "exec", "h3", "timeout", "20", "python3", "-c"])
        .arg(
            "import fcntl, time; f = open('/var/lib/dpkg/lock-frontend', 'w'); \
             fcntl.lockf(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
        )
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut held = [0u8; 4];
    holder.stdout.take().unwrap().read_exact(&mut held).unwrap();
    let more = [
        "--set",
        r#"packages.roles.app=["python3", "python3-psycopg2", "postgresql-client-15"]"#,
        "--set",
        "packages.lock_wait=3s",
    ];
    let locked = os(
        st,
        &[
            &more[..],
            &["--yes", "provision", "apply", "xuchang", "--role", "app"],
        ]
        .concat(),
        1,
    );
    // apt names the lock in one of two ways: with its holder when it can tell it, without
    // when it cannot (seen once: "Unable to acquire the dpkg frontend lock (...)")
    assert!(
        (locked.contains("Could not get lock /var/lib/dpkg/lock-frontend")
            || locked.contains(
                "Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend)"
            ))
            && locked.contains("1 hosts failed"),
        "{locked}"
    );
    let client = exec_on(st, "xuchang", "app", "command -v psql || echo none");
    assert!(
        client.contains("/usr/bin/psql") && client.contains("none"),
        "installed on app2 only: {client}"
    );
    holder.wait().unwrap();

    powered_off_mid_rollout(st);
    postgres_stopped_mid_migration(st);
    crate::os_backup::backups_on_real_servers(st);
}

/// A copy of the example application at `version`.
fn example_at(version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&repo().join("examples/unified-app"), dir.path());
    std::fs::write(dir.path().join("VERSION"), format!("{version}\n")).unwrap();
    dir
}

/// The release each of `hosts` has as `current` (its VERSION: a whole release has one).
fn current_on(hosts_: &[&str]) -> Vec<String> {
    hosts_
        .iter()
        .map(|h| {
            hosts(&["exec", h, "cat", "/opt/jinbao/current/VERSION"])
                .trim()
                .to_string()
        })
        .collect()
}

/// Starts a rollout of `release` to `city` that reports its events as lines.
fn rollout_events(st: &Path, dir: &Path, release: &Path, city: &str) -> std::process::Child {
    common::jinbao_std(st)
        .current_dir(dir)
        .args(["--env", "os", "rollout", release.to_str().unwrap(), city])
        .args(["--no-pause", "--yes", "--migrate", "--events", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The events after one that matches `start`, until the run ends; and how it ended.
fn events_after(
    child: std::process::Child,
    start: &dyn Fn(&serde_json::Value) -> bool,
    fault: &dyn Fn(),
) -> (Vec<serde_json::Value>, std::process::Output) {
    let mut child = child;
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref().map_while(Result::ok) {
        let Ok(e) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let now = start(&e);
        seen.push(e);
        if now {
            break;
        }
    }
    fault();
    seen.extend(
        lines
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str(&l).ok()),
    );
    (seen, child.wait_with_output().unwrap())
}

/// A city server powered off while its city is being deployed: the city ends on a whole
/// release (put back, or said to be mixed, naming the server); once the server has booted
/// the next run takes over the lock it kept and finishes, and the city serves the release.
fn powered_off_mid_rollout(st: &Path) {
    let release = example_at("1.0.2");
    let child = rollout_events(st, &repo(), release.path(), "xuchang");
    let (events, out) = events_after(
        child,
        &|e| e["event"] == "step" && e["step"] == "lock",
        &|| {
            hosts(&["poweroff", "h6"]); // xuchang-app2
        },
    );
    let done = events
        .iter()
        .find(|e| e["event"] == "city-done")
        .unwrap_or_else(|| {
            panic!(
                "no city-done: {events:?}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    assert_eq!(out.status.code(), Some(1), "{done}");
    assert!(
        done["reason"]
            .as_str()
            .unwrap_or("")
            .contains("xuchang-app2"),
        "the city says which server it lost: {done}"
    );
    // the reachable app server is whole and back on the release before
    assert_eq!(current_on(&["h3"]), ["1.0.0"], "{done}");
    hosts(&["boot", "h6"]);
    let whole = current_on(&["h6"]);
    assert!(
        whole == ["1.0.0"] || whole == ["1.0.2"],
        "a whole release on the server that was off: {whole:?}"
    );
    let again = os(
        st,
        &[
            "rollout",
            release.path().to_str().unwrap(),
            "xuchang",
            "--no-pause",
            "--yes",
        ],
        0,
    );
    assert!(again.contains("deployed"), "{again}");
    assert_eq!(current_on(&["h3", "h6"]), ["1.0.2", "1.0.2"]);
    for _ in 0..4 {
        // nginx spreads requests over both app servers
        let answer = http_get("10.203.104.2:80", "/health");
        assert!(answer.contains("\"release\": \"1.0.2\""), "{answer}");
    }
}

/// PostgreSQL stopped on Hebi's db server while a rollout migrates it: the migration is not
/// applied at all, no server switches, the city says why; with the server started again the
/// next run migrates and deploys.
fn postgres_stopped_mid_migration(st: &Path) {
    let project = tempfile::tempdir().unwrap();
    common::copy_project(project.path());
    std::fs::write(
        project.path().join("templates/schema/V099__slow.sql"),
        "CREATE TABLE slow_a (x int);\nSELECT pg_sleep(8);\nCREATE TABLE slow_b (x int);\n",
    )
    .unwrap();
    let release = example_at("1.0.3");
    // a release that needs the new migration: the rollout migrates before anything else
    let manifest = release.path().join("jinbao-release.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("schema = 8", "schema = 99")).unwrap();
    let psql = |sql: &str| {
        let line = format!("psql -d jinbao_hebi -tAc \"{sql}\"");
        hosts(&["exec", "h7", "su", "postgres", "-c", &line])
    };
    let child = rollout_events(st, project.path(), release.path(), "hebi");
    let (events, out) = events_after(
        child,
        &|e| e["event"] == "city-start", // the schema is migrated before the lock
        &|| {
            let start = Instant::now();
            while !psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(8)%' AND pid <> pg_backend_pid()")
                .trim()
                .starts_with('1')
            {
                assert!(start.elapsed() < Duration::from_secs(60), "V099 never started");
                std::thread::sleep(Duration::from_millis(200));
            }
            hosts(&["exec", "h7", "systemctl", "stop", "postgresql@15-main"]);
        },
    );
    let done = events
        .iter()
        .find(|e| e["event"] == "city-done")
        .unwrap_or_else(|| panic!("no city-done: {events:?}"));
    assert_eq!(out.status.code(), Some(1), "{done}");
    assert!(
        done["reason"].as_str().unwrap_or("").contains("migrat"),
        "the city says its migration failed: {done}"
    );
    assert_eq!(current_on(&["h8", "h11"]), ["1.0.0", "1.0.0"], "{done}");
    hosts(&["exec", "h7", "systemctl", "start", "postgresql@15-main"]);
    let tables = psql("SELECT count(*) FROM pg_tables WHERE tablename IN ('slow_a', 'slow_b')");
    assert_eq!(tables.trim(), "0", "V099 applied whole or not at all");
    let mut cmd = jinbao(st);
    cmd.current_dir(project.path()).args([
        "--env",
        "os",
        "rollout",
        release.path().to_str().unwrap(),
        "hebi",
        "--migrate",
        "--no-pause",
        "--yes",
    ]);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(current_on(&["h8", "h11"]), ["1.0.3", "1.0.3"]);
    let answer = http_get("10.203.109.2:80", "/health");
    assert!(
        answer.contains("\"release\": \"1.0.3\"") && answer.contains("V099"),
        "{answer}"
    );
}
