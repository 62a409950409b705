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
uses the monitoring-plugin codes 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (its usage errors too).

Examples:
  jinbao profile list                    # the 18 cities: code, name, wave, servers
  jinbao provision plan xuchang --diff   # what would change on Xuchang's servers
  jinbao status                          # where every city stands"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes; `--help` lists them apart, under "Global options".
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Folder with province.toml, cities/ and env/ [default: the project's profiles/, the
    /// project found from the current folder upwards, or JINBAO_HOME]
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
    #[arg(long = "set", global = true, value_name = "KEY=VALUE", value_parser = key_value)]
    pub set: Vec<String>,

    /// Folder for journals, locks, histories and the sandbox [default: the project's .jinbao/]
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "JINBAO_STATE_DIR",
        hide_env_values = true
    )]
    pub state_dir: Option<PathBuf>,

    /// Machine-readable JSON on stdout, nothing else mixed in (docs/json.md)
    #[arg(long, global = true)]
    pub json: bool,

    /// More detail (repeat for debug logs)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Answer yes to confirmations. Given before the command for scripts written when every
    /// command took it; the commands that ask take `--yes` themselves.
    #[arg(short = 'y', long, hide = true)]
    pub yes: bool,

    /// Show ID numbers and names in full (each use is recorded in the audit log)
    #[arg(long, global = true)]
    pub show_personal_data: bool,

    /// When to use colour (NO_COLOR and TERM=dumb are respected)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// `--yes`, on the commands that ask before they change something.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfirmArgs {
    /// Answer yes to the confirmation (nothing is asked when stdin is not a terminal: the
    /// command then stops unless --yes is given)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// `--set KEY=VALUE`: the `=` is required, the key must be a dotted profile key.
fn key_value(text: &str) -> Result<String, String> {
    let Some((key, _)) = text.split_once('=') else {
        return Err(format!(
            "`{text}` has no value: write KEY=VALUE (e.g. app.keep_releases=3)"
        ));
    };
    let key = key.trim();
    let word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !key.split('.').all(word) {
        return Err(format!(
            "`{key}` is not a profile key: write KEY=VALUE with a dotted key (e.g. app.keep_releases=3)"
        ));
    }
    Ok(text.to_string())
}

/// A count of things done at once, or of things wanted: a whole number, 1 or more.
pub fn count(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("expected a whole number of at least 1, not 0".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "expected a whole number of at least 1, not `{text}`"
        )),
    }
}

/// A whole number, 0 or more (a seed, a tolerance).
pub fn whole(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| format!("expected a whole number (0 or more), not `{text}`"))
}

/// A share: a number from 0 to 1 (0.01 is one in a hundred).
pub fn share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "expected a share from 0 to 1 (e.g. 0.01 for one in a hundred), not `{text}`"
        )),
    }
}

/// A schema version: `8`, `V8` or `V008`.
pub fn schema_version(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let digits = t.strip_prefix(['V', 'v']).unwrap_or(t);
    match digits.parse::<u32>() {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!(
            "expected a schema version such as 8 or V008, not `{text}`"
        )),
    }
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
    #[command(
        subcommand,
        after_help = "Examples:
  jinbao profile list                  # the 18 cities: code, name, wave, servers, database
  jinbao profile show 许昌 --origin     # Xuchang's effective profile, and where each value comes from
  jinbao profile validate              # every profile; exit 2 with every error, file:line:col"
    )]
    Profile(cmd::profile::ProfileCommand),
    /// Connect to every server of the target: reachability, latency and basic facts
    #[command(after_help = "Examples:
  jinbao ping --wave pilot             # every pilot server: latency, OS, CPUs, memory, disk
  jinbao ping xuchang --role app       # only Xuchang's application servers
  jinbao ping --all --jobs 100 --json  # every server, 100 at once, for a script")]
    Ping(cmd::ping::PingArgs),
    /// Run a command on every server of the target
    #[command(after_help = "Examples:
  jinbao exec xuchang --role app -- uptime
  jinbao exec --wave pilot --timeout 30s -- df -h /opt
  jinbao exec hebi --json -- systemctl is-active jinbao-unified")]
    Exec(cmd::exec::ExecArgs),
    /// Build servers from their profile: plan, apply
    #[command(
        subcommand,
        after_help = "Examples:
  jinbao provision plan xuchang --diff           # what would change (exit 3 if anything)
  jinbao provision plan --wave pilot --out p.json
  jinbao provision apply p.json                  # exactly that plan, refused where servers moved"
    )]
    Provision(cmd::provision::ProvisionCommand),
    /// Network checks: routes and endpoints from every server
    #[command(
        subcommand,
        after_help = "Examples:
  jinbao net check hebi                # routes and endpoints, seen from every Hebi server
  jinbao net check --all --json"
    )]
    Net(cmd::net::NetCommand),
    /// Releases of the unified application: pack, inspect
    #[command(
        subcommand,
        after_help = "Examples:
  jinbao release pack examples/unified-app --version 1.1.0 --out releases
  jinbao release inspect releases/jinbao-unified-1.1.0.tar.gz"
    )]
    Release(cmd::release::ReleaseCommand),
    /// Roll a release out city by city, wave by wave
    #[command(after_help = "Examples:
  jinbao rollout releases/jinbao-unified-1.1.0.tar.gz --all   # pilots first, pauses between waves
  jinbao rollout examples/unified-app xuchang --provision --migrate
  jinbao rollout --resume                                     # go on after a pause or a stop")]
    Rollout(Box<cmd::rollout::RolloutArgs>),
    /// Switch a city back to its previous release
    #[command(after_help = "Examples:
  jinbao rollback zhoukou              # back to the release installed before the current one
  jinbao rollback zhoukou --to 1.0.0   # back to 1.0.0 (it must still be installed)")]
    Rollback(cmd::rollback::RollbackArgs),
    /// What is installed on each server, and which release is current
    #[command(after_help = "Examples:
  jinbao releases --wave pilot         # what each pilot server has, and what is current
  jinbao releases xuchang --json")]
    Releases(cmd::releases::ReleasesArgs),
    /// Health of servers, services and databases (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)
    #[command(
        after_help = "Exit codes (monitoring plugins): 0 OK, 1 WARNING, 2 CRITICAL, \
3 UNKNOWN, also for usage errors (a wrong flag, value or city): nothing could be checked.

