//! `jinbao ping` and `jinbao exec` over real OpenSSH servers in network namespaces (the
//! project's test bed), and over the sandbox's local transport.

use crate::common;

use std::collections::BTreeMap;

use common::testbed::testbed;
use common::{jinbao, run};
use serde_json::Value;

/// Which test-bed host stands for each pilot server (profiles/env/testbed.toml).
fn host_of(server: &str) -> &'static str {
    let map = [
        ("xuchang-gw1", "h1"),
        ("xuchang-db1", "h2"),
        ("xuchang-app1", "h3"),
        ("xuchang-app2", "h4"),
        ("xuchang-web1", "h5"),
        ("zhoukou-gw1", "h6"),
        ("zhoukou-db1", "h7"),
        ("zhoukou-app1", "h8"),
        ("zhoukou-app2", "h9"),
        ("zhoukou-web1", "h10"),
        ("hebi-gw1", "h11"),
        ("hebi-db1", "h12"),
        ("hebi-app1", "h13"),
        ("hebi-app2", "h14"),
        ("hebi-web1", "h15"),
    ];
    map.iter()
        .find(|(s, _)| *s == server)
        .map(|(_, h)| *h)
        .unwrap()
}

fn by_host(rows: &Value) -> BTreeMap<String, Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["host"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

#[test]
fn ping_reaches_every_pilot_server_with_facts() {
    let Some(_bed) = testbed("ping_reaches_every_pilot_server_with_facts") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let r =
        run(jinbao(state.path()).args(["--env", "testbed", "ping", "--wave", "pilot", "--json"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rows = by_host(&r.json());
    assert_eq!(rows.len(), 15);
    for (host, row) in &rows {
        assert_eq!(row["reachable"], true, "{host}: {row}");
        assert!(row["facts"]["os"].as_str().unwrap().len() > 3, "{row}");
        assert!(row["facts"]["cpus"].as_u64().unwrap() >= 1);
        assert!(row["facts"]["mem_total_kb"].as_u64().unwrap() > 0);
        assert!(row["facts"]["disk_free_kb"].as_u64().unwrap() > 0);
        assert_eq!(
            row["facts"]["hostname"],
            host_of(host),
            "{host} is its own machine"
        );
        assert!(row["latency_ms"].as_f64().unwrap() > 0.0);
        assert!(row.get("error").is_none());
    }
    assert_eq!(rows["hebi-app1"]["transport"], "ssh+jump");
    assert_eq!(rows["xuchang-app1"]["transport"], "ssh");
}

#[test]
fn exec_reports_each_host_on_its_own() {
    let Some(bed) = testbed("exec_reports_each_host_on_its_own") else {
        return;
    };
    // each host has its own /opt: a file written on one is not on another
    bed.exec("h3", "echo only-h3 > /opt/marker");
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args([
        "--env",
        "testbed",
        "exec",
        "xuchang",
        "--json",
        "--",
        "hostname; cat /opt/marker 2>/dev/null; echo to-stderr >&2; test -f /opt/marker",
    ]));
    bed.exec("h3", "rm -f /opt/marker");
    assert_eq!(
        r.code, 1,
        "one host has the marker, the others fail the test"
    );
    let rows = by_host(&r.json());
    for (server, row) in &rows {
        let out = row["stdout"].as_str().unwrap();
        assert!(out.starts_with(host_of(server)), "{server}: {out}");
        assert_eq!(row["stderr"], "to-stderr\n");
        let expect = if server == "xuchang-app1" { 0 } else { 1 };
        assert_eq!(row["status"], expect, "{server}");
    }
    assert!(
        rows["xuchang-app1"]["stdout"]
            .as_str()
            .unwrap()
            .contains("only-h3")
    );

    // the table for people: one row per host with its exit status
    let r = run(jinbao(state.path()).args([
        "--env", "testbed", "exec", "hebi", "--role", "app", "--", "hostname",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("hebi-app1") && r.stdout.contains("h13"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("hebi-db1"), "--role app only");
}

#[test]
fn unreachable_hosts_are_reported_and_others_succeed() {
    let Some(mut bed) = testbed("unreachable_hosts_are_reported_and_others_succeed") else {
        return;
    };
    bed.cut("h3");
    bed.kill_sshd("h4");
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["--env", "testbed", "ping", "xuchang", "--json"]));
    assert_eq!(r.code, 1);
    let rows = by_host(&r.json());
    assert_eq!(rows["xuchang-app1"]["reachable"], false);
    assert!(["unreachable", "timeout"].contains(&rows["xuchang-app1"]["reason"].as_str().unwrap()));
    assert!(
        rows["xuchang-app1"]["error"]
            .as_str()
            .unwrap()
            .contains("10.203.3.2")
    );
    assert_eq!(rows["xuchang-app2"]["reachable"], false);
    assert_eq!(rows["xuchang-app2"]["reason"], "refused");
    for ok in ["xuchang-gw1", "xuchang-db1", "xuchang-web1"] {
        assert_eq!(rows[ok]["reachable"], true, "{ok}");
    }
}

#[test]
fn a_host_cut_off_mid_command_is_lost_while_others_finish() {
    let Some(mut bed) = testbed("a_host_cut_off_mid_command_is_lost_while_others_finish") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let child = common::jinbao_std(state.path())
        .args([
            "--env",
            "testbed",
            "exec",
            "xuchang",
            "--json",
            "--",
            "sleep 3; echo done",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    bed.cut("h3");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let rows = by_host(&serde_json::from_slice(&out.stdout).unwrap());
    assert_eq!(
        rows["xuchang-app1"]["reachable"], false,
        "{}",
        rows["xuchang-app1"]
    );
    assert_eq!(rows["xuchang-app1"]["reason"], "lost");
    for ok in ["xuchang-gw1", "xuchang-db1", "xuchang-app2", "xuchang-web1"] {
        assert_eq!(rows[ok]["stdout"], "done\n", "{ok}");
    }
}

#[test]
fn a_changed_host_key_is_refused_with_both_fingerprints() {
    let Some(bed) = testbed("a_changed_host_key_is_refused_with_both_fingerprints") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    // a known_hosts where h1's address carries h2's key
    let real = std::fs::read_to_string(bed.known_hosts()).unwrap();
    let h2_key = real.lines().find(|l| l.starts_with("10.203.2.2 ")).unwrap();
    let forged: String = real
        .lines()
        .map(|l| {
            if l.starts_with("10.203.1.2 ") {
                h2_key.replacen("10.203.2.2", "10.203.1.2", 1)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let kh = state.path().join("known_hosts");
    std::fs::write(&kh, forged + "\n").unwrap();
    let set = format!("datacenter.ssh.known_hosts={}", kh.display());
    for accept in [false, true] {
        let mut cmd = jinbao(state.path());
        cmd.args([
            "--env", "testbed", "--set", &set, "ping", "xuchang", "--json",
        ]);
        if accept {
            cmd.arg("--accept-new-host-keys"); // never overrides a changed key
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 1);
        let rows = by_host(&r.json());
        let gw = &rows["xuchang-gw1"];
        assert_eq!(gw["reachable"], false);
        assert_eq!(gw["reason"], "host-key-mismatch");
        let err = gw["error"].as_str().unwrap();
        assert!(err.contains("10.203.1.2"), "{err}");
        assert!(
            err.contains(&bed.fingerprint("h2")),
            "the known fingerprint: {err}"
        );
        assert!(
            err.contains(&bed.fingerprint("h1")),
            "the offered fingerprint: {err}"
        );
        assert_eq!(rows["xuchang-db1"]["reachable"], true);
    }
    // the file was not changed
    assert!(
        std::fs::read_to_string(&kh)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("10.203.1.2 "))
            .count()
            == 1
    );
}

#[test]
fn unknown_hosts_need_accept_new_host_keys() {
    let Some(bed) = testbed("unknown_hosts_need_accept_new_host_keys") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let kh = state.path().join("empty_known_hosts");
    let set = format!("datacenter.ssh.known_hosts={}", kh.display());
    let ping = |extra: &[&str]| {
        let mut cmd = jinbao(state.path());
        cmd.args([
            "--env", "testbed", "--set", &set, "ping", "zhoukou", "hebi", "--json",
        ])
        .args(extra);
        run(&mut cmd)
    };
    let r = ping(&[]);
    assert_eq!(r.code, 1);
    let rows = by_host(&r.json());
    assert_eq!(rows.len(), 10);
    for (host, row) in &rows {
        assert_eq!(row["reachable"], false, "{host}");
        assert_eq!(row["reason"], "host-key-unknown", "{host}: {row}");
    }
    assert!(!kh.exists() || std::fs::read_to_string(&kh).unwrap().is_empty());

    let r = ping(&["--accept-new-host-keys"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let recorded = std::fs::read_to_string(&kh).unwrap();
    assert_eq!(recorded.lines().count(), 10, "{recorded}");
    for line in recorded.lines() {
        let addr = line.split(' ').next().unwrap();
        let real = std::fs::read_to_string(bed.known_hosts()).unwrap();
        let want = real
            .lines()
            .find(|l| l.starts_with(&format!("{addr} ")))
            .unwrap();
        assert_eq!(line, want, "the key recorded is the host's real key");
    }
    let r = ping(&[]);
    assert_eq!(r.code, 0, "now known: {}", r.stdout);
}

#[test]
fn hebi_is_reached_only_through_its_gateway() {
    let Some(_bed) = testbed("hebi_is_reached_only_through_its_gateway") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args([
        "--env", "testbed", "exec", "hebi", "--json", "--", "hostname",
    ]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let rows = by_host(&r.json());
    for (server, row) in &rows {
        assert_eq!(row["stdout"].as_str().unwrap().trim(), host_of(server));
    }
    // without the jump host the servers behind the gateway are out of reach
    let r = run(jinbao(state.path()).args([
        "--env",
        "testbed",
        "--set",
        "datacenter.jump=",
        "ping",
        "hebi",
        "--json",
    ]));
    assert_eq!(r.code, 1);
    let rows = by_host(&r.json());
    assert_eq!(rows["hebi-gw1"]["reachable"], true);
    for inner in ["hebi-db1", "hebi-app1", "hebi-app2", "hebi-web1"] {
        assert_eq!(rows[inner]["reachable"], false, "{inner}");
    }
    // and a jump host that is down takes its servers with it, and says so
    let mut bed = _bed;
    bed.kill_sshd("h11");
    let r = run(jinbao(state.path()).args(["--env", "testbed", "ping", "hebi", "--json"]));
    assert_eq!(r.code, 1);
    let rows = by_host(&r.json());
    let err = rows["hebi-app1"]["error"].as_str().unwrap();
    assert!(err.contains("jump host hebi/hebi-gw1"), "{err}");
    assert_eq!(rows["hebi-app1"]["reason"], "refused");
}

#[test]
fn command_timeout_is_reported_per_host() {
    let Some(_bed) = testbed("command_timeout_is_reported_per_host") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args([
        "--env",
        "testbed",
        "exec",
        "zhoukou",
        "--timeout",
        "1s",
        "--json",
        "--",
        "case $(hostname) in h8) sleep 30;; *) echo quick;; esac",
    ]));
    assert_eq!(r.code, 1);
    let rows = by_host(&r.json());
    assert_eq!(rows["zhoukou-app1"]["reason"], "command-timeout");
    assert_eq!(rows["zhoukou-app1"]["reachable"], true);
    assert_eq!(rows["zhoukou-gw1"]["stdout"], "quick\n");
    assert_eq!(rows["zhoukou-gw1"]["status"], 0);
}

#[test]
fn the_sandbox_runs_the_same_commands_without_servers() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["ping", "--wave", "pilot", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.json();
    assert_eq!(rows.as_array().unwrap().len(), 15);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["reachable"] == true && r["transport"] == "local")
    );
    let r = run(jinbao(state.path()).args([
        "exec",
        "xuchang",
        "--json",
        "--",
        "pwd; echo $JINBAO_HOST_ROOT",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = by_host(&r.json());
    let out = rows["xuchang-app1"]["stdout"].as_str().unwrap();
    let root = state
        .path()
        .join("sandbox/hosts/xuchang/xuchang-app1")
        .canonicalize()
        .unwrap();
    assert_eq!(out, format!("{0}\n{0}\n", root.display()));
    let r = run(jinbao(state.path()).args(["exec", "xuchang", "--", "exit 4"]));
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("┆ 4 "), "{}", r.stdout);
}

#[test]
fn ping_needs_a_target() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["ping"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no target given"), "{}", r.stderr);
    let r = run(jinbao(state.path()).args(["ping", "--wave", "first"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("hint: one of: pilot, demonstration, general"),
        "{}",
        r.stderr
    );
}

/// `exec` keeps each argument as given (quoted for the remote shell: two spaces stay two, a
/// `;` is a character), and a table row says how many output lines it does not show.
#[test]
fn exec_keeps_each_argument_and_says_what_it_hides() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args([
        "exec",
        "hebi",
        "--role",
        "app",
        "--json",
        "--",
        "printf",
        "%s|",
        "a  b",
        "c; echo x",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = by_host(&r.json());
    assert_eq!(rows["hebi-app1"]["stdout"], "a  b|c; echo x|");
    let r = run(jinbao(state.path()).args([
        "exec",
        "hebi",
        "--role",
        "app",
        "--",
        "printf 'one\\ntwo\\nthree\\n'",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("one (2 more lines: -v shows them)"),
        "{}",
        r.stdout
    );
}
