//! What makes a release safe to put on a server, checked before any server sees it: every
//! manifest field in its safe set, and every entry of the tarball — paths normalised and inside
//! the release, no device or special file, no setuid bit, links that resolve inside the release
//! without passing through another link, nothing written through a link, and an unpacked size
//! and entry count within bounds (a gzip bomb stops at the bound, not at a full disk).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use super::{Manifest, ReleaseError, io};
use crate::profile::safe;

/// The most a release may unpack to, whatever its manifest says.
pub const MAX_UNPACKED: u64 = 4 << 30;
/// The most entries a release may have.
pub const MAX_ENTRIES: u64 = 20_000;

/// What the tarball holds, counted while checking it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contents {
    pub files: u64,
    pub entries: u64,
    /// Bytes of all regular files together.
    pub unpacked: u64,
}

/// Every manifest field in its safe set: these become paths and words on servers.
pub fn manifest(m: &Manifest, shown: &str) -> Result<(), ReleaseError> {
    let bad =
        |field: &str, why: String| ReleaseError::Invalid(format!("{shown}: `{field}`: {why}"));
    safe::name(&m.name).map_err(|e| bad("name", e.to_string()))?;
    safe::version(&m.version).map_err(|e| bad("version", e.to_string()))?;
    safe::name(&m.tarball).map_err(|e| bad("tarball", e.to_string()))?;
    // only opened beside the manifest (never named on a server): any plain name `--out` gave
    if !m.tarball.ends_with(".tar.gz") {
        return Err(bad(
            "tarball",
            format!("`{}` does not end in .tar.gz", safe::excerpt(&m.tarball)),
        ));
    }
    if m.sha256.len() != 64 || !m.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("sha256", "must be 64 hexadecimal digits".into()));
    }
    if let Some(h) = &m.health {
        safe::relative(h).map_err(|e| bad("health", e.to_string()))?;
    }
    for t in &m.templates {
        safe::relative(t).map_err(|e| bad("templates", e.to_string()))?;
        if !t.ends_with(".j2") {
            return Err(bad(
                "templates",
                format!("`{}` does not end in .j2", safe::excerpt(t)),
            ));
        }
    }
    if m.unpacked > MAX_UNPACKED {
        return Err(bad(
            "unpacked",
            format!(
                "{} bytes is more than the {MAX_UNPACKED} a release may unpack to",
                m.unpacked
            ),
        ));
    }
    Ok(())
}

enum Kind {
    File,
    Dir,
    Symlink(String),
    HardLink(String),
}

/// Checks every entry of a tarball, reading at most `limit` unpacked bytes (and never more
/// than [`MAX_UNPACKED`]).
pub fn tarball(path: &Path, limit: Option<u64>) -> Result<Contents, ReleaseError> {
    let limit = limit
        .filter(|l| *l > 0)
        .unwrap_or(MAX_UNPACKED)
        .min(MAX_UNPACKED);
    let file = std::fs::File::open(path).map_err(io(path))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let shown = path.display().to_string();
    let unsafe_entry = |entry: &str, why: &'static str| ReleaseError::Unsafe {
        tarball: shown.clone(),
        entry: safe::excerpt(entry),
        why,
    };
    let mut c = Contents::default();
    let mut entries: Vec<(String, Kind)> = Vec::new();
    for entry in archive.entries().map_err(io(path))? {
        let mut entry = entry.map_err(io(path))?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions()
            || kind.is_gnu_longname()
            || kind.is_gnu_longlink()
        {
            continue;
        }
        c.entries += 1;
        if c.entries > MAX_ENTRIES {
            return Err(unsafe_entry(
                &raw,
                "is one entry too many: a release has at most 20,000",
            ));
        }
        let rel = normal(&raw).map_err(|why| unsafe_entry(&raw, why))?;
        let mode = entry.header().mode().unwrap_or(0);
        if mode & 0o7000 != 0 {
            return Err(unsafe_entry(&raw, "has a setuid, setgid or sticky bit"));
        }
        let link = || {
            entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        };
        let k = match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                c.files += 1;
                let size = entry.header().size().unwrap_or(u64::MAX);
                c.unpacked = c.unpacked.saturating_add(size);
                if c.unpacked > limit {
                    return Err(unsafe_entry(
                        &raw,
                        "takes the release past its unpacked size (the manifest's, or 4 GiB)",
                    ));
                }
                // read the data through, so that what the header claims is what is there
                let read = std::io::copy(&mut (&mut entry).take(size), &mut std::io::sink())
                    .map_err(io(path))?;
                if read != size {
                    return Err(unsafe_entry(&raw, "is shorter than its header says"));
                }
                Kind::File
            }
            tar::EntryType::Directory => Kind::Dir,
            tar::EntryType::Symlink => Kind::Symlink(link()),
            tar::EntryType::Link => Kind::HardLink(link()),
            _ => {
                return Err(unsafe_entry(
                    &raw,
                    "is a device, fifo or other special file",
                ));
            }
        };
        entries.push((rel, k));
    }
    structure(&entries).map_err(|(entry, why)| unsafe_entry(&entry, why))?;
    Ok(c)
}

