//! A PostgreSQL city's backups, by pgBackRest: its db server (the stanza's PostgreSQL, WAL
//! archived as it is written) and the province's backup host (the repository, encrypted; a
//! server of the province with the role `backup`, never one of the city's own). The two
//! talk pgBackRest's own TLS protocol with certificates of the province's CA, so no SSH key
//! of one server opens the other. Backups are taken on the backup host (where pgBackRest
//! takes them); restores run on the db server, always into a scratch cluster first.
//!
//! Every picture jinbao records is a named restore point in the write-ahead log with the
//! rows of every table counted in it: after a backup (so a drill restores exactly what was
//! counted), and alone before a migration or rollout (cheap: the log since the last backup
//! holds it).

use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};

use super::{BackupError, Reason, Result};
use crate::db::{self, Account};
use crate::fleet::Fleet;
use crate::inventory::Host;
use crate::profile::{Engine, Profiles, Site, TransportKind};
use crate::progress::Progress;
use crate::state::backups::{self as records_of, Backup};
use crate::transport::shell_quote;

pub const CONF: &str = "/etc/pgbackrest.conf";
pub const TLS_DIR: &str = "/etc/pgbackrest/tls";
pub const REPO_PATH: &str = "/var/lib/pgbackrest";
/// How long a restore point waits for its log to reach the repository.
const ARCHIVED_WITHIN: Duration = Duration::from_secs(120);

/// A city backed up by pgBackRest: a stanza of its own, on its db server.
#[derive(Debug, Clone)]
pub struct Stanza {
    /// The stanza's name: the city's pinyin.
    pub name: String,
    pub db: Host,
    pub address: IpAddr,
    /// PostgreSQL's major version (Debian's cluster `<version>/main`).
    pub version: String,
}

impl Stanza {
    pub fn pg_path(&self) -> String {
        format!("/var/lib/postgresql/{}/main", self.version)
    }
}

/// The province's backup host.
pub fn repository(profiles: &Profiles) -> Option<(Host, IpAddr)> {
    crate::inventory::hosts(profiles.province_site(), Some("backup"))
        .into_iter()
        .filter(|h| h.endpoint.kind == TransportKind::Ssh)
        .find_map(|h| h.endpoint.address.map(|a| (h, a)))
}

/// The stanza of a city whose PostgreSQL server jinbao builds on its db server.
pub fn stanza(site: &Site) -> Option<Stanza> {
    let p = &site.profile;
    if site.is_province()
        || !p.database.server.manage
        || p.database.engine != Engine::Postgres
        || p.datacenter.transport == TransportKind::Local
    {
        return None;
    }
    crate::inventory::hosts(site, Some("db"))
        .into_iter()
        .find_map(|db| {
            db.endpoint.address.map(|address| Stanza {
                name: p.city.pinyin.clone(),
                db,
                address,
                version: p.database.server.version.clone(),
            })
        })
}

/// Every city the backup host keeps a stanza for.
pub fn stanzas(profiles: &Profiles) -> Vec<(&Site, Stanza)> {
    profiles
        .cities()
        .filter_map(|s| stanza(s).map(|st| (s, st)))
        .collect()
}

/// The key the repository is encrypted with: made once, kept in the state folder beside the
/// province's CA (0600), written only into the backup host's pgBackRest configuration.
pub fn cipher_pass(state: &Path) -> std::io::Result<String> {
    // made once even when several backup hosts are planned at the same time
    static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = MAKING.lock().unwrap_or_else(|p| p.into_inner());
    let path = state.join("ca").join("backup-cipher.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let key = text.trim();
        if key.len() >= 32 && key.chars().all(|c| c.is_ascii_hexdigit()) {
            crate::privacy::register_secret(key);
            return Ok(key.to_string());
        }
        return Err(std::io::Error::other(format!(
            "{}: not a key jinbao made; the repository's backups are encrypted with the one in the backup host's {CONF}: put it back there",
            path.display()
        )));
    }
    let mut bytes = [0u8; 32];
    openssl::rand::rand_bytes(&mut bytes).map_err(std::io::Error::other)?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(dir) = path.parent() {
        crate::files::private_dir(dir)?;
    }
    // written as it is (the writers that scrub would mask a registered secret)
    let mut f = crate::files::create_private(&path)?;
    std::io::Write::write_all(&mut f, format!("{key}\n").as_bytes())?;
    f.sync_all()?;
    crate::privacy::register_secret(&key);
    Ok(key)
}

