//! A city database's backups as health sees them: the age of the last backup and of the last
//! good drill, against the profile's `backup.max_age` and `backup.drill_max_age`. A city with
//! no backup and no requirement has no rows: there is nothing to say.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Check, Status};
use crate::profile::{Engine, Site};

pub fn backup_checks(
    store: &crate::backup::Store<'_>,
    site: &Site,
    records: &Path,
    now: DateTime<Utc>,
) -> Vec<Check> {
    let city = site.pinyin();
    let settings = &site.profile.backup;
    let (mut backups, mut problems) = crate::backup::list(records, city);
    let required = !settings.max_age.is_zero();
    // pgBackRest's repository is the truth of a PostgreSQL city: what its timers took counts,
    // and a repository that cannot be reached or is full is said first
    let mut repository = None;
    if let Some(pg) = store.pg() {
        match pg.survey() {
            Ok((info, free)) => {
                repository = pg.room_problem(&info, free).map(|e| e.to_string());
                let (all, said) = crate::backup::pgbackrest::with_repository(city, backups, &info);
                backups = all;
                problems.extend(said);
            }
            Err(e) => repository = Some(e.to_string()),
        }
    }
    if backups.is_empty() && !required && settings.drill_max_age.is_zero() && repository.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let backup = match backups.last() {
        None if site.profile.database.engine == Engine::Postgres && store.pg().is_none() => {
            Check::new(
                city,
                None,
                "backup",
                Status::Critical,
                "no backup: jinbao backs up a PostgreSQL server it builds ([database.server] manage) to the province's backup host (a server with the role `backup`)",
            )
        }
        None => Check::new(city, None, "backup", Status::Critical, "no backup yet")
            .hint(format!("jinbao db backup {city}")),
        Some(b) => {
            let age = age(now, b.taken_at);
            let status = if required && age > settings.max_age.saturating_mul(2) {
                Status::Critical
            } else if required && age > settings.max_age {
                Status::Warning
            } else {
                Status::Ok
            };
            let mut check = Check::new(
                city,
                None,
                "backup",
                status,
                format!(
                    "{}, {} ago ({}, {:.1} MB)",
                    b.id,
                    crate::numbers::span(age.as_secs_f64()),
                    b.reason,
                    b.size_bytes as f64 / 1e6
                ),
            )
            .perf(
                format!("{city}_backup_age"),
                age.as_secs_f64(),
                "s",
                required.then_some(settings.max_age.as_secs_f64()),
                required.then_some(settings.max_age.as_secs_f64() * 2.0),
            );
            if status != Status::Ok {
                check = check.hint(format!("jinbao db backup {city}"));
            }
            check
        }
    };
    // a repository that cannot take the next backup: the next migration or rollout would
    // refuse to start, so CRITICAL now
    let need = backups.last().map_or_else(
        || {
            std::fs::metadata(crate::db::sqlite_path(&site.profile))
                .map(|m| m.len())
                .unwrap_or(0)
        },
        |b| b.size_bytes,
    );
    let dir = crate::state::backups::folder(records, city);
    let problem = match store.pg() {
        Some(_) => repository.map(|why| (why, "the province's backup host".to_string())),
        None => repository_problem(&dir, need).map(|why| (why, dir.display().to_string())),
    };
    let backup = match problem {
        Some((why, place)) => Check {
            status: Status::Critical,
            value: format!("the repository cannot take the next backup: {why}"),
            ..backup
        }
        .hint(format!(
            "make room or fix {place}; until then db migrate and rollouts refuse to start"
        )),
        None => backup,
    };
    // a backup recorded whose file is gone is no backup: said, never passed over
    out.push(match problems.first() {
        Some(p) if backup.status == Status::Ok => Check {
            status: Status::Warning,
            ..backup
        }
        .hint(format!("{p} (jinbao db backups {city})")),
        _ => backup,
    });
    out.push(drill_check(site, records, now));
    if store.pg().is_some() {
        out.push(archive_check(site));
    }
    out
}

