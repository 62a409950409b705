//! `jinbao health [<target>]`: the daily inspection for city admins and the check monitoring
//! runs every few minutes. Exit codes follow the monitoring-plugin convention.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::cli::{ConnectArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::{Exit, usage};
use crate::fleet::HostError;
use crate::health::{self, CHECKS, Check, Status};
use crate::output::Tone;
use crate::profile::target::TargetSpec;
use crate::transport::TransportError;

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

fn epoch() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
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
            if ctx.printer.json {
                ctx.printer.json(
                    &serde_json::json!({ "status": "UNKNOWN", "exit": 3, "error": e.to_string() }),
                )?;
            } else {
                ctx.printer.text(format!(
                    "JINBAO HEALTH UNKNOWN - {}",
                    e.to_string().replace('\n', " ")
                ))?;
            }
            Ok(Exit::Monitoring(Status::Unknown.code()))
        }
    }
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
        checks.extend(servers(ctx, &spec, &a.connect)?);
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
    if wanted("data") {
        for s in &sites {
            checks.extend(
                crate::data::history::last_check(ctx.state_dir(), s.pinyin())
                    .map(|r| r.health_check(s.pinyin())),
            );
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
        crate::state::append_line(
            &ctx.state_dir()
                .join("health")
                .join(format!("{}.jsonl", c.city)),
            &serde_json::json!({
                "time": report.time,
                "status": c.status,
                "counts": counts(&c.checks),
                "problems": c.checks.iter().filter(|x| x.status != Status::Ok).collect::<Vec<_>>(),
            }),
        )?;
    }
    super::status::after_health(ctx, &sites, report.cities.iter().flat_map(|c| &c.checks));
    print(ctx, &report, a.format)?;
    Ok(Exit::Monitoring(report.exit))
}

/// Checks of every server of the target, in one round trip each.
fn servers(ctx: &Ctx, spec: &TargetSpec, connect: &ConnectArgs) -> Result<Vec<Check>> {
    let profiles = ctx.profiles()?;
    let hosts: Vec<_> = ctx
        .select(spec)?
        .into_iter()
        .flat_map(|s| crate::inventory::hosts(s, None))
        .collect();
    if hosts.is_empty() {
        return Ok(Vec::new());
    }
    let fleet = crate::fleet::Fleet::new(hosts, connect.forks, connect.accept_new_host_keys);
    let results = fleet.each(None, &ctx.printer, "health", |host, t, _| {
        let site = crate::provision::site_of(profiles, host);
        let timeout = site.profile.checks.timeout;
        let script = health::script(site, host, t.root(), timeout.as_secs());
        let t0 = epoch();
        let out = t.run(&script, b"", timeout)?;
        let t1 = epoch();
        let probe = health::parse(&out.stdout_text());
        Ok((probe, (t0, t1)))
    });
    let mut checks = Vec::new();
    let mut releases: Vec<(String, String, Option<String>)> = Vec::new();
    for r in results {
        let host = fleet.host(r.index);
        let site = crate::provision::site_of(profiles, host);
        match r.result {
            Ok((probe, (t0, t1))) => {
                let offset = probe.time - (t0 + t1) / 2.0;
                let connect = fleet.connect_time(r.index).unwrap_or(Duration::ZERO);
                checks.extend(health::host_checks(
                    site,
                    host,
                    &probe,
                    connect,
                    if probe.time > 0.0 { offset } else { 0.0 },
                ));
                if host.has_role("app") || host.has_role("web") {
                    releases.push((host.city.clone(), host.name.clone(), probe.release.clone()));
                }
            }
            Err(HostError::Failed(e))
                if e.chain().any(|c| {
                    matches!(
                        c.downcast_ref::<TransportError>(),
                        Some(TransportError::CommandTimeout { .. })
                    )
                }) =>
            {
                checks.push(
                    Check::new(
                        &host.city,
                        Some(&host.name),
                        "ssh",
                        Status::Unknown,
                        "the checks timed out",
                    )
                    .hint("the server answers but is too slow: log in and look"),
                );
            }
            Err(e) => checks.push(health::unreachable(site, host, e.reason(), &e.to_string())),
        }
    }
    let mut cities: Vec<&String> = releases.iter().map(|(c, _, _)| c).collect();
    cities.dedup();
    for city in cities {
        let site = profiles.find(city).expect("a city of the target");
        let list: Vec<(String, Option<String>)> = releases
            .iter()
            .filter(|(c, _, _)| c == city)
            .map(|(_, h, r)| (h.clone(), r.clone()))
            .collect();
        checks.extend(health::city_checks(site, &list));
    }
    Ok(checks)
}

fn counts(checks: &[Check]) -> serde_json::Value {
    let n = |s: Status| checks.iter().filter(|c| c.status == s).count();
    serde_json::json!({ "ok": n(Status::Ok), "warning": n(Status::Warning), "critical": n(Status::Critical), "unknown": n(Status::Unknown) })
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
        time: crate::window::now().to_rfc3339(),
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
    for c in &r.cities {
        for x in &c.checks {
            if x.status == Status::Ok
                && p.verbose == 0
                && !matches!(x.check.as_str(), "ssh" | "database" | "schema" | "release")
            {
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
    p.text(format!(
        "{}: {} cities, {} checks: {} critical, {} warning, {} unknown, {} ok (-v shows every OK row)",
        r.status.as_str(),
        r.cities.len(),
        all.len(),
        n(Status::Critical),
        n(Status::Warning),
        n(Status::Unknown),
        n(Status::Ok)
    ))?;
    Ok(())
}