/// One backup set as the repository lists it.
#[derive(Debug, Clone)]
pub struct Set {
    pub label: String,
    pub kind: String,
    pub started: DateTime<Utc>,
    pub stopped: DateTime<Utc>,
    /// Its size in the repository (compressed, encrypted).
    pub repo_bytes: u64,
    pub wal_start: String,
    pub wal_stop: String,
}

/// What the repository holds of a stanza.
#[derive(Debug, Clone, Default)]
pub struct Info {
    pub sets: Vec<Set>,
    /// The oldest and newest log segment archived.
    pub wal: Option<(String, String)>,
    /// pgBackRest's status of the stanza ("ok", or what is wrong) ...
    pub status: String,
    /// ... and its code (1 and 3: the stanza is not made yet).
    pub code: i64,
}

impl Info {
    fn parse(json: &str) -> Option<Info> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        let stanza = v.as_array()?.first()?;
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        let time = |v: &serde_json::Value| Utc.timestamp_opt(v.as_i64().unwrap_or(0), 0).single();
        let sets = stanza["backup"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|b| b["error"].as_bool() != Some(true))
            .filter_map(|b| {
                Some(Set {
                    label: text(&b["label"]),
                    kind: text(&b["type"]),
                    started: time(&b["timestamp"]["start"])?,
                    stopped: time(&b["timestamp"]["stop"])?,
                    repo_bytes: b["info"]["repository"]["delta"].as_u64().unwrap_or(0),
                    wal_start: text(&b["archive"]["start"]),
                    wal_stop: text(&b["archive"]["stop"]),
                })
            })
            .collect();
        let wal = stanza["archive"]
            .as_array()
            .and_then(|a| a.last())
            .map(|a| (text(&a["min"]), text(&a["max"])))
            .filter(|(min, _)| !min.is_empty());
        Some(Info {
            sets,
            wal,
            status: text(&stanza["status"]["message"]),
            code: stanza["status"]["code"].as_i64().unwrap_or(-1),
        })
    }
}

/// A city's recorded backups against what the repository holds: those whose set it expired
/// are said (and left out), the sets it took on its own schedule shown as backups too.
pub fn with_repository(
    city: &str,
    recorded: Vec<Backup>,
    info: &Info,
) -> (Vec<Backup>, Vec<String>) {
    let held = |label: &str| info.sets.iter().any(|s| s.label == label);
    let mut problems = Vec::new();
    let mut out: Vec<Backup> = Vec::new();
    for b in recorded {
        match &b.set {
            Some(set) if !held(set) => problems.push(format!(
                "backup {}: its set {set} is no longer in the repository (expired by backup.keep)",
                b.id
            )),
            _ => out.push(b),
        }
    }
    for s in &info.sets {
        if !out.iter().any(|b| b.id == s.label) {
            out.push(Backup {
                id: s.label.clone(),
                kind: s.kind.clone(),
                taken_at: s.stopped,
                took_ms: (s.stopped - s.started).num_milliseconds().max(0) as u64,
                size_bytes: s.repo_bytes,
                reason: "scheduled".into(),
                set: Some(s.label.clone()),
                target: None,
                ..at_time(city, s.stopped)
            });
        }
    }
    out.sort_by_key(|b| b.taken_at);
    (out, problems)
}

/// A city's database and its repository, connected (one connection each, kept).
pub struct Pg<'a> {
    pub site: &'a Site,
    pub stanza: Stanza,
    pub repo_name: String,
    fleet: Fleet,
    repo: usize,
    db: usize,
    progress: Progress,
}

