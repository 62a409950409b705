//! Synthetic county extracts for tests, demos and benchmarks: realistic, deterministic (a seed),
//! streamed to disk, with a controlled and exactly reported share of injected defects. The ID
//! numbers are made up (valid form, random people), never real ones.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::profile::Site;

mod county;

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

/// Where the injected defects fall, and how many of each kind are in so far.
struct DefectPlan {
    total: u64,
    /// The defects fall on every `stride`-th person of the run.
    stride: u64,
    /// How many of each kind to inject.
    quota: u64,
    counts: [u64; DEFECTS.len()],
}

impl DefectPlan {
    fn new(persons: u64, share: f64) -> Self {
        let total = ((persons as f64) * share).round() as u64;
        // defect k (0-based) goes to kind k % 8, on persons spread over the whole run
        let stride = persons.checked_div(total).map_or(u64::MAX, |s| s.max(1));
        DefectPlan {
            total,
            stride,
            quota: total / DEFECTS.len() as u64,
            counts: [0; DEFECTS.len()],
        }
    }

    /// The defect kind that falls on the `global`-th person of the run, if one does.
    fn kind_at(&self, global: u64) -> Option<u64> {
        if self.total > 0
            && global % self.stride == self.stride / 2
            && global / self.stride < self.total
        {
            Some((global / self.stride) % DEFECTS.len() as u64)
        } else {
            None
        }
    }

    fn injected(&self) -> Vec<Injected> {
        DEFECTS
            .iter()
            .enumerate()
            .map(|(i, (kind, rule))| Injected {
                kind,
                rule,
                count: self.counts[i],
                also: ALSO.iter().find(|(k, _)| *k == i).map(|(_, r)| *r),
            })
            .collect()
    }
}

/// What the run carries from county to county.
struct Run<'a> {
    spec: &'a Spec,
    /// The county codes in order (a person in two counties turns up in the next one too).
    codes: Vec<&'a str>,
    plan: DefectPlan,
    /// Rows of persons for another county's file: (that county's index, the row).
    duplicates: Vec<(usize, Vec<String>)>,
    /// Persons made so far in the whole run (the defects are spread over it).
    global: u64,
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
    let mut run = Run {
        spec,
        codes: counties.iter().map(|(code, _)| code.as_str()).collect(),
        plan: DefectPlan::new(spec.persons, spec.defects),
        duplicates: Vec::new(),
        global: 0,
    };
    let mut summary_counties = Vec::new();
    let mut contributions_total = 0;
    let mut employers_total = 0;
    for (ci, (_, county)) in counties.iter().enumerate() {
        let persons_here =
            spec.persons / n_counties + u64::from((ci as u64) < spec.persons % n_counties);
        let written = county::write(&mut run, ci, county, persons_here)?;
        employers_total += written.employers;
        contributions_total += written.contributions;
        summary_counties.push(written.summary);
    }
    for (other, row) in std::mem::take(&mut run.duplicates) {
        let folder = spec.out.join(run.codes[other]);
        county::append_person(&folder.join("persons.csv"), spec.gbk, &row)?;
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
        defects: run.plan.injected(),
        out: spec.out.display().to_string(),
    };
    std::fs::write(
        spec.out.join("summary.json"),
        serde_json::to_string_pretty(&summary).map_err(std::io::Error::other)? + "\n",
    )?;
    Ok(summary)
}
