//! One module per command: parse arguments, call the domain, hand results to `output`.

pub mod audit;
pub mod completions;
pub mod data;
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
