//! The command line itself: help text, completions, exit codes of usage errors.

use crate::common;

use common::{jinbao, repo, run};

const SHELLS: &[(&str, &str)] = &[
    ("bash", "jinbao.bash"),
    ("zsh", "_jinbao"),
    ("fish", "jinbao.fish"),
    ("powershell", "_jinbao.ps1"),
    ("elvish", "jinbao.elv"),
];

/// The checked-in completion scripts are exactly what the binary generates.
/// Refresh them with `JINBAO_UPDATE_COMPLETIONS=1 cargo test --test suite cli::`.
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
            "completions/{file} is stale: run JINBAO_UPDATE_COMPLETIONS=1 cargo test --test suite cli::"
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

/// Every command path (`["db", "migrate"]`), the top level first, from the same clap
/// definition the binary parses with.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    walk(
        &<jinbao::cli::Cli as clap::CommandFactory>::command(),
        Vec::new(),
        &mut out,
    );
    out
}

/// The clap definition of one command path.
fn command_at(path: &[String]) -> clap::Command {
    let mut cmd = <jinbao::cli::Cli as clap::CommandFactory>::command();
    cmd.build();
    for name in path {
        cmd = cmd.find_subcommand(name).unwrap().clone();
    }
    cmd
}

/// Every `--help` ends with two or three examples, and each example is a command line jinbao
/// parses (so a renamed flag cannot leave a stale example behind).
#[test]
fn every_help_ends_with_examples_that_parse() {
    let state = tempfile::tempdir().unwrap();
    let mut missing = Vec::new();
    for path in command_paths() {
        let name = path.join(" ");
        let r = run(jinbao(state.path()).args(&path).arg("--help"));
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let text = r.stdout.trim_end();
        let Some((_, examples)) = text.rsplit_once("\nExamples:\n") else {
            missing.push(name);
            continue;
        };
        let lines: Vec<&str> = examples.lines().collect();
        assert!(
            (2..=3).contains(&lines.len()),
            "jinbao {name} --help: {} examples:\n{examples}",
            lines.len()
        );
        for line in lines {
            let command = line.split(" # ").next().unwrap().trim();
            assert!(
                line.starts_with("  jinbao "),
                "jinbao {name}: `{line}` is no example"
            );
            let words: Vec<&str> = command.split_whitespace().collect();
            let parsed = <jinbao::cli::Cli as clap::Parser>::try_parse_from(&words);
            assert!(
                parsed.is_ok(),
                "jinbao {name} --help: the example `{command}` does not parse: {}",
                parsed.err().unwrap()
            );
        }
    }
    assert!(
        missing.is_empty(),
        "these commands' --help ends without examples: {missing:?}"
    );
}

/// Global options are listed apart from the command's own, under their own heading.
#[test]
fn global_options_are_listed_apart() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["db", "migrate", "--help"]));
    let (own, global) = r
        .stdout
        .split_once("\nGlobal options:\n")
        .unwrap_or_else(|| panic!("no `Global options:` heading:\n{}", r.stdout));
    assert!(own.contains("--dry-run") && own.contains("--jobs"), "{own}");
    for flag in [
        "--json",
        "--env",
        "--set",
        "--state-dir",
        "--profiles",
        "--color",
    ] {
        assert!(!own.contains(flag), "{flag} among db migrate's own options");
        assert!(
            global.contains(flag),
            "{flag} missing from the global options"
        );
    }
}

