//! Error kinds and exit codes: what went wrong decides the code, printed in one place.

use std::process::ExitCode;

use crate::diagnostic::ConfigError;
use crate::output::Printer;

/// jinbao's exit codes; documented in the README and never reused for two meanings.
/// (`jinbao health` uses the monitoring-plugin codes instead, `Monitoring`; its usage errors
/// are UNKNOWN, 3: see `lib.rs`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0
    Success,
    /// 1: the operation failed (on at least one host, city or database).
    Failure,
    /// 2: the command line or the profiles are wrong: nothing was done.
    Usage,
    /// 3: changes are pending (`provision plan`) or drift was found (`db drift`).
    Pending,
    /// 4: blocked: a lock is held, a maintenance window is closed, or approval is needed.
    Blocked,
    /// 130 (SIGINT) or 143 (SIGTERM): stopped by a signal after finishing or undoing the step
    /// in progress; a rollout can be resumed.
    Interrupted(i32),
    /// `jinbao health`: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    Monitoring(u8),
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Pending => 3,
            Exit::Blocked => 4,
            Exit::Interrupted(sig) => crate::interrupt::exit_code(sig),
            Exit::Monitoring(c) => c,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

/// An error the user can fix, with a hint; `kind` decides the exit code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
    pub exit: Exit,
}

/// A usage error (exit 2) with a hint.
pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        hint: Some(hint.into()).filter(|h: &String| !h.is_empty()),
        exit: Exit::Usage,
    }
    .into()
}

/// An error with its own exit code and a hint.
pub fn fail(exit: Exit, message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        hint: Some(hint.into()).filter(|h: &String| !h.is_empty()),
        exit,
    }
    .into()
}

/// The causes of `err` worth showing below it: typed errors often say their cause in their
/// own message already, so each text is shown once.
fn causes_of(err: &anyhow::Error) -> Vec<String> {
    let message = err.to_string();
    let mut causes: Vec<String> = Vec::new();
    for cause in err.chain().skip(1).map(|c| c.to_string()) {
        if !cause.is_empty()
            && !message.contains(&cause)
            && !causes.iter().any(|c| c.contains(&cause))
        {
            causes.push(cause);
        }
    }
    causes
}

/// Prints `err` (with its causes and hint) and returns the exit code it stands for.
pub fn report(err: &anyhow::Error, printer: &Printer) -> ExitCode {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return ExitCode::SUCCESS; // the reader went away (`| head`): stop quietly
        }
    }
    if let Some(config) = err.downcast_ref::<ConfigError>() {
        for d in &config.diagnostics {
            printer.diagnostic(&d.to_string());
        }
        if config.diagnostics.len() > 1 {
            printer.note(format!("{} problems found", config.diagnostics.len()));
        }
        return Exit::Usage.into();
    }
    let causes = causes_of(err);
    if let Some(user) = err.downcast_ref::<UserError>() {
        printer.error(&user.message, &causes, user.hint.as_deref());
        return user.exit.into();
    }
    // a context-wrapped user error keeps its code
    let inner = err.chain().find_map(|c| c.downcast_ref::<UserError>());
    printer.error(
        &err.to_string(),
        &causes,
        inner.and_then(|u| u.hint.as_deref()),
    );
    inner.map_or(Exit::Failure, |u| u.exit).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let io = std::io::Error::other("disk full");
        let typed = crate::data::rules::RunError::List(io);
        let err = anyhow::Error::from(typed).context("rule person_id_shape");
        // the context, then the typed error (which says its cause), then the cause
        assert_eq!(causes_of(&err), vec!["writing a problem list: disk full"]);
        let plain = anyhow::anyhow!("outer").context("top");
        assert_eq!(causes_of(&plain), vec!["outer"]);
    }
}
