//! Reconnect delays: exponential from half a second up to 30 s, with jitter so a
//! relay restart is not met by every console at the same instant.

/// First retry delay.
pub const BASE_MS: u32 = 500;
/// Longest delay between attempts.
pub const MAX_MS: u32 = 30_000;

/// Delay before reconnect attempt number `attempt` (1 = first retry). `jitter` is
/// in 0..=1000 (per mille) and spreads the delay over ±20 %.
pub fn delay_ms(attempt: u32, jitter: u16) -> u32 {
    if attempt <= 1 {
        // The first retry is quick: most drops are a relay restart or a blip.
        return BASE_MS / 2 + u32::from(jitter.min(1000)) / 4;
    }
    let exp = attempt.saturating_sub(1).min(16);
    let raw = BASE_MS.saturating_mul(1 << exp).min(MAX_MS);
    let spread = u64::from(raw) * 2 / 5; // 40 % wide window
    let offset = spread * u64::from(jitter.min(1000)) / 1000;
    let delay = u64::from(raw) - spread / 2 + offset;
    u32::try_from(delay.min(u64::from(MAX_MS))).unwrap_or(MAX_MS)
}
