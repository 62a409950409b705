//! `jinbao db …` against a real PostgreSQL server and against SQLite files.

use crate::common;

use std::path::Path;

use common::{copy_project, jinbao, pg, run};
use serde_json::Value;

fn rows_by_city(v: &Value) -> std::collections::BTreeMap<String, Value> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["city"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

/// A copy of the project whose schema folder a test may change.
fn project_with(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_project(dir.path());
    for (name, sql) in extra {
        std::fs::write(dir.path().join("templates/schema").join(name), sql).unwrap();
    }
    dir
}

fn latest() -> u64 {
    std::fs::read_dir(common::repo().join("templates/schema"))
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            n.strip_prefix('V')?.split("__").next()?.parse().ok()
        })
        .max()
        .unwrap()
}

#[test]
fn migrate_all_cities_and_the_province_on_postgres() {
    // every city's own database of the testbed profile: the test bed's, which its tests use
    let Some(_bed) = common::testbed::testbed("migrate_all_cities_and_the_province_on_postgres")
    else {
        return;
    };
    let Some(_pg) = pg::available("migrate_all_cities_and_the_province_on_postgres") else {
        return;
    };
    let mut names: Vec<String> = common::testbed_cities()
        .iter()
        .map(|c| format!("jinbao_{c}"))
        .collect();
    names.push("jinbao_province".into());
    for n in &names {
        pg::drop_db(n);
    }
    let state = tempfile::tempdir().unwrap();
    let r =
        run(pg::jinbao(state.path(), None).args(["db", "init", "--all", "--province", "--json"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rows = rows_by_city(&r.json());
    assert_eq!(rows.len(), 19);
    assert!(rows.values().all(|r| r["state"] == "created"), "{rows:?}");
    // init again: nothing new, no error
    let r =
        run(pg::jinbao(state.path(), None).args(["db", "init", "--all", "--province", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        rows_by_city(&r.json())
            .values()
            .all(|r| r["state"] == "present")
    );

    let r = run(pg::jinbao(state.path(), None).args([
        "db",
        "migrate",
        "--all",
        "--province",
        "--json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rows = rows_by_city(&r.json());
    for (city, row) in &rows {
        assert_eq!(row["result"], "migrated", "{city}");
        assert_eq!(row["to"], latest());
    }
    let r = run(pg::jinbao(state.path(), None).args([
        "db",
        "migrate",
        "--all",
        "--province",
        "--json",
    ]));
    assert_eq!(r.code, 0);
    assert!(
        rows_by_city(&r.json())
            .values()
            .all(|r| r["result"] == "up-to-date" && r["applied"] == serde_json::json!([]))
    );

    let r =
        run(pg::jinbao(state.path(), None).args(["db", "status", "--all", "--province", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let rows = rows_by_city(&r.json());
    assert_eq!(rows.len(), 19);
    for (city, row) in &rows {
        assert_eq!(row["current"], latest(), "{city}");
        assert_eq!(row["pending"], 0, "{city}");
        assert!(
            row["last_applied"]["installed_by"]
                .as_str()
                .unwrap()
                .contains("as jinbao_migrator")
        );
    }
    // least privilege: the read-only role reads, and cannot write
    let mut c = pg::connect("jinbao_xuchang").unwrap();
    let ro: Vec<(bool, bool)> = c
        .query(
            "SELECT has_table_privilege('jinbao_ro', 'jinbao.person', 'SELECT'), \
                    has_table_privilege('jinbao_ro', 'jinbao.person', 'INSERT')",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(ro, vec![(true, false)]);
    let app: bool = c
        .query_one(
            "SELECT has_table_privilege('jinbao_app', 'jinbao.contribution', 'INSERT')",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(app);
    let app_ddl: bool = c
        .query_one(
            "SELECT has_schema_privilege('jinbao_app', 'jinbao', 'CREATE')",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!app_ddl, "the application role has data access only");
    let owner: String = c
        .query_one("SELECT tableowner::text FROM pg_tables WHERE schemaname = 'jinbao' AND tablename = 'person'", &[])
        .unwrap()
        .get(0);
    assert_eq!(owner, "jinbao_migrator");
}

#[test]
fn migrate_and_status_on_sqlite() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["db", "migrate", "--all", "--province", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json().as_array().unwrap().len(), 19);
    assert!(state.path().join("sandbox/db/province.sqlite").exists());
    let r = run(jinbao(state.path()).args(["db", "status", "--all", "--json"]));
    let rows = rows_by_city(&r.json());
    assert_eq!(rows.len(), 18);
    assert!(
        rows.values()
            .all(|r| r["current"] == latest() && r["pending"] == 0 && r["engine"] == "sqlite")
    );
    let r = run(jinbao(state.path()).args(["db", "migrate", "xuchang", "--json"]));
    assert_eq!(r.json()[0]["result"], "up-to-date");
    let r = run(jinbao(state.path()).args(["db", "drift", "xuchang"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn dry_run_prints_the_sql_and_changes_nothing() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["db", "migrate", "hebi", "--dry-run", "--to", "2"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("-- hebi ("), "{}", r.stdout);
    assert!(r.stdout.contains("CREATE TABLE dict_code"));
    assert!(r.stdout.contains("CREATE TABLE area_code"));
    assert!(
        !r.stdout.contains("CREATE TABLE person"),
        "--to 2 stops at V002"
    );
    let r = run(jinbao(state.path()).args(["db", "status", "hebi", "--json"]));
    assert_eq!(r.json()[0]["current"], Value::Null);
    assert_eq!(r.json()[0]["pending"], latest());
}

/// A migration that fails halfway leaves the database and the history as they were.
#[test]
fn a_failing_migration_leaves_nothing_behind() {
    let broken = "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\n\
                  INSERT INTO half_done VALUES (1);\n\
                  INSERT INTO no_such_table VALUES (1);\n";
    let project = project_with(&[("V900__broken.sql", broken)]);
    let profiles = project.path().join("profiles");
    let profiles = profiles.to_str().unwrap();
    // SQLite
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args([
        "--profiles",
        profiles,
        "db",
        "migrate",
        "xuchang",
        "--json",
    ]));
    assert_eq!(r.code, 1);
    let row = &r.json()[0];
    assert_eq!(
        row["to"],
        latest(),
        "everything before the broken one was applied"
    );
    assert!(
        row["error"].as_str().unwrap().contains("V900__broken.sql"),
        "{row}"
    );
    let db = rusqlite::Connection::open(state.path().join("sandbox/db/xuchang.sqlite")).unwrap();
    let tables: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0);
    let in_history: i64 = db
        .query_row(
            "SELECT count(*) FROM jinbao_schema_history WHERE version = 900",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_history, 0);

    // PostgreSQL
    let Some(_pg) = pg::available("a_failing_migration_leaves_nothing_behind (postgres)") else {
        return;
    };
    let name = "jinbao_t_failing";
    pg::drop_db(name);
    let r = run(pg::jinbao(state.path(), Some(name)).args([
        "--profiles",
        profiles,
        "db",
        "init",
        "xuchang",
    ]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run(pg::jinbao(state.path(), Some(name)).args([
        "--profiles",
        profiles,
        "db",
        "migrate",
        "xuchang",
        "--json",
    ]));
    assert_eq!(r.code, 1);
    let err = r.json()[0]["error"].as_str().unwrap().to_string();
    assert!(
        err.contains("V900__broken.sql") && err.contains("line 3"),
        "{err}"
    );
    let mut c = pg::connect(name).unwrap();
    let t: Option<String> = c
        .query_one("SELECT to_regclass('jinbao.half_done')::text", &[])
        .unwrap()
        .get(0);
    assert_eq!(t, None);
    let versions: Vec<i32> = c
        .query(
            "SELECT version FROM jinbao.jinbao_schema_history ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, (1..=latest() as i32).collect::<Vec<_>>());
    drop(c);
    pg::drop_db(name);
}

#[test]
fn an_edited_applied_migration_is_refused() {
    let state = tempfile::tempdir().unwrap();
    let r = run(jinbao(state.path()).args(["db", "migrate", "zhoukou"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let project = project_with(&[]);
    let file = project.path().join("templates/schema/V005__employment.sql");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("course         VARCHAR(100)", "course         VARCHAR(200)"),
    )
    .unwrap();
    let profiles = project.path().join("profiles");
    let extra = project.path().join("templates/schema/V901__more.sql");
    std::fs::write(&extra, "CREATE TABLE later (id INTEGER);\n").unwrap();
    let r = run(jinbao(state.path()).args([
        "--profiles",
        profiles.to_str().unwrap(),
        "db",
        "migrate",
        "zhoukou",
        "--json",
    ]));
    assert_eq!(r.code, 1);
    let err = r.json()[0]["error"].as_str().unwrap().to_string();
    assert!(
        err.contains("V005__employment.sql was edited after it was applied"),
        "{err}"
    );
    let r = run(jinbao(state.path()).args([
        "--profiles",
        profiles.to_str().unwrap(),
        "db",
        "status",
        "zhoukou",
        "--json",
    ]));
    assert_eq!(r.code, 1);
    let row = &r.json()[0];
    assert_eq!(row["checksum_mismatches"][0]["version"], 5);
    assert_eq!(row["pending"], 1, "V901 was not applied past the problem");
}

#[test]
fn concurrent_migrations_serialize() {
    // SQLite: a slow migration (a recursive query) holds the lock while a second run waits
    let slow_lite = "CREATE TABLE slow AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) AS c FROM n;\n";
    let slow_pg = "SELECT pg_sleep(2);\nCREATE TABLE slow (c INTEGER);\n";
    let project = project_with(&[
        ("V902__slow.sqlite.sql", slow_lite),
        ("V902__slow.postgres.sql", slow_pg),
    ]);
    let profiles = project.path().join("profiles");
    let profiles = profiles.to_str().unwrap().to_string();
    let state = tempfile::tempdir().unwrap();
    let two = |make: &dyn Fn() -> std::process::Command| {
        let spawn = || {
            make()
                .args(["--profiles", &profiles, "db", "migrate", "luohe", "--json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn();
        std::thread::sleep(std::time::Duration::from_millis(300));
        let b = spawn();
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let parse =
            |o: &std::process::Output| -> Value { serde_json::from_slice(&o.stdout).unwrap() };
        assert!(a.status.success() && b.status.success());
        let (ra, rb) = (parse(&a), parse(&b));
        let mut results = vec![ra[0]["result"].clone(), rb[0]["result"].clone()];
        results.sort_by_key(|v| v.to_string());
        assert_eq!(
            results,
            vec![Value::from("migrated"), Value::from("up-to-date")]
        );
        let waited =
            String::from_utf8_lossy(&b.stderr).into_owned() + &String::from_utf8_lossy(&a.stderr);
        assert!(
            waited.contains("waiting for the migration lock, held by pid"),
            "{waited}"
        );
    };
    two(&|| common::jinbao_std(state.path()));
    let db = rusqlite::Connection::open(state.path().join("sandbox/db/luohe.sqlite")).unwrap();
    let n: i64 = db
        .query_row(
            "SELECT count(*) FROM jinbao_schema_history WHERE version = 902",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);

    let Some(_pg) = pg::available("concurrent_migrations_serialize (postgres)") else {
        return;
    };
    let name = "jinbao_t_concurrent";
    pg::drop_db(name);
    let r = run(pg::jinbao(state.path(), Some(name)).args([
        "--profiles",
        &profiles,
        "db",
        "init",
        "luohe",
    ]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let make = || {
        let mut c = common::jinbao_std(state.path());
        c.env("JINBAO_TESTBED_PG_PASSWORD", pg::password()).args([
            "--env",
            "testbed",
            "--set",
            &format!("database.dsn=postgresql://127.0.0.1:5432/{name}"),
        ]);
        c
    };
    two(&make);
    pg::drop_db(name);
}

#[test]
fn drift_finds_a_column_dropped_by_hand() {
    // SQLite
    let state = tempfile::tempdir().unwrap();
    assert_eq!(
        run(jinbao(state.path()).args(["db", "migrate", "anyang"])).code,
        0
    );
    let db = rusqlite::Connection::open(state.path().join("sandbox/db/anyang.sqlite")).unwrap();
    db.execute_batch(
        "ALTER TABLE contribution DROP COLUMN paid_month; CREATE INDEX by_hand ON person (name);",
    )
    .unwrap();
    drop(db);
    let r = run(jinbao(state.path()).args(["db", "drift", "anyang", "--json"]));
    assert_eq!(r.code, 3, "drift is exit 3: {}", r.stdout);
    let d = &r.json()[0]["differences"];
    let names: Vec<&str> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["paid_month", "by_hand"], "{d}");
    assert_eq!(d[0]["found"], Value::Null);

    // PostgreSQL
    let Some(_pg) = pg::available("drift_finds_a_column_dropped_by_hand (postgres)") else {
        return;
    };
    let name = "jinbao_t_drift";
    pg::drop_db(name);
    assert_eq!(
        run(pg::jinbao(state.path(), Some(name)).args(["db", "init", "anyang"])).code,
        0
    );
    assert_eq!(
        run(pg::jinbao(state.path(), Some(name)).args(["db", "migrate", "anyang"])).code,
        0
    );
    let r = run(pg::jinbao(state.path(), Some(name)).args(["db", "drift", "anyang"]));
    assert_eq!(r.code, 0, "no drift right after migrating: {}", r.stdout);
    let mut c = pg::connect(name).unwrap();
    c.batch_execute("ALTER TABLE jinbao.person DROP COLUMN death_date")
        .unwrap();
    drop(c);
    let r = run(pg::jinbao(state.path(), Some(name)).args(["db", "drift", "anyang", "--json"]));
    assert_eq!(r.code, 3, "{}", r.stdout);
    let d = &r.json()[0]["differences"];
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d[0]["table"], "person");
    assert_eq!(d[0]["name"], "death_date");
    // the reference schema was built in a rolled-back transaction: nothing is left of it
    let mut c = pg::connect(name).unwrap();
    let left: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'jinbao_ref_%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    drop(c);
    pg::drop_db(name);
}

#[test]
fn baseline_adopts_an_existing_database() {
    let state = tempfile::tempdir().unwrap();
    assert_eq!(
        run(jinbao(state.path()).args(["db", "migrate", "puyang"])).code,
        0
    );
    let path = state.path().join("sandbox/db/puyang.sqlite");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch("DROP TABLE jinbao_schema_history")
        .unwrap();
    drop(db);
    let r = run(jinbao(state.path()).args(["db", "status", "puyang", "--json"]));
    assert_eq!(r.json()[0]["current"], Value::Null);
    let r = run(jinbao(state.path()).args(["db", "baseline", "puyang"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(jinbao(state.path()).args(["db", "status", "puyang", "--json"]));
    assert_eq!(r.json()[0]["current"], latest());
    assert_eq!(r.json()[0]["last_applied"]["kind"], "baseline");
    assert_eq!(
        run(jinbao(state.path()).args(["db", "migrate", "puyang", "--json"])).json()[0]["result"],
        "up-to-date"
    );
    // a database that does not match is not baselined
    let r = run(jinbao(state.path()).args(["db", "baseline", "jiaozuo"]));
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("differs"), "{}", r.stdout);
    let _ = Path::new("");
}

/// Roles belong to the whole PostgreSQL cluster: several `db init` processes at once (other
/// cities, other test runs) must not fail each other with "tuple concurrently updated" (seen
/// once `db init` also granted `pg_monitor`: its lock was only inside one process).
#[test]
fn concurrent_inits_of_several_processes_on_one_cluster() {
    let Some(_pg) = pg::available("concurrent_inits_of_several_processes_on_one_cluster") else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let dbs: Vec<String> = (0..6).map(|i| format!("jinbao_t_init_race_{i}")).collect();
    for round in 0..3 {
        for db in &dbs {
            pg::drop_db(db);
        }
        let results: Vec<common::Run> = std::thread::scope(|scope| {
            let handles: Vec<_> = dbs
                .iter()
                .map(|db| {
                    let state = state.path();
                    scope.spawn(move || {
                        run(pg::jinbao(state, Some(db)).args(["db", "init", "zhoukou"]))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in results {
            assert_eq!(r.code, 0, "round {round}: {}{}", r.stdout, r.stderr);
        }
    }
    for db in &dbs {
        pg::drop_db(db);
    }
}
