//! Where a pack goes: packed into a scratch folder beside the destination, then the tarball and
//! its manifest put in place. A version packed before is kept when its content is the same and
//! refused when it differs: a version names one content, everywhere it was copied to.

use std::path::{Path, PathBuf};

use super::{Release, ReleaseError};

/// What to pack and where (`release pack`'s arguments; a rollout of a folder asks the same).
#[derive(Debug, Clone, Default)]
pub struct PackRequest {
    /// The application's folder, or a tarball to repack.
    pub src: PathBuf,
    pub version: Option<String>,
    pub schema: Option<u32>,
    pub name: Option<String>,
    pub health: Option<String>,
    /// A file name ending in `.tar.gz`, or a folder.
    pub out: PathBuf,
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

#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error("no version for {0}")]
    NoVersion(String),
    #[error("--out {0} is neither a folder nor a .tar.gz file name")]
    BadOut(String),
    #[error("{tarball} is there already and is no sound release: {source}")]
    NotARelease {
        tarball: String,
        source: ReleaseError,
    },
    #[error("{tarball} holds version {holds}, not {version}")]
    OtherVersion {
        tarball: String,
        holds: String,
        version: String,
    },
    #[error(
        "version {version} was packed before with other content ({tarball}, sha256 {before}…); this content would be {now}…"
    )]
    OtherContent {
        version: String,
        tarball: String,
        before: String,
        now: String,
    },
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Pack(#[from] ReleaseError),
}

impl crate::error::Explain for PlaceError {
    /// The request itself is wrong (the user's to change) unless the machine failed.
    fn exit(&self) -> crate::error::Exit {
        match self {
            PlaceError::Io { .. } | PlaceError::Pack(_) => crate::error::Exit::Failure,
            _ => crate::error::Exit::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            PlaceError::NoVersion(_) => "pass --version, or put a VERSION file in the folder",
            PlaceError::BadOut(_) => {
                "give a folder (the release is named <name>-<version>.tar.gz in it) or FILE.tar.gz"
            }
            PlaceError::NotARelease { .. } => "remove it, or pack somewhere else",
            PlaceError::OtherVersion { .. } => {
                "name the file after its version, or pack into a folder"
            }
            PlaceError::OtherContent { .. } => {
                "a version names one content: give this one a new version (--version, or the VERSION file)"
            }
            PlaceError::Io { .. } | PlaceError::Pack(_) => return None,
        }.into())
    }
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> PlaceError {
    let path = path.display().to_string();
    move |source| PlaceError::Io { what, path, source }
}

/// The first 12 characters of a digest, as people compare them (a manifest's field is never
/// sliced where it could be shorter or cut a character).
fn short_digest(sha256: &str) -> String {
    sha256.chars().take(12).collect()
}

pub fn is_tarball_name(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".tar.gz")
}

/// Packs per the request and the folder's defaults, and puts the release in place.
pub fn pack_and_place(a: &PackRequest) -> Result<(Release, Placed), PlaceError> {
    let d = super::pack_defaults(&a.src)?;
    let version = a
        .version
        .clone()
        .or(d.version)
        .ok_or_else(|| PlaceError::NoVersion(a.src.display().to_string()))?;
    let name = a
        .name
        .clone()
        .or(d.name)
        .unwrap_or_else(|| "jinbao-unified".into());
    let out = if is_tarball_name(&a.out) {
        Out::File
    } else if a.out.is_file() || a.out.extension().is_some_and(|e| e == "gz" || e == "tgz") {
        return Err(PlaceError::BadOut(a.out.display().to_string()));
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
    std::fs::create_dir_all(&folder).map_err(io("cannot make the folder", &folder))?;
    let scratch = tempfile::Builder::new()
        .prefix(".jinbao-pack-")
        .tempdir_in(&folder)
        .map_err(io("cannot write in", &folder))?;
    let packed = super::pack(
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
    let manifest_path = super::manifest_path_for(&tarball);
    if tarball.exists() || manifest_path.exists() {
        let before = super::open(&tarball).map_err(|source| PlaceError::NotARelease {
            tarball: tarball.display().to_string(),
            source,
        })?;
        if before.manifest.version != version {
            return Err(PlaceError::OtherVersion {
                tarball: tarball.display().to_string(),
                holds: before.manifest.version,
                version,
            });
        }
        if before.manifest.sha256 != packed.manifest.sha256 {
            return Err(PlaceError::OtherContent {
                version,
                tarball: tarball.display().to_string(),
                before: short_digest(&before.manifest.sha256),
                now: short_digest(&packed.manifest.sha256),
            });
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
        .map_err(io("cannot move the release to", &tarball))?;
    let text = toml::to_string(&manifest)
        .map_err(|e| ReleaseError::Invalid(format!("the release manifest: {e}")))?;
    crate::files::write_atomic(
        &manifest_path,
        format!("# release manifest, written by `jinbao release pack`\n{text}").as_bytes(),
    )
    .map_err(io("cannot write", &manifest_path))?;
    let placed = Release {
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
