//! The command line itself: help text, completions, exit codes of usage errors.

mod common;

use common::{jinbao, repo, run};

const SHELLS: &[(&str, &str)] = &[
    ("bash", "jinbao.bash"),
    ("zsh", "_jinbao"),
    ("fish", "jinbao.fish"),
    ("powershell", "_jinbao.ps1"),
    ("elvish", "jinbao.elv"),
];

/// The checked-in completion scripts are exactly what the binary generates.
/// Refresh them with `JINBAO_UPDATE_COMPLETIONS=1 cargo test --test cli`.
#[test]
fn completions_are_fresh() {
    let state = tempfile::tempdir().unwrap();
    let update = std::env::var_os("JINBAO_UPDATE_COMPLETIONS").is_some();
    for (shell, file) in SHELLS {
        let r = run(jinbao(state.path()).args(["completions", shell]));
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains("jinbao"), "{shell}");
        let path = repo().join("completions").join(file);
        if update {
            std::fs::write(&path, &r.stdout).unwrap();
            continue;
        }
        let checked_in =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            checked_in == r.stdout,
            "completions/{file} is stale: run JINBAO_UPDATE_COMPLETIONS=1 cargo test --test cli"
        );
    }
}

#[test]
fn help_is_stable() {
    let state = tempfile::tempdir().unwrap();
    for args in [vec!["--help"], vec!["profile", "--help"]] {
        let r = run(jinbao(state.path()).args(&args));
        assert_eq!(r.code, 0);
        insta::assert_snapshot!(format!("help_{}", args.join("_")), r.stdout);
    }
}

#[test]
fn usage_errors_exit_2() {
    let state = tempfile::tempdir().unwrap();
    for args in [
        vec!["profile", "show"],
        vec!["no-such-command"],
        vec!["--color", "sometimes", "profile", "list"],
        vec!["completions", "tcsh"],
    ] {
        let r = run(jinbao(state.path()).args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn missing_profiles_folder_is_a_config_error_with_a_hint() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["--profiles", "/nonexistent", "profile", "list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("province.toml is missing"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
}

#[test]
fn json_output_is_only_json() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["profile", "validate", "--json"]));
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["valid"], true);
}
