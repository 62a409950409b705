//! docs/json.md against the real output: every command it documents is run on the sandbox,
//! and its documents are checked key by key and type by type, both ways: every key printed
//! is documented with its type, and every key documented without "optional" is printed.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{jinbao, repo, run};
use serde_json::Value;

/// One documented key: its types, and whether it may be left out.
#[derive(Debug)]
struct Key {
    types: Vec<String>,
    optional: bool,
}

/// The sections of docs/json.md: heading (`jinbao db status`) → path (`[].last_applied.kind`) → key.
fn documented() -> BTreeMap<String, BTreeMap<String, Key>> {
    let text = std::fs::read_to_string(repo().join("docs/json.md")).unwrap();
    let mut sections = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## `") {
            current = h.strip_suffix('`').map(str::to_string);
            if let Some(c) = &current {
                sections.insert(c.clone(), BTreeMap::new());
            }
            continue;
        }
        let (Some(section), Some(row)) = (&current, line.strip_prefix("| `")) else {
            continue;
        };
        let mut cells = row.split(" | ");
        let path = cells.next().unwrap().trim_end_matches('`').to_string();
        let kind = cells.next().unwrap_or_else(|| panic!("no type: {line}"));
        let optional = kind.ends_with(", optional");
        let types = kind
            .trim_end_matches(", optional")
            .split(" or ")
            .map(str::to_string)
            .collect::<Vec<_>>();
        for t in &types {
            assert!(
                [
                    "string", "integer", "number", "bool", "null", "object", "array", "any"
                ]
                .contains(&t.as_str()),
                "docs/json.md, {section}: unknown type `{t}` in {line}"
            );
        }
        sections
            .get_mut(section)
            .unwrap()
            .insert(path, Key { types, optional });
    }
    sections
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_fits(documented: &[String], v: &Value) -> bool {
    let t = type_of(v);
    documented
        .iter()
        .any(|d| d == t || d == "any" || (d == "number" && t == "integer"))
}

/// Walks a document against its section: problems go to `errors`, every path met to `seen`.
fn walk(
    keys: &BTreeMap<String, Key>,
    path: &str,
    v: &Value,
    seen: &mut BTreeSet<String>,
    errors: &mut Vec<String>,
) {
    let has_children = |p: &str| {
        keys.keys().any(|k| {
            k.len() > p.len() && k.starts_with(p) && matches!(k.as_bytes()[p.len()], b'.' | b'[')
        })
    };
    if !path.is_empty() {
        seen.insert(path.to_string());
        match keys.get(path) {
            Some(key) if !type_fits(&key.types, v) => errors.push(format!(
                "`{path}` is {}, documented as {}",
                type_of(v),
                key.types.join(" or ")
            )),
            Some(key) if key.types.iter().any(|t| t == "any") => return,
            Some(_) => {}
            // a list's element (`[]`) or an object named only by its keys
            None if has_children(path) => {}
            None => {
                errors.push(format!("`{path}` is not documented ({})", type_of(v)));
                return;
            }
        }
    }
    match v {
        Value::Object(map) => {
            let wildcard = format!("{path}.*");
            for (k, child) in map {
                let named = format!("{path}.{k}");
                let at = if keys.contains_key(&named) || has_children(&named) {
                    named
                } else if keys.contains_key(&wildcard) {
                    wildcard.clone()
                } else {
                    named
                };
                walk(keys, &at, child, seen, errors);
            }
        }
        Value::Array(items) if has_children(path) || path.is_empty() => {
            for item in items {
                walk(keys, &format!("{path}[]"), item, seen, errors);
            }
        }
        _ => {}
    }
}

/// The path a documented path hangs from (`[].a.b` → `[].a`, `[]` → ``).
fn parent(path: &str) -> &str {
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    &path[..cut]
}

struct Bed {
    state: tempfile::TempDir,
    work: tempfile::TempDir,
}

impl Bed {
    fn jinbao(&self, args: &[&str]) -> common::Run {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        run(jinbao(self.state.path()).args(&all))
    }
    fn work(&self, name: &str) -> String {
        self.work.path().join(name).to_string_lossy().into_owned()
    }
}

