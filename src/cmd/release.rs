//! `jinbao release pack|inspect`: make a reproducible release, and show and verify one.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Exit, usage};
use crate::output::Tone;
use crate::release;

#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Pack a folder (or a tarball's contents) as a release: sorted entries, fixed times
    Pack(PackArgs),
    /// Show a release's manifest and verify its checksum and every entry
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct PackArgs {
    /// The application's folder, or a tarball to repack
    pub src: PathBuf,
    /// Release version [default: the folder's VERSION file]
    #[arg(long)]
    pub version: Option<String>,
    /// Schema version the release needs in the city databases
    #[arg(long, value_name = "VERSION", value_parser = crate::cli::schema_version)]
    pub schema: Option<u32>,
    /// Application name [default: jinbao-unified]
    #[arg(long)]
    pub name: Option<String>,
    /// Health check, relative to the release [default: the executable named *health*]
    #[arg(long, value_name = "PATH")]
    pub health: Option<String>,
    /// Folder for the tarball and its manifest
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The tarball, or its .release.toml manifest
    pub release: PathBuf,
}

pub fn run(ctx: &Ctx, command: ReleaseCommand) -> Result<Exit> {
    match command {
        ReleaseCommand::Pack(a) => {
            let r = pack(&a)?;
            show(ctx, &r, "packed")
        }
        ReleaseCommand::Inspect(a) => match release::open(&a.release) {
            Ok(r) => show(ctx, &r, "verified"),
            Err(e) => {
                if ctx.printer.json {
                    ctx.printer
                        .json(&serde_json::json!({ "valid": false, "error": e.to_string() }))?;
                    return Ok(Exit::Failure);
                }
                Err(e.into())
            }
        },
    }
}

/// Packs per the arguments and the folder's defaults.
pub fn pack(a: &PackArgs) -> Result<release::Release> {
    let d = release::pack_defaults(&a.src)?;
    let version = a.version.clone().or(d.version).ok_or_else(|| {
        usage(
            format!("no version for {}", a.src.display()),
            "pass --version, or put a VERSION file in the folder",
        )
    })?;
    let name = a
        .name
        .clone()
        .or(d.name)
        .unwrap_or_else(|| "jinbao-unified".into());
    Ok(release::pack(
        &a.src,
        &name,
        &version,
        a.schema.or(d.schema),
        a.health.clone().or(d.health),
        &a.out,
    )?)
}

fn show(ctx: &Ctx, r: &release::Release, what: &str) -> Result<Exit> {
    let p = &ctx.printer;
    if p.json {
        p.json(&serde_json::json!({
            "valid": true,
            "manifest": r.manifest,
            "tarball": r.tarball,
            "manifest_path": r.manifest_path,
        }))?;
        return Ok(Exit::Success);
    }
    let m = &r.manifest;
    let mut t = p.table(&["", ""]);
    for (k, v) in [
        ("name", m.name.clone()),
        ("version", m.version.clone()),
        ("tarball", r.tarball.display().to_string()),
        ("manifest", r.manifest_path.display().to_string()),
        ("sha256", m.sha256.clone()),
        ("size", format!("{} bytes, {} files", m.size, m.files)),
        (
            "schema",
            m.schema
                .map_or("(none required)".into(), |s| format!("V{s:03}")),
        ),
        (
            "health",
            m.health.clone().unwrap_or_else(|| "(the profile's)".into()),
        ),
        ("templates", m.templates.join(", ")),
    ] {
        t.add_row(vec![p.cell(k, Tone::Muted), p.cell(v, Tone::Plain)]);
    }
    p.print_table(&t)?;
    p.note(format!("{what}: checksum and every entry are sound"));
    Ok(Exit::Success)
}
