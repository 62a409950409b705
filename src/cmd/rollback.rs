//! `jinbao rollback <city> [--to VERSION]`: switch a city back to its previous release (or to
//! VERSION), under the city lock, and check its health.

use std::time::Duration;

use anyhow::Result;
use clap::Args;

use crate::cli::{ConnectArgs, TargetArgs};
use crate::context::Ctx;
use crate::error::{Exit, fail, usage};
use crate::output::Tone;
use crate::release::{lock, remote, rollout::health_command};

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The city (pinyin, Chinese name or code)
    pub city: String,
    /// The release to go back to [default: the one installed before the current]
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Change the city outside its maintenance window, recording why
    #[arg(long, value_name = "REASON")]
    pub override_window: Option<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

pub fn run(ctx: &Ctx, a: RollbackArgs) -> Result<Exit> {
    let site = ctx.site(&a.city)?;
    crate::window::check_all(ctx, &[site], a.override_window.as_deref(), "rollback")?;
    let p = &site.profile;
    let target = TargetArgs {
        cities: vec![site.pinyin().into()],
        ..Default::default()
    };
    let fleet = ctx.fleet(&target.spec(), None, &a.connect)?;
    let app: Vec<usize> = (0..fleet.len())
        .filter(|i| fleet.host(*i).has_role("app") || fleet.host(*i).has_role("web"))
        .collect();
    let install = p.app.install_dir.clone();
    let facts = fleet.each(Some(&app), &ctx.printer, "preflight", |_, t, _| {
        let o = t.run(
            &remote::preflight_script(t.root(), &install, "-"),
            b"",
            Duration::from_secs(60),
        )?;
        Ok(remote::parse_preflight(&o.stdout_text()))
    });
    let mut wanted: Vec<String> = Vec::new();
    for r in &facts {
        let f = r.result.as_ref().map_err(|e| {
            fail(
                Exit::Failure,
                format!("{}: {e}", fleet.host(r.index).label()),
                "",
            )
        })?;
        let v = match &a.to {
            Some(v) if f.installed.contains(v) => v.clone(),
            Some(v) => {
                return Err(usage(
                    format!("{} has no release {v}", fleet.host(r.index).label()),
                    format!("installed: {}", f.installed.join(", ")),
                ));
            }
            None => f
                .installed
                .iter()
                .find(|v| Some(*v) != f.current.as_ref())
                .cloned()
                .ok_or_else(|| {
                    usage(
                        format!(
                            "{} has no release to go back to",
                            fleet.host(r.index).label()
                        ),
                        "",
                    )
                })?,
        };
        if !wanted.contains(&v) {
            wanted.push(v);
        }
    }
    if wanted.len() != 1 {
        return Err(usage(
            format!(
                "the servers of {} would go back to different releases: {}",
                site.pinyin(),
                wanted.join(", ")
            ),
            "name one with --to VERSION",
        ));
    }
    let version = wanted.remove(0);
    let mut from: Vec<String> = facts
        .iter()
        .filter_map(|r| r.result.as_ref().ok().and_then(|f| f.current.clone()))
        .collect();
    from.sort();
    from.dedup();
    let run = format!("rollback-{}", std::process::id());
    let _controller_lock = crate::state::lock::acquire(
        ctx.state_dir(),
        &format!("city-{}", site.pinyin()),
        &format!("rollback of {} to {version}", site.pinyin()),
        Duration::ZERO,
        &mut |_| {},
    )
    .map_err(|e| match e {
        crate::state::lock::LockError::Io(e) => anyhow::Error::from(e),
        other => fail(
            Exit::Blocked,
            format!("{} is locked: {other}", site.pinyin()),
            "",
        ),
    })?;
    let info = lock::info(&run, &version);
    let held = fleet.each(Some(&app), &ctx.printer, "lock", |_, t, _| {
        let o = t.run(
            &remote::lock_script(t.root(), &install, &run, &info),
            b"",
            Duration::from_secs(30),
        )?;
        let text = o.stdout_text();
        if let Some(h) = text
            .lines()
            .find_map(|l| l.strip_prefix("HELD\t").map(str::to_string))
        {
            return Ok(Some(h));
        }
        anyhow::ensure!(
            text.lines().any(|l| l == "LOCKED"),
            "could not take the lock: {}",
            o.stderr_text().trim()
        );
        Ok(None)
    });
    let unlock = || {
        fleet.each(Some(&app), &ctx.printer, "unlock", |_, t, _| {
            t.run(
                &remote::unlock_script(t.root(), &install, Some(&run)),
                b"",
                Duration::from_secs(30),
            )?;
            Ok(())
        })
    };
    if let Some(e) = held.iter().find_map(|r| r.result.as_ref().err()) {
        unlock();
        return Err(fail(
            Exit::Failure,
            format!("cannot lock {}: {e}", site.pinyin()),
            "",
        ));
    }
    if let Some(h) = held
        .iter()
        .find_map(|r| r.result.as_ref().ok().cloned().flatten())
    {
        unlock();
        return Err(fail(
            Exit::Blocked,
            format!("a rollout holds the lock of {}: {h}", site.pinyin()),
            "",
        ));
    }
    let start = format!("{install}/current/bin/start");
    let service = (!p.app.service.is_empty()).then_some((p.app.service.as_str(), start.as_str()));
    let results = fleet.each(Some(&app), &ctx.printer, "rollback", |_, t, _| {
        let local = t.kind() == crate::profile::TransportKind::Local;
        let script = remote::rollback_script(
            t.root(),
            &install,
            Some(&version),
            service,
            local,
            &health_command(p, None).map_err(anyhow::Error::msg)?,
            p.app.health.timeout.as_secs().max(1),
        );
        let o = t.run(&script, b"", p.app.health.timeout + Duration::from_secs(60))?;
        match remote::parse_steps(&o.stdout_text()).1 {
            Some((step, why)) => anyhow::bail!("{step}: {why}"),
            None => Ok(()),
        }
    });
    unlock();
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| {
            r.result
                .as_ref()
                .err()
                .map(|e| format!("{}: {e}", fleet.host(r.index).name))
        })
        .collect();
    crate::state::audit::record(
        ctx.state_dir(),
        crate::state::audit::Entry {
            action: "rollback",
            targets: vec![site.pinyin().to_string()],
            what: format!("{} → {version}", from.join("/")),
            result: if failures.is_empty() { "ok" } else { "failed" },
            identity: Some(crate::inventory::identity(p)),
        },
    )?;
    crate::state::record_release(
        ctx.state_dir(),
        site.pinyin(),
        &crate::state::ReleaseRecord {
            time: crate::window::now().to_rfc3339(),
            action: "rollback".into(),
            run: None,
            result: if failures.is_empty() {
                "switched"
            } else {
                "failed"
            }
            .into(),
            from,
            to: version.clone(),
            reason: (!failures.is_empty()).then(|| failures.join("; ")),
        },
    )?;
    let pr = &ctx.printer;
    let mut t = pr.table(&["city", "host", "release", "result"]);
    let mut failed = false;
    for r in &results {
        let h = fleet.host(r.index);
        let (text, tone) = match &r.result {
            Ok(()) => ("switched back, healthy".to_string(), Tone::Good),
            Err(e) => {
                failed = true;
                (format!("failed: {e}"), Tone::Bad)
            }
        };
        t.add_row(vec![
            pr.cell(&h.city, Tone::Plain),
            pr.cell(&h.name, Tone::Plain),
            pr.cell(&version, Tone::Plain),
            pr.cell(text, tone),
        ]);
    }
    if pr.json {
        let rows: Vec<_> = results.iter().map(|r| serde_json::json!({"city": fleet.host(r.index).city, "host": fleet.host(r.index).name, "release": version, "ok": r.result.is_ok(), "error": r.result.as_ref().err().map(|e| e.to_string())})).collect();
        pr.json(&rows)?;
    } else {
        pr.print_table(&t)?;
    }
    Ok(if failed { Exit::Failure } else { Exit::Success })
}
