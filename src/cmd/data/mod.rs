//! `jinbao data synth|import|check|compare`: county data moving into the city data center.

mod changes;
mod check;
mod compare;
mod progress;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::data::batch;
use crate::data::import::{self, Encoding, Mapping};
use crate::data::synth;
use crate::error::{Exit, usage};
use crate::output::Tone;
use crate::profile::Site;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Synthetic county extracts of a city, with injected defects reported exactly
    #[command(after_help = "Examples:
  jinbao data synth hebi --persons 10000 --out extracts
  jinbao data synth hebi --persons 10000 --defects 0.01 --encoding gbk --out extracts")]
    Synth(SynthArgs),
    /// Load county extracts: every row loaded or rejected with its line and reason
    #[command(after_help = "Examples:
  jinbao data import hebi extracts/                  # every county folder in it, one summary
  jinbao data import hebi --county 410602 --dry-run extracts/410602   # what would be rejected
  jinbao data import hebi --county 410602 --mapping legacy-v2 old/person.csv")]
    Import(ImportArgs),
    /// Data-quality rules, run inside each city database (exit 1 when an error rule fails)
    #[command(after_help = "Examples:
  jinbao data check hebi                       # every rule, a score per city
  jinbao data check --all --lists problems     # and the problem-data lists for the counties
  jinbao data check hebi --rule person_id_check_char --dry-run   # the SQL, run nothing")]
    Check(check::CheckArgs),
    /// Row-level reconciliation of a county's source with what the city holds (exit 0 the
    /// same, 3 differences found, 1 failed)
    #[command(after_help = "Examples:
  jinbao data compare hebi --county 410602 --source extracts/410602
  jinbao data compare hebi --county 410602 --source postgresql://10.41.6.20/county_410602")]
    Compare(compare::CompareArgs),
    /// Which county's data is in the city's center, and how good (exit 1 past the deadline)
    #[command(after_help = "Examples:
  jinbao data progress                 # every city, county by county
  jinbao data progress hebi --json")]
    Progress(progress::ProgressArgs),
    /// What each cycle changed: per county and table, rows new, changed, missing and
    /// rejected per load, and the open problems going up or down
    #[command(after_help = "Examples:
  jinbao data changes hebi                      # every county, every load
  jinbao data changes hebi --county 410602 --since 2027-01-01
  jinbao data changes hebi --since 90d --json")]
    Changes(changes::ChangesArgs),
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// The city (pinyin, Chinese name or code)
    pub city: String,
    /// How many persons, spread over the city's counties
    #[arg(long, value_parser = crate::cli::whole)]
    pub persons: u64,
    /// Share of persons given one injected defect (0–1)
    #[arg(long, default_value_t = 0.0, value_parser = crate::cli::share)]
    pub defects: f64,
    /// utf-8 or gbk
    #[arg(long, default_value = "utf-8")]
    pub encoding: String,
    /// Same seed, same files
    #[arg(long, default_value_t = 2008, value_parser = crate::cli::whole)]
    pub seed: u64,
    /// Folder for the county folders and summary.json
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The city (pinyin, Chinese name or code)
    pub city: String,
    /// The county the extract comes from (GB/T 2260 code) [default: the county folders' names]
    #[arg(long)]
    pub county: Option<String>,
    /// Validate and convert, report what would be rejected, load nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the county's rows its extract no longer holds (each import marks and counts
    /// them; without this flag they are kept)
    #[arg(long)]
    pub apply_missing: bool,
    #[command(flatten)]
    pub confirm: crate::cli::ConfirmArgs,
    /// Write every row again, changed or not (what a re-import cost before row fingerprints;
    /// the peer of the data-cycle benchmarks)
    #[arg(long)]
    pub full: bool,
    /// utf-8, gbk or gb18030 [default: detected]
    #[arg(long)]
    pub encoding: Option<Encoding>,
    /// A mapping file (a name under templates/mappings/, or a path) for another layout
    #[arg(long)]
    pub mapping: Option<String>,
    /// Where reject files go [default: <state>/imports]
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Wait this long for another import of the same county to end
    #[arg(long, value_parser = humantime::parse_duration, default_value = "10m", value_name = "DURATION")]
    pub lock_wait: std::time::Duration,
    /// Extract files, county folders holding them, or a folder of county folders
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(ctx: &Ctx, command: DataCommand) -> Result<Exit> {
    match command {
        DataCommand::Synth(a) => run_synth(ctx, a),
        DataCommand::Import(a) => run_import(ctx, a),
        DataCommand::Check(a) => check::run(ctx, a),
        DataCommand::Compare(a) => compare::run(ctx, a),
        DataCommand::Progress(a) => progress::run(ctx, a),
        DataCommand::Changes(a) => changes::run(ctx, a),
    }
}

