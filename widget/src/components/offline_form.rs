//! The offline form, shown while the shop is closed (or, in the chat, while no
//! agent is online): name (optional), email and a message, stored by the relay
//! as an offline conversation agents answer later.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::use_store;
use crate::state::{Action, OfflineForm as FormState, prechat};
use crate::web::dom;
use crate::web::runtime::START_ID;

#[component]
pub fn OfflineForm() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let name = use_node_ref();
    let email = use_node_ref();
    let text = use_node_ref();
    // What the visitor wrote when the shop closed goes into the message box once
    // (a bound `value` would reset their later edits on every render).
    {
        let text = text.clone();
        use_effect_with(store.offline_draft.clone(), move |draft| {
            if let Some(el) = text.cast::<HtmlTextAreaElement>()
                && !draft.is_empty()
            {
                el.set_value(draft);
            }
        });
    }
    let bad_email = use_state(|| false);
    let bad_text = use_state(|| false);
    let intro = if store.offline_offered() {
        // The queue notice above already says nobody is there.
        None
    } else {
        Some(store.config.as_ref().and_then(|c| c.offline_message.clone()).unwrap_or_else(|| s.offline.to_owned()))
    };
    if store.offline_form == FormState::Sent {
        return html! {
            <div class="form">
                if let Some(i) = intro { <p class="intro" dir="auto">{ i }</p> }
                <p class="done" role="status">{ s.offline_sent }</p>
            </div>
        };
    }
    let sending = matches!(store.offline_form, FormState::Sending(_));
    let keep_waiting = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::LeaveMessage(false)))
    };
    let onsubmit = {
        let (name, email, text) = (name.clone(), email.clone(), text.clone());
        let (bad_email, bad_text) = (bad_email.clone(), bad_text.clone());
        let store = store.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| r.cast::<HtmlInputElement>().map(|el| el.value()).unwrap_or_default();
            let message = text.cast::<HtmlTextAreaElement>().map(|el| el.value()).unwrap_or_default();
            let address = value(&email);
            bad_email.set(!prechat::email_ok(&address));
            bad_text.set(message.trim().is_empty());
            if prechat::email_ok(&address) && !message.trim().is_empty() {
                store.dispatch(Action::SendOffline {
                    client_id: dom::client_id(),
                    name: value(&name),
                    email: address,
                    text: message,
                });
            }
        })
    };
    html! {
        <form class="form" novalidate=true {onsubmit}>
            <h2 class="form-title">{ s.offline_title }</h2>
            if let Some(i) = intro { <p class="intro" dir="auto">{ i }</p> }
            <div class="field">
                <label for={START_ID}>{ s.your_name }{ " " }<span class="muted">{ s.optional }</span></label>
                <input id={START_ID} ref={name} type="text" autocomplete="name" />
            </div>
            <div class="field">
                <label for="natter-off-email">{ s.your_email }{ " " }<span class="muted">{ s.required_mark }</span></label>
                <input id="natter-off-email" ref={email} type="email" autocomplete="email" required=true
                    aria-invalid={(*bad_email).to_string()} aria-describedby={bad_email.then_some("natter-off-email-err")} />
                if *bad_email { <p class="field-error" id="natter-off-email-err">{ s.email_invalid }</p> }
            </div>
            <div class="field">
                <label for="natter-off-text">{ s.message_label }{ " " }<span class="muted">{ s.required_mark }</span></label>
                <textarea id="natter-off-text" ref={text} rows="4" required=true
                    aria-invalid={(*bad_text).to_string()} aria-describedby={bad_text.then_some("natter-off-text-err")} />
                if *bad_text { <p class="field-error" id="natter-off-text-err">{ s.field_required }</p> }
            </div>
            <div class="form-actions">
                <button type="submit" class="primary" disabled={sending}>{ if sending { s.sending } else { s.offline_send } }</button>
                if store.leaving_message && !sending {
                    // Chosen while nobody was online: the visitor may still prefer to wait.
                    <button type="button" class="link" onclick={keep_waiting}>{ s.back_to_chat }</button>
                }
            </div>
        </form>
    }
}
