//! The commands parse, call the domain and print: `src/cmd/` holds no shell script for a
//! server, no SQL and no lock logic (each lives once, in its domain module).

mod common;

use std::path::{Path, PathBuf};

use common::repo;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of a line (roughly: the text between unescaped double quotes), where
/// shell and SQL would be written.
fn literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut escaped = false;
    for c in line.chars() {
        match (&mut current, c) {
            (Some(s), _) if escaped => {
                s.push(c);
                escaped = false;
            }
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => out.push(current.take().unwrap_or_default()),
            (Some(s), _) => s.push(c),
            (None, '"') => current = Some(String::new()),
            (None, _) => {}
        }
    }
    out
}

const SHELL: &[&str] = &[
    "$(",
    "&& ",
    " || ",
    "2>/dev/null",
    ">/dev/null",
    "mkdir -p",
    "rm -rf",
    "ln -s",
    "; then",
    "set -e",
    "printf '",
    "#!/bin/",
    "<<'",
    "| tar",
    "tar -x",
];
const SQL: &[&str] = &[
    "SELECT ",
    "INSERT INTO",
    "DELETE FROM",
    "UPDATE ",
    "CREATE TABLE",
    "CREATE ROLE",
    "ALTER TABLE",
    "DROP TABLE",
    "BEGIN;",
    "COMMIT",
];
const LOCKING: &[&str] = &[
    "lock::acquire(",
    "flock(",
    "take_city(",
    "lock_round(",
    "create_new(true)",
    "O_EXCL",
];

#[test]
fn commands_hold_no_scripts_sql_or_lock_logic() {
    let mut files = Vec::new();
    rust_files(&repo().join("src/cmd"), &mut files);
    assert!(files.len() > 10, "src/cmd was found");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let shown = file.strip_prefix(repo()).unwrap().display().to_string();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for lit in literals(line) {
                for word in SHELL.iter().chain(SQL) {
                    if lit.contains(word) {
                        found.push(format!("{shown}:{}: `{word}` in \"{lit}\"", n + 1));
                    }
                }
            }
            for word in LOCKING {
                if code.contains(word) {
                    found.push(format!("{shown}:{}: `{word}`", n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "move these into the domain:\n{}",
        found.join("\n")
    );
}

/// The scan itself finds what it looks for (a test that cannot fail is no test).
#[test]
fn the_scan_finds_a_script_and_sql() {
    let line = r#"t.run("mkdir -p /opt/x && SELECT 1", b"")"#;
    let lits = literals(line);
    assert_eq!(
        lits,
        vec!["mkdir -p /opt/x && SELECT 1", ""],
        "b\"\" is a literal too"
    );
    assert!(SHELL.iter().any(|w| lits[0].contains(w)));
    assert!(SQL.iter().any(|w| lits[0].contains(w)));
    assert_eq!(literals(r#"a("x\"y", "z")"#), vec!["x\"y", "z"]);
}
