//! `data check --lists DIR` never reaches out of DIR: links in it are refused or left alone,
//! files are written aside and renamed into place, folders and files are narrowed to 0700 and
//! 0600, and what is reported written is what is on disk. Runs on the sandbox (SQLite).

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{jinbao, run};

const HEADER: &str =
    "id_number,person_no,name,sex,birth_date,area_code,work_start,retired,retire_date,death_date";
const RULE: &str = "person_id_check_char";

/// A state folder with Zhoukou migrated and county 411602 holding persons whose ID numbers
/// have wrong check characters (most of them: the last digit is always 5).
struct Bed {
    _dir: tempfile::TempDir,
    root: PathBuf,
    state: PathBuf,
    lists: PathBuf,
}

impl Bed {
    fn new(with_rows: bool) -> Bed {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let state = root.join("state");
        let r = run(jinbao(&state).args(["db", "migrate", "zhoukou"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        if with_rows {
            let rows: Vec<String> = (0..20)
                .map(|i| format!("41160219800101{i:03}5,P{i},张三,1,1980-01-01,411602,,0,,"))
                .collect();
            let file = root.join("persons.csv");
            std::fs::write(&file, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
            let r = run(jinbao(&state).args([
                "data",
                "import",
                "zhoukou",
                "--county",
                "411602",
                file.to_str().unwrap(),
            ]));
            assert_eq!(r.code, 0, "{}", r.stderr);
        }
        let lists = root.join("lists");
        Bed {
            _dir: dir,
            root,
            state,
            lists,
        }
    }

    fn check(&self, rule: &str) -> common::Run {
        run(jinbao(&self.state).args([
            "data",
            "check",
            "zhoukou",
            "--rule",
            rule,
            "--json",
            "--lists",
            self.lists.to_str().unwrap(),
        ]))
    }

    /// A folder outside the lists folder, with a file of the rule's name in it.
    fn outside(&self) -> (PathBuf, PathBuf) {
        let out = self.root.join("outside");
        std::fs::create_dir_all(&out).unwrap();
        let victim = out.join(format!("{RULE}.csv"));
        std::fs::write(&victim, "not jinbao's\n").unwrap();
        (out, victim)
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn violations(r: &common::Run, rule: &str) -> u64 {
    r.json()[0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == rule)
        .unwrap()["violations"]
        .as_u64()
        .unwrap()
}

#[test]
fn the_clean_up_of_old_lists_never_follows_a_link_out_of_the_folder() {
    let bed = Bed::new(true);
    let (out, victim) = bed.outside();
    std::fs::create_dir_all(&bed.lists).unwrap();
    // a "county" that is a link to a folder outside, holding a file of the rule's name
    std::os::unix::fs::symlink(&out, bed.lists.join("411699")).unwrap();
    let r = bed.check(RULE);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "not jinbao's\n",
        "a file outside the lists folder was deleted"
    );
    assert!(
        r.stderr.contains("411699 is a symbolic link: left alone"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_county_folder_that_is_a_link_is_refused() {
    let bed = Bed::new(true);
    let (out, victim) = bed.outside();
    std::fs::create_dir_all(&bed.lists).unwrap();
    std::os::unix::fs::symlink(&out, bed.lists.join("411602")).unwrap();
    let r = bed.check(RULE);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "not jinbao's\n",
        "a list was written through a linked county folder"
    );
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "nothing new outside"
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("411602 is a symbolic link: jinbao does not write through links"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn a_list_file_that_is_a_hard_link_does_not_overwrite_its_target() {
    let bed = Bed::new(true);
    let (_, victim) = bed.outside();
    let county = bed.lists.join("411602");
    std::fs::create_dir_all(&county).unwrap();
    std::fs::hard_link(&victim, county.join(format!("{RULE}.csv"))).unwrap();
    let r = bed.check(RULE);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "not jinbao's\n",
        "the hard link's target was overwritten"
    );
    let list = std::fs::read_to_string(county.join(format!("{RULE}.csv"))).unwrap();
    let n = violations(&r, RULE);
    assert!(n > 0);
    assert_eq!(list.lines().count() as u64, n + 1, "{list}");
    assert_eq!(mode(&county.join(format!("{RULE}.csv"))), 0o600);
    // no temp file left beside it
    assert_eq!(std::fs::read_dir(&county).unwrap().count(), 1);
}

#[test]
fn folders_that_already_exist_are_narrowed_to_0700() {
    let bed = Bed::new(true);
    let county = bed.lists.join("411602");
    std::fs::create_dir_all(&county).unwrap();
    std::fs::set_permissions(&bed.lists, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&county, std::fs::Permissions::from_mode(0o777)).unwrap();
    let r = bed.check(RULE);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(mode(&bed.lists), 0o700);
    assert_eq!(mode(&county), 0o700);
    assert_eq!(mode(&county.join(format!("{RULE}.csv"))), 0o600);
}

#[test]
fn a_list_of_no_county_is_kept_and_reported_as_it_is_on_disk() {
    // an empty city: person_rows (a row count, of no county) finds one violation
    let bed = Bed::new(false);
    let r = bed.check("person_rows");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(violations(&r, "person_rows"), 1);
    let file = bed.lists.join("city/person_rows.csv");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{} reported written, then gone: {e}", file.display()));
    assert_eq!(
        text.trim_start_matches('\u{feff}').lines().count(),
        2,
        "{text}"
    );
    assert_eq!(mode(&file), 0o600);
    let audit = std::fs::read_to_string(bed.state.join("audit.jsonl")).unwrap();
    assert!(
        audit.contains(&format!("{} (1 rows)", file.display())),
        "{audit}"
    );
}

/// The keys a rule found at the last check ("fixed since") damaged on disk: said, and `fixed`
/// left unknown, never a count made from what is left of the file.
#[test]
fn damaged_keys_of_the_last_check_are_said_and_fixed_is_unknown() {
    let bed = Bed::new(true);
    let r = bed.check(RULE);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let keys = bed.state.join(format!("data-checks/zhoukou/{RULE}.keys"));
    let mut bytes = std::fs::read(&keys).unwrap();
    assert!(bytes.len() >= 16);
    bytes.truncate(bytes.len() - 3);
    std::fs::write(&keys, bytes).unwrap();
    let r = bed.check(RULE);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!("{}: damaged (", keys.display())),
        "{}",
        r.stderr
    );
    let rule = &r.json()[0]["rules"][0];
    assert!(rule["fixed"].is_null(), "{rule}");
    // the new keys replaced the damaged ones
    let r = bed.check(RULE);
    assert_eq!(r.json()[0]["rules"][0]["fixed"], 0, "{}", r.stdout);
    assert!(!r.stderr.contains("damaged"), "{}", r.stderr);
}
