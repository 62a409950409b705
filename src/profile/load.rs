//! Reads every profile file, checks each against its schema, merges the layers of every site
//! and runs the semantic checks. All problems are collected before giving up.

use std::path::{Path, PathBuf};

use super::source::ProfileFile;
use super::{EnvFile, EnvInfo, Profiles, ProvinceFile, SiteProfile, validate};
use crate::diagnostic::{ConfigError, Diagnostic};

mod sites;

use sites::{build_sites, province_first};

const BUILTIN: &str = include_str!("builtin.toml");
const BUILTIN_NAME: &str = "<built-in defaults>";

#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub dir: PathBuf,
    pub env: String,
    /// The environment was named on the command line (not by JINBAO_ENV or the default).
    pub env_from_flag: bool,
    /// `--set key=value` overrides, in order.
    pub overrides: Vec<String>,
    pub state_dir: PathBuf,
}

/// Files of one load, in the order of `Profiles::files`.
struct Files {
    list: Vec<ProfileFile>,
    diags: Vec<Diagnostic>,
}

impl Files {
    /// Reads and parses one file; schema errors are recorded against it.
    fn add<T: serde::de::DeserializeOwned>(&mut self, name: String, text: String) -> Option<usize> {
        match ProfileFile::parse(name, text) {
            Ok(file) => {
                let mut errs = file.check_schema::<T>();
                errs.extend(file.inline_secrets());
                let ok = errs.is_empty();
                self.diags.extend(errs);
                self.list.push(file);
                ok.then_some(self.list.len() - 1)
            }
            Err(errs) => {
                self.diags.extend(errs);
                None
            }
        }
    }

    fn read<T: serde::de::DeserializeOwned>(&mut self, path: &Path) -> Option<usize> {
        if let Some(d) = open_to_all(path) {
            self.diags.push(d);
            return None;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_PROFILE_BYTES => {
                self.diags.push(Diagnostic::in_file(
                    Some(&shown(path)),
                    format!(
                        "the profile is {} MiB: a profile is at most {} MiB",
                        m.len() >> 20,
                        MAX_PROFILE_BYTES >> 20
                    ),
                ));
                return None;
            }
            _ => {}
        }
        match std::fs::read_to_string(path) {
            Ok(text) => self.add::<T>(shown(path), text),
            Err(e) => {
                self.diags.push(Diagnostic::in_file(
                    Some(&shown(path)),
                    format!("cannot read profile: {e}"),
                ));
                None
            }
        }
    }

    fn typed<T: serde::de::DeserializeOwned + Default>(&self, id: usize) -> T {
        toml::Value::Table(self.list[id].table.clone())
            .try_into()
            .unwrap_or_default()
    }
}

/// The largest profile file jinbao reads.
const MAX_PROFILE_BYTES: u64 = 4 << 20;

/// A file or folder anyone on this machine may change: what it says cannot be trusted to
/// decide what jinbao does to servers.
pub(crate) fn open_to_all(path: &Path) -> Option<Diagnostic> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o002 != 0).then(|| {
        Diagnostic::in_file(
            Some(&shown(path)),
            format!(
                "is writable by everyone (mode {:o}): anyone on this machine could change what jinbao does",
                mode & 0o7777
            ),
        )
        .with_hint(format!("run: chmod o-w {}", shown(path)))
    })
}

/// `a/b/../c` as `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A path relative to the current folder when it lies below it: what the user typed.
pub(super) fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    cwd.as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

pub fn load(opts: &LoadOptions) -> Result<Profiles, ConfigError> {
    let fail = |diags: Vec<Diagnostic>| ConfigError { diagnostics: diags };
    let mut read = read_layers(opts)?;
    let sites = build_sites(&mut read, opts);
    let Some(all) = province_first(sites, &mut read.files.diags) else {
        return Err(fail(read.files.diags));
    };
    let Layers {
        files,
        env,
        cities,
        province_file,
        env_file,
        ..
    } = read;
    let dir = &opts.dir;
    let templates_dir = normalize(
        &dir.join(
            province_file
                .templates
                .clone()
                .unwrap_or_else(|| "../templates".into()),
        ),
    );
    let profiles = Profiles {
        dir: dir.clone(),
        env: EnvInfo {
            name: opts.env.clone(),
            description: env_file.description.clone(),
            protected: env_file.protected,
        },
        province: province_file.province.clone(),
        waves: province_file.waves.clone(),
        assessment: province_file.assessment.clone(),
        templates_dir,
        state_dir: opts.state_dir.clone(),
        sites: all,
        testbed: env_file.testbed.clone(),
        files: files.list,
    };
    let mut diags = files.diags;
    diags.extend(templates_open_to_all(&profiles.templates_dir));
    diags.extend(validate::check(&profiles, &cities, env, &env_file));
    drop_shadowed(&mut diags);
    if diags.is_empty() {
        Ok(profiles)
    } else {
        Err(fail(diags))
    }
}

/// Every file a load reads, parsed and checked against its schema: the shared layers (their
/// index in `files`) and each city's file (None when it is broken).
struct Layers {
    files: Files,
    builtin: usize,
    province: usize,
    env: usize,
    flags: usize,
    cities: Vec<(PathBuf, Option<usize>)>,
    province_file: ProvinceFile,
    env_file: EnvFile,
}

