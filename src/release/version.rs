//! Which of two release versions is newer, so a rollout that would go back (a downgrade) is
//! refused unless `--allow-downgrade` says it is meant. Pure functions, no I/O.

use std::cmp::Ordering;

/// Compares release versions by semver precedence, leniently: the core (before the first
/// `-`) part by part (parts are separated by `.`); inside a part, runs of digits compare as
/// numbers (`1.10` is newer than `1.9`, `rc10` than `rc2`) and other runs as text; a missing
/// part counts as 0 (`1.2` is `1.2.0`). A pre-release (after the `-`) is older than its
/// release (`2.0.0-rc1` < `2.0.0`) and pre-releases compare identifier by identifier, the
/// shorter first when one is the start of the other; build metadata (after `+`) does not
/// count. Any two versions compare, so every manifest's version can be checked.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (split(a), split(b));
    compare_parts(&a.0, &b.0, "0").then_with(|| match (&a.1, &b.1) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => compare_parts(x, y, ""),
    })
}

/// Part by part; a missing part counts as `missing` ("0" in the core; "" in a pre-release,
/// where the longer list is the newer one).
fn compare_parts(pa: &[&str], pb: &[&str], missing: &str) -> Ordering {
    for i in 0..pa.len().max(pb.len()) {
        let order = compare_part(
            pa.get(i).copied().unwrap_or(missing),
            pb.get(i).copied().unwrap_or(missing),
        );
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// The newest version a city runs that `to` is older than: Some when rolling `to` out would be
/// a downgrade (the version to name in the refusal), None when it is not.
pub fn downgrade_from<'a>(running: &'a [String], to: &str) -> Option<&'a str> {
    running
        .iter()
        .max_by(|x, y| compare(x, y))
        .filter(|newest| compare(to, newest) == Ordering::Less)
        .map(String::as_str)
}

/// The core's parts and the pre-release's identifiers, if there is one; build metadata dropped.
fn split(v: &str) -> (Vec<&str>, Option<Vec<&str>>) {
    let v = v.trim_start_matches(['v', 'V']);
    let v = v.split_once('+').map_or(v, |(v, _build)| v);
    match v.split_once('-') {
        Some((core, pre)) => (core.split('.').collect(), Some(pre.split('.').collect())),
        None => (v.split('.').collect(), None),
    }
}

/// Runs of digits compare as numbers, other runs as text; a number sorts before text.
fn compare_part(a: &str, b: &str) -> Ordering {
    let (ra, rb) = (runs(a), runs(b));
    for i in 0..ra.len().max(rb.len()) {
        let order = match (ra.get(i), rb.get(i)) {
            (Some(x), Some(y)) => compare_run(x, y),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

fn runs(p: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = p.as_bytes();
    for i in 1..=bytes.len() {
        if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
            if let Some(run) = p.get(start..i) {
                out.push(run);
            }
            start = i;
        }
    }
    out
}

fn compare_run(a: &str, b: &str) -> Ordering {
    let digits = |r: &str| r.bytes().all(|c| c.is_ascii_digit());
    match (digits(a), digits(b)) {
        (true, true) => {
            // leading zeros do not count; a longer number is a bigger one
            let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            a.len().cmp(&b.len()).then(a.cmp(b))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn numbers_compare_as_numbers() {
        assert_eq!(compare("1.10.0", "1.9.3"), Greater);
        assert_eq!(compare("1.2", "1.2.0"), Equal);
        assert_eq!(compare("v2.0", "1.99"), Greater);
        assert_eq!(compare("1.0.01", "1.0.1"), Equal);
        assert_eq!(compare("23.1.1700000000000", "23.1.999"), Greater);
        assert_eq!(
            compare("1.0.0-rc2", "1.0.0-rc10"),
            Less,
            "numbers inside a part too"
        );
        assert_eq!(compare("2027.1", "2026.12"), Greater);
    }

    #[test]
    fn a_pre_release_is_older_than_its_release() {
        assert_eq!(compare("2.0.0-rc1", "2.0.0"), Less);
        assert_eq!(compare("2.0.0", "2.0.0-rc1"), Greater);
        assert_eq!(compare("2.0.0-rc1", "1.9.9"), Greater);
        assert_eq!(compare("2.0-rc1", "2.0.0-rc1"), Equal);
        assert_eq!(compare("1.0.0-alpha", "1.0.0-alpha.1"), Less);
        assert_eq!(compare("1.0.0-alpha.1", "1.0.0-alpha.beta"), Less);
        assert_eq!(compare("1.0.0-beta.11", "1.0.0-beta.2"), Greater);
        assert_eq!(compare("1.0.0-rc.1", "1.0.0"), Less);
        assert_eq!(compare("1.0.0+build.5", "1.0.0"), Equal, "build metadata");
        assert_eq!(compare("1.0.0-rc1+b2", "1.0.0+b1"), Less);
        let running = vec!["2.0.0-rc1".to_string()];
        assert_eq!(downgrade_from(&running, "2.0.0"), None);
        let running = vec!["2.0.0".to_string()];
        assert_eq!(downgrade_from(&running, "2.0.0-rc1"), Some("2.0.0"));
    }

    #[test]
    fn a_downgrade_names_the_newest_running() {
        let running = vec!["1.1.0".to_string(), "1.2.0".to_string()];
        assert_eq!(downgrade_from(&running, "1.1.5"), Some("1.2.0"));
        assert_eq!(
            downgrade_from(&running, "1.2.0"),
            None,
            "the same release is no downgrade"
        );
        assert_eq!(downgrade_from(&running, "1.3.0"), None);
        assert_eq!(downgrade_from(&[], "0.1"), None, "a city running nothing");
    }
}
