//! A release as installed on a server, as jinbao lays it out (`<install>/releases/<version>`,
//! `current` pointing at one), and how the installed application is asked for its health:
//! what the rollout writes and health reads, so health reads releases here, not through the
//! rollout.

/// The version a `current` link target names (`…/releases/<version>`).
pub fn version_of(target: &str) -> Option<String> {
    let t = target.trim_end_matches('/');
    let (dir, v) = t.rsplit_once('/')?;
    dir.ends_with("/releases").then(|| v.to_string())
}

/// A health check that cannot be made into a command.
#[derive(Debug, thiserror::Error)]
pub enum HealthCommandError {
    #[error("the release's health check: {0}")]
    Release(#[source] crate::profile::safe::Unsafe),
    #[error("app.health.command: {0}")]
    Profile(#[source] crate::profile::safe::Unsafe),
}

/// Which health check a city's gate runs, in words for the plan: the release's own check
/// wins over the profile's (then `app.health.script`, then `app.health.command`).
pub fn health_source(p: &crate::profile::SiteProfile, manifest: Option<&str>) -> String {
    match manifest {
        Some(rel) => format!(
            "{rel} (the release's own check: it wins over the profile's app.health.command and script)"
        ),
        None if !p.app.health.script.is_empty() => {
            "app.health.script (the profile's script)".into()
        }
        None => format!("{} (app.health.command)", p.app.health.command),
    }
}

/// The health check as a shell command on the server (`$I` is the install folder there):
/// the release's own check (a path inside it), or the profile's program and arguments, every
/// word quoted.
pub fn health_command(
    p: &crate::profile::SiteProfile,
    manifest: Option<&str>,
) -> Result<String, HealthCommandError> {
    use crate::profile::safe;
    use crate::transport::shell_quote;
    if let Some(rel) = manifest {
        safe::relative(rel).map_err(HealthCommandError::Release)?;
        return Ok(format!("\"$I/current/\"{}", shell_quote(rel)));
    }
    if !p.app.health.script.is_empty() {
        // the province's own script, one quoted argument: it cannot change the script around it
        let script = p.app.health.script.replace("{install}", &p.app.install_dir);
        return Ok(format!("sh -c {}", shell_quote(&script)));
    }
    let words = safe::command_words(&p.app.health.command).map_err(HealthCommandError::Profile)?;
    Ok(words
        .iter()
        .map(|w| {
            w.split("{install}")
                .map(|part| {
                    if part.is_empty() {
                        String::new()
                    } else {
                        shell_quote(part)
                    }
                })
                .collect::<Vec<_>>()
                .join("\"$I\"")
        })
        .collect::<Vec<_>>()
        .join(" "))
}