/// Runs `args` and checks what it printed against `section`; `codes` are the exits expected.
fn check(
    bed: &Bed,
    docs: &BTreeMap<String, BTreeMap<String, Key>>,
    seen: &mut BTreeMap<String, BTreeSet<String>>,
    errors: &mut Vec<String>,
    section: &str,
    args: &[&str],
    codes: &[i32],
) -> Value {
    let keys = docs
        .get(section)
        .unwrap_or_else(|| panic!("docs/json.md has no section `{section}`"));
    let r = bed.jinbao(args);
    if !codes.contains(&r.code) {
        errors.push(format!(
            "{args:?} exited {} (expected {codes:?}):\n{}",
            r.code, r.stderr
        ));
    }
    let Ok(doc) = serde_json::from_str::<Value>(&r.stdout) else {
        errors.push(format!("{args:?}: stdout is not JSON:\n{}", r.stdout));
        return Value::Null;
    };
    match &doc {
        Value::Object(m) => assert_eq!(m.get("v"), Some(&Value::from(1)), "{args:?}: no v: 1"),
        Value::Array(items) => {
            for i in items {
                assert_eq!(
                    i.get("v"),
                    Some(&Value::from(1)),
                    "{args:?}: an element without v: 1"
                );
            }
        }
        other => panic!("{args:?}: {other}"),
    }
    let mut mine = Vec::new();
    walk(
        keys,
        "",
        &doc,
        seen.entry(section.into()).or_default(),
        &mut mine,
    );
    errors.extend(
        mine.into_iter()
            .map(|e| format!("{section} ({args:?}): {e}")),
    );
    doc
}

