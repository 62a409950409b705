//! `jinbao db status <target>`: where every database stands against the migrations.

use anyhow::Result;

use super::DbTarget;
use crate::context::Ctx;
use crate::db::Account;
use crate::error::Exit;
use crate::output::Tone;
use crate::schema;

pub fn run(ctx: &Ctx, t: DbTarget) -> Result<Exit> {
    let sites = t.sites(ctx)?;
    let templates = &ctx.profiles()?.templates_dir;
    let rows = crate::parallel::map(&sites, t.jobs, |site| {
        schema::standing::of_site(templates, site, Account::ReadOnly)
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
                format!(
                    "V{:03} {} by {}",
                    a.version,
                    crate::clock::shown_rfc3339(&a.installed_at),
                    a.installed_by
                )
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
