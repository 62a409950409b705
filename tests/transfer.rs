//! A release's way into a city over the test bed's network: only the contents a server lacks
//! are sent, once across the city's link (Hebi's gateway h11 relays them to the servers behind
//! it), at the city's budget, and a link cut mid-transfer is waited out. Bytes are counted on
//! the city link itself: the veth between the controller and the gateway.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::testbed::testbed;
use common::{pg, run};
use serde_json::Value;

/// Bytes the controller sent across Hebi's link so far.
fn hebi_link_bytes() -> u64 {
    std::fs::read_to_string("/sys/class/net/jbtb11/statistics/tx_bytes")
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A source folder of `files` incompressible files of `size` bytes and a health check.
fn make_source(dir: &Path, files: usize, size: usize) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("bin")).unwrap();
    std::fs::create_dir_all(src.join("lib")).unwrap();
    std::fs::write(src.join("VERSION"), "40.0\n").unwrap();
    let hc = src.join("bin/health-check");
    std::fs::write(&hc, "#!/bin/sh\nexit 0\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hc, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut urandom = std::fs::File::open("/dev/urandom").unwrap();
    for k in 0..files {
        change(&src, k, size, &mut urandom);
    }
    src
}

fn change(src: &Path, k: usize, size: usize, urandom: &mut std::fs::File) {
    let mut data = vec![0u8; size];
    std::io::Read::read_exact(urandom, &mut data).unwrap();
    std::fs::File::create(src.join(format!("lib/part-{k}.jar")))
        .unwrap()
        .write_all(&data)
        .unwrap();
}

