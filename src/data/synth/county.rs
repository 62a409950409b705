//! One county's extract, written file by file and person by person: the employers first, then
//! each person's row and the rows that hang off it, with the defect that falls on them.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};

use super::{CountySummary, DAYS, DefectPlan, EMPLOYER_KINDS, Rng, Run, SynthError};
use crate::data::ids;
use crate::profile::County;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "红", "建", "国", "文", "海", "志",
    "秋", "春", "东", "新", "振", "豫", "中", "原",
];
const TRADES: &[&str] = &[
    "纺织",
    "机械",
    "食品",
    "建筑",
    "商贸",
    "运输",
    "化工",
    "电力",
    "烟草",
    "发制品",
];

/// One CSV file being written, UTF-8 or GBK.
struct Csv {
    out: BufWriter<File>,
    gbk: bool,
    rows: u64,
}

impl Csv {
    fn create(path: &Path, header: &[&str], gbk: bool) -> std::io::Result<Self> {
        let mut c = Csv {
            out: BufWriter::with_capacity(256 * 1024, File::create(path)?),
            gbk,
            rows: 0,
        };
        c.line(header)?;
        c.rows = 0;
        Ok(c)
    }

    fn append(path: &Path, gbk: bool) -> std::io::Result<Self> {
        let f = std::fs::OpenOptions::new().append(true).open(path)?;
        Ok(Csv {
            out: BufWriter::new(f),
            gbk,
            rows: 0,
        })
    }

    fn line(&mut self, fields: &[&str]) -> std::io::Result<()> {
        let mut s = String::with_capacity(128);
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            if f.contains([',', '"', '\n']) {
                s.push('"');
                s.push_str(&f.replace('"', "\"\""));
                s.push('"');
            } else {
                s.push_str(f);
            }
        }
        s.push('\n');
        if self.gbk {
            let (bytes, _, _) = encoding_rs::GBK.encode(&s);
            self.out.write_all(&bytes)?;
        } else {
            self.out.write_all(s.as_bytes())?;
        }
        self.rows += 1;
        Ok(())
    }
}

fn header(entity: &str) -> Vec<&'static str> {
    crate::data::format::entity(entity)
        .map(|e| e.columns.iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

/// Adds a row that another county's persons file must list too.
pub(super) fn append_person(path: &Path, gbk: bool, row: &[String]) -> std::io::Result<()> {
    let mut f = Csv::append(path, gbk)?;
    let fields: Vec<&str> = row.iter().map(String::as_str).collect();
    f.line(&fields)?;
    f.out.flush()
}

/// A valid unified social credit code from a number.
fn uscc(county: &str, n: u64) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    // 9 (enterprise) 1 (company), the county as registration area, then an organization code
    // (8 characters of sequence and its GB 11714 check character)
    let mut body = format!("91{county}");
    let mut x = n.wrapping_mul(2_654_435_761).wrapping_add(n);
    let mut org = String::with_capacity(9);
    for _ in 0..8 {
        org.push(CHARS[(x % 31) as usize] as char);
        x /= 31;
    }
    let org_check = ids::org_check_char(&org).expect("8 characters of the charset");
    org.push(org_check);
    body.push_str(&org);
    let check = ids::uscc_check_char(&body).expect("17 characters of the charset");
    format!("{body}{check}")
}

/// A different check character (for an injected defect).
fn wrong_char(right: char, set: &str) -> char {
    let chars: Vec<char> = set.chars().collect();
    let i = chars.iter().position(|c| *c == right).unwrap_or(0);
    chars[(i + 1) % chars.len()]
}

/// The seven files of one county's extract.
struct Files {
    persons: Csv,
    employers: Csv,
    enrolments: Csv,
    contributions: Csv,
    employment: Csv,
    unemployment: Csv,
    benefits: Csv,
}

impl Files {
    fn create(folder: &Path, gbk: bool) -> std::io::Result<Self> {
        let csv = |file: &str, entity: &str| Csv::create(&folder.join(file), &header(entity), gbk);
        Ok(Files {
            persons: csv("persons.csv", "person")?,
            employers: csv("employers.csv", "employer")?,
            enrolments: csv("enrolments.csv", "enrolment")?,
            contributions: csv("contributions.csv", "contribution")?,
            employment: csv("employment.csv", "employment")?,
            unemployment: csv("unemployment.csv", "unemployment")?,
            benefits: csv("benefits.csv", "benefit")?,
        })
    }

