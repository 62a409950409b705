//! What one `data import` loads: which county each extract is (named with `--county`, or
//! by the folder it is in, so a city's counties load in one command), and the files of a
//! county one after another, each its own transaction.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::format::Entity;
use super::import::{self, ImportError, Manifest, Spec};
use crate::db::Conn;

/// The extracts of one county, as the command line gave them.
#[derive(Debug, Clone, PartialEq)]
pub struct CountyExtracts {
    pub county: String,
    pub paths: Vec<PathBuf>,
}

/// The counties of `paths` when no `--county` names one: a folder named by one of the city's
/// county codes is that county's extract, and a folder holding such folders (what `data
/// synth --out` writes) is one extract per county. Anything else needs `--county`.
pub fn counties_of(
    paths: &[PathBuf],
    counties: &[String],
) -> Result<Vec<CountyExtracts>, ImportError> {
    let county_of = |p: &Path| {
        let name = p.file_name()?.to_str()?;
        (p.is_dir() && counties.iter().any(|c| c == name)).then(|| name.to_string())
    };
    let mut found: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for p in paths {
        if let Some(county) = county_of(p) {
            found.entry(county).or_default().push(p.clone());
            continue;
        }
        let inside: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => Vec::new(),
        };
        let mut any = false;
        for q in inside {
            if let Some(county) = county_of(&q) {
                found.entry(county).or_default().push(q);
                any = true;
            }
        }
        if !any {
            return Err(ImportError::Usage(format!(
                "{}: which county? name it with --county, or give folders named by the city's county codes ({})",
                p.display(),
                counties.join(", ")
            )));
        }
    }
    Ok(found
        .into_iter()
        .map(|(county, mut paths)| {
            paths.sort();
            CountyExtracts { county, paths }
        })
        .collect())
}

/// How far the import of the files has come, for a bar.
pub enum FileEvent<'a> {
    /// A file begins: its name and size in bytes.
    Start {
        name: &'a str,
        bytes: u64,
    },
    /// Bytes of it read so far.
    Read(u64),
    Done,
}

/// A file that failed, and how far the county's import had come before it.
#[derive(Debug, thiserror::Error)]
#[error(
    "importing {} ({loaded_before} of {files} files loaded before it; import the rest again once it is fixed)",
    path.display()
)]
pub struct FileFailed {
    pub path: PathBuf,
    pub loaded_before: usize,
    pub files: usize,
    #[source]
    pub error: ImportError,
}

/// Imports `files` in order, each in its own transaction: a failure stops at that file and
/// the ones before stay loaded (the manifests say which).
pub fn import_files(
    conn: &mut Conn,
    files: &[(&'static Entity, PathBuf)],
    spec: &Spec<'_>,
    on: &mut dyn FnMut(FileEvent),
) -> (Vec<Manifest>, Option<FileFailed>) {
    let on = RefCell::new(on);
    let mut manifests = Vec::new();
    for (entity, path) in files {
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        (on.borrow_mut())(FileEvent::Start { name: &name, bytes });
        let m = import::import_file(conn, entity, path, spec, &|n| {
            (on.borrow_mut())(FileEvent::Read(n))
        });
        (on.borrow_mut())(FileEvent::Done);
        match m {
            Ok(m) => manifests.push(m),
            Err(error) => {
                let failed = FileFailed {
                    path: path.clone(),
                    loaded_before: manifests.len(),
                    files: files.len(),
                    error,
                };
                return (manifests, Some(failed));
            }
        }
    }
    (manifests, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_folders_name_their_counties() {
        let dir = tempfile::tempdir().unwrap();
        for c in ["410602", "410603", "notes"] {
            std::fs::create_dir(dir.path().join(c)).unwrap();
        }
        let counties = vec!["410602".to_string(), "410603".into(), "410611".into()];
        let all = counties_of(&[dir.path().to_path_buf()], &counties).unwrap();
        assert_eq!(
            all.iter().map(|c| c.county.as_str()).collect::<Vec<_>>(),
            ["410602", "410603"]
        );
        let one = counties_of(&[dir.path().join("410603")], &counties).unwrap();
        assert_eq!(one[0].paths, [dir.path().join("410603")]);
        let err = counties_of(&[dir.path().join("notes")], &counties).unwrap_err();
        assert!(err.to_string().contains("--county"), "{err}");
    }
}
