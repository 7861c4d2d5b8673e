//! The conversation log: the greeting, messages and system lines in seq order,
//! then the visitor's not-yet-acknowledged messages; "Seen" under the newest
//! visitor message the agent has read. A `log` live region, so new lines are
//! announced; keeps itself scrolled to the newest line.

use web_sys::Element;
use yew::prelude::*;

use super::message_item::{Line, MessageItem};
use super::pending_item::PendingItem;
use super::use_store;

#[component]
pub fn MessageList() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let log = use_node_ref();
    let count = store.messages.len() + store.outbox.items().len() + usize::from(store.agent_typing.is_some());
    {
        let log = log.clone();
        use_effect_with(count, move |_| {
            if let Some(el) = log.cast::<Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let greeting = store.greeting_text(s.default_greeting).to_owned();
    let seen = store.seen_mark();
    let answerable = store.quick_replies_open();
    let names = store.show_agent_names();
    // An acknowledged message can be both in the history and (until the outbox
    // catches up) pending: show it once. A scan, not a HashSet: the outbox is tiny,
    // and a set type would add its code to the wasm.
    let shown = |id: &str| {
        store.messages.iter().any(
            |m| matches!(&m.body, natter_protocol::MessageBody::Text { client_id, .. } if client_id.as_str() == id),
        )
    };
    html! {
        <div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label={ s.messages } tabindex="0" ref={log}>
            <div class="msg agent greeting"><div class="bubble"><p dir="auto">{ greeting }</p></div></div>
            { for store.messages.iter().map(|m| html! {
                <MessageItem key={m.seq.0} line={Line {
                    message: m.clone(),
                    seen: seen == Some(m.seq),
                    show_name: names,
                    tz_min: store.tz_min,
                    locale: store.locale(),
                    answerable: answerable == Some(m.seq),
                }} />
            }) }
            { for store.outbox.items().iter().filter(|p| !shown(p.client_id.as_str())).map(|p| html! {
                <PendingItem key={p.client_id.as_str().to_owned()} pending={p.clone()} tz_min={store.tz_min}
                    locale={store.locale()} />
            }) }
        </div>
    }
}