    /// Flushes every file and says how many rows each got.
    fn finish(self) -> std::io::Result<BTreeMap<String, u64>> {
        let mut rows = BTreeMap::new();
        for (name, f) in [
            ("persons", &self.persons),
            ("employers", &self.employers),
            ("enrolments", &self.enrolments),
            ("contributions", &self.contributions),
            ("employment", &self.employment),
            ("unemployment", &self.unemployment),
            ("benefits", &self.benefits),
        ] {
            rows.insert(name.to_string(), f.rows);
        }
        for mut f in [
            self.persons,
            self.employers,
            self.enrolments,
            self.contributions,
            self.employment,
            self.unemployment,
            self.benefits,
        ] {
            f.out.flush()?;
        }
        Ok(rows)
    }
}

/// What one county's extract came to.
pub(super) struct Written {
    pub summary: CountySummary,
    pub employers: u64,
    pub contributions: u64,
}

/// Writes the extract of the county at `index` of the run, with `persons` persons.
pub(super) fn write(
    run: &mut Run,
    index: usize,
    county: &County,
    persons: u64,
) -> Result<Written, SynthError> {
    let code = run.codes[index];
    let rng = Rng::new(
        run.spec.seed
            ^ code
                .parse::<u64>()
                .unwrap_or(index as u64)
                .wrapping_mul(0x1000_0001),
    );
    let folder = run.spec.out.join(code);
    std::fs::create_dir_all(&folder)?;
    let mut w = CountyWriter {
        index,
        code,
        rng,
        files: Files::create(&folder, run.spec.gbk)?,
        employers: Vec::new(),
        ghosts: 0,
        epoch: NaiveDate::from_ymd_opt(1950, 1, 1).expect("a date"),
    };
    let employers = w.write_employers(&county.name, persons, &mut run.plan)?;
    for k in 0..persons {
        let defect = run.plan.kind_at(run.global);
        run.global += 1;
        if let Some(d) = w.person(k, defect, &run.codes, &mut run.duplicates)? {
            run.plan.counts[d as usize] += 1;
        }
    }
    let contributions = w.files.contributions.rows;
    let rows = w.files.finish()?;
    Ok(Written {
        summary: CountySummary {
            code: code.to_string(),
            name: county.name.clone(),
            folder: folder.display().to_string(),
            persons,
            rows,
        },
        employers,
        contributions,
    })
}

/// One county's extract being written, person by person.
struct CountyWriter<'a> {
    index: usize,
    code: &'a str,
    rng: Rng,
    files: Files,
    /// The employers' codes, each person works at one.
    employers: Vec<String>,
    /// Ghosts made so far (each gets a birth date of their own).
    ghosts: u64,
    /// The first birth date.
    epoch: NaiveDate,
}

/// One person as the persons file lists them, before the rows of the other files.
struct Person {
    birth: NaiveDate,
    male: bool,
    seq: u64,
    /// The ID number the other files use.
    id: String,
    /// The ID number in the persons file (a 15-digit one for that defect).
    id_in_persons: String,
    birth_text: String,
    /// The defect this person carries, once it is sure to be injected.
    kind: Option<u64>,
}

/// When a person started work and whether they have retired.
struct Working {
    start: String,
    retired: bool,
}

