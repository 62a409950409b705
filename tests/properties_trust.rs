//! Properties of what keeps hostile input away from servers, checked on generated inputs
//! (proptest) against independent oracles: the shell itself for quoting and for scripts sent on
//! stdin, the TOML parser for rendered files, GNU tar extracting what the release checker
//! accepted, and the safe sets for every profile value that loading accepts.
//!
//! `cargo test` runs a quick bounded number of cases; `tests/fuzz` sets JINBAO_FUZZ_SECONDS and
//! every property then runs until the time is up. A failing case is printed shrunk: keep it in
//! `regressions` below.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::props::check;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const FILE: &str = "tests/properties_trust.rs";

fn sh(reader: &str, input: &[u8]) -> std::process::Output {
    let mut child = Command::new("sh")
        .args(["-c", reader])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    let _ = feeder.join();
    out
}

/// Text a shell can hold: anything but NUL.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~\\n\\t'\"$`\\\\;|&<>(){}*?!#~=%@^]{0,40}",
        "[a-z./ -]{0,20}",
    ]
    .prop_map(|s| s.replace('\0', ""))
}

#[test]
fn shell_quote_gives_the_shell_back_the_same_string() {
    check(FILE, "shell_quote", 48, text(), |s| {
        let script = format!("printf '%s' {}", jinbao::transport::shell_quote(&s));
        let out = sh(&script, b"");
        prop_assert_eq!(String::from_utf8_lossy(&out.stdout), s);
        Ok(())
    });
}

#[test]
fn a_framed_script_runs_whole_or_not_at_all() {
    let strategy = (
        text(),
        proptest::collection::vec(any::<u8>(), 0..64),
        0.0..1.0f64,
    );
    check(FILE, "framed", 32, strategy, |(payload, rest, cut)| {
        let script = format!(
            "printf '%s' {}; cat > /dev/null\n",
            jinbao::transport::shell_quote(&payload)
        );
        let (reader, body) = jinbao::transport::framed(&script);
        prop_assert!(!reader.contains(&payload) || payload.len() < 3 || reader.contains("head -c"));
        let mut input = body.clone();
        input.extend_from_slice(&rest);
        let out = sh(&reader, &input);
        prop_assert_eq!(out.status.code(), Some(0));
        prop_assert_eq!(String::from_utf8_lossy(&out.stdout), payload.clone());
        // cut short anywhere: nothing of it runs
        let k = ((body.len() as f64) * cut) as usize;
        let out = sh(&reader, &body[..k.min(body.len() - 1)]);
        prop_assert_eq!(out.status.code(), Some(96));
        prop_assert!(out.stdout.is_empty());
        Ok(())
    });
}

#[test]
fn a_value_rendered_into_toml_is_that_value_and_adds_no_key() {
    check(FILE, "toml", 128, text(), |s| {
        let ctx = serde_json::json!({ "x": s });
        let out =
            jinbao::template::render_str("t.toml.j2", "a = \"{{ x }}\"\nb = 1\n", &ctx).unwrap();
        let parsed: toml::Table =
            toml::from_str(&out).map_err(|e| TestCaseError::fail(format!("{e}: {out:?}")))?;
        prop_assert_eq!(parsed.len(), 2);
        prop_assert_eq!(parsed["a"].as_str(), Some(s.as_str()));
        Ok(())
    });
}

// ---- the release checker against GNU tar ---------------------------------------------------

#[derive(Debug, Clone)]
enum Kind {
    File(u32),
    Dir,
    Symlink(String),
    Hard(String),
}

/// Paths made of a few names and the parts attackers use.
fn tar_path() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a".to_string()),
            Just("b".to_string()),
            Just("c".to_string()),
            Just("..".to_string()),
            Just(".".to_string()),
            Just("".to_string()),
        ],
        1..4,
    )
    .prop_map(|parts| parts.join("/"))
    .prop_flat_map(|p| prop_oneof![Just(p.clone()), Just(format!("/{p}"))])
}

fn entry() -> impl Strategy<Value = (String, Kind)> {
    let kind = prop_oneof![
        prop_oneof![
            Just(0o644u32),
            Just(0o755),
            Just(0o4755),
            Just(0o2755),
            Just(0o1777)
        ]
        .prop_map(Kind::File),
        Just(Kind::Dir),
        tar_path().prop_map(Kind::Symlink),
        tar_path().prop_map(Kind::Hard),
    ];
    (tar_path(), kind)
}

