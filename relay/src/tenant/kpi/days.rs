//! Tenant-local days (pure): where an instant falls in the tenant's time zone,
//! day keys (`YYYYMMDD` integers, ordered like the dates), date ranges, and
//! nearest-rank percentiles. jiff does the zone arithmetic, DST included.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use natter_protocol::UnixMillis;

/// Where an instant falls locally: day key, hour (0–23), weekday (0 = Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub day: i64,
    pub hour: i64,
    pub weekday: i64,
}

/// The tenant's zone; an unknown name (validated away at save) falls back to UTC.
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

pub fn place(tz: &TimeZone, at: UnixMillis) -> Place {
    let zoned = jiff::Timestamp::from_millisecond(at.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH).to_zoned(tz.clone());
    Place {
        day: key(zoned.date()),
        hour: i64::from(zoned.hour()),
        weekday: i64::from(zoned.weekday().to_monday_zero_offset()),
    }
}

/// `2026-03-29` → `20260329`.
pub fn key(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// `20260329` → the date, if it is one.
pub fn from_key(k: i64) -> Option<Date> {
    let (y, m, d) = (k / 10_000, (k / 100) % 100, k % 100);
    Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// `YYYY-MM-DD`, strictly.
pub fn parse(s: &str) -> Option<Date> {
    if s.len() != 10 {
        return None;
    }
    s.parse::<Date>().ok()
}

pub fn today(tz: &TimeZone, now: UnixMillis) -> Date {
    from_key(place(tz, now).day).unwrap_or(Date::constant(1970, 1, 1))
}

/// The instant a local day starts (its first valid local time: DST gaps move it).
pub fn start_of(tz: &TimeZone, d: Date) -> UnixMillis {
    let start = d.to_zoned(tz.clone()).map(|z| z.timestamp().as_millisecond());
    UnixMillis(start.unwrap_or(0))
}

/// Days from `from` to `to`, both included (0 if `to` is before `from`).
pub fn span(from: Date, to: Date) -> i64 {
    from.until(to).map(|s| i64::from(s.get_days()) + 1).unwrap_or(0).max(0)
}

/// `d` moved by `n` days (clamped to the calendar jiff supports).
pub fn shift(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// Every date from `from` to `to`, both included.
pub fn each(from: Date, to: Date) -> impl Iterator<Item = Date> {
    (0..span(from, to)).map(move |i| shift(from, i))
}

/// The nearest-rank percentile `p` (1–100) of sorted values: the smallest value
/// with at least `p` % of the values at or below it.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).unwrap_or(0)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(iso: &str) -> UnixMillis {
        UnixMillis(iso.parse::<jiff::Timestamp>().unwrap().as_millisecond())
    }

    #[test]
    fn an_instant_falls_on_the_local_day_and_hour_across_dst() {
        let berlin = zone("Europe/Berlin");
        // 2026-03-29: clocks go from 02:00 to 03:00 (UTC+1 → UTC+2).
        assert_eq!(place(&berlin, at("2026-03-28T23:30:00Z")), Place { day: 20260329, hour: 0, weekday: 6 });
        assert_eq!(place(&berlin, at("2026-03-29T01:30:00Z")).hour, 3);
        assert_eq!(place(&berlin, at("2026-03-29T22:30:00Z")).day, 20260330);
        let d = parse("2026-03-29").unwrap();
        let day_ms = start_of(&berlin, shift(d, 1)).0 - start_of(&berlin, d).0;
        assert_eq!(day_ms, 23 * 3_600_000, "the day clocks go forward has 23 hours");
    }

    #[test]
    fn keys_round_trip_and_spans_count_both_ends() {
        let d = parse("2026-12-31").unwrap();
        assert_eq!(from_key(key(d)), Some(d));
        assert_eq!(span(parse("2026-12-25").unwrap(), d), 7);
        assert_eq!(each(d, shift(d, 1)).map(key).collect::<Vec<_>>(), [20261231, 20270101]);
        assert!(parse("2026-2-1").is_none() && parse("2026-02-30").is_none());
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        assert_eq!(percentile(&v, 50), Some(50));
        assert_eq!(percentile(&v, 90), Some(90));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
        assert_eq!(percentile(&[], 50), None);
    }
}
