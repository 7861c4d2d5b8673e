//! One internal note in the conversation's timeline: marked as visitors never
//! seeing it, its author and time, and its text with `@mentions` highlighted
//! (the agent's own name more so). A note still on its way says so, and a
//! refused one offers a retry.

use natter_protocol::{ClientMsgId, UnixMillis};
use yew::prelude::*;

use crate::format;
use crate::i18n::Locale;
use crate::state::Action;
use crate::state::desk::{self, DeskAction, Run};
use crate::web::runtime;

/// Where a note stands.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteState {
    Saved,
    Sending,
    Failed(ClientMsgId),
}

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub author: String,
    pub at: UnixMillis,
    pub text: String,
    pub state: NoteState,
    /// Names of the team, for highlighting mentions.
    pub names: Vec<String>,
    pub my_name: String,
    pub tz: i32,
    pub locale: Locale,
}

#[component]
pub fn NoteItem(p: &Props) -> Html {
    let s = p.locale.strings().desk;
    let names: Vec<&str> = p.names.iter().map(String::as_str).collect();
    let runs = desk::runs(&p.text, &names).into_iter().map(|r| match r {
        Run::Plain(t) => html! { { t.to_owned() } },
        Run::Mention(m) => {
            let mine = m[1..].to_lowercase() == p.my_name.to_lowercase();
            html! { <mark class={classes!("mention", mine.then_some("me"))}>{ m.to_owned() }</mark> }
        }
    });
    let state = match &p.state {
        NoteState::Saved => html! {},
        NoteState::Sending => html! { <span class="note-state">{ s.note_sending }</span> },
        NoteState::Failed(client_id) => {
            let client_id = client_id.clone();
            let retry = Callback::from(move |_: MouseEvent| {
                runtime::dispatch(Action::Desk(DeskAction::RetryNote(client_id.clone())));
            });
            html! {
                <span class="note-state failed">{ s.note_failed }{ " " }
                    <button type="button" class="link" onclick={retry}>{ s.retry }</button>
                </span>
            }
        }
    };
    html! {
        <div class={classes!("note-line", (p.state == NoteState::Sending).then_some("pending"))}>
            <p class="note-label"><span aria-hidden="true">{ "🔒 " }</span>{ s.note_banner }</p>
            <p class="note-meta">
                <span class="note-author">{ p.author.clone() }</span>{ " · " }
                <time>{ format::clock(p.at, p.tz) }</time>{ " " }{ state }
            </p>
            <p class="note-text" dir="auto">{ for runs }</p>
        </div>
    }
}
