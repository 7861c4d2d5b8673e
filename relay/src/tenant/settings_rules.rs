//! Validation of tenant settings. Every rule names the offending field so the
//! admin API can answer `422` with it; nothing is stored unless all pass.

use std::collections::HashSet;

use natter_protocol::colour::{MIN_CONTRAST, contrast_ratio};
use natter_protocol::{
    CsatSettings, FieldKind, FileSettings, MAX_GREETING_RULES, MetricsSettings, RoutingSettings, TenantSettings,
    WidgetSettings,
};

/// Languages the widget speaks (keys of `widget.texts`, values of `widget.locale`).
const LANGUAGES: [&str; 2] = ["en", "th"];

/// `Err((field, reason))` for the first rule broken.
pub type Checked = Result<(), (String, String)>;

fn fail(field: &str, reason: impl Into<String>) -> Checked {
    Err((field.to_owned(), reason.into()))
}

pub fn validate(s: &TenantSettings) -> Checked {
    validate_widget(&s.widget)?;
    super::hours::validate(&s.hours)?;
    validate_routing(&s.routing)?;
    validate_files(&s.files)?;
    validate_csat(&s.csat)?;
    validate_metrics(&s.metrics)
}

fn validate_csat(c: &CsatSettings) -> Checked {
    text("csat.question", c.question.as_deref(), 200)?;
    for (lang, t) in &c.texts {
        if !LANGUAGES.contains(&lang.as_str()) {
            return fail("csat.texts", format!("unknown language '{lang}' (en or th)"));
        }
        text(&format!("csat.texts.{lang}.question"), t.question.as_deref(), 200)?;
    }
    if c.delay_secs > 3600 {
        return fail("csat.delay_secs", "must be 0 to 3600");
    }
    if !(1..=720).contains(&c.expiry_hours) {
        return fail("csat.expiry_hours", "must be 1 to 720");
    }
    Ok(())
}

fn validate_metrics(m: &MetricsSettings) -> Checked {
    if !(1..=30).contains(&m.fcr_reopen_days) {
        return fail("metrics.fcr_reopen_days", "must be 1 to 30");
    }
    let t = &m.targets;
    if t.yellow_margin_pct > 100 {
        return fail("metrics.targets.yellow_margin_pct", "must be 0 to 100");
    }
    if t.csat_avg_x100.is_some_and(|v| !(100..=500).contains(&v)) {
        return fail("metrics.targets.csat_avg_x100", "must be 100 to 500 (1.00 to 5.00)");
    }
    for (field, pct) in [("fcr_pct", t.fcr_pct), ("missed_pct", t.missed_pct)] {
        if pct.is_some_and(|v| v > 100) {
            return fail(&format!("metrics.targets.{field}"), "must be 0 to 100");
        }
    }
    for (field, secs) in [("frt_secs", t.frt_secs), ("resolution_secs", t.resolution_secs)] {
        if secs.is_some_and(|v| v == 0 || v > 604_800) {
            return fail(&format!("metrics.targets.{field}"), "must be 1 to 604800 seconds");
        }
    }
    Ok(())
}

fn validate_files(f: &FileSettings) -> Checked {
    if !(1..=100).contains(&f.max_mb) {
        return fail("files.max_mb", "must be 1 to 100");
    }
    if f.allowed_types.is_empty() {
        return fail("files.allowed_types", "allow at least one type (or turn visitor uploads off)");
    }
    let distinct: HashSet<_> = f.allowed_types.iter().collect();
    if distinct.len() != f.allowed_types.len() {
        return fail("files.allowed_types", "a type is listed twice");
    }
    Ok(())
}

