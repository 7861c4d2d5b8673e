//! Settings page: a live preview of the widget as the draft settings describe it
//! — the bubble in its corner at its offsets, and the open panel with header,
//! greeting, a sample exchange (names, avatars, read receipt and typing shown or
//! not), the pre-chat form when enabled, or the offline form when previewing
//! "closed". Pure markup: nothing in it is interactive but the closed toggle.

use natter_protocol::{WidgetPosition, WidgetSettings};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{Locale, Strings, fill};

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub widget: WidgetSettings,
    /// The console's language, for the preview's own labels.
    pub locale: Locale,
}

/// Offsets are drawn at this fraction (the preview is smaller than a page).
const SCALE: f32 = 0.5;

fn sample_chat(s: &Strings, w: &WidgetSettings) -> Html {
    let agent = s.pv_agent;
    html! {
        <div class="pv-log">
            <div class="pv-msg agent pv-greeting">{ w.greeting.clone().unwrap_or_else(|| s.pv_default_greeting.to_owned()) }</div>
            <div class="pv-msg visitor" style={format!("background:{};color:{}", w.primary_color, w.secondary_color)}>
                { s.pv_visitor_text }
            </div>
            if w.read_receipts { <div class="pv-meta right">{ s.seen }</div> }
            <div class="pv-row">
                if w.show_agent_avatars { <span class="pv-avatar" aria-hidden="true">{ agent.chars().next().unwrap_or('A') }</span> }
                <div>
                    if w.show_agent_names { <div class="pv-meta">{ agent }</div> }
                    <div class="pv-msg agent">{ s.pv_agent_text }</div>
                </div>
            </div>
            if w.typing_indicators { <div class="pv-meta">{ fill(s.pv_typing, &[agent]) }</div> }
        </div>
    }
}

fn prechat(s: &Strings, w: &WidgetSettings) -> Html {
    html! {
        <div class="pv-log">
            <div class="pv-msg agent pv-greeting">{ w.greeting.clone().unwrap_or_else(|| s.pv_default_greeting.to_owned()) }</div>
            { for w.prechat.fields.iter().map(|f| html! {
                <div class="pv-field">
                    <span>{ f.label.clone() }{ if f.required { " *" } else { "" } }</span>
                    <span class="pv-input">{ f.options.first().cloned().unwrap_or_default() }</span>
                </div>
            }) }
            <div class="pv-button" style={format!("background:{};color:{}", w.primary_color, w.secondary_color)}>{ s.pv_start }</div>
        </div>
    }
}

fn offline(s: &Strings, w: &WidgetSettings) -> Html {
    html! {
        <div class="pv-log">
            <div class="pv-offline">{ w.offline_message.clone().unwrap_or_else(|| s.pv_default_offline.to_owned()) }</div>
            <div class="pv-field"><span>{ s.email }</span><span class="pv-input"></span></div>
            <div class="pv-field"><span>{ s.reply }</span><span class="pv-input tall"></span></div>
            <div class="pv-button" style={format!("background:{};color:{}", w.primary_color, w.secondary_color)}>{ s.pv_send_message }</div>
        </div>
    }
}

#[component]
pub fn WidgetPreview(p: &Props) -> Html {
    let closed = use_state(|| false);
    let s = p.locale.strings();
    let w = &p.widget;
    // The sample texts in the widget's own language when one is set.
    let ws = w.locale.as_deref().map_or(s, |l| Locale::from_tag(l).strings());
    let side = if w.position == WidgetPosition::BottomLeft { "left" } else { "right" };
    let (x, y) = (f32::from(w.offset_x) * SCALE, f32::from(w.offset_y) * SCALE);
    let colours = format!("background:{};color:{}", w.primary_color, w.secondary_color);
    let bubble = format!("{colours};{side}:{x}px;bottom:{y}px");
    let panel = format!("{side}:{x}px;bottom:{}px", y + 72.0);
    let on_closed = {
        let closed = closed.clone();
        Callback::from(move |e: Event| closed.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let body = if *closed {
        offline(ws, w)
    } else if w.prechat.enabled && !w.prechat.fields.is_empty() {
        prechat(ws, w)
    } else {
        sample_chat(ws, w)
    };
    html! {
        <section class="card preview" aria-labelledby="sec-preview">
            <h2 id="sec-preview">{ s.pv_title }</h2>
            <label class="check" for="pv-closed">
                <input id="pv-closed" type="checkbox" checked={*closed} onchange={on_closed} />
                { s.pv_closed }
            </label>
            <div class="pv-page" aria-hidden="true" lang={w.locale.clone().unwrap_or_else(|| p.locale.tag().to_owned())}>
                <div class="pv-panel" id="pv-panel" style={panel}>
                    <div class="pv-head" id="pv-head" style={colours}>
                        { w.header.clone().unwrap_or_else(|| ws.pv_default_header.to_owned()) }
                    </div>
                    { body }
                </div>
                <div class="pv-bubble" id="pv-bubble" style={bubble} title={ s.pv_bubble }>
                    <svg viewBox="0 0 24 24" width="26" height="26"><path fill="currentColor"
                        d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>
                </div>
            </div>
        </section>
    }
}