/// One name for how many things are worked on at once: `--jobs` (and `--host-jobs`,
/// `--rule-jobs` where a command has a second level); the old names are hidden and still work.
#[test]
fn concurrency_has_one_name_everywhere() {
    for path in command_paths() {
        let name = path.join(" ");
        for arg in command_at(&path)
            .get_arguments()
            .filter(|a| !a.is_hide_set())
        {
            let Some(long) = arg.get_long() else { continue };
            let about_concurrency = ["jobs", "forks", "parallel", "concurrency", "threads"]
                .iter()
                .any(|w| long.contains(w));
            if about_concurrency {
                assert!(
                    ["jobs", "host-jobs", "rule-jobs"].contains(&long),
                    "jinbao {name} --{long}: concurrency is --jobs (or --host-jobs, --rule-jobs)"
                );
            }
        }
    }
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["ping", "--help"]));
    assert!(r.stdout.contains("-j, --jobs <N>"), "{}", r.stdout);
    assert!(!r.stdout.contains("--forks"), "{}", r.stdout);
    // scripts written with the old name go on working
    for args in [
        vec!["ping", "hebi", "--forks", "2", "--json"],
        vec!["ping", "hebi", "-j", "2", "--json"],
    ] {
        let r = run(jinbao(state.path()).args(&args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
}

/// "Show what would change" is spelled `--dry-run`; the old spellings are hidden and work.
#[test]
fn dry_run_is_the_one_spelling() {
    for path in command_paths() {
        let name = path.join(" ");
        for arg in command_at(&path)
            .get_arguments()
            .filter(|a| !a.is_hide_set())
        {
            let long = arg.get_long().unwrap_or_default();
            assert!(
                !["check", "show-sql", "noop", "plan-only", "what-if"].contains(&long),
                "jinbao {name} --{long}: show what would change with --dry-run"
            );
        }
    }
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["provision", "apply", "hebi", "--check", "--json"]));
    assert_eq!(
        r.code, 3,
        "changes pending, as `provision plan`: {}",
        r.stderr
    );
    assert!(
        !state
            .path()
            .join("sandbox/hosts/hebi")
            .join("hebi-app1/etc/jinbao")
            .exists()
    );
    let r = run(jinbao(state.path()).args(["data", "check", "hebi", "--show-sql"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("SELECT"), "{}", r.stdout);
}

/// A flag that would do nothing is not offered: `--yes` only where something is asked (and,
/// for scripts, still before the command name).
#[test]
fn yes_only_where_something_is_asked() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["profile", "list", "--yes"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(jinbao(state.path()).args(["--yes", "profile", "list"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for path in [&["provision", "apply"][..], &["db", "repair"], &["rollout"]] {
        let r = run(jinbao(state.path()).args(path).arg("--help"));
        assert!(r.stdout.contains("-y, --yes"), "{path:?}: {}", r.stdout);
    }
    let r = run(jinbao(state.path()).args(["profile", "list", "--help"]));
    assert!(!r.stdout.contains("--yes"), "{}", r.stdout);
}

/// A command's man page: clap_mangen's sections, without the `help` subcommand it lists but
/// no page documents, then EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO.
fn man_page(cmd: clap::Command, path: &[String]) -> Vec<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut page).unwrap();
    let mut text = String::from_utf8(page).unwrap();
    let name = std::iter::once("jinbao".to_string())
        .chain(path.iter().cloned())
        .collect::<Vec<_>>()
        .join("\\-");
    let help = format!(
        ".TP\n{name}\\-help(1)\nPrint this message or the help of the given subcommand(s)\n"
    );
    text = text.replace(&help, "");
    text.push_str(
        ".SH \"EXIT STATUS\"\n\
         .TP\n0\nSuccess.\n\
         .TP\n1\nThe operation failed (on at least one host, city or database).\n\
         .TP\n2\nThe command line or the profiles are wrong: nothing was done.\n\
         .TP\n3\nChanges are pending (\\fBprovision plan\\fR) or drift was found (\\fBdb drift\\fR).\n\
         .TP\n4\nBlocked: a lock is held, a maintenance window is closed, or approval is needed (\\fB\\-\\-yes\\fR without a terminal).\n\
         .TP\n130, 143\nStopped by SIGINT or SIGTERM after finishing or undoing the step in progress.\n\
         .PP\n\\fBjinbao health\\fR exits as a Nagios plugin: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n\
         .SH ENVIRONMENT\n\
         .TP\nJINBAO_HOME\nThe project folder (holding profiles/ and .jinbao/); otherwise found from the current folder upwards.\n\
         .TP\nJINBAO_PROFILES, JINBAO_ENV, JINBAO_STATE_DIR\nLike \\fB\\-\\-profiles\\fR, \\fB\\-\\-env\\fR and \\fB\\-\\-state\\-dir\\fR.\n\
         .TP\nJINBAO_CITY\nThe default city of \\fBjinbao health\\fR.\n\
         .TP\nJINBAO_NOW\nPins the time (RFC 3339), for rehearsals and tests.\n\
         .TP\nJINBAO_LOG\nLog filter (overrides \\fB\\-v\\fR).\n\
         .TP\nNO_COLOR, TERM=dumb, COLUMNS\nNo colour; the width tables fit.\n\
         .SH FILES\n\
         .TP\nprofiles/province.toml, profiles/cities/*.toml, profiles/env/*.toml\nThe province defaults, one file per city, the environment overlays.\n\
         .TP\ntemplates/\nFiles and templates provisioning puts on servers; database migrations and data-check rules.\n\
         .TP\n\\&.jinbao/\nThe state folder: journals, locks, ledgers, histories, the audit log (other environments in .jinbao/env/NAME/).\n",
    );
    let mut see: Vec<String> = Vec::new();
    if !path.is_empty() {
        see.push("jinbao(1)".into());
    }
    if path.len() > 1 {
        see.push(format!(
            "jinbao\\-{}(1)",
            path[..path.len() - 1].join("\\-")
        ));
    }
    if !see.is_empty() {
        text.push_str(&format!(".SH \"SEE ALSO\"\n{}\n", see.join(", ")));
    }
    text.into_bytes()
}

/// One man page per command (`man/jinbao-db-migrate.1`), made by clap_mangen from the same
/// clap definition the binary parses with. Refresh them with
/// `JINBAO_UPDATE_COMPLETIONS=1 cargo test --test suite cli::`.
#[test]
fn man_pages_are_fresh() {
    let update = std::env::var_os("JINBAO_UPDATE_COMPLETIONS").is_some();
    let dir = repo().join("man");
    let mut made = std::collections::BTreeSet::new();
    for path in command_paths() {
        let name = std::iter::once("jinbao".to_string())
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join("-");
        // clap takes a static name (a test may leak a few dozen short strings)
        let title: &'static str = Box::leak(name.clone().into_boxed_str());
        let cmd = command_at(&path).name(title);
        let page = man_page(cmd, &path);
        let file = format!("{name}.1");
        let at = dir.join(&file);
        made.insert(file.clone());
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&at, &page).unwrap();
            continue;
        }
        let checked_in = std::fs::read(&at).unwrap_or_default();
        assert!(
            checked_in == page,
            "man/{file} is missing or stale: run JINBAO_UPDATE_COMPLETIONS=1 cargo test --test suite cli::"
        );
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !made.contains(&file) {
            assert!(update, "man/{file} names no command: remove it");
            std::fs::remove_file(dir.join(&file)).unwrap();
        }
    }
}

/// Every man page has EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO, and names only pages that
/// exist (clap listed a `jinbao-data-help(1)` no page documents).
#[test]
fn man_pages_have_their_sections_and_name_only_pages_that_exist() {
    let dir = repo().join("man");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH FILES"] {
            assert!(text.contains(section), "{}: no {section}", path.display());
        }
        if path.file_name().unwrap() != "jinbao.1" {
            assert!(text.contains(".SH \"SEE ALSO\""), "{}", path.display());
        }
        for word in text.split(|c: char| c.is_whitespace() || c == ',') {
            if let Some(page) = word.strip_suffix("(1)")
                && page.starts_with("jinbao")
            {
                let file = dir.join(format!("{}.1", page.replace("\\-", "-")));
                assert!(file.is_file(), "{} names {word}", path.display());
            }
        }
    }
}

