//! The conversation's log: messages and system lines in seq order, then the
//! agent's not-yet-acknowledged messages; "Seen" under the last message the
//! visitor has read. Keeps itself scrolled to the newest line.

use std::rc::Rc;

use std::collections::BTreeMap;

use natter_protocol::{AgentId, Author, FileLink, MessageBody, Note, UploadId};
use web_sys::Element;
use yew::prelude::*;

use super::message_item::MessageItem;
use super::note_item::{NoteItem, NoteState};
use super::pending_item::PendingItem;
use crate::i18n::Locale;
use crate::state::conv::ConvState;
use crate::state::desk::{Line, interleave};
use crate::state::files::best_link_of;
use crate::state::outbox::Pending;

#[derive(Properties, Debug)]
pub struct Props {
    pub conv: Rc<ConvState>,
    pub pending: Vec<Pending>,
    /// Links fetched since for this conversation's attachments.
    pub fetched: BTreeMap<UploadId, FileLink>,
    pub me: AgentId,
    pub tz: i32,
    pub locale: Locale,
    /// Internal notes, shown among the messages by time.
    #[prop_or_default]
    pub notes: Vec<Note>,
    #[prop_or_default]
    pub pending_notes: Vec<Pending>,
    /// The team's names (mentions are highlighted) and this agent's.
    #[prop_or_default]
    pub names: Vec<String>,
    #[prop_or_default]
    pub my_name: String,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.conv, &o.conv)
            && self.pending == o.pending
            && self.fetched == o.fetched
            && self.me == o.me
            && self.tz == o.tz
            && self.locale == o.locale
            && self.notes == o.notes
            && self.pending_notes == o.pending_notes
            && self.names == o.names
    }
}

#[component]
pub fn MessageList(p: &Props) -> Html {
    let s = p.locale.strings();
    let log = use_node_ref();
    // Follow new lines only while the agent is at the bottom; someone scrolled up
    // to read older messages is left where they are.
    let stick = use_mut_ref(|| true);
    let count = p.conv.messages.len() + p.pending.len() + p.notes.len() + p.pending_notes.len();
    {
        let (log, stick) = (log.clone(), stick.clone());
        use_effect_with(count, move |_| {
            if let Some(el) = log.cast::<Element>()
                && *stick.borrow()
            {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let onscroll = {
        let (log, stick) = (log.clone(), stick.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = log.cast::<Element>() {
                *stick.borrow_mut() = el.scroll_top() + el.client_height() >= el.scroll_height() - 60;
            }
        })
    };
    let read = p.conv.summary.visitor_read_seq;
    // The newest agent message the visitor has read gets the "Seen" mark.
    let seen_seq =
        p.conv.messages.iter().rev().find(|m| matches!(m.author, Author::Agent { .. }) && m.seq <= read).map(|m| m.seq);
    let loading = p.conv.syncing && p.conv.messages.is_empty();
    let message_times: Vec<_> = p.conv.messages.iter().map(|m| m.at).collect();
    let note_times: Vec<_> = p.notes.iter().map(|n| n.at).collect();
    let lines = interleave(&message_times, &note_times);
    html! {
        <div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label={ s.messages }
            tabindex="0" ref={log} {onscroll}>
            if loading { <p class="sys">{ s.loading_history }</p> }
            { for lines.iter().map(|line| {
                let m = match *line {
                    Line::Message(i) => &p.conv.messages[i],
                    Line::Note(i) => {
                        let n = &p.notes[i];
                        return html! {
                            <NoteItem key={format!("note-{}", n.id.0)} author={n.author.name.clone()} at={n.at}
                                text={n.text.clone()} state={NoteState::Saved} names={p.names.clone()}
                                my_name={p.my_name.clone()} tz={p.tz} locale={p.locale} />
                        };
                    }
                };
                let links = match &m.body {
                    MessageBody::Text { attachments, .. } => {
                        attachments.iter().map(|a| best_link_of(a, p.fetched.get(&a.id))).collect()
                    }
                    MessageBody::Event { .. } => Vec::new(),
                };
                html! {
                    <MessageItem key={m.seq.0} conversation={p.conv.id()} message={m.clone()} {links} me={p.me}
                        tz={p.tz} locale={p.locale} seen={seen_seq == Some(m.seq)} />
                }
            }) }
            { for p.pending.iter().map(|m| html! {
                <PendingItem key={m.client_id.as_str().to_owned()} pending={m.clone()} tz={p.tz} locale={p.locale} />
            }) }
            { for p.pending_notes.iter().map(|n| {
                let state = match n.state {
                    crate::state::outbox::PendingState::Failed(_) => NoteState::Failed(n.client_id.clone()),
                    _ => NoteState::Sending,
                };
                html! {
                    <NoteItem key={format!("pending-{}", n.client_id.as_str())} author={p.my_name.clone()} at={n.at}
                        text={n.text.clone()} {state} names={p.names.clone()} my_name={p.my_name.clone()}
                        tz={p.tz} locale={p.locale} />
                }
            }) }
        </div>
    }
}
