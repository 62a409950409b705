//! One module per command: parse arguments, call the domain, hand results to `output`.

pub mod audit;
pub mod completions;
pub mod data;
pub mod data_check;
pub mod data_compare;
pub mod data_progress;
pub mod db;
pub mod exec;
pub mod health;
pub mod lock;
pub mod net;
pub mod ping;
pub mod profile;
pub mod provision;
pub mod release;
pub mod releases;
pub mod report;
pub mod rollback;
pub mod rollout;
pub mod status;

use anyhow::Result;

use crate::cli::Command;
use crate::context::Ctx;
use crate::error::Exit;

/// A change that cannot be audited does not start: the audit log must take a record now
/// (it is a link, a folder, or its folder is read-only: nothing is changed).
/// Asks a yes/no question on the terminal; Ctrl-C at it stops the command at once (exit 130),
/// with nothing done.
pub fn confirm(ctx: &Ctx, question: &str) -> Result<bool> {
    ctx.printer.confirm(question).map_err(|s| {
        crate::error::fail(
            Exit::Interrupted(s.0),
            "stopped at the question: nothing was done",
            "",
        )
    })
}

pub fn audit_gate(ctx: &Ctx, action: &str) -> Result<()> {
    crate::state::audit::ready(ctx.state_dir()).map_err(|e| {
        crate::error::fail(
            Exit::Failure,
            format!("{action} does not start: its audit record cannot be written ({e})"),
            format!(
                "make {} a regular file jinbao can write (or remove it)",
                crate::state::audit::path(ctx.state_dir()).display()
            ),
        )
    })
}

/// The maintenance-window gate of the commands that change servers: refused (exit 4) when a
/// site is outside its window, unless overridden; an override is audited with its reason
/// and shown as a warning. The audit log is checked first (see [`audit_gate`]).
pub fn window_gate(
    ctx: &Ctx,
    sites: &[&crate::profile::Site],
    override_reason: Option<&str>,
    action: &str,
) -> Result<()> {
    use crate::window::{self, Opening};
    audit_gate(ctx, action)?;
    match window::check_all(sites, crate::clock::now(), override_reason) {
        Ok(Opening::Open) => Ok(()),
        Ok(Opening::Overridden {
            cities,
            closed,
            reason,
        }) => {
            let cities: Vec<&str> = cities.iter().map(String::as_str).collect();
            crate::state::audit(
                ctx.state_dir(),
                action,
                &cities,
                &format!("window overridden: {reason}"),
            )?;
            ctx.printer.warn(format!(
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

pub fn dispatch(ctx: &Ctx, command: Command) -> Result<Exit> {
    match command {
        Command::Profile(c) => profile::run(ctx, c),
        Command::Ping(args) => ping::run(ctx, args),
        Command::Exec(args) => exec::run(ctx, args),
        Command::Provision(c) => provision::run(ctx, c),
        Command::Net(c) => net::run(ctx, c),
        Command::Release(c) => release::run(ctx, c),
        Command::Rollout(a) => rollout::run(ctx, *a),
        Command::Rollback(a) => rollback::run(ctx, a),
        Command::Releases(a) => releases::run(ctx, a),
        Command::Health(a) => health::run(ctx, a),
        Command::Status(a) => status::run(ctx, a),
        Command::Report(a) => report::run(ctx, a),
        Command::Data(c) => data::run(ctx, c),
        Command::Db(c) => db::run(ctx, c),
        Command::Audit(a) => audit::run(ctx, a),
        Command::Lock(c) => lock::run(ctx, c),
        Command::Completions(args) => completions::run(ctx, args),
    }
}
