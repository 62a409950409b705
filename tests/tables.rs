//! What the table-printing commands show people, as snapshots of stdout, stderr and the exit
//! code together, on the sandbox at a pinned time: a change of a column, a word or a code is
//! seen in review (`cargo insta review`). What differs from machine to machine (the state
//! folder, sizes, milliseconds, run ids, the operator, column widths) is filtered out.

use crate::common;

use std::path::Path;

use common::{jinbao, run};

const NOW: &str = "2027-03-01T02:00:00+00:00";

/// `args` run on the sandbox at `NOW`, as one text: the exit code, stdout and stderr.
fn shown(state: &Path, args: &[&str]) -> String {
    let r = run(jinbao(state).env("JINBAO_NOW", NOW).args(args));
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

/// Snapshots `args`' output under `name`, machine-specific text filtered.
fn snapshot(state: &Path, name: &str, args: &[&str]) {
    snapshot_filtered(state, name, args, &[]);
}

/// `snapshot` with `extra` filters of its own.
fn snapshot_filtered(state: &Path, name: &str, args: &[&str], extra: &[(&str, &str)]) {
    let state_dir = regex_escape(&state.display().to_string());
    let mut filters = extra.to_vec();
    filters.extend([
        (state_dir.as_str(), "[STATE]"),
        (r"\d{8}T\d{6}Z-\d+", "[RUN]"),
        (
            r"\b[a-z_][a-z0-9_-]*@[A-Za-z0-9][A-Za-z0-9.-]*",
            "[OPERATOR]",
        ),
        (r"\d+(\.\d+)? (ms|MB|KB|kB|GB|GiB|MiB|KiB|B)\b", "[N $2]"),
        // a time in the one format people are shown (a raw one stays visible: a finding)
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00", "[TIME]"),
        // widths follow the filtered text: one rule, one space
        (r"[─═]+", "─"),
        (r" {2,}", " "),
    ]);
    insta::with_settings!({ filters => filters }, {
        insta::assert_snapshot!(name, shown(state, args));
    });
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A sandbox with Hebi rolled out (provisioned, migrated) and its counties' data loaded and
/// checked: what every table below is about.
fn hebi_rolled_out_with_data(state: &Path) {
    common::sandbox_rollout(
        state,
        "examples/unified-app",
        "hebi",
        &[("JINBAO_NOW", NOW)],
    );
    let extracts = state.join("extracts");
    for args in [
        vec![
            "data",
            "synth",
            "hebi",
            "--persons",
            "300",
            "--seed",
            "7",
            "--defects",
            "0.05",
            "--out",
            extracts.to_str().unwrap(),
        ],
        vec!["data", "import", "hebi", extracts.to_str().unwrap()],
    ] {
        let r = run(jinbao(state).env("JINBAO_NOW", NOW).args(&args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
}

#[test]
fn tables_people_read() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    hebi_rolled_out_with_data(state);
    // how long each rule took: its last column
    let ms = [(r"┆ \d+ +│", "┆ [ms] │")];
    snapshot_filtered(state, "data_check", &["data", "check", "hebi"], &ms);
    snapshot(state, "data_progress", &["data", "progress", "hebi"]);
    snapshot(state, "status", &["status", "--wave", "pilot"]);
    snapshot(state, "status_explain", &["status", "hebi", "--explain"]);
    snapshot(state, "releases", &["releases", "hebi"]);
    // what does not depend on the machine running the tests (its load, disk, memory)
    let checks = "release,database,schema,data";
    snapshot(state, "health", &["health", "hebi", "--only", checks]);
    snapshot(state, "db_status", &["db", "status", "hebi"]);
    snapshot(state, "provision_plan", &["provision", "plan", "hebi"]);
    snapshot(state, "lock_status", &["lock", "status", "hebi"]);
    snapshot(state, "audit", &["audit"]);
    snapshot(
        state,
        "report_markdown",
        &["report", "--format", "markdown"],
    );
    snapshot(state, "usage_error", &["status", "kaifengg"]);
    // backups: one taken by hand beside the rollout's restore point, drilled, listed, and
    // what health says of them
    snapshot(state, "db_backup", &["db", "backup", "hebi"]);
    snapshot(state, "db_drill", &["db", "drill", "hebi"]);
    snapshot(state, "db_backups", &["db", "backups", "hebi"]);
    snapshot(
        state,
        "health_backup",
        &["health", "hebi", "--only", "backup,drill", "-v"],
    );
}
