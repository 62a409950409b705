//! The layers hold: the commands parse, call the domain and print: `src/cmd/` holds no shell
//! script for a server, no SQL and no lock logic (each lives once, in its domain module), and
//! no module below the command layer reaches for the printer.

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

/// Where anyhow may stand outside the command layer: the fleet, whose per-host tasks are
/// closures of every domain and whose failure keeps any error with its chain (the transport
/// error in it says whether the host was lost), and the rollout's wrappers of the fleet.
/// Inside such a task (`|host, t| { … }`) a domain may still `ensure!`; the functions it calls
/// return their own typed errors.
const ANYHOW_SIGNATURES_ALLOWED: &[&str] = &["src/fleet.rs", "src/release/rollout/mod.rs"];

/// The lines of the domain that break the rule "typed errors, not strings; anyhow at the
/// command layer": a function or type returning `Result<_, String>`, or a function signature
/// with `anyhow::Result` / `use anyhow::Result`. The command layer (`src/cmd/`, `main.rs`,
/// `error.rs`, `context.rs`) and clap's value parsers (`cli.rs`, `from_str`) may.
fn untyped_errors(shown: &str, text: &str) -> Vec<String> {
    let command_layer = shown.starts_with("src/cmd/")
        || [
            "src/main.rs",
            "src/error.rs",
            "src/context.rs",
            "src/cli.rs",
        ]
        .contains(&shown);
    if command_layer {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") || code.contains("fn from_str") {
            continue;
        }
        let signature =
            code.contains("->") || code.starts_with("type ") || code.starts_with("pub type ");
        if signature && error_types(code).iter().any(|e| e == "String") {
            found.push(format!("{shown}:{}: {code}", n + 1));
        }
        let anyhow_signature = (code.contains("->") && code.contains("anyhow::Result<"))
            || code.starts_with("use anyhow::Result")
            || code.starts_with("use anyhow::{") && code.contains("Result");
        if anyhow_signature && !ANYHOW_SIGNATURES_ALLOWED.contains(&shown) {
            found.push(format!("{shown}:{}: {code}", n + 1));
        }
    }
    found
}

/// The error type of each two-argument `Result<T, E>` written whole on `line`.
fn error_types(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("Result<") {
        let args = &rest[at + "Result<".len()..];
        let (mut depth, mut split, mut end) = (0usize, None, None);
        for (i, c) in args.char_indices() {
            match c {
                '<' | '(' | '[' => depth += 1,
                '>' | ')' | ']' if depth == 0 => {
                    end = Some(i);
                    break;
                }
                '>' | ')' | ']' => depth -= 1,
                ',' if depth == 0 => split = Some(i),
                _ => {}
            }
        }
        if let (Some(s), Some(e)) = (split, end) {
            out.push(args[s + 1..e].trim().to_string());
        }
        rest = args;
    }
    out
}

/// Fails, saying `fix` and the lines found, when `scan` finds anything in the Rust files under
/// `src/` (each given to it as its path from the repository root and its text).
fn nothing_found_in_src(scan: impl Fn(&str, &str) -> Vec<String>, fix: &str) {
    let mut files = Vec::new();
    rust_files(&repo().join("src"), &mut files);
    let mut found = Vec::new();
    for file in &files {
        let shown = file.strip_prefix(repo()).unwrap().display().to_string();
        found.extend(scan(&shown, &std::fs::read_to_string(file).unwrap()));
    }
    assert!(found.is_empty(), "{fix}:\n{}", found.join("\n"));
}

#[test]
fn the_domain_returns_typed_errors() {
    nothing_found_in_src(untyped_errors, "give these a typed error (thiserror)");
}

/// The error scan finds what it looks for.
#[test]
fn the_error_scan_finds_strings_and_anyhow() {
    let text = "pub fn a(x: &str) -> Result<(), String> {\n\
                pub type Counts = Result<Option<u64>, String>;\n\
                use anyhow::Result;\n\
                fn b() -> anyhow::Result<u8> {\n\
                fn from_str(s: &str) -> Result<Self, String> {\n\
                fn c() -> Result<Vec<String>, Unsafe> {\n\
                fn d() -> Result<BTreeMap<String, String>, E> {\n\
                fn e() -> Result<Vec<(usize, R)>, String> {\n";
    let found = untyped_errors("src/data/x.rs", text);
    assert_eq!(found.len(), 5, "{found:?}");
    assert!(found.iter().any(|f| f.contains("fn e()")), "{found:?}");
    assert!(untyped_errors("src/cmd/x.rs", text).is_empty());
}

/// The command layer: it alone holds and uses the printer.
const COMMAND_LAYER: &[&str] = &[
    "src/cli.rs",
    "src/cmd/",
    "src/context.rs",
    "src/output.rs",
    "src/output/",
    "src/main.rs",
    "src/lib.rs",
];

/// The lines of `text` (the file `shown`) that reach for the printer from outside the command
/// layer: the domain reports progress through `progress::Progress`, never through `output`.
fn printer_uses(shown: &str, text: &str) -> Vec<String> {
    if COMMAND_LAYER.iter().any(|c| shown.starts_with(c)) {
        return Vec::new();
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains("output::") || line.contains("Printer"))
        .map(|(n, line)| format!("{shown}:{}: {}", n + 1, line.trim()))
        .collect()
}

#[test]
fn no_domain_module_uses_the_printer() {
    nothing_found_in_src(
        printer_uses,
        "report progress through progress::Progress, print in the command layer",
    );
}

/// The printer scan finds what it looks for, and leaves the command layer alone.
#[test]
fn the_printer_scan_finds_the_printer() {
    let text =
        "use crate::output::Printer;\nfn a(p: &Progress) {}\npub fn b(printer: &Printer) {}\n";
    assert_eq!(printer_uses("src/fleet.rs", text).len(), 2);
    assert!(printer_uses("src/cmd/rollout/mod.rs", text).is_empty());
    assert!(printer_uses("src/output/layout.rs", text).is_empty());
    assert!(printer_uses("src/lib.rs", text).is_empty());
}

/// The lines of `text` (the file `shown`) outside the database seam (`src/db/`) that pick an
/// engine by hand: consumers call the seam's methods and never match on the engine.
fn engine_matches(shown: &str, text: &str) -> Vec<String> {
    if shown.starts_with("src/db/") {
        return Vec::new();
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            ["Conn::Pg", "Conn::Lite", "is_postgres("]
                .iter()
                .any(|m| line.contains(m))
        })
        .map(|(n, line)| format!("{shown}:{}: {}", n + 1, line.trim()))
        .collect()
}

#[test]
fn only_the_database_seam_picks_an_engine() {
    nothing_found_in_src(
        engine_matches,
        "call a method of db::Database (src/db/) instead of matching on the engine",
    );
}

/// The engine scan finds a match on the engine, and leaves the seam alone.
#[test]
fn the_engine_scan_finds_a_match() {
    let text =
        "match conn {\n    Conn::Pg(c) => 1,\n    Conn::Lite(c) => 2,\n}\nif c.is_postgres() {}\n";
    assert_eq!(engine_matches("src/data/import.rs", text).len(), 3);
    assert!(engine_matches("src/db/pg.rs", text).is_empty());
}
