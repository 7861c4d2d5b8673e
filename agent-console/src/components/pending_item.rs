//! An agent message not yet acknowledged by the relay (its text, and the names
//! of its files): "Sending…", or "Not sent" with Retry and Edit.

use yew::prelude::*;

use crate::format;
use crate::i18n::Locale;
use crate::state::Action;
use crate::state::outbox::{Pending, PendingState};
use crate::web::runtime;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub pending: Pending,
    pub tz: i32,
    pub locale: Locale,
}

#[component]
pub fn PendingItem(p: &Props) -> Html {
    let s = p.locale.strings();
    let failed = matches!(p.pending.state, PendingState::Failed(_));
    let id = p.pending.client_id.clone();
    let retry = {
        let id = id.clone();
        Callback::from(move |_: MouseEvent| runtime::dispatch(Action::Retry(id.clone())))
    };
    let edit = Callback::from(move |_: MouseEvent| runtime::dispatch(Action::EditFailed(id.clone())));
    html! {
        <div class={classes!("m", "agent", "pending", failed.then_some("failed"))}>
            <span class="meta">{ format::clock(p.pending.at, p.tz) }</span>
            if !p.pending.text.is_empty() { <div class="bubble">{ p.pending.text.clone() }</div> }
            if !p.pending.attachments.is_empty() {
                <div class="atts">
                    { for p.pending.attachments.iter().map(|a| html! {
                        <span class="file-card" key={a.id.as_str().to_owned()}>
                            <span class="icon" aria-hidden="true">{ "📄" }</span>
                            <span class="name" dir="auto">{ a.name.clone() }</span>
                            <span class="fmeta">{ format::bytes(a.size) }</span>
                        </span>
                    }) }
                </div>
            }
            if failed {
                <span class="meta" role="alert">
                    { s.not_sent }{ " " }
                    <button type="button" class="link" onclick={retry}>{ s.retry }</button>
                    <button type="button" class="link" onclick={edit}>{ s.edit }</button>
                </span>
            } else {
                <span class="meta">{ s.sending }</span>
            }
        </div>
    }
}
