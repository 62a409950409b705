//! "Did you mean …?": the one place that finds the known name closest to an unknown one, for
//! cities, waves, checks, rules, profile keys and every other name a user types.

/// The candidate closest to `input` by edit distance (a swap of two neighbouring letters counts
/// as one edit), when it is close enough to be what was meant: at most one edit for short
/// names, two from 6 characters, three from 9. Letter case is ignored; ties go to the first.
pub fn closest<'a, I, S>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a S>,
    S: AsRef<str> + ?Sized + 'a,
{
    let wanted: Vec<char> = input.to_lowercase().chars().collect();
    let limit = match wanted.len() {
        0 => return None,
        1..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let c = c.as_ref();
        let cand: Vec<char> = c.to_lowercase().chars().collect();
        let d = distance(&wanted, &cand);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// A hint for an unknown name: "did you mean `x`?" when one is close, else the choices.
pub fn hint<'a, I, S>(input: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a S> + Clone,
    S: AsRef<str> + ?Sized + 'a,
{
    match closest(input, candidates.clone()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => {
            let all: Vec<&str> = candidates.into_iter().map(AsRef::as_ref).collect();
            format!("one of: {}", all.join(", "))
        }
    }
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters each cost one.
fn distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITIES: &[&str] = &["zhengzhou", "kaifeng", "xuchang", "xinxiang", "xinyang"];

    #[test]
    fn a_typo_finds_the_name_meant() {
        assert_eq!(closest("xuchag", CITIES), Some("xuchang"));
        assert_eq!(closest("xuhcang", CITIES), Some("xuchang")); // a swap is one edit
        assert_eq!(closest("XUCHANG", CITIES), Some("xuchang"));
        assert_eq!(closest("kaifen", CITIES), Some("kaifeng"));
        assert_eq!(closest("dsk", ["disk", "load"]), Some("disk"));
        assert_eq!(closest("pliot", ["pilot", "general"]), Some("pilot"));
    }

    #[test]
    fn nothing_close_suggests_nothing() {
        assert_eq!(closest("beijing", CITIES), None);
        assert_eq!(closest("", CITIES), None);
        assert_eq!(closest("ab", ["xy"]), None);
        assert_eq!(hint("beijing", ["a", "b"]), "one of: a, b");
        assert_eq!(hint("xuchag", CITIES), "did you mean `xuchang`?");
    }

    #[test]
    fn the_nearest_wins() {
        // xinxiang is one edit from xinxian, xinyang two
        assert_eq!(closest("xinxian", CITIES), Some("xinxiang"));
    }
}
