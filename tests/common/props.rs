//! The harness of the property tests (tests/properties_*.rs): a quick bounded number of cases
//! under `cargo test`; with JINBAO_FUZZ_SECONDS (set by `tests/fuzz`) batch after batch with
//! fresh seeds until the time is up.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// When the properties stop: after one batch, or when JINBAO_FUZZ_SECONDS have passed since
/// the first property started.
fn deadline() -> Option<Instant> {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    std::env::var("JINBAO_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(|s| start + Duration::from_secs(s))
}

/// Runs `test` on `cases` values of `strategy`, again and again while fuzzing; a failure
/// panics with the shrunk case, to be kept as a regression test in `file`.
pub fn check<S>(
    file: &str,
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    let until = deadline();
    let mut batches = 0u64;
    loop {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("{name}: {e}\n(keep the case as a regression test in {file})");
        }
        batches += 1;
        if until.is_none_or(|d| Instant::now() >= d) {
            break;
        }
    }
    if until.is_some() {
        eprintln!("{name}: {batches} batches of {cases} cases");
    }
}
