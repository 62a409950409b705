//! The command line: one `Command` enum, each variant wrapping the `Args` of one command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cmd;
use crate::profile::target::TargetSpec;

/// Provision, roll out, check and report the data centers of the Golden Security Project
/// (金保工程): Henan's province center and its 18 cities, driven by profiles.
#[derive(Debug, Parser)]
#[command(name = "jinbao", version, max_term_width = 100)]
#[command(
    after_help = "Exit codes: 0 success, 1 the operation failed, 2 usage or configuration \
error, 3 changes pending or drift found, 4 blocked (lock, window, approval). `jinbao health` \
uses the monitoring-plugin codes 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Folder with province.toml, cities/ and env/ [default: ./profiles]
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "JINBAO_PROFILES",
        hide_env_values = true
    )]
    pub profiles: Option<PathBuf>,

    /// Environment overlay from <profiles>/env/ [default: sandbox]
    #[arg(long = "env", global = true, value_name = "NAME")]
    pub env: Option<String>,

    /// Override a profile value for this run, as KEY=VALUE (e.g. app.keep_releases=3)
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Folder for journals, locks, histories and the sandbox [default: ./.jinbao]
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "JINBAO_STATE_DIR",
        hide_env_values = true
    )]
    pub state_dir: Option<PathBuf>,

    /// Machine-readable JSON on stdout, nothing else mixed in
    #[arg(long, global = true)]
    pub json: bool,

    /// More detail (repeat for debug logs)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Answer yes to confirmations
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Show ID numbers and names in full (each use is recorded in the audit log)
    #[arg(long, global = true)]
    pub show_personal_data: bool,

    /// When to use colour (NO_COLOR is respected)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show, validate and compare profiles
    #[command(subcommand)]
    Profile(cmd::profile::ProfileCommand),
    /// Connect to every server of the target: reachability, latency and basic facts
    Ping(cmd::ping::PingArgs),
    /// Run a command on every server of the target
    Exec(cmd::exec::ExecArgs),
    /// Build servers from their profile: plan, apply
    #[command(subcommand)]
    Provision(cmd::provision::ProvisionCommand),
    /// Network checks: routes and endpoints from every server
    #[command(subcommand)]
    Net(cmd::net::NetCommand),
    /// Releases of the unified application: pack, inspect
    #[command(subcommand)]
    Release(cmd::release::ReleaseCommand),
    /// Roll a release out city by city, wave by wave
    Rollout(Box<cmd::rollout::RolloutArgs>),
    /// Switch a city back to its previous release
    Rollback(cmd::rollback::RollbackArgs),
    /// What is installed on each server, and which release is current
    Releases(cmd::releases::ReleasesArgs),
    /// Health of servers, services and databases (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)
    Health(cmd::health::HealthArgs),
    /// Where every city stands: milestones, score, release, health, data, schema
    Status(cmd::status::StatusArgs),
    /// The province's assessment as one HTML page, or its table as CSV or Markdown
    Report(cmd::report::ReportArgs),
    /// County data: synth, import, check, compare
    #[command(subcommand)]
    Data(cmd::data::DataCommand),
    /// Databases: init, migrate, status, drift, baseline
    #[command(subcommand)]
    Db(cmd::db::DbCommand),
    /// Locks: who holds what, since when (break one with `rollout unlock`)
    #[command(subcommand)]
    Lock(cmd::lock::LockCommand),
    /// The audit log: every change jinbao made, who made it, when and how it ended
    Audit(cmd::audit::AuditArgs),
    /// Print a shell completion script
    Completions(cmd::completions::CompletionsArgs),
}

/// How commands that reach servers connect.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Hosts worked on at once
    #[arg(long, value_name = "N", default_value_t = crate::fleet::DEFAULT_FORKS)]
    pub forks: usize,

    /// Record the host key of a host missing from known_hosts (a changed key is always refused)
    #[arg(long)]
    pub accept_new_host_keys: bool,
}

/// Which sites a command acts on.
#[derive(Debug, Clone, Default, Args)]
pub struct TargetArgs {
    /// Cities: pinyin, Chinese name or code; several as a comma list
    #[arg(value_name = "CITY")]
    pub cities: Vec<String>,

    /// Every city of a rollout wave (pilot, demonstration, general)
    #[arg(long, value_name = "WAVE")]
    pub wave: Option<String>,

    /// Every city, wave by wave
    #[arg(long)]
    pub all: bool,
}

impl TargetArgs {
    pub fn spec(&self) -> TargetSpec {
        TargetSpec {
            cities: self.cities.clone(),
            wave: self.wave.clone(),
            all: self.all,
            province: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
