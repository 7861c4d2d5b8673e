//! New visitor identities per client address. A `hello` without a token mints
//! a visitor, and each visitor may open only so many conversations an hour;
//! without this bound, reconnecting without the token would dodge that limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::rate::TokenBucket;

/// A bucket untouched this long is full again, so it can be forgotten.
const REFILL: Duration = Duration::from_secs(3600);
/// Forgetting full buckets happens when the map holds more than this.
const PRUNE_ABOVE: usize = 4096;

/// At most `per_hour` new visitors per address: a burst of `per_hour`, then
/// refilled evenly over the hour. 0: no limit.
#[derive(Debug)]
pub struct NewVisitorRate {
    per_hour: u32,
    buckets: Mutex<HashMap<IpAddr, (TokenBucket, Instant)>>,
}

impl NewVisitorRate {
    pub fn new(per_hour: u32) -> Self {
        Self { per_hour, buckets: Mutex::new(HashMap::new()) }
    }

    /// Whether `ip` may mint one more visitor now (and counts it if so).
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        if self.per_hour == 0 {
            return true;
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, (_, last)| now.saturating_duration_since(*last) < REFILL);
        }
        let per_sec = f64::from(self.per_hour) / REFILL.as_secs_f64();
        let (bucket, last) =
            buckets.entry(ip).or_insert_with(|| (TokenBucket::with_rate(per_sec, self.per_hour, now), now));
        *last = now;
        bucket.take(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_gets_its_burst_then_the_hourly_rate() {
        let rate = NewVisitorRate::new(3);
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let start = Instant::now();
        assert_eq!((0..5).filter(|_| rate.allow(a, start)).count(), 3);
        assert!(rate.allow(b, start), "another address has its own budget");
        assert!(!rate.allow(a, start + Duration::from_secs(60)));
        assert!(rate.allow(a, start + Duration::from_secs(1201)), "one more every 20 minutes");
    }

    #[test]
    fn zero_means_no_limit() {
        let rate = NewVisitorRate::new(0);
        let start = Instant::now();
        assert!((0..10_000).all(|_| rate.allow(IpAddr::from([10, 0, 0, 1]), start)));
    }
}
