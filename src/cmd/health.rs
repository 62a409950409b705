//! `jinbao health [<target>]`: the daily inspection for city admins and the check monitoring
//! runs every few minutes. Exit codes follow the monitoring-plugin convention.

use anyhow::Result;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::cli::{ConnectArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::{Exit, usage};
use crate::health::{self, CHECKS, Check, Status};
use crate::output::Tone;
use crate::profile::target::TargetSpec;

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Cities to check [default: $JINBAO_CITY, else every city]
    #[command(flatten)]
    pub target: TargetArgs,
    /// Also the province center
    #[arg(long)]
    pub province: bool,
    /// Only these checks (comma list: ssh, clock, disk, inodes, memory, load, service, release,
    /// app, routes, endpoints, database, schema, drift, data)
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub only: Vec<String>,
    /// Leave these checks out
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub skip: Vec<String>,
    /// table (grouped by city, worst first) or nagios (one plugin line with performance data)
    #[arg(long, value_enum, default_value_t = HealthFormat::Table)]
    pub format: HealthFormat,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HealthFormat {
    Table,
    Nagios,
}

#[derive(Serialize)]
struct CityReport {
    city: String,
    status: Status,
    checks: Vec<Check>,
}

#[derive(Serialize)]
struct Report {
    status: Status,
    exit: u8,
    time: String,
    cities: Vec<CityReport>,
}

/// Problems before any check ran (a wrong argument, broken profiles) are UNKNOWN, as the
/// monitoring-plugin convention has it: a monitor must not read them as CRITICAL.
pub fn run(ctx: &Ctx, a: HealthArgs) -> Result<Exit> {
    match inspect(ctx, a) {
        Ok(exit) => Ok(exit),
        Err(e) => {
            if let Some(config) = e.downcast_ref::<crate::diagnostic::ConfigError>() {
                for d in &config.diagnostics {
                    ctx.printer.diagnostic(&d.to_string());
                }
            } else {
                let hint = e
                    .downcast_ref::<crate::error::UserError>()
                    .and_then(|u| u.hint.clone());
                let causes: Vec<String> = e.chain().skip(1).map(|c| c.to_string()).collect();
                ctx.printer.error(&e.to_string(), &causes, hint.as_deref());
            }
            unknown(&ctx.printer, &e.to_string())
        }
    }
}

/// The UNKNOWN result of a run that could not check (its error is already on stderr): the
/// plugin line or the JSON document on stdout, and exit 3. `lib.rs` uses it too, for a health
/// command line clap refuses and for global options that cannot be read.
pub fn unknown(printer: &crate::output::Printer, error: &str) -> Result<Exit> {
    if printer.json {
        printer.json(&serde_json::json!({ "status": "UNKNOWN", "exit": 3, "error": error }))?;
    } else {
        printer.text(format!(
            "JINBAO HEALTH UNKNOWN - {}",
            error.trim().replace('\n', " ")
        ))?;
    }
    Ok(Exit::Monitoring(Status::Unknown.code()))
}

fn inspect(ctx: &Ctx, a: HealthArgs) -> Result<Exit> {
    for name in a.only.iter().chain(&a.skip) {
        if !CHECKS.contains(&name.as_str()) {
            return Err(usage(
                format!("no check named `{name}`"),
                crate::suggest::hint(name, CHECKS),
            ));
        }
    }
    let mut spec = TargetSpec {
        province: a.province,
        ..a.target.spec()
    };
    if spec.is_empty() {
        match crate::env_vars::get(crate::env_vars::CITY) {
            Some(c) if !c.is_empty() => spec.cities = vec![c],
            _ => spec.all = true,
        }
    }
    let profiles = ctx.profiles()?;
    let sites = ctx.select(&spec)?;
    let wanted = |name: &str| {
        (a.only.is_empty() || a.only.iter().any(|o| o == name)) && !a.skip.iter().any(|s| s == name)
    };
    let mut checks: Vec<Check> = Vec::new();
    if health::HOST_CHECKS.iter().any(|c| wanted(c)) {
        // a city jinbao never rolled out to may be "not built"; one it did is never that
        let rolled_out: std::collections::BTreeSet<String> = sites
            .iter()
            .filter(|s| {
                !crate::state::releases(ctx.state_dir(), s.pinyin(), 1)
                    .records
                    .is_empty()
            })
            .map(|s| s.pinyin().to_string())
            .collect();
        checks.extend(health::servers(
            profiles,
            &sites,
            ctx.printer.progress(),
            a.connect.forks,
            a.connect.accept_new_host_keys,
            &rolled_out,
        ));
    }
    if ["database", "schema", "drift"].iter().any(|c| wanted(c)) {
        let db = crate::parallel::map(&sites, crate::parallel::DEFAULT_JOBS, |s| {
            health::database_checks(
                s,
                &profiles.templates_dir,
                wanted("drift") && !s.profile.checks.skip.iter().any(|k| k == "drift"),
            )
        });
        checks.extend(db.into_iter().flatten());
    }
    if wanted("backup") || wanted("drill") || wanted("archive") {
        for s in &sites {
            let store = crate::backup::store(profiles, s, ctx.printer.progress());
            checks.extend(
                health::backup_checks(&store, s, ctx.state_dir(), crate::clock::now())
                    .into_iter()
                    .filter(|c| wanted(&c.check)),
            );
        }
    }
    if wanted("data") {
        for s in &sites {
            let (last, unreadable) =
                crate::state::data_checks::last_check(ctx.state_dir(), s.pinyin());
            // a history that cannot be read is no "no data check yet": UNKNOWN, and why
            if last.is_none() && !unreadable.is_empty() {
                checks.push(
                    Check::new(
                        s.pinyin(),
                        None,
                        "data",
                        Status::Unknown,
                        format!(
                            "the data-check history could not be read ({} damaged)",
                            crate::numbers::plural(unreadable.len(), "line")
                        ),
                    )
                    .hint("jinbao data check records a new check"),
                );
            }
            for u in unreadable {
                ctx.printer.warn(u);
            }
            checks.extend(last.map(|r| r.health_check(s.pinyin())));
        }
    }
    // the profile of each city may leave checks out too
    checks.retain(|c| {
        wanted(&c.check)
            && !profiles
                .find(&c.city)
                .is_some_and(|s| s.profile.checks.skip.iter().any(|k| k == &c.check))
    });
    let report = report(
        &sites
            .iter()
            .map(|s| s.pinyin().to_string())
            .collect::<Vec<_>>(),
        checks,
    );
    for c in &report.cities {
        crate::state::health::record(
            ctx.state_dir(),
            &c.city,
            &crate::state::health::HealthRun {
                time: report.time.clone(),
                status: c.status,
                counts: crate::state::health::Counts::of(&c.checks),
                problems: c
                    .checks
                    .iter()
                    .filter(|x| x.status != Status::Ok)
                    .cloned()
                    .collect(),
            },
        )?;
    }
    let checks: Vec<crate::health::Check> = report
        .cities
        .iter()
        .flat_map(|c| c.checks.iter().cloned())
        .collect();
    ctx.tell_assessment(|profiles, state| {
        crate::assess::learn::after_health(profiles, state, &sites, &checks)
    });
    print(ctx, &report, a.format)?;
    Ok(Exit::Monitoring(report.exit))
}

/// Cities worst first, their checks worst first.
fn report(cities: &[String], mut checks: Vec<Check>) -> Report {
    checks.sort_by(|a, b| {
        b.status
            .rank()
            .cmp(&a.status.rank())
            .then(a.host.cmp(&b.host))
    });
    let mut out: Vec<CityReport> = cities
        .iter()
        .map(|c| {
            let mine: Vec<Check> = checks.iter().filter(|x| &x.city == c).cloned().collect();
            CityReport {
                city: c.clone(),
                status: health::worst(&mine),
                checks: mine,
            }
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.status.rank()));
    let status = health::worst(out.iter().flat_map(|c| &c.checks));
    Report {
        status,
        exit: status.code(),
        time: crate::clock::now().to_rfc3339(),
        cities: out,
    }
}

fn print(ctx: &Ctx, r: &Report, format: HealthFormat) -> Result<()> {
    let p = &ctx.printer;
    if p.json {
        return Ok(p.json(r)?);
    }
    if format == HealthFormat::Nagios {
        let all: Vec<Check> = r.cities.iter().flat_map(|c| c.checks.clone()).collect();
        return Ok(p.text(health::nagios_line(&all))?);
    }
    let mut t = p.table(&[
        "city",
        "host",
        "check",
        "status",
        "value",
        "threshold",
        "hint",
    ]);
    // OK rows of the routine checks are left out unless -v: the problems stand out
    let hidden = |x: &Check| {
        x.status == Status::Ok
            && p.verbose == 0
            && !matches!(x.check.as_str(), "ssh" | "database" | "schema" | "release")
    };
    for c in &r.cities {
        for x in &c.checks {
            if hidden(x) {
                continue;
            }
            let tone = match x.status {
                Status::Ok => Tone::Good,
                Status::Warning => Tone::Warn,
                Status::Critical => Tone::Bad,
                Status::Unknown => Tone::Muted,
            };
            t.add_row(vec![
                p.cell(&x.city, Tone::Plain),
                p.cell(x.host.as_deref().unwrap_or("(city)"), Tone::Plain),
                p.cell(&x.check, Tone::Plain),
                p.cell(x.status.as_str(), tone),
                p.cell(&x.value, Tone::Plain),
                p.cell(&x.threshold, Tone::Muted),
                p.cell(&x.hint, Tone::Muted),
            ]);
        }
    }
    p.print_table(&t)?;
    let all: Vec<&Check> = r.cities.iter().flat_map(|c| &c.checks).collect();
    let n = |s: Status| all.iter().filter(|c| c.status == s).count();
    let left_out = all.iter().filter(|x| hidden(x)).count();
    p.text(format!(
        "{}: {}, {}: {} critical, {} warning, {} unknown, {} ok{}",
        r.status.as_str(),
        crate::numbers::plural(r.cities.len(), "city"),
        crate::numbers::plural(all.len(), "check"),
        n(Status::Critical),
        n(Status::Warning),
        n(Status::Unknown),
        n(Status::Ok),
        if left_out > 0 {
            format!(" ({left_out} OK rows left out: -v shows them)")
        } else {
            String::new()
        }
    ))?;
    Ok(())
}