fn colour(field: &str, v: &str) -> Checked {
    let ok = v.len() == 7 && v.starts_with('#') && v[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok { Ok(()) } else { fail(field, "must be a colour #rrggbb") }
}

fn text(field: &str, v: Option<&str>, max_chars: usize) -> Checked {
    match v {
        Some(t) if t.trim().is_empty() => fail(field, "must not be blank (omit it for the default)"),
        Some(t) if t.chars().count() > max_chars => fail(field, format!("at most {max_chars} characters")),
        _ => Ok(()),
    }
}

/// A custom text colour must stay readable on the primary colour (the visitor's
/// bubbles, the send icon, the header); the automatic one always is.
fn readable(w: &WidgetSettings) -> Checked {
    match contrast_ratio(&w.primary_color, &w.secondary_color) {
        Some(r) if !w.auto_text_color && r < MIN_CONTRAST => fail(
            "widget.secondary_color",
            format!(
                "the text colour has a contrast of {r:.1}:1 on the main colour; at least 3:1 is needed \
                 (4.5:1 recommended): choose another colour or the automatic text colour"
            ),
        ),
        _ => Ok(()),
    }
}

/// The per-language header and greeting, with the same limits as the defaults.
fn texts(w: &WidgetSettings) -> Checked {
    for (lang, t) in &w.texts {
        let at = |name: &str| format!("widget.texts.{lang}.{name}");
        if !LANGUAGES.contains(&lang.as_str()) {
            return fail(&format!("widget.texts.{lang}"), "texts are for en or th");
        }
        text(&at("header"), t.header.as_deref(), 60)?;
        text(&at("greeting"), t.greeting.as_deref(), 500)?;
    }
    Ok(())
}

/// Proactive greetings: bounded in number and size, every text present.
fn greetings(w: &WidgetSettings) -> Checked {
    if !(1..=720).contains(&w.greetings_every_hours) {
        return fail("widget.greetings_every_hours", "must be 1 to 720");
    }
    if w.greetings.len() > MAX_GREETING_RULES {
        return fail("widget.greetings", format!("at most {MAX_GREETING_RULES} greetings"));
    }
    for (i, g) in w.greetings.iter().enumerate() {
        let at = |name: &str| format!("widget.greetings[{i}].{name}");
        if g.name.trim().is_empty() || g.name.chars().count() > 60 {
            return fail(&at("name"), "a name is 1 to 60 characters");
        }
        if g.url_pattern.chars().count() > 200 || g.url_pattern.chars().any(char::is_whitespace) {
            return fail(&at("url_pattern"), "a path pattern like /products/*, at most 200 characters, no spaces");
        }
        if g.min_seconds_on_page > 3600 {
            return fail(&at("min_seconds_on_page"), "must be 0 to 3600");
        }
        if g.min_scroll_percent > 100 {
            return fail(&at("min_scroll_percent"), "must be 0 to 100");
        }
        if g.text.trim().is_empty() {
            return fail(&at("text"), "write the greeting");
        }
        text(&at("text"), Some(&g.text), 200)?;
        for (lang, t) in &g.texts {
            if !LANGUAGES.contains(&lang.as_str()) {
                return fail(&at(&format!("texts.{lang}")), "texts are for en or th");
            }
            text(&at(&format!("texts.{lang}")), Some(t), 200)?;
        }
    }
    Ok(())
}

fn validate_widget(w: &WidgetSettings) -> Checked {
    colour("widget.primary_color", &w.primary_color)?;
    colour("widget.secondary_color", &w.secondary_color)?;
    readable(w)?;
    if w.offset_x > 200 {
        return fail("widget.offset_x", "must be 0 to 200");
    }
    if w.offset_y > 200 {
        return fail("widget.offset_y", "must be 0 to 200");
    }
    text("widget.header", w.header.as_deref(), 60)?;
    text("widget.greeting", w.greeting.as_deref(), 500)?;
    texts(w)?;
    greetings(w)?;
    text("widget.offline_message", w.offline_message.as_deref(), 500)?;
    if let Some(l) = &w.locale
        && !LANGUAGES.contains(&l.as_str())
    {
        return fail("widget.locale", "must be en or th");
    }
    if let Some(d) = w.auto_open_delay_secs
        && !(1..=3600).contains(&d)
    {
        return fail("widget.auto_open_delay_secs", "must be 1 to 3600");
    }
    if let Some(d) = w.offline_after_secs
        && !(10..=3600).contains(&d)
    {
        return fail("widget.offline_after_secs", "must be 10 to 3600");
    }
    let mut keys = HashSet::new();
    if w.prechat.fields.len() > 12 {
        return fail("widget.prechat.fields", "at most 12 fields");
    }
    for (i, f) in w.prechat.fields.iter().enumerate() {
        let at = |name: &str| format!("widget.prechat.fields[{i}].{name}");
        let key_ok = !f.key.is_empty()
            && f.key.len() <= 32
            && f.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return fail(&at("key"), "1 to 32 characters of a-z, 0-9, _");
        }
        if !keys.insert(f.key.as_str()) {
            return fail(&at("key"), "duplicate key");
        }
        text(&at("label"), Some(&f.label), 80)?;
        let needs_options = matches!(f.kind, FieldKind::Department | FieldKind::Select);
        match (needs_options, f.options.len()) {
            (true, 1..=20) => {}
            (true, _) => return fail(&at("options"), "1 to 20 options"),
            (false, 0) => {}
            (false, _) => return fail(&at("options"), "only department and select fields have options"),
        }
        for (j, o) in f.options.iter().enumerate() {
            text(&format!("widget.prechat.fields[{i}].options[{j}]"), Some(o), 60)?;
            if f.kind == FieldKind::Department && !is_skill(o) {
                return fail(
                    &format!("widget.prechat.fields[{i}].options[{j}]"),
                    "departments are skills: a-z, 0-9, -, at most 32",
                );
            }
        }
    }
    Ok(())
}

