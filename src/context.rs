//! What every command gets: the printer, where the profiles and state live, the chosen
//! environment and overrides, and a lazily loaded set of profiles.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::env_vars;
use crate::error::usage;
use crate::output::Printer;
use crate::profile::target::TargetSpec;
use crate::profile::{self, LoadOptions, Profiles, Site};

pub const DEFAULT_ENV: &str = "sandbox";

pub struct Ctx {
    pub printer: Printer,
    pub load: LoadOptions,
    pub yes: bool,
    profiles: std::sync::OnceLock<Profiles>,
    /// Where this environment's records are (see [`records_dir`]).
    records: PathBuf,
}

/// The project folder: `JINBAO_HOME`, else the nearest folder at or above `cwd` that holds
/// `profiles/province.toml` (as git finds its repository), else `cwd` itself.
pub fn project_home(cwd: &std::path::Path) -> PathBuf {
    if let Some(home) = env_vars::get(env_vars::HOME).filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        return if home.is_absolute() {
            home
        } else {
            cwd.join(home)
        };
    }
    cwd.ancestors()
        .find(|d| d.join("profiles").join("province.toml").is_file())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Each environment's records are its own: the state folder itself holds the default
/// environment's (`sandbox`: what every state folder made before environments were kept
/// apart held, unless `--env` was given), and `<state>/env/<name>/` every other one's, so a
/// production report can never show a sandbox fact. The sandbox's servers and databases stay
/// where profiles put them (`{state}` is always the state folder itself).
pub fn records_dir(state_dir: &std::path::Path, env: &str) -> PathBuf {
    if env == DEFAULT_ENV || crate::profile::safe::name(env).is_err() {
        state_dir.to_path_buf()
    } else {
        state_dir.join("env").join(env)
    }
}

impl Ctx {
    pub fn new(global: &GlobalArgs) -> Result<Self> {
        let color = match global.color {
            crate::cli::ColorChoice::Always => Some(true),
            crate::cli::ColorChoice::Never => Some(false),
            crate::cli::ColorChoice::Auto => None,
        };
        let printer = Printer::new(global.json, global.quiet, global.verbose, color);
        let cwd = std::env::current_dir()?;
        let absolute = |p: PathBuf| if p.is_absolute() { p } else { cwd.join(p) };
        // the defaults of --profiles and --state-dir are the project's, found from any folder
        // below it (or named by JINBAO_HOME)
        let home = project_home(&cwd);
        if home != cwd && (global.profiles.is_none() || global.state_dir.is_none()) {
            printer.note(format!("using the project at {}", home.display()));
        }
        let (env, env_from_flag) = match (&global.env, env_vars::get(env_vars::ENV)) {
            (Some(e), _) => (e.clone(), true),
            (None, Some(e)) if !e.is_empty() => (e, false),
            _ => (DEFAULT_ENV.to_string(), false),
        };
        let load = LoadOptions {
            dir: absolute(
                global
                    .profiles
                    .clone()
                    .unwrap_or_else(|| home.join("profiles")),
            ),
            env,
            env_from_flag,
            overrides: global.set.clone(),
            state_dir: absolute(
                global
                    .state_dir
                    .clone()
                    .unwrap_or_else(|| home.join(".jinbao")),
            ),
        };
        check_state_dir(&load.state_dir)?;
        let records = records_dir(&load.state_dir, &load.env);
        if records != load.state_dir {
            check_state_dir(&records)?;
        }
        crate::clock::check_pinned().map_err(|e| {
            crate::error::usage(
                e.to_string(),
                "give an RFC 3339 time (JINBAO_NOW=2026-12-01T08:00:00+08:00), or unset it",
            )
        })?;
        crate::privacy::reveal_personal_data(global.show_personal_data);
        let ctx = Ctx {
            printer,
            load,
            yes: global.yes,
            profiles: std::sync::OnceLock::new(),
            records,
        };
        if global.show_personal_data {
            ctx.audit_reveal()?;
        }
        Ok(ctx)
    }

