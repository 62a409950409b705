//! `jinbao db repair <target> [--version V]`: a migration edited after it was applied stops
//! every later `db migrate`; when the edit is right (a comment, a fix that changes nothing the
//! database holds), repair records the file's checksum as the applied one. It asks first, and
//! each database repaired is a line in the audit log.

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::DbTarget;
use crate::cli::ConfirmArgs;
use crate::context::Ctx;
use crate::db::Account;
use crate::error::{Exit, fail};
use crate::output::Tone;
use crate::profile::Site;
use crate::schema::{self, Mismatch};

#[derive(Debug, Args)]
pub struct RepairArgs {
    #[command(flatten)]
    pub db: DbTarget,
    /// Only this migration [default: every edited one]
    #[arg(long, value_name = "VERSION", value_parser = crate::cli::schema_version)]
    pub version: Option<u32>,
    /// Show what would be re-recorded, change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Re-record without asking (without a terminal, repair needs --yes: it accepts edits
    /// nobody has looked at)
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Serialize)]
struct RepairRow {
    city: String,
    database: String,
    /// The edited migrations: version, file, checksum applied and now.
    edited: Vec<Mismatch>,
    /// Versions whose checksum was re-recorded.
    repaired: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn run(ctx: &Ctx, a: RepairArgs) -> Result<Exit> {
    let sites = a.db.sites(ctx)?;
    if let Some(v) = a.version {
        for site in &sites {
            super::known_version(&super::migrations(ctx, site)?, v)?;
        }
    }
    let mut rows = crate::parallel::map(&sites, a.db.jobs, |site| edited(ctx, site, a.version));
    let count: usize = rows.iter().map(|r| r.edited.len()).sum();
    if count > 0 && !a.dry_run {
        ask(ctx, &a, &rows, count)?;
        for (row, site) in rows.iter_mut().zip(&sites) {
            if row.edited.is_empty() {
                continue;
            }
            if let Err(e) = repair(ctx, site, row) {
                row.error = Some(format!("{e:#}"));
            }
            audit(ctx, row)?;
        }
        super::learn_schema(ctx, &sites, "db repair", &|_| None);
    }
    print(ctx, &rows, a.dry_run)?;
    Ok(if rows.iter().any(|r| r.error.is_some()) {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// The applied migrations of a site whose file changed since (only `only` when given).
fn edited(ctx: &Ctx, site: &Site, only: Option<u32>) -> RepairRow {
    let mut row = RepairRow {
        city: site.pinyin().to_string(),
        database: crate::db::describe(&site.profile),
        edited: Vec::new(),
        repaired: Vec::new(),
        error: None,
    };
    let result = (|| -> Result<Vec<Mismatch>> {
        let migrations = super::migrations(ctx, site)?;
        let mut store = schema::open(&site.profile, Account::ReadOnly)?;
        let s = schema::status(&migrations, &store.applied()?);
        Ok(s.checksum_mismatches
            .into_iter()
            .filter(|m| only.is_none_or(|v| m.version == v))
            .collect())
    })();
    match result {
        Ok(edited) => row.edited = edited,
        Err(e) => row.error = Some(format!("{e:#}")),
    }
    row
}

/// Asks on a terminal; without one, only --yes goes on.
fn ask(ctx: &Ctx, a: &RepairArgs, rows: &[RepairRow], count: usize) -> Result<()> {
    if ctx.yes || a.confirm.yes {
        return Ok(());
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(fail(
            Exit::Usage,
            format!("{count} edited migrations would be re-recorded, and nobody was asked"),
            "look at them with --dry-run, then run again with --yes",
        ));
    }
    print(ctx, rows, true)?;
    if !ctx.confirm(&format!(
        "record the edited files' checksums as applied ({count} migrations)?"
    ))? {
        return Err(fail(Exit::Failure, "nothing repaired", ""));
    }
    Ok(())
}

/// Re-records each edited migration of the site under its migration lock.
fn repair(ctx: &Ctx, site: &Site, row: &mut RepairRow) -> Result<()> {
    let migrations = super::migrations(ctx, site)?;
    let mut store = schema::open(&site.profile, Account::Migrator)?;
    store.lock(std::time::Duration::from_secs(60), &mut |_| {})?;
    let result = (|| -> Result<()> {
        for e in &row.edited {
            let Some(m) = migrations.iter().find(|m| m.version == e.version) else {
                continue;
            };
            if store.repair(m)? {
                row.repaired.push(m.version);
            }
        }
        Ok(())
    })();
    store.unlock();
    result
}

fn audit(ctx: &Ctx, row: &RepairRow) -> Result<()> {
    let what: Vec<String> = row
        .edited
        .iter()
        .map(|e| format!("{}: {} → {}", e.file, short(&e.applied), short(&e.now)))
        .collect();
    crate::state::audit::record(
        ctx.state_dir(),
        crate::state::audit::Entry {
            action: "db repair",
            targets: vec![row.city.clone()],
            what: format!(
                "{}: checksums re-recorded: {}",
                row.database,
                what.join("; ")
            ),
            result: if row.error.is_some() { "failed" } else { "ok" },
            identity: ctx.profiles()?.find(&row.city).map(|s| {
                format!(
                    "database account {}",
                    s.profile.database.roles.migrator.user
                )
            }),
        },
    )?;
    Ok(())
}

fn short(checksum: &str) -> &str {
    checksum.get(..12).unwrap_or(checksum)
}

fn print(ctx: &Ctx, rows: &[RepairRow], dry_run: bool) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        return Ok(p.json(rows)?);
    }
    let mut t = p.table(&["city", "migration", "applied", "now", "result"]);
    for r in rows {
        if let Some(e) = &r.error {
            t.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell("-", Tone::Muted),
                p.cell("", Tone::Plain),
                p.cell("", Tone::Plain),
                p.cell(format!("failed: {e}"), Tone::Bad),
            ]);
        }
        for e in &r.edited {
            let (result, tone) = if r.repaired.contains(&e.version) {
                ("re-recorded", Tone::Good)
            } else if dry_run {
                ("would re-record", Tone::Warn)
            } else {
                ("edited", Tone::Warn)
            };
            t.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(&e.file, Tone::Plain),
                p.cell(short(&e.applied), Tone::Muted),
                p.cell(short(&e.now), Tone::Muted),
                p.cell(result, tone),
            ]);
        }
    }
    if t.row_count() == 0 {
        p.text(format!("no edited migration in {} databases", rows.len()))?;
    } else {
        p.print_table(&t)?;
    }
    Ok(())
}
