//! A city link's transfer budget: what jinbao sends across one link, counted and held to a
//! rate shared by every connection that crosses it (a token bucket refilled by the clock).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The most a burst may run ahead of the rate: a tenth of a second's worth, so every
/// 5-second window stays within a few percent of the budget.
const BURST: Duration = Duration::from_millis(100);
/// The smallest write worth waking up for.
const MIN_WRITE: u64 = 1024;

/// Bytes sent across one link, and the rate they may be sent at (None: as fast as it goes).
#[derive(Debug)]
pub struct Pace {
    bytes_per_s: Option<u64>,
    bucket: Mutex<Bucket>,
    sent: AtomicU64,
    /// Bytes announced to be sent (what the servers said they lack), for the time left.
    expected: AtomicU64,
    started: Instant,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Pace {
    pub fn new(bytes_per_s: Option<u64>) -> Self {
        let now = Instant::now();
        Pace {
            bytes_per_s: bytes_per_s.filter(|r| *r > 0),
            bucket: Mutex::new(Bucket {
                tokens: 0.0,
                at: now,
            }),
            sent: AtomicU64::new(0),
            expected: AtomicU64::new(0),
            started: now,
        }
    }

    /// How many of `want` bytes may be written now; when none, how long to wait for some.
    pub fn allow(&self, want: usize) -> Result<usize, Duration> {
        let Some(rate) = self.bytes_per_s else {
            return Ok(want);
        };
        let rate = rate as f64;
        let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let burst = rate * BURST.as_secs_f64();
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(burst);
        b.at = now;
        let least = (MIN_WRITE as f64).min(want as f64);
        if b.tokens < least {
            let short = least - b.tokens;
            return Err(Duration::from_secs_f64(short / rate).max(Duration::from_millis(1)));
        }
        Ok((b.tokens as usize).min(want))
    }

    /// `n` bytes went out (after `allow`): they leave the bucket and count as sent.
    pub fn sent(&self, n: usize) {
        self.sent.fetch_add(n as u64, Ordering::Relaxed);
        if self.bytes_per_s.is_some() {
            let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
            b.tokens -= n as f64;
        }
    }

    /// `n` more bytes are to be sent.
    pub fn expect(&self, n: u64) {
        self.expected.fetch_add(n, Ordering::Relaxed);
    }

    /// What the progress shows: bytes sent, the rate, and the time left when it is known.
    pub fn describe(&self) -> String {
        let (sent, rate) = (self.total(), self.mean_rate());
        let mut s = format!(
            "{} sent, {}/s",
            crate::numbers::bytes(sent),
            crate::numbers::bytes(rate as u64)
        );
        let expected = self.expected.load(Ordering::Relaxed);
        if expected > sent && rate > 0.0 {
            let left = (expected - sent) as f64 / self.bytes_per_s.map_or(rate, |r| r as f64);
            s.push_str(&format!(
                " of {}, {:.0} s left",
                crate::numbers::bytes(expected),
                left
            ));
        }
        s
    }

    /// Every byte sent so far.
    pub fn total(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// The budget, in bytes per second.
    pub fn rate(&self) -> Option<u64> {
        self.bytes_per_s
    }

    /// The mean rate since the pace began, bytes per second.
    pub fn mean_rate(&self) -> f64 {
        let s = self.started.elapsed().as_secs_f64().max(0.001);
        self.total() as f64 / s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_holds_the_rate() {
        let pace = Pace::new(Some(1_000_000));
        let start = Instant::now();
        let mut left = 300_000usize;
        while left > 0 {
            match pace.allow(left.min(64 * 1024)) {
                Ok(n) => {
                    pace.sent(n);
                    left -= n;
                }
                Err(wait) => std::thread::sleep(wait),
            }
        }
        let took = start.elapsed().as_secs_f64();
        // 300 kB at 1 MB/s: 0.3 s, never faster than the budget allows (less one burst)
        assert!(took >= 0.19, "{took}");
        assert_eq!(pace.total(), 300_000);
        assert_eq!(Pace::new(None).allow(5), Ok(5));
    }
}
