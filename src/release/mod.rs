//! Releases of the unified application: a reproducible tarball plus a small manifest beside it
//! (`<name>-<version>.tar.gz` and `<name>-<version>.release.toml`), and the rollout that puts a
//! release on a city's servers.

pub mod check;
pub mod content;
pub mod journal;
pub mod place;
pub use rollout::lock;
pub mod plan;
pub mod remote;
pub mod rollback;
pub mod rollout;
pub mod run;
pub mod service;
pub mod timings;
pub mod version;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};
use serde::{Deserialize, Serialize};

/// Every entry of a release carries this time, so the same input packs to the same bytes.
const FIXED_MTIME: u64 = 1_199_145_600; // 2008-01-01, the year the pilots went live

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    /// The tarball's file name (beside the manifest).
    pub tarball: String,
    pub sha256: String,
    pub size: u64,
    pub files: u64,
    /// Bytes of all its files unpacked: the bound the checker and the servers' free-space
    /// test use (0 in manifests made before it was recorded).
    #[serde(default)]
    pub unpacked: u64,
    /// The schema version the release needs in the city database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<u32>,
    /// Health check, relative to the release folder (e.g. `bin/health-check`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    /// Templates in the release rendered with the city's profile on each server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{}", unsafe_message(tarball, entry, why))]
    Unsafe {
        tarball: String,
        entry: String,
        why: &'static str,
    },
    #[error("{tarball}: checksum {found} does not match the manifest's {expected}")]
    Checksum {
        tarball: String,
        expected: String,
        found: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    UnsafeValue(#[from] crate::profile::safe::Unsafe),
}

/// An entry's fault names the entry; the archive's own (a second gzip member) names the
/// archive.
fn unsafe_message(tarball: &str, entry: &str, why: &str) -> String {
    if entry.is_empty() {
        format!("unsafe archive {tarball}: it {why}")
    } else {
        format!("unsafe entry in {tarball}: `{entry}` {why}")
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> ReleaseError + '_ {
    move |source| ReleaseError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// `jinbao-release.toml` in a release's source folder: defaults for `release pack`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackDefaults {
    pub name: Option<String>,
    pub version: Option<String>,
    pub schema: Option<u32>,
    pub health: Option<String>,
}

/// The pack defaults of a source folder, and its VERSION file as the default version.
pub fn pack_defaults(src: &Path) -> Result<PackDefaults, ReleaseError> {
    let mut d = PackDefaults::default();
    if !src.is_dir() {
        return Ok(d);
    }
    let file = src.join("jinbao-release.toml");
    if file.is_file() {
        let text = std::fs::read_to_string(&file).map_err(io(&file))?;
        d = toml::from_str(&text)
            .map_err(|e| ReleaseError::Invalid(format!("{}: {}", file.display(), e.message())))?;
    }
    if d.version.is_none()
        && let Ok(v) = std::fs::read_to_string(src.join("VERSION"))
    {
        d.version = Some(v.trim().to_string()).filter(|v| !v.is_empty());
    }
    Ok(d)
}

/// A release on this machine: the manifest and where the tarball is.
#[derive(Debug, Clone)]
pub struct Release {
    pub manifest: Manifest,
    pub tarball: PathBuf,
    pub manifest_path: PathBuf,
    /// What the checker counted in the tarball.
    pub contents: check::Contents,
    /// What servers receive: the canonical archive written from the checked entries.
    pub canonical: check::Canonical,
    /// The text of every template the release carries (path in the release → source).
    pub templates: BTreeMap<String, String>,
}

pub fn manifest_path_for(tarball: &Path) -> PathBuf {
    let name = tarball.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.strip_suffix(".tar.gz").unwrap_or(&name);
    tarball.with_file_name(format!("{stem}.release.toml"))
}

/// Packs folder `dir` (or the contents of a tarball) as release `version`, into `out`.
pub fn pack(
    src: &Path,
    name: &str,
    version: &str,
    schema: Option<u32>,
    health: Option<String>,
    out: &Path,
) -> Result<Release, ReleaseError> {
    crate::profile::safe::version(version)?;
    crate::profile::safe::name(name)?;
    if let Some(h) = &health {
        crate::profile::safe::relative(h)
            .map_err(|e| ReleaseError::Invalid(format!("--health: {e}")))?;
    }
    let unpacked;
    let dir = if src.is_dir() {
        src.to_path_buf()
    } else {
        // unpacked from its canonical form: what the checker read, never the original bytes
        let checked = check::tarball(src, None, &[])?;
        unpacked = tempfile::tempdir().map_err(io(src))?;
        let mut archive =
            tar::Archive::new(flate2::read::GzDecoder::new(checked.canonical.0.as_slice()));
        archive.set_preserve_permissions(false);
        archive.set_preserve_ownerships(false);
        archive.set_unpack_xattrs(false);
        archive.unpack(unpacked.path()).map_err(io(src))?;
        unpacked.path().to_path_buf()
    };
    let mut entries = Vec::new();
    collect(&dir, &dir, &mut entries)?;
    entries.sort();
    std::fs::create_dir_all(out).map_err(io(out))?;
    let tar_name = format!("{name}-{version}.tar.gz");
    let tar_path = out.join(&tar_name);
    // written beside it and renamed when whole: a failed pack leaves nothing behind
    let partial = out.join(format!(".{tar_name}.partial"));
    let written = write_tarball(&dir, &entries, &partial).and_then(|packed| {
        std::fs::rename(&partial, &tar_path)
            .map_err(io(&tar_path))
            .map(|()| packed)
    });
    let packed = match written {
        Ok(packed) => packed,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    // the packed tarball passes the same checker every release passes when it is opened
    let bytes = check::read_file(&tar_path)?;
    let checked = match check::archive(
        &bytes,
        &tar_path.display().to_string(),
        None,
        &packed.templates,
    ) {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&tar_path);
            return Err(e);
        }
    };
    let manifest = Manifest {
        name: name.to_string(),
        version: version.to_string(),
        tarball: tar_name,
        sha256: crate::provision::resource::plan::sha256(&bytes),
        size: bytes.len() as u64,
        files: packed.files,
        unpacked: checked.contents.unpacked,
        schema,
        health: health.or(packed.health),
        templates: packed.templates,
    };
    let manifest_path = manifest_path_for(&tar_path);
    let text = toml::to_string(&manifest).map_err(|e| ReleaseError::Invalid(e.to_string()))?;
    std::fs::write(
        &manifest_path,
        format!("# release manifest, written by `jinbao release pack`\n{text}"),
    )
    .map_err(io(&manifest_path))?;
    Ok(Release {
        manifest,
        tarball: tar_path,
        manifest_path,
        contents: checked.contents,
        canonical: checked.canonical,
        templates: checked.templates,
    })
}

/// What packing found in a source folder.
struct Packed {
    files: u64,
    templates: Vec<String>,
    health: Option<String>,
}

/// Writes the entries of folder `dir` as a reproducible tarball at `path`.
fn write_tarball(dir: &Path, entries: &[PathBuf], path: &Path) -> Result<Packed, ReleaseError> {
    let file = std::fs::File::create(path).map_err(io(path))?;
    let gz = GzBuilder::new().mtime(0).write(file, Compression::new(6));
    let mut builder = tar::Builder::new(gz);
    let mut packed = Packed {
        files: 0,
        templates: Vec::new(),
        health: None,
    };
    for rel in entries {
        let full = dir.join(rel);
        let meta = std::fs::symlink_metadata(&full).map_err(io(&full))?;
        let mut header = tar::Header::new_gnu();
        header.set_mtime(FIXED_MTIME);
        header.set_uid(0);
        header.set_gid(0);
        let _ = header.set_username("root");
        let _ = header.set_groupname("root");
        let rel_str = rel.to_string_lossy().into_owned();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&full).map_err(io(&full))?;
            header.set_entry_type(tar::EntryType::Symlink);
            header.set_size(0);
            header.set_mode(0o777);
            builder
                .append_link(&mut header, rel, &target)
                .map_err(io(&full))?;
        } else if meta.is_dir() {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_size(0);
            header.set_mode(0o755);
            builder
                .append_data(&mut header, rel, std::io::empty())
                .map_err(io(&full))?;
        } else if meta.is_file() {
            use std::os::unix::fs::PermissionsExt;
            let exec = meta.permissions().mode() & 0o111 != 0;
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(meta.len());
            header.set_mode(if exec { 0o755 } else { 0o644 });
            let f = std::fs::File::open(&full).map_err(io(&full))?;
            builder
                .append_data(&mut header, rel, f.take(meta.len()))
                .map_err(io(&full))?;
            packed.files += 1;
            if rel_str.ends_with(".j2") {
                packed.templates.push(rel_str.clone());
            }
            let fname = rel.file_name().unwrap_or_default().to_string_lossy();
            if exec && fname.contains("health") && packed.health.is_none() {
                packed.health = Some(rel_str.clone());
            }
        } else {
            // a FIFO would block the pack, a device has no place in a release
            return Err(ReleaseError::Invalid(format!(
                "{} is not a file, folder or link (a FIFO, socket or device): a release holds none",
                full.display()
            )));
        }
    }
    builder
        .into_inner()
        .and_then(|gz| gz.finish())
        .and_then(|mut f| f.flush())
        .map_err(io(path))?;
    Ok(packed)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ReleaseError> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok())
        .collect();
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let path = e.path();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let ft = e.file_type().map_err(io(&path))?;
        out.push(rel);
        if ft.is_dir() {
            collect(root, &path, out)?;
        }
    }
    Ok(())
}

