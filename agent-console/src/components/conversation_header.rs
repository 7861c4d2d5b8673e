//! The conversation's header: visitor name, status, offline-message badge, the
//! priority picker, and the claim / transfer / close actions. On narrow screens
//! also the way back to the inbox and to the visitor's details.

use std::rc::Rc;

use natter_protocol::{ConversationStatus, Priority};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::format;
use crate::i18n::Locale;
use crate::state::conv::ConvState;
use crate::state::{Action, Dialog, Pane};
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
    let on_priority = Callback::from(move |e: Event| {
        if let Some(priority) = Priority::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
            runtime::dispatch(Action::SetPriority { id, priority });
        }
    });
    let current = c.summary.priority;
    let priority_option = |p: Priority, word: &'static str| {
        html! { <option value={p.as_str()} selected={current == p}>{ word }</option> }
    };
    let priority_id = format!("priority-{id}");
    let priority_ref = use_node_ref();
    {
        // As for the status picker: a colleague's change must show even after
        // this agent used the control.
        let select = priority_ref.clone();
        use_effect_with(current, move |current| {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                el.set_value(current.as_str());
            }
        });
    }
    let transfer = send(|id| Action::ShowDialog(Some(Dialog::Transfer(id))));
    let close = send(|id| Action::ShowDialog(Some(Dialog::ConfirmClose(id))));
    let pane = |pane: Pane| Callback::from(move |_: MouseEvent| runtime::dispatch(Action::ShowPane(pane)));
    html! {
        <div class="conv-head">
            <button type="button" class="back phone-only" onclick={pane(Pane::Inbox)}>
                <span aria-hidden="true">{ "← " }</span>{ s.back_inbox }
            </button>
            <h2 id={p.title_id.clone()} title={ format::label(s, &c.label()) }>{ format::label(s, &c.label()) }</h2>
            <span class={classes!("status", status_class)}>{ status_text }</span>
            if c.summary.offline { <span class="tag offline">{ s.offline_badge }</span> }
            if status != ConversationStatus::Closed {
                <span class="prio">
                    <label for={priority_id.clone()}>{ s.priority }</label>
                    <select id={priority_id} ref={priority_ref} onchange={on_priority} disabled={!p.online}>
                        { priority_option(Priority::Normal, s.pr_normal) }
                        { priority_option(Priority::High, s.pr_high) }
                        { priority_option(Priority::Urgent, s.pr_urgent) }
                    </select>
                </span>
            }
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
            <button type="button" class="pane-only" onclick={pane(Pane::Details)}>{ s.show_details }</button>
        </div>
    }
}
