//! Real servers: Debian 12 hosts with systemd (`tests/testbed/hosts up --os`), their software
//! from the province's mirror, each city's PostgreSQL server built by jinbao, nginx in front of
//! the city's app servers, the application as a systemd unit. Two cities are built from fresh
//! servers to a release that answers `/health` through nginx with the schema version read
//! from its own database; a server powered off and booted comes back healthy by itself; a
//! release whose service dies is rolled back to the one that served.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{is_root, jinbao, repo, run};

/// The OS bed's hosts of the two cities (h1 is the province's mirror).
const CITY_HOSTS: &[&str] = &["h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10", "h11"];

fn hosts(args: &[&str]) -> String {
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
fn os(state: &Path, args: &[&str], want: i32) -> String {
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
    let state = tempfile::tempdir().unwrap();
    let st = state.path();

    // mirror → packages → PostgreSQL server → TLS → nginx → the app's unit
    let applied = os(st, &["--yes", "provision", "apply", "xuchang,hebi"], 0);
    assert!(applied.contains("0 hosts failed"), "{applied}");
    let again = os(st, &["provision", "plan", "xuchang,hebi"], 0);
    assert!(again.contains("no changes"), "a second plan: {again}");
    let installed = exec_on(
        st,
        "xuchang",
        "db",
        "dpkg-query -W -f '${Status}' postgresql-15",
    );
    assert!(installed.contains("install ok installed"), "{installed}");

    // the city databases over the network, the server's certificate verified
    os(st, &["--yes", "db", "init", "xuchang,hebi"], 0);
    let migrated = os(st, &["--yes", "db", "migrate", "xuchang,hebi"], 0);
    assert!(migrated.contains("V011"), "{migrated}");
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
        for want in ["\"release\": \"1.0.0\"", "\"schema\": \"V011\"", city] {
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
    assert!(
        locked.contains("Could not get lock /var/lib/dpkg/lock-frontend")
            && locked.contains("1 hosts failed"),
        "{locked}"
    );
    let client = exec_on(st, "xuchang", "app", "command -v psql || echo none");
    assert!(
        client.contains("/usr/bin/psql") && client.contains("none"),
        "installed on app2 only: {client}"
    );
    holder.wait().unwrap();
}
