//! `jinbao health` on the test bed's pilot cities and on the sandbox.

use crate::common;

use common::testbed::testbed;
use common::{jinbao, pg, run};
use serde_json::Value;

/// Every check of a report, flattened.
fn checks(report: &Value) -> Vec<Value> {
    report["cities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["checks"].as_array().unwrap().clone())
        .collect()
}

fn not_ok(report: &Value) -> Vec<String> {
    checks(report)
        .iter()
        .filter(|c| c["status"] != "OK")
        .map(|c| {
            format!(
                "{} {} {}: {}",
                c["host"], c["check"], c["status"], c["value"]
            )
        })
        .collect()
}

/// Xuchang provisioned, migrated and on the example release.
fn ready_xuchang(state: &std::path::Path) {
    assert_eq!(
        run(pg::jinbao(state, None).args(["db", "init", "xuchang"])).code,
        0
    );
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        "examples/unified-app",
        "xuchang",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn a_healthy_city_then_a_full_disk_a_dead_sshd_and_a_release_mismatch() {
    let Some(mut bed) =
        testbed("a_healthy_city_then_a_full_disk_a_dead_sshd_and_a_release_mismatch")
    else {
        return;
    };
    let Some(_pg) =
        pg::available("a_healthy_city_then_a_full_disk_a_dead_sshd_and_a_release_mismatch")
    else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    ready_xuchang(state);
    let health = |extra: &[&str]| {
        run(pg::jinbao(state, None)
            .args(["health", "xuchang", "--json"])
            .args(extra))
    };

    let r = health(&[]);
    assert_eq!(r.code, 0, "a healthy city: {:?}", not_ok(&r.json()));
    let all = checks(&r.json());
    for kind in [
        "ssh",
        "clock",
        "disk",
        "inodes",
        "memory",
        "load",
        "service",
        "app",
        "routes",
        "endpoints",
        "release",
        "database",
        "schema",
        "drift",
    ] {
        assert!(all.iter().any(|c| c["check"] == kind), "no {kind} check");
    }
    assert!(
        common::records(state, "testbed")
            .join("health/xuchang.jsonl")
            .exists(),
        "each run goes into the history"
    );

    // a 10 MB volume on h3 (xuchang-app1), filled past the testbed's 90% warning, then full
    bed.exec("h3", "mkdir -p /opt/jinbao/shared/uploads && mount -t tmpfs -o size=10m tmpfs /opt/jinbao/shared/uploads && dd if=/dev/zero of=/opt/jinbao/shared/uploads/a bs=1M count=9 status=none && dd if=/dev/zero of=/opt/jinbao/shared/uploads/b bs=100K count=3 status=none");
    let r = health(&["--only", "disk"]);
    let bad = not_ok(&r.json());
    bed.exec("h3", "dd if=/dev/zero of=/opt/jinbao/shared/uploads/c bs=1M count=2 status=none 2>/dev/null; true");
    let full = health(&["--only", "disk"]);
    bed.exec("h3", "umount /opt/jinbao/shared/uploads");
    assert_eq!(r.code, 1, "WARNING: {bad:?}");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].contains("xuchang-app1")
            && bad[0].contains("WARNING")
            && bad[0].contains("/opt/jinbao/shared/uploads"),
        "{bad:?}"
    );
    assert_eq!(full.code, 2, "CRITICAL: {:?}", not_ok(&full.json()));
    assert!(not_ok(&full.json())[0].contains("100% used on /opt/jinbao/shared/uploads"));

    // sshd stopped on h4 (xuchang-app2): CRITICAL for that host only
    bed.kill_sshd("h4");
    let r = health(&[]);
    assert_eq!(r.code, 2);
    let bad = not_ok(&r.json());
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].contains("xuchang-app2")
            && bad[0].contains("ssh")
            && bad[0].contains("CRITICAL")
            && bad[0].contains("refused"),
        "{bad:?}"
    );
    drop(bed);
    let bed = testbed("(again)").unwrap();

    // h5 (xuchang-web1) switched to another release by hand
    let current = bed
        .exec("h5", "readlink /opt/jinbao/current")
        .trim()
        .to_string();
    bed.exec("h5", &format!("cp -a {current} /opt/jinbao/releases/0.9.9 && ln -sfn /opt/jinbao/releases/0.9.9 /opt/jinbao/current"));
    let r = health(&["--only", "release"]);
    bed.exec(
        "h5",
        &format!("ln -sfn {current} /opt/jinbao/current && rm -rf /opt/jinbao/releases/0.9.9"),
    );
    assert_eq!(r.code, 1);
    let bad = not_ok(&r.json());
    assert!(
        bad[0].contains("servers disagree") && bad[0].contains("xuchang-web1=0.9.9"),
        "{bad:?}"
    );
}