/// The command line of pgBackRest on a server, as the user the repository and the cluster
/// belong to.
fn pgbackrest(stanza: &str, args: &str) -> String {
    format!(
        "runuser -u postgres -- pgbackrest --stanza={} --log-level-console=error --log-level-stderr=error {args}",
        shell_quote(stanza)
    )
}

impl<'a> Pg<'a> {
    /// The city's pgBackRest, when it has one (a managed PostgreSQL server and a backup host
    /// in the province's profile).
    pub fn of(profiles: &'a Profiles, site: &'a Site, progress: &Progress) -> Option<Pg<'a>> {
        let stanza = stanza(site)?;
        let (repo_host, _) = repository(profiles)?;
        let (repo_name, db_name) = (repo_host.name.clone(), stanza.db.name.clone());
        let sites = [profiles.province_site(), site];
        let fleet = Fleet::of_sites(
            &sites,
            None,
            |h| {
                (h.city == repo_host.city && h.name == repo_name)
                    || (h.city == stanza.db.city && h.name == db_name)
            },
            2,
            false,
        );
        let repo = fleet.hosts().position(|h| h.has_role("backup"))?;
        let db = fleet.hosts().position(|h| h.has_role("db"))?;
        Some(Pg {
            site,
            stanza,
            repo_name,
            fleet,
            repo,
            db,
            progress: progress.hidden(),
        })
    }

    fn city(&self) -> String {
        self.stanza.name.clone()
    }

    /// Runs `script` on the backup host (`on_repo`) or the db server; its output, or why not.
    fn run(&self, on_repo: bool, step: &str, script: &str, timeout: Duration) -> Result<String> {
        let index = if on_repo { self.repo } else { self.db };
        let server = self.fleet.host(index).name.clone();
        let mut results = self
            .fleet
            .each(Some(&[index]), &self.progress, step, |_, t, _| {
                let o = t.run(script, b"", timeout)?;
                if o.status != 0 {
                    let said = crate::privacy::scrub(o.stderr_text().trim()).into_owned();
                    let said = said.lines().rev().take(4).collect::<Vec<_>>();
                    let said: Vec<&str> = said.into_iter().rev().collect();
                    anyhow::bail!("exit {}: {}", o.status, said.join(" / "));
                }
                Ok(o.stdout_text())
            });
        let r = results.pop().expect("one host");
        r.result.map_err(|e| BackupError::Server {
            city: self.city(),
            server,
            step: step.to_string(),
            why: e.to_string(),
            unreachable: e.is_unreachable(),
        })
    }

    /// What the repository holds of the city (reached, or why not).
    pub fn info(&self) -> Result<Info> {
        let out = self.run(
            true,
            "pgbackrest info",
            &pgbackrest(&self.stanza.name, "--output=json info"),
            Duration::from_secs(60),
        )?;
        self.parsed(&out)
    }

    fn parsed(&self, json: &str) -> Result<Info> {
        Info::parse(json).ok_or_else(|| BackupError::Server {
            city: self.city(),
            server: self.repo_name.clone(),
            step: "pgbackrest info".into(),
            why: "its answer is not pgBackRest's JSON".into(),
            unreachable: false,
        })
    }

    /// What the repository holds of the city and its free room, in one round trip.
    pub fn survey(&self) -> Result<(Info, u64)> {
        let script = format!(
            "df -P -B1 {REPO_PATH} | awk 'NR==2 {{print \"@FREE \" $4}}'\n{}\n",
            pgbackrest(&self.stanza.name, "--output=json info")
        );
        let out = self.run(true, "pgbackrest info", &script, Duration::from_secs(60))?;
        let (free, json): (Vec<&str>, Vec<&str>) =
            out.lines().partition(|l| l.starts_with("@FREE "));
        let free = free
            .first()
            .and_then(|l| l["@FREE ".len()..].trim().parse().ok())
            .unwrap_or(0);
        Ok((self.parsed(&json.join("\n"))?, free))
    }

    /// Why the repository cannot take what comes next: less room than twice the last
    /// backup, at least 64 MB.
    pub fn room_problem(&self, info: &Info, free: u64) -> Option<BackupError> {
        let last = info.sets.last().map_or(0, |s| s.repo_bytes);
        let need = (last * 2).max(64 << 20);
        (free < need).then(|| BackupError::RepositoryFull {
            city: self.city(),
            server: self.repo_name.clone(),
            free,
            need,
        })
    }

    /// What the repository holds, refused when it cannot be reached or take what comes next.
    pub fn check_room(&self) -> Result<Info> {
        let (info, free) = self.survey()?;
        match self.room_problem(&info, free) {
            Some(e) => Err(e),
            None => Ok(info),
        }
    }

    /// The city's stanza in the repository, made if missing (pgBackRest's own check that
    /// the repository and the cluster belong together).
    pub fn ensure_stanza(&self) -> Result<()> {
        self.run(
            true,
            "pgbackrest stanza-create",
            &pgbackrest(&self.stanza.name, "stanza-create"),
            Duration::from_secs(300),
        )
        .map(drop)
    }

    /// Takes a backup now (`full`, `diff` or `incr`) on the backup host, then marks the
    /// picture it restores to and counts it; records it.
    pub fn take(&self, records: &Path, reason: Reason, kind: &str) -> Result<Backup> {
        let started = Instant::now();
        let info = self.check_room()?;
        // made once (`db init` makes it): stanza-create takes the archive's lock, which the
        // db server's archiving holds while it works
        if matches!(info.code, 1 | 3) {
            self.ensure_stanza()?;
        }
        let script = pgbackrest(
            &self.stanza.name,
            &format!("--type={} --start-fast backup", shell_quote(kind)),
        );
        self.run(
            true,
            "pgbackrest backup",
            &script,
            Duration::from_secs(6 * 3600),
        )?;
        let set = self
            .info()?
            .sets
            .pop()
            .ok_or_else(|| BackupError::NotFound {
                city: self.city(),
                what: "in the repository after pgBackRest took one".into(),
            })?;
        let base = Some(set.label.clone());
        self.record(records, reason, Some(set), base, started)
    }

    /// A restore point before a change: a named point in the log, counted, when the
    /// repository holds a backup to replay it from; else a full backup.
    pub fn point(&self, records: &Path, reason: Reason) -> Result<Backup> {
        let started = Instant::now();
        match self.check_room()?.sets.pop() {
            None => self.take(records, reason, "full"),
            Some(base) => self.record(records, reason, None, Some(base.label), started),
        }
    }

    /// Marks a named restore point on the live database and records it: the backup `set` it
    /// ends, or a point alone replayed from the backup set `base`.
    fn record(
        &self,
        records: &Path,
        reason: Reason,
        set: Option<Set>,
        base: Option<String>,
        started: Instant,
    ) -> Result<Backup> {
        let p = &self.site.profile;
        let city = self.city();
        let database = |source| BackupError::Database {
            city: city.clone(),
            source,
        };
        let taken_at = crate::clock::now();
        let id = match &set {
            Some(s) => s.label.clone(),
            None => super::free_id(
                records,
                &city,
                &records_of::folder(records, &city),
                taken_at,
            ),
        };
        let target = format!("jinbao-{id}");
        let mut conn = db::connect(p, Account::Admin).map_err(database)?;
        let mark = conn
            .mark_restore_point(&target, ARCHIVED_WITHIN)
            .map_err(database)?;
        let schema_version = super::schema_version(&mut conn).map_err(database)?;
        let b = Backup {
            id,
            city: city.clone(),
            engine: "postgres".into(),
            kind: set.as_ref().map_or("point".into(), |s| s.kind.clone()),
            taken_at,
            took_ms: started.elapsed().as_millis() as u64,
            size_bytes: set.as_ref().map_or(0, |s| s.repo_bytes),
            sha256: String::new(),
            schema_version,
            tables: mark.tables,
            run: match &reason {
                Reason::BeforeRollout(run) => Some(run.clone()),
                _ => None,
            },
            reason: reason.words().into(),
            by: crate::operator::operator(),
            file: String::new(),
            target: Some(target),
            set: base,
            lsn: Some(mark.lsn),
            timeline: Some(mark.timeline),
        };
        let folder = records_of::folder(records, &city);
        if let Some(parent) = folder.parent() {
            crate::files::private_dir(parent).map_err(|e| super::file_error(parent, e))?;
        }
        crate::files::owned_private_dir(&folder, false)
            .map_err(|e| super::file_error(&folder, e))?;
        records_of::record(records, &b).map_err(|e| super::file_error(&folder, e))?;
        Ok(b)
    }

    /// Runs a script on the db server (restores, drills).
    pub(super) fn on_db(&self, step: &str, script: &str, timeout: Duration) -> Result<String> {
        self.run(false, step, script, timeout)
    }

    pub fn db_server(&self) -> &str {
        &self.stanza.db.name
    }
}

