//! The hostile-input corpus (`tests/hostile/`): profiles, templates and releases written as an
//! attacker would write them. Each case must be refused with its exact error, and nothing
//! outside the target may change. New attacks go into the corpus as files (profiles) or as a
//! case below (releases, which are built here).

use crate::common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{copy_project, jinbao, repo, run};

/// `{c*N}` in a replacement stands for the character c repeated N times (huge inputs stay
/// small in the corpus).
fn expand(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        let spec = after[1..].split_once('}').and_then(|(inner, tail)| {
            let (c, n) = inner.split_once('*')?;
            let mut chars = c.chars();
            let ch = chars.next()?;
            (chars.next().is_none()).then_some(())?;
            Some((ch, n.parse::<usize>().ok()?, tail))
        });
        match spec {
            Some((ch, n, tail)) => {
                out.extend(std::iter::repeat_n(ch, n));
                rest = tail;
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn strings(case: &toml::Table, key: &str) -> Vec<String> {
    case.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Applies a case's `[[edit]]`, `[[link]]` and `[[chmod]]` to a copy of the project.
fn prepare(case: &toml::Table, root: &Path, name: &str) {
    // a key written after `[[edit]]` belongs to the edit: a case whose expectations slipped
    // in there would expect nothing and pass whatever happened
    for key in case.keys() {
        assert!(
            [
                "set",
                "command",
                "exit",
                "stderr",
                "stderr_lacks",
                "stdout_lacks",
                "canary",
                "max_stderr",
                "edit",
                "link",
                "chmod"
            ]
            .contains(&key.as_str()),
            "{name}: unknown key `{key}`"
        );
    }
    assert!(
        !strings(case, "stderr").is_empty(),
        "{name}: no expected error"
    );
    for table in ["edit", "link", "chmod"] {
        for t in case
            .get(table)
            .and_then(|e| e.as_array())
            .into_iter()
            .flatten()
        {
            for key in t.as_table().unwrap().keys() {
                assert!(
                    ["file", "find", "replace", "path", "target", "mode"].contains(&key.as_str()),
                    "{name}: `{key}` inside [[{table}]] (top-level keys go before the tables)"
                );
            }
        }
    }
    for edit in case
        .get("edit")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
    {
        let file = root.join(edit["file"].as_str().unwrap());
        let text = std::fs::read_to_string(&file).unwrap();
        let find = edit["find"].as_str().unwrap();
        assert!(
            text.contains(find),
            "{name}: `{find}` not in {}",
            file.display()
        );
        let new = text.replacen(find, &expand(edit["replace"].as_str().unwrap()), 1);
        std::fs::write(&file, new).unwrap();
    }
    for link in case
        .get("link")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
    {
        let path = root.join(link["path"].as_str().unwrap());
        let _ = std::fs::remove_file(&path);
        std::os::unix::fs::symlink(link["target"].as_str().unwrap(), &path).unwrap();
    }
    for ch in case
        .get("chmod")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
    {
        let path = root.join(ch["path"].as_str().unwrap());
        let mode = ch["mode"].as_integer().unwrap() as u32;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// A listing of every path under `dir` with its kind and size: what "nothing changed" compares.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            out.push(format!(
                "{} {:?} {}",
                e.path().display(),
                m.file_type(),
                if m.is_file() { m.len() } else { 0 }
            ));
            if m.is_dir() {
                stack.push(e.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn hostile_profiles_and_templates_are_refused() {
    let dir = repo().join("tests/hostile/profiles");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "the corpus lost cases");
    let mut failures = Vec::new();
    for path in &cases {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let case: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let work = tempfile::tempdir().unwrap();
        copy_project(work.path());
        std::fs::create_dir_all(work.path().join("examples")).unwrap();
        common::copy_tree(
            &repo().join("examples/unified-app"),
            &work.path().join("examples/unified-app"),
        );
        prepare(&case, work.path(), &name);
        let canary = case.get("canary").and_then(|c| c.as_str());
        if let Some(c) = canary {
            let _ = std::fs::remove_file(c);
        }
        let state = work.path().join("state");
        std::fs::create_dir_all(&state).unwrap();
        let before = listing(&state);
        let mut cmd = jinbao(&state);
        cmd.current_dir(work.path());
        for s in strings(&case, "set") {
            cmd.arg("--set").arg(s);
        }
        let command = strings(&case, "command");
        if command.is_empty() {
            cmd.args(["profile", "validate"]);
        } else {
            cmd.args(&command);
        }
        let r = run(&mut cmd);
        let want_exit = case.get("exit").and_then(|e| e.as_integer()).unwrap_or(2) as i32;
        let mut problems = Vec::new();
        if r.code != want_exit {
            problems.push(format!("exit {} (want {want_exit})", r.code));
        }
        for s in strings(&case, "stderr") {
            if !r.stderr.contains(&s) {
                problems.push(format!("stderr lacks `{s}`"));
            }
        }
        for s in strings(&case, "stderr_lacks") {
            if r.stderr.contains(&s) || r.stdout.contains(&s) {
                problems.push(format!("output shows `{s}`"));
            }
        }
        for s in strings(&case, "stdout_lacks") {
            if r.stdout.contains(&s) || r.stderr.contains(&s) {
                problems.push(format!("output shows `{s}`"));
            }
        }
        let max = case
            .get("max_stderr")
            .and_then(|m| m.as_integer())
            .unwrap_or(20_000) as usize;
        if r.stderr.len() > max {
            problems.push(format!(
                "stderr is {} bytes (at most {max})",
                r.stderr.len()
            ));
        }
        if let Some(c) = canary
            && Path::new(c).exists()
        {
            problems.push(format!("{c} was created: the injection ran"));
        }
        if listing(&state) != before {
            problems.push("the state folder changed".into());
        }
        if !problems.is_empty() {
            let shown: String = format!("{}{}", r.stderr, r.stdout)
                .chars()
                .take(1500)
                .collect();
            failures.push(format!("{name}: {}\n{shown}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

// ---- releases ---------------------------------------------------------------------------

/// One entry of a hand-made tarball.
enum E<'a> {
    File(&'a str, &'a [u8], u32),
    Dir(&'a str),
    Link(&'a str, &'a str),
    Hard(&'a str, &'a str),
    Fifo(&'a str),
}

/// A tarball of `entries` exactly as written (no checks: that is the point) and a manifest
/// beside it, with `version` and the right checksum unless `sha` is given.
fn hostile_release(dir: &Path, version: &str, entries: &[E<'_>], extra: &str) -> PathBuf {
    let tar_path = dir.join(format!("app-{}.tar.gz", version.replace('/', "_")));
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&tar_path).unwrap(),
        flate2::Compression::fast(),
    );
    let mut b = tar::Builder::new(gz);
    for e in entries {
        let mut h = tar::Header::new_gnu();
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        let (path, kind) = match e {
            E::File(p, _, _) => (p, tar::EntryType::Regular),
            E::Dir(p) => (p, tar::EntryType::Directory),
            E::Link(p, _) => (p, tar::EntryType::Symlink),
            E::Hard(p, _) => (p, tar::EntryType::Link),
            E::Fifo(p) => (p, tar::EntryType::Fifo),
        };
        h.set_entry_type(kind);
        // raw names: the tar crate would refuse `..` and absolute paths itself
        let name = h.as_old_mut().name.as_mut_slice();
        name.fill(0);
        name[..path.len()].copy_from_slice(path.as_bytes());
        match e {
            E::File(_, data, mode) => {
                h.set_size(data.len() as u64);
                h.set_mode(*mode);
                if *mode & 0o4000 != 0 {
                    h.set_uid(0);
                } else {
                    h.set_uid(1000);
                }
                h.set_cksum();
                b.append(&h, *data).unwrap();
            }
            E::Link(_, target) | E::Hard(_, target) => {
                h.set_size(0);
                h.set_mode(0o777);
                let l = h.as_old_mut().linkname.as_mut_slice();
                l.fill(0);
                l[..target.len()].copy_from_slice(target.as_bytes());
                h.set_cksum();
                b.append(&h, std::io::empty()).unwrap();
            }
            _ => {
                h.set_size(0);
                h.set_mode(0o755);
                h.set_cksum();
                b.append(&h, std::io::empty()).unwrap();
            }
        }
    }
    b.into_inner().unwrap().finish().unwrap().flush().unwrap();
    manifest_for(&tar_path, version, extra)
}

fn manifest_for(tar_path: &Path, version: &str, extra: &str) -> PathBuf {
    use sha2::Digest;
    let bytes = std::fs::read(tar_path).unwrap();
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = tar_path.file_name().unwrap().to_string_lossy().into_owned();
    let manifest = tar_path.with_file_name(name.replace(".tar.gz", ".release.toml"));
    let sha = if extra.contains("sha256 =") {
        String::new()
    } else {
        format!("sha256 = \"{sha}\"\n")
    };
    std::fs::write(
        &manifest,
        format!(
            "name = \"app\"\nversion = {version:?}\ntarball = {name:?}\n{sha}size = {}\nfiles = 1\n{extra}",
            bytes.len()
        ),
    )
    .unwrap();
    manifest
}

fn inspect(state: &Path, manifest: &Path) -> common::Run {
    run(jinbao(state).args(["release", "inspect", manifest.to_str().unwrap()]))
}

#[test]
fn hostile_releases_are_refused_before_any_server_sees_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = d.join("state");
    let hc: &[u8] = b"#!/bin/sh\nexit 0\n";
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        (
            "version that climbs out",
            hostile_release(
                d,
                "../../../../tmp/victim",
                &[E::File("bin/health-check", hc, 0o755)],
                "",
            ),
            "is not a usable version",
        ),
        (
            "absolute path",
            hostile_release(d, "1.0.1", &[E::File("/etc/cron.d/x", b"x", 0o644)], ""),
            "has an absolute path",
        ),
        (
            "dot-dot",
            hostile_release(d, "1.0.2", &[E::File("a/../../x", b"x", 0o644)], ""),
            "climbs out with `..`",
        ),
        (
            "link chain",
            {
                // 30 links, each pointing at the next: each looks harmless as text
                let names: Vec<String> = (0..30).map(|i| format!("l{i}")).collect();
                let mut entries: Vec<E<'_>> = names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        E::Link(
                            n.as_str(),
                            if i + 1 < 30 {
                                names[i + 1].as_str()
                            } else {
                                "."
                            },
                        )
                    })
                    .collect();
                entries.push(E::File("bin/health-check", hc, 0o755));
                hostile_release(d, "1.0.3", &entries, "")
            },
            "is a link to a link",
        ),
        (
            "symlink then write through it",
            hostile_release(
                d,
                "1.0.4",
                &[
                    E::Link("conf", "bin"),
                    E::Dir("bin"),
                    E::File("conf/app.toml", b"x", 0o644),
                ],
                "",
            ),
            "lies below a link",
        ),
        (
            "link out",
            hostile_release(d, "1.0.5", &[E::Link("x", "../../../etc")], ""),
            "escapes the release folder",
        ),
        (
            "hard link out",
            hostile_release(d, "1.0.6", &[E::Hard("x", "/etc/shadow")], ""),
            "hard link",
        ),
        (
            "device",
            hostile_release(d, "1.0.7", &[E::Fifo("dev")], ""),
            "is a device, fifo or other special file",
        ),
        (
            "setuid root",
            hostile_release(d, "1.0.8", &[E::File("bin/su", b"x", 0o4755)], ""),
            "has a setuid, setgid or sticky bit",
        ),
        (
            "6777 owned by a user",
            hostile_release(d, "1.0.9", &[E::File("bin/x", b"x", 0o6777)], ""),
            "has a setuid, setgid or sticky bit",
        ),
        (
            "checksum mismatch",
            hostile_release(
                d,
                "1.0.10",
                &[E::File("bin/health-check", hc, 0o755)],
                "sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n",
            ),
            "does not match the manifest",
        ),
        (
            "template path out",
            hostile_release(
                d,
                "1.0.11",
                &[E::File("bin/health-check", hc, 0o755)],
                "templates = [\"../../etc/cron.d/x.j2\"]\n",
            ),
            "`templates`",
        ),
        (
            "health path injection",
            hostile_release(
                d,
                "1.0.12",
                &[E::File("bin/health-check", hc, 0o755)],
                "health = \"bin/health-check\\\"; touch /tmp/jinbao-hostile-release; \\\"\"\n",
            ),
            "`health`",
        ),
    ];
    let mut failures = Vec::new();
    for (name, manifest, want) in &cases {
        let r = inspect(&state, manifest);
        if r.code == 0 || !r.stderr.contains(want) {
            failures.push(format!(
                "{name}: exit {}, want `{want}`:\n{}",
                r.code, r.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn a_gzip_bomb_and_a_flood_of_entries_stop_at_their_bound() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = d.join("state");
    // 64 MiB of zeros packs into a few hundred KiB; the manifest says the release unpacks to
    // 1 KiB: the checker stops at the first entry past it, without unpacking the rest
    let zeros = vec![0u8; 64 << 20];
    let bomb = hostile_release(
        d,
        "2.0.0",
        &[E::File("data/zeros", &zeros, 0o644)],
        "unpacked = 1024\n",
    );
    let tar = bomb.with_file_name("app-2.0.0.tar.gz");
    assert!(std::fs::metadata(&tar).unwrap().len() < 1 << 20);
    let r = inspect(&state, &bomb);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("past its unpacked size"), "{}", r.stderr);
    // 100,000 tiny entries
    let names: Vec<String> = (0..100_000).map(|i| format!("f/{i}")).collect();
    let entries: Vec<E<'_>> = names.iter().map(|n| E::File(n, b"", 0o644)).collect();
    let flood = hostile_release(d, "2.0.1", &entries, "");
    let r = inspect(&state, &flood);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("one entry too many"), "{}", r.stderr);
}

// ---- scripts and secrets never in argv --------------------------------------------------

/// What a script sees as its own shell's command line, with a marker in the script: the marker
/// must not be there (argv is readable by every user of the server in /proc).
fn argv_of_script(state: &Path, env: &str, city: &str) -> common::Run {
    run(jinbao(state).args([
        "--env",
        env,
        "exec",
        city,
        "--role",
        "app",
        "--json",
        "--",
        "secret=marker-argv-secret-7; tr '\\0' ' ' < /proc/$$/cmdline; echo; \
         for p in $(pgrep -x sh); do tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null; echo; done",
    ]))
}

#[test]
fn scripts_travel_on_stdin_never_in_argv() {
    let state = tempfile::tempdir().unwrap();
    let r = argv_of_script(state.path(), "sandbox", "hebi");
    assert_eq!(r.code, 0, "{}", r.stderr);
    for row in r.json().as_array().unwrap() {
        let out = row["stdout"].as_str().unwrap();
        assert!(out.contains("head -c"), "the reader is what runs: {out}");
        assert!(
            !out.contains("marker-argv-secret-7"),
            "argv shows the script: {out}"
        );
    }
    let Some(_bed) = common::testbed::testbed("scripts_travel_on_stdin_never_in_argv") else {
        return;
    };
    let r = argv_of_script(state.path(), "testbed", "hebi");
    assert_eq!(r.code, 0, "{}", r.stderr);
    for row in r.json().as_array().unwrap() {
        let out = row["stdout"].as_str().unwrap();
        assert!(out.contains("head -c"), "the reader is what runs: {out}");
        assert!(
            !out.contains("marker-argv-secret-7"),
            "argv shows the script: {out}"
        );
    }
}

// ---- one reading of a release ------------------------------------------------------------

/// `tests/hostile/releases/`: archives that the checker's tar and gzip and a server's would
/// read differently (see make.py there). Each is refused with its reason: servers only ever
/// unpack jinbao's own canonical form, so these could not reach one, but an archive that two
/// readers disagree on is refused rather than silently normalised.
#[test]
fn parser_differential_releases_are_refused_with_their_reason() {
    let corpus = repo().join("tests/hostile/releases");
    let cases: toml::Table =
        toml::from_str(&std::fs::read_to_string(corpus.join("cases.toml")).unwrap()).unwrap();
    let cases = cases["case"].as_array().unwrap();
    assert!(cases.len() >= 8);
    let state = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let manifest = corpus.join(case["manifest"].as_str().unwrap());
        let why = case["why"].as_str().unwrap();
        let r = inspect(state.path(), &manifest);
        if r.code == 0 || !r.stderr.contains(why) {
            failures.push(format!(
                "{}: exit {}, want `{why}`:\n{}",
                manifest.display(),
                r.code,
                r.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A release written by GNU tar in pax format, with a hard link and a name longer than a
/// plain header holds, deploys as jinbao's canonical form: the hard link arrives as a copy of
/// its file, the long name whole, and nothing the server unpacks was not checked.
#[test]
fn a_release_from_another_tar_reaches_servers_in_jinbaos_own_form() {
    let work = tempfile::tempdir().unwrap();
    let d = work.path();
    let src = d.join("src");
    common::copy_tree(&repo().join("examples/unified-app"), &src);
    std::fs::hard_link(
        src.join("lib/unified-core.properties"),
        src.join("lib/core-link.properties"),
    )
    .unwrap();
    // longer than a header's name field: GNU tar writes a pax path for it
    let long = format!("share/{}/{}.txt", "d".repeat(80), "n".repeat(90));
    std::fs::create_dir_all(src.join(&long).parent().unwrap()).unwrap();
    std::fs::write(src.join(&long), "long\n").unwrap();
    let version = std::fs::read_to_string(src.join("VERSION")).unwrap();
    let version = version.trim();
    let tar = d.join(format!("unified-app-{version}.tar.gz"));
    let made = std::process::Command::new("tar")
        .args(["--format=pax", "-czf"])
        .arg(&tar)
        .arg("-C")
        .arg(&src)
        .arg(".")
        .status()
        .unwrap();
    assert!(made.success());
    use sha2::Digest;
    let bytes = std::fs::read(&tar).unwrap();
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    std::fs::write(
        d.join(format!("unified-app-{version}.release.toml")),
        format!(
            "name = \"unified-app\"\nversion = \"{version}\"\ntarball = \"unified-app-{version}.tar.gz\"\nsha256 = \"{sha}\"\nsize = {}\nfiles = 9\nhealth = \"bin/health-check\"\ntemplates = [\"etc/local.toml.j2\"]\n",
            bytes.len()
        ),
    )
    .unwrap();
    let state = d.join("state");
    let r = inspect(&state, &tar);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(&state).args([
        "--yes",
        "rollout",
        tar.to_str().unwrap(),
        "xuchang",
        "--provision",
        "--migrate",
        "--no-pause",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let hosts = state.join("sandbox/hosts/xuchang");
    let mut checked = 0;
    for host in std::fs::read_dir(&hosts).unwrap().flatten() {
        let release = host.path().join(format!("opt/jinbao/releases/{version}"));
        if !release.is_dir() {
            continue;
        }
        checked += 1;
        use std::os::unix::fs::MetadataExt;
        // a hard link of the tarball arrives as its content: a link to the store's object of
        // that content (named by its SHA-256, verified when it arrived), never to a path the
        // tarball named
        let copy = std::fs::symlink_metadata(release.join("lib/core-link.properties")).unwrap();
        assert!(copy.is_file());
        let content = std::fs::read(release.join("lib/core-link.properties")).unwrap();
        let object = host.path().join(format!(
            "opt/jinbao/releases/.store/objects/{}",
            sha256_hex(&content)
        ));
        let stored = std::fs::symlink_metadata(&object).unwrap();
        assert_eq!(
            (copy.dev(), copy.ino()),
            (stored.dev(), stored.ino()),
            "a hard link arrives as the store's object of its content"
        );
        assert_eq!(
            std::fs::read(release.join("lib/core-link.properties")).unwrap(),
            std::fs::read(src.join("lib/unified-core.properties")).unwrap()
        );
        assert_eq!(
            std::fs::read_to_string(release.join(&long)).unwrap(),
            "long\n"
        );
        assert!(
            release.join("etc/local.toml").is_file(),
            "the template is rendered"
        );
    }
    assert!(checked > 0, "no server of xuchang holds the release");
}

/// What the report reads from state and profiles is escaped in HTML (a snapshot's date that
/// is markup) and neutralised in CSV (a wave named like a spreadsheet formula).
#[test]
fn the_report_escapes_what_it_reads() {
    let work = tempfile::tempdir().unwrap();
    let root = work.path();
    copy_project(root);
    let formula = "=HYPERLINK(\"https://evil.example\")";
    let toml_name = formula.replace('"', "\\\"");
    for entry in std::fs::read_dir(root.join("profiles/cities"))
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        std::fs::write(
            entry.path(),
            text.replace("\"pilot\"", &format!("\"{toml_name}\"")),
        )
        .unwrap();
    }
    let province = std::fs::read_to_string(root.join("profiles/province.toml")).unwrap();
    std::fs::write(
        root.join("profiles/province.toml"),
        province
            .replace("name = \"pilot\"", &format!("name = \"{toml_name}\""))
            .replace(
                "[assessment.waves.pilot]",
                &format!("[assessment.waves.\"{toml_name}\"]"),
            ),
    )
    .unwrap();
    let state = root.join("state");
    std::fs::create_dir_all(state.join("assessments")).unwrap();
    std::fs::write(
        state.join("assessments/2026-11-30.json"),
        r#"{"version":1,"date":"<a href=\"https://evil.example\">x</a>","time":"2026-11-30T00:00:00Z","env":"sandbox","sites":[]}"#,
    )
    .unwrap();
    let report = |args: &[&str]| {
        let mut c = jinbao(&state);
        c.current_dir(root).arg("report").args(args);
        run(&mut c)
    };
    let r = report(&["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("xuchang"), "{}", r.stdout);
    for line in r.stdout.lines() {
        for cell in line.split(',') {
            assert!(!cell.trim_matches('"').starts_with('='), "{line}");
        }
    }
    let html = root.join("r.html");
    let r = report(&["--out", html.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        !page.contains("<a href=\"https://evil.example\""),
        "unescaped"
    );
    assert!(page.contains("&lt;a href="), "the date is shown, escaped");
}

/// The SHA-256 of `bytes`, as 64 hexadecimal digits.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
