//! Backups of each city's database, restores and drills. An SQLite database (the sandbox) is
//! copied by SQLite's online backup into the environment's records (`state::backups`), with
//! the rows of every table counted in the same picture; a restore goes into a new database
//! beside the live one, or replaces the live one in one write transaction; a drill restores
//! a backup into a scratch file and checks it against what was recorded when it was taken.
//! A PostgreSQL database is backed up on its server (pgBackRest): not set up by jinbao yet,
//! which every caller is told as [`BackupError::NotSetUp`].

mod drill;

pub use drill::drill;

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
    let b = take_unpruned(p, records, reason)?;
    prune(records, &b.city, p.backup.keep.max(1) as usize)?;
    Ok(b)
}

fn take_unpruned(p: &SiteProfile, records: &Path, reason: Reason) -> Result<Backup> {
    let city = p.city.pinyin.clone();
    check_engine(p)?;
    if db::never_made(p) {
        return Err(BackupError::NoDatabase {
            city,
            path: db::sqlite_path(p).display().to_string(),
        });
    }
    let dir = folder(records, &city);
    crate::files::private_dir(&dir).map_err(|e| file_error(&dir, e))?;
    let _lock = FolderLock::take(&dir)?;
    remove_partials(&dir);
    let started = Instant::now();
    let taken_at = crate::clock::now();
    let id = free_id(&dir, taken_at);
    let partial = dir.join(format!(".{id}.{}.partial", std::process::id()));
    let database = |source| BackupError::Database {
        city: city.clone(),
        source,
    };
    let tables = db::connect(p, Account::ReadOnly)
        .and_then(|mut c| c.snapshot_into(&partial))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            database(e)
        })?;
    let schema_version = schema_version(&partial, p).map_err(database)?;
    let (sha256, size_bytes) = hashed(&partial, None)?;
    let file = format!("{id}.sqlite");
    let whole = dir.join(&file);
    std::fs::rename(&partial, &whole).map_err(|e| file_error(&whole, e))?;
    sync_dir(&dir);
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
    };
    records_of::record(records, &backup).map_err(|e| file_error(&dir, e))?;
    Ok(backup)
}

/// The recorded backups of a city that still have their file, oldest first, with the
/// records that could not be read and the backups whose file is gone.
pub fn list(records: &Path, city: &str) -> (Vec<Backup>, Vec<String>) {
    let h = records_of::list(records, city);
    let mut problems: Vec<String> = h.unreadable.iter().map(|u| u.to_string()).collect();
    let mut out = Vec::new();
    for b in h.records {
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

/// The file a restore `--into NAME` makes: beside the live database, never over one.
pub fn into_path(p: &SiteProfile, name: &str) -> Result<PathBuf> {
    let ok = (1..=48).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(BackupError::BadName(name.to_string()));
    }
    let live = db::sqlite_path(p);
    let path = live.with_file_name(format!("{name}.sqlite"));
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(BackupError::Exists {
            path: path.display().to_string(),
        });
    }
    Ok(path)
}

/// Restores `b` into a new database file at `path` (from [`into_path`]); the live database
/// is not touched. The copy is checked against the backup's record before it is in place.
pub fn restore_into(p: &SiteProfile, records: &Path, b: &Backup, path: &Path) -> Result<()> {
    let partial = path.with_file_name(format!(
        ".{}.{}.partial",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    // the checksum already proves every byte is the backup's: the rows are counted, SQLite's
    // whole-file check is the drill's
    let copied = copy_verified(records, b, &partial).and_then(|_| {
        drill::compare(p, &partial, b, false).and_then(|problems| {
            if problems.is_empty() {
                Ok(())
            } else {
                Err(BackupError::Mismatch {
                    city: b.city.clone(),
                    problems,
                })
            }
        })
    });
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    // never over a database that appeared meanwhile
    std::fs::hard_link(&partial, path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::Exists {
            path: path.display().to_string(),
        },
        _ => file_error(path, e),
    })?;
    let _ = std::fs::remove_file(&partial);
    Ok(())
}

/// Replaces the live database with `b` in one write transaction (interrupted: the live
/// database is as it was), after keeping the live one as a backup of its own ("before
/// restore"), then counts the rows against the backup's record. The backup kept first.
pub fn restore_in_place(p: &SiteProfile, records: &Path, b: &Backup) -> Result<Backup> {
    let source = verified_file(records, b)?;
    // pruned only after the restore: the backup restored may be the oldest kept
    let kept = take_unpruned(p, records, Reason::BeforeRestore)?;
    let database = |source| BackupError::Database {
        city: b.city.clone(),
        source,
    };
    let mut conn = db::connect(p, Account::Migrator).map_err(database)?;
    conn.replace_with(&source).map_err(database)?;
    let now = conn.table_counts().map_err(database)?;
    let problems = drill::count_problems(&b.tables, &now);
    if !problems.is_empty() {
        return Err(BackupError::Mismatch {
            city: b.city.clone(),
            problems,
        });
    }
    prune(records, &b.city, p.backup.keep.max(1) as usize)?;
    Ok(kept)
}

/// The backup's file, refused when its name leaves the folder or its content changed.
pub(crate) fn verified_file(records: &Path, b: &Backup) -> Result<PathBuf> {
    let path = recorded_file(records, b)?;
    let (now, _) = hashed(&path, None)?;
    same_content(&path, b, &now)?;
    Ok(path)
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

/// The newest migration recorded in the database file at `path`.
pub(crate) fn schema_version(
    path: &Path,
    p: &SiteProfile,
) -> std::result::Result<Option<u32>, DbError> {
    let mut conn = db::connect_source(&path.display().to_string(), p)?;
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

/// An id from the time, with a suffix when one is taken already.
fn free_id(dir: &Path, at: DateTime<Utc>) -> String {
    let base = at.format("%Y%m%dT%H%M%SZ").to_string();
    let mut id = base.clone();
    let mut n = 2;
    while dir.join(format!("{id}.sqlite")).exists() {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Partial files of backups whose process is gone (killed mid-copy): never recorded, removed.
fn remove_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_suffix(".partial")
            .and_then(|r| r.rsplit('.').next())
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: kill with signal 0 only asks whether the process exists
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Keeps the newest `keep` backups and removes the others' files.
fn prune(records: &Path, city: &str, keep: usize) -> Result<()> {
    let all = records_of::list(records, city).records;
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

/// One backup (or prune) of a city at a time: an exclusive lock on the folder's lock file,
/// freed when dropped (and by the kernel when the process dies).
struct FolderLock(std::fs::File);

impl FolderLock {
    fn take(dir: &Path) -> Result<FolderLock> {
        use std::os::fd::AsRawFd;
        let path = dir.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| file_error(&path, e))?;
        // SAFETY: flock on a file this value owns
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(file_error(&path, std::io::Error::last_os_error()));
        }
        Ok(FolderLock(file))
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: unlocking the lock this value took
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}
