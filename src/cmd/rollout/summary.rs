//! What a rollout prints when it ends: a table per city (and the timings), or the `--json`
//! document of docs/json.md.

use anyhow::Result;
use serde::Serialize;

use super::RolloutFlags;
use crate::context::Ctx;
use crate::output::Tone;
use crate::release::journal::Journal;
use crate::release::rollout::Outcome;

#[derive(Serialize)]
struct Summary<'a> {
    run: &'a str,
    result: &'a str,
    journal: String,
    cities: &'a [Outcome],
    #[serde(skip_serializing_if = "Option::is_none")]
    timings: Option<&'a crate::release::timings::Timings>,
}

/// `shown`: how many of the first outcomes the wave questions printed already (left out of
/// the table, never of the JSON).
#[allow(clippy::too_many_arguments)]
pub(super) fn print(
    ctx: &Ctx,
    flags: &RolloutFlags,
    outcomes: &[Outcome],
    shown: usize,
    journal: &Journal,
    result: &str,
    timings: Option<&crate::release::timings::Timings>,
) -> Result<()> {
    let p = &ctx.printer;
    if flags.events.is_some() {
        return Ok(());
    }
    if p.json {
        return Ok(p.json(&Summary {
            run: &journal.run,
            result,
            journal: journal.path().display().to_string(),
            cities: outcomes,
            timings,
        })?);
    }
    if let Some(t) = timings {
        print_timings(ctx, t)?;
    }
    if let Some(rest) = outcomes.get(shown..).filter(|r| !r.is_empty()) {
        print_table(ctx, rest)?;
    }
    let hint = match result {
        "paused" => " (approve the next wave: jinbao rollout --resume)",
        _ => "",
    };
    p.note(format!(
        "rollout {}: {result}{hint}; journal {}",
        journal.run,
        journal.path().display()
    ));
    Ok(())
}

/// The outcomes of cities as a table for people.
fn print_table(ctx: &Ctx, outcomes: &[Outcome]) -> Result<()> {
    let p = &ctx.printer;
    let mut t = p.table(&["city", "wave", "from → to", "result", "time", "reason"]);
    for o in outcomes {
        use crate::release::rollout::CityResult;
        let tone = match o.result {
            CityResult::Deployed => Tone::Good,
            CityResult::Already => Tone::Muted,
            CityResult::Skipped => Tone::Warn,
            _ => Tone::Bad,
        };
        t.add_row(vec![
            p.cell(&o.city, Tone::Plain),
            p.cell(&o.wave, Tone::Muted),
            p.cell(
                format!(
                    "{} → {}",
                    if o.from.is_empty() {
                        "(none)".to_string()
                    } else {
                        o.from.join("/")
                    },
                    o.to
                ),
                Tone::Plain,
            ),
            p.cell(o.result.as_str(), tone),
            p.cell(format!("{:.1} s", o.ms as f64 / 1000.0), Tone::Muted),
            p.cell(o.reason.clone().unwrap_or_default(), Tone::Plain),
        ]);
    }
    p.print_table(&t)?;
    Ok(())
}

/// The cities of a wave just done, printed before the question whether to go on (nothing
/// with --json or --events, whose stdout is for scripts): true when printed.
pub(super) fn print_wave(ctx: &Ctx, flags: &RolloutFlags, wave: &[Outcome]) -> bool {
    if ctx.printer.json || flags.events.is_some() {
        return false;
    }
    print_table(ctx, wave).is_ok()
}

/// The critical path and the phases over all hosts, for people.
fn print_timings(ctx: &Ctx, t: &crate::release::timings::Timings) -> Result<()> {
    let p = &ctx.printer;
    let secs = |ms: u64| format!("{:.2} s", ms as f64 / 1000.0);
    p.text(format!(
        "Critical path ({} wall): the phases of the hosts the run waited on",
        secs(t.wall_ms)
    ))?;
    let mut table = p.table(&["city", "host", "phase", "from", "took"]);
    for s in &t.critical_path {
        table.add_row(vec![
            p.cell(&s.city, Tone::Plain),
            p.cell(s.host.as_deref().unwrap_or("(city)"), Tone::Plain),
            p.cell(&s.phase, Tone::Plain),
            p.cell(secs(s.start_ms), Tone::Muted),
            p.cell(secs(s.ms), Tone::Warn),
        ]);
    }
    p.print_table(&table)?;
    p.text("Each phase over all hosts")?;
    let mut table = p.table(&["phase", "spans", "median", "slowest", "summed"]);
    for ph in &t.phases {
        table.add_row(vec![
            p.cell(&ph.phase, Tone::Plain),
            p.cell(ph.spans, Tone::Muted),
            p.cell(secs(ph.median_ms), Tone::Plain),
            p.cell(secs(ph.max_ms), Tone::Warn),
            p.cell(secs(ph.total_ms), Tone::Muted),
        ]);
    }
    p.print_table(&table)?;
    Ok(())
}
