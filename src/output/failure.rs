//! An error as the person at the terminal sees it (cargo's layout: the error, each cause, a
//! hint), and the exit code it stands for: printed in one place, at the top of a run.

use std::process::ExitCode;

use super::Printer;
use crate::diagnostic::ConfigError;
use crate::error::{Exit, Explain, UserError};

/// `err` as an error that explains itself, when it is one of the kinds that do: each kind is
/// named once, here.
fn explained<'e>(err: &'e (dyn std::error::Error + 'static)) -> Option<&'e dyn Explain> {
    macro_rules! kinds {
        ($($kind:ty),* $(,)?) => {
            $(if let Some(e) = err.downcast_ref::<$kind>() {
                return Some(e);
            })*
        };
    }
    kinds!(
        UserError,
        crate::backup::BackupError,
        crate::release::place::PlaceError,
        crate::provision::plan_file::PlanFileError,
        crate::data::import::ImportError,
        crate::data::changes::ChangesError,
        crate::profile::target::TargetError,
        crate::release::run::RunError,
        crate::release::journal::JournalError,
        crate::release::rollback::RollbackError,
        crate::release::plan::PlanError,
        crate::release::rollout::lock::UnlockError,
    );
    None
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
    // the outermost error that explains itself decides (a context keeps its code and hint)
    let inner = err.chain().find_map(explained);
    printer.error(
        &err.to_string(),
        &causes,
        inner.and_then(|e| e.hint()).as_deref(),
    );
    inner.map_or(Exit::Failure, |e| e.exit()).into()
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
