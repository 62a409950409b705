//! Backups of each city's database, restores and drills. An SQLite database (the sandbox) is
//! copied by SQLite's online backup into the environment's records (`state::backups`), with
//! the rows of every table counted in the same picture; a restore goes into a new database
//! beside the live one, or replaces the live one in one write transaction; a drill restores
//! a backup into a scratch file and checks it against what was recorded when it was taken.
//! A PostgreSQL database is backed up on its server (pgBackRest): not set up by jinbao yet,
//! which every caller is told as [`BackupError::NotSetUp`].

mod drill;
mod pg_restore;
pub mod pgbackrest;
mod restore;
mod store;

pub use drill::drill;
pub use restore::{into_path, restore_in_place, restore_into};
pub use store::{Into, Store, store};

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use sha2::Digest;

use crate::db::{self, Account, DbError};
use crate::profile::{Engine, SiteProfile};
use crate::state::backups::{self as records_of, file_of, folder};
pub use crate::state::backups::{Backup, Drill};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "{city}: its PostgreSQL database is backed up on its server with pgBackRest, which jinbao does not set up yet"
    )]
    NotSetUp { city: String },
    #[error("{city}: the city database {path} does not exist yet: there is nothing to back up")]
    NoDatabase { city: String, path: String },
    #[error("{city}: {source}")]
    Database { city: String, source: DbError },
    #[error("{path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{city}: no backup {what}")]
    NotFound { city: String, what: String },
    #[error(
        "{city}: an SQLite database has backup points only, no point in time{}",
        .nearest.as_ref().map(|n| format!(" (the last backup before it: {n})")).unwrap_or_default()
    )]
    NoPointInTime {
        city: String,
        nearest: Option<String>,
    },
    #[error("{path}: the backup file changed since it was taken (checksum {now}, recorded {was})")]
    Changed {
        path: String,
        was: String,
        now: String,
    },
    #[error("{path} already exists: a restore --into never replaces a database")]
    Exists { path: String },
    #[error("`{0}`: a database name is 1–48 of a-z, 0-9 and _, starting with a letter")]
    BadName(String),
    #[error("{city}: the restored database does not match its backup: {}", .problems.join("; "))]
    Mismatch { city: String, problems: Vec<String> },
    #[error(
        "{city}: the live database was replaced, but does not match the backup restored: {}; what it held before is backup {kept}",
        .problems.join("; ")
    )]
    ReplacedMismatch {
        city: String,
        kept: String,
        problems: Vec<String>,
    },
    #[error("{city}: its database is busy (a backup, restore or migration): {why}")]
    Busy { city: String, why: String },
    #[error("{city}: {step} on {server}: {why}")]
    Server {
        city: String,
        server: String,
        step: String,
        why: String,
        /// The server could not be reached (a cut link, a server down).
        unreachable: bool,
    },
    #[error(
        "{city}: the repository on {server} cannot take the next backup: {} MB free, {} MB needed",
        .free >> 20, .need >> 20
    )]
    RepositoryFull {
        city: String,
        server: String,
        free: u64,
        need: u64,
    },
}

impl crate::error::Explain for BackupError {
    fn exit(&self) -> crate::error::Exit {
        use crate::error::Exit;
        match self {
            BackupError::NoPointInTime { .. }
            | BackupError::BadName(_)
            | BackupError::Exists { .. }
            | BackupError::NotFound { .. } => Exit::Usage,
            _ => Exit::Failure,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            BackupError::NoDatabase { city, .. } => format!("jinbao db migrate {city} makes it"),
            BackupError::NotFound { city, .. } => format!("jinbao db backups {city} lists them"),
            BackupError::NoPointInTime { city, nearest } => match nearest {
                Some(id) => format!("jinbao db restore {city} --backup {id}"),
                None => format!("jinbao db backups {city} lists the backups"),
            },
            BackupError::Changed { .. } => {
                "restore another backup (jinbao db backups CITY); this one cannot be trusted".into()
            }
            BackupError::Exists { .. } => "choose another name with --into".into(),
            BackupError::ReplacedMismatch { city, kept, .. } => {
                format!("jinbao db restore {city} --backup {kept} --in-place puts it back")
            }
            BackupError::NotSetUp { .. } => {
                "back up the server with its own tools until jinbao sets up pgBackRest".into()
            }
            _ => return None,
        })
    }
}