    /// `--show-personal-data` is recorded before anything is shown: who asked, for what command.
    fn audit_reveal(&self) -> Result<()> {
        let mut words = Vec::new();
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            if a == "--set" {
                args.next(); // values of --set are the operator's, not the audit log's
                continue;
            }
            if a.starts_with("--set=") {
                continue;
            }
            // a password written in an argument is never recorded, however short
            words.push(crate::privacy::without_passwords(&a));
        }
        crate::state::audit::record(
            self.state_dir(),
            crate::state::audit::Entry {
                action: "show-personal-data",
                targets: Vec::new(),
                what: format!("jinbao {}", words.join(" ")),
                result: "ok",
                identity: None,
            },
        )
        .map_err(|e| {
            crate::error::fail(
                crate::error::Exit::Failure,
                format!("cannot record the use of --show-personal-data in the audit log: {e}"),
                "personal data is shown only when its use can be recorded",
            )
        })
    }

    /// The profiles, loaded and validated on first use.
    pub fn profiles(&self) -> Result<&Profiles> {
        if let Some(p) = self.profiles.get() {
            return Ok(p);
        }
        let loaded = profile::load(&self.load)?;
        Ok(self.profiles.get_or_init(|| loaded))
    }

    /// The sites a target names; a usage error with a hint when it names nothing known.
    pub fn select(&self, spec: &TargetSpec) -> Result<Vec<&Site>> {
        let profiles = self.profiles()?;
        profiles
            .select(spec)
            .map_err(|e| usage(e.to_string(), e.hint(profiles)))
    }

    /// The cities of a target, every city when it names none (never the province center).
    pub fn cities_or_all(&self, target: &crate::cli::TargetArgs) -> Result<Vec<&Site>> {
        let mut spec = target.spec();
        if spec.is_empty() {
            spec.all = true;
        }
        Ok(self
            .select(&spec)?
            .into_iter()
            .filter(|s| !s.is_province())
            .collect())
    }

    /// One site by name; a usage error naming the choices otherwise.
    pub fn site(&self, query: &str) -> Result<&Site> {
        self.select(&TargetSpec {
            cities: vec![query.to_string()],
            ..Default::default()
        })?
        .into_iter()
        .next()
        .ok_or_else(|| usage(format!("no city named `{query}`"), ""))
    }

    /// The servers of a target (only those with `role` when given), ready to connect.
    pub fn fleet(
        &self,
        spec: &TargetSpec,
        role: Option<&str>,
        connect: &crate::cli::ConnectArgs,
    ) -> Result<crate::fleet::Fleet> {
        let fleet = crate::fleet::Fleet::of_sites(
            &self.select(spec)?,
            role,
            |_| true,
            connect.forks,
            connect.accept_new_host_keys,
        );
        if fleet.is_empty() {
            return Err(usage(
                "the target has no servers".to_string(),
                role.map(|r| format!("no server has the role `{r}`"))
                    .unwrap_or_default(),
            ));
        }
        Ok(fleet)
    }

    /// This environment's records: journals, locks, ledgers, histories, the audit log.
    pub fn state_dir(&self) -> &std::path::Path {
        &self.records
    }
}

/// The state folder holds journals, locks, histories and the audit log: a folder anyone may
/// write is refused; one of ours that others can read is narrowed to its owner.
fn check_state_dir(dir: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Ok(meta) = std::fs::metadata(dir) else {
        return Ok(()); // made private when first written
    };
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o002 != 0 {
        return Err(crate::error::fail(
            crate::error::Exit::Usage,
            format!(
                "the state folder {} is writable by everyone (mode {mode:o}): anyone could change its journals, locks and audit log",
                dir.display()
            ),
            format!("run: chmod 700 {}", dir.display()),
        ));
    }
    // SAFETY: geteuid has no preconditions.
    if mode & 0o077 != 0 && meta.is_dir() && meta.uid() == unsafe { libc::geteuid() } {
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}
