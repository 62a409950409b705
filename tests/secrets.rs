//! Secrets are never shown: the README's tour on the test bed (PostgreSQL and SSH, the
//! environment with real secrets), every database role's password a marker, every command run
//! also with `-vv`; then every byte jinbao wrote — stdout, stderr, and every file of its state
//! folder — is searched for the markers, plainly and base64-encoded. None may be found.

use crate::common;

use std::path::Path;

use common::testbed::testbed;
use common::{copy_tree, pg, repo, run};

const MARKERS: &[(&str, &str)] = &[
    ("JB_MARK_MIGRATOR", "marker-migrator-5f1c9e"),
    ("JB_MARK_APP", "marker-app-77d0a2"),
    ("JB_MARK_READONLY", "marker-readonly-3b8e41"),
];

/// The marker and every base64 rendering of it (at the three byte alignments).
fn needles() -> Vec<String> {
    use base64::Engine;
    let mut out = Vec::new();
    for (_, m) in MARKERS {
        out.push(m.to_string());
        for pad in 0..3 {
            let mut bytes = vec![b'x'; pad];
            bytes.extend_from_slice(m.as_bytes());
            let enc = base64::engine::general_purpose::STANDARD.encode(&bytes);
            // the groups of three bytes wholly inside the marker encode the same way wherever
            // the marker stands in a longer text
            let first = pad.div_ceil(3) * 4;
            let last = (pad + m.len()) / 3 * 4;
            out.push(enc[first..last].to_string());
        }
    }
    out
}

fn scan_tree(dir: &Path, needles: &[String], found: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            // the sandbox stands in for servers: their secret files hold the secret on purpose
            if !p.ends_with("sandbox") {
                scan_tree(&p, needles, found);
            }
        } else if ft.is_file() {
            let bytes = std::fs::read(&p).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            for n in needles {
                if text.contains(n.as_str()) {
                    found.push(format!("{}: `{n}`", p.display()));
                }
            }
        }
    }
}