#[test]
fn the_nagios_line_is_a_standard_plugin_line() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    common::sandbox_rollout(state, "examples/unified-app", "hebi", &[]);
    // the table says how many OK rows it left out, and only when it left some out
    let table = run(jinbao(state).args(["health", "hebi"]));
    assert!(
        table.stdout.contains("OK rows left out: -v shows them"),
        "{}",
        table.stdout
    );
    let every = run(jinbao(state).args(["health", "hebi", "-v"]));
    assert!(!every.stdout.contains("left out"), "{}", every.stdout);
    let r = run(jinbao(state).args(["health", "hebi", "--format", "nagios"]));
    let line = r.stdout.trim_end_matches('\n');
    assert!(!line.contains('\n'), "one line: {line}");
    let (head, perf) = line
        .split_once(" | ")
        .expect("performance data after ` | `");
    let status = head
        .strip_prefix("JINBAO HEALTH ")
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let code = ["OK", "WARNING", "CRITICAL", "UNKNOWN"]
        .iter()
        .position(|s| *s == status)
        .unwrap() as i32;
    assert_eq!(r.code, code, "the exit code is the status");
    assert!(head.contains(" - "));
    for item in perf.split(' ') {
        let (label, rest) = item.split_once('=').unwrap_or_else(|| panic!("{item}"));
        assert!(!label.is_empty());
        let value: String = rest
            .split(';')
            .next()
            .unwrap()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
            .collect();
        assert!(value.parse::<f64>().is_ok(), "{item}");
    }
    assert!(perf.contains("checks="));
}