fn run_synth(ctx: &Ctx, a: SynthArgs) -> Result<Exit> {
    let site = ctx.site(&a.city)?;
    if !(0.0..=1.0).contains(&a.defects) {
        return Err(usage(
            "--defects is a share from 0 to 1",
            "e.g. --defects 0.02 for 2%",
        ));
    }
    let gbk = match a.encoding.to_lowercase().as_str() {
        "utf-8" | "utf8" => false,
        "gbk" | "gb18030" => true,
        other => return Err(usage(format!("no encoding `{other}`"), "utf-8 or gbk")),
    };
    let spec = synth::Spec {
        persons: a.persons,
        defects: a.defects,
        gbk,
        seed: a.seed,
        out: a.out.clone(),
    };
    let summary = match synth::generate(site, &spec) {
        Ok(s) => s,
        Err(e @ synth::SynthError::TooManyPersons { .. }) => {
            return Err(usage(
                e.to_string(),
                "give fewer persons, or a city with more counties",
            ));
        }
        Err(synth::SynthError::Io(e)) => {
            return Err(e).with_context(|| format!("writing {}", a.out.display()));
        }
    };
    let p = &ctx.printer;
    if p.json {
        p.json(&summary)?;
        return Ok(Exit::Success);
    }
    let mut t = p.table(&[
        "county",
        "name",
        "persons",
        "employers",
        "contributions",
        "folder",
    ]);
    for c in &summary.counties {
        let n = |k: &str| c.rows.get(k).copied().unwrap_or(0);
        t.add_row(vec![
            p.cell(&c.code, Tone::Plain),
            p.cell(&c.name, Tone::Plain),
            p.cell(n("persons"), Tone::Plain),
            p.cell(n("employers"), Tone::Plain),
            p.cell(n("contributions"), Tone::Plain),
            p.cell(&c.folder, Tone::Muted),
        ]);
    }
    p.print_table(&t)?;
    let mut d = p.table(&["injected defect", "rule that finds it", "count"]);
    for x in &summary.defects {
        d.add_row(vec![
            p.cell(x.kind, Tone::Plain),
            p.cell(x.rule, Tone::Muted),
            p.cell(x.count, Tone::Plain),
        ]);
    }
    p.print_table(&d)?;
    p.note(format!(
        "{} persons in {} counties, {} encoding; summary in {}/summary.json",
        summary.persons,
        summary.counties.len(),
        summary.encoding,
        a.out.display()
    ));
    Ok(Exit::Success)
}

fn load_mapping(ctx: &Ctx, name: &str) -> Result<Mapping> {
    let direct = PathBuf::from(name);
    let path = if direct.is_file() {
        direct
    } else {
        let dir = ctx.profiles()?.templates_dir.join("mappings");
        let with_ext = if name.ends_with(".toml") {
            name.to_string()
        } else {
            format!("{name}.toml")
        };
        dir.join(with_ext)
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        usage(
            format!("mapping {}: {e}", path.display()),
            "mappings live under templates/mappings/",
        )
    })?;
    toml::from_str(&text).map_err(|e| {
        let (message, hint) = crate::serde_words::plain(e.message());
        usage(
            format!("mapping {}: {message}", path.display()),
            hint.unwrap_or_default(),
        )
    })
}

