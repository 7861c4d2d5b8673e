//! Settings page, waiting and greetings: after how long a waiting visitor is
//! offered the offline form, and the proactive greeting rules (first match
//! wins, at most ten; added, edited, reordered and removed here, saved with
//! the page), with how often one visitor may be greeted.

use natter_protocol::MAX_GREETING_RULES;
use yew::prelude::*;

use super::form_bits::{Input, input, input_with_placeholder};
use super::greeting_rule::GreetingRuleEditor;
use super::use_store;
use crate::state::Action;
use crate::state::admin::{AdminAction, Setter, number};
use crate::state::greetings::{add_rule, error_text, set_offline_after};
use crate::web::runtime;

#[component]
pub fn BehaviourForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let w = store.settings.locale.workspace_strings();
    let a = &store.admin;
    let widget = &a.draft.widget;
    let offline_after = widget.offline_after_secs.map(|n| n.to_string()).unwrap_or_default();
    let every = widget.greetings_every_hours.to_string();
    let count = widget.greetings.len();
    let add = Callback::from(|_: MouseEvent| {
        runtime::dispatch(Action::Admin(AdminAction::Set(Setter(|d, _| add_rule(d)), String::new())));
    });
    let list_error =
        a.error.as_ref().filter(|e| e.field == "widget.greetings").and(error_text(a, "widget.greetings", s, w));
    html! {
        <section class="card" aria-labelledby="sec-behaviour">
            <h2 id="sec-behaviour">{ w.beh_title }</h2>
            { input_with_placeholder(
                Input { id: "w-offline-after", label: w.offline_after, kind: "number", value: &offline_after,
                    error: error_text(a, "widget.offline_after_secs", s, w) },
                set_offline_after, Some((10, 3600)), None) }
            <p class="hint">{ w.offline_after_hint }</p>
            <h3 id="greetings-title">{ w.greet_title }</h3>
            <p class="hint">{ w.greet_hint }</p>
            { input(Input { id: "w-greetings-every", label: w.greet_every, kind: "number", value: &every,
                    error: error_text(a, "widget.greetings_every_hours", s, w) },
                |d, v| d.widget.greetings_every_hours = number(v).unwrap_or(d.widget.greetings_every_hours), Some((1, 720))) }
            if count == 0 { <p class="who">{ w.greet_none }</p> }
            { for widget.greetings.iter().enumerate().map(|(index, rule)| html! {
                <GreetingRuleEditor key={index} {index} {count} rule={rule.clone()} />
            }) }
            if let Some(e) = list_error { <p class="field-error" id="greetings-err">{ e.to_owned() }</p> }
            <button type="button" id="greeting-add" onclick={add} disabled={count >= MAX_GREETING_RULES}>{ w.greet_add }</button>
        </section>
    }
}
