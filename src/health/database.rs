//! The city database seen from this machine: whether it answers, its size, what its server
//! carries (connections, open transactions, replication slots), its schema and drift.

use super::{Check, Status};
use crate::profile::Site;

/// The city database seen from this machine: reachable, its size and connections, the schema
/// version against the migrations, checksums and drift.
pub fn database_checks(site: &Site, templates: &std::path::Path, with_drift: bool) -> Vec<Check> {
    use crate::db::{self, Account};
    let city = site.pinyin();
    let p = &site.profile;
    let mut out = Vec::new();
    let target = db::describe(p);
    let migrations = match crate::schema::of_engine(templates, p.database.engine) {
        Ok(m) => m,
        Err(e) => {
            return vec![Check::new(
                city,
                None,
                "schema",
                Status::Unknown,
                e.to_string(),
            )];
        }
    };
    let mut store = match crate::schema::open(p, Account::ReadOnly) {
        Ok(s) => s,
        Err(e) => {
            return vec![
                Check::new(
                    city,
                    None,
                    "database",
                    Status::Critical,
                    format!("{target}: {e}"),
                )
                .hint("is the database up, and the line to it? (jinbao db status)"),
            ];
        }
    };
    let size = store.size_bytes().ok().flatten();
    let load = db::connect(p, Account::ReadOnly)
        .ok()
        .and_then(|mut c| c.server_load());
    let mut value = format!("{target} answers");
    if let Some(b) = size {
        value.push_str(&format!(", {:.1} MB", b as f64 / 1e6));
    }
    let mut check = Check::new(city, None, "database", Status::Ok, value);
    if let Some(b) = size {
        check = check.perf(format!("{city}_db_size"), b as f64, "B", None, None);
    }
    if let Some(load) = &load {
        check = server_load(check, load, &p.checks);
    }
    out.push(check);
    match store.applied() {
        Ok(applied) => {
            let st = crate::schema::status(&migrations, &applied);
            let cur = st
                .current
                .map_or("no schema".into(), |c| format!("V{c:03}"));
            let (s, hint) = if !st.checksum_mismatches.is_empty() {
                (
                    Status::Critical,
                    "an applied migration was edited: jinbao db status".to_string(),
                )
            } else if !st.pending.is_empty() {
                (Status::Warning, "jinbao db migrate".to_string())
            } else {
                (Status::Ok, String::new())
            };
            out.push(
                Check::new(
                    city,
                    None,
                    "schema",
                    s,
                    format!("{cur}, {} pending", st.pending.len()),
                )
                .threshold(format!("expected V{:03}", st.latest))
                .hint(hint),
            );
            if with_drift && st.current.is_some() {
                let current = st.current.unwrap_or(0);
                let drift = crate::schema::open(p, Account::Migrator)
                    .and_then(|mut s| crate::schema::drift(s.as_mut(), &migrations, current));
                out.push(match drift {
                    Ok(d) => {
                        if d.is_empty() {
                            Check::new(
                                city,
                                None,
                                "drift",
                                Status::Ok,
                                "the schema is as the migrations make it",
                            )
                        } else {
                            let first: Vec<String> =
                                d.iter().take(3).map(|x| x.summary()).collect();
                            Check::new(
                                city,
                                None,
                                "drift",
                                Status::Warning,
                                format!("{} differences: {}", d.len(), first.join("; ")),
                            )
                            .hint("jinbao db drift shows them all")
                        }
                    }
                    Err(e) => Check::new(city, None, "drift", Status::Unknown, e.to_string()),
                });
            }
        }
        Err(e) => out.push(Check::new(
            city,
            None,
            "schema",
            Status::Unknown,
            e.to_string(),
        )),
    }
    out
}

/// The database check with what the server carries: connections against `max_connections`,
/// the longest open transaction, replication slots' lag; the worst of them is its status.
fn server_load(
    mut check: Check,
    load: &crate::db::ServerLoad,
    limits: &crate::profile::Checks,
) -> Check {
    let mut worst = Status::Ok;
    let mut hints = Vec::new();
    let mut raise = |s: Status, hint: &str, hints: &mut Vec<String>| {
        if s.rank() > worst.rank() {
            worst = s;
        }
        if s != Status::Ok {
            hints.push(hint.to_string());
        }
    };
    let pct = 100.0 * load.connections as f64 / load.max_connections.max(1) as f64;
    check.value.push_str(&format!(
        ", {} of {} connections",
        load.connections, load.max_connections
    ));
    let s = if pct >= limits.connections_crit_pct {
        Status::Critical
    } else if pct >= limits.connections_warn_pct {
        Status::Warning
    } else {
        Status::Ok
    };
    raise(
        s,
        "connections near max_connections: look for leaking clients (pg_stat_activity), or raise max_connections in [database.server] settings",
        &mut hints,
    );
    if let Some(t) = load.longest_transaction_s {
        check.value.push_str(&format!(
            ", longest transaction {}",
            crate::numbers::span(t)
        ));
        let s = if t >= limits.transaction_warn.as_secs_f64() {
            Status::Warning
        } else {
            Status::Ok
        };
        raise(
            s,
            "a transaction open that long holds back vacuum: find it in pg_stat_activity (xact_start)",
            &mut hints,
        );
    }
    if load.slots > 0 {
        let lag_mb = load.slot_lag_bytes.unwrap_or(0) as f64 / (1u64 << 20) as f64;
        check.value.push_str(&format!(
            ", {} replication slots, lag {lag_mb:.0} MB",
            load.slots
        ));
        let s = if lag_mb >= limits.slot_lag_warn_mb {
            Status::Warning
        } else {
            Status::Ok
        };
        raise(
            s,
            "a replication slot that far behind keeps WAL on the db server's disk: is its standby up? (pg_replication_slots)",
            &mut hints,
        );
    }
    check.status = worst;
    check
        .threshold(format!("connections < {:.0}%", limits.connections_warn_pct))
        .hint(hints.join("; "))
}