/// jinbao finds its project from any folder below it (as git does), or from JINBAO_HOME, and
/// says which it uses when it is not the current folder.
#[test]
fn the_project_is_found_from_any_folder_below_it() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path())
        .current_dir(repo().join("examples/unified-app/bin"))
        .args(["profile", "list", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json().as_array().unwrap().len(), 18, "{}", r.stdout);
    assert!(
        r.stderr
            .contains(&format!("using the project at {}", repo().display())),
        "{}",
        r.stderr
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path())
        .current_dir(elsewhere.path())
        .env("JINBAO_HOME", repo())
        .args(["profile", "list", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // from the project itself, nothing is said
    let r = run(jinbao(state.path()).args(["profile", "list", "--json"]));
    assert!(!r.stderr.contains("using the project"), "{}", r.stderr);
}

/// The completions offer what the project names: its cities, waves, environments and data
/// rules (and parsing still takes any name, code or comma list).
#[test]
fn completions_offer_the_projects_names() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["completions", "bash"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in [
        "xuchang",
        "zhoukou",
        "pilot demonstration general",
        "production sandbox testbed",
        "person_id_area_code",
    ] {
        assert!(r.stdout.contains(name), "no {name}");
    }
    let r = run(jinbao(state.path()).args(["profile", "show", "许昌", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}
