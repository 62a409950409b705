//! `jinbao provision plan|apply` and `jinbao net check` on the test bed's pilot cities and on
//! the sandbox.

use crate::common;

use std::collections::BTreeSet;

use common::testbed::testbed;
use common::{copy_project, jinbao, pg, run};
use serde_json::Value;

/// (host, resource) → action, for every change in a plan or apply.
fn actions(v: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for h in v.as_array().unwrap() {
        assert!(h.get("error").is_none(), "{h}");
        for c in h["plan"]["changes"].as_array().unwrap() {
            out.push((
                h["host"].as_str().unwrap().to_string(),
                c["resource"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

fn changed(v: &Value) -> BTreeSet<(String, String, String)> {
    actions(v)
        .into_iter()
        .filter(|(_, _, a)| a != "unchanged")
        .collect()
}

fn tb(state: &std::path::Path, profiles: Option<&std::path::Path>) -> assert_cmd::Command {
    let mut cmd = pg::jinbao(state, None);
    if let Some(p) = profiles {
        cmd.args(["--profiles", p.to_str().unwrap()]);
    }
    cmd
}

#[test]
fn provision_builds_the_pilot_cities_and_converges() {
    let Some(bed) = testbed("provision_builds_the_pilot_cities_and_converges") else {
        return;
    };
    // fresh hosts
    bed.hosts(&["down"]);
    bed.hosts(&["up"]);
    let state = tempfile::tempdir().unwrap();
    let r = run(tb(state.path(), None).args(["provision", "plan", "--wave", "pilot", "--json"]));
    assert_eq!(r.code, 3, "changes pending is exit 3: {}", r.stderr);
    let plan = r.json();
    let all = actions(&plan);
    assert!(
        all.iter()
            .all(|(_, _, a)| a == "create" || a == "unchanged"),
        "{all:?}"
    );
    let creates: BTreeSet<&str> = all
        .iter()
        .filter(|a| a.2 == "create")
        .map(|a| a.1.as_str())
        .collect();
    for must in [
        "dir /opt/jinbao/releases",
        "file /etc/jinbao/app.toml",
        "file /etc/systemd/system/jinbao-app.service",
        "file /etc/logrotate.d/jinbao-app",
        "file /etc/jinbao/routes.conf",
        "user jinbao",
        "group jinbao",
        "route 10.41.0.0/24",
        "service jinbao-app",
        "link /opt/jinbao/logs",
        "file /etc/jinbao/secrets/db-app",
    ] {
        assert!(creates.contains(must), "{must} missing from {creates:?}");
    }
    assert_eq!(plan.as_array().unwrap().len(), 15);
    // secrets never printed, not even with --diff
    let r = run(tb(state.path(), None).args(["provision", "plan", "xuchang", "--diff", "--json"]));
    assert!(
        !r.stdout.contains(&pg::password()),
        "the database password leaked into the plan"
    );
    assert!(r.stdout.contains("(a secret: content not shown)"));
    assert!(
        r.stdout.contains("+code = \\\"411000\\\""),
        "a diff of app.toml"
    );

    let r = run(tb(state.path(), None).args([
        "provision",
        "apply",
        "--wave",
        "pilot",
        "--yes",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for h in r.json().as_array().unwrap() {
        assert!(h["apply"]["failed"].is_null(), "{h}");
    }
    let r = run(tb(state.path(), None).args(["provision", "plan", "--wave", "pilot", "--json"]));
    assert_eq!(
        r.code,
        0,
        "a second plan has nothing to do: {:?}",
        changed(&r.json())
    );
    assert!(changed(&r.json()).is_empty());
    let r = run(tb(state.path(), None).args(["provision", "apply", "--wave", "pilot", "--yes"]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("no changes"), "{}", r.stdout);

    // what landed, inside the hosts
    let routes = bed.exec("h3", "ip route");
    assert!(
        routes.contains("10.41.0.0/24 via 10.203.3.1 dev eth0"),
        "{routes}"
    );
    let inner = bed.exec("h13", "ip route");
    assert!(inner.contains("10.41.0.0/24 via 10.204.13.1"), "{inner}");
    assert!(
        !bed.exec("h2", "ip route").contains("10.203.3.1"),
        "h3's routes stay in h3"
    );
    let host_routes = String::from_utf8(
        std::process::Command::new("ip")
            .arg("route")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        !host_routes.contains("10.41.0.0/24"),
        "nothing leaks into the machine: {host_routes}"
    );
    let toml = bed.exec(
        "h8",
        "cat /etc/jinbao/app.toml; stat -c '%a %U %G' /etc/jinbao/app.toml",
    );
    assert!(
        toml.contains("code = \"411600\"") && toml.contains("name = \"zhoukou-app1\""),
        "{toml}"
    );
    assert!(toml.contains("640 root jinbao"), "{toml}");
    assert!(
        bed.exec("h8", "getent passwd jinbao")
            .starts_with("jinbao:")
    );

    // net check: every route present, every endpoint answering
    let r = run(tb(state.path(), None).args(["net", "check", "--wave", "pilot", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let checks: usize = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["checks"].as_array().unwrap().len())
        .sum();
    assert!(checks >= 15 * 4);
}

#[test]
fn a_profile_edit_changes_exactly_that() {
    let Some(bed) = testbed("a_profile_edit_changes_exactly_that") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    assert_eq!(
        run(tb(state.path(), None).args(["provision", "apply", "xuchang", "--yes"])).code,
        0
    );
    // a route jinbao does not manage must survive everything below
    bed.exec("h3", "ip route replace 10.77.0.0/16 via 10.203.3.1");

    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let city = project.path().join("profiles/cities/xuchang.toml");
    let text = std::fs::read_to_string(&city).unwrap();
    let edited = text.replace(
        "[database]",
        "[network.routes.training]\nto = \"10.99.0.0/16\"\n\n[app]\nport = 9090\n\n[database]",
    );
    std::fs::write(&city, &edited).unwrap();
    let profiles = project.path().join("profiles");

    let r = run(tb(state.path(), Some(&profiles)).args([
        "provision",
        "plan",
        "xuchang",
        "--json",
        "--diff",
    ]));
    assert_eq!(r.code, 3);
    let got = changed(&r.json());
    let mut want = BTreeSet::new();
    for h in [
        "xuchang-gw1",
        "xuchang-db1",
        "xuchang-app1",
        "xuchang-app2",
        "xuchang-web1",
    ] {
        let app = h.contains("app") || h.contains("web");
        want.insert((
            h.to_string(),
            "route 10.99.0.0/16".to_string(),
            "create".to_string(),
        ));
        want.insert((
            h.to_string(),
            "file /etc/jinbao/routes.conf".into(),
            "update".into(),
        ));
        want.insert((
            h.to_string(),
            "file /var/lib/jinbao/routes.managed".into(),
            "update".into(),
        ));
        if app {
            want.insert((
                h.to_string(),
                "file /etc/jinbao/app.toml".into(),
                "update".into(),
            ));
        }
    }
    assert_eq!(got, want);
    assert!(
        r.stdout.contains("-port = 8080") && r.stdout.contains("+port = 9090"),
        "the diff shows the change"
    );

    assert_eq!(
        run(tb(state.path(), Some(&profiles)).args(["provision", "apply", "xuchang", "--yes"]))
            .code,
        0
    );
    assert!(
        bed.exec("h3", "ip route")
            .contains("10.99.0.0/16 via 10.203.3.1")
    );
    assert!(
        bed.exec("h3", "cat /etc/jinbao/app.toml")
            .contains("port = 9090")
    );
    let r = run(tb(state.path(), Some(&profiles)).args(["provision", "plan", "xuchang"]));
    assert_eq!(r.code, 0);

    // the profile drops the route again: jinbao removes its own route and only that
    std::fs::write(&city, &text).unwrap();
    let r = run(tb(state.path(), Some(&profiles)).args(["provision", "plan", "xuchang", "--json"]));
    assert!(changed(&r.json()).contains(&(
        "xuchang-app1".into(),
        "route 10.99.0.0/16".into(),
        "delete".into()
    )));
    assert_eq!(
        run(tb(state.path(), Some(&profiles)).args(["provision", "apply", "xuchang", "--yes"]))
            .code,
        0
    );
    let routes = bed.exec("h3", "ip route");
    assert!(!routes.contains("10.99.0.0/16"), "{routes}");
    assert!(
        routes.contains("10.77.0.0/16"),
        "a route jinbao did not add is never touched: {routes}"
    );
    bed.exec("h3", "ip route del 10.77.0.0/16");
    assert_eq!(
        run(tb(state.path(), None).args(["provision", "plan", "xuchang"])).code,
        0
    );
}

#[test]
fn a_failing_host_is_reported_and_the_others_are_applied() {
    let Some(bed) = testbed("a_failing_host_is_reported_and_the_others_are_applied") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    // a folder where the config file belongs on h8 (zhoukou-app1)
    bed.exec(
        "h8",
        "rm -rf /etc/jinbao/app.toml && mkdir -p /etc/jinbao/app.toml/oops",
    );
    bed.exec("h9", "rm -f /etc/jinbao/app.toml");
    let r = run(tb(state.path(), None).args(["provision", "apply", "zhoukou", "--yes", "--json"]));
    bed.exec("h8", "rm -rf /etc/jinbao/app.toml");
    assert_eq!(r.code, 1);
    let hosts: Vec<Value> = r.json().as_array().unwrap().clone();
    let bad = hosts.iter().find(|h| h["host"] == "zhoukou-app1").unwrap();
    let failed = &bad["apply"]["failed"];
    assert_eq!(failed["resource"], "file /etc/jinbao/app.toml");
    assert!(
        failed["command"].as_str().unwrap().contains("mv -fT"),
        "{failed}"
    );
    assert!(!failed["output"].as_str().unwrap().is_empty());
    let good = hosts.iter().find(|h| h["host"] == "zhoukou-app2").unwrap();
    assert!(good["apply"]["failed"].is_null(), "{good}");
    assert!(
        good["apply"]["applied"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "file /etc/jinbao/app.toml")
    );
    assert_eq!(
        run(tb(state.path(), None).args(["provision", "apply", "zhoukou", "--yes"])).code,
        0
    );
}

#[test]
fn a_missing_template_variable_stops_before_any_host_is_touched() {
    let project = tempfile::tempdir().unwrap();
    copy_project(project.path());
    let t = project.path().join("templates/app/app.toml.j2");
    let text = std::fs::read_to_string(&t).unwrap();
    std::fs::write(
        &t,
        text.replace("[http]", "[http]\nworkers = {{ app.workers }}"),
    )
    .unwrap();
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args([
        "--profiles",
        project.path().join("profiles").to_str().unwrap(),
        "provision",
        "apply",
        "xuchang",
        "--yes",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let line = text.lines().position(|l| l == "[http]").unwrap() + 2;
    assert!(
        r.stderr.contains(&format!(
            "template app/app.toml.j2, line {line}: undefined variable `app.workers`"
        )),
        "{}",
        r.stderr
    );
    assert!(
        !state.path().join("sandbox/hosts").exists(),
        "no host was touched"
    );
}

#[test]
fn the_sandbox_runs_the_same_flow() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["provision", "plan", "hebi"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    let r = run(jinbao(state.path()).args(["provision", "apply", "hebi", "--check"]));
    assert_eq!(r.code, 3, "--check only plans");
    assert!(
        !state
            .path()
            .join("sandbox/hosts/hebi/hebi-app1/etc/jinbao")
            .exists()
    );
    // nobody at a terminal to ask: nothing changes without --yes (exit 4, as a rollout)
    let r = run(jinbao(state.path()).args(["provision", "apply", "hebi"]));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("nobody was asked"), "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    let r = run(jinbao(state.path()).args(["provision", "apply", "hebi", "--json"]));
    assert_eq!(r.code, 4, "--json never applies unasked: {}", r.stderr);
    assert!(
        !state
            .path()
            .join("sandbox/hosts/hebi/hebi-app1/etc/jinbao")
            .exists(),
        "nothing changed"
    );
    let r = run(jinbao(state.path()).args(["provision", "apply", "hebi", "--yes"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let root = state.path().join("sandbox/hosts/hebi/hebi-app1");
    let toml = std::fs::read_to_string(root.join("etc/jinbao/app.toml")).unwrap();
    assert!(toml.contains("code = \"410600\""));
    let managed = std::fs::read_to_string(root.join("var/lib/jinbao/routes.managed")).unwrap();
    assert!(managed.contains("10.41.0.0/24 via 10.41.6.1"), "{managed}");
    let r = run(jinbao(state.path()).args(["provision", "plan", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run(jinbao(state.path()).args(["net", "check", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    // a file changed by hand is put back
    std::fs::write(root.join("etc/jinbao/app.toml"), "edited by hand\n").unwrap();
    let r = run(jinbao(state.path()).args(["provision", "plan", "hebi", "--diff"]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("-edited by hand"), "{}", r.stdout);
    assert_eq!(
        run(jinbao(state.path()).args(["provision", "apply", "hebi", "--yes"])).code,
        0
    );
    assert_eq!(
        std::fs::read_to_string(root.join("etc/jinbao/app.toml")).unwrap(),
        toml
    );
}

/// A big file (200 KiB: far past what fits in a command line) onto a disk with no room for it:
/// the write fails, the old file stays, the temp file is gone, and the summary says so.
#[test]
fn a_full_disk_fails_the_write_and_keeps_the_old_file() {
    if !common::is_root() {
        common::skip(
            "a_full_disk_fails_the_write_and_keeps_the_old_file",
            "needs root (mount)",
        );
        return;
    }
    let work = tempfile::tempdir().unwrap();
    copy_project(work.path());
    let state = work.path().join("state");
    let jb = |args: &[&str]| {
        let mut c = jinbao(&state);
        c.current_dir(work.path()).args(args);
        run(&mut c)
    };
    let r = jb(&["provision", "apply", "hebi", "--role", "app", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let host = state.join("sandbox/hosts/hebi/hebi-app1");
    let notice = host.join("etc/jinbao/NOTICE");
    let old = std::fs::read(&notice).unwrap();
    // the NOTICE grows to 200 KiB; the folder it lives in gets 64 KiB
    let big: String = (0..4000)
        .map(|i| format!("line {i:05} of a notice much longer than a command line can hold\n"))
        .collect();
    assert!(big.len() > 200 * 1024);
    std::fs::write(work.path().join("templates/files/NOTICE"), &big).unwrap();
    let etc = host.join("etc/jinbao");
    let keep = work.path().join("keep");
    common::copy_tree(&etc, &keep);
    let mount = |args: &[&str]| {
        let out = std::process::Command::new("mount")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    mount(&[
        "-t",
        "tmpfs",
        "-o",
        "size=64k",
        "tmpfs",
        etc.to_str().unwrap(),
    ]);
    for e in std::fs::read_dir(&keep).unwrap().flatten() {
        std::fs::copy(e.path(), etc.join(e.file_name())).unwrap();
    }
    let r = jb(&[
        "provision",
        "apply",
        "hebi",
        "--role",
        "app",
        "--json",
        "--yes",
    ]);
    let left: Vec<String> = std::fs::read_dir(&etc)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let now = std::fs::read(&notice).unwrap();
    let _ = std::process::Command::new("umount").arg(&etc).output();
    assert_eq!(r.code, 1, "the write failed: {}\n{}", r.stdout, r.stderr);
    let rows: Value = r.json();
    let failed: Vec<&Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| {
            h["apply"]["failed"]
                .as_object()
                .map(|_| &h["apply"]["failed"])
        })
        .collect();
    assert!(!failed.is_empty(), "{rows}");
    assert!(
        failed
            .iter()
            .any(|f| f["resource"].as_str().unwrap().contains("NOTICE")),
        "{failed:?}"
    );
    assert_eq!(now, old, "the old file stays whole");
    assert!(
        !left.iter().any(|n| n.contains("jinbao-tmp")),
        "no temp file is left: {left:?}"
    );
    // with room again, the same apply writes it whole
    let r = jb(&["provision", "apply", "hebi", "--role", "app", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&notice).unwrap(), big);
}
