//! Settings page, widget section: colours (with the live contrast of the text
//! on the main colour and the automatic text colour), corner and offsets, the
//! header and greeting for all languages and per language, language, auto-open
//! delay, what the visitor sees (names, avatars, typing, read receipts, sound)
//! and the offline form's message.

use natter_protocol::colour::{AA_CONTRAST, MIN_CONTRAST, contrast_ratio};
use natter_protocol::{TenantSettings, WidgetPosition, WidgetSettings};
use yew::prelude::*;

use super::form_bits::{
    Input, check, error_line, input, input_with_placeholder, on_select, textarea, textarea_with_placeholder,
};
use super::use_store;
use crate::i18n::{Locale, Strings, fill};
use crate::state::Action;
use crate::state::admin::{AdminAction, AdminState, TextSlot, chosen_text_color, number, optional, set_language_text};

/// A text input showing the relay's error for `field`, in words for people.
fn text<'a>(
    a: &'a AdminState,
    s: &'static Strings,
    id: &'a str,
    label: &'a str,
    value: &'a str,
    field: &str,
) -> Input<'a> {
    Input { id, label, kind: "text", value, error: a.error_text(field, s) }
}

fn offset(v: &str, old: u16) -> u16 {
    number(v).and_then(|n| u16::try_from(n).ok()).unwrap_or(old)
}

type Write = fn(&mut TenantSettings, &str);

/// Where the header and greeting of a text tab (`""`: all languages) are written.
fn text_setters(lang: &str) -> (Write, Write) {
    match lang {
        "en" => (
            |d, v| set_language_text(d, "en", TextSlot::Header, v),
            |d, v| set_language_text(d, "en", TextSlot::Greeting, v),
        ),
        "th" => (
            |d, v| set_language_text(d, "th", TextSlot::Header, v),
            |d, v| set_language_text(d, "th", TextSlot::Greeting, v),
        ),
        _ => (|d, v| d.widget.header = optional(v), |d, v| d.widget.greeting = optional(v)),
    }
}

/// The contrast of the text visitors will see on the main colour, with a warning
/// below WCAG AA (4.5:1) and a refusal below 3:1.
fn contrast_line(s: &Strings, w: &WidgetSettings) -> Html {
    let Some(ratio) = contrast_ratio(&w.primary_color, &chosen_text_color(w)) else { return html! {} };
    // Rounded down, so 4.48 never reads as "4.5".
    let shown = format!("{:.1}", (ratio * 10.0).floor() / 10.0);
    let (class, template) = if ratio >= AA_CONTRAST {
        ("contrast ok", s.w_contrast_ok)
    } else if ratio >= MIN_CONTRAST {
        ("contrast warn", s.w_contrast_low)
    } else {
        ("contrast bad", s.w_contrast_bad)
    };
    html! { <p class={class} id="w-contrast" aria-live="polite">{ fill(template, &[&shown]) }</p> }
}

/// The language tabs of the header and greeting, and the two fields of the
/// chosen one; placeholders show what a visitor in that language gets when blank.
fn texts_editor(a: &AdminState, s: &'static Strings, console: Locale) -> Html {
    let w = &a.draft.widget;
    let lang = a.texts_language.as_str();
    let tab = |code: &'static str, label: &'static str, tag: Option<&'static str>| {
        let onclick = Callback::from(move |_: MouseEvent| {
            crate::web::runtime::dispatch(Action::Admin(AdminAction::TextsLanguage(code.to_owned())));
        });
        let id = format!("texts-tab-{}", if code.is_empty() { "all" } else { code });
        html! {
            <button type="button" role="tab" {id} lang={tag} aria-selected={(lang == code).to_string()}
                aria-controls="texts-panel" {onclick}>{ label }</button>
        }
    };
    // Blank for a language: the default text, else that language's built-in one.
    let built_in = match lang {
        "" => w.locale.as_deref().map_or(console, Locale::from_tag),
        l => Locale::from_tag(l),
    }
    .strings();
    let (header_hint, greeting_hint) = match lang {
        "" => (built_in.pv_default_header, built_in.pv_default_greeting),
        _ => (
            w.header.as_deref().unwrap_or(built_in.pv_default_header),
            w.greeting.as_deref().unwrap_or(built_in.pv_default_greeting),
        ),
    };
    let (header, greeting, field) = match lang {
        "" => (w.header.as_deref(), w.greeting.as_deref(), "widget".to_owned()),
        l => {
            let t = w.texts.get(l);
            (t.and_then(|t| t.header.as_deref()), t.and_then(|t| t.greeting.as_deref()), format!("widget.texts.{l}"))
        }
    };
    let (set_header, set_greeting) = text_setters(lang);
    let panel_label = format!("texts-tab-{}", if lang.is_empty() { "all" } else { lang });
    html! {
        <fieldset class="texts">
            <legend>{ s.w_texts }</legend>
            <div role="tablist" class="lang-tabs" aria-label={ s.w_texts }>
                { tab("", s.w_texts_all, None) }
                { tab("en", "English", Some("en")) }
                { tab("th", "ไทย", Some("th")) }
            </div>
            <div role="tabpanel" id="texts-panel" aria-labelledby={panel_label} key={lang.to_owned()}>
                { input_with_placeholder(text(a, s, "w-header", s.w_header, header.unwrap_or(""), &format!("{field}.header")),
                    set_header, None, Some(header_hint)) }
                { textarea_with_placeholder(text(a, s, "w-greeting", s.w_greeting, greeting.unwrap_or(""), &format!("{field}.greeting")),
                    set_greeting, Some(greeting_hint)) }
                <p class="hint">{ s.w_texts_hint }</p>
            </div>
        </fieldset>
    }
}

