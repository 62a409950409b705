//! How numbers are shown to people, written once so that the domain (scores, points) and
//! the printer agree.

/// A score or points with one decimal, as every table, line and report shows them: never
/// `-0.0` (Rust sums nothing to -0.0, and a score must not read as below zero or falling).
pub fn tenths(x: f64) -> String {
    // adding +0.0 turns -0.0 (and what rounds to it) into 0.0
    format!("{:.1}", (x * 10.0).round() / 10.0 + 0.0)
}

/// A span of seconds as people read it: `42 s`, `12 min`, `3.5 h`.
pub fn span(secs: f64) -> String {
    match secs {
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.0} min", s / 60.0),
        s => format!("{:.1} h", s / 3600.0),
    }
}

/// `1 county`, `2 counties`, `1 city`, `3 health runs`.
pub fn plural(n: usize, what: &str) -> String {
    match (n, what.strip_suffix('y')) {
        (1, _) => format!("{n} {what}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {what}s"),
    }
}

/// A byte count as people read it: `512 B`, `3.4 kB`, `61.2 MB`, `1.1 GB` (powers of 1000).
pub fn bytes(n: u64) -> String {
    let x = n as f64;
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", x / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", x / 1e6),
        _ => format!("{:.1} GB", x / 1e9),
    }
}
