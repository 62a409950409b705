//! Running compiled rules: the violating rows streamed from the database and aggregated as
//! they come (a count, a count per county, the five smallest keys, a hash of every key), and
//! handed to the problem-data lists when asked.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use crate::data::csv_out::{CsvOut, OutEncoding};
use crate::db::{self, Conn};

use super::Rule;

/// Why a rule's scan stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Query(db::DbError),
    #[error("writing a problem list: {0}")]
    List(#[source] io::Error),
}

impl From<db::DbError> for RunError {
    fn from(e: db::DbError) -> Self {
        match e {
            db::DbError::Consumer(e) => RunError::List(e),
            other => RunError::Query(other),
        }
    }
}

/// How many sample keys a rule keeps (its smallest).
const SAMPLES: usize = 5;

/// What the violating rows of one rule add up to.
#[derive(Debug, Default, Clone)]
pub struct Aggregate {
    pub violations: u64,
    /// Violations per county ("" for those of no county, such as a row count).
    pub by_county: BTreeMap<String, u64>,
    /// The smallest keys, in order.
    pub samples: Vec<String>,
    /// A 64-bit hash of every violating key, to tell later which were fixed.
    pub key_hashes: Vec<i64>,
}

impl Aggregate {
    fn add(&mut self, county: &str, key: &str) {
        self.violations += 1;
        match self.by_county.get_mut(county) {
            Some(n) => *n += 1,
            None => {
                self.by_county.insert(county.to_string(), 1);
            }
        }
        if self.samples.len() < SAMPLES || self.samples.last().is_some_and(|l| key < l.as_str()) {
            let mut set: BTreeSet<String> = std::mem::take(&mut self.samples).into_iter().collect();
            set.insert(key.to_string());
            self.samples = set.into_iter().take(SAMPLES).collect();
        }
        self.key_hashes.push(crate::data::crosscity::hash64(key));
    }
}

/// Where the violating rows of a rule go besides the aggregate.
pub trait ListSink {
    fn row(&mut self, county: &str, key: &str, value: Option<&str>) -> io::Result<()>;
}

/// The problem-data lists of one rule (问题数据清单): `DIR/<county>/<rule>.csv`, one row per
/// violating row with its key, the column and value, the rule and a hint, for the county to
/// fix. Files are private (0600 in 0700 folders): they hold personal data for its owners.
/// Nothing is written or removed through a link: a county folder that is a link is refused,
/// each file is written aside and renamed into place (a hard link keeps its old content), and
/// the clean-up of old lists skips linked entries with a warning.
pub struct Lists<'r> {
    dir: PathBuf,
    encoding: OutEncoding,
    rule: &'r Rule,
    /// By folder name (the county as a path component), so that the clean-up and the files
    /// written agree even for a rule of no county.
    open: BTreeMap<String, (CsvOut, tempfile::TempPath)>,
    /// County as the rows give it → its folder (worked out once per county, not per row).
    folders: BTreeMap<String, String>,
}

/// What a rule's lists left: files written (path and rows), and what was left alone.
#[derive(Debug, Default)]
pub struct ListsDone {
    pub written: Vec<(PathBuf, u64)>,
    pub warnings: Vec<String>,
}

/// A name safe as one path component: letters, digits, `_` and `-` only.
fn component(s: &str, default: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if clean.is_empty() {
        default.to_string()
    } else {
        clean
    }
}

impl<'r> Lists<'r> {
    pub fn new(dir: &Path, encoding: OutEncoding, rule: &'r Rule) -> Self {
        Lists {
            dir: dir.to_path_buf(),
            encoding,
            rule,
            open: BTreeMap::new(),
            folders: BTreeMap::new(),
        }
    }

    fn file_name(&self) -> String {
        format!("{}.csv", component(&self.rule.name, "rule"))
    }

    /// Renames every file written into place, then removes this rule's lists of an earlier
    /// run from the counties that have no rows now (they fixed them).
    pub fn finish(mut self) -> io::Result<ListsDone> {
        let name = self.file_name();
        let mut done = ListsDone::default();
        for (folder, (w, tmp)) in std::mem::take(&mut self.open) {
            let rows = w.rows.saturating_sub(1);
            w.finish()?;
            let path = self.dir.join(&folder).join(&name);
            // a new file renamed over the old name: a hard link there keeps its content
            tmp.persist(&path)
                .map_err(|e| crate::files::at(&path, e.error))?;
            done.written.push((path, rows));
        }
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) => return Err(crate::files::at(&self.dir, e)),
        };
        for e in entries {
            let e = e.map_err(|e| crate::files::at(&self.dir, e))?;
            let folder = e.file_name().to_string_lossy().into_owned();
            if done
                .written
                .iter()
                .any(|(p, _)| p.parent().and_then(|p| p.file_name()) == Some(&e.file_name()))
            {
                continue;
            }
            // the entry itself, never what a link points to
            let kind = e.file_type().map_err(|x| crate::files::at(&e.path(), x))?;
            if kind.is_symlink() {
                done.warnings.push(format!(
                    "{} is a symbolic link: left alone (jinbao does not follow links out of the lists folder)",
                    e.path().display()
                ));
                continue;
            }
            if !kind.is_dir() || component(&folder, "") != folder {
                continue;
            }
            let stale = e.path().join(&name);
            if std::fs::symlink_metadata(&stale).is_ok_and(|m| m.is_file()) {
                std::fs::remove_file(&stale).map_err(|x| crate::files::at(&stale, x))?;
            }
        }
        Ok(done)
    }
}

