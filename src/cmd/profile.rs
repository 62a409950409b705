//! `jinbao profile list|show|validate|diff`: what the profiles say, where each value comes
//! from, and whether they hold together.

use std::collections::BTreeMap;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::context::Ctx;
use crate::diagnostic::{ConfigError, Diagnostic};
use crate::error::Exit;
use crate::output::Tone;
use crate::profile::{Site, SiteKind, dotted, source::walk_values};

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Every city: code, name, pinyin, wave, servers, database engine
    #[command(after_help = "Examples:
  jinbao profile list                  # the 18 cities
  jinbao profile list --province       # and the province center
  jinbao --env testbed profile list    # as the network test bed environment has them")]
    List(ListArgs),
    /// The effective profile of one city (pinyin, Chinese name or code)
    #[command(after_help = "Examples:
  jinbao profile show xuchang          # Xuchang's effective profile
  jinbao profile show 许昌 --origin     # and the file and line each value comes from
  jinbao profile show henan --json     # the province center's, for a script")]
    Show(ShowArgs),
    /// Check every profile (or the named cities); exit 2 on any error
    #[command(after_help = "Examples:
  jinbao profile validate              # every profile; every error with file:line:col
  jinbao profile validate xuchang hebi
  jinbao profile validate --json       # {\"valid\": …, \"errors\": […]} for a script")]
    Validate(ValidateArgs),
    /// How two cities' effective profiles differ
    #[command(after_help = "Examples:
  jinbao profile diff xuchang zhoukou
  jinbao profile diff 许昌 周口 --json")]
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Also list the province center (marked as kind "province")
    #[arg(long)]
    pub province: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// City: pinyin, Chinese name or code (henan / 410000 for the province center)
    pub city: String,
    /// Show the file and line each value comes from
    #[arg(long)]
    pub origin: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Cities to check (default: all)
    pub cities: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    pub a: String,
    pub b: String,
}

pub fn run(ctx: &Ctx, command: ProfileCommand) -> Result<Exit> {
    match command {
        ProfileCommand::List(args) => list(ctx, args),
        ProfileCommand::Show(args) => show(ctx, args),
        ProfileCommand::Validate(args) => validate(ctx, args),
        ProfileCommand::Diff(args) => diff(ctx, args),
    }
}

#[derive(Serialize)]
struct ListRow<'a> {
    code: &'a str,
    name: &'a str,
    pinyin: &'a str,
    wave: &'a str,
    kind: SiteKind,
    servers: usize,
    engine: &'a str,
    transport: &'a str,
}

fn list(ctx: &Ctx, args: ListArgs) -> Result<Exit> {
    let profiles = ctx.profiles()?;
    let mut sites: Vec<&Site> = profiles.cities().collect();
    sites.sort_by_key(|s| s.code().to_string());
    if args.province {
        sites.insert(0, profiles.province_site());
    }
    let rows: Vec<ListRow> = sites
        .iter()
        .map(|s| ListRow {
            code: s.code(),
            name: s.name(),
            pinyin: s.pinyin(),
            wave: &s.profile.city.wave,
            kind: s.kind,
            servers: s.profile.datacenter.servers.len(),
            engine: s.profile.database.engine.as_str(),
            transport: match s.profile.datacenter.transport {
                crate::profile::TransportKind::Ssh => "ssh",
                crate::profile::TransportKind::Local => "local",
            },
        })
        .collect();
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
        return Ok(Exit::Success);
    }
    let mut t = p.table(&[
        "code", "name", "pinyin", "wave", "servers",
        // short names: the table fits 80 columns (the JSON keys are `engine` and `transport`)
        "engine", "via",
    ]);
    for r in &rows {
        let wave = if r.kind == SiteKind::Province {
            "(province)"
        } else {
            r.wave
        };
        t.add_row(vec![
            p.cell(r.code, Tone::Plain),
            p.cell(r.name, Tone::Plain),
            p.cell(r.pinyin, Tone::Plain),
            p.cell(
                wave,
                if wave == "pilot" {
                    Tone::Good
                } else {
                    Tone::Plain
                },
            ),
            p.cell(r.servers, Tone::Plain),
            p.cell(r.engine, Tone::Plain),
            p.cell(r.transport, Tone::Muted),
        ]);
    }
    p.print_table(&t)?;
    p.note(format!(
        "{} cities, environment `{}`",
        rows.iter().filter(|r| r.kind == SiteKind::City).count(),
        profiles.env.name
    ));
    Ok(Exit::Success)
}

fn show(ctx: &Ctx, args: ShowArgs) -> Result<Exit> {
    let profiles = ctx.profiles()?;
    let site = ctx.site(&args.city)?;
    let p = &ctx.printer;
    let origins: BTreeMap<String, String> = site
        .origins
        .iter()
        .filter(|(path, _)| leaf_at(&site.merged, path))
        .map(|(path, o)| (dotted(path), profiles.describe_origin(o)))
        .collect();
    if p.json {
        let profile = serde_json::to_value(&site.merged)?;
        if args.origin {
            p.json(&serde_json::json!({ "profile": profile, "origin": origins }))?;
        } else {
            p.json(&profile)?;
        }
        return Ok(Exit::Success);
    }
    let title = format!(
        "# {} ({}, {}), environment `{}`",
        site.name(),
        site.pinyin(),
        site.code(),
        profiles.env.name
    );
    if !args.origin {
        p.text(format!(
            "{title}\n{}",
            toml::to_string_pretty(&site.merged)?.trim_end()
        ))?;
        return Ok(Exit::Success);
    }
    let mut lines = vec![title];
    let width = flatten(&site.merged)
        .iter()
        .map(|(k, v)| display_width(k) + display_width(v) + 3)
        .max()
        .unwrap_or(0);
    for (key, value) in flatten(&site.merged) {
        let origin = origins.get(&key).map(String::as_str).unwrap_or("?");
        let assignment = format!("{key} = {value}");
        let pad = width.saturating_sub(display_width(&assignment));
        lines.push(format!("{assignment}{} # {origin}", " ".repeat(pad)));
    }
    p.text(lines.join("\n"))?;
    Ok(Exit::Success)
}

