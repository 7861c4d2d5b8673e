//! What the accept loop does after a failed `accept`: a client that gave up
//! (reset, aborted) costs nothing; running out of file descriptors or memory
//! pauses accepting, longer each time, so the loop does not spin on EMFILE, and
//! is logged at most once per interval with the number of failures in between.

use std::io;
use std::time::Duration;

use tokio::time::Instant;

/// First pause after a resource error.
const MIN_PAUSE: Duration = Duration::from_millis(10);
/// Longest pause: a freed descriptor is used within this.
const MAX_PAUSE: Duration = Duration::from_secs(1);
/// At most one log line per this, per kind of event.
pub const LOG_EVERY: Duration = Duration::from_secs(10);

/// The accept loop's state after failures.
#[derive(Debug)]
pub struct AcceptErrors {
    pause: Duration,
    log: LogEvery,
}

impl Default for AcceptErrors {
    fn default() -> Self {
        Self { pause: Duration::ZERO, log: LogEvery::new(LOG_EVERY) }
    }
}

impl AcceptErrors {
    /// After a failed accept: how long to wait before the next one.
    pub fn failed(&mut self, error: &io::Error, now: Instant) -> Duration {
        if is_per_connection(error) {
            tracing::debug!(%error, "a connection failed before it was accepted");
            return Duration::ZERO;
        }
        self.pause = (self.pause * 2).clamp(MIN_PAUSE, MAX_PAUSE);
        if let Some(suppressed) = self.log.due(now) {
            tracing::warn!(
                %error,
                failures_since_last_line = suppressed,
                pause = ?self.pause,
                "cannot accept connections (out of file descriptors? see the open files limit logged at start)"
            );
        }
        self.pause
    }

    /// After a successful accept.
    pub fn succeeded(&mut self) {
        self.pause = Duration::ZERO;
    }
}

/// Errors of one connection (the client gave up), not of the listener.
fn is_per_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused
    )
}

/// Lets one log line through per interval and counts the ones held back.
#[derive(Debug)]
pub struct LogEvery {
    every: Duration,
    last: Option<Instant>,
    held_back: u64,
}

impl LogEvery {
    pub fn new(every: Duration) -> Self {
        Self { every, last: None, held_back: 0 }
    }

    /// `Some(lines held back since the last one)` when a line is due now.
    pub fn due(&mut self, now: Instant) -> Option<u64> {
        if self.last.is_some_and(|last| now.saturating_duration_since(last) < self.every) {
            self.held_back += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.held_back))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emfile() -> io::Error {
        io::Error::other("Too many open files (os error 24)")
    }

    #[test]
    fn resource_errors_pause_longer_each_time_up_to_a_cap() {
        let mut errors = AcceptErrors::default();
        let now = Instant::now();
        let pauses: Vec<_> = (0..10).map(|_| errors.failed(&emfile(), now)).collect();
        assert_eq!(pauses[0], MIN_PAUSE);
        assert!(pauses.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(pauses[9], MAX_PAUSE);
        errors.succeeded();
        assert_eq!(errors.failed(&emfile(), now), MIN_PAUSE);
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(errors.failed(&reset, now), Duration::ZERO, "a client's reset does not pause");
    }

    #[test]
    fn one_line_per_interval_with_the_count_held_back() {
        let mut log = LogEvery::new(Duration::from_secs(10));
        let start = Instant::now();
        assert_eq!(log.due(start), Some(0));
        assert_eq!(log.due(start + Duration::from_secs(1)), None);
        assert_eq!(log.due(start + Duration::from_secs(9)), None);
        assert_eq!(log.due(start + Duration::from_secs(10)), Some(2));
        assert_eq!(log.due(start + Duration::from_secs(11)), None);
    }
}
