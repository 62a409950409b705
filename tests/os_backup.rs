//! Backups of a city's PostgreSQL server on real servers: pgBackRest on Hebi's db server and
//! on the province's backup host (the OS bed's h1), set up by provisioning. Rows deleted
//! behind jinbao's back come back by a restore to a point in time into a new database and by
//! a restore in place; a drill proves the latest backup; health shows the backup, the drill
//! and the archive. Then the faults: the backup host cut in the middle of a backup (the
//! backups before stay whole and drill), and cut before a migration (health CRITICAL, the
//! migration refuses unless a reason is given).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{self, jinbao, repo, run};
use crate::os_hosts::{hosts, os};

fn json(st: &Path, args: &[&str], want: i32) -> serde_json::Value {
    let out = os(st, &[args, &["--json"]].concat(), want);
    let start = out.find(['[', '{']).unwrap_or(0);
    serde_json::Deserializer::from_str(&out[start..])
        .into_iter::<serde_json::Value>()
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("not JSON: {out}"))
}

/// `psql` on Hebi's db server, as postgres: the answer's text.
fn psql(db: &str, sql: &str) -> String {
    let line = format!("psql -d {db} -tAc \"{sql}\"");
    hosts(&["exec", "h7", "su", "postgres", "-c", &line])
        .trim()
        .to_string()
}

/// The province's backup host before the bed's first provisioning: an empty repository (a
/// db server built from a fresh disk is a new cluster that an old stanza does not take).
pub fn fresh_repository() {
    hosts(&[
        "exec",
        "h1",
        "rm",
        "-rf",
        "/var/lib/pgbackrest/archive",
        "/var/lib/pgbackrest/backup",
    ]);
}