impl CountyWriter<'_> {
    /// Writes the county's employers; returns how many.
    fn write_employers(
        &mut self,
        county_name: &str,
        persons: u64,
        plan: &mut DefectPlan,
    ) -> std::io::Result<u64> {
        let n_employers = (persons / 50).max(3);
        self.employers = Vec::with_capacity(n_employers as usize);
        for e in 0..n_employers {
            let mut c = uscc(self.code, self.index as u64 * 1_000_000_007 + e);
            // employer defects: a wrong check character, a type outside the dictionary
            let bad = plan.counts[7] < plan.quota && e % 7 == 3;
            if bad {
                let right = c.pop().expect("18 characters");
                c.push(wrong_char(right, "0123456789ABCDEFGHJKLMNPQRTUWXY"));
                plan.counts[7] += 1;
            }
            let employer_type = if plan.counts[13] < plan.quota && e % 7 == 5 {
                plan.counts[13] += 1;
                "99"
            } else {
                "10"
            };
            let name = format!(
                "{}{}{}有限公司",
                county_name.trim_end_matches(['县', '区', '市']),
                self.rng.pick(TRADES),
                e + 1
            );
            self.files
                .employers
                .line(&[&c, &name, employer_type, self.code, "1"])?;
            self.employers.push(c);
        }
        Ok(n_employers)
    }

    /// Writes the `k`-th person of the county and their rows in the other files; returns the
    /// defect injected, if one was.
    fn person(
        &mut self,
        k: u64,
        defect: Option<u64>,
        codes: &[&str],
        duplicates: &mut Vec<(usize, Vec<String>)>,
    ) -> Result<Option<u64>, SynthError> {
        let mut p = self.identity(k, defect);
        let working = self.write_person_row(k, &mut p, codes, duplicates)?;
        self.write_records(k, &mut p, &working)?;
        Ok(p.kind)
    }

    /// Who the `k`-th person is, with the defects of the persons file applied.
    fn identity(&mut self, k: u64, defect: Option<u64>) -> Person {
        const STEP: u64 = 7_919; // a prime: k * STEP mod DAYS visits every day once
        let code = self.code;
        let group = k / DAYS;
        // counties start their birth dates apart: the same name, birth date and sex in two
        // counties is then a rare chance, not the k-th person of each
        let day = (k * STEP + group * 31 + self.index as u64 * 977) % DAYS;
        let birth = self.epoch + Duration::days(day as i64);
        let male = self.rng.below(2) == 1;
        let seq = group * 2 % 998 + u64::from(male);
        let first17 = format!("{code}{}{seq:03}", birth.format("%Y%m%d"));
        let mut id = format!(
            "{first17}{}",
            ids::id_check_char(&first17).expect("17 digits")
        );
        let mut id_in_persons = id.clone();
        let mut birth_text = birth.format("%Y-%m-%d").to_string();
        let mut kind = None;
        match defect {
            Some(0) => {
                let right = id.pop().expect("18");
                id.push(wrong_char(right, "0123456789X"));
                id_in_persons = id.clone();
                kind = Some(0);
            }
            Some(1) if birth.year() < 2000 => {
                id_in_persons = format!("{}{}{seq:03}", code, birth.format("%y%m%d"));
                kind = Some(1);
            }
            Some(4) => {
                birth_text = match k % 4 {
                    0 => format!("{}-02-30", birth.year()),
                    1 => "0000-00-00".into(),
                    2 => "1900-01-01".into(),
                    _ => "2099-01-01".into(),
                };
                kind = Some(4);
            }
            Some(d) if d != 1 && !EMPLOYER_KINDS.contains(&(d as usize)) => kind = Some(d),
            _ => {}
        }
        Person {
            birth,
            male,
            seq,
            id,
            id_in_persons,
            birth_text,
            kind,
        }
    }

    /// Writes the person's row (and a twin's), and keeps a row for the next county when the
    /// person must turn up there too.
    fn write_person_row(
        &mut self,
        k: u64,
        p: &mut Person,
        codes: &[&str],
        duplicates: &mut Vec<(usize, Vec<String>)>,
    ) -> Result<Working, SynthError> {
        let rng = &mut self.rng;
        let birth = p.birth;
        let name = format!(
            "{}{}{}",
            rng.pick(SURNAMES),
            rng.pick(GIVEN),
            if rng.below(2) == 0 {
                *rng.pick(GIVEN)
            } else {
                ""
            }
        );
        let sex = if p.male { "1" } else { "2" };
        let mut work_start = birth + Duration::days(365 * 20 + rng.below(365 * 4) as i64);
        if p.kind == Some(8) {
            // started work at ten
            work_start = birth + Duration::days(365 * 10 + 3);
        }
        let retire = birth
            .with_year(birth.year() + 60)
            .unwrap_or(birth + Duration::days(365 * 60));
        let retired = retire <= NaiveDate::from_ymd_opt(2008, 1, 1).expect("date");
        let code = self.code;
        let person_no = format!("{code}{k:08}");
        let ws = work_start.format("%Y-%m-%d").to_string();
        let rs = if retired {
            retire.format("%Y-%m-%d").to_string()
        } else {
            String::new()
        };
        // a death before the benefit paid for September 2007 below
        let death = if p.kind == Some(15) { "2007-06-30" } else { "" };
        let area = if p.kind == Some(17) { "999999" } else { code };
        let row = [
            p.id_in_persons.as_str(),
            &person_no,
            &name,
            sex,
            &p.birth_text,
            area,
            &ws,
            if retired { "1" } else { "0" },
            &rs,
            death,
        ];
        self.files.persons.line(&row)?;
        if p.kind == Some(10) {
            self.write_twin(k, p, row)?;
        }
        if matches!(p.kind, Some(2) | Some(9)) && codes.len() > 1 {
            // the same person again in the next county (under another name for kind 9)
            let other = (self.index + 1) % codes.len();
            let mut again: Vec<String> = row.iter().map(|s| s.to_string()).collect();
            // registered there now: a row with another county's area code is refused
            // by the import as that county's
            again[5] = codes[other].to_string();
            if p.kind == Some(9) {
                again[2] = format!("{}{}", again[2], "改");
            }
            duplicates.push((other, again));
        } else if matches!(p.kind, Some(2) | Some(9)) {
            p.kind = None;
        }
        Ok(Working { start: ws, retired })
    }

    /// Someone else with the same name, birth date and sex as `p`: another ID number, of the
    /// sequence pair 250 above, that no person of the county has (see MAX_PERSONS_PER_COUNTY).
    fn write_twin(&mut self, k: u64, p: &Person, row: [&str; 10]) -> Result<(), SynthError> {
        let code = self.code;
        let twin17 = format!("{code}{}{:03}", p.birth.format("%Y%m%d"), p.seq + 500);
        let Some(check) = ids::id_check_char(&twin17) else {
            return Err(SynthError::Io(std::io::Error::other(format!(
                "a twin's ID {twin17} is no ID"
            ))));
        };
        let twin = format!("{twin17}{check}");
        let twin_no = format!("{code}T{k:07}");
        let mut twin_row = row;
        twin_row[0] = &twin;
        twin_row[1] = &twin_no;
        self.files.persons.line(&twin_row)?;
        Ok(())
    }

    /// Writes the person's enrolments, employment, contributions and benefits (and a ghost's
    /// rows for those defects).
    fn write_records(&mut self, k: u64, p: &mut Person, working: &Working) -> std::io::Result<()> {
        let employer = &self.employers[(k % self.employers.len() as u64) as usize];
        let files = &mut self.files;
        let (id, ws) = (p.id.as_str(), working.start.as_str());
        let insurance = if p.kind == Some(3) { "199" } else { "110" };
        files
            .enrolments
            .line(&[id, insurance, employer, ws, ws, "", "1"])?;
        files
            .enrolments
            .line(&[id, "310", employer, ws, ws, "", "1"])?;
        let end = if p.kind == Some(16) { "2099-12-31" } else { "" };
        files.employment.line(&[id, employer, ws, end])?;
        if !working.retired && p.kind != Some(15) {
            let base = 800 + self.rng.below(40) * 50;
            let other = &self.employers[((k + 1) % self.employers.len() as u64) as usize];
            write_contributions(&mut files.contributions, id, employer, other, base, p.kind)?;
        } else if matches!(p.kind, Some(5) | Some(11) | Some(12)) {
            p.kind = None;
        }
        if p.kind == Some(15) {
            files
                .benefits
                .line(&[id, "210", "21", "200709", "600.00", "2007-09-15"])?;
        }
        if p.kind == Some(14) {
            // an employment registration of a ghost
            let ghost = ghost_id(self.code, self.epoch, &mut self.ghosts);
            files.employment.line(&[&ghost, employer, ws, ""])?;
        }
        if p.kind == Some(6) {
            // a contribution of a ghost
            let ghost = ghost_id(self.code, self.epoch, &mut self.ghosts);
            files.contributions.line(&[
                &ghost, "110", "200801", employer, "200801", "1000.00", "200.00", "80.00",
            ])?;
        }
        if k % 50 == 7 && !working.retired && p.kind != Some(15) {
            // registered unemployed during 2007, paid unemployment benefits then
            files
                .unemployment
                .line(&[id, "2007-03-01", "2007-12-31", "1"])?;
            files
                .benefits
                .line(&[id, "210", "21", "200704", "600.00", "2007-04-15"])?;
        }
        Ok(())
    }
}

