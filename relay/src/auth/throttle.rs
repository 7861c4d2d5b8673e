//! Throttle on failed agent sign-ins, per account and per client address, so a
//! password cannot be guessed at PBKDF2 speed from one place or against one email.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failures in a sliding window; locks a key once it has too many.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Entries kept before old ones are swept, to bound memory under a spray attack.
const SWEEP_AT: usize = 10_000;

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self { max_failures, window, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(wait)` if any of `keys` is locked out right now.
    pub fn check(&self, keys: &[&str], now: Instant) -> Result<(), Duration> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            if let Some(&(count, first)) = map.get(*key) {
                let elapsed = now.saturating_duration_since(first);
                if count >= self.max_failures && elapsed < self.window {
                    return Err(self.window - elapsed);
                }
            }
        }
        Ok(())
    }

    /// Records a failed attempt against each key.
    pub fn fail(&self, keys: &[&str], now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= SWEEP_AT {
            map.retain(|_, (_, first)| now.saturating_duration_since(*first) < self.window);
        }
        for key in keys {
            let entry = map.entry((*key).to_owned()).or_insert((0, now));
            if now.saturating_duration_since(entry.1) >= self.window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// Forgets failures for `key` after a successful sign-in.
    pub fn succeed(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_until_the_window_passes() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for _ in 0..3 {
            assert!(t.check(&["a"], start).is_ok());
            t.fail(&["a"], start);
        }
        let wait = t.check(&["a"], start + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(t.check(&["b"], start).is_ok(), "other keys unaffected");
        assert!(t.check(&["a"], start + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn success_clears_the_account_key() {
        let t = LoginThrottle::new(1, Duration::from_secs(60));
        let now = Instant::now();
        t.fail(&["a"], now);
        assert!(t.check(&["a"], now).is_err());
        t.succeed("a");
        assert!(t.check(&["a"], now).is_ok());
    }
}
