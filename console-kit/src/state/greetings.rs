//! The settings page's proactive greetings and waiting fields, as pure edits of
//! the settings document (applied inside the reducer through
//! [`ItemSetter`](super::admin::ItemSetter)s and setters, so quick edits never
//! overwrite each other), and the wording of the relay's refusals of them.

use natter_protocol::{GreetingAction, GreetingAudience, GreetingRule, MAX_GREETING_RULES, TenantSettings};

use super::admin::{AdminState, number, optional};
use crate::i18n::{Strings, WorkspaceStrings, workspace};

/// Appends a rule (up to [`MAX_GREETING_RULES`]) with a name the admin can change.
pub fn add_rule(d: &mut TenantSettings) {
    let list = &mut d.widget.greetings;
    if list.len() < MAX_GREETING_RULES {
        let name = format!("Greeting {}", list.len() + 1);
        list.push(GreetingRule { name, ..GreetingRule::default() });
    }
}

pub fn remove_rule(d: &mut TenantSettings, i: usize) {
    if i < d.widget.greetings.len() {
        d.widget.greetings.remove(i);
    }
}

/// Swaps rule `i` with the one above (first match wins, so order matters).
pub fn move_up(d: &mut TenantSettings, i: usize) {
    if i > 0 && i < d.widget.greetings.len() {
        d.widget.greetings.swap(i - 1, i);
    }
}

pub fn move_down(d: &mut TenantSettings, i: usize) {
    if i + 1 < d.widget.greetings.len() {
        d.widget.greetings.swap(i, i + 1);
    }
}

/// Runs `f` on rule `i`, if there is one.
pub fn with_rule(d: &mut TenantSettings, i: usize, f: impl FnOnce(&mut GreetingRule)) {
    if let Some(rule) = d.widget.greetings.get_mut(i) {
        f(rule);
    }
}

/// The Thai greeting as typed; blank removes it (the default text shows).
pub fn set_text_th(rule: &mut GreetingRule, value: &str) {
    match optional(value) {
        Some(t) => rule.texts.insert("th".into(), t),
        None => rule.texts.remove("th"),
    };
}

pub fn audience_of(v: &str) -> Option<GreetingAudience> {
    Some(match v {
        "everyone" => GreetingAudience::Everyone,
        "new" => GreetingAudience::New,
        "returning" => GreetingAudience::Returning,
        _ => return None,
    })
}

pub fn audience_key(a: GreetingAudience) -> &'static str {
    match a {
        GreetingAudience::Everyone => "everyone",
        GreetingAudience::New => "new",
        GreetingAudience::Returning => "returning",
    }
}

pub fn action_of(v: &str) -> GreetingAction {
    if v == "open" { GreetingAction::Open } else { GreetingAction::Teaser }
}

/// `widget.offline_after_secs` as typed: blank is none; what is not a number keeps the old value.
pub fn set_offline_after(d: &mut TenantSettings, v: &str) {
    if v.trim().is_empty() {
        d.widget.offline_after_secs = None;
    } else if let Some(n) = number(v) {
        d.widget.offline_after_secs = Some(n);
    }
}

/// The error shown at `field` (or inside it), worded by the rule it breaks;
/// the settings page's own wording, else the relay's words.
pub fn error_text<'a>(
    a: &'a AdminState,
    field: &str,
    s: &'static Strings,
    w: &'static WorkspaceStrings,
) -> Option<&'a str> {
    a.error_for(field)?;
    let refused = a.error.as_ref().map(|e| e.field.as_str()).unwrap_or_default();
    workspace::rule_text(refused, w).or_else(|| a.error_text(field, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Locale, workspace::EN};
    use crate::state::admin::{AdminAction, FieldError, ItemSetter};

    fn names(d: &TenantSettings) -> Vec<&str> {
        d.widget.greetings.iter().map(|g| g.name.as_str()).collect()
    }

    #[test]
    fn rules_are_added_up_to_ten_moved_and_removed() {
        let mut d = TenantSettings::default();
        for _ in 0..12 {
            add_rule(&mut d);
        }
        assert_eq!(d.widget.greetings.len(), MAX_GREETING_RULES);
        d.widget.greetings.truncate(3);
        move_up(&mut d, 2);
        assert_eq!(names(&d), ["Greeting 1", "Greeting 3", "Greeting 2"]);
        move_up(&mut d, 0);
        move_down(&mut d, 2);
        assert_eq!(names(&d), ["Greeting 1", "Greeting 3", "Greeting 2"], "nothing past the ends");
        move_down(&mut d, 0);
        remove_rule(&mut d, 2);
        remove_rule(&mut d, 9);
        assert_eq!(names(&d), ["Greeting 3", "Greeting 1"]);
    }

    #[test]
    fn edits_go_through_the_reducer_to_the_right_rule() {
        let mut a = AdminState::default();
        a.apply(AdminAction::Set(crate::state::admin::Setter(|d, _| add_rule(d)), String::new()));
        a.apply(AdminAction::Set(crate::state::admin::Setter(|d, _| add_rule(d)), String::new()));
        a.apply(AdminAction::SetItem(1, ItemSetter(|d, i, v| with_rule(d, i, |r| set_text_th(r, v))), " สวัสดี ".into()));
        assert_eq!(a.draft.widget.greetings[1].texts.get("th").map(String::as_str), Some("สวัสดี"));
        a.apply(AdminAction::SetItem(1, ItemSetter(|d, i, v| with_rule(d, i, |r| set_text_th(r, v))), "".into()));
        assert!(a.draft.widget.greetings[1].texts.is_empty());
        a.apply(AdminAction::SetItem(0, ItemSetter(|d, i, _| remove_rule(d, i)), String::new()));
        assert_eq!(names(&a.draft), ["Greeting 2"]);
        let mut d = TenantSettings::default();
        set_offline_after(&mut d, "30");
        set_offline_after(&mut d, "3x");
        assert_eq!(d.widget.offline_after_secs, Some(30));
        set_offline_after(&mut d, " ");
        assert_eq!(d.widget.offline_after_secs, None);
    }

    #[test]
    fn a_refused_greeting_field_is_worded_at_that_field_only() {
        let mut a = AdminState::default();
        a.apply(AdminAction::SaveFailed {
            field: Some("widget.greetings[1].text".into()),
            message: "widget.greetings[1].text: write the greeting".into(),
        });
        let s = Locale::En.strings();
        assert_eq!(error_text(&a, "widget.greetings[1].text", s, &EN), Some(EN.fe_g_text));
        assert_eq!(error_text(&a, "widget.greetings[0].text", s, &EN), None);
        assert_eq!(error_text(&a, "widget.greetings[1]", s, &EN), Some(EN.fe_g_text));
        a.error = Some(FieldError { field: "widget.primary_color".into(), message: "x".into() });
        assert_eq!(error_text(&a, "widget.primary_color", s, &EN), Some(s.fe_colour));
    }
}
