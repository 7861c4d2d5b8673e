//! Settings page, widget section: colours, corner and offsets, header text,
//! greeting, language, auto-open delay, what the visitor sees (names, avatars,
//! typing, read receipts, sound) and the offline form's message.

use natter_protocol::WidgetPosition;
use yew::prelude::*;

use super::form_bits::{Input, check, error_line, input, on_select, textarea};
use super::use_store;
use crate::state::admin::{AdminState, number, optional};

/// A text input showing the relay's error for `field`.
fn text<'a>(a: &'a AdminState, id: &'a str, label: &'a str, value: &'a str, field: &str) -> Input<'a> {
    Input { id, label, kind: "text", value, error: a.error_for(field) }
}

fn offset(v: &str, old: u16) -> u16 {
    number(v).and_then(|n| u16::try_from(n).ok()).unwrap_or(old)
}

#[component]
pub fn WidgetForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let a = &store.admin;
    let w = &a.draft.widget;
    let err = |f: &str| a.error_for(f);
    let locale = w.locale.clone().unwrap_or_default();
    let delay = w.auto_open_delay_secs.map(|d| d.to_string()).unwrap_or_default();
    html! {
        <section class="card" aria-labelledby="sec-widget">
            <h2 id="sec-widget">{ s.sec_widget }</h2>
            <div class="grid2">
                { input(Input { kind: "color", ..text(a, "w-primary", s.w_primary, &w.primary_color, "widget.primary_color") },
                    |d, v| d.widget.primary_color = v.to_owned(), None) }
                { input(Input { kind: "color", ..text(a, "w-secondary", s.w_secondary, &w.secondary_color, "widget.secondary_color") },
                    |d, v| d.widget.secondary_color = v.to_owned(), None) }
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
                { input(Input { kind: "number", ..text(a, "w-offset-x", s.w_offset_x, &w.offset_x.to_string(), "widget.offset_x") },
                    |d, v| d.widget.offset_x = offset(v, d.widget.offset_x), Some((0, 200))) }
                { input(Input { kind: "number", ..text(a, "w-offset-y", s.w_offset_y, &w.offset_y.to_string(), "widget.offset_y") },
                    |d, v| d.widget.offset_y = offset(v, d.widget.offset_y), Some((0, 200))) }
            </div>
            { input(text(a, "w-header", s.w_header, w.header.as_deref().unwrap_or(""), "widget.header"),
                |d, v| d.widget.header = optional(v), None) }
            { textarea(text(a, "w-greeting", s.w_greeting, w.greeting.as_deref().unwrap_or(""), "widget.greeting"),
                |d, v| d.widget.greeting = optional(v)) }
            { input(Input { kind: "number", ..text(a, "w-auto-open", s.w_auto_open, &delay, "widget.auto_open_delay_secs") },
                |d, v| d.widget.auto_open_delay_secs = number(v), Some((1, 3600))) }
            <div class="grid2">
                { check("w-names", s.w_names, w.show_agent_names, |d, v| d.widget.show_agent_names = v == "true") }
                { check("w-avatars", s.w_avatars, w.show_agent_avatars, |d, v| d.widget.show_agent_avatars = v == "true") }
                { check("w-typing", s.w_typing, w.typing_indicators, |d, v| d.widget.typing_indicators = v == "true") }
                { check("w-receipts", s.w_receipts, w.read_receipts, |d, v| d.widget.read_receipts = v == "true") }
                { check("w-sound", s.w_sound, w.sound, |d, v| d.widget.sound = v == "true") }
            </div>
            { textarea(text(a, "w-offline", s.w_offline_message, w.offline_message.as_deref().unwrap_or(""), "widget.offline_message"),
                |d, v| d.widget.offline_message = optional(v)) }
        </section>
    }
}
