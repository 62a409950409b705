//! The rules every entry of a release must follow: a normalised path inside the release, one
//! entry per path, files within the unpacked bound, links that resolve inside the release and
//! nothing written through a link.

use std::collections::HashSet;

use super::Contents;

/// An entry as checked (a hard link is already a file: its canonical form is a copy).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    File,
    Dir,
    Symlink(String),
}

impl Kind {
    fn word(&self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::Dir => "folder",
            Kind::Symlink(_) => "link",
        }
    }
}

/// One more file of `size` bytes in the release, within the unpacked bound.
pub(super) fn count_file(c: &mut Contents, size: u64, limit: u64) -> Result<(), &'static str> {
    c.files += 1;
    c.unpacked = c.unpacked.saturating_add(size);
    if c.unpacked > limit {
        return Err("takes the release past its unpacked size (the manifest's, or 4 GiB)");
    }
    Ok(())
}

/// Whether a path seen `before` may come again as `now` (true: skip it, a folder named
/// twice); a path that comes back at all otherwise is refused (tar tools disagree on which
/// one stays).
pub(super) fn again(before: Option<&Kind>, now: &Kind) -> Result<bool, &'static str> {
    match before {
        None => Ok(false),
        Some(Kind::Dir) if *now == Kind::Dir => Ok(true),
        Some(b) if b.word() != now.word() => {
            Err("comes back as another type: tar tools disagree on which one stays")
        }
        Some(_) => Err("appears twice: tar tools disagree on which one stays"),
    }
}

/// An entry's path, normalised (`./a/b/` → `a/b`), or why it is unsafe.
pub(super) fn normal(raw: &str) -> Result<String, &'static str> {
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
/// a link (it would be written through it) or below a file.
pub(super) fn structure(entries: &[(String, Kind)]) -> Result<(), (String, &'static str)> {
    let links: HashSet<&str> = entries
        .iter()
        .filter(|(_, k)| matches!(k, Kind::Symlink(_)))
        .map(|(p, _)| p.as_str())
        .collect();
    let files: HashSet<&str> = entries
        .iter()
        .filter(|(_, k)| matches!(k, Kind::File))
        .map(|(p, _)| p.as_str())
        .collect();
    // the first proper prefix of `path` that is in `set`
    let below = |set: &HashSet<&str>, path: &str| -> bool {
        path.match_indices('/')
            .any(|(i, _)| set.contains(&path[..i]))
    };
    for (path, kind) in entries {
        if below(&links, path) {
            return Err((
                path.clone(),
                "lies below a link: it would be written through it",
            ));
        }
        if below(&files, path) {
            return Err((path.clone(), "lies below a file"));
        }
        if let Kind::Symlink(target) = kind {
            if target.is_empty() || target.chars().any(char::is_control) {
                return Err((
                    path.clone(),
                    "is a link with an empty or unprintable target",
                ));
            }
            if target.starts_with('/') {
                return Err((path.clone(), "is a link to an absolute path"));
            }
            let base = path.rsplit_once('/').map_or("", |(d, _)| d);
            let resolved = resolve(base, target)
                .ok_or((path.clone(), "is a link that escapes the release folder"))?;
            if links.contains(resolved.as_str()) || below(&links, &resolved) {
                return Err((
                    path.clone(),
                    "is a link to a link: links must point at files or folders",
                ));
            }
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
        // a file, then something below it
        assert!(check(vec![("f", File), ("f/g", File)]).is_err());
        assert_eq!(resolve("a/b", "../c"), Some("a/c".into()));
        assert_eq!(resolve("", "../c"), None);
        assert_eq!(normal("./a//b/"), Ok("a/b".into()));
    }
}
