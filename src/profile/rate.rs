//! A link's rate as people write it in a profile (`network.transfer_rate`).

/// A rate that cannot be read, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct RateError(String);

/// A rate as people write it: "4 Mbit/s", "500 kbit/s", "8mbit", "2 MB/s", "1 GB/s" (bits
/// unless a capital B says bytes); bytes per second, None for "" (no limit).
pub fn parse_rate(s: &str) -> Result<Option<u64>, RateError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| RateError(format!("`{t}` does not start with a number")))?;
    let unit = unit.trim().trim_end_matches("/s").trim_end_matches("ps");
    let bytes = unit.ends_with('B') || unit.ends_with("byte");
    let scale = match unit.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('k') => 1e3,
        Some('m') => 1e6,
        Some('g') => 1e9,
        Some('b') => 1.0,
        _ => return Err(RateError(format!("`{t}` has no unit like Mbit/s or MB/s"))),
    };
    let per_s = if bytes { n * scale } else { n * scale / 8.0 };
    if per_s.is_nan() || per_s < 1000.0 {
        return Err(RateError(format!("`{t}` is less than 1 kB/s")));
    }
    Ok(Some(per_s as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_written() {
        assert_eq!(parse_rate("4 Mbit/s"), Ok(Some(500_000)));
        assert_eq!(parse_rate("8mbit"), Ok(Some(1_000_000)));
        assert_eq!(parse_rate("2 MB/s"), Ok(Some(2_000_000)));
        assert_eq!(parse_rate("500 kbit/s"), Ok(Some(62_500)));
        assert_eq!(parse_rate(""), Ok(None));
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("4 parsecs").is_err());
        assert!(parse_rate("1 bit/s").is_err());
    }
}
