//! Token bucket limiting the frames one socket may send (and, keyed by
//! address, new visitors: `new_visitors.rs`).

use tokio::time::Instant;

/// Allows `per_sec` frames per second sustained, `burst` at once.
#[derive(Debug)]
pub struct TokenBucket {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(per_sec: u32, burst: u32) -> Self {
        Self::with_rate(f64::from(per_sec), burst, Instant::now())
    }

    /// A full bucket refilled at a fractional rate (`per_sec` may be below 1).
    pub fn with_rate(per_sec: f64, burst: u32, now: Instant) -> Self {
        let burst = f64::from(burst.max(1));
        Self { per_sec, burst, tokens: burst, last: now }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn allows_a_burst_then_the_sustained_rate() {
        let start = Instant::now();
        let mut b = TokenBucket::new(2, 5);
        assert_eq!((0..10).filter(|_| b.take(start)).count(), 5);
        assert!(!b.take(start + Duration::from_millis(100)));
        assert!(b.take(start + Duration::from_millis(600)));
        assert!(!b.take(start + Duration::from_millis(600)));
        // A long pause refills to the burst, no more.
        let later = start + Duration::from_secs(60);
        assert_eq!((0..10).filter(|_| b.take(later)).count(), 5);
    }
}