fn leaf_at(table: &toml::Table, path: &[String]) -> bool {
    let mut value: Option<&toml::Value> = None;
    let mut current = table;
    for key in path {
        match current.get(key) {
            Some(toml::Value::Table(t)) => {
                value = None;
                current = t;
            }
            Some(v) => value = Some(v),
            None => return false,
        }
    }
    value.is_some()
}

/// Every value of a table as `dotted.key` → TOML text.
fn flatten(table: &toml::Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk_values(table, &mut Vec::new(), &mut |path, value| {
        out.push((dotted(path), value.to_string()));
    });
    out
}

/// Terminal columns of a string (CJK characters take two).
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

#[derive(Serialize)]
struct Problem {
    file: Option<String>,
    line: usize,
    column: usize,
    message: String,
    hint: Option<String>,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem {
            file: d.file.clone(),
            line: d.line,
            column: d.col,
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }
}

fn validate(ctx: &Ctx, args: ValidateArgs) -> Result<Exit> {
    let p = &ctx.printer;
    let diags = match ctx.profiles() {
        Ok(profiles) => {
            // the named cities must exist
            for c in &args.cities {
                ctx.site(c)?;
            }
            let checked = if args.cities.is_empty() {
                profiles.sites.len()
            } else {
                args.cities.len()
            };
            if p.json {
                p.json(&serde_json::json!({ "valid": true, "checked": checked, "errors": [] }))?;
            } else {
                p.text(format!(
                    "ok: {checked} profiles valid in environment `{}`",
                    profiles.env.name
                ))?;
            }
            return Ok(Exit::Success);
        }
        Err(e) => match e.downcast::<ConfigError>() {
            Ok(config) => config.diagnostics,
            Err(other) => return Err(other),
        },
    };
    // with cities named, problems in other cities' files do not count
    let wanted = |d: &Diagnostic| -> bool {
        if args.cities.is_empty() {
            return true;
        }
        let Some(file) = &d.file else { return true };
        let Some(stem) = city_file_stem(file) else {
            return true;
        };
        args.cities.iter().any(|c| c.eq_ignore_ascii_case(stem))
            || city_names_match(ctx, stem, &args.cities)
    };
    let diags: Vec<Diagnostic> = diags.into_iter().filter(|d| wanted(d)).collect();
    if diags.is_empty() {
        if p.json {
            p.json(
                &serde_json::json!({ "valid": true, "checked": args.cities.len(), "errors": [] }),
            )?;
        } else {
            p.text(format!(
                "ok: {} profiles valid (other cities have problems: run without arguments)",
                args.cities.len()
            ))?;
        }
        return Ok(Exit::Success);
    }
    if p.json {
        let problems: Vec<Problem> = diags.iter().map(Problem::from).collect();
        p.json(&serde_json::json!({ "valid": false, "errors": problems }))?;
        return Ok(Exit::Usage);
    }
    Err(ConfigError { diagnostics: diags }.into())
}

fn city_file_stem(file: &str) -> Option<&str> {
    let path = std::path::Path::new(file);
    let parent = path.parent()?.file_name()?.to_str()?;
    (parent == "cities")
        .then(|| path.file_stem()?.to_str())
        .flatten()
}

/// True when a Chinese name or code among `queries` means the city of file `stem`.
fn city_names_match(_ctx: &Ctx, stem: &str, queries: &[String]) -> bool {
    crate::profile::model::CITY_NAMES
        .iter()
        .find(|(_, _, pinyin)| *pinyin == stem)
        .is_some_and(|(code, name, _)| {
            queries
                .iter()
                .any(|q| q == code || q == name || q.as_str() == name.trim_end_matches('市'))
        })
}

#[derive(Serialize)]
struct DiffRow {
    key: String,
    a: Option<String>,
    b: Option<String>,
}

fn diff(ctx: &Ctx, args: DiffArgs) -> Result<Exit> {
    let a = ctx.site(&args.a)?;
    let b = ctx.site(&args.b)?;
    let fa: BTreeMap<String, String> = flatten(&a.merged).into_iter().collect();
    let fb: BTreeMap<String, String> = flatten(&b.merged).into_iter().collect();
    let mut keys: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    keys.sort();
    keys.dedup();
    let rows: Vec<DiffRow> = keys
        .into_iter()
        .filter(|k| fa.get(*k) != fb.get(*k))
        .map(|k| DiffRow {
            key: k.clone(),
            a: fa.get(k).cloned(),
            b: fb.get(k).cloned(),
        })
        .collect();
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
        return Ok(Exit::Success);
    }
    let mut t = p.table(&["key", a.pinyin(), b.pinyin()]);
    for r in &rows {
        t.add_row(vec![
            p.cell(&r.key, Tone::Plain),
            p.cell(r.a.as_deref().unwrap_or("—"), Tone::Plain),
            p.cell(r.b.as_deref().unwrap_or("—"), Tone::Plain),
        ]);
    }
    p.print_table(&t)?;
    p.note(format!("{} values differ", rows.len()));
    Ok(Exit::Success)
}
