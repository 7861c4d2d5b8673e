//! One open conversation: header with actions, the message log, the visitor's
//! typing indicator, the composer (or why the agent cannot reply; a closed one
//! shows the reply box disabled), and the visitor details beside it (on a phone,
//! a pane of its own with a way back).

use natter_protocol::{ConversationId, ConversationStatus};
use yew::prelude::*;

use super::assignment_history::AssignmentHistory;
use super::composer::Composer;
use super::conversation_header::ConversationHeader;
use super::earlier_list::EarlierList;
use super::files_list::FilesList;
use super::message_list::MessageList;
use super::note_composer::{ComposerMode, NoteComposer};
use super::tag_bar::TagBar;
use super::use_store;
use crate::format;
use crate::i18n::fill;
use crate::state::{Action, Pane};
use crate::ua;
use crate::web::dom;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
}

#[component]
pub fn ConversationView(p: &Props) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let Some(conv) = store.conv(p.id).cloned() else {
        return html! { <div class="placeholder"><p>{ s.nothing_open }</p></div> };
    };
    let id = p.id;
    let me = store.my_id();
    let tz = dom::tz_offset_min();
    let pending: Vec<_> = store.outbox.for_conversation(id).cloned().collect();
    let can_reply = store.can_reply(id);
    let sum = &conv.summary;
    let title_id = format!("conv-title-{id}");
    let note_mode = store.in_note_mode(id);
    let colleagues: Vec<_> = store.agents.iter().filter(|a| a.id != me).cloned().collect();
    let names: Vec<String> = store.agents.iter().map(|a| a.name.clone()).collect();
    let note_box = html! {
        <NoteComposer {id} draft={store.note_draft(id).to_owned()} agents={colleagues} locale={store.settings.locale} />
    };

    let note = if can_reply {
        None
    } else {
        Some(match sum.status {
            ConversationStatus::Waiting => {
                let claim = {
                    let store = store.clone();
                    Callback::from(move |_: MouseEvent| store.dispatch(Action::Claim(id)))
                };
                html! {
                    <div class="composer-note">
                        <span>{ s.claim_to_reply }</span>
                        <button type="button" class="primary" onclick={claim} disabled={conv.claiming}>
                            { if conv.claiming { s.claiming } else { s.claim } }
                        </button>
                    </div>
                }
            }
            ConversationStatus::Active => {
                let who = sum.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_default();
                html! { <div class="composer-note"><span>{ fill(s.held_by, &[&who]) }</span></div> }
            }
            ConversationStatus::Closed => html! {
                <div class="composer-note"><span>{ s.conversation_closed }</span></div>
            },
        })
    };
    // A reply kept after the conversation closed stays visible, to copy.
    let kept = (!can_reply && !store.draft(id).is_empty()).then(|| store.draft(id).to_owned());

    let back_to_conv = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowPane(Pane::Conversation)))
    };
    let client = sum.user_agent.as_deref().map(ua::parse);
    let unknown = || s.unknown.to_owned();
    let link = |url: &Option<String>| match url {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
            html! { <a href={u.clone()} target="_blank" rel="noopener noreferrer">{ u.clone() }</a> }
        }
        Some(u) => html! { { u.clone() } },
        None => html! { { unknown() } },
    };

    html! {
        <section class="conv" aria-labelledby={title_id.clone()}>
            <div class="conv-main">
                <ConversationHeader conv={conv.clone()} {title_id} can_reply={can_reply}
                    online={store.conn == crate::state::Conn::Online} locale={store.settings.locale} />
                <TagBar {id} on={sum.tags.clone()} all={store.tags.clone()}
                    online={store.conn == crate::state::Conn::Online} locale={store.settings.locale} />
                <MessageList conv={conv.clone()} {pending} fetched={store.fetched_links(id)} {me} {tz}
                    locale={store.settings.locale} notes={store.notes_of(id).to_vec()}
                    pending_notes={store.pending_notes(id)} {names}
                    my_name={store.me().map(|a| a.name.clone()).unwrap_or_default()} />
                <div class="typing" aria-live="polite">
                    if conv.visitor_typing(store.now) { { s.visitor_typing } }
                </div>
                if can_reply {
                    <ComposerMode {id} note={note_mode} locale={store.settings.locale} />
                }
                if can_reply && note_mode {
                    { note_box.clone() }
                } else if can_reply {
                    <Composer {id} draft={store.draft(id).to_owned()} uploads={store.uploads.of(id).cloned().collect::<Vec<_>>()}
                        locale={store.settings.locale} />
                } else {
                    { note.unwrap_or_default() }
                    if let Some(text) = kept {
                        <div class="composer">
                            <label class="sr-only" for={format!("kept-{id}")}>{ s.reply }</label>
                            <textarea id={format!("kept-{id}")} readonly=true value={text} />
                        </div>
                    } else if sum.status == ConversationStatus::Closed {
                        // Nothing more can be written here: the box says so by being off.
                        <div class="composer">
                            <label class="sr-only" for={format!("closed-{id}")}>{ s.reply }</label>
                            <textarea id={format!("closed-{id}")} rows="2" disabled=true
                                placeholder={ s.conversation_closed } />
                            <button type="button" class="primary" disabled=true>{ s.send }</button>
                        </div>
                    }
                    { note_box }
                }
            </div>
            <aside class="details" aria-label={ s.details }>
                <button type="button" class="back pane-only" onclick={back_to_conv}>
                    <span aria-hidden="true">{ "← " }</span>{ s.back_conversation }
                </button>
                <h3>{ s.details }</h3>
                <dl>
                    if let Some(customer) = &sum.customer_id {
                        <dt>{ s.field_customer }</dt>
                        <dd>{ customer.clone() }<span class="verified">{ format!(" ✓ {}", s.verified) }</span></dd>
                    }
                    <dt>{ s.field_email }</dt>
                    <dd>{ sum.visitor.email.clone().unwrap_or_else(unknown) }</dd>
                    if let Some(phone) = &sum.visitor.phone {
                        <dt>{ s.k_phone }</dt>
                        <dd><a href={format!("tel:{phone}")}>{ phone.clone() }</a></dd>
                    }
                    if let Some(department) = &sum.visitor.department {
                        <dt>{ s.k_department }</dt>
                        <dd>{ department.clone() }</dd>
                    }
                    // Custom pre-chat answers, by the key the settings gave them.
                    { for sum.visitor.fields.iter().map(|(key, value)| html! {
                        <>
                            <dt>{ key.clone() }</dt>
                            <dd dir="auto">{ value.clone() }</dd>
                        </>
                    }) }
                    <dt>{ s.field_page }</dt>
                    <dd>{ link(&sum.visitor.page_url) }</dd>
                    <dt>{ s.field_referrer }</dt>
                    <dd>{ link(&sum.visitor.referrer) }</dd>
                    <dt>{ s.field_browser }</dt>
                    <dd title={ sum.user_agent.clone().unwrap_or_default() }>
                        { client.as_ref().and_then(|c| c.browser.clone()).unwrap_or_else(unknown) }
                    </dd>
                    <dt>{ s.field_system }</dt>
                    <dd>{ client.as_ref().and_then(|c| c.os.clone()).unwrap_or_else(unknown) }</dd>
                    <dt>{ s.field_started }</dt>
                    <dd>{ format::date_time(sum.created_at, tz) }</dd>
                    if let Some(offset) = sum.visitor.utc_offset_min.map(i32::from) {
                        <dt>{ s.field_local_time }</dt>
                        <dd>{ format!("{} ({})", format::clock(store.now, offset), format::utc_offset(offset)) }</dd>
                    }
                </dl>
                <AssignmentHistory {id} holder={sum.assignee.as_ref().map(|a| (a.id, sum.status))}
                    token={store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default()} {tz}
                    locale={store.settings.locale} />
                <FilesList {id} />
                <EarlierList {id} />
            </aside>
        </section>
    }
}
