//! `jinbao db baseline <target> [--to V]`: adopt a city whose database already has the
//! schema. Its live schema must match what the migrations up to V produce (unless --force);
//! then those migrations are recorded as applied, without running them.

use anyhow::{Result, bail};
use clap::Args;

use super::DbTarget;
use crate::context::Ctx;
use crate::db::Account;
use crate::error::Exit;
use crate::output::Tone;
use crate::schema;

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub db: DbTarget,
    /// Version the database is at (default: the latest)
    #[arg(long, value_name = "VERSION", value_parser = crate::cli::schema_version)]
    pub to: Option<u32>,
    /// Record the baseline even if the live schema differs from the migrations
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Ctx, args: BaselineArgs) -> Result<Exit> {
    let sites = args.db.sites(ctx)?;
    if let Some(to) = args.to {
        for site in &sites {
            super::known_version(&super::migrations(ctx, site)?, to)?;
        }
    }
    let results = crate::parallel::map(&sites, args.db.jobs, |site| -> Result<String> {
        let migrations = super::migrations(ctx, site)?;
        let upto: Vec<_> = migrations
            .into_iter()
            .filter(|m| args.to.is_none_or(|v| m.version <= v))
            .collect();
        let Some(last) = upto.last().map(|m| m.version) else {
            bail!("no migration at or below that version");
        };
        let mut store = schema::open(&site.profile, Account::Migrator)?;
        store.lock(std::time::Duration::from_secs(60), &mut |_| {})?;
        let r = (|| -> Result<String> {
            if !store.applied()?.is_empty() {
                bail!("the database already has a migration history: nothing to baseline");
            }
            let diff = schema::drift(store.as_mut(), &upto, last)?;
            if !diff.is_empty() && !args.force {
                let first: Vec<String> = diff.iter().take(5).map(|d| d.summary()).collect();
                bail!(
                    "the live schema differs from V{last:03} in {} places ({}…): fix it or pass --force",
                    diff.len(),
                    first.join("; ")
                );
            }
            store.baseline(&upto, &super::installed_by(site))?;
            Ok(format!("baselined at V{last:03}"))
        })();
        store.unlock();
        r
    });
    let p = &ctx.printer;
    let rows: Vec<serde_json::Value> = sites
        .iter()
        .zip(&results)
        .map(|(s, r)| match r {
            Ok(m) => serde_json::json!({ "city": s.pinyin(), "result": m }),
            Err(e) => serde_json::json!({ "city": s.pinyin(), "error": format!("{e:#}") }),
        })
        .collect();
    if p.json {
        p.json(&rows)?;
    } else {
        let mut t = p.table(&["city", "result"]);
        for (s, r) in sites.iter().zip(&results) {
            match r {
                Ok(m) => t.add_row(vec![p.cell(s.pinyin(), Tone::Plain), p.cell(m, Tone::Good)]),
                Err(e) => t.add_row(vec![
                    p.cell(s.pinyin(), Tone::Plain),
                    p.cell(format!("{e:#}"), Tone::Bad),
                ]),
            };
        }
        p.print_table(&t)?;
    }
    Ok(if results.iter().any(|r| r.is_err()) {
        Exit::Failure
    } else {
        Exit::Success
    })
}
