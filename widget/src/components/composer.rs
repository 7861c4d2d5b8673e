//! The message box. Enter sends, Shift+Enter adds a line; Enter while an input
//! method is composing (Thai, Japanese, …) belongs to the IME and never sends.
//! The textarea is uncontrolled so the IME is never disturbed. Files come in by
//! the attach button (a file picker), or pasted into the box; they wait in the
//! tray above it and go with the next message (text is then optional).

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::tray::tray;
use super::use_store;
use crate::state::{Action, too_long};
use crate::web::runtime::{COMPOSER_ID, dispatch};
use crate::web::{dom, files};

fn submit(area: &NodeRef, files_ready: bool) {
    let Some(el) = area.cast::<HtmlTextAreaElement>() else { return };
    let text = el.value();
    if text.trim().is_empty() && !files_ready {
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
    let picker = use_node_ref();
    let ready = store.tray.ready().next().is_some();
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
            submit(&area, ready);
        })
    };
    let onsubmit = {
        let area = area.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit(&area, ready);
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                let _ = el.focus();
            }
        })
    };
    // A pasted file (a screenshot, say) is attached instead of pasted as text.
    let onpaste = Callback::from(|e: Event| {
        let data = e.dyn_ref::<web_sys::ClipboardEvent>().and_then(|c| c.clipboard_data());
        if let Some(list) = files::transferred(data) {
            e.prevent_default();
            files::attach(&list);
        }
    });
    let choose = {
        let picker = picker.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = picker.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let picked = Callback::from(|e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        if let Some(list) = input.files() {
            files::attach(&list);
        }
        // The same file may be picked again (after removing it).
        input.set_value("");
    });
    html! {
        <>
        { tray(&store, s) }
        <form class="composer" {onsubmit}>
            if !store.uploads_off {
                <button type="button" class="attach" aria-label={ s.attach } title={ s.attach } onclick={choose}>
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                        <path d="M16.5 6.5l-8 8a2 2 0 0 0 2.8 2.8l8.2-8.2a4 4 0 0 0-5.6-5.6L5.6 11.8a6 6 0 0 0 8.5 8.5l6.4-6.4"
                            stroke="currentColor" stroke-width="1.8" stroke-linecap="round" fill="none" />
                    </svg>
                </button>
                <input type="file" ref={picker} multiple=true hidden=true tabindex="-1" aria-hidden="true"
                    onchange={picked} />
            }
            <label class="sr-only" for={COMPOSER_ID}>{ s.message_label }</label>
            <textarea id={COMPOSER_ID} ref={area} rows="1" placeholder={ s.message_placeholder }
                autocomplete="off" {oninput} {onkeydown} {onpaste} />
            <button type="submit" class="send" aria-label={ s.send } title={ s.send }>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                    <path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" />
                </svg>
            </button>
        </form>
        </>
    }
}
