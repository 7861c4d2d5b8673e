//! Reconnect delays of the widget and the console: a quick first retry (most
//! drops are a relay restart), then exponential up to 30 s, spread by jitter so
//! a restart is not met by every client at the same instant.

/// First retry delay.
pub const BASE_MS: u32 = 500;
/// Longest delay between attempts.
pub const MAX_MS: u32 = 30_000;

/// Delay before reconnect attempt number `attempt` (1 = first retry). `jitter`
/// is in 0..=1000 (per mille) and spreads the delay over ±20 %.
pub fn delay_ms(attempt: u32, jitter: u16) -> u32 {
    let jitter = u64::from(jitter.min(1000));
    if attempt <= 1 {
        return BASE_MS / 2 + (jitter / 4) as u32;
    }
    let exp = attempt.saturating_sub(1).min(16);
    let raw = u64::from(BASE_MS.saturating_mul(1 << exp).min(MAX_MS));
    let spread = raw * 2 / 5;
    let delay = raw - spread / 2 + spread * jitter / 1000;
    u32::try_from(delay.min(u64::from(MAX_MS))).unwrap_or(MAX_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        assert!(delay_ms(1, 0) >= 250 && delay_ms(1, 1000) <= 500);
        assert!(delay_ms(2, 500) < delay_ms(3, 500));
        assert!(delay_ms(3, 500) < delay_ms(4, 500));
        for attempt in 1..100 {
            for jitter in [0, 500, 1000, u16::MAX] {
                assert!(delay_ms(attempt, jitter) <= MAX_MS);
            }
        }
        assert_eq!(delay_ms(40, 1000), MAX_MS);
    }

    #[test]
    fn jitter_spreads_the_delay() {
        assert!(delay_ms(5, 0) < delay_ms(5, 1000));
    }
}
