//! `jinbao db init|migrate|status|drift|baseline`: the unified data platform's databases.

mod backup;
mod baseline;
mod drift;
mod drill;
mod init;
mod migrate;
mod repair;
mod restore;
pub mod status;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::cli::TargetArgs;
use crate::context::Ctx;
use crate::error::Exit;
use crate::profile::Site;
use crate::profile::target::TargetSpec;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create each database if missing, with its migrator, application and read-only roles
    #[command(after_help = "Examples:
  jinbao db init --all --province      # every database and its roles
  jinbao --env testbed db init xuchang")]
    Init(DbTarget),
    /// Apply pending migrations in order, each in its own transaction
    #[command(after_help = "Examples:
  jinbao db migrate --all --province   # every database to the newest schema
  jinbao db migrate xuchang --dry-run  # print the SQL that would run
  jinbao db migrate hebi --to 5        # stop at V005")]
    Migrate(migrate::MigrateArgs),
    /// One row per database: current version, pending migrations, checksum problems
    #[command(after_help = "Examples:
  jinbao db status --wave pilot
  jinbao db status --all --province --json")]
    Status(DbTarget),
    /// Compare the live schema with what the migrations produce; exit 3 on drift
    #[command(after_help = "Examples:
  jinbao db drift xuchang              # exit 3 and the differences when someone changed it by hand
  jinbao db drift --all --json")]
    Drift(DbTarget),
    /// Adopt a database that already has the schema: record migrations as applied
    #[command(after_help = "Examples:
  jinbao db baseline kaifeng --to 8    # the live schema must be what V001..V008 make
  jinbao db baseline kaifeng --to 8 --force")]
    Baseline(baseline::BaselineArgs),
    /// Accept a migration edited after it was applied: record its file's checksum (asks
    /// first; audited)
    #[command(after_help = "Examples:
  jinbao db repair zhoukou --dry-run   # which applied migrations were edited since
  jinbao db repair zhoukou --version 5 # re-record V005's checksum, after asking
  jinbao db repair --all --yes         # every edited one, without asking")]
    Repair(repair::RepairArgs),
    /// Back up each city database now (SQLite: into the state folder; every table's rows
    /// counted in the same picture)
    #[command(after_help = "Examples:
  jinbao db backup hebi
  jinbao db backup --all --json")]
    Backup(DbTarget),
    /// List a city's backups: time, type, reason, size, schema, rows, whether a drill
    /// verified them
    #[command(after_help = "Examples:
  jinbao db backups hebi
  jinbao db backups --wave pilot --json")]
    Backups(TargetArgs),
    /// Restore a backup: into a new database beside the live one (default), or in place
    /// after a question (audited; the live one is kept as a backup first)
    #[command(after_help = "Examples:
  jinbao db restore hebi                          # the latest backup, into hebi_restored_<id>
  jinbao db restore hebi --before-run 20261203T0930Z-1a2b --into hebi_before
  jinbao db restore hebi --backup 20261203T120000Z --in-place --yes")]
    Restore(restore::RestoreArgs),
    /// Restore each city's latest backup into a scratch database and check it against what
    /// was counted when it was taken; the live database is never touched
    #[command(after_help = "Examples:
  jinbao db drill hebi
  jinbao db drill --all --json")]
    Drill(DbTarget),
}

/// A target of the database commands: cities as usual, and the province center.
#[derive(Debug, Clone, Args)]
pub struct DbTarget {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The province center's database (`jinbao_province`)
    #[arg(long)]
    pub province: bool,
    /// Databases worked on at once
    #[arg(short = 'j', long, value_name = "N", default_value_t = crate::parallel::DEFAULT_JOBS,
          value_parser = crate::cli::count)]
    pub jobs: usize,
}

impl DbTarget {
    pub fn sites<'c>(&self, ctx: &'c Ctx) -> Result<Vec<&'c Site>> {
        let spec = TargetSpec {
            province: self.province,
            ..self.target.spec()
        };
        ctx.select(&spec)
    }
}

pub fn run(ctx: &Ctx, command: DbCommand) -> Result<Exit> {
    match command {
        DbCommand::Init(t) => init::run(ctx, t),
        DbCommand::Migrate(a) => migrate::run(ctx, a),
        DbCommand::Status(t) => status::run(ctx, t),
        DbCommand::Drift(t) => drift::run(ctx, t),
        DbCommand::Baseline(a) => baseline::run(ctx, a),
        DbCommand::Repair(a) => repair::run(ctx, a),
        DbCommand::Backup(t) => backup::take(ctx, t),
        DbCommand::Backups(t) => backup::list(ctx, t),
        DbCommand::Restore(a) => restore::run(ctx, a),
        DbCommand::Drill(t) => drill::run(ctx, t),
    }
}

/// The migrations of the site's engine, from the profiles' templates folder.
pub fn migrations(ctx: &Ctx, site: &Site) -> Result<Vec<crate::schema::Migration>> {
    Ok(crate::schema::of_engine(
        &ctx.profiles()?.templates_dir,
        site.profile.database.engine,
    )?)
}

/// `--to V` names a migration that exists: a version past the newest (or between files) is
/// refused, never read as "the newest".
pub fn known_version(migrations: &[crate::schema::Migration], to: u32) -> Result<()> {
    if migrations.iter().any(|m| m.version == to) {
        return Ok(());
    }
    let versions: Vec<String> = migrations
        .iter()
        .map(|m| format!("V{:03}", m.version))
        .collect();
    let newest = versions.last().cloned().unwrap_or_else(|| "none".into());
    Err(crate::error::usage(
        format!("there is no migration V{to:03} (the newest is {newest})"),
        format!("migrations: {}", versions.join(", ")),
    ))
}

/// `user@host as role`, recorded in the history.
pub fn installed_by(site: &Site) -> String {
    let me = crate::operator::operator();
    match crate::db::role(&site.profile, crate::db::Account::Migrator) {
        Some(role) => format!("{me} as {role}"),
        None => me,
    }
}

/// Tells the assessment where each site's schema stands now (and, from `db drift`, whether it
/// drifted).
pub fn learn_schema(ctx: &Ctx, sites: &[&Site], by: &str, drift: &dyn Fn(&str) -> Option<bool>) {
    ctx.tell_assessment(|profiles, state| {
        crate::assess::learn::after_schema(profiles, state, sites, by, drift)
    });
}
