//! `jinbao data compare <city> --county <code> --source <extract|dsn>`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::context::Ctx;
use crate::data::compare::{self, EntityDiff};
use crate::data::import::{self, Encoding};
use crate::db::{self, Account};
use crate::error::{Exit, usage};
use crate::output::Tone;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The city (pinyin, Chinese name or code)
    pub city: String,
    /// The county whose rows are compared
    #[arg(long)]
    pub county: String,
    /// The county's source: an extract (a county folder or CSV files' folder/file), a
    /// PostgreSQL DSN (postgresql://host:port/db, password from the city's read-only role), or
    /// a SQLite file
    #[arg(long)]
    pub source: String,
    /// Only this entity (person, employer, contribution …)
    #[arg(long)]
    pub entity: Option<String>,
    /// utf-8, gbk or gb18030 for extracts [default: detected]
    #[arg(long)]
    pub encoding: Option<Encoding>,
    /// Folder for the differences CSV files [default: <state>/compare]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Compare every row by its values: an extract's every row staged, not only the buckets
    /// of keys whose sums differ from what the city holds; a database's rows hashed, not
    /// summed by the fingerprints their imports kept
    #[arg(long)]
    pub full: bool,
}

pub fn run(ctx: &Ctx, a: CompareArgs) -> Result<Exit> {
    let site = ctx.site(&a.city)?;
    if !site.profile.counties.contains_key(&a.county) {
        return Err(usage(
            format!("{} is not a county of {}", a.county, site.pinyin()),
            "",
        ));
    }
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| ctx.state_dir().join("compare"));
    let is_dsn = db::is_dsn(&a.source);
    let path = PathBuf::from(&a.source);
    let is_sqlite = !is_dsn && path.is_file() && !a.source.ends_with(".csv");
    // the source first: a source that cannot be read (or is of a kind jinbao does not read)
    // is said before anything else
    let source = if is_dsn || is_sqlite {
        Some(db::connect_source(&a.source, &site.profile)?)
    } else {
        None
    };
    let mut city = db::connect(&site.profile, Account::ReadOnly)?;
    let results: Vec<EntityDiff> = if let Some(mut source) = source {
        let mut out_rows = Vec::new();
        for e in compare::entities(a.entity.as_deref()) {
            out_rows.push(compare::against_database(
                &mut city,
                &mut source,
                e,
                &a.county,
                &out,
                a.full,
            )?);
        }
        out_rows
    } else {
        let files = import::files_of(std::slice::from_ref(&path), None)?;
        let rejects_dir = ctx.state_dir().join("imports");
        let spec = import::Spec {
            city_code: site.code(),
            city: site.pinyin(),
            county: &a.county,
            encoding: a.encoding,
            mapping: None,
            dry_run: true,
            rejects_dir: &rejects_dir,
            city_counties: site.profile.counties.keys().cloned().collect(),
            apply_missing: false,
            full: a.full,
        };
        let mut out_rows = Vec::new();
        for (e, f) in files
            .iter()
            .filter(|(e, _)| a.entity.as_deref().is_none_or(|x| x == e.name))
        {
            out_rows.push(compare::against_extract(&mut city, e, f, &spec, &out)?);
        }
        out_rows
    };
    let p = &ctx.printer;
    if p.json {
        p.json(&results)?;
    } else {
        let mut t = p.table(&[
            "entity",
            "source rows",
            "city rows",
            "equal",
            "missing in city",
            "only in city",
            "differing",
            "differences",
        ]);
        for r in &results {
            let bad = |n: u64| if n > 0 { Tone::Bad } else { Tone::Good };
            t.add_row(vec![
                p.cell(&r.entity, Tone::Plain),
                p.cell(r.source_rows, Tone::Plain),
                p.cell(r.city_rows, Tone::Plain),
                p.cell(r.equal, Tone::Plain),
                p.cell(r.missing_in_city, bad(r.missing_in_city)),
                p.cell(r.only_in_city, bad(r.only_in_city)),
                p.cell(r.differing, bad(r.differing)),
                p.cell(r.differences_file.as_deref().unwrap_or(""), Tone::Muted),
            ]);
        }
        p.print_table(&t)?;
        for r in &results {
            if let Some(tr) = &r.transfer {
                p.note(format!("{}: {} key ranges compared by checksum, {} rows read back ({:.3}% of the rows)", r.entity, tr.ranges_checked, tr.rows_read_back, tr.share * 100.0));
            }
        }
    }
    let differ = results
        .iter()
        .any(|r| r.missing_in_city + r.only_in_city + r.differing > 0);
    Ok(if differ { Exit::Pending } else { Exit::Success })
}