type Result<T> = std::result::Result<T, BackupError>;

/// Why a backup is taken: said in the list and the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    ByHand,
    BeforeMigrate,
    /// The restore point of a rollout run, taken before its switch.
    BeforeRollout(String),
    /// The live database, kept before a restore replaces it.
    BeforeRestore,
}

impl Reason {
    fn words(&self) -> &'static str {
        match self {
            Reason::ByHand => "by hand",
            Reason::BeforeMigrate => "before db migrate",
            Reason::BeforeRollout(_) => "before rollout",
            Reason::BeforeRestore => "before restore",
        }
    }
}

/// Which backup a restore starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Point {
    Latest,
    Id(String),
    /// The restore point a rollout run took before its switch.
    BeforeRun(String),
    /// A point in time (PostgreSQL only).
    Time(DateTime<Utc>),
}

/// Takes a backup of the site's database now and records it; prunes the oldest beyond the
/// profile's `backup.keep`. An interrupted backup leaves only a partial file, never recorded
/// (the next backup removes it): the backups before stay whole and listed.
pub fn take(p: &SiteProfile, records: &Path, reason: Reason) -> Result<Backup> {
    let (dir, _lock) = locked(p, records)?;
    let b = snapshot(p, records, &dir, reason)?;
    prune(records, &b.city, p.backup.keep.max(1) as usize)?;
    Ok(b)
}

/// The city's backups folder (a real folder of this user, never a link), locked: backups,
/// prunes and in-place restores of a city one at a time, across processes.
fn locked(p: &SiteProfile, records: &Path) -> Result<(PathBuf, crate::state::lock::Lock)> {
    check_engine(p)?;
    if db::never_made(p) {
        return Err(BackupError::NoDatabase {
            city: p.city.pinyin.clone(),
            path: db::sqlite_path(p).display().to_string(),
        });
    }
    let dir = folder(records, &p.city.pinyin);
    if let Some(parent) = dir.parent() {
        crate::files::private_dir(parent).map_err(|e| file_error(parent, e))?;
    }
    crate::files::owned_private_dir(&dir, false).map_err(|e| file_error(&dir, e))?;
    let lock = city_lock(records, &p.city.pinyin)?;
    Ok((dir, lock))
}

/// The state folder's own lock of a city's backups (shown by `jinbao lock status`): backups,
/// restores and drills of a city one at a time, across processes. A backup of a large
/// database takes minutes, which another waits out.
pub(crate) fn city_lock(records: &Path, city: &str) -> Result<crate::state::lock::Lock> {
    crate::state::lock::acquire(
        records,
        &format!("backup-{city}"),
        "db backup",
        std::time::Duration::from_secs(900),
        &mut |_| {},
    )
    .map_err(|e| BackupError::Busy {
        city: city.to_string(),
        why: e.to_string(),
    })
}

/// Copies the database into the locked folder `dir` and records the backup.
fn snapshot(p: &SiteProfile, records: &Path, dir: &Path, reason: Reason) -> Result<Backup> {
    let city = p.city.pinyin.clone();
    remove_partials(dir);
    let started = Instant::now();
    let taken_at = crate::clock::now();
    let id = free_id(records, &city, dir, taken_at);
    let partial = dir.join(format!(".{id}.{}.partial", std::process::id()));
    let database = |source| BackupError::Database {
        city: city.clone(),
        source,
    };
    let copied = (|| {
        let tables = db::connect(p, Account::ReadOnly)
            .and_then(|mut c| c.snapshot_into(&partial))
            .map_err(database)?;
        let schema_version = db::connect_source(&partial.display().to_string(), p)
            .and_then(|mut c| schema_version(&mut c))
            .map_err(database)?;
        let (sha256, size_bytes) = hashed(&partial, None)?;
        Ok((tables, schema_version, sha256, size_bytes))
    })();
    let file = format!("{id}.sqlite");
    let whole = dir.join(&file);
    let renamed = copied.and_then(|c| {
        std::fs::rename(&partial, &whole).map_err(|e| file_error(&whole, e))?;
        Ok(c)
    });
    let (tables, schema_version, sha256, size_bytes) = renamed.inspect_err(|_| {
        remove_with_journals(&partial);
    })?;
    sync_dir(dir);
    let backup = Backup {
        id,
        city: city.clone(),
        engine: "sqlite".into(),
        kind: "full".into(),
        taken_at,
        took_ms: started.elapsed().as_millis() as u64,
        size_bytes,
        sha256,
        schema_version,
        tables,
        run: match &reason {
            Reason::BeforeRollout(run) => Some(run.clone()),
            _ => None,
        },
        reason: reason.words().into(),
        by: crate::operator::operator(),
        file,
        target: None,
        set: None,
        lsn: None,
        timeline: None,
    };
    records_of::record(records, &backup).map_err(|e| file_error(dir, e))?;
    Ok(backup)
}

