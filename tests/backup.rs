//! `jinbao db backup|backups|restore|drill` on the sandbox (SQLite): backups that restore,
//! restore points before migrations, drills, health's backup and drill rows, and the faults
//! (a killed backup, a damaged backup file, a restore that must not replace).

use std::path::Path;

use serde_json::Value;

use crate::common::{jinbao, run};

/// Hebi imported from synthetic extracts (one county is enough); returns the county.
fn imported_hebi(state: &Path) -> String {
    let out = state.join("extracts");
    let r = run(jinbao(state).args([
        "data",
        "synth",
        "hebi",
        "--persons",
        "800",
        "--seed",
        "5",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let county = &r.json()["counties"][0];
    let (code, folder) = (
        county["code"].as_str().unwrap().to_string(),
        county["folder"].as_str().unwrap().to_string(),
    );
    let r = run(jinbao(state).args(["db", "migrate", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(state).args(["data", "import", "hebi", "--county", &code, &folder]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    code
}

fn count(state: &Path, table: &str) -> i64 {
    let db = rusqlite::Connection::open(state.join("sandbox/db/hebi.sqlite")).unwrap();
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn backups(state: &Path) -> Vec<Value> {
    let r = run(jinbao(state).args(["db", "backups", "hebi", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().unwrap().clone()
}

/// The sandbox path: backup after an import, rows deleted behind jinbao's back, the
/// restore in place brings every row back (counts and `data compare`), a drill passes and
/// health shows both.
#[test]
fn a_backup_restores_rows_deleted_behind_jinbaos_back() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let county = imported_hebi(state);
    let before = (count(state, "person"), count(state, "contribution"));
    assert!(before.0 > 0 && before.1 > 0, "{before:?}");

    let r = run(jinbao(state).args(["--yes", "db", "backup", "hebi", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let taken = &r.json()[0]["backup"];
    assert_eq!(taken["tables"]["person"], before.0, "{taken}");
    assert_eq!(taken["reason"], "by hand");
    let file = state
        .join("backups/hebi")
        .join(taken["file"].as_str().unwrap());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600,
        "a backup holds the insured's records"
    );

    // rows deleted behind jinbao's back
    let db = rusqlite::Connection::open(state.join("sandbox/db/hebi.sqlite")).unwrap();
    db.execute_batch(
        "DELETE FROM contribution WHERE rowid % 10 = 0; DELETE FROM person WHERE rowid % 7 = 0 AND id_number NOT IN (SELECT id_number FROM contribution);",
    )
    .unwrap();
    drop(db);
    assert!(count(state, "contribution") < before.1);

    // into a new database beside the live one: the live one untouched, the difference seen
    let r = run(jinbao(state).args(["db", "restore", "hebi", "--into", "hebi_look", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let look = r.json()["into"].as_str().unwrap().to_string();
    assert!(
        count(state, "contribution") < before.1,
        "the live database is untouched"
    );
    let compare = |source: &str| {
        run(jinbao(state).args([
            "data", "compare", "hebi", "--county", &county, "--source", source, "--json",
        ]))
    };
    assert_eq!(compare(&look).code, 3, "the deleted rows are told");
    // --into never replaces a database
    let r = run(jinbao(state).args(["db", "restore", "hebi", "--into", "hebi_look"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);

    // in place: without a terminal, only --yes
    let r = run(jinbao(state).args(["db", "restore", "hebi", "--in-place"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nobody was asked"), "{}", r.stderr);
    let r = run(jinbao(state).args(["--yes", "db", "restore", "hebi", "--in-place", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kept = r.json()["kept"].as_str().unwrap().to_string();
    assert_eq!(
        (count(state, "person"), count(state, "contribution")),
        before
    );
    assert_eq!(compare(&look).code, 0, "no difference after the restore");
    // what the live database held before is a backup of its own, and the restore is audited
    assert!(
        backups(state)
            .iter()
            .any(|b| b["id"] == kept.as_str() && b["reason"] == "before restore")
    );
    let audit = std::fs::read_to_string(state.join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"db restore\"") && audit.contains(&kept),
        "{audit}"
    );

    // the assessment counts backups as verified only after a good drill (within the
    // profile's period, when it sets one: then it says so)
    let standing = |extra: &[&str]| {
        let r = run(jinbao(state)
            .args(extra)
            .args(["status", "hebi", "--offline", "--json"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()[0].clone()
    };
    assert_eq!(standing(&[])["backups"]["verified"], false);
    let required = standing(&["--set", "backup.drill_max_age=30d"]);
    assert!(
        required["attention"].to_string().contains("not verified"),
        "{required}"
    );

    // a drill restores the latest backup into a scratch database and checks it
    let r = run(jinbao(state).args(["db", "drill", "hebi", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()[0]["drill"]["ok"], true);
    let listed = backups(state);
    assert_eq!(listed.last().unwrap()["verified"], true, "{listed:?}");
    assert_eq!(standing(&[])["backups"]["verified"], true);
    let required = standing(&["--set", "backup.drill_max_age=30d"]);
    assert!(
        !required["attention"].to_string().contains("not verified"),
        "{required}"
    );
    let r = run(jinbao(state).args(["health", "hebi", "--only", "backup,drill", "--json"]));
    let health = r.json();
    let checks: Vec<&Value> = health["cities"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["check"] == "backup" || c["check"] == "drill")
        .collect();
    assert_eq!(checks.len(), 2, "{}", r.stdout);
    assert!(checks.iter().all(|c| c["status"] == "OK"), "{checks:?}");
}

/// SQLite keeps backup points only: `--time` says so and names the backup before it.
#[test]
fn sqlite_has_no_point_in_time() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    imported_hebi(state);
    let r = run(jinbao(state)
        .env("JINBAO_NOW", "2026-12-01T01:00:00Z")
        .args(["db", "backup", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(state).args(["db", "restore", "hebi", "--time", "2026-12-02 10:00"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("backup points only") && r.stderr.contains("20261201T010000Z"),
        "{}",
        r.stderr
    );
}

/// A migration takes a restore point first; a database that cannot be backed up is not
/// migrated unless the reason is given (audited).
#[test]
fn a_migration_takes_a_restore_point_first() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    let r = run(jinbao(state).args(["db", "migrate", "hebi", "--to", "3"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jinbao(state).args(["db", "migrate", "hebi", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let point = r.json()[0]["restore_point"].as_str().unwrap().to_string();
    let listed = backups(state);
    let b = listed.iter().find(|b| b["id"] == point.as_str()).unwrap();
    assert_eq!(b["reason"], "before db migrate");
    assert_eq!(b["schema_version"], 3, "taken before the first migration");

    // the backups folder cannot be written: no migration without a restore point
    let r = run(jinbao(state).args(["db", "migrate", "xuchang", "--to", "3"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let blocked = state.join("backups/xuchang");
    std::fs::create_dir_all(blocked.parent().unwrap()).unwrap();
    std::fs::write(&blocked, "not a folder").unwrap();
    let r = run(jinbao(state).args(["db", "migrate", "xuchang"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("no migration without a restore point"),
        "{}",
        r.stdout
    );
    let r = run(jinbao(state).args(["db", "status", "xuchang", "--json"]));
    assert_eq!(r.json()[0]["current"], 3, "nothing migrated: {}", r.stdout);
    // and health says so before anyone tries: the repository cannot take the next backup
    let r = run(jinbao(state).args([
        "--set",
        "backup.max_age=1d",
        "health",
        "xuchang",
        "--only",
        "backup",
        "--json",
    ]));
    assert_eq!(r.code, 2, "CRITICAL: {}", r.stdout);
    assert!(
        r.json()["cities"][0]["checks"][0]["value"]
            .as_str()
            .unwrap()
            .contains("cannot take the next backup"),
        "{}",
        r.stdout
    );
    let r = run(jinbao(state).args([
        "db",
        "migrate",
        "xuchang",
        "--no-restore-point",
        "backup disk replaced tonight",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let audit = std::fs::read_to_string(state.join("audit.jsonl")).unwrap();
    assert!(audit.contains("backup disk replaced tonight"), "{audit}");
}

/// A backup killed mid-copy leaves the backups before whole and listed; its partial file is
/// never listed and goes with the next backup. A backup file changed since is refused by
/// restore and fails its drill (and health says so).
#[test]
fn a_killed_backup_and_a_damaged_one() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    imported_hebi(state);
    let r = run(jinbao(state).args(["db", "backup", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // what a backup killed mid-copy leaves: a partial file of a process that is gone
    let dir = state.join("backups/hebi");
    let partial = dir.join(".20261203T000000Z.999999999.partial");
    std::fs::write(&partial, b"half a database").unwrap();
    assert_eq!(backups(state).len(), 1);
    let r = run(jinbao(state).args(["db", "drill", "hebi"]));
    assert_eq!(r.code, 0, "the backup before is whole: {}", r.stdout);
    let r = run(jinbao(state).args(["db", "backup", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !partial.exists(),
        "the next backup removes what a killed one left"
    );
    assert_eq!(backups(state).len(), 2);

    // the latest backup's file damaged
    let last = backups(state).last().unwrap().clone();
    let file = dir.join(last["file"].as_str().unwrap());
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0xff;
    std::fs::write(&file, bytes).unwrap();
    let r = run(jinbao(state).args(["db", "restore", "hebi", "--into", "hebi_x"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("changed since it was taken"),
        "{}",
        r.stderr
    );
    assert!(!state.join("sandbox/db/hebi_x.sqlite").exists());
    let r = run(jinbao(state).args(["db", "drill", "hebi", "--json"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()[0]["drill"]["ok"], false);
    let r = run(jinbao(state).args(["health", "hebi", "--only", "drill", "--json"]));
    assert_eq!(r.code, 2, "a failed drill is CRITICAL: {}", r.stdout);

    // an edited index line naming another city's folder is never followed: listed as a
    // problem, and a prune does not delete through it
    let outside = state.join("outside.sqlite");
    std::fs::write(&outside, b"not jinbao's").unwrap();
    let mut forged = backups(state)[0].clone();
    forged["city"] = Value::from("..");
    forged["file"] = Value::from("outside.sqlite");
    forged["id"] = Value::from("19990101T000000Z");
    let index = dir.join("backups.jsonl");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, format!("{}{forged}\n", text)).unwrap();
    let r = run(jinbao(state).args(["db", "backups", "hebi", "--json"]));
    assert_eq!(r.json().as_array().unwrap().len(), 2, "{}", r.stdout);
    assert!(r.stderr.contains("recorded for `..`"), "{}", r.stderr);
    for _ in 0..3 {
        let r = run(jinbao(state)
            .args(["--set", "backup.keep=1"])
            .args(["db", "backup", "hebi"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert!(
        outside.exists(),
        "nothing outside the city's folder is deleted"
    );
    assert_eq!(backups(state).len(), 1);

    // the live database lost (a disk gone): an in-place restore puts the backup there
    std::fs::remove_file(state.join("sandbox/db/hebi.sqlite")).unwrap();
    let r = run(jinbao(state).args(["--yes", "db", "restore", "hebi", "--in-place", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.json().get("kept").is_none(), "{}", r.stdout);
    assert!(count(state, "person") > 0);
}

/// The database grown to a size a copy takes a while for (blobs, not rows: the point is the
/// bytes), so that a SIGKILL lands mid-copy.
fn grown_hebi(state: &Path) {
    let db = rusqlite::Connection::open(state.join("sandbox/db/hebi.sqlite")).unwrap();
    db.execute_batch(
        "CREATE TABLE ballast (b BLOB);
         INSERT INTO ballast WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
             SELECT randomblob(65536) FROM n;",
    )
    .unwrap();
}

/// Starts `args`, waits (up to 30 s) until `started` says the work is under way, kills the
/// process with SIGKILL; whether it was killed before it ended.
fn kill_when(state: &Path, args: &[&str], started: &dyn Fn() -> bool) -> bool {
    let mut child = crate::common::jinbao_std(state)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !started() && std::time::Instant::now() < until {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SAFETY: a signal to the child this test started
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let status = child.wait().unwrap();
    std::os::unix::process::ExitStatusExt::signal(&status) == Some(libc::SIGKILL)
}

fn has_file(dir: &Path, prefix: &str, suffix: &str) -> bool {
    std::fs::read_dir(dir).is_ok_and(|d| {
        d.flatten().any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(prefix) && n.ends_with(suffix)
        })
    })
}

/// SIGKILL of a backup mid-copy leaves the backups before listed and restorable (the killed
/// one never recorded, its partial file gone with the next); SIGKILL of an in-place restore
/// leaves the live database whole: as it was, or wholly the backup, never a mix.
#[test]
fn sigkill_mid_backup_and_mid_restore() {
    let work = tempfile::tempdir().unwrap();
    let state = work.path();
    imported_hebi(state);
    let r = run(jinbao(state).args(["db", "backup", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = backups(state);
    grown_hebi(state);
    let dir = state.join("backups/hebi");
    let killed = kill_when(state, &["db", "backup", "hebi"], &|| {
        has_file(&dir, ".", ".partial")
    });
    assert!(
        killed,
        "the backup ended before the kill: the database is too small"
    );
    assert_eq!(backups(state), first, "the killed backup is never recorded");
    let r = run(jinbao(state).args(["db", "drill", "hebi"]));
    assert_eq!(r.code, 0, "the backup before is whole: {}", r.stdout);

    // the live database now differs from that backup (the ballast); kill its restore
    let ballast = count(state, "ballast");
    let persons = count(state, "person");
    let killed = kill_when(
        state,
        &["--yes", "db", "restore", "hebi", "--in-place"],
        &|| has_file(&dir, ".restore-", ".sqlite"),
    );
    assert!(killed, "the restore ended before the kill");
    let db = rusqlite::Connection::open(state.join("sandbox/db/hebi.sqlite")).unwrap();
    let check: String = db
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let has_ballast: bool = db
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'ballast'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(db);
    if has_ballast {
        assert_eq!(
            count(state, "ballast"),
            ballast,
            "the live database as it was"
        );
    }
    assert_eq!(count(state, "person"), persons);
    // and the next backup clears what the killed ones left
    let r = run(jinbao(state).args(["db", "backup", "hebi"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!has_file(&dir, ".", ".partial"));
    assert!(
        !has_file(&dir, ".restore-", ""),
        "nor a killed restore's copy"
    );
}
