//! `jinbao db migrate <target> [--dry-run] [--to VERSION]`: cities in parallel, each city's
//! migrations in order, each in its own transaction, under the database's migration lock.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::Args;
use serde::Serialize;

use super::DbTarget;
use crate::context::Ctx;
use crate::db::Account;
use crate::error::Exit;
use crate::output::Tone;
use crate::profile::Site;
use crate::schema::{self, Migration};

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub db: DbTarget,
    /// Print the SQL that would run, run nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Stop at this version (default: the latest)
    #[arg(long, value_name = "VERSION", value_parser = crate::cli::schema_version)]
    pub to: Option<u32>,
    /// How long to wait for another migration run holding the lock
    #[arg(long, value_parser = humantime::parse_duration, default_value = "10m")]
    pub lock_wait: Duration,
    /// Migrate even when no backup can be taken first, for this reason (audited)
    #[arg(long, value_name = "REASON")]
    pub no_restore_point: Option<String>,
}

#[derive(Serialize)]
pub struct MigrateRow {
    pub city: String,
    pub engine: &'static str,
    pub database: String,
    pub from: Option<u32>,
    pub to: Option<u32>,
    pub applied: Vec<u32>,
    pub ms: u128,
    /// up-to-date, migrated, would-migrate, failed
    pub result: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sql: Vec<PendingSql>,
    /// The backup taken before the first migration (`jinbao db restore CITY --backup ID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_point: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct PendingSql {
    pub version: u32,
    pub file: String,
    pub sql: String,
}

