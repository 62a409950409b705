//! Synthetic county extracts for tests, demos and benchmarks: realistic, deterministic (a seed),
//! streamed to disk, with a controlled and exactly reported share of injected defects. The ID
//! numbers are made up (valid form, random people), never real ones.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::ids;
use crate::profile::Site;

/// SplitMix64: small, fast, and the same numbers everywhere for a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

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

/// What to make.
#[derive(Debug, Clone)]
pub struct Spec {
    pub persons: u64,
    /// Share of persons (0–1) that get one injected defect.
    pub defects: f64,
    pub gbk: bool,
    pub seed: u64,
    pub out: PathBuf,
}

/// The defect kinds, each with the data-check rule that must find it.
pub const DEFECTS: &[(&str, &str)] = &[
    ("invalid_id_check_digit", "person_id_check_char"),
    ("legacy_15_digit_id", "person_id_legacy_15"),
    (
        "same_person_in_two_counties",
        "person_id_unique_across_counties",
    ),
    (
        "code_outside_dictionary",
        "enrolment_insurance_type_in_dictionary",
    ),
    ("impossible_date", "person_birth_date_valid"),
    ("overlapping_contribution", "contribution_paid_twice"),
    ("orphan_contribution", "contribution_orphan_person"),
    ("invalid_employer_code", "employer_code_valid"),
    ("work_before_14", "person_work_age"),
    ("same_id_different_names", "person_id_names_differ"),
    ("candidate_duplicate", "person_candidate_duplicate"),
    ("contribution_gap", "contribution_gap"),
    ("base_above_limit", "contribution_base_limits"),
    (
        "employer_type_outside_dictionary",
        "employer_type_in_dictionary",
    ),
    ("orphan_employment", "employment_orphan_person"),
    ("benefit_after_death", "benefit_after_death"),
    ("future_end_date", "employment_end_date_valid"),
    ("area_code_outside_gb2260", "person_area_code_valid"),
];

/// Defect kinds that a second rule finds too, with that rule (same_id_different_names is also
/// an ID held by two counties).
const ALSO: &[(usize, &str)] = &[(9, "person_id_unique_across_counties")];

/// Defect kinds injected into employers rather than persons.
const EMPLOYER_KINDS: [usize; 2] = [7, 13];