/// Three months of contributions on `base` (with the defects of kinds 5, 11 and 12; `other` is
/// the employer that pays a month twice).
fn write_contributions(
    contributions: &mut Csv,
    id: &str,
    employer: &str,
    other: &str,
    base: u64,
    kind: Option<u64>,
) -> std::io::Result<()> {
    for m in 1..=3 {
        if m == 2 && kind == Some(11) {
            // a month without a contribution
            continue;
        }
        let base = if m == 1 && kind == Some(12) {
            9000
        } else {
            base
        };
        let period = format!("2008{m:02}");
        let (ea, pa) = (
            format!("{:.2}", base as f64 * 0.2),
            format!("{:.2}", base as f64 * 0.08),
        );
        contributions.line(&[
            id,
            "110",
            &period,
            employer,
            &period,
            &format!("{base}.00"),
            &ea,
            &pa,
        ])?;
        if m == 1 && kind == Some(5) {
            contributions.line(&[
                id,
                "110",
                &period,
                other,
                &period,
                &format!("{base}.00"),
                &ea,
                &pa,
            ])?;
        }
    }
    Ok(())
}

/// The ID of someone the county never sent (sequence 999, a birth date of their own).
fn ghost_id(code: &str, epoch: NaiveDate, ghosts: &mut u64) -> String {
    let birth = epoch + Duration::days((*ghosts % DAYS) as i64);
    *ghosts += 1;
    let first17 = format!("{code}{}999", birth.format("%Y%m%d"));
    let check = ids::id_check_char(&first17).expect("17 digits");
    format!("{first17}{check}")
}
