//! The conversation's header: visitor name, status, and the claim / transfer /
//! close actions.

use std::rc::Rc;

use natter_protocol::ConversationStatus;
use yew::prelude::*;

use crate::format;
use crate::i18n::Locale;
use crate::state::conv::ConvState;
use crate::state::{Action, Dialog};
use crate::web::runtime;

#[derive(Properties, Debug)]
pub struct Props {
    pub conv: Rc<ConvState>,
    pub title_id: String,
    pub can_reply: bool,
    pub online: bool,
    pub locale: Locale,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.conv, &o.conv)
            && self.title_id == o.title_id
            && self.can_reply == o.can_reply
            && self.online == o.online
            && self.locale == o.locale
    }
}

#[component]
pub fn ConversationHeader(p: &Props) -> Html {
    let s = p.locale.strings();
    let c = &p.conv;
    let id = c.id();
    let status = c.summary.status;
    let (status_class, status_text) = match status {
        ConversationStatus::Waiting => ("waiting", s.status_waiting),
        ConversationStatus::Active => ("active", s.status_active),
        ConversationStatus::Closed => ("closed", s.status_closed),
    };
    let send = |a: fn(natter_protocol::ConversationId) -> Action| {
        Callback::from(move |_: MouseEvent| runtime::dispatch(a(id)))
    };
    let claim = send(Action::Claim);
    let transfer = send(|id| Action::ShowDialog(Some(Dialog::Transfer(id))));
    let close = send(|id| Action::ShowDialog(Some(Dialog::ConfirmClose(id))));
    html! {
        <div class="conv-head">
            <h2 id={p.title_id.clone()}>{ format::label(s, &c.label()) }</h2>
            <span class={classes!("status", status_class)}>{ status_text }</span>
            if status == ConversationStatus::Waiting {
                <button type="button" class="primary" onclick={claim} disabled={!p.online || c.claiming}
                    aria-keyshortcuts="Alt+C">
                    { if c.claiming { s.claiming } else { s.claim } }
                </button>
            }
            if p.can_reply {
                <button type="button" onclick={transfer} disabled={!p.online} aria-keyshortcuts="Alt+T">{ s.transfer }</button>
            }
            if status != ConversationStatus::Closed && (p.can_reply || status == ConversationStatus::Waiting) {
                <button type="button" class="danger" onclick={close} disabled={!p.online} aria-keyshortcuts="Alt+X">
                    { s.close_conversation }
                </button>
            }
        </div>
    }
}
