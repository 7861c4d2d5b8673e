//! Carries out the inbox store's effects: socket frames, reconnect timers,
//! storage, sign-out calls, sounds, notifications and focus moves. The store's
//! dispatcher, through which browser callbacks (socket, timers) send actions,
//! is the kit's.

use std::cell::Cell;

use natter_protocol::ConversationId;
use yew::Callback;

use natter_browser::audio;

use super::{api, canned, desktop, dom, files, socket, storage};
use crate::format;
use crate::i18n::fill;
use crate::state::notify::AlertKind;
use crate::state::{Action, Effect, FocusTarget, Store};

pub use natter_console_kit::web::runtime::dispatch;

thread_local! {
    static RECONNECT: Cell<Option<i32>> = const { Cell::new(None) };
}

/// Registers the store's dispatcher and this runner (once, when the app mounts).
pub fn install(dispatch: Callback<Action>) {
    natter_console_kit::web::runtime::install(dispatch, schedule);
}

/// A browser notification, worded while the store is at hand.
#[derive(Debug)]
struct Desktop {
    title: String,
    body: String,
    lang: &'static str,
    id: ConversationId,
}

/// An effect ready to run without the store.
#[derive(Debug)]
enum Job {
    Effect(Effect),
    Alert { sound: Option<f32>, desktop: Option<Desktop> },
}

/// Called by the reducer with the effects of one action and the new store. Runs
/// them after the reducer returns (never inside it).
fn schedule(effects: Vec<Effect>, store: &Store) {
    if effects.is_empty() {
        return;
    }
    let s = store.settings.locale.strings();
    let jobs: Vec<Job> = effects
        .into_iter()
        .map(|e| match e {
            Effect::Alert(a) => {
                let label = store.conv(a.conversation_id).map(|c| format::label(s, &c.label())).unwrap_or_default();
                let desktop = a.desktop.then(|| {
                    let (title, body) = if a.count > 1 {
                        (fill(s.burst, &[&a.count.to_string()]), label.clone())
                    } else {
                        let title = match a.kind {
                            AlertKind::NewVisitor => fill(s.a_new_visitor, &[&label]),
                            AlertKind::NewMessage => fill(s.a_new_message, &[&label]),
                            AlertKind::TransferredToMe => fill(s.a_transferred, &[&label]),
                            AlertKind::Mention => fill(s.desk.a_mention, &[&label]),
                        };
                        let body = match a.kind {
                            AlertKind::Mention => store.notes_of(a.conversation_id).last().map(|n| n.text.clone()),
                            _ => store.conv(a.conversation_id).and_then(|c| c.preview().map(str::to_owned)),
                        };
                        (title, body.unwrap_or_default())
                    };
                    Desktop { title, body, lang: store.settings.locale.tag(), id: a.conversation_id }
                });
                Job::Alert { sound: a.sound, desktop }
            }
            other => Job::Effect(other),
        })
        .collect();
    wasm_bindgen_futures::spawn_local(async move {
        for job in jobs {
            run(job);
        }
    });
}

fn run(job: Job) {
    match job {
        Job::Alert { sound, desktop } => {
            if let Some(volume) = sound {
                audio::chime(volume);
            }
            if let Some(d) = desktop {
                desktop::show(&d.title, &d.body, d.lang, d.id);
            }
        }
        Job::Effect(e) => match e {
            Effect::Connect { delay_ms } => {
                if let Some(t) = RECONNECT.with(|r| r.take()) {
                    dom::clear_timeout(t);
                }
                if delay_ms == 0 {
                    socket::connect();
                } else {
                    let t = dom::set_timeout(delay_ms, || {
                        RECONNECT.with(|r| r.set(None));
                        socket::connect();
                    });
                    RECONNECT.with(|r| r.set(t));
                }
            }
            Effect::Disconnect => {
                if let Some(t) = RECONNECT.with(|r| r.take()) {
                    dom::clear_timeout(t);
                }
                socket::close();
            }
            Effect::Send(frame) => {
                socket::send(&frame);
            }
            Effect::SaveSession(session) => storage::save_session(session.as_ref()),
            Effect::SaveActivity(at) => storage::save_activity(at),
            Effect::SaveDrafts { owner, drafts, outbox } => storage::save_drafts(&owner, &drafts, &outbox),
            Effect::ClearDrafts(owner) => storage::clear_drafts(&owner),
            Effect::SaveSettings(settings) => storage::save_settings(&settings),
            Effect::Logout { token } => wasm_bindgen_futures::spawn_local(api::logout(token)),
            Effect::Alert(_) => {}
            // The settings page is the admin module's: its own store loads and saves.
            Effect::LoadAdmin { .. } | Effect::SaveAdmin { .. } => {}
            Effect::FindConversations { token, lookup } => wasm_bindgen_futures::spawn_local(async move {
                dispatch(api::find_conversations(token, lookup).await);
            }),
            Effect::Upload { key, file, name, token } => files::upload(key, file, &name, &token),
            Effect::AbortUpload(key) => files::abort(key),
            Effect::DropFiles(list) => files::drop_files(&list),
            Effect::FetchLink { token, id } => wasm_bindgen_futures::spawn_local(async move {
                dispatch(api::fetch_link(token, id).await);
            }),
            Effect::Download { url, name } => files::download(&url, &name),
            Effect::Canned { token, call } => canned::run_picker(token, call),
            Effect::Focus(target) => dom::focus_id(&match target {
                FocusTarget::Composer(id) => composer_id(id),
                FocusTarget::Inbox => "inbox-tabs".to_owned(),
                FocusTarget::SignIn => "signin-email".to_owned(),
            }),
        },
    }
}

/// The DOM id of a conversation's reply box.
pub fn composer_id(id: ConversationId) -> String {
    format!("composer-{id}")
}
