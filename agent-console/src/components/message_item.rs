//! One line of the log: a visitor or agent message (with author, time, its
//! files and read mark) or a system line (joined, transferred with its note,
//! closed, a visitor's file blocked). Text is always rendered as text, never as
//! HTML.

use natter_protocol::{
    AgentId, Author, AutoCloseReason, ConversationEvent, ConversationId, FileLink, Message, MessageBody,
};
use yew::prelude::*;

use super::attachment_view::{AttachmentView, Place};
use crate::format;
use crate::i18n::files::refused_line;
use crate::i18n::{Locale, fill};

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub conversation: ConversationId,
    pub message: Message,
    /// The links to show each attachment with, in order (see `Store::link_of`).
    #[prop_or_default]
    pub links: Vec<FileLink>,
    pub me: AgentId,
    pub tz: i32,
    pub locale: Locale,
    pub seen: bool,
}

#[component]
pub fn MessageItem(p: &Props) -> Html {
    let s = p.locale.strings();
    let m = &p.message;
    let time = format::clock(m.at, p.tz);
    let full = format::date_time(m.at, p.tz);
    match &m.body {
        MessageBody::Text { text, attachments, .. } => {
            let (class, who) = match &m.author {
                Author::Visitor => (classes!("m", "visitor"), s.visitor.to_owned()),
                Author::Agent { id, name } if *id == p.me => (classes!("m", "agent"), format!("{name} ({})", s.you)),
                Author::Agent { name, .. } => (classes!("m", "agent", "other"), name.clone()),
                Author::System => (classes!("m", "visitor"), String::new()),
            };
            html! {
                <div {class} data-seq={m.seq.to_string()}>
                    <span class="meta">{ who }{ " · " }<time title={full}>{ time }</time></span>
                    if !text.is_empty() || attachments.is_empty() { <div class="bubble">{ text.clone() }</div> }
                    if !attachments.is_empty() {
                        <div class="atts">
                            { for attachments.iter().zip(&p.links).enumerate().map(|(index, (a, link))| {
                                let place = Place { conversation: p.conversation, seq: m.seq, index };
                                html! {
                                    <AttachmentView key={a.id.as_str().to_owned()} {place} attachment={a.clone()}
                                        link={link.clone()} locale={p.locale} />
                                }
                            }) }
                        </div>
                    }
                    if p.seen { <span class="meta">{ s.seen }</span> }
                </div>
            }
        }
        MessageBody::Event { event: ConversationEvent::FileRefused { name, reason, signature } } => {
            let line = refused_line(s.files, name, *reason, signature.as_deref());
            html! {
                <p class="sys blocked" data-seq={m.seq.to_string()}>
                    <span aria-hidden="true">{ "⛔ " }</span>{ line }{ " · " }<time title={full}>{ time }</time>
                </p>
            }
        }
        MessageBody::Event { event } => {
            let (line, note) = match event {
                ConversationEvent::Claimed { agent } => (fill(s.ev_claimed, &[&agent.name]), None),
                ConversationEvent::Transferred { from, to, note } => {
                    (fill(s.ev_transferred, &[&from.name, &to.name]), note.as_ref().map(|n| fill(s.ev_note, &[n])))
                }
                ConversationEvent::Closed { by: Author::Visitor } => (s.ev_closed_by_visitor.to_owned(), None),
                ConversationEvent::Closed { by: Author::Agent { name, .. } } => (fill(s.ev_closed_by, &[name]), None),
                ConversationEvent::Closed { by: Author::System } => (s.ev_closed.to_owned(), None),
                ConversationEvent::AutoClosed { reason: AutoCloseReason::Abandoned } => {
                    (s.ev_abandoned.to_owned(), None)
                }
                ConversationEvent::AutoClosed { reason: AutoCloseReason::Inactive } => (s.ev_inactive.to_owned(), None),
                ConversationEvent::Requeued { skill, note } => (
                    skill.as_ref().map_or_else(|| s.ev_requeued.to_owned(), |k| fill(s.ev_requeued_skill, &[k])),
                    note.as_ref().map(|n| fill(s.ev_note, &[n])),
                ),
                // Events of a newer relay: still a closed/changed conversation line.
                #[allow(unreachable_patterns)]
                _ => (s.ev_closed.to_owned(), None),
            };
            html! {
                <p class="sys" data-seq={m.seq.to_string()}>
                    { line }{ " · " }<time title={full}>{ time }</time>
                    if let Some(note) = note { <br />{ note } }
                </p>
            }
        }
    }
}