fn run_import(ctx: &Ctx, a: ImportArgs) -> Result<Exit> {
    let site = ctx.site(&a.city)?;
    let counties: Vec<String> = site.profile.counties.keys().cloned().collect();
    let jobs = county_extracts(&a, site, &counties)?;
    if a.apply_missing && !a.dry_run && !deletion_agreed(ctx, &a)? {
        ctx.printer.note("nothing loaded");
        return Ok(Exit::Failure);
    }
    let mapping = a
        .mapping
        .as_deref()
        .map(|m| load_mapping(ctx, m))
        .transpose()?;
    let mut files = Vec::new();
    for job in &jobs {
        let found = import::files_of(&job.paths, mapping.as_ref())?;
        if found.is_empty() {
            return Err(usage(
                format!("no extract files found for county {}", job.county),
                "give persons.csv, contributions.csv … or a county folder holding them",
            ));
        }
        files.push(found);
    }
    let rejects_dir = a
        .rejects
        .clone()
        .unwrap_or_else(|| ctx.state_dir().join("imports"));
    let specs: Vec<import::Spec> = jobs
        .iter()
        .map(|job| import::Spec {
            city_code: site.code(),
            city: site.pinyin(),
            county: &job.county,
            encoding: a.encoding,
            mapping: mapping.as_ref(),
            dry_run: a.dry_run,
            apply_missing: a.apply_missing,
            full: a.full,
            rejects_dir: &rejects_dir,
            city_counties: counties.clone(),
        })
        .collect();
    let _county_locks = if a.dry_run {
        Vec::new()
    } else {
        lock_counties(ctx, site, &jobs, a.lock_wait)?
    };
    // every file of every county is readable and its own before anything is loaded
    for (found, spec) in files.iter().zip(&specs) {
        import::check_readable(found, spec)?;
    }
    let (manifests, failed) = load(ctx, site, &files, &specs)?;
    if !a.dry_run {
        // where the city's concentration stands now, for status and the assessment
        let today = crate::clock::now().date_naive();
        match crate::data::progress::city(site, ctx.state_dir(), today, false) {
            Ok(progress) => crate::data::progress::record(ctx.state_dir(), &progress)?,
            Err(e) => ctx
                .printer
                .warn(format!("concentration progress not recorded: {e}")),
        }
        ctx.tell_assessment(crate::assess::learn::keep_snapshot);
    }
    print_manifests(ctx, &manifests, jobs.len())?;
    match failed {
        Some(e) => Err(e),
        None => Ok(Exit::Success),
    }
}

/// Whether the rows marked missing may be deleted: `--yes`, or a person at a terminal says so;
/// with nobody to ask, the import stops before it loads anything.
fn deletion_agreed(ctx: &Ctx, a: &ImportArgs) -> Result<bool> {
    ctx.agreed(
        a.confirm.yes,
        "--apply-missing would delete the rows the extracts no longer hold",
        "run again with --yes, or without --apply-missing (missing rows are then only marked and counted)",
        "delete the county's rows its extracts no longer hold (after loading them)?",
    )
}

/// The counties of the command line and their extracts: the one `--county` names, or each
/// county folder given.
fn county_extracts(
    a: &ImportArgs,
    site: &Site,
    counties: &[String],
) -> Result<Vec<batch::CountyExtracts>> {
    Ok(match &a.county {
        Some(county) if !counties.contains(county) => {
            return Err(usage(
                format!("{county} is not a county of {}", site.pinyin()),
                format!("counties: {}", counties.join(", ")),
            ));
        }
        Some(county) => vec![batch::CountyExtracts {
            county: county.clone(),
            paths: a.files.clone(),
        }],
        None => batch::counties_of(&a.files, counties).map_err(|e| {
            usage(
                e.to_string(),
                "e.g. jinbao data import hebi --county 410602 extracts/410602",
            )
        })?,
    })
}

/// One import of a county at a time: each county's lock, waiting its turn up to `wait`.
fn lock_counties(
    ctx: &Ctx,
    site: &Site,
    jobs: &[batch::CountyExtracts],
    wait: std::time::Duration,
) -> Result<Vec<crate::state::lock::Lock>> {
    let mut locks = Vec::new();
    for job in jobs {
        let mut waiting = |h: &crate::state::lock::Holder| {
            ctx.printer.note(format!(
                "waiting for the other import of county {} to end: {}",
                job.county,
                h.describe()
            ))
        };
        let lock = import::lock_county(
            ctx.state_dir(),
            site.pinyin(),
            &job.county,
            wait,
            &mut waiting,
        )
        .map_err(|e| match e {
            crate::state::lock::LockError::Io(e) => anyhow::Error::from(e),
            other => crate::error::fail(
                Exit::Blocked,
                format!("county {} is being imported: {other}", job.county),
                "wait for it to end, or wait longer with --lock-wait",
            ),
        })?;
        locks.push(lock);
    }
    Ok(locks)
}

