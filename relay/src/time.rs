//! Wall-clock helpers. Stored times are Unix milliseconds (UTC). Tenant actors
//! read time through a [`Clock`], so tests can run the timeouts (auto-away,
//! offline grace, abandoned visitors, inactive chats) on a clock they move.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use natter_protocol::UnixMillis;

/// Now, in Unix milliseconds.
pub fn now() -> UnixMillis {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    UnixMillis(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// The time source of tenant actors: the system clock, or a manual one that
/// only moves when told to (tests).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock standing at the current system time until [`Clock::advance`]d.
    pub fn manual() -> Self {
        Self { manual: Some(Arc::new(AtomicI64::new(now().0))) }
    }

    pub fn now(&self) -> UnixMillis {
        match &self.manual {
            Some(ms) => UnixMillis(ms.load(Ordering::SeqCst)),
            None => now(),
        }
    }

    /// A manual clock standing at `at` (tests of calendars: time zones, DST).
    pub fn manual_at(at: UnixMillis) -> Self {
        Self { manual: Some(Arc::new(AtomicI64::new(at.0))) }
    }

    /// Moves a manual clock forward; the system clock cannot be moved (returns false).
    pub fn advance(&self, by: Duration) -> bool {
        let Some(ms) = &self.manual else { return false };
        ms.fetch_add(i64::try_from(by.as_millis()).unwrap_or(i64::MAX), Ordering::SeqCst);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced() {
        let clock = Clock::manual();
        let start = clock.now();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), start);
        assert!(clock.advance(Duration::from_secs(900)));
        assert_eq!(clock.now().0 - start.0, 900_000);
        assert!(!Clock::system().advance(Duration::from_secs(1)));
    }
}
