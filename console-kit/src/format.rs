//! Turning times into words: "3 min" wait times, "14:05" clock times in the agent's
//! time zone, and a conversation's label.

use natter_protocol::UnixMillis;

use crate::i18n::{Strings, fill};
use crate::state::conv::Label;

/// A duration in the largest unit that fits: "45s", "3 min", "2 h", "4 d".
pub fn duration(s: &Strings, ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    if secs < 5 {
        s.t_now.to_owned()
    } else if secs < 60 {
        fill(s.t_secs, &[&secs.to_string()])
    } else if secs < 3600 {
        fill(s.t_mins, &[&(secs / 60).to_string()])
    } else if secs < 86_400 {
        fill(s.t_hours, &[&(secs / 3600).to_string()])
    } else {
        fill(s.t_days, &[&(secs / 86_400).to_string()])
    }
}

/// A file size as people read it, in powers of 1,000 like the relay's limits:
/// "512 B", "48 KB", "1.2 MB", "15 MB".
pub fn bytes(n: u64) -> String {
    // Integer arithmetic only: float formatting would weigh on the wasm.
    let (unit, scale): (&str, u64) = match n {
        0..1_000 => return format!("{n} B"),
        1_000..999_500 => ("KB", 1_000),
        999_500..999_500_000 => ("MB", 1_000_000),
        _ => ("GB", 1_000_000_000),
    };
    // u64 only (u128 division would weigh on the wasm); sizes near u64::MAX saturate.
    let tenths = (n.saturating_mul(10) + scale / 2) / scale;
    if tenths < 100 {
        format!("{}.{} {unit}", tenths / 10, tenths % 10)
    } else {
        format!("{} {unit}", n.saturating_add(scale / 2) / scale)
    }
}

/// "HH:MM" of `at`, shifted by `offset_min` minutes east of UTC.
pub fn clock(at: UnixMillis, offset_min: i32) -> String {
    let local = at.0.div_euclid(1000) + i64::from(offset_min) * 60;
    let day_secs = local.rem_euclid(86_400);
    format!("{:02}:{:02}", day_secs / 3600, (day_secs % 3600) / 60)
}

/// "YYYY-MM-DD HH:MM" of `at` in the same zone (for tooltips and the header).
pub fn date_time(at: UnixMillis, offset_min: i32) -> String {
    let local = at.0.div_euclid(1000) + i64::from(offset_min) * 60;
    let days = local.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {}", clock(at, offset_min))
}

/// "UTC+7", "UTC+5:30", "UTC-3:30", "UTC": a fixed offset east of UTC.
pub fn utc_offset(offset_min: i32) -> String {
    if offset_min == 0 {
        return "UTC".to_owned();
    }
    let sign = if offset_min < 0 { '-' } else { '+' };
    let (h, m) = (offset_min.abs() / 60, offset_min.abs() % 60);
    if m == 0 { format!("UTC{sign}{h}") } else { format!("UTC{sign}{h}:{m:02}") }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

/// The words for a conversation label.
pub fn label(s: &Strings, l: &Label) -> String {
    match l {
        Label::Name(n) => n.clone(),
        Label::Visitor(id) => fill(s.visitor_n, &[&id.to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, TH};

    #[test]
    fn sizes_read_in_powers_of_a_thousand() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1000), "1.0 KB");
        assert_eq!(bytes(48_213), "48 KB");
        assert_eq!(bytes(999_499), "999 KB");
        assert_eq!(bytes(999_500), "1.0 MB");
        assert_eq!(bytes(1_234_567), "1.2 MB");
        assert_eq!(bytes(15_000_000), "15 MB");
        assert_eq!(bytes(2_000_000_000), "2.0 GB");
    }

    #[test]
    fn utc_offsets_read_as_people_write_them() {
        assert_eq!(utc_offset(420), "UTC+7");
        assert_eq!(utc_offset(330), "UTC+5:30");
        assert_eq!(utc_offset(-210), "UTC-3:30");
        assert_eq!(utc_offset(0), "UTC");
        // 23:30 UTC is 06:30 the next day in Bangkok.
        assert_eq!(clock(UnixMillis(84_600_000), 420), "06:30");
    }

    #[test]
    fn durations_pick_the_largest_unit() {
        assert_eq!(duration(&EN, 1_000), "now");
        assert_eq!(duration(&EN, 45_000), "45s");
        assert_eq!(duration(&EN, 3 * 60_000 + 59_000), "3 min");
        assert_eq!(duration(&EN, 2 * 3_600_000), "2 h");
        assert_eq!(duration(&EN, 3 * 86_400_000), "3 d");
        assert_eq!(duration(&TH, 120_000), "2 นาที");
        assert_eq!(duration(&EN, -5), "now");
    }

    #[test]
    fn clock_and_date_follow_the_offset() {
        // 2024-03-01 23:30:00 UTC
        let at = UnixMillis(1_709_335_800_000);
        assert_eq!(clock(at, 0), "23:30");
        assert_eq!(clock(at, 7 * 60), "06:30");
        assert_eq!(date_time(at, 7 * 60), "2024-03-02 06:30");
        assert_eq!(date_time(at, -300), "2024-03-01 18:30");
        assert_eq!(date_time(UnixMillis(0), 0), "1970-01-01 00:00");
    }
}