impl ListSink for Lists<'_> {
    fn row(&mut self, county: &str, key: &str, value: Option<&str>) -> io::Result<()> {
        if !self.folders.contains_key(county) {
            let folder = component(county, "city");
            self.open_folder(&folder)?;
            self.folders.insert(county.to_string(), folder);
        }
        let hint = super::hint::hint(self.rule, key, value);
        let column = super::hint::column(self.rule);
        let (w, _) = self
            .open
            .get_mut(&self.folders[county])
            .expect("opened above");
        w.record(&[key, column, value.unwrap_or(""), &self.rule.name, &hint])
    }
}

impl Lists<'_> {
    /// Starts the list of one county folder (once: counties cleaned to one name share it).
    fn open_folder(&mut self, folder: &str) -> io::Result<()> {
        if !self.open.contains_key(folder) {
            let dir = self.dir.join(folder);
            crate::files::owned_private_dir(&dir, false)?;
            // 0600, created anew (O_EXCL), removed unless renamed into place at the end
            let tmp = tempfile::Builder::new()
                .prefix(&format!(".{}.", self.file_name()))
                .suffix(".tmp")
                .tempfile_in(&dir)
                .map_err(|e| crate::files::at(&dir, e))?;
            let (f, tmp) = tmp.into_parts();
            let mut w = CsvOut::from_file(f, self.encoding)?;
            w.record(&["key", "column", "value", "rule", "hint"])?;
            self.open.insert(folder.to_string(), (w, tmp));
        }
        Ok(())
    }
}

/// Runs one compiled rule: every violating row (county, key, value) streamed through the
/// aggregate and, when given, the lists.
pub fn run(
    conn: &mut Conn,
    sql: &str,
    mut sink: Option<&mut dyn ListSink>,
) -> Result<Aggregate, RunError> {
    let mut agg = Aggregate::default();
    let mut each = |c: Option<String>, k: Option<String>, v: Option<String>| -> io::Result<()> {
        let c = c.unwrap_or_default();
        let k = k.unwrap_or_default();
        agg.add(c.trim_end(), &k);
        if let Some(s) = sink.as_deref_mut() {
            s.row(c.trim_end(), &k, v.as_deref())?;
        }
        Ok(())
    };
    let q = format!("SELECT c, k, v FROM ({sql}) r");
    conn.each_row(&q, &mut |r| {
        let at = |i: usize| r.get(i).and_then(db::Cell::text);
        each(at(0), at(1), at(2))
    })?;
    agg.samples.sort();
    Ok(agg)
}

/// Runs a fused scan: each row's mask says which of the fused rules it breaks; each of those
/// gets the row in its aggregate and, when given, its lists.
pub fn run_fused(
    conn: &mut Conn,
    fused: &super::fuse::Fused,
    sinks: &mut [Option<&mut dyn ListSink>],
) -> Result<Vec<Aggregate>, RunError> {
    let n = fused.rules.len();
    let mut aggs = vec![Aggregate::default(); n];
    let width = fused.values.iter().flatten().max().map_or(0, |m| m + 1);
    let mut each = |m: i64, c: &str, k: &str, vals: &[Option<String>]| -> io::Result<()> {
        for (bit, agg) in aggs.iter_mut().enumerate() {
            if m & (1i64 << bit) == 0 {
                continue;
            }
            agg.add(c.trim_end(), k);
            if let Some(s) = sinks.get_mut(bit).and_then(|s| s.as_deref_mut()) {
                let v = fused.values[bit].and_then(|i| vals[i].as_deref());
                s.row(c.trim_end(), k, v)?;
            }
        }
        Ok(())
    };
    conn.each_row(&fused.sql, &mut |r| {
        let at = |i: usize| r.get(i).and_then(db::Cell::text);
        let m = r.first().and_then(db::Cell::int).unwrap_or(0);
        let (c, k) = (at(1).unwrap_or_default(), at(2).unwrap_or_default());
        let vals: Vec<Option<String>> = (0..width).map(|i| at(3 + i)).collect();
        each(m, &c, &k, &vals)
    })?;
    for a in &mut aggs {
        a.samples.sort();
    }
    Ok(aggs)
}
