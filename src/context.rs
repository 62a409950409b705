//! What every command gets: the printer, where the profiles and state live, the chosen
//! environment and overrides, and a lazily loaded set of profiles.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::env_vars;
use crate::error::{Exit, usage};
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
        Ok(self.profiles()?.select(spec)?)
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
    /// Tells the assessment what the command learnt (`learn` returns what could not be
    /// recorded): each is a warning, never the command's failure; without profiles, nothing.
    pub fn tell_assessment(
        &self,
        learn: impl FnOnce(&Profiles, &std::path::Path) -> Vec<crate::assess::learn::NotRecorded>,
    ) {
        if let Ok(profiles) = self.profiles() {
            for warning in learn(profiles, self.state_dir()) {
                self.printer.warn(warning);
            }
        }
    }

    /// Asks a yes/no question on the terminal; Ctrl-C at it stops the command at once (exit
    /// 130), with nothing done.
    pub fn confirm(&self, question: &str) -> Result<bool> {
        self.printer.confirm(question).map_err(|s| {
            crate::error::fail(
                Exit::Interrupted(s.0),
                "stopped at the question: nothing was done",
                "",
            )
        })
    }

    /// Whether a change may go on: `--yes` (global or the command's own), or a person at a
    /// terminal answers `question`; with nobody to ask (no terminal, or `--json` for a
    /// script) the command stops before it changes anything, blocked, saying `what` would
    /// have happened and `hint`.
    pub fn agreed(&self, yes: bool, what: &str, hint: &str, question: &str) -> Result<bool> {
        if self.yes || yes {
            return Ok(true);
        }
        if self.printer.json || !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return Err(crate::error::fail(
                Exit::Blocked,
                format!("{what}, and nobody was asked: nothing changed"),
                hint,
            ));
        }
        self.confirm(question)
    }

    /// A change that cannot be audited does not start: the audit log must take a record now
    /// (it is a link, a folder, or its folder is read-only: nothing is changed).
    pub fn audit_gate(&self, action: &str) -> Result<()> {
        crate::state::audit::ready(self.state_dir()).map_err(|e| {
            crate::error::fail(
                Exit::Failure,
                format!("{action} does not start: its audit record cannot be written ({e})"),
                format!(
                    "make {} a regular file jinbao can write (or remove it)",
                    crate::state::audit::path(self.state_dir()).display()
                ),
            )
        })
    }

    /// The maintenance-window gate of the commands that change servers: refused (exit 4) when a
    /// site is outside its window, unless overridden; an override is audited with its reason
    /// and shown as a warning. The audit log is checked first (see [`Ctx::audit_gate`]).
    pub fn window_gate(
        &self,
        sites: &[&crate::profile::Site],
        override_reason: Option<&str>,
        action: &str,
    ) -> Result<()> {
        use crate::window::{self, Opening};
        self.audit_gate(action)?;
        match window::check_all(sites, crate::clock::now(), override_reason) {
            Ok(Opening::Open) => Ok(()),
            Ok(Opening::Overridden {
                cities,
                closed,
                reason,
            }) => {
                let cities: Vec<&str> = cities.iter().map(String::as_str).collect();
                crate::state::audit(
                    self.state_dir(),
                    action,
                    &cities,
                    &format!("window overridden: {reason}"),
                )?;
                self.printer.warn(format!(
                    "outside the maintenance window, overridden ({reason}): {}",
                    closed.join("; ")
                ));
                Ok(())
            }
            Err(closed) => Err(crate::error::fail(
                Exit::Blocked,
                closed.to_string(),
                "wait for the window, or pass --override-window \"reason\" (the reason is recorded)",
            )),
        }
    }

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
