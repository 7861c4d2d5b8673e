//! Settings page, satisfaction survey: whether visitors are asked to rate a
//! closed conversation, the question (all languages', and Thai), the delay
//! before asking and how long a rating may be given. Saved with the page.

use natter_protocol::TenantSettings;
use yew::prelude::*;

use super::form_bits::{Input, check, input, input_with_placeholder};
use super::use_store;
use crate::state::admin::{number, optional};
use crate::state::greetings::error_text;

/// The Thai question as typed; blank removes it (the default question shows).
fn set_question_th(d: &mut TenantSettings, v: &str) {
    let question = optional(v);
    if question.is_some() {
        d.csat.texts.entry("th".into()).or_default().question = question;
    } else {
        d.csat.texts.remove("th");
    }
}

#[component]
pub fn CsatForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let w = store.settings.locale.workspace_strings();
    let a = &store.admin;
    let c = &a.draft.csat;
    let question = c.question.clone().unwrap_or_default();
    let question_th = c.texts.get("th").and_then(|t| t.question.clone()).unwrap_or_default();
    let delay = c.delay_secs.to_string();
    let expiry = c.expiry_hours.to_string();
    html! {
        <section class="card" aria-labelledby="sec-csat">
            <h2 id="sec-csat">{ w.csat_title }</h2>
            { check("csat-enabled", w.csat_enabled, c.enabled, |d, v| d.csat.enabled = v == "true") }
            { input_with_placeholder(
                Input { id: "csat-question", label: w.csat_question, kind: "text", value: &question,
                    error: error_text(a, "csat.question", s, w) },
                |d, v| d.csat.question = optional(v), None, Some(w.csat_question_default)) }
            { input(Input { id: "csat-question-th", label: w.csat_question_th, kind: "text", value: &question_th,
                    error: error_text(a, "csat.texts", s, w) },
                set_question_th, None) }
            <div class="grid2">
                { input(Input { id: "csat-delay", label: w.csat_delay, kind: "number", value: &delay,
                        error: error_text(a, "csat.delay_secs", s, w) },
                    |d, v| d.csat.delay_secs = number(v).unwrap_or(d.csat.delay_secs), Some((0, 3600))) }
                { input(Input { id: "csat-expiry", label: w.csat_expiry, kind: "number", value: &expiry,
                        error: error_text(a, "csat.expiry_hours", s, w) },
                    |d, v| d.csat.expiry_hours = number(v).unwrap_or(d.csat.expiry_hours), Some((1, 720))) }
            </div>
        </section>
    }
}
