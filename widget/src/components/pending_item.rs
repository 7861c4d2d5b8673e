//! A visitor message the relay has not acknowledged yet: shown as "Sending…"
//! (kept across reloads and resent on reconnect), or "Not sent" with a remove
//! button when the relay refused it.

use yew::prelude::*;

use super::attachments::attachments;
use super::use_store;
use crate::format::clock;
use crate::i18n::{Locale, error_text};
use crate::state::Action;
use crate::state::outbox::Pending;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub pending: Pending,
    pub tz_min: i32,
    pub locale: Locale,
}

#[component]
pub fn PendingItem(p: &Props) -> Html {
    let store = use_store();
    let s = p.locale.strings();
    let id = p.pending.client_id.clone();
    let discard = Callback::from(move |_: MouseEvent| store.dispatch(Action::DiscardFailed(id.clone())));
    let class = if p.pending.failed.is_some() { "msg visitor pending failed" } else { "msg visitor pending" };
    html! {
        <div class={class}>
            <div class="bubble">
                <span class="sr-only">{ s.you }{ ": " }</span>
                if !p.pending.text.is_empty() { <p dir="auto">{ p.pending.text.clone() }</p> }
                { attachments(&p.pending.attachments, s) }
                <span class="meta">
                    <time>{ clock(p.pending.at, p.tz_min) }</time>{ " · " }
                    if let Some(code) = p.pending.failed {
                        <span>{ s.not_sent }{ ": " }{ error_text(s, code) }</span>
                        <button type="button" class="link" onclick={discard}>{ s.remove }</button>
                    } else {
                        <span>{ s.sending }</span>
                    }
                </span>
            </div>
        </div>
    }
}
