//! Shared helpers of the integration tests: the real binary with a clean environment.
#![allow(dead_code)]

pub mod assess;
pub mod chromium;
pub mod pg;
pub mod props;
pub mod pty;
pub mod testbed;

use std::path::{Path, PathBuf};
use std::process::Output;

/// A test that cannot run here says why and passes, unless `JINBAO_TESTS_REQUIRE_ALL` is set
/// (`tests/run-all` sets it as root, so in CI a missing PostgreSQL or test bed is a failure,
/// never a silent pass).
pub fn skip(test: &str, why: &str) {
    assert!(
        std::env::var_os("JINBAO_TESTS_REQUIRE_ALL").is_none(),
        "{test} cannot run: {why} (JINBAO_TESTS_REQUIRE_ALL is set)"
    );
    eprintln!("skipping {test}: {why}");
}

/// A sandbox rollout of `release` to `city` with provisioning and migrations, which must
/// succeed (the set-up of many tests); `env` pins variables such as `JINBAO_NOW`.
pub fn sandbox_rollout(state: &Path, release: &str, city: &str, env: &[(&str, &str)]) {
    let mut cmd = jinbao(state);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let r = run(cmd.args([
        "--yes",
        "rollout",
        release,
        city,
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0, "rollout of {release} to {city}: {}", r.stderr);
}

/// Where an environment other than the sandbox keeps its records in a state folder (each
/// environment's records are its own).
pub fn records(state: &Path, env: &str) -> PathBuf {
    state.join("env").join(env)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `jinbao` run from the repository with a clean environment and its own state folder.
pub fn jinbao(state: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(jinbao_std(state))
}

/// The same as a plain `std::process::Command` (for runs in the background).
pub fn jinbao_std(state: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jinbao"));
    cmd.env_clear()
        .current_dir(repo())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", state)
        .env("JINBAO_STATE_DIR", state)
        .env("NO_COLOR", "1");
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let out: Output = cmd.output().expect("jinbao runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `cmd` (stdin empty) and says how much memory it used at its peak (its own high-water
/// resident set, KiB, read from /proc while it runs). Not `wait4`'s: a child spawned from this
/// big multi-test process inherits the parent's high-water mark at exec.
pub fn run_measured(cmd: &mut std::process::Command) -> (Run, u64) {
    use std::io::Read;
    use std::process::Stdio;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("jinbao runs");
    let status_file = format!("/proc/{}/status", child.id());
    let (peak, done) = (AtomicU64::new(0), AtomicBool::new(false));
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (stdout, stderr, status) = std::thread::scope(|scope| {
        scope.spawn(|| {
            // VmHWM only grows: each reading is the peak so far
            while !done.load(Ordering::Relaxed) {
                let hwm = std::fs::read_to_string(&status_file)
                    .ok()
                    .and_then(|s| {
                        s.lines()
                            .find_map(|l| l.strip_prefix("VmHWM:"))
                            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
                    })
                    .unwrap_or(0);
                peak.fetch_max(hwm, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
        let errors = scope.spawn(move || {
            let mut text = Vec::new();
            err.read_to_end(&mut text).map(|_| text)
        });
        let mut stdout = Vec::new();
        out.read_to_end(&mut stdout).unwrap();
        let stderr = errors.join().unwrap().unwrap();
        let status = child.wait().unwrap();
        done.store(true, Ordering::Relaxed);
        (stdout, stderr, status)
    });
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    (run, peak.into_inner())
}

/// Copies `profiles/` and `templates/` into `dir`, so a test can break them.
pub fn copy_project(dir: &Path) {
    for sub in ["profiles", "templates"] {
        copy_tree(&repo().join(sub), &dir.join(sub));
    }
}

/// `jinbao release pack SRC --version V` into `state/releases`: the tarball's path.
pub fn pack_release(state: &Path, src: &Path, version: &str) -> PathBuf {
    let r = run(jinbao(state).args([
        "release",
        "pack",
        src.to_str().unwrap(),
        "--version",
        version,
        "--out",
        state.join("releases").to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    PathBuf::from(r.json()["tarball"].as_str().unwrap())
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// True when this process runs as root (network namespaces, sshd): else tests say why they skip.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Every city's pinyin, in code order.
pub fn testbed_cities() -> Vec<&'static str> {
    vec![
        "zhengzhou",
        "kaifeng",
        "luoyang",
        "pingdingshan",
        "anyang",
        "hebi",
        "xinxiang",
        "jiaozuo",
        "puyang",
        "xuchang",
        "luohe",
        "sanmenxia",
        "nanyang",
        "shangqiu",
        "xinyang",
        "zhoukou",
        "zhumadian",
        "jiyuan",
    ]
}
