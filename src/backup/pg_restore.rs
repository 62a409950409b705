//! Restores and drills of a PostgreSQL city, on its db server: pgBackRest restores into a
//! scratch cluster beside the live one (its own folder, a socket only, no archiving), which
//! recovers to the point asked for. From there a drill counts it, a restore `--into` copies
//! the city database into a new database of the live cluster, and a restore `--in-place`
//! puts the whole scratch cluster in the live one's place (stopped, renamed, started). Until
//! that rename the live cluster is never touched: an interrupted restore leaves it as it
//! was, and the next one removes the scratch left behind.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::pgbackrest::{Pg, pgbackrest_line, target_options};
use super::{Backup, BackupError, Reason, Result, drill::count_problems};
use crate::state::backups::Drill;
use crate::transport::shell_quote;

const LONG: Duration = Duration::from_secs(6 * 3600);

/// What a scratch cluster held once recovered.
#[derive(Debug, Default)]
pub struct Counted {
    pub tables: BTreeMap<String, i64>,
    pub schema_version: Option<u32>,
}

impl Pg<'_> {
    fn version(&self) -> &str {
        &self.stanza.version
    }

    fn scratch(&self) -> String {
        format!(
            "/var/lib/postgresql/{}/jinbao-restore-{}",
            self.version(),
            std::process::id()
        )
    }

    fn dbname(&self) -> String {
        crate::db::database_name(&self.site.profile).unwrap_or_else(|| "postgres".into())
    }

    /// The script that restores `b` into the scratch cluster `s` and starts it, recovered.
    /// `archive`: the scratch will be the live cluster (in place): its new timeline's history
    /// goes to the repository once it runs there.
    fn restore_script(&self, b: &Backup, s: &str) -> String {
        let bin = format!("/usr/lib/postgresql/{}/bin", self.version());
        let stanza = &self.stanza.name;
        let parent = format!("/var/lib/postgresql/{}", self.version());
        format!(
            r#"set -e
cd /
S={s}; BIN={bin}
# PostgreSQL's own words on why recovery stopped, not the shutdown lines after them
why() {{ grep -E 'FATAL|PANIC|ERROR' "$1" | tail -n 3 >&2 || tail -n 5 "$1" >&2; }}
# scratch clusters of runs that are gone (the city's backup lock is held: none is in use)
# (a restore whose jinbao was killed may still have pgBackRest writing into its scratch)
for d in {parent}/jinbao-restore-*; do
  [ -d "$d" ] || continue
  runuser -u postgres -- "$BIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
  for p in /proc/[0-9]*; do
    tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -qF -- "--pg1-path=$d " && kill -9 "${{p#/proc/}}" 2>/dev/null || true
  done
  n=0; until rm -rf "$d" 2>/dev/null; do n=$((n+1)); [ $n -lt 10 ] || rm -rf "$d"; sleep 1; done
done
install -d -o postgres -g postgres -m 700 "$S"
{restore}
runuser -u postgres -- sh -c 'cat > "$1/postgresql.conf"' sh "$S" <<CONF
listen_addresses = ''
port = 5432
unix_socket_directories = '$S'
shared_buffers = '64MB'
hot_standby = off
archive_mode = off
CONF
echo 'local all postgres peer' | runuser -u postgres -- sh -c 'cat > "$1/pg_hba.conf"' sh "$S"
runuser -u postgres -- "$BIN/pg_ctl" -D "$S" -w -t 3600 -l "$S/recovery.log" start >/dev/null || {{ why "$S/recovery.log"; exit 3; }}
n=0
until [ "$(runuser -u postgres -- psql -h "$S" -d postgres -tAc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  runuser -u postgres -- "$BIN/pg_ctl" -D "$S" status >/dev/null || {{ why "$S/recovery.log"; exit 3; }}
  n=$((n+1)); [ $n -lt 36000 ] || {{ echo 'recovery did not finish' >&2; exit 3; }}
  sleep 0.2
done
"#,
            s = shell_quote(s),
            bin = shell_quote(&bin),
            parent = shell_quote(&parent),
            restore = pgbackrest_line(
                stanza,
                &format!(
                    "--pg1-path=\"$S\" {} --target-action=promote --archive-mode=off restore",
                    target_options(b)
                )
            ),
        )
    }

    /// Lines that count every table of the scratch cluster's city database and read its
    /// schema version (`@T table rows`, `@V version`).
    fn count_script(&self, s: &str) -> String {
        let psql = format!(
            "runuser -u postgres -- psql -h {} -d {} -tA -F ' '",
            shell_quote(s),
            shell_quote(&self.dbname())
        );
        let history = crate::schema::HISTORY_TABLE;
        format!(
            r#"{psql} -c "SELECT '@T', table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text FROM information_schema.tables WHERE table_schema = 'jinbao' AND table_type = 'BASE TABLE' ORDER BY 2"
{psql} -c "SELECT '@V', CASE WHEN to_regclass('jinbao.{history}') IS NULL THEN 0 ELSE (xpath('/row/v/text()', query_to_xml('SELECT coalesce(max(version), 0) AS v FROM jinbao.{history}', false, true, '')))[1]::text::int END"
"#
        )
    }

    fn stop_and_remove(&self, s: &str) -> String {
        format!(
            // a process of the scratch cluster may still be writing its last files as it ends
            "runuser -u postgres -- {} -D {s} -m fast stop >/dev/null 2>&1 || true\n\
             n=0; until rm -rf {s} 2>/dev/null; do n=$((n+1)); [ $n -ge 5 ] && {{ rm -rf {s}; break; }}; sleep 1; done\n",
            shell_quote(&format!(
                "/usr/lib/postgresql/{}/bin/pg_ctl",
                self.version()
            )),
            s = shell_quote(s)
        )
    }

    /// Removes a scratch cluster a failed restore or drill left (the next one would too).
    fn remove_scratch(&self, s: &str) {
        let _ = self.on_db(
            "remove scratch",
            &self.stop_and_remove(s),
            Duration::from_secs(120),
        );
    }

    /// Before a restore to a point in time: the log up to now archived (a restore replays
    /// only what the repository holds). A live database that is down has nothing more to
    /// give: the restore goes as far as the archive.
    fn flush_log(&self, b: &Backup) {
        if b.kind != "time" {
            return;
        }
        let flushed =
            crate::db::connect(&self.site.profile, crate::db::Account::Admin).and_then(|mut c| {
                // a commit stamped now: recovery to a time stops at the first commit after it,
                // and fails when the log ends before one
                c.count("SELECT txid_current()")?;
                c.mark_restore_point(
                    &format!("jinbao-restore-{}", std::process::id()),
                    Duration::from_secs(120),
                )
            });
        if let Err(e) = flushed {
            tracing::warn!(
                "{}: the live log was not archived before the restore: {e}",
                b.city
            );
        }
    }

    /// Restores `b` into a scratch cluster, counts it, and removes it.
    pub fn drill(&self, b: &Backup) -> Result<Drill> {
        let started = Instant::now();
        let s = self.scratch();
        let script = format!(
            "{}{}{}",
            self.restore_script(b, &s),
            self.count_script(&s),
            self.stop_and_remove(&s)
        );
        let out = self.on_db("drill", &script, LONG);
        let (problems, counted) = match out {
            Ok(text) => {
                let c = parse_counts(&text);
                let mut problems = Vec::new();
                if c.schema_version != b.schema_version {
                    let v = |v: Option<u32>| v.map_or("none".into(), |v| format!("V{v:03}"));
                    problems.push(format!(
                        "schema {} where the backup recorded {}",
                        v(c.schema_version),
                        v(b.schema_version)
                    ));
                }
                problems.extend(count_problems(&b.tables, &c.tables));
                (problems, c)
            }
            Err(e) => {
                self.remove_scratch(&s);
                (vec![format!("not restored: {e}")], Counted::default())
            }
        };
        Ok(Drill {
            city: b.city.clone(),
            backup: b.id.clone(),
            at: crate::clock::now(),
            took_ms: started.elapsed().as_millis() as u64,
            ok: problems.is_empty(),
            problems,
            tables_checked: b.tables.len(),
            rows_checked: counted.tables.values().sum(),
            schema_version: counted.schema_version,
        })
    }

    /// Restores `b` into the new database `name` of the live cluster; the city database is
    /// not touched. The rows it holds, counted.
    pub fn restore_into(&self, b: &Backup, name: &str) -> Result<Counted> {
        super::restore::check_name(name)?;
        self.flush_log(b);
        let s = self.scratch();
        let exists = self.on_db(
            "restore",
            &format!(
                "runuser -u postgres -- psql -tAc \"SELECT 1 FROM pg_database WHERE datname = '{name}'\""
            ),
            Duration::from_secs(60),
        )?;
        if exists.trim() == "1" {
            return Err(BackupError::Exists {
                path: format!("database {name} on {}", self.db_server()),
            });
        }
        let copy = format!(
            r#"runuser -u postgres -- createdb -T template0 {name}
runuser -u postgres -- sh -c 'pg_dump -h "$1" -Fc "$2" | pg_restore --exit-on-error -d "$3"' sh "$S" {db} {name} || {{ runuser -u postgres -- dropdb --if-exists {name}; exit 4; }}
"#,
            db = shell_quote(&self.dbname()),
        );
        let script = format!(
            "{}{}{}{}",
            self.restore_script(b, &s),
            self.count_script(&s),
            copy,
            self.stop_and_remove(&s)
        );
        let out = self.on_db("restore", &script, LONG);
        if out.is_err() {
            self.remove_scratch(&s);
        }
        let c = parse_counts(&out?);
        let problems = checked(b, &c);
        if !problems.is_empty() {
            return Err(BackupError::Mismatch {
                city: b.city.clone(),
                problems,
            });
        }
        Ok(c)
    }

    /// Replaces the live cluster with `b` restored: the live database marked as a restore
    /// point first (when it runs), the scratch recovered and checked, then put in place.
    pub fn restore_in_place(
        &self,
        records: &std::path::Path,
        b: &Backup,
    ) -> Result<(Option<Backup>, Counted)> {
        // the live database's last picture, kept (its log archived, which a restore to a
        // point in time just before now needs too)
        let kept = self.point(records, Reason::BeforeRestore).ok();
        let s = self.scratch();
        let live = self.stanza.pg_path();
        let unit = format!("postgresql@{}-main", self.version());
        let out = self.on_db(
            "restore",
            &format!("{}{}", self.restore_script(b, &s), self.count_script(&s)),
            LONG,
        );
        let c = match out {
            Ok(text) => parse_counts(&text),
            Err(e) => {
                self.remove_scratch(&s);
                return Err(e);
            }
        };
        let problems = checked(b, &c);
        if !problems.is_empty() {
            self.remove_scratch(&s);
            return Err(BackupError::Mismatch {
                city: b.city.clone(),
                problems,
            });
        }
        let swap = format!(
            r#"set -e
S={s}; LIVE={live}; OLD={live}.replaced-{pid}; BIN={bin}
runuser -u postgres -- "$BIN/pg_ctl" -D "$S" -m fast stop >/dev/null
# the live cluster's own settings (pgBackRest's recovery lines stay out of it)
rm -f "$S/postgresql.conf" "$S/pg_hba.conf" "$S/recovery.log"
if [ -f "$LIVE/postgresql.auto.conf" ]; then cp -p "$LIVE/postgresql.auto.conf" "$S/postgresql.auto.conf"; fi
# the new timeline's history goes to the repository once the live cluster archives again
for h in "$S"/pg_wal/*.history; do [ -f "$h" ] && runuser -u postgres -- touch "$S/pg_wal/archive_status/${{h##*/}}.ready"; done
systemctl stop {unit}
mv "$LIVE" "$OLD"; mv "$S" "$LIVE"
if ! systemctl start {unit}; then
  systemctl stop {unit} || true
  mv "$LIVE" "$S"; mv "$OLD" "$LIVE"; systemctl start {unit} || true
  echo 'the restored cluster did not start: the one before is back' >&2; exit 5
fi
n=0; until runuser -u postgres -- pg_isready -q; do n=$((n+1)); [ $n -lt 600 ] || exit 6; sleep 0.2; done
rm -rf "$OLD"
"#,
            s = shell_quote(&s),
            live = shell_quote(&live),
            pid = std::process::id(),
            bin = shell_quote(&format!("/usr/lib/postgresql/{}/bin", self.version())),
            unit = shell_quote(&unit),
        );
        self.on_db("put in place", &swap, Duration::from_secs(600))?;
        Ok((kept, c))
    }
}

/// The restored rows against what the backup recorded (nothing recorded: a point in time).
fn checked(b: &Backup, c: &Counted) -> Vec<String> {
    if b.tables.is_empty() {
        return Vec::new();
    }
    count_problems(&b.tables, &c.tables)
}

fn parse_counts(text: &str) -> Counted {
    let mut c = Counted::default();
    for line in text.lines() {
        let mut f = line.split_whitespace();
        match f.next() {
            Some("@T") => {
                if let (Some(t), Some(n)) = (f.next(), f.next().and_then(|n| n.parse().ok())) {
                    c.tables.insert(t.to_string(), n);
                }
            }
            Some("@V") => {
                c.schema_version = f.next().and_then(|v| v.parse().ok()).filter(|v| *v > 0)
            }
            _ => {}
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_read_from_the_scratch_clusters_answer() {
        let c = parse_counts("@T person 1000\n@T contribution 52\n@V 11\nnoise\n");
        assert_eq!(c.tables.get("person"), Some(&1000));
        assert_eq!(c.tables.len(), 2);
        assert_eq!(c.schema_version, Some(11));
        assert_eq!(parse_counts("@V 0\n").schema_version, None);
    }
}