#[test]
fn the_tour_never_shows_a_secret() {
    let Some(_bed) = testbed("the_tour_never_shows_a_secret") else {
        return;
    };
    let Some(_pg) = pg::available("the_tour_never_shows_a_secret") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("state");
    let db = "jinbao_secret_tour";
    pg::drop_db(db);
    let src = work.path().join("app");
    copy_tree(&repo().join("examples/unified-app"), &src);
    std::fs::write(src.join("VERSION"), "7.7.7\n").unwrap();
    let extracts = work.path().join("extracts");
    let sets = [
        format!("database.dsn=postgresql://127.0.0.1:5432/{db}"),
        "database.roles.migrator.user=jb_secret_migrator".into(),
        "database.roles.app.user=jb_secret_app".into(),
        "database.roles.readonly.user=jb_secret_ro".into(),
        "database.roles.migrator.password={env=\"JB_MARK_MIGRATOR\"}".into(),
        "database.roles.app.password={env=\"JB_MARK_APP\"}".into(),
        "database.roles.readonly.password={env=\"JB_MARK_READONLY\"}".into(),
    ];
    let tour: Vec<Vec<String>> = [
        "profile show hebi --origin",
        "profile validate",
        "ping hebi",
        "db init hebi",
        "db migrate hebi",
        "db status hebi",
        "db drift hebi",
        "provision plan hebi --diff",
        "provision apply hebi --yes",
        "provision plan hebi --diff",
        "net check hebi",
        &format!(
            "release pack {} --out {}",
            src.display(),
            work.path().join("rel").display()
        ),
        &format!(
            "rollout {} hebi --migrate --no-pause",
            work.path()
                .join("rel/jinbao-unified-7.7.7.tar.gz")
                .display()
        ),
        "releases hebi",
        "health hebi",
        &format!("data synth hebi --persons 500 --out {}", extracts.display()),
        "status",
        "status hebi --explain",
        "audit",
        "lock status hebi",
    ]
    .iter()
    .map(|c| c.split(' ').map(str::to_string).collect())
    .collect();
    let mut outputs = Vec::new();
    for (k, args) in tour.iter().enumerate() {
        for extra in [&[][..], &["-vv"][..], &["--json"][..]] {
            let mut cmd = pg::jinbao(&state, None);
            for s in &sets {
                cmd.arg("--set").arg(s);
            }
            for (var, value) in MARKERS {
                cmd.env(var, value);
            }
            cmd.args(extra).args(args);
            let r = run(&mut cmd);
            if extra.is_empty() && k < 15 {
                assert!(
                    r.code == 0 || r.code == 3,
                    "{args:?}: exit {}\n{}",
                    r.code,
                    r.stderr
                );
            }
            outputs.push((format!("{args:?} {extra:?}"), r.stdout, r.stderr));
        }
    }
    // a county's data, imported and checked as the app and read-only roles
    let county = std::fs::read_dir(&extracts)
        .unwrap()
        .flatten()
        .find(|e| e.file_type().unwrap().is_dir())
        .unwrap();
    let code = county.file_name().to_string_lossy()[..6].to_string();
    for args in [
        vec![
            "data",
            "import",
            "hebi",
            "--county",
            &code,
            county.path().to_str().unwrap(),
        ],
        vec!["data", "check", "hebi", "-vv"],
    ] {
        let mut cmd = pg::jinbao(&state, None);
        for s in &sets {
            cmd.arg("--set").arg(s);
        }
        for (var, value) in MARKERS {
            cmd.env(var, value);
        }
        let r = run(cmd.args(&args));
        outputs.push((format!("{args:?}"), r.stdout, r.stderr));
    }
    // and a DSN with a marker password, refused: the refusal masks it
    let r = run(pg::jinbao(&state, None).args([
        "--set",
        "database.dsn=postgresql://u:marker-app-77d0a2@127.0.0.1:5432/x",
        "profile",
        "validate",
    ]));
    assert_eq!(r.code, 2);
    outputs.push(("dsn".into(), r.stdout, r.stderr));

    let needles = needles();
    let mut found = Vec::new();
    for (what, out, err) in &outputs {
        for n in &needles {
            if out.contains(n.as_str()) || err.contains(n.as_str()) {
                found.push(format!("output of {what}: `{n}`"));
            }
        }
    }
    scan_tree(&state, &needles, &mut found);
    assert!(found.is_empty(), "secrets shown:\n{}", found.join("\n"));
    // the secret did reach where it belongs: the app's password file on its servers
    let file = _bed.exec("h13", "cat /etc/jinbao/secrets/db-app");
    assert_eq!(file.trim(), "marker-app-77d0a2");
    pg::drop_db(db);
}

/// A `data compare --source` naming a database by a libpq `key=value` string (as `psql`
/// takes it) is a DSN like a URL: its password is never shown. It was once taken for a folder
/// of extracts and echoed whole in the error.
#[test]
fn a_source_dsn_never_shows_its_password() {
    let state = tempfile::tempdir().unwrap();
    let marker = "marker-src-5e1f08";
    for source in [
        format!("host=127.0.0.1 port=1 dbname=x user=u password={marker}"),
        format!("postgresql://u:{marker}@127.0.0.1:1/x"),
    ] {
        let r = run(common::jinbao(state.path()).args([
            "data", "compare", "hebi", "--county", "410602", "--source", &source,
        ]));
        assert_ne!(r.code, 0, "{source}: {}", r.stderr);
        assert!(
            !r.stdout.contains(marker) && !r.stderr.contains(marker),
            "{source}:\n{}{}",
            r.stdout,
            r.stderr
        );
        assert!(r.stderr.contains("127.0.0.1"), "names where: {}", r.stderr);
    }
}