pub fn run(ctx: &Ctx, args: MigrateArgs) -> Result<Exit> {
    let sites = args.db.sites(ctx)?;
    if !args.dry_run {
        ctx.audit_gate("db migrate")?;
    }
    if let Some(to) = args.to {
        for site in &sites {
            super::known_version(&super::migrations(ctx, site)?, to)?;
        }
    }
    let rows = crate::parallel::map(&sites, args.db.jobs, |site| {
        let start = Instant::now();
        let mut row = MigrateRow {
            city: site.pinyin().to_string(),
            engine: site.profile.database.engine.as_str(),
            database: crate::db::describe(&site.profile),
            from: None,
            to: None,
            applied: Vec::new(),
            ms: 0,
            result: "failed",
            sql: Vec::new(),
            restore_point: None,
            error: None,
        };
        if let Err(e) = migrate_site(ctx, site, &args, &mut row) {
            row.error = Some(format!("{e:#}"));
            row.result = "failed";
        }
        row.ms = start.elapsed().as_millis();
        row
    });
    if !args.dry_run {
        for r in rows
            .iter()
            .filter(|r| !r.applied.is_empty() || r.error.is_some())
        {
            let v = |x: Option<u32>| x.map_or("none".to_string(), |v| format!("V{v:03}"));
            crate::state::audit::record(
                ctx.state_dir(),
                crate::state::audit::Entry {
                    action: "db migrate",
                    targets: vec![r.city.clone()],
                    what: format!("{}: {} → {}", r.database, v(r.from), v(r.to)),
                    result: if r.error.is_some() { "failed" } else { "ok" },
                    identity: ctx.profiles()?.find(&r.city).map(|s| {
                        format!(
                            "database account {}",
                            s.profile.database.roles.migrator.user
                        )
                    }),
                },
            )?;
        }
        super::learn_schema(ctx, &sites, "db migrate", &|_| None);
    }
    print(ctx, &rows, args.dry_run)?;
    Ok(if rows.iter().any(|r| r.error.is_some()) {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// Migrates one site (or, with --dry-run, says what would run), filling `row`.
pub fn migrate_site(
    ctx: &Ctx,
    site: &Site,
    args: &MigrateArgs,
    row: &mut MigrateRow,
) -> Result<()> {
    let migrations = super::migrations(ctx, site)?;
    let wanted: Vec<&Migration> = migrations
        .iter()
        .filter(|m| args.to.is_none_or(|to| m.version <= to))
        .collect();
    let mut store = schema::open(&site.profile, Account::Migrator)?;
    if !args.dry_run {
        let city = site.pinyin().to_string();
        store.lock(args.lock_wait, &mut |holder| {
            ctx.printer.note(format!(
                "{city}: waiting for the migration lock, held by {holder}"
            ));
        })?;
    }
    let result = (|| -> Result<()> {
        let applied = store.applied()?;
        let status = schema::status(&migrations, &applied);
        row.from = status.current;
        row.to = status.current;
        if let Some(m) = status.checksum_mismatches.first() {
            bail!(
                "migration {} was edited after it was applied (checksum {} in the history, {} now): \
                 restore the file, write a new migration for the change, or accept the edit \
                 with `jinbao db repair {}`",
                m.file,
                &m.applied[..12],
                &m.now[..12],
                site.pinyin()
            );
        }
        let pending: Vec<&&Migration> = wanted
            .iter()
            .filter(|m| status.pending.contains(&m.version))
            .collect();
        if pending.is_empty() {
            row.result = "up-to-date";
            return Ok(());
        }
        if args.dry_run {
            row.result = "would-migrate";
            row.to = pending.last().map(|m| m.version);
            row.sql = pending
                .iter()
                .map(|m| PendingSql {
                    version: m.version,
                    file: m.file.clone(),
                    sql: m.sql.clone(),
                })
                .collect();
            return Ok(());
        }
        if status.current.is_some() {
            row.restore_point = restore_point(ctx, site, args)?;
        }
        let by = super::installed_by(site);
        for m in pending {
            store.apply(m, &by)?;
            row.applied.push(m.version);
            row.to = Some(m.version);
        }
        row.result = "migrated";
        Ok(())
    })();
    if !args.dry_run {
        store.unlock();
    }
    result
}

/// A backup of the database before its first migration; a database that cannot be backed up
/// is not migrated, unless `--no-restore-point` says why (audited). Where jinbao does not
/// back up the engine yet, a warning says there is no restore point.
fn restore_point(ctx: &Ctx, site: &Site, args: &MigrateArgs) -> Result<Option<String>> {
    use crate::backup::{self, BackupError, Reason};
    let store = backup::store(ctx.profiles()?, site, ctx.printer.progress());
    match store.restore_point(&site.profile, ctx.state_dir(), Reason::BeforeMigrate) {
        Ok(b) => Ok(Some(b.id)),
        Err(e @ BackupError::NotSetUp { .. }) => {
            ctx.printer
                .warn(format!("no restore point before the migration: {e}"));
            Ok(None)
        }
        Err(e) => match &args.no_restore_point {
            Some(reason) => {
                crate::state::audit(
                    ctx.state_dir(),
                    "db migrate",
                    &[site.pinyin()],
                    &format!("migrated without a restore point ({e}): {reason}"),
                )?;
                ctx.printer.warn(format!(
                    "{}: migrating without a restore point ({reason}): {e}",
                    site.pinyin()
                ));
                Ok(None)
            }
            None => Err(anyhow::Error::new(e).context(format!(
                "{}: no migration without a restore point (after fixing the backup, run again; \
                 or --no-restore-point REASON, audited)",
                site.pinyin()
            ))),
        },
    }
}

fn print(ctx: &Ctx, rows: &[MigrateRow], dry_run: bool) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        p.json(rows)?;
        return Ok(());
    }
    if dry_run {
        for r in rows.iter().filter(|r| !r.sql.is_empty()) {
            for s in &r.sql {
                p.text(format!(
                    "-- {} ({}): {}\n{}",
                    r.city,
                    r.database,
                    s.file,
                    s.sql.trim_end()
                ))?;
            }
        }
    }
    let mut t = p.table(&[
        "city", "engine", "database", "from", "to", "applied", "time", "result",
    ]);
    let v = |x: Option<u32>| x.map_or("-".to_string(), |v| format!("V{v:03}"));
    for r in rows {
        let tone = match r.result {
            "failed" => Tone::Bad,
            "migrated" | "would-migrate" => Tone::Warn,
            _ => Tone::Good,
        };
        let result = match &r.error {
            Some(e) => format!("failed: {e}"),
            None => r.result.to_string(),
        };
        t.add_row(vec![
            p.cell(&r.city, Tone::Plain),
            p.cell(r.engine, Tone::Muted),
            p.cell(&r.database, Tone::Muted),
            p.cell(v(r.from), Tone::Plain),
            p.cell(v(r.to), Tone::Plain),
            p.cell(r.applied.len(), Tone::Plain),
            p.cell(format!("{} ms", r.ms), Tone::Muted),
            p.cell(result, tone),
        ]);
    }
    p.print_table(&t)?;
    Ok(())
}
