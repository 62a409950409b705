//! `jinbao db init <target>`

use anyhow::Result;
use serde::Serialize;

use super::DbTarget;
use crate::context::Ctx;
use crate::error::Exit;
use crate::output::Tone;
use crate::schema;

#[derive(Serialize)]
struct Row {
    city: String,
    engine: &'static str,
    database: String,
    state: Option<&'static str>,
    roles: Vec<(String, &'static str)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn run(ctx: &Ctx, t: DbTarget) -> Result<Exit> {
    let sites = t.sites(ctx)?;
    ctx.audit_gate("db init")?;
    let rows = crate::parallel::map(&sites, t.jobs, |site| {
        let p = &site.profile;
        let mut row = Row {
            city: site.pinyin().to_string(),
            engine: p.database.engine.as_str(),
            database: crate::db::describe(p),
            state: None,
            roles: Vec::new(),
            error: None,
        };
        match schema::init(p) {
            Ok(r) => {
                row.state = Some(r.database_state);
                row.roles = r.roles;
            }
            Err(e) => row.error = Some(e.to_string()),
        }
        // its stanza in the province's repository from the start: the log is archived as it is
        // written (until then every segment waits on the db server's disk)
        if row.error.is_none()
            && let Ok(profiles) = ctx.profiles()
            && let Some(pg) = crate::backup::store(profiles, site, ctx.printer.progress()).pg()
            && let Err(e) = pg.ensure_stanza()
        {
            ctx.printer.warn(format!(
                "{}: the log is not archived yet (its stanza was not made: {e}); provision the backup host, then jinbao db backup {}",
                row.city, row.city
            ));
        }
        row
    });
    for r in &rows {
        crate::state::audit::record(
            ctx.state_dir(),
            crate::state::audit::Entry {
                action: "db init",
                targets: vec![r.city.clone()],
                what: format!(
                    "{}: {}",
                    r.database,
                    r.state.map_or("-".to_string(), |s| s.to_string())
                ),
                result: if r.error.is_some() { "failed" } else { "ok" },
                identity: ctx
                    .profiles()?
                    .find(&r.city)
                    .map(|s| format!("database account {}", s.profile.database.admin.user)),
            },
        )?;
    }
    let p = &ctx.printer;
    if p.json {
        p.json(&rows)?;
    } else {
        let mut table = p.table(&["city", "engine", "database", "state", "roles"]);
        for r in &rows {
            let (state, tone) = match (&r.error, r.state) {
                (Some(e), _) => (format!("failed: {e}"), Tone::Bad),
                (None, Some(s)) => (s.to_string(), Tone::Good),
                _ => ("?".into(), Tone::Warn),
            };
            let roles: Vec<String> = r.roles.iter().map(|(n, s)| format!("{n} ({s})")).collect();
            table.add_row(vec![
                p.cell(&r.city, Tone::Plain),
                p.cell(r.engine, Tone::Muted),
                p.cell(&r.database, Tone::Plain),
                p.cell(state, tone),
                p.cell(roles.join(", "), Tone::Plain),
            ]);
        }
        p.print_table(&table)?;
    }
    Ok(if rows.iter().any(|r| r.error.is_some()) {
        Exit::Failure
    } else {
        Exit::Success
    })
}
