//! `jinbao completions <shell>`: shell completion scripts (also checked in under completions/).
//! Besides the commands and flags, they offer what the project's profiles name: its cities,
//! waves, environments and data-check rules.

use anyhow::Result;
use clap::builder::PossibleValuesParser;
use clap::{Args, Command, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::context::Ctx;
use crate::error::Exit;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    pub shell: Shell,
}

/// What the project names, for the completions to offer.
#[derive(Debug, Default)]
pub struct Names {
    pub cities: Vec<String>,
    pub waves: Vec<String>,
    pub envs: Vec<String>,
    pub rules: Vec<String>,
}

/// The completion script for `shell`, as bytes.
pub fn script(shell: Shell, names: &Names) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cmd = offer(Cli::command(), &leak(names));
    clap_complete::generate(shell, &mut cmd, "jinbao", &mut out);
    out
}

/// The names as clap's possible values take them (a completion script is made once per run).
struct Offered {
    cities: Vec<&'static str>,
    waves: Vec<&'static str>,
    envs: Vec<&'static str>,
    rules: Vec<&'static str>,
}

fn leak(n: &Names) -> Offered {
    let l = |v: &[String]| -> Vec<&'static str> {
        v.iter()
            .map(|s| &*Box::leak(s.clone().into_boxed_str()))
            .collect()
    };
    Offered {
        cities: l(&n.cities),
        waves: l(&n.waves),
        envs: l(&n.envs),
        rules: l(&n.rules),
    }
}

/// `cmd` and every subcommand with the project's names as the values of their arguments
/// (only in the completions: parsing takes any name, code or comma list as before).
fn offer(cmd: Command, n: &Offered) -> Command {
    let values = |v: &[&'static str]| PossibleValuesParser::new(v.to_vec());
    let cmd = cmd.mut_args(|a| {
        let list = match a.get_id().as_str() {
            "cities" => &n.cities,
            "wave" => &n.waves,
            "env" => &n.envs,
            "rule" => &n.rules,
            _ => return a,
        };
        if list.is_empty() {
            a
        } else {
            a.value_parser(values(list))
        }
    });
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    subs.into_iter()
        .fold(cmd, |c, name| c.mut_subcommand(name, |s| offer(s, n)))
}

pub fn run(ctx: &Ctx, args: CompletionsArgs) -> Result<Exit> {
    use std::io::Write;
    // a project whose profiles cannot be read still gets the commands and flags
    let names = match ctx.profiles() {
        Ok(p) => Names {
            cities: p
                .sites
                .iter()
                .filter(|s| !s.is_province())
                .map(|s| s.pinyin().to_string())
                .collect(),
            waves: p.waves.iter().map(|w| w.name.clone()).collect(),
            envs: crate::profile::known_envs(&p.dir),
            rules: p
                .sites
                .iter()
                .find(|s| !s.is_province())
                .and_then(|s| crate::data::check::selected(&p.templates_dir, s, &[]).ok())
                .map(|rules| rules.into_iter().map(|r| r.name).collect())
                .unwrap_or_default(),
        },
        Err(_) => Names::default(),
    };
    std::io::stdout()
        .lock()
        .write_all(&script(args.shell, &names))?;
    Ok(Exit::Success)
}
