//! How many uploads one visitor may start: a token bucket per (tenant,
//! visitor) holding `per_minute` tokens, refilled continuously over a minute,
//! on the relay's clock (tests move a manual one). In memory: a restart forgets it.

use std::collections::HashMap;
use std::sync::Mutex;

use natter_protocol::{TenantId, UnixMillis, VisitorId};

/// Buckets kept before full ones are forgotten.
const PRUNE_AT: usize = 10_000;

/// The per-visitor upload limiter.
#[derive(Debug)]
pub struct UploadRate {
    per_minute: u32,
    buckets: Mutex<HashMap<(TenantId, VisitorId), Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: UnixMillis,
}

impl UploadRate {
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute: per_minute.max(1), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token; `Err(secs)`: none left, one is back in `secs`.
    pub fn take(&self, tenant: &TenantId, visitor: &VisitorId, now: UnixMillis) -> Result<(), u64> {
        let capacity = f64::from(self.per_minute);
        let per_ms = capacity / 60_000.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|_, b| b.tokens + (now.0 - b.at.0) as f64 * per_ms < capacity);
        }
        let bucket = buckets.entry((tenant.clone(), visitor.clone())).or_insert(Bucket { tokens: capacity, at: now });
        let elapsed = (now.0 - bucket.at.0).max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * per_ms).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait_ms = (1.0 - bucket.tokens) / per_ms;
            Err((wait_ms / 1000.0).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_gets_the_minute_s_uploads_then_waits() {
        let rate = UploadRate::new(3);
        let t = TenantId::parse("acme").unwrap();
        let (a, b) = (VisitorId::parse("A".repeat(22)).unwrap(), VisitorId::parse("B".repeat(22)).unwrap());
        let now = UnixMillis(1_000_000);
        for _ in 0..3 {
            assert_eq!(rate.take(&t, &a, now), Ok(()));
        }
        assert_eq!(rate.take(&t, &a, now), Err(20));
        assert_eq!(rate.take(&t, &b, now), Ok(()), "another visitor has their own bucket");
        assert_eq!(rate.take(&t, &a, UnixMillis(now.0 + 20_000)), Ok(()));
    }
}