#[derive(Debug, Clone, Serialize)]
pub struct Injected {
    pub kind: &'static str,
    /// The rule of `data check` that finds it, with exactly `count` violations.
    pub rule: &'static str,
    pub count: u64,
    /// Another rule that finds each of them too (its violations add up over the kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub city: String,
    pub city_code: String,
    pub seed: u64,
    pub encoding: &'static str,
    pub counties: Vec<CountySummary>,
    pub persons: u64,
    pub employers: u64,
    pub contributions: u64,
    pub defects: Vec<Injected>,
    pub out: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountySummary {
    pub code: String,
    pub name: String,
    pub folder: String,
    pub persons: u64,
    pub rows: BTreeMap<String, u64>,
}

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
    super::format::entity(entity)
        .map(|e| e.columns.iter().map(|c| c.name).collect())
        .unwrap_or_default()
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

/// Birth dates the persons get: 1950-01-01 ..= 2000-12-30.
const DAYS: u64 = 18_627;

/// The most persons one county can have: ID numbers are unique by birth date and sequence,
/// each run of `DAYS` persons takes one sequence pair (male odd, female even), and a defect's
/// twin takes the pair 250 above its original's (below 998: 999 is the ghosts'), so 249 runs.
pub const MAX_PERSONS_PER_COUNTY: u64 = 249 * DAYS;

/// Why no extracts were made.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error(
        "{persons} persons is more than {} in one county of {city} (ID numbers would repeat)",
        MAX_PERSONS_PER_COUNTY
    )]
    TooManyPersons {
        persons: u64,
        city: String,
        /// How many counties the persons were spread over.
        counties: u64,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Makes the extracts of every county of `site`.
pub fn generate(site: &Site, spec: &Spec) -> Result<Summary, SynthError> {
    let counties: Vec<(&String, &crate::profile::County)> = site.profile.counties.iter().collect();
    let n_counties = counties.len().max(1) as u64;
    if spec.persons.div_ceil(n_counties) > MAX_PERSONS_PER_COUNTY {
        return Err(SynthError::TooManyPersons {
            persons: spec.persons,
            city: site.pinyin().to_string(),
            counties: n_counties,
        });
    }
    std::fs::create_dir_all(&spec.out)?;
    let total_defects = ((spec.persons as f64) * spec.defects).round() as u64;
    // defect k (0-based) goes to kind k % 8, on persons spread over the whole run
    let stride = spec
        .persons
        .checked_div(total_defects)
        .map_or(u64::MAX, |s| s.max(1));
    let n_kinds = DEFECTS.len() as u64;
    let quota = total_defects / n_kinds;
    let mut counts = [0u64; DEFECTS.len()];
    let mut duplicates: Vec<(usize, Vec<String>)> = Vec::new();
    let mut summary_counties = Vec::new();
    let mut contributions_total = 0;
    let mut employers_total = 0;
    let mut global = 0u64;
    let epoch = NaiveDate::from_ymd_opt(1950, 1, 1).expect("a date");
    const STEP: u64 = 7_919; // a prime: k * STEP mod DAYS visits every day once
    for (ci, (code, county)) in counties.iter().enumerate() {
        let mut rng = Rng::new(
            spec.seed
                ^ code
                    .parse::<u64>()
                    .unwrap_or(ci as u64)
                    .wrapping_mul(0x1000_0001),
        );
        let folder = spec.out.join(code.as_str());
        std::fs::create_dir_all(&folder)?;
        let persons_here =
            spec.persons / n_counties + u64::from((ci as u64) < spec.persons % n_counties);
        let mut persons = Csv::create(&folder.join("persons.csv"), &header("person"), spec.gbk)?;
        let mut employers =
            Csv::create(&folder.join("employers.csv"), &header("employer"), spec.gbk)?;
        let mut enrolments = Csv::create(
            &folder.join("enrolments.csv"),
            &header("enrolment"),
            spec.gbk,
        )?;
        let mut contributions = Csv::create(
            &folder.join("contributions.csv"),
            &header("contribution"),
            spec.gbk,
        )?;
        let mut employment = Csv::create(
            &folder.join("employment.csv"),
            &header("employment"),
            spec.gbk,
        )?;
        let mut unemployment = Csv::create(
            &folder.join("unemployment.csv"),
            &header("unemployment"),
            spec.gbk,
        )?;
        let mut benefits = Csv::create(&folder.join("benefits.csv"), &header("benefit"), spec.gbk)?;

        // employers of the county
        let n_employers = (persons_here / 50).max(3);
        let mut codes: Vec<String> = Vec::with_capacity(n_employers as usize);
        for e in 0..n_employers {
            let mut c = uscc(code, ci as u64 * 1_000_000_007 + e);
            // employer defects: a wrong check character, a type outside the dictionary
            let bad = counts[7] < quota && e % 7 == 3;
            if bad {
                let right = c.pop().expect("18 characters");
                c.push(wrong_char(right, "0123456789ABCDEFGHJKLMNPQRTUWXY"));
                counts[7] += 1;
            }
            let employer_type = if counts[13] < quota && e % 7 == 5 {
                counts[13] += 1;
                "99"
            } else {
                "10"
            };
            let name = format!(
                "{}{}{}有限公司",
                county.name.trim_end_matches(['县', '区', '市']),
                rng.pick(TRADES),
                e + 1
            );
            employers.line(&[&c, &name, employer_type, code, "1"])?;
            codes.push(c);
        }
        employers_total += n_employers;

        let mut ghosts = 0u64;
        for k in 0..persons_here {
            let defect = if total_defects > 0
                && global % stride == stride / 2
                && global / stride < total_defects
            {
                Some((global / stride) % n_kinds)
            } else {
                None
            };
            global += 1;
            let group = k / DAYS;
            // counties start their birth dates apart: the same name, birth date and sex in two
            // counties is then a rare chance, not the k-th person of each
            let day = (k * STEP + group * 31 + ci as u64 * 977) % DAYS;
            let birth = epoch + Duration::days(day as i64);
            let male = rng.below(2) == 1;
            let seq = group * 2 % 998 + u64::from(male);
            let first17 = format!("{code}{}{seq:03}", birth.format("%Y%m%d"));
            let mut id = format!(
                "{first17}{}",
                ids::id_check_char(&first17).expect("17 digits")
            );
            let mut id_in_persons = id.clone();
            let mut birth_text = birth.format("%Y-%m-%d").to_string();
            let mut kind_done = None;
            match defect {
                Some(0) => {
                    let right = id.pop().expect("18");
                    id.push(wrong_char(right, "0123456789X"));
                    id_in_persons = id.clone();
                    kind_done = Some(0);
                }
                Some(1) if birth.year() < 2000 => {
                    id_in_persons = format!("{}{}{seq:03}", code, birth.format("%y%m%d"));
                    kind_done = Some(1);
                }
                Some(4) => {
                    birth_text = match k % 4 {
                        0 => format!("{}-02-30", birth.year()),
                        1 => "0000-00-00".into(),
                        2 => "1900-01-01".into(),
                        _ => "2099-01-01".into(),
                    };
                    kind_done = Some(4);
                }
                Some(d) if d != 1 && !EMPLOYER_KINDS.contains(&(d as usize)) => kind_done = Some(d),
                _ => {}
            }
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
            let sex = if male { "1" } else { "2" };
            let mut work_start = birth + Duration::days(365 * 20 + rng.below(365 * 4) as i64);
            if kind_done == Some(8) {
                // started work at ten
                work_start = birth + Duration::days(365 * 10 + 3);
            }
            let retire = birth
                .with_year(birth.year() + 60)
                .unwrap_or(birth + Duration::days(365 * 60));
            let retired = retire <= NaiveDate::from_ymd_opt(2008, 1, 1).expect("date");
            let person_no = format!("{code}{k:08}");
            let ws = work_start.format("%Y-%m-%d").to_string();
            let rs = if retired {
                retire.format("%Y-%m-%d").to_string()
            } else {
                String::new()
            };
            // a death before the benefit paid for September 2007 below
            let death = if kind_done == Some(15) {
                "2007-06-30"
            } else {
                ""
            };
            let area = if kind_done == Some(17) {
                "999999"
            } else {
                code.as_str()
            };
            let row = [
                id_in_persons.as_str(),
                &person_no,
                &name,
                sex,
                &birth_text,
                area,
                &ws,
                if retired { "1" } else { "0" },
                &rs,
                death,
            ];
            persons.line(&row)?;
            if kind_done == Some(10) {
                // someone else with the same name, birth date and sex: another ID number
                // the pair 250 above: no person of the county has it (see MAX_PERSONS_PER_COUNTY)
                let twin17 = format!("{code}{}{:03}", birth.format("%Y%m%d"), seq + 500);
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
                persons.line(&twin_row)?;
            }
            if matches!(kind_done, Some(2) | Some(9)) && counties.len() > 1 {
                // the same person again in the next county (under another name for kind 9)
                let other = (ci + 1) % counties.len();
                let mut again: Vec<String> = row.iter().map(|s| s.to_string()).collect();
                // registered there now: a row with another county's area code is refused
                // by the import as that county's
                again[5] = counties[other].0.to_string();
                if kind_done == Some(9) {
                    again[2] = format!("{}{}", again[2], "改");
                }
                duplicates.push((other, again));
            } else if matches!(kind_done, Some(2) | Some(9)) {
                kind_done = None;
            }
            let employer = &codes[(k % codes.len() as u64) as usize];
            let insurance = if kind_done == Some(3) { "199" } else { "110" };
            enrolments.line(&[&id, insurance, employer, &ws, &ws, "", "1"])?;
            enrolments.line(&[&id, "310", employer, &ws, &ws, "", "1"])?;
            let end = if kind_done == Some(16) {
                "2099-12-31"
            } else {
                ""
            };
            employment.line(&[&id, employer, &ws, end])?;
            if !retired && kind_done != Some(15) {
                let base = 800 + rng.below(40) * 50;
                for m in 1..=3 {
                    if m == 2 && kind_done == Some(11) {
                        // a month without a contribution
                        continue;
                    }
                    let base = if m == 1 && kind_done == Some(12) {
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
                        &id,
                        "110",
                        &period,
                        employer,
                        &period,
                        &format!("{base}.00"),
                        &ea,
                        &pa,
                    ])?;
                    if m == 1 && kind_done == Some(5) {
                        let other = &codes[((k + 1) % codes.len() as u64) as usize];
                        contributions.line(&[
                            &id,
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
            } else if matches!(kind_done, Some(5) | Some(11) | Some(12)) {
                kind_done = None;
            }
            if kind_done == Some(15) {
                benefits.line(&[&id, "210", "21", "200709", "600.00", "2007-09-15"])?;
            }
            // someone the county never sent (sequence 999, a birth date of their own)
            let mut ghost = || {
                let birth = epoch + Duration::days((ghosts % DAYS) as i64);
                ghosts += 1;
                let first17 = format!("{code}{}999", birth.format("%Y%m%d"));
                let check = ids::id_check_char(&first17).expect("17 digits");
                format!("{first17}{check}")
            };
            if kind_done == Some(14) {
                // an employment registration of a ghost
                employment.line(&[&ghost(), employer, &ws, ""])?;
            }
            if kind_done == Some(6) {
                // a contribution of a ghost
                let ghost = ghost();
                contributions.line(&[
                    &ghost, "110", "200801", employer, "200801", "1000.00", "200.00", "80.00",
                ])?;
            }
            if k % 50 == 7 && !retired && kind_done != Some(15) {
                // registered unemployed during 2007, paid unemployment benefits then
                unemployment.line(&[&id, "2007-03-01", "2007-12-31", "1"])?;
                benefits.line(&[&id, "210", "21", "200704", "600.00", "2007-04-15"])?;
            }
            if let Some(d) = kind_done {
                counts[d as usize] += 1;
            }
        }
        contributions_total += contributions.rows;
        let mut rows = BTreeMap::new();
        for (name, f) in [
            ("persons", &persons),
            ("employers", &employers),
            ("enrolments", &enrolments),
            ("contributions", &contributions),
            ("employment", &employment),
            ("unemployment", &unemployment),
            ("benefits", &benefits),
        ] {
            rows.insert(name.to_string(), f.rows);
        }
        for mut f in [
            persons,
            employers,
            enrolments,
            contributions,
            employment,
            unemployment,
            benefits,
        ] {
            f.out.flush()?;
        }
        summary_counties.push(CountySummary {
            code: code.to_string(),
            name: county.name.clone(),
            folder: folder.display().to_string(),
            persons: persons_here,
            rows,
        });
    }
    for (other, row) in duplicates {
        let folder = spec.out.join(counties[other].0.as_str());
        let mut f = Csv::append(&folder.join("persons.csv"), spec.gbk)?;
        let fields: Vec<&str> = row.iter().map(String::as_str).collect();
        f.line(&fields)?;
        f.out.flush()?;
        if let Some(c) = summary_counties.get_mut(other) {
            *c.rows.entry("persons".into()).or_default() += 1;
        }
    }
    let summary = Summary {
        city: site.pinyin().to_string(),
        city_code: site.code().to_string(),
        seed: spec.seed,
        encoding: if spec.gbk { "gbk" } else { "utf-8" },
        counties: summary_counties,
        persons: spec.persons,
        employers: employers_total,
        contributions: contributions_total,
        defects: DEFECTS
            .iter()
            .enumerate()
            .map(|(i, (kind, rule))| Injected {
                kind,
                rule,
                count: counts[i],
                also: ALSO.iter().find(|(k, _)| *k == i).map(|(_, r)| *r),
            })
            .collect(),
        out: spec.out.display().to_string(),
    };
    std::fs::write(
        spec.out.join("summary.json"),
        serde_json::to_string_pretty(&summary).map_err(std::io::Error::other)? + "\n",
    )?;
    Ok(summary)
}
