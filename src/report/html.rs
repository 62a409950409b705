//! The assessment report as one self-contained HTML page: no script, no external font, image
//! or style sheet (a Content-Security-Policy forbids every request), charts as inline SVG, a
//! CJK-capable font stack, UTF-8. It reads only the assessment: no personal data reaches it.

use chrono::{DateTime, Utc};

use super::words::{Lang, t};
use super::{svg, table};
use crate::assess::note::join;
use crate::assess::record::parse_time;
use crate::assess::snapshot::Snapshot;
use crate::assess::{Milestone, SiteAssessment, WaveProgress};
use crate::profile::assessment::AssessmentConfig;

/// When and from what the report was made.
pub struct Made {
    pub time: DateTime<Utc>,
    pub version: &'static str,
    pub env: String,
    pub state_dir: String,
    pub profiles_dir: String,
    /// The target, as the command line named it.
    pub target: String,
}

pub struct Report<'a> {
    pub made: Made,
    /// The province's name (河南省).
    pub province: &'a str,
    /// The sites of the target, in attention order.
    pub sites: &'a [SiteAssessment],
    pub waves: &'a [WaveProgress],
    /// The daily snapshots, oldest first.
    pub history: &'a [Snapshot],
    pub config: &'a AssessmentConfig,
    /// The language of the report's own words.
    pub lang: Lang,
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
  "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans", "Helvetica Neue", Arial, sans-serif;
  margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #1d2329; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccd; }