#[component]
pub fn WidgetForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let a = &store.admin;
    let w = &a.draft.widget;
    let err = |f: &str| a.error_text(f, s);
    let locale = w.locale.clone().unwrap_or_default();
    let delay = w.auto_open_delay_secs.map(|d| d.to_string()).unwrap_or_default();
    html! {
        <section class="card" aria-labelledby="sec-widget">
            <h2 id="sec-widget">{ s.sec_widget }</h2>
            <div class="colour-row">
                { input(Input { kind: "color", ..text(a, s, "w-primary", s.w_primary, &w.primary_color, "widget.primary_color") },
                    |d, v| d.widget.primary_color = v.to_owned(), None) }
                if !w.auto_text_color {
                    { input(Input { kind: "color", ..text(a, s, "w-secondary", s.w_secondary, &w.secondary_color, "widget.secondary_color") },
                        |d, v| d.widget.secondary_color = v.to_owned(), None) }
                }
            </div>
            { check("w-auto-text", s.w_auto_text, w.auto_text_color, |d, v| d.widget.auto_text_color = v == "true") }
            { contrast_line(s, w) }
            <div class="grid2">
                <div class="field">
                    <label for="w-position">{ s.w_position }</label>
                    <select id="w-position" onchange={on_select(|d, v| d.widget.position =
                        if v == "bottom_left" { WidgetPosition::BottomLeft } else { WidgetPosition::BottomRight })}>
                        <option value="bottom_right" selected={w.position == WidgetPosition::BottomRight}>{ s.w_right }</option>
                        <option value="bottom_left" selected={w.position == WidgetPosition::BottomLeft}>{ s.w_left }</option>
                    </select>
                </div>
                <div class="field">
                    <label for="w-locale">{ s.w_locale }</label>
                    <select id="w-locale" onchange={on_select(|d, v| d.widget.locale = optional(v))}>
                        <option value="" selected={locale.is_empty()}>{ s.w_locale_auto }</option>
                        <option value="en" selected={locale == "en"} lang="en">{ "English" }</option>
                        <option value="th" selected={locale == "th"} lang="th">{ "ภาษาไทย" }</option>
                    </select>
                    { error_line("w-locale", err("widget.locale")) }
                </div>
                { input(Input { kind: "number", ..text(a, s, "w-offset-x", s.w_offset_x, &w.offset_x.to_string(), "widget.offset_x") },
                    |d, v| d.widget.offset_x = offset(v, d.widget.offset_x), Some((0, 200))) }
                { input(Input { kind: "number", ..text(a, s, "w-offset-y", s.w_offset_y, &w.offset_y.to_string(), "widget.offset_y") },
                    |d, v| d.widget.offset_y = offset(v, d.widget.offset_y), Some((0, 200))) }
            </div>
            { texts_editor(a, s, store.settings.locale) }
            { input(Input { kind: "number", ..text(a, s, "w-auto-open", s.w_auto_open, &delay, "widget.auto_open_delay_secs") },
                |d, v| d.widget.auto_open_delay_secs = number(v), Some((1, 3600))) }
            <div class="grid2">
                { check("w-names", s.w_names, w.show_agent_names, |d, v| d.widget.show_agent_names = v == "true") }
                { check("w-avatars", s.w_avatars, w.show_agent_avatars, |d, v| d.widget.show_agent_avatars = v == "true") }
                { check("w-typing", s.w_typing, w.typing_indicators, |d, v| d.widget.typing_indicators = v == "true") }
                { check("w-receipts", s.w_receipts, w.read_receipts, |d, v| d.widget.read_receipts = v == "true") }
                { check("w-sound", s.w_sound, w.sound, |d, v| d.widget.sound = v == "true") }
            </div>
            { textarea(text(a, s, "w-offline", s.w_offline_message, w.offline_message.as_deref().unwrap_or(""), "widget.offline_message"),
                |d, v| d.widget.offline_message = optional(v)) }
        </section>
    }
}
