//! `jinbao db backup <target>` takes a backup of each city database now; `jinbao db backups
//! CITY` lists a city's backups and whether a drill verified them.

use anyhow::Result;
use serde::Serialize;

use super::DbTarget;
use crate::backup::{self, Backup, Reason};
use crate::cli::TargetArgs;
use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;

#[derive(Serialize)]
struct TakenRow {
    city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup: Option<Backup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn take(ctx: &Ctx, t: DbTarget) -> Result<Exit> {
    let sites = t.sites(ctx)?;
    ctx.audit_gate("db backup")?;
    let profiles = ctx.profiles()?;
    let rows = crate::parallel::map(&sites, t.jobs, |site| {
        let store = backup::store(profiles, site, ctx.printer.progress());
        match store.take(&site.profile, ctx.state_dir(), Reason::ByHand) {
            Ok(b) => TakenRow {
                city: site.pinyin().to_string(),
                backup: Some(b),
                error: None,
            },
            Err(e) => TakenRow {
                city: site.pinyin().to_string(),
                backup: None,
                error: Some(with_hint(&e)),
            },
        }
    });
    for r in &rows {
        let what = match (&r.backup, &r.error) {
            (Some(b), _) => format!("backup {} ({})", b.id, size(b.size_bytes)),
            (_, Some(e)) => e.clone(),
            _ => String::new(),
        };
        crate::state::audit::record(
            ctx.state_dir(),
            crate::state::audit::Entry {
                action: "db backup",
                targets: vec![r.city.clone()],
                what,
                result: if r.error.is_some() { "failed" } else { "ok" },
                identity: None,
            },
        )?;
    }
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
    } else {
        let mut t = p.table(&["city", "backup", "size", "schema", "rows", "time", "result"]);
        for r in &rows {
            match (&r.backup, &r.error) {
                (Some(b), _) => t.add_row(vec![
                    p.cell(&r.city, Tone::Plain),
                    p.cell(&b.id, Tone::Plain),
                    p.cell(size(b.size_bytes), Tone::Plain),
                    p.cell(version(b.schema_version), Tone::Plain),
                    p.cell(b.tables.values().sum::<i64>(), Tone::Plain),
                    p.cell(format!("{} ms", b.took_ms), Tone::Muted),
                    p.cell("taken", Tone::Good),
                ]),
                (_, e) => t.add_row(vec![
                    p.cell(&r.city, Tone::Plain),
                    p.cell("-", Tone::Muted),
                    p.cell("", Tone::Plain),
                    p.cell("", Tone::Plain),
                    p.cell("", Tone::Plain),
                    p.cell("", Tone::Plain),
                    p.cell(
                        format!("failed: {}", e.as_deref().unwrap_or_default()),
                        Tone::Bad,
                    ),
                ]),
            };
        }
        p.print_table(&t)?;
    }
    Ok(if rows.iter().any(|r| r.error.is_some()) {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// One backup as `db backups` shows it: the record and what the drills said of it.
#[derive(Serialize)]
struct ListedBackup {
    #[serde(flatten)]
    backup: Backup,
    /// The WAL a point-in-time restore from it can replay (PostgreSQL only).
    wal: Option<String>,
    /// A drill restored it and found it whole.
    verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_drill: Option<crate::backup::Drill>,
}

pub fn list(ctx: &Ctx, target: TargetArgs) -> Result<Exit> {
    let sites = ctx.select(&target.spec())?;
    let mut listed = Vec::new();
    let profiles = ctx.profiles()?;
    for site in &sites {
        let (mut backups, mut problems) = backup::list(ctx.state_dir(), site.pinyin());
        let store = backup::store(profiles, site, ctx.printer.progress());
        let mut wal = std::collections::BTreeMap::new();
        if let Some(pg) = store.pg() {
            // the repository is the truth: what it expired is said, what a timer took is shown
            match pg.info() {
                Ok(info) => {
                    let (shown, said) =
                        backup::pgbackrest::with_repository(site.pinyin(), backups, &info);
                    backups = shown;
                    problems.extend(said);
                    for s in &info.sets {
                        wal.insert(s.label.clone(), format!("{}..{}", s.wal_start, s.wal_stop));
                    }
                }
                Err(e) => problems.push(format!("the repository was not read: {}", with_hint(&e))),
            }
        }
        for problem in problems {
            ctx.printer.warn(problem);
        }
        let drills = crate::state::backups::drill_history(ctx.state_dir(), site.pinyin()).records;
        for b in backups {
            let last_drill = drills.iter().rev().find(|d| d.backup == b.id).cloned();
            listed.push(ListedBackup {
                verified: last_drill.as_ref().is_some_and(|d| d.ok),
                last_drill,
                wal: b.set.as_ref().and_then(|s| wal.get(s).cloned()),
                backup: b,
            });
        }
    }
    let p = &ctx.printer;
    if p.json {
        p.json(&listed)?;
        return Ok(Exit::Success);
    }
    if listed.is_empty() {
        let cities: Vec<&str> = sites.iter().map(|s| s.pinyin()).collect();
        p.text(format!(
            "no backups of {} yet (jinbao db backup {})",
            cities.join(", "),
            cities.join(",")
        ))?;
        return Ok(Exit::Success);
    }
    let mut t = p.table(&[
        "city", "backup", "taken", "type", "reason", "size", "schema", "rows", "WAL", "verified",
    ]);
    for l in &listed {
        let b = &l.backup;
        let (verified, tone) = match &l.last_drill {
            Some(d) if d.ok => (format!("drill {}", crate::clock::shown(&d.at)), Tone::Good),
            Some(_) => ("drill FAILED".to_string(), Tone::Bad),
            None => ("not drilled".to_string(), Tone::Warn),
        };
        let reason = match &b.run {
            Some(run) => format!("{} {run}", b.reason),
            None => b.reason.clone(),
        };
        t.add_row(vec![
            p.cell(&b.city, Tone::Plain),
            p.cell(&b.id, Tone::Plain),
            p.cell(crate::clock::shown(&b.taken_at), Tone::Plain),
            p.cell(&b.kind, Tone::Muted),
            p.cell(reason, Tone::Muted),
            p.cell(size(b.size_bytes), Tone::Plain),
            p.cell(version(b.schema_version), Tone::Plain),
            p.cell(b.tables.values().sum::<i64>(), Tone::Plain),
            p.cell(l.wal.as_deref().unwrap_or("-"), Tone::Muted),
            p.cell(verified, tone),
        ]);
    }
    p.print_table(&t)?;
    Ok(Exit::Success)
}

pub(super) fn size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

pub(super) fn version(v: Option<u32>) -> String {
    v.map_or("-".into(), |v| format!("V{v:03}"))
}

/// An error with its hint, on one line (a row of a table, a field of `--json`).
pub(super) fn with_hint(e: &crate::backup::BackupError) -> String {
    match crate::error::Explain::hint(e) {
        Some(h) => format!("{e} ({h})"),
        None => e.to_string(),
    }
}
