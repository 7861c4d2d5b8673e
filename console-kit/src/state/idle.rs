//! The idle rule: a session ends after `idle_timeout_secs` without activity, and
//! the console warns during the last two minutes so the agent can stay.

use natter_protocol::UnixMillis;

/// How long before the idle end the warning shows.
pub const WARNING_MS: i64 = 120_000;

/// Where a session stands on the idle clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleStatus {
    Active,
    /// The warning is showing: this many whole seconds remain.
    Warning {
        secs_left: u64,
    },
    /// Time is up.
    Expired,
}

/// Status at `now` for a session last active at `last_activity`.
pub fn status(now: UnixMillis, last_activity: UnixMillis, idle_timeout_secs: u64) -> IdleStatus {
    let limit = i64::try_from(idle_timeout_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let idle = now.0.saturating_sub(last_activity.0).max(0);
    if idle >= limit {
        return IdleStatus::Expired;
    }
    let left = limit - idle;
    if left <= WARNING_MS.min(limit / 2) {
        let secs_left = u64::try_from((left + 999) / 1000).unwrap_or(0);
        IdleStatus::Warning { secs_left }
    } else {
        IdleStatus::Active
    }
}