/// A database file and the journals SQLite may leave beside it.
fn remove_with_journals(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The recorded backups of a city that still have their file, oldest first, with the
/// records that could not be read and the backups whose file is gone.
pub fn list(records: &Path, city: &str) -> (Vec<Backup>, Vec<String>) {
    let h = records_of::list(records, city);
    let mut problems: Vec<String> = h.unreadable.iter().map(|u| u.to_string()).collect();
    let mut out = Vec::new();
    for b in h.records {
        if b.city != city {
            problems.push(format!(
                "backup {}: recorded for `{}`, left out",
                b.id, b.city
            ));
            continue;
        }
        if b.engine == "postgres" {
            // in the province's repository, not here: `db backups` asks it
            out.push(b);
            continue;
        }
        match safe_file(records, &b) {
            Some(path) if path.is_file() => out.push(b),
            Some(path) => problems.push(format!("backup {}: {} is missing", b.id, path.display())),
            None => problems.push(format!(
                "backup {}: its file name `{}` is refused",
                b.id, b.file
            )),
        }
    }
    (out, problems)
}

/// The backup a restore starts from.
pub fn find(p: &SiteProfile, records: &Path, point: &Point) -> Result<Backup> {
    let city = p.city.pinyin.as_str();
    check_engine(p)?;
    let (backups, _) = list(records, city);
    find_in(&backups, city, point)
}

/// The backup of `backups` (a city's, oldest first) a restore starts from.
pub(crate) fn find_in(backups: &[Backup], city: &str, point: &Point) -> Result<Backup> {
    let not_found = |what: String| BackupError::NotFound {
        city: city.to_string(),
        what,
    };
    match point {
        Point::Latest => backups
            .last()
            .cloned()
            .ok_or_else(|| not_found("yet".into())),
        Point::Id(id) => backups
            .iter()
            .find(|b| &b.id == id)
            .cloned()
            .ok_or_else(|| not_found(format!("`{id}`"))),
        // the first a run took: a resumed run takes another, after what the first run did
        Point::BeforeRun(run) => backups
            .iter()
            .find(|b| b.run.as_deref() == Some(run.as_str()))
            .cloned()
            .ok_or_else(|| not_found(format!("taken before rollout run {run}"))),
        Point::Time(t) => Err(BackupError::NoPointInTime {
            city: city.to_string(),
            nearest: backups
                .iter()
                .rev()
                .find(|b| b.taken_at <= *t)
                .map(|b| b.id.clone()),
        }),
    }
}

/// Copies the backup's file to the new private file `to` in one reading, checking its
/// checksum on the way: a file that changed since is refused and its copy removed.
pub(crate) fn copy_verified(records: &Path, b: &Backup, to: &Path) -> Result<()> {
    let path = recorded_file(records, b)?;
    let mut dst = crate::files::create_private(to).map_err(|e| file_error(to, e))?;
    let checked = hashed(&path, Some(&mut dst)).and_then(|(now, _)| {
        dst.sync_all().map_err(|e| file_error(to, e))?;
        same_content(&path, b, &now)
    });
    if checked.is_err() {
        let _ = std::fs::remove_file(to);
    }
    checked
}

fn recorded_file(records: &Path, b: &Backup) -> Result<PathBuf> {
    safe_file(records, b).ok_or_else(|| BackupError::NotFound {
        city: b.city.clone(),
        what: format!("file `{}`", b.file),
    })
}

fn same_content(path: &Path, b: &Backup, now: &str) -> Result<()> {
    if now == b.sha256 {
        return Ok(());
    }
    Err(BackupError::Changed {
        path: path.display().to_string(),
        was: b.sha256.chars().take(12).collect(),
        now: now.chars().take(12).collect(),
    })
}

/// A recorded file name is a plain name jinbao gave (a damaged or edited index must not
/// point a restore elsewhere).
fn safe_file(records: &Path, b: &Backup) -> Option<PathBuf> {
    let plain = b.file.ends_with(".sqlite")
        && b.file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !b.file.starts_with('.');
    plain.then(|| file_of(records, b))
}

fn check_engine(p: &SiteProfile) -> Result<()> {
    match p.database.engine {
        Engine::Sqlite => Ok(()),
        Engine::Postgres => Err(BackupError::NotSetUp {
            city: p.city.pinyin.clone(),
        }),
    }
}

/// The newest migration recorded in the database `conn` is open on.
pub(crate) fn schema_version(conn: &mut db::Conn) -> std::result::Result<Option<u32>, DbError> {
    if !conn.has_table(crate::schema::HISTORY_TABLE)? {
        return Ok(None);
    }
    let sql = format!(
        "SELECT coalesce(max(version), 0) FROM {}",
        conn.table(crate::schema::HISTORY_TABLE)
    );
    Ok(Some(conn.count(&sql)? as u32).filter(|v| *v > 0))
}

/// The file's SHA-256 and size, read once; what is read also goes to `copy` when given.
fn hashed(path: &Path, mut copy: Option<&mut std::fs::File>) -> Result<(String, u64)> {
    use std::io::{Read, Write};
    let mut f = std::fs::File::open(path).map_err(|e| file_error(path, e))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let got = f.read(&mut buf).map_err(|e| file_error(path, e))?;
        if got == 0 {
            break;
        }
        h.update(&buf[..got]);
        if let Some(out) = copy.as_mut() {
            out.write_all(&buf[..got])
                .map_err(|e| file_error(path, e))?;
        }
        n += got as u64;
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((hex, n))
}

pub(crate) fn file_error(path: &Path, source: std::io::Error) -> BackupError {
    BackupError::File {
        path: path.display().to_string(),
        source,
    }
}

/// An id from the time, with a suffix when one is taken already (by a file or a record).
fn free_id(records: &Path, city: &str, dir: &Path, at: DateTime<Utc>) -> String {
    let recorded: Vec<String> = records_of::list(records, city)
        .records
        .into_iter()
        .map(|b| b.id)
        .collect();
    let base = at.format("%Y%m%dT%H%M%SZ").to_string();
    let mut id = base.clone();
    let mut n = 2;
    while dir.join(format!("{id}.sqlite")).exists() || recorded.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// What a killed backup, restore or drill left (its partial file, scratch copy and their
/// journals), of processes that are gone: never recorded, removed.
fn remove_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = leftover_pid(&name) else {
            continue;
        };
        if crate::state::lock::start_time(pid).is_none() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The process a leftover file names: `.ID.PID.partial`, `.restore-PID.sqlite`,
/// `.drill-PID.sqlite`, each possibly with SQLite's `-wal`, `-shm` or `-journal`.
fn leftover_pid(name: &str) -> Option<u32> {
    let base = ["-wal", "-shm", "-journal"]
        .iter()
        .fold(name, |n, s| n.strip_suffix(s).unwrap_or(n));
    if let Some(rest) = base.strip_suffix(".partial") {
        return rest.rsplit('.').next()?.parse().ok();
    }
    [".restore-", ".drill-"].iter().find_map(|kind| {
        base.strip_prefix(kind)?
            .strip_suffix(".sqlite")?
            .parse()
            .ok()
    })
}

/// Keeps the newest `keep` backups and removes the others' files.
fn prune(records: &Path, city: &str, keep: usize) -> Result<()> {
    // a record of another city (a damaged or edited index) is never followed, and goes
    let all: Vec<Backup> = records_of::list(records, city)
        .records
        .into_iter()
        .filter(|b| b.city == city)
        .collect();
    if all.len() <= keep {
        return Ok(());
    }
    let (old, kept) = all.split_at(all.len() - keep);
    records_of::keep_only(records, city, kept)
        .map_err(|e| file_error(&folder(records, city), e))?;
    for b in old {
        if let Some(path) = safe_file(records, b) {
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
