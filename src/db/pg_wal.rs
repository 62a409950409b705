//! Restore points in PostgreSQL's write-ahead log: what a restore to "just before this
//! migration" or "as of this backup" replays up to.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::{DbError, Mark, SCHEMA};

/// See [`super::Database::mark_restore_point`].
pub(super) fn mark_restore_point(
    c: &mut postgres::Client,
    name: &str,
    wait: Duration,
) -> Result<Mark, DbError> {
    let mut tx = c
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .map_err(DbError::Statement)?;
    // the point first: the transaction's picture is taken with it, so the counts below are
    // what a restore to the point holds (but for a commit in the same instant)
    let row = tx
        .query_one(
            "SELECT pg_create_restore_point($1)::text, (SELECT timeline_id FROM pg_control_checkpoint())",
            &[&name],
        )
        .map_err(DbError::Statement)?;
    let (lsn, timeline): (String, i32) = (row.get(0), row.get(1));
    let names = tx
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1",
            &[&SCHEMA],
        )
        .map_err(DbError::Statement)?;
    let mut tables = BTreeMap::new();
    for row in names {
        let table: String = row.get(0);
        let sql = format!(
            "SELECT count(*) FROM {SCHEMA}.\"{}\"",
            table.replace('"', "\"\"")
        );
        let n: i64 = tx.query_one(&sql, &[]).map_err(DbError::Statement)?.get(0);
        tables.insert(table, n);
    }
    tx.commit().map_err(DbError::Statement)?;
    let segment: String = c
        .query_one("SELECT pg_walfile_name($1::text::pg_lsn)", &[&lsn])
        .map_err(DbError::Statement)?
        .get(0);
    c.execute("SELECT pg_switch_wal()", &[])
        .map_err(DbError::Statement)?;
    wait_archived(c, &segment, wait)?;
    Ok(Mark {
        lsn,
        timeline: timeline as u32,
        tables,
    })
}

/// Waits until the archiver has archived `segment`: its status file is no longer `.ready`
/// (the switch before made it so; archived, it is `.done`, or recycled with it).
fn wait_archived(c: &mut postgres::Client, segment: &str, wait: Duration) -> Result<(), DbError> {
    let started = Instant::now();
    loop {
        let row = c
            .query_one(
                "SELECT coalesce(last_archived_wal, ''), coalesce(last_failed_wal, ''), \
                 coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false), \
                 NOT EXISTS (SELECT 1 FROM pg_ls_archive_statusdir() WHERE name = $1 || '.ready') \
                 FROM pg_stat_archiver",
                &[&segment],
            )
            .map_err(DbError::Statement)?;
        let (archived, failed, failing, done): (String, String, bool, bool) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        if done {
            return Ok(());
        }
        if started.elapsed() >= wait {
            let why = if failing {
                format!("archiving fails (last failed: {failed})")
            } else {
                format!(
                    "the last archived is {}",
                    if archived.is_empty() {
                        "none"
                    } else {
                        &archived
                    }
                )
            };
            return Err(DbError::Other(format!(
                "the write-ahead log holding the restore point ({segment}) was not archived within {} s: {why}",
                wait.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
