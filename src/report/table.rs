//! The province table, one row per site, the same in every format: HTML, CSV for mail,
//! Markdown for wikis.

use super::words::t;
use crate::assess::{AssessError, Lang, SiteAssessment};

pub const HEADERS: [&str; 14] = [
    "city",
    "name",
    "code",
    "wave",
    "attention",
    "score",
    "milestones",
    "next",
    "release",
    "health",
    "data score",
    "concentration",
    "last change",
    "why",
];

/// What the attention level means, as the table says it.
pub fn attention_word(level: u8) -> &'static str {
    match level {
        0 => "",
        1 => "watch",
        2 => "problem",
        _ => "urgent",
    }
}

pub fn short(rfc3339: &str) -> String {
    crate::clock::shown_rfc3339(rfc3339)
}

/// The cells of one site's row, in the order of `HEADERS`: CSV and Markdown keep their
/// English columns for the scripts and sheets that read them; the page shows `lang`.
pub fn cells(s: &SiteAssessment, lang: Lang) -> Vec<String> {
    vec![
        s.city.clone(),
        s.name.clone(),
        s.code.clone(),
        if s.province {
            "(province center)".into()
        } else {
            s.wave.clone()
        },
        attention_word(s.attention_level).into(),
        crate::numbers::tenths(s.score),
        s.milestones_text(lang),
        s.next_text(),
        s.release.clone().unwrap_or_else(|| "-".into()),
        s.health
            .as_ref()
            .map_or(t(lang, "never checked").into(), |h| {
                format!("{} {}", h.status, short(&h.time))
            }),
        s.data
            .as_ref()
            .map_or("-".into(), |d| crate::numbers::tenths(d.score)),
        s.concentration_text(),
        s.last_change.as_ref().map_or(t(lang, "never").into(), |c| {
            format!("{} {} {} {}", c.action, c.to, c.result, short(&c.time))
        }),
        crate::assess::note::join(&s.attention, "; ", lang),
    ]
}

pub fn csv(sites: &[SiteAssessment]) -> Result<String, AssessError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(HEADERS).map_err(AssessError::Csv)?;
    for s in sites {
        // read from state and profiles: a cell that a spreadsheet would take for a formula is
        // neutralised, as in the problem lists
        let row: Vec<String> = cells(s, Lang::En)
            .iter()
            .map(|c| {
                if c.parse::<f64>().is_ok() || c == "-" {
                    c.clone() // a number (a falling score's trend) is no formula
                } else {
                    crate::data::csv_out::neutralise(c).into_owned()
                }
            })
            .collect();
        w.write_record(row).map_err(AssessError::Csv)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AssessError::Csv(e.into_error().into()))?;
    // a byte-order mark, as the problem lists have: Excel then reads the Chinese as UTF-8
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

pub fn markdown(sites: &[SiteAssessment]) -> String {
    let cell = |t: &str| t.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("| {} |\n", HEADERS.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(HEADERS.len())));
    for s in sites {
        let row: Vec<String> = cells(s, Lang::En).iter().map(|c| cell(c)).collect();
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}