/// Whatever its scheme, case or spacing, a connection string's password is never shown or
/// recorded: not in the error, not in the audit log that `--show-personal-data` writes, not in
/// `jinbao audit`. A database of a kind jinbao does not read is refused by its scheme alone.
#[test]
fn a_password_on_the_command_line_never_shows_whatever_its_scheme() {
    let state = tempfile::tempdir().unwrap();
    let marker = "marker-argv-c41d9e";
    let sources = [
        format!("PostgreSQL://u:{marker}@127.0.0.1:1/x"),
        format!(" postgresql://u:{marker}@127.0.0.1:1/x"),
        format!("postgresql+psycopg2://u:{marker}@127.0.0.1:1/x"),
        format!("jdbc:postgresql://127.0.0.1:1/x?user=u&password={marker}"),
        format!("mysql://u:{marker}@127.0.0.1/x"),
        format!("host=127.0.0.1 port=1 dbname=x user=u Password={marker}"),
    ];
    for source in &sources {
        let r = run(common::jinbao(state.path()).args([
            "--show-personal-data",
            "data",
            "compare",
            "hebi",
            "--county",
            "410602",
            "--source",
            source,
        ]));
        assert_ne!(r.code, 0, "{source}: {}", r.stderr);
        assert!(
            !r.stdout.contains(marker) && !r.stderr.contains(marker),
            "{source}:\n{}{}",
            r.stdout,
            r.stderr
        );
    }
    let r = run(common::jinbao(state.path()).args([
        "data",
        "compare",
        "hebi",
        "--county",
        "410602",
        "--source",
        &sources[4],
    ]));
    assert!(
        r.stderr
            .contains("`mysql` database is not one jinbao reads"),
        "{}",
        r.stderr
    );
    let audit = std::fs::read_to_string(state.path().join("audit.jsonl")).unwrap();
    assert!(audit.contains("show-personal-data"), "{audit}");
    assert!(!audit.contains(marker), "{audit}");
    let r = run(common::jinbao(state.path()).args(["audit"]));
    assert!(!r.stdout.contains(marker) && !r.stderr.contains(marker));
    let mut found = Vec::new();
    scan_tree(state.path(), &[marker.to_string()], &mut found);
    assert!(found.is_empty(), "{found:?}");
}

/// `exec` output is masked like every other output: a server printing a password jinbao knows
/// for the city (the file it put there, or any echo of it) shows the mask.
#[test]
fn exec_output_masks_every_secret_of_the_city() {
    let state = tempfile::tempdir().unwrap();
    let marker = "marker-exec-3b9e61";
    let r = run(common::jinbao(state.path())
        .env("JB_EXEC_MARK", marker)
        .args([
            "--set",
            "database.roles.readonly.password={env=\"JB_EXEC_MARK\"}",
            "exec",
            "hebi",
            "--role",
            "app",
            "--json",
            "--",
            "echo",
            marker,
        ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains(marker) && !r.stderr.contains(marker),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(r.stdout.contains("********"), "{}", r.stdout);
}

/// A secret file that is a FIFO (or a huge file) is refused at once, never read: it once hung
/// jinbao past a SIGTERM.
#[test]
fn a_secret_file_that_is_no_regular_file_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("db-app.secret");
    let made = std::process::Command::new("mkfifo")
        .arg("-m")
        .arg("600")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let state = dir.path().join("state");
    let mut child = common::jinbao_std(&state)
        .args([
            "--set",
            "database.engine=postgres",
            "--set",
            "database.dsn=postgresql://jinbao@127.0.0.1:1/jinbao_hebi",
            "--set",
            &format!(
                "database.roles.app.password={{file=\"{}\"}}",
                fifo.display()
            ),
            "provision",
            "plan",
            "hebi",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(status.is_some(), "jinbao hung on a FIFO secret");
    assert_ne!(status.unwrap().code(), Some(0));
    assert!(stderr.contains("not a regular file"), "{stderr}");
}
