//! jinbao: provision, roll out, check and report the Golden Security Project (金保工程) data
//! centers of Henan's province center and its 18 cities, driven by profiles.
//!
//! Layers, arrows only downward: `cli` and `cmd` (parse, call the domain, hand results to
//! `output`) → domain modules → foundations (`profile`, `diagnostic`, `env_vars`, `operator`: who
//! runs jinbao and where, `db`: the database seam, `progress`: how the domain reports progress
//! without the printer).
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod assess;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod context;
pub mod data;
pub mod db;
pub mod diagnostic;
pub mod env_vars;
pub mod error;
pub mod files;
pub mod fleet;
pub mod health;
pub mod interrupt;
pub mod inventory;
pub mod net;
pub mod numbers;
pub mod operator;
pub mod output;
pub mod parallel;
pub mod privacy;
pub mod profile;
pub mod progress;
pub mod provision;
pub mod release;
pub mod report;
pub mod schema;
pub mod script_lines;
pub mod serde_words;
pub mod server_facts;
pub mod sqlite_functions;
pub mod state;
pub mod suggest;
pub mod template;
pub mod tls;
pub mod transport;
pub mod window;

use std::process::ExitCode;

use clap::Parser;

/// Runs jinbao with the process's arguments and returns its exit code.
pub fn run() -> ExitCode {
    // what jinbao creates on this machine (state, reject files, extracts) is its owner's alone
    // SAFETY: umask only sets the process's file-creation mask.
    unsafe { libc::umask(0o077) };
    interrupt::install();
    // a password written on the command line (a --source DSN of any scheme) is a secret from
    // the first moment: no error, log or audit record of this run shows it
    privacy::register_arguments(std::env::args_os().map(|a| a.to_string_lossy().into_owned()));
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                // a monitor reads 2 from `health` as CRITICAL: its usage errors are UNKNOWN
                _ => match health_command_line() {
                    Some(json) => {
                        let text = e.render().to_string();
                        let first = text.lines().next().unwrap_or_default();
                        health_unknown(json, first.trim_start_matches("error: "))
                    }
                    None => error::Exit::Usage.into(),
                },
            };
        }
    };
    init_logging(cli.global.verbose, cli.global.quiet, cli.global.color);
    let ctx = match context::Ctx::new(&cli.global) {
        Ok(ctx) => ctx,
        Err(e) => {
            let printer = output::Printer::new(false, false, 0, Some(false));
            let code = output::report(&e, &printer);
            return match cli.command {
                cli::Command::Health(_) => health_unknown(cli.global.json, &e.to_string()),
                _ => code,
            };
        }
    };
    match cmd::dispatch(&ctx, cli.command) {
        Ok(exit) => exit.into(),
        Err(e) => output::report(&e, &ctx.printer),
    }
}

/// Whether a command line clap refused is a `health` one (as far as it can be read), and
/// whether it asked for `--json`.
fn health_command_line() -> Option<bool> {
    let cmd = <cli::Cli as clap::CommandFactory>::command();
    if let Ok(m) = cmd.clone().ignore_errors(true).try_get_matches()
        && let Some(name) = m.subcommand_name()
    {
        return (name == "health")
            .then(|| m.try_get_one::<bool>("json").ok().flatten() == Some(&true));
    }
    // a refused option before the command hides it from clap: the first word that is no
    // option and no option's value names it
    let valued: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.get_action().takes_values())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut words = args.iter();
    while let Some(a) = words.next() {
        if valued.contains(a) {
            words.next();
        } else if !a.starts_with('-') {
            return (a == "health").then(|| args.iter().any(|a| a == "--json"));
        }
    }
    None
}

/// `health`'s UNKNOWN (exit 3) for an error already printed.
fn health_unknown(json: bool, error: &str) -> ExitCode {
    let printer = output::Printer::new(json, false, 0, Some(false));
    cmd::health::unknown(&printer, error)
        .unwrap_or(error::Exit::Monitoring(3))
        .into()
}

/// `tracing` to stderr: warnings by default, more with -v, `JINBAO_LOG` overrides.
fn init_logging(verbose: u8, quiet: bool, color: cli::ColorChoice) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        (_, 2) => "debug",
        _ => "trace",
    };
    let filter = env_vars::get(env_vars::LOG).unwrap_or_else(|| format!("jinbao={level}"));
    // colour in log lines under the same rule as everywhere: a terminal, no NO_COLOR, not dumb
    let ansi = match color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && !env_vars::is_set(env_vars::NO_COLOR)
                && env_vars::get(env_vars::TERM).as_deref() != Some("dumb")
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_ansi(ansi)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(|| ScrubbedStderr)
        .with_target(false)
        .without_time()
        .try_init();
}

/// Log lines pass through `privacy::scrub` like every other output.
struct ScrubbedStderr;

impl std::io::Write for ScrubbedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::io::stderr().write_all(&privacy::scrub_bytes(buf))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
