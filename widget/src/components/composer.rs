//! The message box. Enter sends, Shift+Enter adds a line; Enter while an input
//! method is composing (Thai, Japanese, …) belongs to the IME and never sends.
//! The textarea is uncontrolled so the IME is never disturbed.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::use_store;
use crate::state::{Action, too_long};
use crate::web::dom;
use crate::web::runtime::{COMPOSER_ID, dispatch};

fn submit(area: &NodeRef) {
    let Some(el) = area.cast::<HtmlTextAreaElement>() else { return };
    let text = el.value();
    if text.trim().is_empty() {
        return;
    }
    let long = too_long(&text);
    dispatch(Action::Send { client_id: dom::client_id(), text, now: dom::now() });
    if !long {
        el.set_value("");
    }
}

#[component]
pub fn Composer() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let area = use_node_ref();
    let oninput = Callback::from(move |e: InputEvent| {
        let empty = e.target_unchecked_into::<HtmlTextAreaElement>().value().trim().is_empty();
        dispatch(Action::Input { empty, now: dom::now() });
    });
    let onkeydown = {
        let area = area.clone();
        Callback::from(move |e: KeyboardEvent| {
            // keyCode 229: Safari reports the IME's confirming Enter this way.
            if e.key() != "Enter" || e.shift_key() || e.is_composing() || e.key_code() == 229 {
                return;
            }
            e.prevent_default();
            submit(&area);
        })
    };
    let onsubmit = {
        let area = area.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit(&area);
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                let _ = el.focus();
            }
        })
    };
    html! {
        <form class="composer" {onsubmit}>
            <label class="sr-only" for={COMPOSER_ID}>{ s.message_label }</label>
            <textarea id={COMPOSER_ID} ref={area} rows="1" placeholder={ s.message_placeholder }
                autocomplete="off" {oninput} {onkeydown} />
            <button type="submit" class="send" aria-label={ s.send } title={ s.send }>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                    <path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" />
                </svg>
            </button>
        </form>
    }
}
