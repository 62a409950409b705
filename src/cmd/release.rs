//! `jinbao release pack|inspect`: make a reproducible release, and show and verify one.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Exit, usage};
use crate::output::Tone;
use crate::release;
use crate::release::place::{self, Out, Placed};

#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Pack a folder (or a tarball's contents) as a release: sorted entries, fixed times
    #[command(after_help = "Examples:
  jinbao release pack examples/unified-app --version 1.1.0 --out releases
  jinbao release pack examples/unified-app --out releases/unified-1.1.0.tar.gz
  jinbao release pack old.tar.gz --version 1.0.1 --schema 8   # repack a tarball")]
    Pack(PackArgs),
    /// Show a release's manifest and verify its checksum and every entry
    #[command(after_help = "Examples:
  jinbao release inspect releases/jinbao-unified-1.1.0.tar.gz
  jinbao release inspect releases/jinbao-unified-1.1.0.release.toml --json")]
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
    /// Where the release goes: a file name ending in .tar.gz (its manifest beside it), or a
    /// folder (as <name>-<version>.tar.gz)
    #[arg(long, default_value = ".", value_name = "FILE.tar.gz|DIR")]
    pub out: PathBuf,
}

impl PackArgs {
    fn request(&self) -> place::PackRequest {
        place::PackRequest {
            src: self.src.clone(),
            version: self.version.clone(),
            schema: self.schema,
            name: self.name.clone(),
            health: self.health.clone(),
            out: self.out.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The tarball, or its .release.toml manifest
    pub release: PathBuf,
}

pub fn run(ctx: &Ctx, command: ReleaseCommand) -> Result<Exit> {
    match command {
        ReleaseCommand::Pack(a) => {
            let (r, placed) = place::pack_and_place(&a.request())?;
            let what = match (placed.repacked, placed.out) {
                (false, Out::File) => "already packed as that file, with the same content",
                (false, Out::Folder) => "already packed in that folder, with the same content",
                (true, Out::File) => "packed as the file named by --out",
                (true, Out::Folder) => "packed into the folder named by --out",
            };
            show(ctx, &r, what, Some(&placed))
        }
        ReleaseCommand::Inspect(a) => {
            let opened = if place::is_tarball_name(&a.release) && !a.release.exists() {
                Err(usage(
                    format!("the release tarball {} does not exist", a.release.display()),
                    "make it with `jinbao release pack DIR --out FILE.tar.gz`",
                ))
            } else {
                release::open(&a.release).map_err(anyhow::Error::from)
            };
            match opened {
                Ok(r) => show(ctx, &r, "verified", None),
                Err(e) => {
                    if ctx.printer.json {
                        ctx.printer
                            .json(&serde_json::json!({ "valid": false, "error": e.to_string() }))?;
                        return Ok(Exit::Failure);
                    }
                    Err(e)
                }
            }
        }
    }
}

fn show(ctx: &Ctx, r: &release::Release, what: &str, placed: Option<&Placed>) -> Result<Exit> {
    let p = &ctx.printer;
    if p.json {
        let mut doc = serde_json::json!({
            "valid": true,
            "manifest": r.manifest,
            "tarball": r.tarball,
            "manifest_path": r.manifest_path,
        });
        if let Some(placed) = placed {
            doc["out"] = match placed.out {
                Out::File => "file",
                Out::Folder => "folder",
            }
            .into();
            doc["repacked"] = placed.repacked.into();
        }
        p.json(&doc)?;
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
