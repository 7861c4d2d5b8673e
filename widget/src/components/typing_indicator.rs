//! "Ann is typing…" with three dots (still when the visitor prefers reduced motion).

use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;

#[component]
pub fn TypingIndicator() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let Some(t) = &store.agent_typing else { return html! {} };
    let text = if store.show_agent_names() { fill(s.agent_typing, &[&t.name]) } else { s.someone_typing.to_owned() };
    html! {
        <p class="typing">
            <span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>
            <span>{ text }</span>
        </p>
    }
}
