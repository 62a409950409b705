//! `jinbao db restore CITY [--backup ID | --time T | --before-run RUN] [--into NAME |
//! --in-place]`: by default into a new database beside the live one, nothing replaced, so
//! rows can be compared and copied back; `--in-place` replaces the live database after a
//! question (or `--yes`), inside the city's maintenance window, keeping the live one as a
//! backup first, and is audited.

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Args;
use serde::Serialize;

use crate::backup::{self, Point};
use crate::cli::ConfirmArgs;
use crate::context::Ctx;
use crate::error::{Exit, fail};
use crate::profile::target::TargetSpec;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The city whose database is restored
    #[arg(value_name = "CITY")]
    pub city: String,
    /// This backup, an id `jinbao db backups CITY` lists [default: the latest]
    #[arg(long, value_name = "ID", conflicts_with_all = ["time", "before_run"])]
    pub backup: Option<String>,
    /// The database as it was at this time, e.g. "2026-12-03 14:30" (+08:00) or RFC 3339
    /// (PostgreSQL; an SQLite database has backup points only)
    #[arg(long, value_name = "TIME", value_parser = point_in_time, conflicts_with = "before_run")]
    pub time: Option<DateTime<Utc>>,
    /// The restore point the rollout run RUN took before it changed anything
    #[arg(long, value_name = "RUN")]
    pub before_run: Option<String>,
    /// Into a new database of this name beside the live one [default: CITY_restored_ID]
    #[arg(long, value_name = "NAME", conflicts_with = "in_place")]
    pub into: Option<String>,
    /// Replace the live database (asks first; inside the maintenance window; audited)
    #[arg(long)]
    pub in_place: bool,
    /// Replace it outside the maintenance window, recording why
    #[arg(long, value_name = "REASON", requires = "in_place")]
    pub override_window: Option<String>,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
    #[command(flatten)]
    pub connect: crate::cli::ConnectArgs,
}

#[derive(Serialize)]
struct Restored {
    city: String,
    backup: String,
    taken_at: DateTime<Utc>,
    in_place: bool,
    /// The new database (`--into`).
    #[serde(skip_serializing_if = "Option::is_none")]
    into: Option<String>,
    /// What `data compare --source` takes to compare the new database with the live one.
    #[serde(skip_serializing_if = "Option::is_none")]
    compare_source: Option<String>,
    /// The backup of the live database kept before it was replaced (`--in-place`).
    #[serde(skip_serializing_if = "Option::is_none")]
    kept: Option<String>,
    /// With `--in-place`: the servers whose application was stopped for the restore and
    /// started again (`city/server`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    restarted: Vec<String>,
    tables: usize,
    rows: i64,
}

