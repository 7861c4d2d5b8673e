//! The reply box. Enter sends, Shift+Enter adds a line; Enter while an input
//! method is composing (Thai, Japanese, …) belongs to the IME and never sends.
//! The textarea is uncontrolled while typing so the IME is never disturbed; the
//! store's draft is written into it only when they differ (sent, restored).

use natter_protocol::ConversationId;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::i18n::Locale;
use crate::state::Action;
use crate::web::{dom, runtime};

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
    pub draft: String,
    pub locale: Locale,
}

#[component]
pub fn Composer(p: &Props) -> Html {
    let s = p.locale.strings();
    let id = p.id;
    let area = use_node_ref();
    {
        let area = area.clone();
        use_effect_with(p.draft.clone(), move |draft| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>()
                && el.value() != *draft
            {
                el.set_value(draft);
            }
        });
    }
    let oninput = Callback::from(move |e: InputEvent| {
        let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
        runtime::dispatch(Action::DraftChanged { id, text, now: dom::now() });
    });
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        // keyCode 229: Safari reports the IME's confirming Enter this way.
        if e.key() != "Enter" || e.shift_key() || e.is_composing() || e.key_code() == 229 {
            return;
        }
        e.prevent_default();
        runtime::dispatch(Action::Send { id, client_id: dom::client_id(), now: dom::now() });
    });
    let onclick = Callback::from(move |_: MouseEvent| {
        runtime::dispatch(Action::Send { id, client_id: dom::client_id(), now: dom::now() });
    });
    let input_id = runtime::composer_id(id);
    html! {
        <div class="composer">
            <label class="sr-only" for={input_id.clone()}>{ s.reply }</label>
            <textarea id={input_id} ref={area} rows="2" placeholder={ s.reply_placeholder }
                aria-keyshortcuts="Alt+R" {oninput} {onkeydown} />
            <button type="button" class="primary" {onclick}>{ s.send }</button>
        </div>
    }
}
