//! One inbox row: visitor name or label, last message preview, unread count,
//! wait time and queue position, priority, department, the offline-message
//! badge, and who has it. A waiting row has its own Claim button (claim and open
//! in one step); with the row focused, `C` does the same and the arrow keys move
//! between rows. A conversation just given to this agent is marked "New".

use std::rc::Rc;

use natter_protocol::{AgentId, ConversationStatus, Priority, Tag, UnixMillis};
use yew::prelude::*;

use crate::format;
use crate::i18n::{Locale, fill};
use crate::state::Action;
use crate::state::conv::ConvState;
use crate::web::{dom, runtime};

/// Moves keyboard focus to the previous or next row of the list.
fn focus_sibling_row(from: &web_sys::Element, down: bool) {
    let Some(li) = from.closest("li").ok().flatten() else { return };
    let next = if down { li.next_element_sibling() } else { li.previous_element_sibling() };
    if let Some(id) = next.and_then(|n| n.query_selector(".row").ok().flatten()).map(|r| r.id()) {
        dom::focus_id(&id);
    }
}

#[derive(Properties, Debug)]
pub struct Props {
    pub conv: Rc<ConvState>,
    pub now: UnixMillis,
    pub current: bool,
    pub me: AgentId,
    pub locale: Locale,
    /// Place in the queue while waiting.
    pub position: Option<u32>,
    /// The tags on it (from the tenant's list).
    #[prop_or_default]
    pub tags: Vec<Tag>,
    /// A colleague's note names this agent and they have not opened it since.
    #[prop_or_default]
    pub mentioned: bool,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        // Copy-on-write state: the same Rc means the same conversation state.
        Rc::ptr_eq(&self.conv, &o.conv)
            && self.now.0 / 1000 == o.now.0 / 1000
            && self.current == o.current
            && self.me == o.me
            && self.locale == o.locale
            && self.position == o.position
            && self.tags == o.tags
            && self.mentioned == o.mentioned
    }
}

#[component]
pub fn InboxRow(p: &Props) -> Html {
    let s = p.locale.strings();
    let c = &p.conv;
    let id = c.id();
    let name = format::label(s, &c.label());
    let unread = c.unread();
    let time = if c.awaits_reply() {
        fill(s.waiting_for, &[&format::duration(s, p.now.0 - c.waiting_since().0)])
    } else {
        format::duration(s, p.now.0 - c.last_activity().0)
    };
    let who = match (&c.summary.assignee, c.summary.status) {
        (Some(a), ConversationStatus::Active) if a.id != p.me => Some(fill(s.assigned_to, &[&a.name])),
        _ => None,
    };
    let preview = c.preview().map(str::to_owned).unwrap_or_else(|| s.no_messages_yet.to_owned());
    let onclick = Callback::from(move |_: MouseEvent| runtime::dispatch(Action::Open(id)));
    let claimable = c.summary.status == ConversationStatus::Waiting;
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.alt_key() || e.ctrl_key() || e.meta_key() || e.is_composing() {
            return;
        }
        match e.key().as_str() {
            "c" | "C" if claimable => {
                e.prevent_default();
                runtime::dispatch(Action::ClaimNow(id));
            }
            key @ ("ArrowDown" | "ArrowUp") => {
                e.prevent_default();
                if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                    focus_sibling_row(&el, key == "ArrowDown");
                }
            }
            _ => {}
        }
    });
    let claim = Callback::from(move |_: MouseEvent| runtime::dispatch(Action::ClaimNow(id)));
    let priority = match c.summary.priority {
        Priority::Normal => None,
        Priority::High => Some(("high", s.pr_high)),
        Priority::Urgent => Some(("urgent", s.pr_urgent)),
    };
    let tags = priority.is_some()
        || c.summary.offline
        || c.summary.skill.is_some()
        || p.position.is_some()
        || !p.tags.is_empty();
    let fresh = c.assigned_new;
    let row = html! {
        <button type="button" id={format!("row-{id}")} class={classes!("row", fresh.then_some("fresh"))}
            aria-current={ p.current.then_some("true") } {onclick} {onkeydown}
            aria-keyshortcuts={ claimable.then_some("C") }
            data-conversation={id.to_string()} data-held={c.held_seq().to_string()}>
            <span class="top">
                if fresh { <span class="tag new">{ s.new_badge }</span> }
                <span class="name">{ name.clone() }</span>
                if p.mentioned {
                    <span class="mention-mark" title={ s.desk.mentioned_you }>
                        <span aria-hidden="true">{ "@" }</span><span class="sr-only">{ s.desk.mentioned_you }</span>
                    </span>
                }
                if unread > 0 {
                    <span class="badge hot">
                        <span aria-hidden="true">{ unread }</span>
                        <span class="sr-only">{ fill(s.unread_n, &[&unread.to_string()]) }</span>
                    </span>
                }
                <span class="wait">{ time }</span>
            </span>
            <span class="prev">{ preview }</span>
            if tags {
                <span class="tags">
                    if let Some(pos) = p.position { <span class="tag pos">{ fill(s.queue_pos, &[&pos.to_string()]) }</span> }
                    if let Some((class, word)) = priority { <span class={classes!("tag", class)}>{ word }</span> }
                    if c.summary.offline { <span class="tag offline">{ s.offline_badge }</span> }
                    if let Some(skill) = &c.summary.skill { <span class="tag">{ fill(s.skill_badge, &[skill]) }</span> }
                    { for p.tags.iter().map(super::tag_bar::chip) }
                </span>
            }
            if let Some(who) = who { <span class="who">{ who }</span> }
        </button>
    };
    if !claimable {
        return row;
    }
    html! {
        <div class="row-line">
            { row }
            <button type="button" class="primary row-claim" onclick={claim} disabled={c.claiming}
                aria-label={ fill(s.claim_row, &[&name]) }>
                { if c.claiming { s.claiming } else { s.claim } }
            </button>
        </div>
    }
}
