//! Error kinds and exit codes: what went wrong decides the code, printed in one place (by the
//! command layer, at the top of a run).

use std::process::ExitCode;

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

/// What an error means besides its message: the exit code it stands for and what to do about
/// it. Domain errors implement it; the command layer reads it once, where errors are reported
/// (its failure report), so no command maps errors to codes by hand.
pub trait Explain: std::error::Error + Send + Sync + 'static {
    fn exit(&self) -> Exit {
        Exit::Failure
    }
    fn hint(&self) -> Option<String> {
        None
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

impl Explain for UserError {
    fn exit(&self) -> Exit {
        self.exit
    }
    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
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
