//! Secrets are never shown: the README's tour on the test bed (PostgreSQL and SSH, the
//! environment with real secrets), every database role's password a marker, every command run
//! also with `-vv`; then every byte jinbao wrote — stdout, stderr, and every file of its state
//! folder — is searched for the markers, plainly and base64-encoded. None may be found.

mod common;

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
    if !pg::available("the_tour_never_shows_a_secret") {
        return;
    }
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