#[test]
fn the_sandbox_gives_a_meaningful_report() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    // before anything is deployed: the release and the database say so
    let r = run(jinbao(state)
        .env("JINBAO_CITY", "luohe")
        .args(["health", "--json"]));
    let report = r.json();
    assert_eq!(
        report["cities"].as_array().unwrap().len(),
        1,
        "JINBAO_CITY picks the city"
    );
    assert_eq!(r.code as u64, report["exit"].as_u64().unwrap());
    // a city not built yet is said to be so, and is no outage (it was CRITICAL for the routes
    // and services provisioning had not made yet)
    assert_ne!(report["status"], "CRITICAL", "{report}");
    assert!(
        checks(&report)
            .iter()
            .any(|c| c["check"] == "built" && c["value"].as_str().unwrap().starts_with("not built")),
        "{report}"
    );
    let r = run(jinbao(state).args([
        "rollout",
        "examples/unified-app",
        "luohe",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0);
    let r = run(jinbao(state).args(["health", "luohe", "--json"]));
    let report = r.json();
    assert_eq!(r.code as u64, report["exit"].as_u64().unwrap());
    let all = checks(&report);
    let status = |kind: &str| {
        all.iter()
            .filter(|c| c["check"] == kind)
            .map(|c| c["status"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    for kind in [
        "app", "service", "routes", "release", "database", "schema", "drift",
    ] {
        assert!(
            !status(kind).is_empty() && status(kind).iter().all(|s| s == "OK"),
            "{kind}: {:?}",
            not_ok(&report)
        );
    }
    // --only and --skip, and a wrong name is UNKNOWN (exit 3), not CRITICAL
    let r = run(jinbao(state).args(["health", "luohe", "--json", "--only", "disk,memory"]));
    assert!(
        checks(&r.json())
            .iter()
            .all(|c| c["check"] == "disk" || c["check"] == "memory")
    );
    let r = run(jinbao(state).args([
        "health",
        "luohe",
        "--json",
        "--skip",
        "database,schema,drift",
    ]));
    assert!(checks(&r.json()).iter().all(|c| c["check"] != "database"));
    let r = run(jinbao(state).args(["health", "luohe", "--only", "temperature"]));
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("no check named `temperature`"));
    // a city's profile can leave a check out
    let r = run(jinbao(state).args([
        "--set",
        "checks.skip=[\"load\"]",
        "health",
        "luohe",
        "--json",
    ]));
    assert!(checks(&r.json()).iter().all(|c| c["check"] != "load"));
}

/// A command line `health` cannot run is UNKNOWN (exit 3) like its other errors, never
/// CRITICAL (2): a bad flag, a bad value, flags that conflict, a global option that cannot be
/// read, an unknown city. Nagios reads stdout's first line: it says UNKNOWN and why.
#[test]
fn usage_errors_of_health_are_unknown() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let cases: &[&[&str]] = &[
        &["health", "--bogus"],
        &["--bogus", "health", "hebi"],
        &["health", "hebi", "--format", "xml"],
        &["health", "hebi", "--all"],
        &["health", "hebi", "--forks", "0"],
        &["--set", "app.keep_releases", "health", "hebi"],
        &["health", "xuchag"],
        &["health", "hebi", "--only", "dsk"],
    ];
    for args in cases {
        let r = run(jinbao(state).args(*args));
        assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout.starts_with("JINBAO HEALTH UNKNOWN - "),
            "{args:?}: {}",
            r.stdout
        );
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
    }
    let r = run(jinbao(state).args(["--json", "health", "--bogus"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.json()["status"], "UNKNOWN");
    let r = run(jinbao(state)
        .env("JINBAO_NOW", "yesterday")
        .args(["health", "hebi"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    // other commands keep exit 2 for usage errors
    for other in [
        &["ping", "--bogus"][..],
        &["--state-dir", "health", "--bogus", "ping"],
    ] {
        let r = run(jinbao(state).args(other));
        assert_eq!(r.code, 2, "{other:?}: {}", r.stderr);
    }
    let r = run(jinbao(state).args(["health", "--help"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("usage errors"), "{}", r.stdout);
}

/// "Not built" is for a city jinbao never rolled out to: one that was rolled out and lost
/// every release on its servers is an outage, never "not built".
#[test]
fn a_city_that_lost_its_releases_is_not_called_not_built() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    common::sandbox_rollout(state, "examples/unified-app", "hebi", &[]);
    let hosts = state.join("sandbox/hosts/hebi");
    for host in std::fs::read_dir(&hosts).unwrap().flatten() {
        let install = host.path().join("opt/jinbao");
        if install.exists() {
            std::fs::remove_dir_all(&install).unwrap();
        }
    }
    let r = run(jinbao(state).args(["health", "hebi", "--json"]));
    let report = r.json();
    assert_ne!(report["status"], "OK", "{report}");
    assert!(
        !checks(&report).iter().any(|c| c["check"] == "built"),
        "{report}"
    );
}

/// A city database server's load: its connections against `max_connections`, and a
/// transaction left open past `checks.transaction_warn` (another role's: the readonly role
/// sees it through pg_monitor, which `db init` grants).
#[test]
fn a_database_server_shows_its_connections_and_a_transaction_left_open() {
    let Some(_pg) =
        pg::available("a_database_server_shows_its_connections_and_a_transaction_left_open")
    else {
        return;
    };
    let db = "jinbao_t_health_load";
    pg::drop_db(db);
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let jinbao = || {
        let mut c = pg::jinbao(state, Some(db));
        c.args(["--set", "checks.transaction_warn=2s"]);
        c
    };
    let r = run(jinbao().args(["--yes", "db", "init", "xuchang"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let database = |r: &common::Run| -> Value {
        checks(&r.json())
            .into_iter()
            .find(|c| c["check"] == "database")
            .unwrap_or_else(|| panic!("no database check: {}", r.stdout))
    };
    let r = run(jinbao().args(["health", "xuchang", "--only", "database", "--json"]));
    let quiet = database(&r);
    assert_eq!(quiet["status"], "OK", "{quiet}");
    let value = quiet["value"].as_str().unwrap();
    assert!(
        value.contains(" of ") && value.contains(" connections"),
        "{value}"
    );

    // the admin (another role) opens a transaction and leaves it open
    let mut held = pg::connect(db).expect("the machine's PostgreSQL");
    held.batch_execute("BEGIN; SELECT txid_current();").unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    let r = run(jinbao().args(["health", "xuchang", "--only", "database", "--json"]));
    let busy = database(&r);
    drop(held);
    assert_eq!(r.code, 1, "{busy}");
    assert_eq!(busy["status"], "WARNING", "{busy}");
    assert!(
        busy["value"]
            .as_str()
            .unwrap()
            .contains("longest transaction"),
        "{busy}"
    );
    assert!(busy["hint"].as_str().unwrap().contains("vacuum"), "{busy}");
    pg::drop_db(db);
}