/// Loads the counties' files in order, each file in its own transaction, a bar over each
/// file's bytes (so it fills and has an ETA: its rows are not known before). A failure stops
/// there: the manifests of what loaded before it, and the failure.
fn load(
    ctx: &Ctx,
    site: &Site,
    files: &[Vec<(&'static crate::data::format::Entity, PathBuf)>],
    specs: &[import::Spec],
) -> Result<(Vec<import::Manifest>, Option<anyhow::Error>)> {
    let mut conn = crate::db::connect(&site.profile, crate::db::Account::App)?;
    let mut manifests = Vec::new();
    let mut bar = indicatif::ProgressBar::hidden();
    for (found, spec) in files.iter().zip(specs) {
        let (loaded, failure) =
            batch::import_files(&mut conn, found, spec, &mut |event| match event {
                batch::FileEvent::Start { name, bytes } => {
                    bar = ctx.printer.progress().file_bar(bytes);
                    bar.set_message(name.to_string());
                }
                batch::FileEvent::Read(n) => bar.set_position(n),
                batch::FileEvent::Done => bar.finish_and_clear(),
            });
        manifests.extend(loaded);
        if let Some(f) = failure {
            // the files before stay loaded, and the report says which
            let message = f.to_string();
            return Ok((
                manifests,
                Some(anyhow::Error::from(f.error).context(message)),
            ));
        }
    }
    Ok((manifests, None))
}

/// The manifests as `--json`, or a table (a county column when there are several), one line
/// for them all, and each file's first rejects.
fn print_manifests(ctx: &Ctx, manifests: &[import::Manifest], counties: usize) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        p.json(&manifests)?;
        return Ok(());
    }
    let many = counties > 1;
    let mut header = vec![
        "file", "entity", "encoding", "read", "loaded", "new", "changed", "missing", "rejected",
        "import", "rows/s",
    ];
    if many {
        header.insert(0, "county");
    }
    let mut t = p.table(&header);
    for m in manifests {
        let rate = if m.ms > 0 {
            format!("{:.0}", m.read as f64 * 1000.0 / m.ms as f64)
        } else {
            "-".into()
        };
        let id = if m.already {
            format!("{} (already loaded)", m.import_id)
        } else if m.dry_run {
            "(dry run)".into()
        } else {
            m.import_id.clone()
        };
        let mut row = vec![
            p.cell(&m.file, Tone::Plain),
            p.cell(&m.entity, Tone::Plain),
            p.cell(
                serde_json::to_value(m.encoding)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                Tone::Muted,
            ),
            p.cell(m.read, Tone::Plain),
            p.cell(m.loaded, Tone::Good),
            p.cell(m.new, Tone::Plain),
            p.cell(m.changed, Tone::Plain),
            p.count_cell(m.missing, m.missing),
            p.count_cell(m.rejected, m.rejected),
            p.cell(id, Tone::Muted),
            p.cell(rate, Tone::Muted),
        ];
        if many {
            row.insert(0, p.cell(&m.county, Tone::Plain));
        }
        t.add_row(row);
    }
    p.print_table(&t)?;
    if manifests.len() > 1 || manifests.iter().any(|m| m.missing + m.missing_deleted > 0) {
        p.text(summary_line(manifests, counties))?;
    }
    for m in manifests.iter().filter(|m| !m.rejects.is_empty()) {
        let shown: Vec<String> = m
            .rejects
            .iter()
            .take(if p.verbose > 0 { usize::MAX } else { 5 })
            .map(|r| format!("  line {}: {}", r.line, r.reason))
            .collect();
        p.text(format!(
            "{}: {} rejected{}\n{}",
            m.file,
            m.rejected,
            m.reject_file
                .as_ref()
                .map(|f| format!(" (all in {f})"))
                .unwrap_or_default(),
            shown.join("\n")
        ))?;
    }
    Ok(())
}

/// One line for the whole command: files, rows loaded and rejected (a file already loaded
/// counts as loaded by an earlier import, not by this one).
fn summary_line(manifests: &[import::Manifest], counties: usize) -> String {
    let fresh = manifests.iter().filter(|m| !m.already);
    let (loaded, rejected) = fresh.fold((0, 0), |(l, r), m| (l + m.loaded, r + m.rejected));
    let already = manifests.iter().filter(|m| m.already).count();
    let dry_run = manifests.iter().any(|m| m.dry_run);
    let verb = if dry_run { "would be loaded" } else { "loaded" };
    let mut line = format!(
        "{}{} files: {loaded} rows {verb}, {rejected} rejected",
        if counties > 1 {
            format!("{counties} counties, ")
        } else {
            String::new()
        },
        manifests.len()
    );
    if already > 0 {
        line.push_str(&format!(" ({already} already loaded before)"));
    }
    if dry_run {
        return line;
    }
    let sum = |f: fn(&import::Manifest) -> u64| -> u64 {
        manifests.iter().filter(|m| !m.already).map(f).sum()
    };
    line.push_str(&format!(
        "; {} new, {} changed, {} unchanged",
        sum(|m| m.new),
        sum(|m| m.changed),
        sum(|m| m.unchanged)
    ));
    let (missing, deleted) = (sum(|m| m.missing), sum(|m| m.missing_deleted));
    if missing > 0 || deleted > 0 {
        line.push_str(&format!(
            "; {missing} no longer in the extracts{}",
            if deleted > 0 {
                format!(", {deleted} rows marked missing deleted")
            } else {
                " (kept, marked missing: --apply-missing deletes them)".to_string()
            }
        ));
    }
    line
}
