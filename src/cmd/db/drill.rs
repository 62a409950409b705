//! `jinbao db drill <target>`: each city's latest backup restored into a scratch database and
//! checked there; the live database is never touched. Exit 1 when a drill fails or a city has
//! no backup to drill.

use anyhow::Result;
use serde::Serialize;

use super::DbTarget;
use crate::backup::{self, Drill};
use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;

#[derive(Serialize)]
struct DrillRow {
    city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    drill: Option<Drill>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn run(ctx: &Ctx, t: DbTarget) -> Result<Exit> {
    let sites = t.sites(ctx)?;
    let profiles = ctx.profiles()?;
    let rows = crate::parallel::map(&sites, t.jobs, |site| {
        let drilled = backup::store(profiles, site, ctx.printer.progress())
            .drill(&site.profile, ctx.state_dir());
        match drilled {
            Ok(d) => DrillRow {
                city: site.pinyin().to_string(),
                drill: Some(d),
                error: None,
            },
            Err(e) => DrillRow {
                city: site.pinyin().to_string(),
                drill: None,
                error: Some(super::backup::with_hint(&e)),
            },
        }
    });
    let failed = rows
        .iter()
        .any(|r| r.error.is_some() || r.drill.as_ref().is_some_and(|d| !d.ok));
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
    } else {
        let mut t = p.table(&[
            "city", "backup", "schema", "tables", "rows", "time", "result",
        ]);
        for r in &rows {
            let (cells, result, tone) = match (&r.drill, &r.error) {
                (Some(d), _) => (
                    vec![
                        d.backup.clone(),
                        super::backup::version(d.schema_version),
                        d.tables_checked.to_string(),
                        d.rows_checked.to_string(),
                        format!("{} ms", d.took_ms),
                    ],
                    if d.ok {
                        "restored and checked: as recorded".to_string()
                    } else {
                        format!("FAILED: {}", d.problems.join("; "))
                    },
                    if d.ok { Tone::Good } else { Tone::Bad },
                ),
                (_, e) => (
                    vec![
                        String::from("-"),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ],
                    format!("failed: {}", e.as_deref().unwrap_or_default()),
                    Tone::Bad,
                ),
            };
            let mut row = vec![p.cell(&r.city, Tone::Plain)];
            row.extend(cells.into_iter().map(|c| p.cell(c, Tone::Plain)));
            row.push(p.cell(result, tone));
            t.add_row(row);
        }
        p.print_table(&t)?;
    }
    Ok(if failed { Exit::Failure } else { Exit::Success })
}
