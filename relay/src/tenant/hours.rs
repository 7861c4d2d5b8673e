//! Business hours: whether a tenant is open at an instant, in its own IANA time
//! zone (jiff does the zone arithmetic, daylight saving included).

use natter_protocol::{BusinessHours, ForceState, Interval, UnixMillis, Weekday};

/// Whether the shop takes chats at `now`.
pub fn is_open(hours: &BusinessHours, now: UnixMillis) -> bool {
    match hours.force {
        Some(ForceState::Open) => return true,
        Some(ForceState::Closed) => return false,
        None => {}
    }
    if !hours.enabled {
        return true;
    }
    // Settings are validated before they are stored; a zone that no longer
    // resolves (an outdated tz database) falls back to "open" rather than
    // silently turning every visitor away.
    let (Ok(tz), Ok(ts)) = (jiff::tz::TimeZone::get(&hours.timezone), jiff::Timestamp::from_millisecond(now.0)) else {
        return true;
    };
    let local = ts.to_zoned(tz);
    let date = local.date().to_string();
    if hours.holidays.contains(&date) {
        return false;
    }
    let day = weekday(local.weekday());
    let minute = u32::from(local.hour().unsigned_abs()) * 60 + u32::from(local.minute().unsigned_abs());
    hours.weekly.get(&day).into_iter().flatten().filter_map(|i| minutes(i).ok()).any(|(s, e)| s <= minute && minute < e)
}

fn weekday(w: jiff::civil::Weekday) -> Weekday {
    use jiff::civil::Weekday as J;
    match w {
        J::Monday => Weekday::Mon,
        J::Tuesday => Weekday::Tue,
        J::Wednesday => Weekday::Wed,
        J::Thursday => Weekday::Thu,
        J::Friday => Weekday::Fri,
        J::Saturday => Weekday::Sat,
        J::Sunday => Weekday::Sun,
    }
}

/// An interval as minutes of the day, `start < end`.
fn minutes(i: &Interval) -> Result<(u32, u32), &'static str> {
    let start = hhmm(&i.start).ok_or("start must be HH:MM (00:00–23:59)")?;
    let end = hhmm(&i.end).ok_or("end must be HH:MM (00:01–24:00)")?;
    if start >= end || start >= 24 * 60 {
        return Err("start must be before end");
    }
    Ok((start, end))
}

fn hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Checks business hours; `Err((field, reason))` names the first problem.
pub fn validate(hours: &BusinessHours) -> Result<(), (String, String)> {
    if jiff::tz::TimeZone::get(&hours.timezone).is_err() {
        return Err(("hours.timezone".into(), format!("unknown IANA time zone {:?}", hours.timezone)));
    }
    for (day, intervals) in &hours.weekly {
        let field = format!(
            "hours.weekly.{}",
            serde_json::to_value(day).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
        );
        if intervals.len() > 8 {
            return Err((field, "at most 8 intervals per day".into()));
        }
        let mut spans = Vec::new();
        for (i, interval) in intervals.iter().enumerate() {
            spans.push(minutes(interval).map_err(|e| (format!("{field}[{i}]"), e.to_owned()))?);
        }
        spans.sort_unstable();
        if spans.windows(2).any(|w| w[1].0 < w[0].1) {
            return Err((field, "intervals overlap".into()));
        }
    }
    if hours.holidays.len() > 366 {
        return Err(("hours.holidays".into(), "at most 366 holidays".into()));
    }
    for (i, h) in hours.holidays.iter().enumerate() {
        if h.parse::<jiff::civil::Date>().is_err() || h.len() != 10 {
            return Err((format!("hours.holidays[{i}]"), "must be a date YYYY-MM-DD".into()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn at(iso: &str) -> UnixMillis {
        UnixMillis(iso.parse::<jiff::Timestamp>().unwrap().as_millisecond())
    }

    fn bangkok_9_to_17() -> BusinessHours {
        let day = vec![Interval { start: "09:00".into(), end: "17:00".into() }];
        BusinessHours {
            enabled: true,
            timezone: "Asia/Bangkok".into(),
            weekly: BTreeMap::from([(Weekday::Mon, day.clone()), (Weekday::Tue, day)]),
            holidays: vec!["2026-11-24".into()],
            force: None,
        }
    }

    #[test]
    fn open_inside_local_intervals_only() {
        let h = bangkok_9_to_17();
        // Monday 2026-11-23, Bangkok is UTC+7.
        assert!(!is_open(&h, at("2026-11-23T01:59:00Z")), "08:59 local");
        assert!(is_open(&h, at("2026-11-23T02:00:00Z")), "09:00 local");
        assert!(is_open(&h, at("2026-11-23T09:59:00Z")), "16:59 local");
        assert!(!is_open(&h, at("2026-11-23T10:00:00Z")), "17:00 local");
        assert!(!is_open(&h, at("2026-11-24T03:00:00Z")), "Tuesday is a holiday");
        assert!(!is_open(&h, at("2026-11-25T03:00:00Z")), "no hours on Wednesday");
    }

    #[test]
    fn overrides_and_disabled_schedules() {
        let mut h = bangkok_9_to_17();
        h.force = Some(ForceState::Open);
        assert!(is_open(&h, at("2026-11-25T03:00:00Z")));
        h.force = Some(ForceState::Closed);
        assert!(!is_open(&h, at("2026-11-23T03:00:00Z")));
        assert!(is_open(&BusinessHours::default(), at("2026-11-25T03:00:00Z")));
    }

    #[test]
    fn follows_daylight_saving() {
        let day = vec![Interval { start: "09:00".into(), end: "10:00".into() }];
        let h = BusinessHours {
            enabled: true,
            timezone: "Europe/Berlin".into(),
            weekly: BTreeMap::from([(Weekday::Mon, day)]),
            holidays: vec![],
            force: None,
        };
        assert!(is_open(&h, at("2026-07-06T07:30:00Z")), "summer: UTC+2");
        assert!(is_open(&h, at("2026-12-07T08:30:00Z")), "winter: UTC+1");
        assert!(!is_open(&h, at("2026-12-07T07:30:00Z")));
    }

    #[test]
    fn validation_names_the_field() {
        let mut h = bangkok_9_to_17();
        assert!(validate(&h).is_ok());
        h.timezone = "Mars/Olympus".into();
        assert_eq!(validate(&h).unwrap_err().0, "hours.timezone");
        let mut h = bangkok_9_to_17();
        h.weekly.insert(Weekday::Fri, vec![Interval { start: "18:00".into(), end: "09:00".into() }]);
        assert_eq!(validate(&h).unwrap_err(), ("hours.weekly.fri[0]".into(), "start must be before end".into()));
        let mut h = bangkok_9_to_17();
        h.weekly.insert(
            Weekday::Sat,
            vec![
                Interval { start: "09:00".into(), end: "12:00".into() },
                Interval { start: "11:00".into(), end: "13:00".into() },
            ],
        );
        assert_eq!(validate(&h).unwrap_err().1, "intervals overlap");
        let mut h = bangkok_9_to_17();
        h.holidays.push("2026-13-01".into());
        assert_eq!(validate(&h).unwrap_err().0, "hours.holidays[1]");
        let mut h = bangkok_9_to_17();
        h.weekly.insert(Weekday::Sun, vec![Interval { start: "00:00".into(), end: "24:00".into() }]);
        assert!(validate(&h).is_ok(), "a whole day is fine");
    }
}