/// The city's log reaching the repository: PostgreSQL's archiver failing is CRITICAL (no
/// point in time after its last success can be restored).
fn archive_check(site: &Site) -> Check {
    let city = site.pinyin();
    let check = |status, value: String| Check::new(city, None, "archive", status, value);
    let read = crate::db::connect(&site.profile, crate::db::Account::ReadOnly).and_then(|mut c| {
        c.rows(
            "SELECT coalesce(last_archived_wal, ''), coalesce(extract(epoch FROM now() - last_archived_time)::bigint, -1), \
             failed_count, coalesce(last_failed_wal, ''), \
             coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false) FROM pg_stat_archiver",
        )
    });
    let rows = match read {
        Ok(rows) => rows,
        Err(e) => return check(Status::Unknown, format!("the archiver was not read: {e}")),
    };
    let Some(r) = rows.first() else {
        return check(Status::Unknown, "the archiver was not read".into());
    };
    let text = |i: usize| r.get(i).and_then(crate::db::Cell::text).unwrap_or_default();
    let int = |i: usize| r.get(i).and_then(crate::db::Cell::int).unwrap_or(-1);
    let failing = text(4) == "true" || text(4) == "t";
    if failing {
        return check(
            Status::Critical,
            format!(
                "the log does not reach the repository: {} failed ({} failures), last archived {}",
                text(3),
                int(2),
                if text(0).is_empty() { "none".into() } else { text(0) }
            ),
        )
        .hint(format!(
            "PostgreSQL's log on the db server says why (archive-push); pgBackRest's repository: jinbao db backups {city}"
        ));
    }
    match int(1) {
        -1 => check(Status::Warning, "nothing archived yet".into())
            .hint(format!("jinbao db backup {city}")),
        age => check(
            Status::Ok,
            format!(
                "{} archived {} ago",
                text(0),
                crate::numbers::span(age as f64)
            ),
        ),
    }
}

fn drill_check(site: &Site, records: &Path, now: DateTime<Utc>) -> Check {
    let city = site.pinyin();
    let max = site.profile.backup.drill_max_age;
    let drills = crate::state::backups::drill_history(records, city).records;
    let hint = format!("jinbao db drill {city}");
    if let Some(d) = drills.last().filter(|d| !d.ok) {
        return Check::new(
            city,
            None,
            "drill",
            Status::Critical,
            format!(
                "the last drill (backup {}) failed: {}",
                d.backup,
                d.problems.join("; ")
            ),
        )
        .hint(hint);
    }
    match drills.iter().rev().find(|d| d.ok) {
        None => Check::new(
            city,
            None,
            "drill",
            if max.is_zero() {
                Status::Ok
            } else {
                Status::Warning
            },
            "no drill yet: no backup restored and checked",
        )
        .hint(hint),
        Some(d) => {
            let age = age(now, d.at);
            let late = !max.is_zero() && age > max;
            let check = Check::new(
                city,
                None,
                "drill",
                if late { Status::Warning } else { Status::Ok },
                format!(
                    "last good {} ago (backup {}, {} rows checked)",
                    crate::numbers::span(age.as_secs_f64()),
                    d.backup,
                    d.rows_checked
                ),
            )
            .perf(
                format!("{city}_drill_age"),
                age.as_secs_f64(),
                "s",
                (!max.is_zero()).then_some(max.as_secs_f64()),
                None,
            );
            if late { check.hint(hint) } else { check }
        }
    }
}

fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> Duration {
    (now - then).to_std().unwrap_or_default()
}

/// Why the repository (the city's backups folder) cannot take the next backup: not a folder
/// jinbao can write, or less room than twice `need` bytes (the last backup's size).
fn repository_problem(dir: &Path, need: u64) -> Option<String> {
    // the folder, or the nearest one above it that exists (a first backup makes the rest)
    let mut at = dir.to_path_buf();
    while !at.exists() {
        if !at.pop() {
            break;
        }
    }
    let meta = match std::fs::symlink_metadata(&at) {
        Ok(m) => m,
        Err(e) => return Some(format!("{}: {e}", at.display())),
    };
    if !meta.is_dir() {
        return Some(format!("{} is not a folder", at.display()));
    }
    let probe = at.join(format!(".jinbao-probe-{}", std::process::id()));
    // a new file of its own, never through a link someone left under that name
    let made = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&probe)
    };
    if let Err(e) = made {
        return Some(format!("{} cannot be written: {e}", at.display()));
    }
    let _ = std::fs::remove_file(&probe);
    let free = free_bytes(&at)?;
    (free < need.saturating_mul(2)).then(|| {
        format!(
            "{} has {:.1} MB free, the last backup took {:.1} MB",
            at.display(),
            free as f64 / 1e6,
            need as f64 / 1e6
        )
    })
}

/// The bytes an unprivileged writer may still use on the file system of `path`.
fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid C string and a struct statvfs to fill
    (unsafe { libc::statvfs(c.as_ptr(), &mut st) } == 0)
        .then(|| st.f_bavail as u64 * st.f_frsize as u64)
}
