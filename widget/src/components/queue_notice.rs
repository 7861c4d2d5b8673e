//! While the conversation waits for an agent: "waiting — you are number N, about
//! M minutes", as the relay reports it. When no agent is online, or the wait
//! passed the shop's `offline_after_secs`, it also says so and offers to leave a
//! message (the offline form) for an email reply.

use natter_protocol::ConversationStatus;
use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;
use crate::state::{Action, OfflineForm};

#[component]
pub fn QueueNotice() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let waiting = store.conversation.as_ref().is_some_and(|c| c.status == ConversationStatus::Waiting);
    // A message left through the form is not a live wait: the chat confirms it instead.
    if !waiting || store.tenant_offline() || store.offline_form == OfflineForm::Sent {
        return html! {};
    }
    let position = store.queue.map(|q| fill(s.queue_position, &[&q.position.to_string()]));
    let wait = store.queue.and_then(|q| q.estimated_wait_secs).map(|secs| {
        if secs < 60 { s.queue_wait_soon.to_owned() } else { fill(s.queue_wait, &[&secs.div_ceil(60).to_string()]) }
    });
    let nobody = store.offline_offered();
    let why = if store.nobody_online() { s.nobody_online } else { s.taking_long };
    let leave = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::LeaveMessage(true)))
    };
    html! {
        <div class={classes!("queue", nobody.then_some("nobody"))}>
            <p role="status">
                <span>{ s.waiting }</span>
                if let Some(p) = position { { " " }<span>{ p }</span> }
                if let Some(w) = wait { { " " }<span>{ w }</span> }
            </p>
            if nobody {
                <p class="nobody-text" role="status">{ why }</p>
                if !store.leaving_message {
                    <button type="button" class="primary" onclick={leave}>{ s.leave_message }</button>
                }
            }
        </div>
    }
}