/// Reads a release from its tarball or manifest path, verifying the checksum and every entry.
pub fn open(path: &Path) -> Result<Release, ReleaseError> {
    let (manifest_path, tarball_hint) = if path.to_string_lossy().ends_with(".release.toml") {
        (path.to_path_buf(), None)
    } else {
        (manifest_path_for(path), Some(path.to_path_buf()))
    };
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        ReleaseError::Invalid(format!(
            "no release manifest {} ({e}): make releases with `jinbao release pack`",
            manifest_path.display()
        ))
    })?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| {
        ReleaseError::Invalid(format!("{}: {}", manifest_path.display(), e.message()))
    })?;
    check::manifest(&manifest, &manifest_path.display().to_string())?;
    let tarball = tarball_hint.unwrap_or_else(|| manifest_path.with_file_name(&manifest.tarball));
    if !tarball.is_file() {
        return Err(ReleaseError::Invalid(format!(
            "the release tarball {} is missing (its manifest is {})",
            tarball.display(),
            manifest_path.display()
        )));
    }
    // one reading: the checksum, the check and the canonical form all come from these bytes
    let bytes = check::read_file(&tarball)?;
    let sha = crate::provision::resource::plan::sha256(&bytes);
    if sha != manifest.sha256 {
        return Err(ReleaseError::Checksum {
            tarball: tarball.display().to_string(),
            expected: manifest.sha256.clone(),
            found: sha,
        });
    }
    let checked = check::archive(
        &bytes,
        &tarball.display().to_string(),
        Some(manifest.unpacked),
        &manifest.templates,
    )?;
    Ok(Release {
        manifest,
        tarball,
        manifest_path,
        contents: checked.contents,
        canonical: checked.canonical,
        templates: checked.templates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_is_reproducible_and_checked() {
        let src = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(src.path().join("bin")).unwrap();
        std::fs::write(src.path().join("bin/health-check"), "#!/bin/sh\nexit 0\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            src.path().join("bin/health-check"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        std::fs::write(src.path().join("VERSION"), "2.0\n").unwrap();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let ra = pack(src.path(), "app", "2.0", Some(8), None, a.path()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let rb = pack(src.path(), "app", "2.0", Some(8), None, b.path()).unwrap();
        assert_eq!(ra.manifest.sha256, rb.manifest.sha256);
        assert_eq!(ra.manifest.health.as_deref(), Some("bin/health-check"));
        assert_eq!(ra.manifest.files, 2);
        let opened = open(&ra.tarball).unwrap();
        assert_eq!(opened.manifest, ra.manifest);
        // tampering is caught
        std::fs::write(&ra.tarball, b"not a tarball").unwrap();
        assert!(matches!(
            open(&ra.tarball),
            Err(ReleaseError::Checksum { .. })
        ));
    }
}