/// pgBackRest's options that restore `b`: up to its named point, from its set; a point in
/// time (`kind` "time", from [`at_time`]) up to that time, from the set pgBackRest picks.
pub(super) fn target_options(b: &Backup) -> String {
    if b.kind == "time" {
        return format!(
            "--type=time --target={}",
            shell_quote(&b.taken_at.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string())
        );
    }
    let mut o = String::new();
    if let Some(set) = &b.set {
        o.push_str(&format!("--set={} ", shell_quote(set)));
    }
    match &b.target {
        Some(t) => o.push_str(&format!("--type=name --target={}", shell_quote(t))),
        None => o.push_str("--type=immediate"),
    }
    // the point's own timeline: after a restore in place the latest is another one
    if let Some(tl) = b.timeline {
        o.push_str(&format!(" --target-timeline={tl}"));
    }
    o
}

/// The database as it was at `t`: what a restore `--time` replays up to (nothing counted).
pub fn at_time(city: &str, t: DateTime<Utc>) -> Backup {
    Backup {
        id: format!("time-{}", t.format("%Y%m%dT%H%M%SZ")),
        city: city.to_string(),
        engine: "postgres".into(),
        kind: "time".into(),
        taken_at: t,
        took_ms: 0,
        size_bytes: 0,
        sha256: String::new(),
        schema_version: None,
        tables: Default::default(),
        reason: "point in time".into(),
        run: None,
        by: String::new(),
        file: String::new(),
        target: None,
        set: None,
        lsn: None,
        timeline: None,
    }
}

