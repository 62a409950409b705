//! `jinbao data changes CITY [--county C] [--since DATE]`: per county and table, what each load
//! brought (new, changed, missing, rejected rows) and the open problems going up or down.

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;

use crate::context::Ctx;
use crate::data::changes::{self, Filter};
use crate::error::{Exit, usage};
use crate::output::Tone;

#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// The city (pinyin, Chinese name or code)
    pub city: String,
    /// One county (GB/T 2260 code) [default: every county of the city]
    #[arg(long)]
    pub county: Option<String>,
    /// From this day on: a date (2027-01-01) or a span back from now (90d)
    #[arg(long, value_parser = since, value_name = "DATE")]
    pub since: Option<NaiveDate>,
}

/// A day, written as a date or as a span back from today.
fn since(s: &str) -> Result<NaiveDate, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d);
    }
    let span = humantime::parse_duration(s)
        .map_err(|_| format!("`{s}` is neither a date (2027-01-01) nor a span (90d)"))?;
    let back = chrono::Duration::from_std(span).map_err(|e| e.to_string())?;
    Ok(crate::clock::now()
        .checked_sub_signed(back)
        .map_or(NaiveDate::MIN, |t| t.date_naive()))
}

pub fn run(ctx: &Ctx, a: ChangesArgs) -> Result<Exit> {
    let site = ctx.site(&a.city)?;
    if let Some(c) = &a.county
        && !site.profile.counties.contains_key(c)
    {
        return Err(usage(
            format!("{c} is not a county of {}", site.pinyin()),
            format!(
                "counties: {}",
                site.profile
                    .counties
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let filter = Filter {
        county: a.county.as_deref(),
        since: a.since,
    };
    let found = changes::city(site, ctx.state_dir(), &filter)?;
    let p = &ctx.printer;
    for u in &found.unreadable {
        p.warn(u);
    }
    if p.json {
        p.json(&found)?;
        return Ok(Exit::Success);
    }
    let n = |x: Option<u64>| x.map_or("-".to_string(), |n| n.to_string());
    let mut t = p.table(&[
        "county", "table", "loaded", "read", "new", "changed", "missing", "rejected",
    ]);
    for c in &found.counties {
        for l in &c.loads {
            t.add_row(vec![
                p.cell(format!("{} {}", c.county, c.name), Tone::Plain),
                p.cell(&l.entity, Tone::Plain),
                p.cell(crate::clock::shown_rfc3339(&l.at), Tone::Muted),
                p.cell(l.read, Tone::Plain),
                p.cell(n(l.new), Tone::Plain),
                p.cell(n(l.changed), Tone::Plain),
                p.count_cell(n(l.missing), l.missing.unwrap_or(0)),
                p.count_cell(l.rejected, l.rejected),
            ]);
        }
    }
    if found.counties.iter().all(|c| c.loads.is_empty()) {
        p.note(format!("no loads of {} in this span", site.pinyin()));
    } else {
        p.print_table(&t)?;
    }
    let mut q = p.table(&["county", "checked", "open problems", "change"]);
    for c in &found.counties {
        for x in &c.problems {
            q.add_row(vec![
                p.cell(format!("{} {}", c.county, c.name), Tone::Plain),
                p.cell(crate::clock::shown_rfc3339(&x.at), Tone::Muted),
                p.cell(x.open, Tone::Plain),
                match x.change {
                    Some(d) if d > 0 => p.cell(format!("+{d}"), Tone::Warn),
                    Some(d) if d < 0 => p.cell(d, Tone::Good),
                    Some(_) => p.cell("0", Tone::Muted),
                    None => p.cell("-", Tone::Muted),
                },
            ]);
        }
    }
    if found.counties.iter().any(|c| !c.problems.is_empty()) {
        p.print_table(&q)?;
    }
    Ok(Exit::Success)
}
