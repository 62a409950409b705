//! Releases of the unified application: a reproducible tarball plus a small manifest beside it
//! (`<name>-<version>.tar.gz` and `<name>-<version>.release.toml`), and the rollout that puts a
//! release on a city's servers.

pub mod check;
pub mod journal;
pub mod lock;
pub mod plan;
pub mod remote;
pub mod rollback;
pub mod rollout;
pub mod run;
pub mod timings;
pub mod version;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
    #[error("unsafe entry in {tarball}: `{entry}` {why}")]
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
        check::tarball(src, None)?;
        unpacked = tempfile::tempdir().map_err(io(src))?;
        let file = std::fs::File::open(src).map_err(io(src))?;
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
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
    let file = std::fs::File::create(&tar_path).map_err(io(&tar_path))?;
    let gz = GzBuilder::new().mtime(0).write(file, Compression::new(6));
    let mut builder = tar::Builder::new(gz);
    let mut files = 0u64;
    let mut templates = Vec::new();
    let mut health_found = None;
    for rel in &entries {
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
        } else {
            use std::os::unix::fs::PermissionsExt;
            let exec = meta.permissions().mode() & 0o111 != 0;
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(meta.len());
            header.set_mode(if exec { 0o755 } else { 0o644 });
            let f = std::fs::File::open(&full).map_err(io(&full))?;
            builder
                .append_data(&mut header, rel, f)
                .map_err(io(&full))?;
            files += 1;
            if rel_str.ends_with(".j2") {
                templates.push(rel_str.clone());
            }
            let fname = rel.file_name().unwrap_or_default().to_string_lossy();
            if exec && fname.contains("health") && health_found.is_none() {
                health_found = Some(rel_str.clone());
            }
        }
    }
    builder
        .into_inner()
        .and_then(|gz| gz.finish())
        .and_then(|mut f| f.flush())
        .map_err(io(&tar_path))?;
    // the packed tarball passes the same checker every release passes when it is opened
    let contents = match check::tarball(&tar_path, None) {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&tar_path);
            return Err(e);
        }
    };
    let (sha256, size) = digest(&tar_path)?;
    let manifest = Manifest {
        name: name.to_string(),
        version: version.to_string(),
        tarball: tar_name,
        sha256,
        size,
        files,
        unpacked: contents.unpacked,
        schema,
        health: health.or(health_found),
        templates,
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
        contents,
    })
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

/// SHA-256 and size of a file, streamed.
pub fn digest(path: &Path) -> Result<(String, u64), ReleaseError> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0;
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok((
        h.finalize().iter().map(|b| format!("{b:02x}")).collect(),
        size,
    ))
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
    let (sha, _) = digest(&tarball)?;
    if sha != manifest.sha256 {
        return Err(ReleaseError::Checksum {
            tarball: tarball.display().to_string(),
            expected: manifest.sha256.clone(),
            found: sha,
        });
    }
    let contents = check::tarball(&tarball, Some(manifest.unpacked))?;
    Ok(Release {
        manifest,
        tarball,
        manifest_path,
        contents,
    })
}

/// The largest template a release may carry.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// The text of every template the release carries (path in the release → source).
pub fn templates(release: &Release) -> Result<BTreeMap<String, String>, ReleaseError> {
    let mut out = BTreeMap::new();
    if release.manifest.templates.is_empty() {
        return Ok(out);
    }
    let file = std::fs::File::open(&release.tarball).map_err(io(&release.tarball))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in archive.entries().map_err(io(&release.tarball))? {
        let mut entry = entry.map_err(io(&release.tarball))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if release.manifest.templates.contains(&name) {
            let mut text = String::new();
            (&mut entry)
                .take(MAX_TEMPLATE_BYTES)
                .read_to_string(&mut text)
                .map_err(io(&release.tarball))?;
            out.insert(name, text);
        }
    }
    Ok(out)
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