pub(super) fn pgbackrest_line(stanza: &str, args: &str) -> String {
    pgbackrest(stanza, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_is_read_from_pgbackrests_json() {
        let json = r#"[{"archive":[{"id":"15-1","max":"000000010000000000000005","min":"000000010000000000000001"}],
            "backup":[{"archive":{"start":"000000010000000000000002","stop":"000000010000000000000003"},
            "error":false,"info":{"repository":{"delta":4302416,"size":4302416},"size":32140145},
            "label":"20261203-153347F","timestamp":{"start":1796312027,"stop":1796312032},"type":"full"}],
            "status":{"code":0,"message":"ok"}}]"#;
        let info = Info::parse(json).unwrap();
        assert_eq!(info.sets.len(), 1);
        assert_eq!(info.sets[0].label, "20261203-153347F");
        assert_eq!(info.sets[0].repo_bytes, 4302416);
        assert_eq!(info.status, "ok");
        assert_eq!(
            info.wal,
            Some((
                "000000010000000000000001".into(),
                "000000010000000000000005".into()
            ))
        );
        assert!(Info::parse("not json").is_none());
    }

    #[test]
    fn a_point_in_time_is_quoted_for_the_shell() {
        let t = Utc.with_ymd_and_hms(2026, 12, 3, 7, 30, 0).unwrap();
        assert_eq!(
            target_options(&at_time("hebi", t)),
            "--type=time --target='2026-12-03 07:30:00.000000+00'"
        );
    }
}
