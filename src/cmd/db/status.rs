//! `jinbao db status <target>`: where every database stands against the migrations.

use anyhow::Result;
use serde::Serialize;

use super::DbTarget;
use crate::context::Ctx;
use crate::db::Account;
use crate::error::Exit;
use crate::output::Tone;
use crate::profile::Site;
use crate::schema::{self, Applied, Mismatch};

#[derive(Serialize)]
pub struct StatusRow {
    pub city: String,
    pub engine: &'static str,
    pub database: String,
    pub current: Option<u32>,
    pub latest: u32,
    /// How many migrations are pending.
    pub pending: usize,
    pub pending_versions: Vec<u32>,
    pub last_applied: Option<Applied>,
    pub checksum_mismatches: Vec<Mismatch>,
    /// Applied versions this jinbao has no file for.
    pub unknown: Vec<u32>,
    pub size_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The status of one site's database (used by `health` and `rollout` too).
pub fn site_status(ctx: &Ctx, site: &Site, account: Account) -> StatusRow {
    let mut row = StatusRow {
        city: site.pinyin().to_string(),
        engine: site.profile.database.engine.as_str(),
        database: crate::db::describe(&site.profile),
        current: None,
        latest: 0,
        pending: 0,
        pending_versions: Vec::new(),
        last_applied: None,
        checksum_mismatches: Vec::new(),
        unknown: Vec::new(),
        size_bytes: None,
        error: None,
    };
    let result = (|| -> Result<()> {
        let migrations = super::migrations(ctx, site)?;
        let mut store = schema::open(&site.profile, account)?;
        let s = schema::status(&migrations, &store.applied()?);
        row.current = s.current;
        row.latest = s.latest;
        row.pending = s.pending.len();
        row.pending_versions = s.pending;
        row.last_applied = s.last_applied;
        row.checksum_mismatches = s.checksum_mismatches;
        row.unknown = s.unknown;
        row.size_bytes = store.size_bytes().ok().flatten();
        Ok(())
    })();
    if let Err(e) = result {
        row.error = Some(format!("{e:#}"));
    }
    row
}

pub fn run(ctx: &Ctx, t: DbTarget) -> Result<Exit> {
    let sites = t.sites(ctx)?;
    let rows = crate::parallel::map(&sites, t.jobs, |site| {
        site_status(ctx, site, Account::ReadOnly)
    });
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
    } else {
        let mut table = p.table(&[
            "city",
            "engine",
            "current",
            "pending",
            "last applied",
            "checksums",
            "size",
        ]);
        let v = |x: Option<u32>| x.map_or("-".to_string(), |v| format!("V{v:03}"));
        for r in &rows {
            if let Some(e) = &r.error {
                table.add_row(vec![
                    p.cell(&r.city, Tone::Plain),
                    p.cell(r.engine, Tone::Muted),
                    p.cell(format!("unreachable: {e}"), Tone::Bad),
                ]);
                continue;
            }
            let last = r.last_applied.as_ref().map_or("-".into(), |a| {
                format!("V{:03} {} by {}", a.version, a.installed_at, a.installed_by)
            });
            let sums = if r.checksum_mismatches.is_empty() {
                p.cell("ok", Tone::Good)
            } else {
                let v: Vec<String> = r
                    .checksum_mismatches
                    .iter()
                    .map(|m| format!("V{:03} edited", m.version))
                    .collect();
                p.cell(v.join(", "), Tone::Bad)
            };
            table.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(r.engine, Tone::Muted),
                p.cell(format!("{} / V{:03}", v(r.current), r.latest), Tone::Plain),
                p.cell(
                    r.pending,
                    if r.pending == 0 {
                        Tone::Good
                    } else {
                        Tone::Warn
                    },
                ),
                p.cell(last, Tone::Muted),
                sums,
                p.cell(
                    r.size_bytes
                        .map_or("-".into(), |b| format!("{:.1} MB", b as f64 / 1e6)),
                    Tone::Muted,
                ),
            ]);
        }
        p.print_table(&table)?;
    }
    let bad = rows
        .iter()
        .any(|r| r.error.is_some() || !r.checksum_mismatches.is_empty());
    Ok(if bad { Exit::Failure } else { Exit::Success })
}