Examples:
  jinbao health xuchang                # the morning inspection of Xuchang
  jinbao health --only disk,memory --all
  jinbao health hebi --format nagios   # one monitoring-plugin line with performance data"
    )]
    Health(cmd::health::HealthArgs),
    /// Where every city stands: milestones, score, release, health, data, schema
    #[command(after_help = "Examples:
  jinbao status                        # the province-wide picture, cities needing attention first
  jinbao status hebi --explain         # Hebi's score criterion by criterion
  jinbao status --offline --json       # only what the state folder holds, for a script")]
    Status(cmd::status::StatusArgs),
    /// The province's assessment as one HTML page, or its table as CSV or Markdown
    #[command(after_help = "Examples:
  jinbao report --out report.html      # one self-contained page to mail around
  jinbao report --wave pilot --format markdown")]
    Report(cmd::report::ReportArgs),
    /// County data: synth, import, check, compare, progress
    #[command(
        subcommand,
        after_help = "Examples:
  jinbao data synth hebi --persons 10000 --defects 0.01 --out extracts
  jinbao data import hebi --county 410602 extracts/410602
  jinbao data check hebi               # data-quality rules, run inside the database"
    )]
    Data(cmd::data::DataCommand),
    /// Databases: init, migrate, status, drift, baseline, repair
    #[command(
        subcommand,
        after_help = "Examples:
  jinbao db migrate --all --province   # every database to the newest schema
  jinbao db status --wave pilot        # current version, pending, checksums
  jinbao db drift xuchang              # live schema against the migrations (exit 3 on drift)"
    )]
    Db(cmd::db::DbCommand),
    /// Locks: who holds what, since when (break one with `rollout unlock`)
    #[command(
        subcommand,
        after_help = "Examples:
  jinbao lock status                   # this controller's locks
  jinbao lock status --wave pilot      # and the city locks on the pilots' servers"
    )]
    Lock(cmd::lock::LockCommand),
    /// The audit log: every change jinbao made, who made it, when and how it ended
    #[command(after_help = "Examples:
  jinbao audit --since 7d              # the last week
  jinbao audit zhoukou --json          # every record about Zhoukou, for a script")]
    Audit(cmd::audit::AuditArgs),
    /// Print a shell completion script
    #[command(after_help = "Examples:
  jinbao completions bash              # e.g. into /etc/bash_completion.d/jinbao
  jinbao completions zsh               # e.g. into a folder of your $fpath, as _jinbao")]
    Completions(cmd::completions::CompletionsArgs),
}

/// How commands that reach servers connect. `--jobs` counts servers here, as everywhere a
/// command's own units are servers (`--forks` is its old name, still taken).
/// Which servers a command works on: a target's, or only those of one role.
#[derive(Debug, Clone, Default, Args)]
pub struct ServersArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Only servers with this role (db, app, web, gateway)
    #[arg(long)]
    pub role: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Servers worked on at once
    #[arg(short = 'j', long = "jobs", alias = "forks", value_name = "N",
          default_value_t = crate::fleet::DEFAULT_FORKS, value_parser = count)]
    pub forks: usize,

    /// Record the host key of a host missing from known_hosts (a changed key is always refused)
    #[arg(long)]
    pub accept_new_host_keys: bool,
}

/// How `rollout` connects: its `--jobs` counts cities, so the servers worked on at once across
/// the whole run are `--host-jobs` (`--forks` is its old name, still taken).
#[derive(Debug, Clone, Args)]
pub struct RolloutConnectArgs {
    /// Servers worked on at once across the whole run
    #[arg(long = "host-jobs", alias = "forks", value_name = "N",
          default_value_t = crate::fleet::DEFAULT_FORKS, value_parser = count)]
    pub forks: usize,

    /// Record the host key of a host missing from known_hosts (a changed key is always refused)
    #[arg(long)]
    pub accept_new_host_keys: bool,
}

impl RolloutConnectArgs {
    /// The same settings as the server commands take them (for `Ctx::fleet`).
    pub fn as_connect(&self) -> ConnectArgs {
        ConnectArgs {
            forks: self.forks,
            accept_new_host_keys: self.accept_new_host_keys,
        }
    }
}

/// Which sites a command acts on: cities, or a wave, or all of them — one of the three.
#[derive(Debug, Clone, Default, Args)]
pub struct TargetArgs {
    /// Cities: pinyin, Chinese name or code; several as a comma list
    #[arg(value_name = "CITY", conflicts_with_all = ["wave", "all"])]
    pub cities: Vec<String>,

    /// Every city of a rollout wave (pilot, demonstration, general)
    #[arg(long, value_name = "WAVE", conflicts_with = "all")]
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