/// An entry's path, normalised (`./a/b/` → `a/b`), or why it is unsafe.
fn normal(raw: &str) -> Result<String, &'static str> {
    if raw.starts_with('/') {
        return Err("has an absolute path");
    }
    let mut parts = Vec::new();
    for p in raw.split('/') {
        match p {
            "" | "." => {}
            ".." => return Err("climbs out with `..`"),
            p if p.chars().any(char::is_control) => {
                return Err("has a control character in its name");
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Ok(String::new());
    }
    Ok(parts.join("/"))
}

/// Links resolved against the release root: a symbolic link must point inside the release, at
/// something that is not itself a link, along a path with no link in it; no entry may lie below
/// a link (it would be written through it); a hard link must name a regular file of the release.
fn structure(entries: &[(String, Kind)]) -> Result<(), (String, &'static str)> {
    let links: HashSet<&str> = entries
        .iter()
        .filter(|(_, k)| matches!(k, Kind::Symlink(_)))
        .map(|(p, _)| p.as_str())
        .collect();
    let files: HashMap<&str, ()> = entries
        .iter()
        .filter(|(_, k)| matches!(k, Kind::File))
        .map(|(p, _)| (p.as_str(), ()))
        .collect();
    let through_link = |path: &str| -> bool {
        let mut prefix = String::new();
        for part in path.split('/') {
            if links.contains(prefix.as_str()) && !prefix.is_empty() {
                return true;
            }
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
        }
        false
    };
    for (path, kind) in entries {
        if through_link(path) {
            return Err((
                path.clone(),
                "lies below a link: it would be written through it",
            ));
        }
        match kind {
            Kind::Symlink(target) => {
                if target.starts_with('/') {
                    return Err((path.clone(), "is a link to an absolute path"));
                }
                let base = path.rsplit_once('/').map_or("", |(d, _)| d);
                let resolved = resolve(base, target)
                    .ok_or((path.clone(), "is a link that escapes the release folder"))?;
                if links.contains(resolved.as_str()) || through_link(&resolved) {
                    return Err((
                        path.clone(),
                        "is a link to a link: links must point at files or folders",
                    ));
                }
            }
            Kind::HardLink(target) => {
                let t = normal(target)
                    .map_err(|_| (path.clone(), "is a hard link that leads out of the release"))?;
                if !files.contains_key(t.as_str()) {
                    return Err((
                        path.clone(),
                        "is a hard link to something that is not a file of the release",
                    ));
                }
            }
            Kind::File | Kind::Dir => {}
        }
    }
    Ok(())
}

/// `target` seen from folder `base`, both inside the release; None when it climbs out.
fn resolve(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(entries: Vec<(&str, Kind)>) -> Result<(), (String, &'static str)> {
        let e: Vec<(String, Kind)> = entries
            .into_iter()
            .map(|(p, k)| (p.to_string(), k))
            .collect();
        structure(&e)
    }

    #[test]
    fn links_resolve_inside_and_never_through_links() {
        use Kind::*;
        assert!(
            check(vec![
                ("bin", Dir),
                ("bin/x", File),
                ("lib", Symlink("bin".into()))
            ])
            .is_ok()
        );
        assert!(check(vec![("a/b", Symlink("../../etc".into()))]).is_err());
        // a chain: each step looks harmless as text
        assert!(
            check(vec![
                ("a", Symlink("b".into())),
                ("b", Symlink("c".into())),
                ("c", Dir)
            ])
            .is_err()
        );
        // symlink, then a file below it: written through the link
        assert!(
            check(vec![
                ("d", Symlink("x".into())),
                ("x", Dir),
                ("d/evil", File)
            ])
            .is_err()
        );
        assert!(check(vec![("h", HardLink("../etc/passwd".into()))]).is_err());
        assert!(check(vec![("f", File), ("h", HardLink("f".into()))]).is_ok());
        assert_eq!(resolve("a/b", "../c"), Some("a/c".into()));
        assert_eq!(resolve("", "../c"), None);
        assert_eq!(normal("./a//b/"), Ok("a/b".into()));
    }
}