pub fn run(ctx: &Ctx, a: RestoreArgs) -> Result<Exit> {
    let sites = ctx.select(&TargetSpec {
        cities: vec![a.city.clone()],
        ..TargetSpec::default()
    })?;
    let [site] = sites.as_slice() else {
        return Err(fail(
            Exit::Usage,
            "db restore restores one city at a time",
            "name one city",
        ));
    };
    let p = &site.profile;
    let point = match (&a.backup, a.time, &a.before_run) {
        (Some(id), _, _) => Point::Id(id.clone()),
        (_, Some(t), _) => Point::Time(t),
        // the run's journal names the restore point it took before anything changed; a
        // resumed run took another, later one, which never stands in for it
        (_, _, Some(run)) => match journal_restore_point(ctx, site.pinyin(), run) {
            Some(id) => Point::Id(id),
            None => Point::BeforeRun(run.clone()),
        },
        _ => Point::Latest,
    };
    let store = backup::store(ctx.profiles()?, site, ctx.printer.progress());
    let b = store
        .find(p, ctx.state_dir(), &point)
        .map_err(|e| match (&point, e) {
            (Point::Id(id), backup::BackupError::NotFound { city, .. })
                if a.before_run.is_some() =>
            {
                backup::BackupError::NotFound {
                    city,
                    what: format!(
                        "{id}: the restore point run {} took is no longer kept (backup.keep)",
                        a.before_run.as_deref().unwrap_or_default()
                    ),
                }
            }
            (_, e) => e,
        })?;
    let mut out = Restored {
        city: site.pinyin().to_string(),
        backup: b.id.clone(),
        taken_at: b.taken_at,
        in_place: a.in_place,
        into: None,
        compare_source: None,
        kept: None,
        restarted: Vec::new(),
        tables: b.tables.len(),
        rows: b.tables.values().sum(),
    };
    if a.in_place {
        ctx.window_gate(&sites, a.override_window.as_deref(), "db restore")?;
        ask(ctx, &a, &b)?;
        // the application stopped while its database is replaced, started again after
        let fleet = crate::fleet::Fleet::of_sites(
            &sites,
            None,
            |_| true,
            a.connect.forks,
            a.connect.accept_new_host_keys,
        );
        let stopped = stop_app(ctx, &fleet, site)?;
        let result = store.restore_in_place(p, ctx.state_dir(), &b);
        let not_started = start_app(ctx, &fleet, site, &stopped);
        out.restarted = stopped
            .iter()
            .map(|i| fleet.host(*i).label().to_string())
            .collect();
        audit(
            ctx,
            site.pinyin(),
            format!(
                "{} replaced by backup {}{}",
                crate::db::describe(p),
                b.id,
                match &result {
                    Ok(Some(k)) => format!(" (the live one kept as backup {})", k.id),
                    Ok(None) => " (there was no live database)".to_string(),
                    Err(e) => format!(": {e}"),
                }
            ),
            result.is_ok(),
        )?;
        out.kept = result?.map(|k| k.id);
        if !not_started.is_empty() {
            print(ctx, &out)?;
            return Err(fail(
                Exit::Failure,
                format!(
                    "restored, but the application did not start again on {}",
                    not_started.join("; ")
                ),
                format!("jinbao health {}", site.pinyin()),
            ));
        }
    } else {
        let name = a.into.clone().unwrap_or_else(|| {
            format!(
                "{}_restored_{}",
                site.pinyin(),
                b.id.to_lowercase().replace('-', "_")
            )
        });
        ctx.audit_gate("db restore")?;
        let result = store.restore_into(p, ctx.state_dir(), &b, &name);
        audit(
            ctx,
            site.pinyin(),
            match &result {
                Ok(into) => format!("backup {} restored into {}", b.id, into.place),
                Err(e) => format!("backup {} not restored into {name}: {e}", b.id),
            },
            result.is_ok(),
        )?;
        let into = result?;
        out.tables = into.tables.len();
        out.rows = into.tables.values().sum();
        out.into = Some(into.place);
        out.compare_source = Some(into.source);
    }
    print(ctx, &out)?;
    Ok(Exit::Success)
}

/// Stops the application on the city's servers; where one cannot be stopped, those stopped
/// are started again and nothing is restored. The servers stopped.
fn stop_app(
    ctx: &Ctx,
    fleet: &crate::fleet::Fleet,
    site: &crate::profile::Site,
) -> Result<Vec<usize>> {
    use crate::release::service;
    let results = service::stop(fleet, &site.profile, ctx.printer.progress());
    let stopped: Vec<usize> = results
        .iter()
        .filter(|r| r.result.is_ok())
        .map(|r| r.index)
        .collect();
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| {
            r.result
                .as_ref()
                .err()
                .map(|e| format!("{}: {e}", fleet.host(r.index).label()))
        })
        .collect();
    if failed.is_empty() {
        return Ok(stopped);
    }
    let again = start_app(ctx, fleet, site, &stopped);
    Err(fail(
        Exit::Failure,
        format!(
            "the application could not be stopped on {}: nothing was restored{}",
            failed.join("; "),
            if again.is_empty() {
                String::new()
            } else {
                format!(", and it did not start again on {}", again.join("; "))
            }
        ),
        format!("jinbao health {}", site.pinyin()),
    ))
}