fn hebi(r: &common::Run) -> Value {
    r.json()["cities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["city"] == "hebi")
        .cloned()
        .unwrap()
}

/// jinbao on the test bed's profile, as a process of its own (to be killed or timed).
fn testbed_jinbao(state: &Path) -> std::process::Command {
    let mut cmd = common::jinbao_std(state);
    cmd.env(
        "JINBAO_TESTBED_PG_PASSWORD",
        std::fs::read_to_string("/tmp/jinbao-testbed-pg/password")
            .unwrap_or_default()
            .trim(),
    )
    .args(["--env", "testbed"]);
    cmd
}

fn version(prefix: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    format!("{prefix}.{}", t.as_millis())
}

#[test]
fn a_release_crosses_the_city_link_once_and_only_what_changed() {
    let Some(mut bed) = testbed("a_release_crosses_the_city_link_once_and_only_what_changed")
    else {
        return;
    };
    let Some(_pg) = pg::available("a_release_crosses_the_city_link_once_and_only_what_changed")
    else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    // 40 incompressible files of 50 kB: 2 MB, three app and web servers behind the gateway
    let src = make_source(state, 40, 50_000);
    let first = common::pack_release(state, &src, &version("40.0"));
    let size = std::fs::metadata(&first).unwrap().len();
    let before = hebi_link_bytes();
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        first.to_str().unwrap(),
        "hebi",
        "--provision",
        "--migrate",
        "--no-pause",
        "--yes",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let h = hebi(&r);
    assert_eq!(h["result"], "deployed", "{h}");
    let t = &h["transfer"];
    assert_eq!(t["relay"], "hebi-gw1", "{t}");
    assert!(
        t.get("direct").is_none(),
        "every server served by the relay: {t}"
    );
    let crossed = hebi_link_bytes() - before;
    // the release crossed once (plus SSH, scripts and provisioning), never once per server
    assert!(
        crossed < size * 3 / 2,
        "{crossed} bytes crossed the link for a {size}-byte release to 3 servers"
    );
    // the relay holds no key or credential, and its token file is gone
    let keys = bed.exec(
        "11",
        "ls -a /root/.ssh 2>/dev/null; ls /opt/jinbao/releases/.store",
    );
    assert!(!keys.contains("id_"), "{keys}");
    assert!(!keys.contains(".pl"), "{keys}");
    // every receiver assembled the release from its store: files are links into it
    let links = bed.exec(
        "13",
        "stat -c %h /opt/jinbao/current/lib/part-0.jar; ls /opt/jinbao/releases/.store/objects | wc -l",
    );
    assert!(links.starts_with('2'), "{links}");

    // an update that changes 2 files: only those (and the new skeleton) are sent
    let mut urandom = std::fs::File::open("/dev/urandom").unwrap();
    change(&src, 3, 50_000, &mut urandom);
    change(&src, 7, 50_000, &mut urandom);
    let second = common::pack_release(state, &src, &version("40.1"));
    let before = hebi_link_bytes();
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        second.to_str().unwrap(),
        "hebi",
        "--no-pause",
        "--yes",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = hebi(&r)["transfer"].clone();
    assert_eq!(t["objects"], 3, "2 changed files and the skeleton: {t}");
    let crossed = hebi_link_bytes() - before;
    assert!(
        crossed < 100_000 + 200_000,
        "{crossed} bytes crossed the link for 100 kB of changes"
    );

    // a budget of 2 Mbit/s: 1 MB of changes takes at least 4 s at it; and the link cut for
    // 20 s in the middle: the rollout waits it out and sends only what was missing
    for k in 0..20 {
        change(&src, 10 + k, 50_000, &mut urandom);
    }
    let third = common::pack_release(state, &src, &version("40.2"));
    let before = hebi_link_bytes();
    let started = Instant::now();
    let child = testbed_jinbao(state)
        .args([
            "--set",
            "network.transfer_rate=\"2 Mbit/s\"",
            "rollout",
            third.to_str().unwrap(),
            "hebi",
            "--no-pause",
            "--yes",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // cut once the transfer is under way (a third of the changes across)
    while hebi_link_bytes() - before < 350_000 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    bed.cut("11");
    std::thread::sleep(Duration::from_secs(20));
    bed.hosts(&["heal", "11"]);
    let healed = hebi_link_bytes();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let t = doc["cities"][0]["transfer"].clone();
    assert_eq!(t["rate"], 250_000, "{t}");
    // after the cut only what was missing went again: the objects counted are those of the
    // round that completed, never more than the 20 changed files and the skeleton
    assert!(t["objects"].as_u64().unwrap() <= 21, "{t}");
    assert!(
        t["ms"].as_u64().unwrap() >= 3_500,
        "1 MB at 2 Mbit/s takes 4 s: {t}"
    );
    // after the cut, what crossed the link is what was missing plus a tenth, and the keys,
    // scripts and new SSH connections (about 0.1 MB)
    let missing = t["objects"].as_u64().unwrap() * 50_000;
    let after = hebi_link_bytes() - healed;
    assert!(
        after < missing * 11 / 10 + 120_000,
        "{after} bytes crossed the link after the cut for {missing} missing: {t}"
    );
    let crossed = hebi_link_bytes() - before;
    assert!(
        crossed < 2_000_000,
        "{crossed} bytes crossed the link for 1 MB"
    );
    for host in ["13", "14", "15"] {
        let v = bed.exec(host, "readlink /opt/jinbao/current");
        assert!(v.contains("40.2"), "h{host}: {v}");
    }
    // a controller killed mid-transfer: `rollout --resume` sends only what had not arrived
    for k in 0..20 {
        change(&src, 10 + k, 50_000, &mut urandom);
    }
    let fourth = common::pack_release(state, &src, &version("40.3"));
    let before = hebi_link_bytes();
    let started = Instant::now();
    let mut child = testbed_jinbao(state)
        .args([
            "--set",
            "network.transfer_rate=\"2 Mbit/s\"",
            "rollout",
            fourth.to_str().unwrap(),
            "hebi",
            "--no-pause",
            "--yes",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    while hebi_link_bytes() - before < 600_000 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let out = testbed_jinbao(state)
        .args(["rollout", "--resume", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let t = doc["cities"][0]["transfer"].clone();
    let resent = t["objects"].as_u64().unwrap();
    assert!(
        (1..21).contains(&resent),
        "the resume sends what had not arrived, not all 21 objects: {t}"
    );
    for host in ["13", "14", "15"] {
        let v = bed.exec(host, "readlink /opt/jinbao/current");
        assert!(v.contains("40.3"), "h{host}: {v}");
    }
    // what the cut left waiting on the servers was ended by the transfer that came after it
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = std::process::Command::new("pgrep")
            .args(["-f", "jinbao-script-end"])
            .output()
            .unwrap();
        if left.stdout.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "scripts still run after the transfer: {}",
            String::from_utf8_lossy(&left.stdout)
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // an object the relay holds with another content than its name (tampered with on the
    // gateway): every receiver refuses it by its hash and is sent it directly, and says so
    change(&src, 0, 50_000, &mut urandom);
    let fifth = common::pack_release(state, &src, &version("40.4"));
    let sum = std::process::Command::new("sha256sum")
        .arg(src.join("lib/part-0.jar"))
        .output()
        .unwrap();
    let key = String::from_utf8_lossy(&sum.stdout)[..64].to_string();
    bed.exec(
        "11",
        &format!("echo tampered > /opt/jinbao/releases/.store/objects/{key}"),
    );
    let r = run(pg::jinbao(state, None).args([
        "rollout",
        fifth.to_str().unwrap(),
        "hebi",
        "--no-pause",
        "--yes",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = hebi(&r)["transfer"].clone();
    let direct = t["direct"].to_string();
    assert!(direct.contains("did not arrive whole"), "{t}");
    for host in ["13", "14", "15"] {
        let v = bed.exec(
            host,
            "sha256sum /opt/jinbao/current/lib/part-0.jar; readlink /opt/jinbao/current",
        );
        assert!(v.starts_with(&key) && v.contains("40.4"), "h{host}: {v}");
    }
}
