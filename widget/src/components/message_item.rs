//! One line of the conversation: a visitor or agent bubble (agent name, time,
//! "Seen"), or a system line ("Ann joined the chat"). Text is always rendered as
//! inert text, isolated for bidirectional overrides; files follow the text.

use natter_protocol::{Author, ConversationEvent, FileRefusal, Message, MessageBody};
use yew::prelude::*;

use super::attachments::attachments;
use crate::format::clock;
use crate::i18n::{Locale, fill};
use crate::state::Action;
use crate::web::dom;
use crate::web::runtime::dispatch;

/// What a line needs to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub message: Message,
    pub seen: bool,
    pub show_name: bool,
    pub tz_min: i32,
    pub locale: Locale,
    /// Its quick replies may still be clicked (the newest message, not yet answered).
    pub answerable: bool,
}

/// An agent's quick-reply buttons: a click sends that label as the visitor's
/// message; once answered (or after any later message) they stay, disabled.
fn quick_replies(labels: &[String], live: bool) -> Html {
    if labels.is_empty() {
        return Html::default();
    }
    html! {
        <div class="quick" role="group">
            { for labels.iter().map(|label| {
                let text = label.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    dispatch(Action::Send { client_id: dom::client_id(), text: text.clone(), now: dom::now() });
                });
                html! { <button type="button" disabled={!live} {onclick} dir="auto">{ label.clone() }</button> }
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub line: Line,
}

#[component]
pub fn MessageItem(p: &Props) -> Html {
    let l = &p.line;
    let s = l.locale.strings();
    let time = clock(l.message.at, l.tz_min);
    match (&l.message.author, &l.message.body) {
        (_, MessageBody::Event { event }) => {
            let text = match event {
                ConversationEvent::Claimed { agent } => fill(s.joined, &[&agent.name]),
                ConversationEvent::Transferred { from, to, .. } => fill(s.transferred, &[&from.name, &to.name]),
                ConversationEvent::Closed { by: Author::Agent { name, .. } } if l.show_name => {
                    fill(s.ended_by, &[name])
                }
                ConversationEvent::Closed { by: Author::Visitor } => fill(s.ended_by, &[s.you]),
                ConversationEvent::FileRefused { name, reason: FileRefusal::Infected, .. } => {
                    fill(s.file_refused, &[name])
                }
                ConversationEvent::FileRefused { name, .. } => fill(s.file_not_sent, &[name]),
                _ => s.ended.to_owned(),
            };
            html! { <p class="sys"><span dir="auto">{ text }</span>{ " · " }<time>{ time }</time></p> }
        }
        (Author::Visitor, MessageBody::Text { text, attachments: files, .. }) => html! {
            <div class="msg visitor">
                <div class="bubble">
                    <span class="sr-only">{ s.you }{ ": " }</span>
                    if !text.is_empty() { <p dir="auto">{ text.clone() }</p> }
                    { attachments(files, s) }
                    <span class="meta"><time>{ time }</time>
                        if l.seen { { " · " }<span class="seen">{ s.seen }</span> }
                    </span>
                </div>
            </div>
        },
        (author, MessageBody::Text { text, attachments: files, quick_replies: labels, .. }) => {
            let name = match author {
                Author::Agent { name, .. } if l.show_name => name.clone(),
                _ => s.agent_fallback.to_owned(),
            };
            html! {
                <div class="msg agent">
                    <div class="bubble">
                        <span class="who" dir="auto">{ name }</span>
                        if !text.is_empty() { <p dir="auto">{ text.clone() }</p> }
                        { attachments(files, s) }
                        <span class="meta"><time>{ time }</time></span>
                    </div>
                    { quick_replies(labels, l.answerable) }
                </div>
            }
        }
    }
}
