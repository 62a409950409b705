//! Small charts as inline SVG (no script, no font file, no image): a line over time for
//! scores, a strip of coloured bars for health runs. Every chart is an `<svg class="chart">`.

use chrono::{DateTime, Utc};

use super::html::escape;

const W: f64 = 340.0;
const H: f64 = 130.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 24.0;

fn open(kind: &str, title: &str) -> String {
    format!(
        "<svg class=\"chart\" data-chart=\"{kind}\" xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{t}\">\
         <title>{t}</title><text x=\"{LEFT}\" y=\"14\" class=\"ct\">{t}</text>",
        t = escape(title)
    )
}

fn day(t: &DateTime<Utc>) -> String {
    t.with_timezone(&crate::clock::province_zone())
        .format("%m-%d")
        .to_string()
}

/// Values (0..=`max`) over time, with an optional dashed threshold line.
pub fn line(
    kind: &str,
    title: &str,
    points: &[(DateTime<Utc>, f64)],
    max: f64,
    threshold: Option<f64>,
) -> String {
    let mut out = open(kind, title);
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let y = |v: f64| TOP + ph * (1.0 - (v / max).clamp(0.0, 1.0));
    let first = points.first().map(|p| p.0);
    let last = points.last().map(|p| p.0);
    let span = match (first, last) {
        (Some(a), Some(b)) => (b - a).num_seconds().max(0) as f64,
        _ => 0.0,
    };
    let x = |t: DateTime<Utc>| match first {
        Some(a) if span > 0.0 => LEFT + pw * ((t - a).num_seconds() as f64 / span),
        _ => LEFT + pw / 2.0,
    };
    // axes and scale
    out.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\" class=\"ax\"/>\
         <line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" class=\"ax\"/>\
         <text x=\"{tx}\" y=\"{ty0}\" class=\"tk\" text-anchor=\"end\">{max}</text>\
         <text x=\"{tx}\" y=\"{ty1}\" class=\"tk\" text-anchor=\"end\">0</text>",
        b = TOP + ph,
        r = LEFT + pw,
        tx = LEFT - 4.0,
        ty0 = TOP + 4.0,
        ty1 = TOP + ph,
    ));
    if let Some(t) = threshold {
        out.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{v:.1}\" x2=\"{r}\" y2=\"{v:.1}\" class=\"th\"><title>threshold {t}</title></line>",
            v = y(t),
            r = LEFT + pw
        ));
    }
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v)))
            .collect();
        out.push_str(&format!(
            "<polyline points=\"{}\" class=\"ln\"/>",
            path.join(" ")
        ));
    }
    for (t, v) in points {
        out.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" class=\"pt\"><title>{} {}</title></circle>",
            x(*t),
            y(*v),
            crate::clock::shown(t),
            crate::numbers::tenths(*v)
        ));
    }
    if let (Some(a), Some(b)) = (first, last) {
        out.push_str(&format!(
            "<text x=\"{LEFT}\" y=\"{ty}\" class=\"tk\">{}</text>\
             <text x=\"{r}\" y=\"{ty}\" class=\"tk\" text-anchor=\"end\">{}</text>",
            day(&a),
            day(&b),
            ty = H - 8.0,
            r = LEFT + pw
        ));
    }
    out.push_str("</svg>");
    out
}

/// One bar per health run, oldest first, coloured by its status.
pub fn health(title: &str, runs: &[(DateTime<Utc>, String)]) -> String {
    let mut out = open("health", title);
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let n = runs.len().max(1) as f64;
    let bar = pw / n;
    for (i, (t, status)) in runs.iter().enumerate() {
        let (class, height) = match status.as_str() {
            "OK" => ("ok", 1.0),
            "WARNING" => ("warn", 0.66),
            "CRITICAL" => ("crit", 0.33),
            _ => ("unk", 0.2),
        };
        let h = ph * height;
        out.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"{class}\">\
             <title>{} {}</title></rect>",
            LEFT + bar * i as f64 + bar * 0.1,
            TOP + ph - h,
            (bar * 0.8).max(0.5),
            crate::clock::shown(t),
            escape(status)
        ));
    }
    out.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" class=\"ax\"/>",
        b = TOP + ph,
        r = LEFT + pw
    ));
    if let (Some(a), Some(b)) = (runs.first(), runs.last()) {
        out.push_str(&format!(
            "<text x=\"{LEFT}\" y=\"{ty}\" class=\"tk\">{}</text>\
             <text x=\"{r}\" y=\"{ty}\" class=\"tk\" text-anchor=\"end\">{}</text>",
            day(&a.0),
            day(&b.0),
            ty = H - 8.0,
            r = LEFT + pw
        ));
    }
    out.push_str("</svg>");
    out
}
