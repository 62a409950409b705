//! The hostile CSV corpus (tests/hostile/csv/): every case imported as a county extract, with
//! its exact outcome, no row lost, and nothing outside the target changed. Runs on the sandbox
//! (SQLite); needs nothing else.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{jinbao, repo, run};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    encoding: Option<String>,
    error: Option<String>,
    read: Option<u64>,
    loaded: Option<u64>,
    #[serde(default)]
    rejects: Vec<(u64, String)>,
}

const HEADER: &str =
    "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date";

fn row(i: u32) -> String {
    format!("41160219800101{i:03}5,P{i},张三,1,1980-01-01,411602,,0,,")
}

/// Where the corpus runs: a state folder with Zhoukou's database migrated, a row of another
/// county in it, and a file outside the target that must never change.
struct Bed {
    _dir: tempfile::TempDir,
    root: PathBuf,
    state: PathBuf,
    victim: PathBuf,
    /// The largest resident set of a jinbao run of the corpus, KiB.
    peak_kib: std::cell::Cell<u64>,
}

const VICTIM: &str = "root:$6$SECRETHASH-must-never-show:19000:0:99999:7:::\n";

impl Bed {
    fn new() -> Bed {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let state = root.join("state");
        let victim = root.join("shadow");
        std::fs::write(&victim, VICTIM).unwrap();
        let r = run(jinbao(&state).args(["db", "migrate", "zhoukou"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let other = root.join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(
            other.join("persons.csv"),
            format!("{HEADER}\n411621198001010015,Q1,李四,1,1980-01-01,411621,,0,,\n"),
        )
        .unwrap();
        let r = run(jinbao(&state).args([
            "data",
            "import",
            "zhoukou",
            "--county",
            "411621",
            other.join("persons.csv").to_str().unwrap(),
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        Bed {
            _dir: dir,
            root,
            state,
            victim,
            peak_kib: std::cell::Cell::new(0),
        }
    }

    fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.state.join("sandbox/db/zhoukou.sqlite")).unwrap()
    }

    fn persons(&self, county: &str) -> i64 {
        self.db()
            .query_row(
                "SELECT count(*) FROM person WHERE county_code = ?1",
                [county],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// Forgets county 411602's rows and loads.
    fn reset(&self) {
        self.db()
            .execute_batch(
                "DELETE FROM person WHERE county_code = '411602'; DELETE FROM import_batch WHERE county_code = '411602';",
            )
            .unwrap();
    }

    /// Imports `file` as county 411602's persons; returns the run.
    fn import(&self, file: &Path, extra: &[&str]) -> common::Run {
        let (r, kib) = common::run_measured(
            common::jinbao_std(&self.state)
                .args(["data", "import", "zhoukou", "--county", "411602", "--json"])
                .args(extra)
                .arg(file),
        );
        self.peak_kib.set(self.peak_kib.get().max(kib));
        r
    }

    /// Nothing outside the target changed: the file outside, the other county's row, the
    /// person table itself.
    fn untouched(&self, label: &str) {
        assert_eq!(
            std::fs::read_to_string(&self.victim).unwrap(),
            VICTIM,
            "{label}"
        );
        assert_eq!(self.persons("411621"), 1, "{label}");
        let mut seen = Vec::new();
        for e in walk(&self.root) {
            let rel = e
                .strip_prefix(&self.root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            seen.push(rel);
        }
        for rel in &seen {
            let allowed = rel == "shadow"
                || rel.starts_with("other")
                || rel.starts_with("cases")
                || rel.starts_with("state/sandbox/db/zhoukou.sqlite")
                || rel.starts_with("state/imports/")
                // what jinbao itself keeps after an import: the city's progress, the
                // assessment's facts and snapshots
                || rel.starts_with("state/data-progress")
                || rel.starts_with("state/facts")
                || rel.starts_with("state/assessments")
                // the import's controller lock (free once it ends)
                || rel.starts_with("state/locks")
                || [
                    "state",
                    "state/sandbox",
                    "state/sandbox/db",
                    "state/imports",
                    "state/audit.jsonl",
                ]
                .contains(&rel.as_str());
            assert!(allowed, "{label}: unexpected {rel}");
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        out.push(p.clone());
        if meta.is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}

/// What an import that must succeed gives: read, loaded, rejects (line, reason).
fn outcome(r: &common::Run) -> (u64, u64, Vec<(u64, String)>, Option<String>) {
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let m = &r.json()[0];
    let read = m["read"].as_u64().unwrap();
    let loaded = m["loaded"].as_u64().unwrap();
    let rejected = m["rejected"].as_u64().unwrap();
    assert_eq!(read, loaded + rejected, "no row lost: {m}");
    let rejects = m["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["line"].as_u64().unwrap(),
                x["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (
        read,
        loaded,
        rejects,
        m["reject_file"].as_str().map(str::to_string),
    )
}

/// A refused file: the exact message, a short stderr, nothing of its content echoed.
fn refused(r: &common::Run, want: &str, label: &str) {
    assert_eq!(r.code, 1, "{label}: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "{label}: {}", r.stdout);
    assert!(
        r.stderr.contains(want),
        "{label}: wanted {want:?} in\n{}",
        r.stderr
    );
    assert!(r.stderr.len() < 1000, "{label}: {} bytes", r.stderr.len());
    assert!(!r.stderr.contains("SECRETHASH"), "{label}");
}

fn reject_file_is_safe(path: &str, label: &str) {
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{label}: {path}");
    let dir = Path::new(path).parent().unwrap();
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{label}: {}", dir.display());
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(&records[0][0], "line", "{label}");
    for rec in &records {
        for cell in rec.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{label}: a formula cell {cell:?} in {path}"
            );
        }
    }
}

#[test]
fn the_hostile_csv_corpus() {
    let bed = Bed::new();
    let corpus = repo().join("tests/hostile/csv");
    let cases: Cases =
        toml::from_str(&std::fs::read_to_string(corpus.join("cases.toml")).unwrap()).unwrap();
    for (i, c) in cases.case.iter().enumerate() {
        let label = format!(
            "{} ({})",
            c.file,
            c.encoding.as_deref().unwrap_or("detected")
        );
        let dir = bed.root.join(format!("cases/{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("persons.csv");
        std::fs::copy(corpus.join(&c.file), &file).unwrap();
        let before = bed.persons("411602");
        let extra: Vec<&str> = match &c.encoding {
            Some(e) => vec!["--encoding", e],
            None => vec![],
        };
        let r = bed.import(&file, &extra);
        if let Some(err) = &c.error {
            refused(&r, &err.replace("{file}", file.to_str().unwrap()), &label);
            assert_eq!(bed.persons("411602"), before, "{label}");
        } else {
            let (read, loaded, rejects, reject_file) = outcome(&r);
            assert_eq!(
                (Some(read), Some(loaded)),
                (c.read, c.loaded),
                "{label}: {}",
                r.stdout
            );
            assert_eq!(rejects, c.rejects, "{label}");
            assert_eq!(
                bed.persons("411602") - before,
                loaded as i64,
                "{label}: every loaded row is in the table"
            );
            if let Some(f) = reject_file {
                reject_file_is_safe(&f, &label);
            }
        }
        // the same county's rows and loads go, so that the next case starts empty
        bed.reset();
        bed.untouched(&label);
    }
    generated_cases(&bed);
    bed.untouched("the end");
    // every import of the corpus stayed small, whatever it read
    assert!(bed.peak_kib.get() > 0, "the imports were measured");
    let max_mib = bed.peak_kib.get() / 1024;
    assert!(max_mib < 150, "a jinbao import used {max_mib} MiB");
}

/// The cases made here: too big to keep, or not plain files.
fn generated_cases(bed: &Bed) {
    use std::io::Write;
    let dir = bed.root.join("cases/generated");
    std::fs::create_dir_all(&dir).unwrap();
    let persons = dir.join("persons.csv");

    // a 50 MB header: refused with a short message, nothing of it echoed
    {
        let mut f = std::fs::File::create(&persons).unwrap();
        let chunk = "id_number,".repeat(1024 * 1024 / 10);
        let mut n = 0;
        while n < 50 * 1024 * 1024 {
            f.write_all(chunk.as_bytes()).unwrap();
            n += chunk.len();
        }
        f.write_all(b"\n").unwrap();
        let r = bed.import(&persons, &[]);
        refused(
            &r,
            &format!(
                "{}: the first line has {n} bytes, more than 1048576: not an extract with a header row",
                persons.display()
            ),
            "50 MB header",
        );
    }
    // zeros without a line break, as a regular file
    {
        std::fs::write(&persons, vec![0u8; 20 * 1024 * 1024]).unwrap();
        let r = bed.import(&persons, &[]);
        refused(
            &r,
            &format!(
                "{}: the first line has 20971520 bytes, more than 1048576",
                persons.display()
            ),
            "zeros",
        );
    }
    // /dev/zero itself, a FIFO, a symbolic link to a file outside: refused unread
    let mapping = dir.join("person-mapping.toml");
    std::fs::write(&mapping, "entity = \"person\"\n").unwrap();
    let r = bed.import(
        Path::new("/dev/zero"),
        &["--mapping", mapping.to_str().unwrap()],
    );
    refused(
        &r,
        "/dev/zero is not a regular file (a device): extracts are read only from regular files",
        "/dev/zero",
    );
    let fifo = dir.join("fifo").join("persons.csv");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let r = bed.import(&fifo, &[]);
    refused(
        &r,
        &format!(
            "{} is not a regular file (a FIFO): extracts are read only from regular files",
            fifo.display()
        ),
        "FIFO",
    );
    let link = dir.join("link").join("persons.csv");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&bed.victim, &link).unwrap();
    for target in [link.clone(), link.parent().unwrap().to_path_buf()] {
        let r = bed.import(&target, &[]);
        refused(
            &r,
            &format!(
                "{} is a symbolic link: extracts are read only from regular files",
                link.display()
            ),
            "symlink",
        );
    }

    // 1,000 columns: unknown ones ignored; a row one field short rejected
    {
        let extra: Vec<String> = (0..990).map(|i| format!("extra_{i}")).collect();
        let mut text = format!("{HEADER},{}\n", extra.join(","));
        let tail = ",x".repeat(990);
        for i in 1..=3 {
            text.push_str(&format!("{}{tail}\n", row(i)));
        }
        text.push_str(&format!("{}{}\n", row(4), ",x".repeat(989)));
        std::fs::write(&persons, text).unwrap();
        let (read, loaded, rejects, _) = outcome(&bed.import(&persons, &[]));
        assert_eq!((read, loaded), (4, 3));
        assert_eq!(
            rejects,
            vec![(5, "999 fields, the header has 1000".to_string())]
        );
        bed.reset();
    }
    // a 100 MB line between two good rows: that line alone rejected, memory bounded
    {
        let mut f = std::fs::File::create(&persons).unwrap();
        writeln!(f, "{HEADER}\n{}", row(1)).unwrap();
        let chunk = vec![b'x'; 1024 * 1024];
        for _ in 0..100 {
            f.write_all(&chunk).unwrap();
        }
        writeln!(f, "\n{}", row(3)).unwrap();
        drop(f);
        let (read, loaded, rejects, _) = outcome(&bed.import(&persons, &[]));
        assert_eq!((read, loaded), (3, 2));
        assert_eq!(
            rejects,
            vec![(
                3,
                "the line has 104857600 bytes, more than 1048576 (not read)".to_string()
            )]
        );
        bed.reset();
    }
}

/// A reject file keeps the full keys (it is for the data's owners), while what people see is
/// masked; --show-personal-data shows them and is audited.
#[test]
fn rejects_show_masked_keys_and_the_file_keeps_them() {
    let bed = Bed::new();
    let dir = bed.root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("persons.csv");
    std::fs::write(
        &file,
        format!("{HEADER}\n41160219800101001,P1,张三丰,1,1980-01-01,411602,,0,,\n"),
    )
    .unwrap();
    let r = bed.import(&file, &["--dry-run"]);
    let (_, _, rejects, _) = outcome(&r);
    assert_eq!(
        rejects[0].1,
        "id_number `411602*******1001`: an ID number has 18 characters (or 15 in the old form)"
    );
    assert!(!r.stdout.contains("41160219800101001"), "{}", r.stdout);
    let r = bed.import(&file, &[]);
    let (_, _, _, reject_file) = outcome(&r);
    let text = std::fs::read_to_string(reject_file.unwrap()).unwrap();
    assert!(text.contains("41160219800101001,P1,张三丰"), "{text}");
    // the same shown in full on request, and the request is in the audit log
    std::fs::write(
        &file,
        format!("{HEADER}\n41160219800101001,P1,张三丰,1,1980-01-01,411602,,0,,\n\n"),
    )
    .unwrap();
    let r = run(jinbao(&bed.state)
        .args(["--show-personal-data", "data", "import", "zhoukou"])
        .args(["--county", "411602", "--dry-run", "--json"])
        .arg(&file));
    let (_, _, rejects, _) = outcome(&r);
    assert!(rejects[0].1.contains("`41160219800101001`"), "{rejects:?}");
    let audit = std::fs::read_to_string(bed.state.join("audit.jsonl")).unwrap();
    assert!(audit.contains("show-personal-data"), "{audit}");
    let db = bed.state.join("sandbox/db/zhoukou.sqlite");
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let mode = std::fs::metadata(db.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700);
}

/// A file another process appends to while the import reads it (an export still running):
/// refused with its reason and nothing of it loaded, never a row loaded with a cut value.
#[test]
fn a_file_growing_while_it_is_read_is_refused() {
    use std::io::Write;
    let bed = Bed::new();
    let dir = bed.root.join("cases/growing");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("persons.csv");
    let mut text = format!("{HEADER}\n");
    for i in 0..30_000u32 {
        text.push_str(&format!(
            "4116021980{:08}5,P{i},张三,1,1980-01-01,411602,,0,,\n",
            i
        ));
    }
    std::fs::write(&file, text).unwrap();
    // its output to files: a pipe nobody reads would stop it
    let (out, err) = (dir.join("out"), dir.join("err"));
    let mut child = common::jinbao_std(&bed.state)
        .args(["data", "import", "zhoukou", "--county", "411602", "--json"])
        .arg(&file)
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    // the writer: rows written in two halves, until the import ends (a minute at most)
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    let mut i = 0u32;
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the import of a growing file did not end");
        }
        f.write_all(format!("41160219810101{:04}", i % 10_000).as_bytes())
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        f.write_all(format!("5,G{i},李四,1,1981-01-01,411602,,0,,\n").as_bytes())
            .unwrap();
        i += 1;
    };
    let r = common::Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
    };
    std::fs::remove_file(&out).unwrap();
    std::fs::remove_file(&err).unwrap();
    assert!(i > 0, "the writer never wrote while the import ran");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.json(),
        serde_json::json!([]),
        "no manifest: nothing loaded"
    );
    assert!(
        r.stderr.contains(&format!(
            "{}: the file changed while it was read (",
            file.display()
        )) && r
            .stderr
            .contains("is it still being written? Nothing of it was loaded"),
        "{}",
        r.stderr
    );
    assert_eq!(bed.persons("411602"), 0, "nothing of it loaded");
    bed.untouched("a file being appended to");
}