table { border-collapse: collapse; margin: .6em 0; font-size: .92em; }
th, td { border: 1px solid #d5d9de; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f1f3f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.a3 td, tr.a2 td { background: #fdecea; } tr.a1 td { background: #fff8e1; }
.flag { font-weight: bold; color: #b3261e; } .muted { color: #6b7280; }
.summary { font-size: 1.15em; }
table.glance td.holds { background: #d9f2e3; text-align: center; }
table.glance td.lapsed { background: #fbe0dd; text-align: center; font-weight: bold; }
table.glance td.pending { color: #9aa0a6; text-align: center; }
.made { color: #4b5563; } .charts { display: flex; flex-wrap: wrap; gap: 1em; }
section.city { border-top: 1px solid #e5e7eb; margin-top: 1.5em; }
ol.timeline { list-style: none; padding-left: 0; }
ol.timeline li { border-left: 4px solid #d1d5db; padding: .1em .6em; margin: .2em 0; }
ol.timeline li.holds { border-color: #2e7d32; } ol.timeline li.lapsed { border-color: #b3261e; }
svg.chart { background: #fafbfc; border: 1px solid #e5e7eb; }
svg .ct { font-size: 11px; fill: #374151; } svg .tk { font-size: 9px; fill: #6b7280; }
svg .ax { stroke: #9ca3af; stroke-width: 1; } svg .th { stroke: #b3261e; stroke-dasharray: 4 3; }
svg .ln { fill: none; stroke: #1565c0; stroke-width: 1.5; } svg .pt { fill: #1565c0; }
svg .ok { fill: #2e7d32; } svg .warn { fill: #f9a825; } svg .crit { fill: #b3261e; } svg .unk { fill: #9e9e9e; }
"#;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let when = crate::clock::shown(&r.made.time);
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <title>{} 金保工程 {} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        if r.lang == Lang::En { "en" } else { "zh-CN" },
        escape(r.province),
        t(r.lang, "assessment of the cities"),
        r.made.time.format("%Y-%m-%d")
    ));
    out.push_str(&format!(
        "<header><h1>{} 金保工程 — {}</h1>\n",
        escape(r.province),
        match r.lang {
            Lang::Zh => "各市考评",
            Lang::En => "assessment of the cities (考评)",
        }
    ));
    let snapshots = match (r.history.first(), r.history.last(), r.lang) {
        (Some(a), Some(_), Lang::En) if r.history.len() == 1 => {
            format!("the daily snapshot of {}", escape(&a.date))
        }
        (Some(a), Some(_), Lang::Zh) if r.history.len() == 1 => {
            format!("{} 的每日快照", escape(&a.date))
        }
        (Some(a), Some(b), Lang::En) => format!(
            "{} daily snapshots, {} to {}",
            r.history.len(),
            escape(&a.date),
            escape(&b.date)
        ),
        (Some(a), Some(b), Lang::Zh) => format!(
            "{} 至 {} 的 {} 份每日快照",
            escape(&a.date),
            escape(&b.date),
            r.history.len()
        ),
        (_, _, Lang::En) => "no daily snapshot yet".into(),
        (_, _, Lang::Zh) => "尚无每日快照".into(),
    };
    let made = match r.lang {
        Lang::Zh => format!(
            "{when} 由 jinbao {} 生成，范围：{}；依据状态目录 <code>{}</code>（环境 <code>{}</code>，配置 <code>{}</code>）中的记录：\
             发布台账、健康与数据检查历史、部署与库表事实、{snapshots}。未询问任何服务器或数据库。",
            r.made.version,
            escape(&r.made.target),
            escape(&r.made.state_dir),
            escape(&r.made.env),
            escape(&r.made.profiles_dir),
        ),
        Lang::En => format!(
            "Made {when} by jinbao {} for {}, from what jinbao recorded in the state folder \
             <code>{}</code> (environment <code>{}</code>, profiles <code>{}</code>): release ledger, health and data-check \
             histories, provision and schema facts, {snapshots}. No server or database was asked.",
            r.made.version,
            escape(&r.made.target),
            escape(&r.made.state_dir),
            escape(&r.made.env),
            escape(&r.made.profiles_dir),
        ),
    };
    out.push_str(&format!(
        "<p class=\"made\" id=\"made\">{made}</p></header>\n"
    ));
    at_a_glance(&mut out, r);
    province_table(&mut out, r);
    scoring(&mut out, r.config, r.lang);
    out.push_str(&format!("<h2 id=\"cities\">{}</h2>\n", t(r.lang, "Cities")));
    for s in r.sites {
        city(&mut out, r, s);
    }
    wave_plan(&mut out, r);
    out.push_str("</body>\n</html>\n");
    out
}

/// One sentence on where the province stands, and every city × milestone at a glance.
fn at_a_glance(out: &mut String, r: &Report) {
    let cities: Vec<&SiteAssessment> = r.sites.iter().filter(|s| !s.province).collect();
    let holding =
        |s: &SiteAssessment, m: Milestone| s.details.iter().any(|d| d.name == m && d.holds);
    let live = cities
        .iter()
        .filter(|s| holding(s, Milestone::ApplicationLive))
        .count();
    let accepted = cities
        .iter()
        .filter(|s| holding(s, Milestone::Accepted))
        .count();
    let not_built = cities
        .iter()
        .filter(|s| {
            !s.details
                .iter()
                .any(|d| d.name == Milestone::EnvironmentReady && d.reached_at.is_some())
        })
        .count();
    let urgent = cities.iter().filter(|s| s.attention_level >= 3).count();
    let flagged = cities.iter().filter(|s| s.attention_level > 0).count();
    out.push_str(&format!(
        "<p id=\"summary\" class=\"summary\">{}</p>\n",
        super::words::summary(
            r.lang,
            cities.len(),
            live,
            accepted,
            flagged,
            urgent,
            not_built
        )
    ));
    out.push_str(&format!(
        "<table id=\"glance\" class=\"glance\"><thead><tr><th>{}</th><th>{}</th>",
        t(r.lang, "city"),
        t(r.lang, "wave")
    ));
    for m in Milestone::ALL {
        out.push_str(&format!("<th>{}</th>", t(r.lang, m.title())));
    }
    out.push_str("</tr></thead><tbody>\n");
    for s in &cities {
        out.push_str(&format!(
            "<tr data-city=\"{}\"><td>{} {}</td><td>{}</td>",
            escape(&s.city),
            escape(&s.name),
            escape(&s.city),
            escape(&s.wave)
        ));
        for m in Milestone::ALL {
            let d = s.details.iter().find(|d| d.name == m);
            let (class, mark) = match d {
                Some(d) if d.holds => ("holds", "✓"),
                Some(d) if d.lapsed() => ("lapsed", "✗"),
                _ => ("pending", "·"),
            };
            out.push_str(&format!("<td class=\"{class}\">{mark}</td>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

fn province_table(out: &mut String, r: &Report) {
    out.push_str(&format!(
        "<h2 id=\"province-table\">{}</h2>\n<p class=\"muted\">{}</p>\n",
        t(r.lang, "Province table"),
        t(
            r.lang,
            "Cities needing attention first (⚠ a problem, ? to watch), then the lowest scores."
        )
    ));
    out.push_str("<table id=\"province\"><thead><tr>");
    let shown = [
        "",
        "city",
        "wave",
        "milestones",
        "score",
        "release",
        "health",
        "data score",
        "concentration",
        "last change",
    ];
    for h in shown {
        out.push_str(&format!("<th>{}</th>", escape(t(r.lang, h))));
    }
    out.push_str("</tr></thead><tbody>\n");
    for s in r.sites {
        let c = table::cells(s, r.lang);
        let flag = match s.attention_level {
            0 => "",
            1 => "?",
            _ => "⚠",
        };
        out.push_str(&format!(
            "<tr data-city=\"{city}\" class=\"a{level}\"><td class=\"flag\" title=\"{why}\">{flag}</td>\
             <td><a href=\"#city-{city}\">{name} {city}</a></td><td>{wave}</td><td>{ms}</td>\
             <td class=\"num\" data-score=\"{score}\">{score}</td><td>{release}</td><td>{health}</td>\
             <td class=\"num\">{data}</td><td class=\"num\">{conc}</td><td>{change}</td></tr>\n",
            city = escape(&s.city),
            level = s.attention_level,
            why = escape(&join(&s.attention, "; ", r.lang)),
            name = escape(&s.name),
            wave = escape(&c[3]),
            ms = escape(&c[6]),
            score = escape(&c[5]),
            release = escape(&c[8]),
            health = escape(&c[9]),
            data = escape(&c[10]),
            conc = escape(&c[11]),
            change = escape(&c[12]),
        ));
    }
    out.push_str("</tbody></table>\n");
    let flagged: Vec<&SiteAssessment> = r.sites.iter().filter(|s| s.attention_level > 0).collect();
    if !flagged.is_empty() {
        out.push_str(&format!(
            "<h3>{}</h3><ul id=\"attention\">\n",
            t(r.lang, "Needing attention")
        ));
        for s in flagged {
            out.push_str(&format!(
                "<li data-city=\"{}\"><b>{} {}</b> ({}): {}</li>\n",
                escape(&s.city),
                escape(&s.name),
                escape(&s.city),
                t(r.lang, table::attention_word(s.attention_level)),
                escape(&join(&s.attention, "; ", r.lang))
            ));
        }
        out.push_str("</ul>\n");
    }
}

fn scoring(out: &mut String, c: &AssessmentConfig, lang: Lang) {
    out.push_str(&format!(
        "<h2 id=\"scoring\">{}</h2>\n<p>{}</p>\n<table id=\"weights\"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        t(lang, "How the score is made"),
        match lang {
            Lang::En => "Each criterion gives a value from 0 to 1; its points are the value times its weight's share of 100 \
                among the criteria that can be measured for the city (one that cannot, such as concentration before county \
                loads are known, is left out and the others scale up).",
            Lang::Zh => "每项指标取值 0 到 1；其得分为取值乘以该项权重在可衡量指标中所占的百分比\
                （无法衡量的指标，如各县加载情况未知时的数据集中，不计入，其余指标按比例放大）。",
        },
        t(lang, "criterion"),
        t(lang, "weight")
    ));
    for (name, w) in c.weights.named() {
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{w}</td></tr>\n",
            t(lang, name)
        ));
    }
    let (health, accepted, late) = (c.health_days, c.accepted_days, c.late_days);
    out.push_str(&format!(
        "</tbody></table>\n<p class=\"muted\">{}</p>\n",
        match lang {
            Lang::En => format!(
                "Health counts the last {health} days (WARNING counts half); accepted means live, healthy and at the \
                 data threshold for {accepted} days; timeliness falls to nothing over {late} days late."
            ),
            Lang::Zh => format!(
                "健康按最近 {health} 天计（WARNING 计一半）；验收通过指连续 {accepted} 天上线、健康且数据达标；\
                 按期程度在逾期 {late} 天内降至零。"
            ),
        }
    ));
}

fn city(out: &mut String, r: &Report, s: &SiteAssessment) {
    out.push_str(&format!(
        "<section class=\"city\" id=\"city-{city}\" data-city=\"{city}\">\n<h3>{name} {city} ({code}) — {word} {score}</h3>\n",
        word = t(r.lang, "score"),
        city = escape(&s.city),
        name = escape(&s.name),
        code = escape(&s.code),
        score = crate::numbers::tenths(s.score)
    ));
    if !s.attention.is_empty() {
        out.push_str(&format!(
            "<p class=\"flag\">{}{}</p>\n",
            t(r.lang, "Needs attention: "),
            escape(&join(&s.attention, "; ", r.lang))
        ));
    }
    out.push_str("<table class=\"criteria\"><thead><tr>");
    for h in ["criterion", "weight", "value", "points", "of", "facts"] {
        out.push_str(&format!("<th>{}</th>", t(r.lang, h)));
    }
    out.push_str("</tr></thead><tbody>\n");
    for c in &s.criteria {
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
            escape(t(r.lang, &c.name)),
            c.weight,
            c.value.map_or("–".to_string(), |v| format!("{v:.3}")),
            crate::numbers::tenths(c.points),
            crate::numbers::tenths(c.max_points),
            escape(&join(&c.facts, "; ", r.lang))
        ));
    }
    out.push_str(&format!(
        "<tr><th>{}</th><td></td><td></td><td class=\"num\"><b>{}</b></td><td class=\"num\">100.0</td><td></td></tr></tbody></table>\n",
        t(r.lang, "score"),
        crate::numbers::tenths(s.score)
    ));
    out.push_str("<ol class=\"timeline\">\n");
    for m in &s.details {
        let class = if m.holds {
            "holds"
        } else if m.lapsed() {
            "lapsed"
        } else {
            "pending"
        };
        let when = m
            .reached_at
            .as_deref()
            .map_or(t(r.lang, "not reached yet").to_string(), |at| {
                format!(
                    "{}{}",
                    t(r.lang, "first reached "),
                    escape(&table::short(at))
                )
            });
        let state = match class {
            "holds" => t(r.lang, "holds"),
            "lapsed" => t(r.lang, "no longer holds"),
            _ => "",
        };
        let missing = m.missing.as_ref().map_or(String::new(), |x| {
            format!("{}{}", t(r.lang, " — missing: "), escape(&x.text(r.lang)))
        });
        out.push_str(&format!(
            "<li class=\"{class}\"><b>{}</b>: {when}{}{missing}</li>\n",
            t(r.lang, m.name.title()),
            if state.is_empty() {
                String::new()
            } else {
                format!("{}{state}", t(r.lang, ", "))
            }
        ));
    }
    out.push_str("</ol>\n<div class=\"charts\">\n");
    out.push_str(&svg::line(
        "score",
        t(r.lang, "score, one point a day"),
        &score_points(r, s),
        100.0,
        None,
    ));
    let checks: Vec<(DateTime<Utc>, f64)> = s
        .record
        .checks
        .iter()
        .filter_map(|c| Some((parse_time(&c.time)?, c.score)))
        .collect();
    if !checks.is_empty() {
        let min = s.data.as_ref().map(|d| d.min_score).filter(|m| *m > 0.0);
        out.push_str(&svg::line(
            "data",
            t(r.lang, "data-check score"),
            &checks,
            100.0,
            min,
        ));
    }
    let runs: Vec<(DateTime<Utc>, String)> = s
        .record
        .health
        .iter()
        .filter_map(|h| Some((parse_time(&h.time)?, h.status.as_str().to_string())))
        .collect();
    if !runs.is_empty() {
        out.push_str(&svg::health(
            &match r.lang {
                Lang::En => format!(
                    "health runs, last {} days",
                    r.config.health_days + r.config.accepted_days
                ),
                Lang::Zh => format!(
                    "最近 {} 天的健康检查",
                    r.config.health_days + r.config.accepted_days
                ),
            },
            &runs,
        ));
    }
    out.push_str("</div>\n</section>\n");
}

/// The site's score from each day's snapshot, today's being the score now.
fn score_points(r: &Report, s: &SiteAssessment) -> Vec<(DateTime<Utc>, f64)> {
    let today = r.made.time.date_naive();
    let mut points: Vec<(DateTime<Utc>, f64)> = r
        .history
        .iter()
        .filter_map(|snap| {
            let t = parse_time(&snap.time)?;
            (t.date_naive() != today).then_some(())?;
            Some((t, snap.site(&s.city)?.score))
        })
        .collect();
    points.push((r.made.time, s.score));
    points
}

fn wave_plan(out: &mut String, r: &Report) {
    out.push_str(&format!(
        "<h2 id=\"waves\">{}</h2>\n<table id=\"wave-plan\"><thead><tr>",
        t(r.lang, "Wave plan")
    ));
    for h in [
        "wave",
        "cities",
        "planned start",
        "planned live",
        "first rollout",
        "live now",
        "all live",
        "against the plan",
    ] {
        out.push_str(&format!("<th>{}</th>", t(r.lang, h)));
    }
    out.push_str("</tr></thead><tbody>\n");
    let today = r.made.time.date_naive();
    for w in r.waves {
        let all_live = w
            .all_live
            .as_deref()
            .and_then(parse_time)
            .map(|t| t.date_naive());
        let days = |from: chrono::NaiveDate, to: chrono::NaiveDate| (to - from).num_days();
        let verdict = match (all_live, w.planned_live, r.lang) {
            (Some(done), Some(due), _) if done <= due => t(r.lang, "on time").to_string(),
            (Some(done), Some(due), Lang::En) => format!("{} days late", days(due, done)),
            (Some(done), Some(due), Lang::Zh) => format!("逾期 {} 天", days(due, done)),
            (Some(_), None, _) => t(r.lang, "done (no planned date)").into(),
            (None, Some(due), Lang::En) if today > due => {
                format!("overdue by {} days", days(due, today))
            }
            (None, Some(due), Lang::Zh) if today > due => {
                format!("已逾期 {} 天", days(due, today))
            }
            (None, Some(due), Lang::En) => format!("due in {} days", days(today, due)),
            (None, Some(due), Lang::Zh) => format!("还有 {} 天到期", days(today, due)),
            (None, None, _) => t(r.lang, "no planned date").into(),
        };
        let date = |d: Option<chrono::NaiveDate>| d.map_or("–".into(), |d| d.to_string());
        out.push_str(&format!(
            "<tr data-wave=\"{name}\"><td>{name} <span class=\"muted\">{title}</span></td><td>{cities}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
            date(w.planned_start),
            date(w.planned_live),
            escape(&w.started.as_deref().map_or("–".into(), table::short)),
            match r.lang {
                Lang::En => format!("{} of {}", w.live, w.cities.len()),
                Lang::Zh => format!("{}/{}", w.live, w.cities.len()),
            },
            escape(&w.all_live.as_deref().map_or("–".into(), table::short)),
            escape(&verdict),
            name = escape(&w.name),
            title = escape(&w.title),
            cities = escape(&w.cities.join(", ")),
        ));
    }
    out.push_str("</tbody></table>\n");
}
