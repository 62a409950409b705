//! Helpers of the assessment tests: `status --json` rows and their milestones.

use std::path::Path;

use serde_json::Value;

use super::{jinbao, run};

pub fn status(state: &Path, extra: &[&str]) -> Vec<Value> {
    let r = run(jinbao(state)
        .args(["status", "--json", "--offline"])
        .args(extra));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().unwrap().clone()
}

pub fn city<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter().find(|r| r["city"] == name).unwrap()
}

pub fn milestone<'a>(row: &'a Value, name: &str) -> &'a Value {
    row["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no milestone {name} in {row}"))
}

pub fn holding(row: &Value) -> Vec<String> {
    row["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["holds"] == true)
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect()
}

/// Every resident-ID-shaped token (17 digits and a digit or X) in `text`.
pub fn id_like(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 18 || (run == 17 && b.get(i + 17) == Some(&b'X')) {
            out.push(text[i..i + 18].to_string());
        }
        i += run.max(1);
    }
    out
}

pub fn explain(state: &Path, city: &str) -> Value {
    let r = run(jinbao(state).args(["status", city, "--explain", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

pub fn detail<'a>(explained: &'a Value, name: &str) -> &'a Value {
    explained["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap()
}
