//! The reply box. Enter sends, Shift+Enter adds a line; Enter while an input
//! method is composing (Thai, Japanese, …) belongs to the IME and never sends.
//! The textarea is uncontrolled while typing so the IME is never disturbed; the
//! store's draft is written into it only when they differ (sent, restored).
//! Files come with the Attach button, by pasting, or by dropping them on the
//! composer; they upload at once and go with the next message.
//! `/` opens the canned responses picker (`canned_picker.rs`): while it is
//! open, ArrowUp/ArrowDown move, Enter or Tab insert, Escape closes.

use natter_protocol::ConversationId;
use web_sys::{DragEvent, FileList, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::canned_picker::{CannedPicker, list_id, option_id};
use super::quick_chips::QuickChips;
use super::upload_tray::UploadTray;
use super::use_store;
use crate::i18n::Locale;
use crate::state::Action;
use crate::state::canned::{CannedAction, Caret};
use crate::state::files::Upload;
use crate::web::{dom, files, runtime};

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
    pub draft: String,
    /// The files in this composer.
    #[prop_or_default]
    pub uploads: Vec<Upload>,
    pub locale: Locale,
}

/// Hands files to the store (which starts their uploads).
fn attach(id: ConversationId, list: Option<FileList>) {
    let picked = files::pick(list);
    if !picked.is_empty() {
        runtime::dispatch(Action::Attach { id, files: picked });
    }
}

/// Whether a drag carries files (not text or a link).
fn carries_files(e: &DragEvent) -> bool {
    e.data_transfer().is_some_and(|d| d.types().iter().any(|t| t.as_string().as_deref() == Some("Files")))
}

/// Tells the store the text and caret (for the `/` picker).
fn typed(id: ConversationId, el: &HtmlTextAreaElement, text: String) {
    let caret = el.selection_start().ok().flatten().unwrap_or(0);
    runtime::dispatch(Action::Canned(CannedAction::Typed { id, text, caret }));
}

/// Puts the caret where an insertion ended (the store says where, once per insertion).
fn place_caret(el: &HtmlTextAreaElement, c: Caret) {
    let _ = el.focus();
    let _ = el.set_selection_range(c.at, c.at);
}

/// A key while the picker is open: whether it was the picker's.
fn picker_key(e: &KeyboardEvent, has_hits: bool) -> bool {
    let action = match e.key().as_str() {
        "ArrowDown" if has_hits => CannedAction::Move(1),
        "ArrowUp" if has_hits => CannedAction::Move(-1),
        "Enter" | "Tab" if has_hits && !e.shift_key() => CannedAction::Pick(None),
        "Escape" => CannedAction::Close,
        _ => return false,
    };
    e.prevent_default();
    runtime::dispatch(Action::Canned(action));
    true
}

#[component]
pub fn Composer(p: &Props) -> Html {
    let s = p.locale.strings();
    let id = p.id;
    let area = use_node_ref();
    let picker = use_node_ref();
    let dragging = use_state(|| false);
    let store = use_store();
    let canned = store.canned.picker_of(id).map(|p| (p.active, !p.hits.is_empty()));
    let caret = store.canned.caret.filter(|c| c.conversation == id);
    // A caret from before this composer mounted is not this composer's to place.
    let placed = use_mut_ref(|| caret.map(|c| c.generation));
    {
        let area = area.clone();
        use_effect_with((p.draft.clone(), caret), move |(draft, caret)| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                if el.value() != *draft {
                    el.set_value(draft);
                }
                // Once per insertion: later typing moves the caret itself.
                if let Some(c) = caret.filter(|c| *placed.borrow() != Some(c.generation)) {
                    *placed.borrow_mut() = Some(c.generation);
                    place_caret(&el, c);
                }
            }
        });
    }
    let oninput = Callback::from(move |e: InputEvent| {
        let el = e.target_unchecked_into::<HtmlTextAreaElement>();
        let text = el.value();
        runtime::dispatch(Action::DraftChanged { id, text: text.clone(), now: dom::now() });
        typed(id, &el, text);
    });
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        // keyCode 229: Safari reports the IME's confirming Enter this way.
        if e.is_composing() || e.key_code() == 229 {
            return;
        }
        if let Some((_, has_hits)) = canned
            && picker_key(&e, has_hits)
        {
            return;
        }
        if e.key() != "Enter" || e.shift_key() {
            return;
        }
        e.prevent_default();
        runtime::dispatch(Action::Send { id, client_id: dom::client_id(), now: dom::now() });
    });
    // Moving the caret out of (or back into) a `/query` closes (or opens) the picker.
    let onkeyup = Callback::from(move |e: KeyboardEvent| {
        if matches!(e.key().as_str(), "ArrowLeft" | "ArrowRight" | "Home" | "End") {
            let el = e.target_unchecked_into::<HtmlTextAreaElement>();
            typed(id, &el, el.value());
        }
    });
    let onblur = Callback::from(|_: FocusEvent| runtime::dispatch(Action::Canned(CannedAction::Blur)));
    let onclick = Callback::from(move |_: MouseEvent| {
        runtime::dispatch(Action::Send { id, client_id: dom::client_id(), now: dom::now() });
    });
    let onpaste = Callback::from(move |e: Event| {
        let Some(e) = wasm_bindgen::JsCast::dyn_ref::<web_sys::ClipboardEvent>(&e) else { return };
        let list = e.clipboard_data().and_then(|d| d.files());
        if list.as_ref().is_some_and(|l| l.length() > 0) {
            // A pasted screenshot is a file to send, not text for the box.
            e.prevent_default();
            attach(id, list);
        }
    });
    let open_picker = {
        let picker = picker.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = picker.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let onchange = Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        attach(id, input.files());
        // The same file may be picked again after being removed.
        input.set_value("");
    });
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            if carries_files(&e) {
                e.prevent_default();
                if !*dragging {
                    dragging.set(true);
                }
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            dragging.set(false);
            if carries_files(&e) {
                e.prevent_default();
                attach(id, e.data_transfer().and_then(|d| d.files()));
            }
        })
    };
    let input_id = runtime::composer_id(id);
    let picker_id = format!("{input_id}-files");
    html! {
        <div class={classes!("composer-wrap", dragging.then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <UploadTray uploads={p.uploads.clone()} locale={p.locale} />
            <QuickChips {id} replies={store.canned.quick_of(id).to_vec()} locale={p.locale} />
            <CannedPicker {id} />
            if *dragging { <p class="drop-hint" aria-hidden="true">{ s.files.drop_here }</p> }
            <div class="composer">
                <input id={picker_id} ref={picker} type="file" multiple=true hidden=true tabindex="-1" {onchange} />
                <button type="button" class="attach" onclick={open_picker} aria-label={ s.files.attach }
                    title={ s.files.attach }>
                    <span aria-hidden="true">{ "📎" }</span>
                </button>
                <label class="sr-only" for={input_id.clone()}>{ s.reply }</label>
                <textarea id={input_id} ref={area} rows="2" placeholder={ s.reply_placeholder }
                    aria-keyshortcuts="Alt+R" aria-autocomplete="list"
                    aria-controls={ canned.map(|_| list_id(id)) }
                    aria-activedescendant={ canned.filter(|p| p.1).map(|p| option_id(id, p.0)) }
                    {oninput} {onkeydown} {onkeyup} {onblur} {onpaste} />
                <button type="button" class="primary" {onclick}>{ s.send }</button>
            </div>
        </div>
    }
}
