//! Settings page: a live preview of the widget as the draft settings describe it
//! — the bubble in its corner at its offsets, and the open panel drawn as the
//! real widget draws it: the header (title in the previewed language, the
//! agent's initial and "You are chatting with" only when names are shown), the
//! greeting, a sample exchange (agent name inside the bubble, "Seen" and typing
//! as configured), the pre-chat form when enabled, or the offline form when
//! previewing "closed". Colours are the ones visitors get (the automatic text
//! colour included). Pure markup: nothing in it is interactive but the closed toggle.

use natter_protocol::{WidgetPosition, WidgetSettings};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{Locale, Strings, fill};
use crate::state::admin::chosen_text_color;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub widget: WidgetSettings,
    /// The console's language, for the preview's own labels.
    pub locale: Locale,
    /// The language tab of the texts being edited (`""`: all languages).
    #[prop_or_default]
    pub texts_language: String,
}

/// Offsets are drawn at this fraction (the preview is smaller than a page).
const SCALE: f32 = 0.5;

/// The colours of the visitor's bubble, buttons and header.
fn colours(w: &WidgetSettings) -> String {
    format!("background:{};color:{}", w.primary_color, chosen_text_color(w))
}

fn greeting(w: &WidgetSettings, lang: Locale, fallback: &str) -> String {
    w.greeting_for(lang.tag()).unwrap_or(fallback).to_owned()
}

fn sample_chat(s: &Strings, w: &WidgetSettings, lang: Locale) -> Html {
    let agent = if w.show_agent_names { s.pv_agent } else { s.pv_agent_fallback };
    let typing = if w.show_agent_names { fill(s.pv_typing, &[s.pv_agent]) } else { s.pv_someone_typing.to_owned() };
    html! {
        <div class="pv-log">
            <div class="pv-msg agent pv-greeting">{ greeting(w, lang, s.pv_default_greeting) }</div>
            <div class="pv-msg visitor" style={colours(w)}>
                { s.pv_visitor_text }
                <span class="pv-time">{ "10:42" }if w.read_receipts { { " · " }{ s.seen } }</span>
            </div>
            <div class="pv-msg agent">
                <span class="pv-who">{ agent }</span>
                { s.pv_agent_text }
                <span class="pv-time">{ "10:43" }</span>
            </div>
            if w.typing_indicators { <div class="pv-meta">{ typing }</div> }
        </div>
    }
}

fn prechat(s: &Strings, w: &WidgetSettings, lang: Locale) -> Html {
    html! {
        <div class="pv-log">
            <div class="pv-msg agent pv-greeting">{ greeting(w, lang, s.pv_prechat_intro) }</div>
            { for w.prechat.fields.iter().map(|f| html! {
                <div class="pv-field">
                    <span>{ f.label.clone() }{ if f.required { " *" } else { "" } }</span>
                    <span class="pv-input">{ f.options.first().cloned().unwrap_or_default() }</span>
                </div>
            }) }
            <div class="pv-button" style={colours(w)}>{ s.pv_start }</div>
        </div>
    }
}

fn offline(s: &Strings, w: &WidgetSettings) -> Html {
    html! {
        <div class="pv-log">
            <div class="pv-offline">{ w.offline_message.clone().unwrap_or_else(|| s.pv_default_offline.to_owned()) }</div>
            <div class="pv-field"><span>{ s.email }</span><span class="pv-input"></span></div>
            <div class="pv-field"><span>{ s.reply }</span><span class="pv-input tall"></span></div>
            <div class="pv-button" style={colours(w)}>{ s.pv_send_message }</div>
        </div>
    }
}

#[component]
pub fn WidgetPreview(p: &Props) -> Html {
    let closed = use_state(|| false);
    let s = p.locale.strings();
    let w = &p.widget;
    // The sample in the language of the texts being edited, else the widget's
    // own language when one is set, else the console's.
    let lang = match p.texts_language.as_str() {
        "" => w.locale.as_deref().map_or(p.locale, Locale::from_tag),
        l => Locale::from_tag(l),
    };
    let ws = lang.strings();
    let side = if w.position == WidgetPosition::BottomLeft { "left" } else { "right" };
    let (x, y) = (f32::from(w.offset_x) * SCALE, f32::from(w.offset_y) * SCALE);
    let bubble = format!("{};{side}:{x}px;bottom:{y}px", colours(w));
    let panel = format!("{side}:{x}px;bottom:{}px", y + 72.0);
    // As the widget's header: the agent's initial only with names and avatars on.
    let prechat_shown = w.prechat.enabled && !w.prechat.fields.is_empty();
    let chatting = !*closed && !prechat_shown;
    let avatar =
        (chatting && w.show_agent_names && w.show_agent_avatars).then(|| ws.pv_agent.chars().next().unwrap_or('A'));
    let subtitle = (chatting && w.show_agent_names).then(|| fill(ws.pv_with_agent, &[ws.pv_agent]));
    let on_closed = {
        let closed = closed.clone();
        Callback::from(move |e: Event| closed.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let body = if *closed {
        offline(ws, w)
    } else if prechat_shown {
        prechat(ws, w, lang)
    } else {
        sample_chat(ws, w, lang)
    };
    html! {
        <section class="card preview" aria-labelledby="sec-preview">
            <h2 id="sec-preview">{ s.pv_title }</h2>
            <label class="check" for="pv-closed">
                <input id="pv-closed" type="checkbox" checked={*closed} onchange={on_closed} />
                { s.pv_closed }
            </label>
            <div class="pv-page" aria-hidden="true" lang={lang.tag()}>
                <div class="pv-panel" id="pv-panel" style={panel}>
                    <div class="pv-head" id="pv-head" style={colours(w)}>
                        if let Some(a) = avatar { <span class="pv-avatar" style={format!("background:{};color:{}", chosen_text_color(w), w.primary_color)}>{ a }</span> }
                        <div class="pv-titles">
                            <div class="pv-title">{ w.header_for(lang.tag()).unwrap_or(ws.pv_default_header).to_owned() }</div>
                            if let Some(sub) = subtitle { <div class="pv-subtitle">{ sub }</div> }
                        </div>
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
