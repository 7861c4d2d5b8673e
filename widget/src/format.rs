//! Pure formatting helpers: message timestamps in the visitor's local time, file
//! sizes and types, and the size limit in a refusal's message.

use natter_protocol::UnixMillis;

/// `HH:MM` of `at` in a zone `tz_min` minutes east of UTC.
pub fn clock(at: UnixMillis, tz_min: i32) -> String {
    let local_min = (at.0.div_euclid(60_000) + i64::from(tz_min)).rem_euclid(24 * 60);
    // Digits by hand: `format!` would pull the formatting machinery into the wasm.
    let (h, m) = ((local_min / 60) as u8, (local_min % 60) as u8);
    [b'0' + h / 10, b'0' + h % 10, b':', b'0' + m / 10, b'0' + m % 10].iter().map(|&b| char::from(b)).collect()
}

/// A file size for people: `900 B`, `48 KB`, `2.5 MB` (decimal units, as the
/// relay counts its limits).
pub fn size(bytes: u64) -> String {
    let (whole, tenth, unit) = match bytes {
        0..1_000 => (bytes, None, " B"),
        1_000..1_000_000 => (bytes.div_ceil(1_000), None, " KB"),
        _ => {
            let tenths = bytes.div_ceil(100_000);
            (tenths / 10, Some(tenths % 10), " MB")
        }
    };
    let mut out = number(whole);
    if let Some(t) = tenth.filter(|t| *t > 0 && whole < 10) {
        out.push('.');
        out.push(char::from(b'0' + t as u8));
    }
    out + unit
}

/// `n` in decimal digits (`to_string` would bring the formatting machinery in).
pub fn number(n: u64) -> String {
    let mut digits = Vec::new();
    let mut m = n;
    loop {
        digits.push(b'0' + (m % 10) as u8);
        m /= 10;
        if m == 0 {
            break;
        }
    }
    digits.iter().rev().map(|&d| char::from(d)).collect()
}

/// A short name of a served type: `JPEG`, `PDF`, `TXT`, …
pub fn type_label(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        "image/webp" => "WebP",
        "image/gif" => "GIF",
        "application/pdf" => "PDF",
        "text/plain" => "TXT",
        _ => "",
    }
}

/// The limit a `file_too_large` message names, in MB: the first number, in
/// bytes (`over the limit of 10000000 bytes`) or in MB (`the 10 MB limit`).
pub fn limit_mb(message: &str) -> Option<u32> {
    let start = message.find(|c: char| c.is_ascii_digit())?;
    let rest = &message[start..];
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let n: u64 = rest[..end].parse().ok()?;
    let unit = rest[end..].trim_start();
    let mb = if unit.starts_with("MB") { n } else { n.div_ceil(1_000_000) };
    u32::try_from(mb).ok().filter(|_| unit.starts_with("MB") || unit.starts_with("bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(999), "999 B");
        assert_eq!(size(48_213), "49 KB");
        assert_eq!(size(2_500_000), "2.5 MB");
        assert_eq!(size(10_000_000), "10 MB");
        assert_eq!(size(12_340_000), "12 MB");
    }

    #[test]
    fn the_limit_is_read_from_the_message() {
        assert_eq!(limit_mb("the file is over the 10 MB limit"), Some(10));
        assert_eq!(limit_mb("limit: 25MB"), Some(25));
        assert_eq!(limit_mb("too large"), None);
        assert_eq!(limit_mb("the file is over the limit of 10000000 bytes"), Some(10));
        assert_eq!(limit_mb("2 files"), None);
        assert_eq!(type_label("application/pdf"), "PDF");
    }

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
