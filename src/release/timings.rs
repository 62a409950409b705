//! Where a rollout's time goes: every phase of every host (connect, preflight, provision, lock,
//! upload, switch, restart, health, finalize …) as a span from the run's start, and the critical
//! path — the phases of the hosts the run waited on. A city moves phase by phase, each phase
//! ending when its slowest host ends, so the path is, for the city that finished last, the
//! slowest host of each of its phases.

use std::collections::BTreeMap;

use serde::Serialize;

/// One phase of one host (or of a whole city, when `host` is None).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub phase: String,
    /// Milliseconds from the run's start.
    pub start_ms: u64,
    pub ms: u64,
}

impl Span {
    pub fn end_ms(&self) -> u64 {
        self.start_ms + self.ms
    }
}

/// A phase across every host that had it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseTotal {
    pub phase: String,
    pub spans: usize,
    pub median_ms: u64,
    pub max_ms: u64,
    /// Milliseconds summed over hosts: the work, not the wall time.
    pub total_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timings {
    /// The run's wall time, from the first span's start to the last one's end.
    pub wall_ms: u64,
    pub critical_path: Vec<Span>,
    pub phases: Vec<PhaseTotal>,
    pub spans: Vec<Span>,
}

/// The critical path and the totals of `spans`.
pub fn summarize(mut spans: Vec<Span>) -> Timings {
    spans.sort_by(|a, b| a.start_ms.cmp(&b.start_ms).then(a.city.cmp(&b.city)));
    let wall_ms = spans.iter().map(Span::end_ms).max().unwrap_or(0);
    Timings {
        wall_ms,
        critical_path: critical_path(&spans),
        phases: totals(&spans),
        spans,
    }
}

fn critical_path(spans: &[Span]) -> Vec<Span> {
    let mut cities: BTreeMap<&str, u64> = BTreeMap::new();
    for s in spans {
        let end = cities.entry(&s.city).or_default();
        *end = (*end).max(s.end_ms());
    }
    let Some((last, _)) = cities.iter().max_by_key(|(_, end)| **end) else {
        return Vec::new();
    };
    // the city's phases in the order they began; each one's slowest span
    let mut order: Vec<&str> = Vec::new();
    let mut slowest: BTreeMap<&str, &Span> = BTreeMap::new();
    for s in spans.iter().filter(|s| s.city == *last) {
        if !order.contains(&s.phase.as_str()) {
            order.push(&s.phase);
        }
        let best = slowest.entry(&s.phase).or_insert(s);
        if s.end_ms() > best.end_ms() {
            *best = s;
        }
    }
    order.iter().map(|p| slowest[p].clone()).collect()
}

fn totals(spans: &[Span]) -> Vec<PhaseTotal> {
    let mut by: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for s in spans {
        if !by.contains_key(s.phase.as_str()) {
            order.push(&s.phase);
        }
        by.entry(&s.phase).or_default().push(s.ms);
    }
    order
        .into_iter()
        .map(|p| {
            let mut ms = by[p].clone();
            ms.sort_unstable();
            PhaseTotal {
                phase: p.to_string(),
                spans: ms.len(),
                median_ms: ms[ms.len() / 2],
                max_ms: *ms.last().unwrap_or(&0),
                total_ms: ms.iter().sum(),
            }
        })
        .collect()
}

/// Durations the deploy script reported: its steps done, each with the milliseconds since
/// it began (`script_lines`).
pub fn script_steps(stdout: &str) -> Vec<(String, u64)> {
    crate::script_lines::parse(stdout)
        .done
        .into_iter()
        .filter_map(|(step, ms)| Some((step, ms?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(city: &str, host: &str, phase: &str, start: u64, ms: u64) -> Span {
        Span {
            city: city.into(),
            host: Some(host.into()),
            phase: phase.into(),
            start_ms: start,
            ms,
        }
    }

    #[test]
    fn the_path_follows_the_last_city_and_its_slowest_hosts() {
        let t = summarize(vec![
            span("a", "a1", "connect", 0, 50),
            span("a", "a1", "deploy", 50, 100),
            span("b", "b1", "connect", 0, 40),
            span("b", "b2", "connect", 0, 90),
            span("b", "b1", "deploy", 90, 200),
            span("b", "b2", "deploy", 90, 120),
        ]);
        assert_eq!(t.wall_ms, 290);
        let path: Vec<(&str, &str)> = t
            .critical_path
            .iter()
            .map(|s| (s.host.as_deref().unwrap(), s.phase.as_str()))
            .collect();
        assert_eq!(path, vec![("b2", "connect"), ("b1", "deploy")]);
        assert_eq!(t.phases[0].phase, "connect");
        assert_eq!(t.phases[0].max_ms, 90);
        assert_eq!(t.phases[1].total_ms, 420);
        assert_eq!(
            script_steps("OK\tupload\t120\nOK\tswitch\t125\nnoise\n"),
            vec![("upload".to_string(), 120), ("switch".to_string(), 125)]
        );
    }
}