#[test]
fn docs_json_md_matches_what_every_command_prints() {
    let docs = documented();
    let bed = Bed {
        state: tempfile::tempdir().unwrap(),
        work: tempfile::tempdir().unwrap(),
    };
    let mut seen = BTreeMap::new();
    let mut errors = Vec::new();
    let mut c = |section: &str, args: &[&str], codes: &[i32]| {
        check(&bed, &docs, &mut seen, &mut errors, section, args, codes)
    };
    let ok = &[0][..];
    c("jinbao profile list", &["profile", "list"], ok);
    c(
        "jinbao profile list",
        &["profile", "list", "--province"],
        ok,
    );
    c("jinbao profile show", &["profile", "show", "hebi"], ok);
    c(
        "jinbao profile show",
        &["profile", "show", "hebi", "--origin"],
        ok,
    );
    c("jinbao profile validate", &["profile", "validate"], ok);
    c(
        "jinbao profile diff",
        &["profile", "diff", "xuchang", "zhoukou"],
        ok,
    );
    c("jinbao ping", &["ping", "hebi"], ok);
    c("jinbao exec", &["exec", "hebi", "--", "echo", "hi"], ok);
    c(
        "jinbao provision plan",
        &["provision", "plan", "hebi", "--diff"],
        &[0, 3],
    );
    c(
        "jinbao provision apply",
        &["provision", "apply", "hebi", "--yes"],
        ok,
    );
    c(
        "jinbao provision apply",
        &["provision", "apply", "hebi", "--yes"],
        ok,
    );
    c("jinbao net check", &["net", "check", "hebi"], &[0, 1]);
    let releases = bed.work("releases");
    let app = repo().join("examples/unified-app");
    let app = app.to_str().unwrap();
    let packed = c(
        "jinbao release pack",
        &[
            "release",
            "pack",
            app,
            "--version",
            "1.1.0",
            "--out",
            &releases,
        ],
        ok,
    );
    let tarball = packed["tarball"].as_str().unwrap().to_string();
    c(
        "jinbao release pack",
        &[
            "release",
            "pack",
            app,
            "--version",
            "1.2.0",
            "--out",
            &releases,
        ],
        ok,
    );
    let newer = format!("{releases}/jinbao-unified-1.2.0.tar.gz");
    c(
        "jinbao release inspect",
        &["release", "inspect", &tarball],
        ok,
    );
    let broken = bed.work("broken.tar.gz");
    std::fs::write(&broken, b"not a tarball").unwrap();
    c(
        "jinbao release inspect",
        &["release", "inspect", &broken],
        &[1],
    );
    c("jinbao db init", &["db", "init", "hebi"], ok);
    c(
        "jinbao db migrate",
        &["db", "migrate", "hebi", "--dry-run"],
        ok,
    );
    c("jinbao db migrate", &["db", "migrate", "hebi"], ok);
    c("jinbao db status", &["db", "status", "hebi"], ok);
    c("jinbao db drift", &["db", "drift", "hebi"], ok);
    c(
        "jinbao db baseline",
        &["db", "baseline", "hebi", "--to", "8"],
        &[0, 1],
    );
    c(
        "jinbao db repair",
        &["db", "repair", "hebi", "--dry-run"],
        ok,
    );
    c("jinbao db backup", &["db", "backup", "hebi"], ok);
    // a city whose database was never made: the error's shape
    c("jinbao db backup", &["db", "backup", "anyang"], &[1]);
    c("jinbao db drill", &["db", "drill", "hebi"], ok);
    c("jinbao db drill", &["db", "drill", "anyang"], &[1]);
    c("jinbao db backups", &["db", "backups", "hebi"], ok);
    c("jinbao db restore", &["db", "restore", "hebi"], ok);
    c(
        "jinbao db restore",
        &["--yes", "db", "restore", "hebi", "--in-place"],
        ok,
    );
    c(
        "jinbao rollout",
        &["rollout", &tarball, "hebi", "--no-pause", "--timings"],
        ok,
    );
    c(
        "jinbao rollout",
        &["rollout", &newer, "hebi", "--no-pause"],
        ok,
    );
    c("jinbao releases", &["releases", "hebi"], ok);
    c(
        "jinbao releases --gc",
        &["releases", "hebi", "--gc", "--yes"],
        ok,
    );
    c("jinbao rollback", &["rollback", "hebi"], ok);
    c("jinbao health", &["health", "hebi"], &[0, 1, 2]);
    c("jinbao health", &["health", "nowhere"], &[3]);
    let extracts = bed.work("extracts");
    let synth = c(
        "jinbao data synth",
        &[
            "data",
            "synth",
            "hebi",
            "--persons",
            "300",
            "--out",
            &extracts,
        ],
        ok,
    );
    let county = synth["counties"][0]["code"].as_str().unwrap().to_string();
    let folder = synth["counties"][0]["folder"].as_str().unwrap().to_string();
    let folder = if Path::new(&folder).is_absolute() {
        folder
    } else {
        format!(
            "{extracts}/{}",
            Path::new(&folder).file_name().unwrap().to_string_lossy()
        )
    };
    c(
        "jinbao data import",
        &["data", "import", "hebi", "--county", &county, &folder],
        &[0, 1],
    );
    c("jinbao data check", &["data", "check", "hebi"], &[0, 1]);
    c(
        "jinbao data check --cross-city",
        &["data", "check", "--cross-city", "--all"],
        &[0, 1],
    );
    c(
        "jinbao data compare",
        &[
            "data", "compare", "hebi", "--county", &county, "--source", &folder,
        ],
        &[0, 3],
    );
    c(
        "jinbao data progress",
        &["data", "progress", "hebi"],
        &[0, 1],
    );
    c("jinbao data changes", &["data", "changes", "hebi"], ok);
    c("jinbao status", &["status"], ok);
    c(
        "jinbao status --explain",
        &["status", "hebi", "--explain"],
        ok,
    );
    let report = bed.work("report.html");
    c("jinbao report", &["report", "--out", &report], ok);
    c("jinbao lock status", &["lock", "status"], ok);
    c("jinbao audit", &["audit"], ok);

    // the other way: every key documented without "optional" was printed, wherever its
    // parent was
    for (section, keys) in &docs {
        let Some(met) = seen.get(section) else {
            errors.push(format!("{section}: no command of this section was run"));
            continue;
        };
        for (path, key) in keys {
            let p = parent(path);
            let parent_met = p.is_empty() || met.contains(p);
            let under_any = keys.iter().any(|(k, v)| {
                v.types.iter().any(|t| t == "any") && path.starts_with(&format!("{k}."))
            });
            // a list or map may be empty: its elements' types are checked when there are some
            let element = path.ends_with("[]") || path.ends_with(".*");
            if !key.optional && !element && parent_met && !under_any && !met.contains(path) {
                errors.push(format!(
                    "{section}: `{path}` is documented but never printed"
                ));
            }
        }
    }
    let errors: BTreeSet<String> = errors.into_iter().collect();
    assert!(
        errors.is_empty(),
        "docs/json.md disagrees:\n{}",
        errors.into_iter().collect::<Vec<_>>().join("\n")
    );
}