fn validate_routing(r: &RoutingSettings) -> Checked {
    let range = |field: &str, v: u32, lo: u32, hi: u32| {
        if (lo..=hi).contains(&v) { Ok(()) } else { fail(field, format!("must be {lo} to {hi}")) }
    };
    range("routing.default_max_chats", r.default_max_chats, 1, 50)?;
    range("routing.abandon_after_secs", r.abandon_after_secs, 1, 86_400)?;
    range("routing.inactive_close_after_secs", r.inactive_close_after_secs, 1, 604_800)?;
    range("routing.away_after_secs", r.away_after_secs, 1, 86_400)?;
    range("routing.offline_grace_secs", r.offline_grace_secs, 0, 3600)
}

/// Skills (and departments) are short slugs.
pub fn is_skill(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use natter_protocol::{GreetingRule, PrechatField, WidgetTexts};

    use super::*;

    fn thai(s: &mut TenantSettings) -> &mut WidgetTexts {
        s.widget.texts.entry("th".into()).or_default()
    }

    fn custom_colours(primary: &str, secondary: &str) -> TenantSettings {
        let mut s = TenantSettings::default();
        s.widget.auto_text_color = false;
        s.widget.primary_color = primary.into();
        s.widget.secondary_color = secondary.into();
        s
    }

    #[test]
    fn unreadable_custom_text_colours_are_refused_with_the_ratio() {
        // Yellow with white text: 1.3:1.
        let (field, reason) = validate(&custom_colours("#fde047", "#ffffff")).unwrap_err();
        assert_eq!(field, "widget.secondary_color");
        assert!(reason.contains("1.3:1"), "{reason}");
        // 3:1 is the floor: #949494 on white is 3.03:1, #959595 2.99:1.
        assert_eq!(validate(&custom_colours("#949494", "#ffffff")), Ok(()));
        assert!(validate(&custom_colours("#959595", "#ffffff")).is_err());
        assert_eq!(validate(&custom_colours("#000000", "#fde047")), Ok(()));
        // Automatic text colour makes any main colour acceptable.
        let mut auto = custom_colours("#fde047", "#ffffff");
        auto.widget.auto_text_color = true;
        assert_eq!(validate(&auto), Ok(()));
        assert_eq!(auto.widget.text_color(), "#000000");
    }

    #[test]
    fn texts_per_language_are_accepted_within_limits() {
        let mut s = TenantSettings::default();
        thai(&mut s).header = Some("ก".repeat(60));
        thai(&mut s).greeting = Some("สวัสดีค่ะ".into());
        s.widget.texts.insert("en".into(), WidgetTexts { header: None, greeting: Some("Hi!".into()) });
        assert_eq!(validate(&s), Ok(()));
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&TenantSettings::default()), Ok(()));
    }

    fn greeting() -> GreetingRule {
        GreetingRule { name: "Tea page".into(), text: "Questions about our teas?".into(), ..GreetingRule::default() }
    }

    #[test]
    fn each_rule_names_its_field() {
        type Breaker = Box<dyn Fn(&mut TenantSettings)>;
        let cases: Vec<(Breaker, &str)> = vec![
            (Box::new(|s| s.widget.primary_color = "red".into()), "widget.primary_color"),
            (Box::new(|s| s.widget.offset_y = 500), "widget.offset_y"),
            (Box::new(|s| s.widget.locale = Some("fr".into())), "widget.locale"),
            (Box::new(|s| s.widget.header = Some("x".repeat(61))), "widget.header"),
            (
                Box::new(|s| {
                    s.widget.texts.insert("fr".into(), WidgetTexts::default());
                }),
                "widget.texts.fr",
            ),
            (Box::new(|s| thai(s).header = Some("ก".repeat(61))), "widget.texts.th.header"),
            (Box::new(|s| thai(s).greeting = Some(" ".into())), "widget.texts.th.greeting"),
            (
                Box::new(|s| {
                    s.widget.auto_text_color = false;
                    s.widget.primary_color = "#fde047".into();
                }),
                "widget.secondary_color",
            ),
            (Box::new(|s| s.widget.auto_open_delay_secs = Some(0)), "widget.auto_open_delay_secs"),
            (Box::new(|s| s.widget.offline_after_secs = Some(9)), "widget.offline_after_secs"),
            (Box::new(|s| s.widget.greetings_every_hours = 0), "widget.greetings_every_hours"),
            (Box::new(|s| s.widget.greetings = vec![greeting(); 11]), "widget.greetings"),
            (
                Box::new(|s| s.widget.greetings = vec![GreetingRule { name: " ".into(), ..greeting() }]),
                "widget.greetings[0].name",
            ),
            (
                Box::new(|s| s.widget.greetings = vec![GreetingRule { url_pattern: "/a b".into(), ..greeting() }]),
                "widget.greetings[0].url_pattern",
            ),
            (
                Box::new(|s| s.widget.greetings = vec![GreetingRule { min_scroll_percent: 101, ..greeting() }]),
                "widget.greetings[0].min_scroll_percent",
            ),
            (
                Box::new(|s| s.widget.greetings = vec![GreetingRule { text: "".into(), ..greeting() }]),
                "widget.greetings[0].text",
            ),
            (
                Box::new(|s| {
                    let mut g = greeting();
                    g.texts.insert("fr".into(), "Bonjour".into());
                    s.widget.greetings = vec![g];
                }),
                "widget.greetings[0].texts.fr",
            ),
            (Box::new(|s| s.routing.default_max_chats = 0), "routing.default_max_chats"),
            (Box::new(|s| s.routing.offline_grace_secs = 99_999), "routing.offline_grace_secs"),
            (Box::new(|s| s.files.max_mb = 0), "files.max_mb"),
            (Box::new(|s| s.files.max_mb = 101), "files.max_mb"),
            (Box::new(|s| s.files.allowed_types.clear()), "files.allowed_types"),
            (Box::new(|s| s.files.allowed_types.push(natter_protocol::FileType::Pdf)), "files.allowed_types"),
            (
                Box::new(|s| {
                    s.widget.prechat.fields = vec![PrechatField {
                        key: "dept".into(),
                        label: "Department".into(),
                        kind: FieldKind::Department,
                        required: true,
                        options: vec![],
                    }]
                }),
                "widget.prechat.fields[0].options",
            ),
        ];
        for (break_it, field) in cases {
            let mut s = TenantSettings::default();
            break_it(&mut s);
            assert_eq!(validate(&s).unwrap_err().0, field);
        }
    }
}
