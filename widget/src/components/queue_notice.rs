//! While the conversation waits for an agent: "waiting — you are number N, about
//! M minutes", as the relay reports it.

use natter_protocol::ConversationStatus;
use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;

#[component]
pub fn QueueNotice() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let waiting = store.conversation.as_ref().is_some_and(|c| c.status == ConversationStatus::Waiting);
    if !waiting || store.tenant_offline() {
        return html! {};
    }
    let position = store.queue.map(|q| fill(s.queue_position, &[&q.position.to_string()]));
    let wait = store.queue.and_then(|q| q.estimated_wait_secs).map(|secs| {
        if secs < 60 { s.queue_wait_soon.to_owned() } else { fill(s.queue_wait, &[&secs.div_ceil(60).to_string()]) }
    });
    html! {
        <p class="queue" role="status">
            <span>{ s.waiting }</span>
            if let Some(p) = position { { " " }<span>{ p }</span> }
            if let Some(w) = wait { { " " }<span>{ w }</span> }
        </p>
    }
}