/// Starts the application again where it was stopped; the servers where it did not start.
fn start_app(
    ctx: &Ctx,
    fleet: &crate::fleet::Fleet,
    site: &crate::profile::Site,
    stopped: &[usize],
) -> Vec<String> {
    crate::release::service::start(fleet, stopped, &site.profile, ctx.printer.progress())
        .into_iter()
        .filter_map(|r| {
            r.result
                .err()
                .map(|e| format!("{}: {e}", fleet.host(r.index).label()))
        })
        .collect()
}

/// The first restore point the rollout run `run` took for `city`, as its journal says.
fn journal_restore_point(ctx: &Ctx, city: &str, run: &str) -> Option<String> {
    use crate::release::journal::{self, EventKind};
    if !journal::valid_run_id(run) {
        return None;
    }
    journal::read(ctx.state_dir(), run)
        .ok()?
        .into_iter()
        .find_map(|e| match e.kind {
            EventKind::Step {
                city: c,
                step,
                ok: true,
                detail,
                ..
            } if c == city && step == "restore-point" && !detail.starts_with("none") => {
                Some(detail)
            }
            _ => None,
        })
}

/// Asks on a terminal; without one, only --yes replaces a live database.
fn ask(ctx: &Ctx, a: &RestoreArgs, b: &backup::Backup) -> Result<()> {
    if ctx.yes || a.confirm.yes {
        return Ok(());
    }
    let what = format!(
        "replace {}'s live database with backup {} (taken {})",
        a.city,
        b.id,
        crate::clock::shown(&b.taken_at)
    );
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(fail(
            Exit::Usage,
            format!("db restore --in-place would {what}, and nobody was asked"),
            "restore --into a new database to look first, or run again with --yes",
        ));
    }
    if !ctx.confirm(&format!("{what}? (the live one is kept as a backup first)"))? {
        return Err(fail(Exit::Failure, "nothing restored", ""));
    }
    Ok(())
}

fn audit(ctx: &Ctx, city: &str, what: String, ok: bool) -> Result<()> {
    crate::state::audit::record(
        ctx.state_dir(),
        crate::state::audit::Entry {
            action: "db restore",
            targets: vec![city.to_string()],
            what,
            result: if ok { "ok" } else { "failed" },
            identity: None,
        },
    )?;
    Ok(())
}

fn print(ctx: &Ctx, r: &Restored) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        return Ok(p.json(r)?);
    }
    // a point in time has no record to hold the rows against: they were counted after it
    let counted = format!(
        "{} in {}, {}",
        crate::numbers::plural(r.rows as usize, "row"),
        crate::numbers::plural(r.tables, "table"),
        if r.backup.starts_with("time-") {
            "as counted in it"
        } else {
            "as the backup recorded"
        }
    );
    match (&r.into, &r.kept) {
        (Some(into), _) => p.text(format!(
            "{}: backup {} restored into {into} ({counted}); the live database is untouched\n\
             compare: jinbao data compare {} --county COUNTY --source {}",
            r.city,
            r.backup,
            r.city,
            r.compare_source.as_deref().unwrap_or(into)
        ))?,
        (_, Some(kept)) => p.text(format!(
            "{}: the live database is now backup {} ({counted}); what it held before is backup {kept}",
            r.city, r.backup
        ))?,
        (_, None) => p.text(format!(
            "{}: the live database, which was gone, is now backup {} ({counted})",
            r.city, r.backup
        ))?,
    }
    Ok(())
}

/// `--time`: RFC 3339, or a date and time in the province's zone.
fn point_in_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return naive
                .and_local_timezone(crate::clock::province_zone())
                .single()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| format!("`{text}`: not a single point in time"));
        }
    }
    Err(format!(
        "`{text}`: write a time like \"2026-12-03 14:30\" (+08:00) or 2026-12-03T14:30:00+08:00"
    ))
}
