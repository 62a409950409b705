//! `jinbao db drift <target>`: every difference between the live schema and what the applied
//! migrations produce. Exit 3 when there is drift, 1 when a database could not be examined.

use anyhow::Result;
use serde::Serialize;

use super::DbTarget;
use crate::context::Ctx;
use crate::db::Account;
use crate::error::Exit;
use crate::output::Tone;
use crate::profile::Site;
use crate::schema::{self, Difference};

#[derive(Serialize)]
pub struct DriftRow {
    pub city: String,
    pub database: String,
    pub drift: bool,
    pub differences: Vec<Difference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The drift of one site's database.
pub fn site_drift(ctx: &Ctx, site: &Site) -> DriftRow {
    let mut row = DriftRow {
        city: site.pinyin().to_string(),
        database: crate::db::describe(&site.profile),
        drift: false,
        differences: Vec::new(),
        error: None,
    };
    let result = (|| -> Result<Vec<Difference>> {
        let migrations = super::migrations(ctx, site)?;
        let mut store = schema::open(&site.profile, Account::Migrator)?;
        let applied = store.applied()?;
        let current = applied.iter().map(|a| a.version).max().unwrap_or(0);
        Ok(schema::drift(store.as_mut(), &migrations, current)?)
    })();
    match result {
        Ok(d) => {
            row.drift = !d.is_empty();
            row.differences = d;
        }
        Err(e) => row.error = Some(format!("{e:#}")),
    }
    row
}

pub fn run(ctx: &Ctx, t: DbTarget) -> Result<Exit> {
    let sites = t.sites(ctx)?;
    let rows = crate::parallel::map(&sites, t.jobs, |site| site_drift(ctx, site));
    let drift = |city: &str| {
        rows.iter()
            .find(|r| r.city == city && r.error.is_none())
            .map(|r| r.drift)
    };
    super::learn_schema(ctx, &sites, "db drift", &drift);
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
    } else {
        let mut table = p.table(&["city", "database", "drift"]);
        for r in &rows {
            let (text, tone) = match (&r.error, r.differences.len()) {
                (Some(e), _) => (format!("not examined: {e}"), Tone::Bad),
                (None, 0) => ("none".to_string(), Tone::Good),
                (None, n) => {
                    let lines: Vec<String> =
                        r.differences.iter().map(Difference::summary).collect();
                    (
                        format!("{n} differences:\n{}", lines.join("\n")),
                        Tone::Warn,
                    )
                }
            };
            table.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(&r.database, Tone::Muted),
                p.cell(text, tone),
            ]);
        }
        p.print_table(&table)?;
    }
    Ok(if rows.iter().any(|r| r.error.is_some()) {
        Exit::Failure
    } else if rows.iter().any(|r| r.drift) {
        Exit::Pending
    } else {
        Exit::Success
    })
}
