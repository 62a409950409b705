//! `jinbao completions <shell>`: shell completion scripts (also checked in under completions/).

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::context::Ctx;
use crate::error::Exit;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    pub shell: Shell,
}

/// The completion script for `shell`, as bytes.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "jinbao", &mut out);
    out
}

pub fn run(_ctx: &Ctx, args: CompletionsArgs) -> Result<Exit> {
    use std::io::Write;
    std::io::stdout().lock().write_all(&script(args.shell))?;
    Ok(Exit::Success)
}