pub fn backups_on_real_servers(st: &Path) {
    // the rollouts before took their restore points: the first a full backup (the repository
    // had none), the others named points in the log
    let listed = json(st, &["db", "backups", "hebi"], 0);
    let kinds: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["kind"].as_str().unwrap(), b["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds.first(), Some(&("full", "before rollout")), "{listed}");
    assert!(kinds.contains(&("point", "before rollout")), "{listed}");
    let timers = hosts(&["exec", "h1", "systemctl", "list-timers", "--all"]);
    assert!(
        timers.contains("jinbao-backup-hebi-full.timer")
            && timers.contains("jinbao-backup-hebi-diff.timer"),
        "the backup host runs each city's backups on its own: {timers}"
    );
    let encrypted = hosts(&[
        "exec",
        "h1",
        "sh",
        "-c",
        "grep -c aes-256-cbc /etc/pgbackrest.conf; stat -c %a /etc/pgbackrest.conf",
    ]);
    assert!(encrypted.contains("1\n640"), "{encrypted}");

    // rows of the city's own: 1,000, backed up
    psql(
        "jinbao_hebi",
        "CREATE TABLE IF NOT EXISTS jinbao.backup_probe (i int); TRUNCATE jinbao.backup_probe; INSERT INTO jinbao.backup_probe SELECT generate_series(1, 1000)",
    );
    let taken = json(st, &["--yes", "db", "backup", "hebi"], 0);
    let backup = &taken[0]["backup"];
    assert_eq!(backup["engine"], "postgres", "{taken}");
    assert_eq!(backup["tables"]["backup_probe"], 1000, "{taken}");
    let id = backup["id"].as_str().unwrap().to_string();
    assert!(id.ends_with('F'), "a full backup of pgBackRest: {id}");
    let listed = os(st, &["db", "backups", "hebi"], 0);
    assert!(
        listed.contains(&id) && listed.contains("0000000"),
        "the WAL range is listed: {listed}"
    );

    // 100 rows deleted behind jinbao's back at a known time; a restore to just before it, into
    // a new database beside the live one, holds them
    std::thread::sleep(Duration::from_secs(2));
    let before = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::thread::sleep(Duration::from_secs(2));
    psql(
        "jinbao_hebi",
        "DELETE FROM jinbao.backup_probe WHERE i <= 100",
    );
    let pitr = json(
        st,
        &[
            "--yes",
            "db",
            "restore",
            "hebi",
            "--time",
            &before,
            "--into",
            "hebi_pitr",
        ],
        0,
    );
    assert!(pitr["rows"].as_i64().unwrap() >= 1000, "{pitr}");
    assert_eq!(
        psql("hebi_pitr", "SELECT count(*) FROM jinbao.backup_probe"),
        "1000"
    );
    assert_eq!(
        psql("jinbao_hebi", "SELECT count(*) FROM jinbao.backup_probe"),
        "900",
        "live untouched"
    );
    let again = os(
        st,
        &[
            "--yes",
            "db",
            "restore",
            "hebi",
            "--time",
            &before,
            "--into",
            "hebi_pitr",
        ],
        2,
    );
    assert!(again.contains("never replaces"), "{again}");

    // every row gone; the backup in place of the live database, the application stopped and
    // started again around it
    psql("jinbao_hebi", "DELETE FROM jinbao.backup_probe");
    let restored = json(st, &["--yes", "db", "restore", "hebi", "--in-place"], 0);
    assert_eq!(restored["backup"], id.as_str(), "{restored}");
    assert!(
        restored["kept"].is_string(),
        "the live one kept as a restore point: {restored}"
    );
    assert!(
        restored["restarted"]
            .as_array()
            .is_some_and(|r| r.len() >= 2),
        "both app servers stopped and started again: {restored}"
    );
    assert_eq!(
        psql("jinbao_hebi", "SELECT count(*) FROM jinbao.backup_probe"),
        "1000"
    );
    let start = Instant::now();
    loop {
        let r = run(jinbao(st).args(["--env", "os", "health", "hebi", "--only", "app,database"]));
        if r.code == 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "hebi after the restore: {}",
            r.stdout
        );
        std::thread::sleep(Duration::from_secs(2));
    }

    // the log archives on the new timeline: a backup after the restore drills whole
    os(st, &["--yes", "db", "backup", "hebi"], 0);
    let drilled = json(st, &["db", "drill", "hebi"], 0);
    assert_eq!(drilled[0]["drill"]["ok"], true, "{drilled}");
    let health = json(st, &["health", "hebi", "--only", "backup,drill,archive"], 0);
    let checks: Vec<(String, String)> = health["cities"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in ["backup", "drill", "archive"] {
        assert!(
            checks.iter().any(|(c, s)| c == want && s == "OK"),
            "{want} OK: {health}"
        );
    }

    data_gate_names_its_restore_point(st);
    sigkill_mid_restore_in_place(st);
    repository_cut_mid_backup(st);
    repository_cut_before_migration(st);
}

/// A release that deletes a person on its way in: the data gate rolls it back and names the
/// restore point the run took (a named point in the log, on the timeline the restore in place
/// began), and that point restored into a new database holds the person.
fn data_gate_names_its_restore_point(st: &Path) {
    psql(
        "jinbao_hebi",
        "INSERT INTO jinbao.import_batch (import_id, city_code, county_code, entity, file_name, file_sha256, encoding, rows_read, rows_loaded, rows_rejected, reject_file, loaded_by, started_at, finished_at) VALUES ('gate1', '410600', '410602', 'person', 'p.csv', 'x', 'utf-8', 2, 2, 0, NULL, 't', '2026-01-01', '2026-01-01'); \
         INSERT INTO jinbao.person (county_code, id_number, name, import_id) VALUES ('410602', '11010519491231002X', '甲', 'gate1'), ('410602', '110105194912310029', '乙', 'gate1')",
    );
    let release = tempfile::tempdir().unwrap();
    common::copy_tree(&repo().join("examples/unified-app"), release.path());
    std::fs::write(release.path().join("VERSION"), "1.0.7\n").unwrap();
    let check = release.path().join("bin/health-check");
    let text = std::fs::read_to_string(&check).unwrap();
    let (shebang, rest) = text.split_once('\n').unwrap();
    std::fs::write(
        &check,
        format!(
            "{shebang}\n# a release that loses a person on its way in\npython3 - <<'PY'\n\
             import tomllib, psycopg2\n\
             c = tomllib.load(open('/etc/jinbao/app.toml', 'rb'))['database']\n\
             kw = dict(user=c['user'], password=open(c['password_file']).readline().rstrip(), sslmode=c.get('sslmode'), sslrootcert=c.get('sslrootcert'))\n\
             with psycopg2.connect(c['url'], **{{k: v for k, v in kw.items() if v}}) as conn, conn.cursor() as cur:\n\
             \x20   cur.execute(\"DELETE FROM jinbao.person WHERE import_id = 'gate1' AND name = '乙'\")\n\
             PY\n{rest}"
        ),
    )
    .unwrap();
    let out = json(
        st,
        &[
            "rollout",
            release.path().to_str().unwrap(),
            "hebi",
            "--no-pause",
            "--yes",
        ],
        1,
    );
    let hebi = &out["cities"][0];
    assert_eq!(hebi["result"], "rolled-back", "{out}");
    let reason = hebi["reason"].as_str().unwrap();
    assert!(reason.contains("person fell from"), "{reason}");
    let point = hebi["restore_point"].as_str().unwrap();
    assert!(
        reason.contains(point),
        "the reason names the restore point: {reason}"
    );
    let run_id = reason
        .split("--before-run ")
        .nth(1)
        .unwrap_or_else(|| panic!("and the command: {reason}"))
        .trim()
        .to_string();
    assert_eq!(
        psql(
            "jinbao_hebi",
            "SELECT count(*) FROM jinbao.person WHERE import_id = 'gate1'"
        ),
        "1",
        "rolled back, the person still lost"
    );
    os(
        st,
        &[
            "--yes",
            "db",
            "restore",
            "hebi",
            "--before-run",
            &run_id,
            "--into",
            "hebi_gate",
        ],
        0,
    );
    assert_eq!(
        psql(
            "hebi_gate",
            "SELECT count(*) FROM jinbao.person WHERE import_id = 'gate1'"
        ),
        "2",
        "the restore point holds the person the release deleted"
    );
}

/// jinbao killed (SIGKILL) while pgBackRest restores into the scratch cluster of a restore in
/// place: the live cluster is untouched and serves; the next restore removes the scratch and
/// finishes, the application started again.
fn sigkill_mid_restore_in_place(st: &Path) {
    let live = psql("jinbao_hebi", "SELECT count(*) FROM jinbao.person");
    let mut child = common::jinbao_std(st)
        .args([
            "--env",
            "os",
            "--yes",
            "db",
            "restore",
            "hebi",
            "--in-place",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let scratch = || {
        hosts(&[
            "exec",
            "h7",
            "sh",
            "-c",
            "ls -d /var/lib/postgresql/15/jinbao-restore-* 2>/dev/null || true",
        ])
    };
    let start = Instant::now();
    while scratch().trim().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the restore never began"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        psql("jinbao_hebi", "SELECT count(*) FROM jinbao.person"),
        live,
        "live untouched"
    );
    let restored = json(st, &["--yes", "db", "restore", "hebi", "--in-place"], 0);
    assert!(
        restored["restarted"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{restored}"
    );
    assert_eq!(scratch().trim(), "", "the scratch clusters are gone");
}

/// The backup host cut while a backup runs: the backup fails and is not recorded, the ones
/// before stay listed and drill whole once the host is back.
fn repository_cut_mid_backup(st: &Path) {
    let before = json(st, &["db", "backups", "hebi"], 0);
    let mut cmd = common::jinbao_std(st);
    cmd.args(["--env", "os", "--yes", "db", "backup", "hebi", "--json"]);
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // pgBackRest is copying once its backup lock is held on the backup host
    let start = Instant::now();
    while !hosts(&[
        "exec",
        "h1",
        "sh",
        "-c",
        "pgrep -f 'pgbackrest.*backup' >/dev/null && echo running || true",
    ])
    .contains("running")
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the backup never started"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    hosts(&["cut", "h1"]);
    let out = child.wait_with_output().unwrap();
    hosts(&["heal", "h1"]);
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("province-mirror1"),
        "it names the backup host: {said}"
    );
    let after = json(st, &["db", "backups", "hebi"], 0);
    let recorded = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|b| b["reason"] != "scheduled")
            .map(|b| b["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        recorded(&before),
        recorded(&after),
        "nothing recorded, nothing lost"
    );
    // pgBackRest's own lock on the backup host is gone with its process
    let start = Instant::now();
    loop {
        let drilled = run(jinbao(st).args(["--env", "os", "db", "drill", "hebi"]));
        if drilled.code == 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the backups before drill whole: {}",
            drilled.stdout
        );
        std::thread::sleep(Duration::from_secs(3));
    }
}

/// The backup host unreachable: health is CRITICAL and a migration refuses to start without
/// its restore point, unless a reason is given (audited).
fn repository_cut_before_migration(st: &Path) {
    let project = tempfile::tempdir().unwrap();
    common::copy_project(project.path());
    std::fs::write(
        project.path().join("templates/schema/V100__probe.sql"),
        "CREATE TABLE jinbao.probe_v100 (x int);\n",
    )
    .unwrap();
    hosts(&["cut", "h1"]);
    let in_project = |args: &[&str], want: i32| {
        let mut cmd = jinbao(st);
        cmd.current_dir(project.path())
            .arg("--env")
            .arg("os")
            .args(args);
        let r = run(&mut cmd);
        assert_eq!(r.code, want, "{args:?}\n{}\n{}", r.stdout, r.stderr);
        r.stdout + &r.stderr
    };
    let health = in_project(&["health", "hebi", "--only", "backup"], 2);
    assert!(
        health.contains("CRITICAL") && health.contains("province-mirror1"),
        "{health}"
    );
    let refused = in_project(&["--yes", "db", "migrate", "hebi"], 1);
    assert!(
        refused.contains("no migration without a restore point"),
        "{refused}"
    );
    assert_eq!(
        psql(
            "jinbao_hebi",
            "SELECT to_regclass('jinbao.probe_v100') IS NULL"
        ),
        "t"
    );
    in_project(
        &[
            "--yes",
            "db",
            "migrate",
            "hebi",
            "--no-restore-point",
            "backup host down for maintenance",
        ],
        0,
    );
    hosts(&["heal", "h1"]);
    assert_eq!(
        psql(
            "jinbao_hebi",
            "SELECT to_regclass('jinbao.probe_v100') IS NULL"
        ),
        "f"
    );
    let audit = in_project(&["audit", "hebi", "--since", "1h"], 0);
    assert!(
        audit.contains("backup host down for maintenance"),
        "{audit}"
    );
}