/// Reads every file of the profiles folder; fails when a shared layer is broken or the
/// environment is protected and was not named on the command line.
fn read_layers(opts: &LoadOptions) -> Result<Layers, ConfigError> {
    let fail = |diags: Vec<Diagnostic>| ConfigError { diagnostics: diags };
    let dir = &opts.dir;
    if !dir.join("province.toml").is_file() {
        return Err(fail(vec![
            Diagnostic::in_file(
                None,
                format!("no profiles in {}: province.toml is missing", dir.display()),
            )
            .with_hint("run jinbao from the project folder, or pass --profiles DIR"),
        ]));
    }
    let mut files = Files {
        list: Vec::new(),
        diags: Vec::new(),
    };
    for folder in [dir.clone(), dir.join("cities"), dir.join("env")] {
        files.diags.extend(open_to_all(&folder));
    }
    let builtin = files.add::<SiteProfile>(BUILTIN_NAME.into(), BUILTIN.into());
    let province = files.read::<ProvinceFile>(&dir.join("province.toml"));

    let mut city_paths: Vec<PathBuf> = std::fs::read_dir(dir.join("cities"))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    city_paths.sort();
    let cities: Vec<(PathBuf, Option<usize>)> = city_paths
        .into_iter()
        .map(|p| {
            let id = files.read::<SiteProfile>(&p);
            (p, id)
        })
        .collect();

    let env_path = dir.join("env").join(format!("{}.toml", opts.env));
    let env = if env_path.is_file() {
        files.read::<EnvFile>(&env_path)
    } else {
        let known = known_envs(dir);
        files.diags.push(
            Diagnostic::in_file(None, format!("no environment named `{}`", opts.env)).with_hint(
                format!("environments in {}: {}", dir.display(), known.join(", ")),
            ),
        );
        None
    };

    let flags = files.add::<SiteProfile>("--set".into(), overrides_toml(&opts.overrides));
    // a broken shared layer spoils every site; a broken city file only its own city
    let (Some(builtin), Some(province), Some(env), Some(flags)) = (builtin, province, env, flags)
    else {
        return Err(fail(files.diags));
    };

    let province_file: ProvinceFile = files.typed(province);
    let env_file: EnvFile = files.typed(env);
    if env_file.protected && !opts.env_from_flag {
        files.diags.push(
            Diagnostic::in_file(
                Some(&files.list[env].source.name),
                format!("environment `{}` is protected", opts.env),
            )
            .with_hint(format!(
                "name it on the command line to act on it: --env {}",
                opts.env
            )),
        );
        return Err(fail(files.diags));
    }

    Ok(Layers {
        files,
        builtin,
        province,
        env,
        flags,
        cities,
        province_file,
        env_file,
    })
}

/// Every folder of templates/ (what ends up on servers) must be its owners' to change.
fn templates_open_to_all(templates_dir: &Path) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut folders = vec![templates_dir.to_path_buf()];
    while let Some(f) = folders.pop() {
        diags.extend(open_to_all(&f));
        if let Ok(rd) = std::fs::read_dir(&f) {
            folders.extend(
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path()),
            );
        }
    }
    diags
}

/// The same problem once (a shared value can fail for every city), and an inline secret as
/// the only problem of its line: other complaints there only distract.
fn drop_shadowed(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert((d.file.clone(), d.line, d.col, d.message.clone())));
    let secret_lines: Vec<(Option<String>, usize)> = diags
        .iter()
        .filter(|d| d.hint.as_deref() == Some(super::secret::INLINE_SECRET_HINT))
        .map(|d| (d.file.clone(), d.line))
        .collect();
    diags.retain(|d| {
        d.hint.as_deref() == Some(super::secret::INLINE_SECRET_HINT)
            || d.line == 0
            || !secret_lines.contains(&(d.file.clone(), d.line))
    });
}

/// `--set a.b=value` lines as one TOML document; a value that is not TOML is taken as a string.
fn overrides_toml(overrides: &[String]) -> String {
    let mut out = String::new();
    for item in overrides {
        let (key, value) = item.split_once('=').unwrap_or((item.as_str(), ""));
        let (key, value) = (key.trim(), value.trim());
        let literal = if toml::from_str::<toml::Table>(&format!("v = {value}")).is_ok() {
            value.to_string()
        } else {
            toml::Value::String(value.to_string()).to_string()
        };
        out.push_str(&format!("{key} = {literal}\n"));
    }
    out
}

pub fn known_envs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("env"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let p = e.path();
                    if p.extension()? != "toml" {
                        return None;
                    }
                    Some(p.file_stem()?.to_string_lossy().into_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_become_toml() {
        let text = overrides_toml(&[
            "app.keep_releases=3".into(),
            "app.name=统一应用".into(),
            "network.subnets=[\"10.0.0.0/8\"]".into(),
        ]);
        let t: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(t["app"]["keep_releases"].as_integer(), Some(3));
        assert_eq!(t["app"]["name"].as_str(), Some("统一应用"));
        assert!(t["network"]["subnets"].is_array());
    }

    #[test]
    fn builtin_defaults_fit_the_schema() {
        let f = ProfileFile::parse("b".into(), BUILTIN.into()).unwrap();
        assert!(f.check_schema::<SiteProfile>().is_empty());
    }
}
