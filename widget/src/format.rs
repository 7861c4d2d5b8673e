//! Pure formatting helpers: message timestamps in the visitor's local time.

use natter_protocol::UnixMillis;

/// `HH:MM` of `at` in a zone `tz_min` minutes east of UTC.
pub fn clock(at: UnixMillis, tz_min: i32) -> String {
    let local_min = (at.0.div_euclid(60_000) + i64::from(tz_min)).rem_euclid(24 * 60);
    // Digits by hand: `format!` would pull the formatting machinery into the wasm.
    let (h, m) = ((local_min / 60) as u8, (local_min % 60) as u8);
    [b'0' + h / 10, b'0' + h % 10, b':', b'0' + m / 10, b'0' + m % 10].iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_uses_the_offset_and_wraps_midnight() {
        // 2024-01-01T23:30:00Z
        let at = UnixMillis(1_704_151_800_000);
        assert_eq!(clock(at, 0), "23:30");
        assert_eq!(clock(at, 7 * 60), "06:30");
        assert_eq!(clock(at, -60), "22:30");
        assert_eq!(clock(UnixMillis(0), 0), "00:00");
    }
}
