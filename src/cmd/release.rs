//! `jinbao release pack|inspect`: make a reproducible release, and show and verify one.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Exit, usage};
use crate::output::Tone;
use crate::release;

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

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The tarball, or its .release.toml manifest
    pub release: PathBuf,
}

pub fn run(ctx: &Ctx, command: ReleaseCommand) -> Result<Exit> {
    match command {
        ReleaseCommand::Pack(a) => {
            let (r, placed) = pack_placed(&a)?;
            let what = match (placed.repacked, placed.out) {
                (false, Out::File) => "already packed as that file, with the same content",
                (false, Out::Folder) => "already packed in that folder, with the same content",
                (true, Out::File) => "packed as the file named by --out",
                (true, Out::Folder) => "packed into the folder named by --out",
            };
            show(ctx, &r, what, Some(&placed))
        }
        ReleaseCommand::Inspect(a) => {
            let opened = if is_tarball_name(&a.release) && !a.release.exists() {
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

/// What `--out` named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    /// A file name ending in `.tar.gz`: the tarball itself.
    File,
    /// A folder, made when missing: `<name>-<version>.tar.gz` in it.
    Folder,
}

/// Where a pack went.
#[derive(Debug, Clone)]
pub struct Placed {
    pub out: Out,
    /// False when the same version with the same content was there already (nothing written).
    pub repacked: bool,
}

fn is_tarball_name(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".tar.gz")
}

/// Packs per the arguments and the folder's defaults.
pub fn pack(a: &PackArgs) -> Result<release::Release> {
    Ok(pack_placed(a)?.0)
}

/// Packs into a scratch folder beside the destination, then puts the tarball and its manifest
/// in place; a version packed before is kept when its content is the same and refused when it
/// differs (a version names one content, everywhere it was copied to).
pub fn pack_placed(a: &PackArgs) -> Result<(release::Release, Placed)> {
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
    let out = if is_tarball_name(&a.out) {
        Out::File
    } else if a.out.is_file() || a.out.extension().is_some_and(|e| e == "gz" || e == "tgz") {
        return Err(usage(
            format!(
                "--out {} is neither a folder nor a .tar.gz file name",
                a.out.display()
            ),
            "give a folder (the release is named <name>-<version>.tar.gz in it) or FILE.tar.gz",
        ));
    } else {
        Out::Folder
    };
    let folder = match out {
        Out::File => a
            .out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        Out::Folder => a.out.clone(),
    };
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot make the folder {}", folder.display()))?;
    let scratch = tempfile::Builder::new()
        .prefix(".jinbao-pack-")
        .tempdir_in(&folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    let packed = release::pack(
        &a.src,
        &name,
        &version,
        a.schema.or(d.schema),
        a.health.clone().or(d.health),
        scratch.path(),
    )?;
    let tarball = match out {
        Out::File => a.out.clone(),
        Out::Folder => folder.join(&packed.manifest.tarball),
    };
    let manifest_path = release::manifest_path_for(&tarball);
    if tarball.exists() || manifest_path.exists() {
        let before = release::open(&tarball).map_err(|e| {
            usage(
                format!(
                    "{} is there already and is no sound release: {e}",
                    tarball.display()
                ),
                "remove it, or pack somewhere else",
            )
        })?;
        if before.manifest.version != version {
            return Err(usage(
                format!(
                    "{} holds version {}, not {version}",
                    tarball.display(),
                    before.manifest.version
                ),
                "name the file after its version, or pack into a folder",
            ));
        }
        if before.manifest.sha256 != packed.manifest.sha256 {
            return Err(usage(
                format!(
                    "version {version} was packed before with other content ({}, sha256 {}…); \
                     this content would be {}…",
                    tarball.display(),
                    &before.manifest.sha256[..12],
                    &packed.manifest.sha256[..12]
                ),
                "a version names one content: give this one a new version (--version, or the VERSION file)",
            ));
        }
        return Ok((
            before,
            Placed {
                out,
                repacked: false,
            },
        ));
    }
    let mut manifest = packed.manifest.clone();
    manifest.tarball = tarball
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::rename(&packed.tarball, &tarball)
        .with_context(|| format!("cannot move the release to {}", tarball.display()))?;
    let text = toml::to_string(&manifest).context("the release manifest")?;
    crate::state::files::write_atomic(
        &manifest_path,
        format!("# release manifest, written by `jinbao release pack`\n{text}").as_bytes(),
    )
    .with_context(|| format!("cannot write {}", manifest_path.display()))?;
    let placed = release::Release {
        manifest,
        tarball,
        manifest_path,
        contents: packed.contents,
        canonical: packed.canonical,
        templates: packed.templates,
    };
    Ok((
        placed,
        Placed {
            out,
            repacked: true,
        },
    ))
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