fn build_tarball(path: &Path, entries: &[(String, Kind)]) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::fast(),
    );
    let mut b = tar::Builder::new(gz);
    for (p, kind) in entries {
        if p.is_empty() || p.len() > 99 {
            continue;
        }
        let mut h = tar::Header::new_gnu();
        h.set_mtime(0);
        let name = h.as_old_mut().name.as_mut_slice();
        name.fill(0);
        name[..p.len()].copy_from_slice(p.as_bytes());
        let set_link = |h: &mut tar::Header, t: &str| {
            let l = h.as_old_mut().linkname.as_mut_slice();
            l.fill(0);
            l[..t.len().min(99)].copy_from_slice(&t.as_bytes()[..t.len().min(99)]);
        };
        match kind {
            Kind::File(mode) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(*mode);
                h.set_size(2);
                h.set_cksum();
                b.append(&h, &b"x\n"[..]).unwrap();
                continue;
            }
            Kind::Dir => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
            }
            Kind::Symlink(t) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_mode(0o777);
                set_link(&mut h, t);
            }
            Kind::Hard(t) => {
                h.set_entry_type(tar::EntryType::Link);
                h.set_mode(0o644);
                set_link(&mut h, t);
            }
        }
        h.set_size(0);
        h.set_cksum();
        b.append(&h, std::io::empty()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

/// Every path under `dir`, not following links.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        out.push(p.clone());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&p, out);
        }
    }
}

#[test]
fn what_the_release_checker_accepts_unpacks_inside_its_folder() {
    let strategy = proptest::collection::vec(entry(), 1..8);
    check(FILE, "release checker", 64, strategy, |entries| {
        let work = tempfile::tempdir().unwrap();
        let tarball = work.path().join("r.tar.gz");
        build_tarball(&tarball, &entries);
        let Ok(checked) = jinbao::release::check::tarball(&tarball, None, &[]) else {
            return Ok(()); // refused: nothing reaches a server
        };
        // accepted: servers receive the canonical archive written from what was checked, and
        // GNU tar, as a server runs it, must leave everything of it inside the folder
        let sent = work.path().join("sent.tar.gz");
        std::fs::write(&sent, checked.canonical.0.as_slice()).unwrap();
        let outside = work.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let inside = work.path().join("release");
        std::fs::create_dir(&inside).unwrap();
        let _ = Command::new("tar")
            .args(["--no-same-owner", "--no-same-permissions", "-xzf"])
            .arg(&sent)
            .arg("-C")
            .arg(&inside)
            .output()
            .unwrap();
        prop_assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
        let mut all = Vec::new();
        walk(work.path(), &mut all);
        let real_inside = inside.canonicalize().unwrap();
        for p in &all {
            if p == &tarball || p == &sent || p == &outside || p == &inside {
                continue;
            }
            prop_assert!(
                p.starts_with(&inside),
                "{} was written outside",
                p.display()
            );
            let meta = std::fs::symlink_metadata(p).unwrap();
            use std::os::unix::fs::PermissionsExt;
            prop_assert_eq!(meta.permissions().mode() & 0o7000, 0, "{}", p.display());
            if meta.file_type().is_symlink()
                && let Ok(real) = p.canonicalize()
            {
                prop_assert!(
                    real.starts_with(&real_inside),
                    "{} leads to {}",
                    p.display(),
                    real.display()
                );
            }
        }
        Ok(())
    });
}

// ---- profile values ---------------------------------------------------------------------

/// Values an attacker would put into a profile.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9._/-]{1,16}",
        "[ -~]{0,24}",
        "/opt/[a-z./]{0,12}",
        "\\.\\./[a-z]{1,5}",
    ]
}

#[test]
fn every_profile_value_loading_accepts_is_in_its_safe_set() {
    let keys = prop_oneof![
        Just("app.service"),
        Just("app.user"),
        Just("app.install_dir"),
        Just("app.config_dir"),
        Just("app.shared_dirs"),
        Just("provision.directories"),
        Just("app.health.command"),
    ];
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    check(
        FILE,
        "profile values",
        48,
        (keys, hostile_value()),
        |(key, value)| {
            let state = tempfile::tempdir().unwrap();
            let toml_value = toml::Value::String(value.clone()).to_string();
            let set = if key == "app.shared_dirs" || key == "provision.directories" {
                format!("{key}=[{toml_value}]")
            } else {
                format!("{key}={toml_value}")
            };
            let opts = jinbao::profile::LoadOptions {
                dir: repo.join("profiles"),
                env: "sandbox".into(),
                env_from_flag: false,
                overrides: vec![set],
                state_dir: state.path().to_path_buf(),
            };
            let Ok(profiles) = jinbao::profile::load(&opts) else {
                return Ok(()); // refused with diagnostics: fine
            };
            // accepted: the value is one a shell and a file system take literally
            let safe_byte = |b: u8| {
                b.is_ascii_alphanumeric()
                    || b"._/-{}".contains(&b)
                    || (key == "app.health.command" && b" :=,+@%".contains(&b))
            };
            prop_assert!(value.bytes().all(safe_byte), "accepted {value:?} for {key}");
            // a command's words are the province's own program and arguments, quoted one by
            // one; every other value is a name or a path on a server
            if key != "app.health.command" {
                prop_assert!(!value.contains(' '), "accepted {value:?} for {key}");
                prop_assert!(
                    !value.split('/').any(|p| p == ".."),
                    "accepted {value:?} for {key}"
                );
            }
            prop_assert!(profiles.cities().count() == 18);
            Ok(())
        },
    );
}

/// Cases the properties found, kept.
#[test]
fn regressions() {
    // (none yet)
}
