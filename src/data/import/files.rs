//! Which files an import reads and whether it may: the files of a county folder in load
//! order, a check that every one can be read (and is the named county's) before anything
//! loads, and the lock that keeps two imports of a county apart.

use std::path::{Path, PathBuf};

use super::extract;
use super::{ImportError, Mapping, Result, Spec, wrong_county};
use crate::data::format::{self, Entity};

/// The county the folder of an extract file is, by the summary.json of the extracts beside it
/// (what `data synth` and the county exports write): that file and the county. None when there
/// is none, or it does not name the folder.
fn county_of_folder(file: &Path) -> Option<(PathBuf, String)> {
    let folder = file.parent()?.canonicalize().ok()?;
    let summary = folder.parent()?.join("summary.json");
    let text = std::fs::read_to_string(&summary).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let code = value["counties"].as_array()?.iter().find_map(|c| {
        let named = Path::new(c["folder"].as_str()?).canonicalize().ok()?;
        (named == folder).then(|| c["code"].as_str().map(str::to_string))?
    })?;
    Some((summary, code))
}

/// Takes the controller lock of one county's imports (`import-<city>-<county>`): a second
/// import of the county waits up to `wait` (`on_wait` is told who it waits for), then is
/// refused. Held until the returned lock is dropped.
pub fn lock_county(
    state_dir: &Path,
    city: &str,
    county: &str,
    wait: std::time::Duration,
    on_wait: &mut dyn FnMut(&crate::state::lock::Holder),
) -> Result<crate::state::lock::Lock, crate::state::lock::LockError> {
    crate::state::lock::acquire(
        state_dir,
        &format!("import-{city}-{county}"),
        &format!("import of {city} county {county}"),
        wait,
        on_wait,
    )
}

/// Opens every file and reads its header before any row is loaded: a file that cannot be
/// read stops the import before it changes anything. So does a file of persons or employers
/// whose rows are mostly another county's (read through once for it).
pub fn check_readable(files: &[(&'static Entity, PathBuf)], spec: &Spec<'_>) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    for (entity, path) in files {
        if let Some((summary, seems)) = county_of_folder(path)
            && seems != spec.county
        {
            return Err(ImportError::SummaryCounty {
                path: path.display().to_string(),
                summary: summary.display().to_string(),
                named: spec.county.to_string(),
                seems,
            });
        }
        let mut r =
            extract::open(entity, path, spec, &scratch.path().join("check.tmp")).map_err(|e| {
                ImportError::File {
                    path: path.display().to_string(),
                    message: format!("cannot be imported: {e}"),
                }
            })?;
        if entity.columns.iter().any(|c| c.name == "area_code") {
            // a failure to read it through is the import's to report, file by file
            if r.stream(&mut |_, _| Ok(()), &|_| {}).is_ok() {
                wrong_county(&r, path, spec)?;
            }
        }
    }
    Ok(())
}

/// The files of a county folder (or the files given), each with its entity, in load order
/// (persons and employers first).
pub fn files_of(
    paths: &[PathBuf],
    mapping: Option<&Mapping>,
) -> Result<Vec<(&'static Entity, PathBuf)>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect();
            entries.sort();
            for f in entries {
                if let Some(e) =
                    format::entity_of_file(&f.file_name().unwrap_or_default().to_string_lossy())
                {
                    out.push((e, f));
                }
            }
            continue;
        }
        let e = match mapping.and_then(|m| m.entity.as_deref()) {
            Some(name) => format::entity(name).ok_or_else(|| {
                ImportError::Usage(format!("the mapping names an unknown entity `{name}`"))
            })?,
            None => format::entity_of_file(&p.file_name().unwrap_or_default().to_string_lossy())
                .ok_or_else(|| {
                    ImportError::Usage(format!(
                        "{}: which entity? name the file persons.csv, contributions.csv … or use a mapping file",
                        p.display()
                    ))
                })?,
        };
        out.push((e, p.clone()));
    }
    let order = |e: &Entity| {
        format::ENTITIES
            .iter()
            .position(|x| x.name == e.name)
            .unwrap_or(99)
    };
    out.sort_by_key(|(e, p)| (order(e), p.clone()));
    Ok(out)
}
