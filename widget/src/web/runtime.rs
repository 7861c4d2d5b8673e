//! Carries out the store's effects: socket frames, reconnect timers, uploads,
//! storage, messages to the loader, focus moves, theme and language. Also holds the
//! store's dispatcher so browser callbacks (socket, timers, the bridge) can send
//! actions.

use std::cell::{Cell, RefCell};

use natter_protocol::TenantId;
use yew::Callback;

use super::{bridge, dom, files, socket, storage};
use crate::state::{Action, Effect, Focus};

thread_local! {
    static DISPATCH: RefCell<Option<Callback<Action>>> = const { RefCell::new(None) };
    static RECONNECT: Cell<Option<i32>> = const { Cell::new(None) };
}

/// DOM id of the message box.
pub const COMPOSER_ID: &str = "natter-composer";
/// DOM id of the first control of the pre-chat or offline form.
pub const START_ID: &str = "natter-start";
/// DOM id of the lightbox's close button.
pub const LIGHTBOX_ID: &str = "natter-lightbox-close";

/// Registers the store's dispatcher (once, when the app mounts).
pub fn install(dispatch: Callback<Action>) {
    DISPATCH.with(|d| *d.borrow_mut() = Some(dispatch));
}

/// Sends an action to the store from outside a component.
pub fn dispatch(action: Action) {
    let cb = DISPATCH.with(|d| d.borrow().clone());
    if let Some(cb) = cb {
        cb.emit(action);
    }
}

/// Called by the reducer with the effects of one action. Runs them after the
/// reducer returns (never inside it).
pub fn schedule(effects: Vec<Effect>, tenant: Option<TenantId>) {
    if effects.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        for e in effects {
            run(e, tenant.as_ref());
        }
    });
}

fn run(effect: Effect, tenant: Option<&TenantId>) {
    match effect {
        Effect::Connect { delay_ms } => {
            let Some(tenant) = tenant.cloned() else { return };
            if let Some(t) = RECONNECT.with(Cell::take) {
                dom::clear_timeout(t);
            }
            if delay_ms == 0 {
                socket::connect(&tenant);
            } else {
                socket::close();
                let t = dom::set_timeout(delay_ms, move || {
                    RECONNECT.with(|r| r.set(None));
                    socket::connect(&tenant);
                });
                RECONNECT.with(|r| r.set(t));
            }
        }
        Effect::Send(frame) => {
            socket::send(&frame);
        }
        Effect::SaveToken(token) => {
            if let Some(t) = tenant {
                storage::save_token(t, token.as_deref());
            }
        }
        Effect::SavePending(pending) => {
            if let Some(t) = tenant {
                storage::save_pending(t, &pending);
            }
        }
        Effect::SaveSeen(seen) => {
            if let Some(t) = tenant {
                storage::save_seen(t, seen);
            }
        }
        Effect::ToHost(msg) => bridge::send(&msg),
        Effect::Focus(Focus::Composer) => dom::focus_id(COMPOSER_ID),
        Effect::Focus(Focus::Start) => dom::focus_id(START_ID),
        Effect::Focus(Focus::Lightbox) => dom::focus_id(LIGHTBOX_ID),
        Effect::Focus(Focus::Attachment(id)) => dom::focus_id(&crate::state::files::dom_id(&id)),
        Effect::Focus(Focus::Rating(score)) => dom::focus_id(&crate::components::survey::rating_id(score)),
        Effect::Focus(Focus::TranscriptEmail) => dom::focus_id(crate::components::transcript::EMAIL_ID),
        Effect::Upload { key, name, token } => {
            if let Some(t) = tenant {
                files::upload(key, &name, &token, t);
            }
        }
        Effect::DropUpload(key) => files::drop_upload(key),
        Effect::FetchLink { id, token } => {
            if let Some(t) = tenant {
                files::fetch_link(id, &token, t);
            }
        }
        Effect::Download(url) => files::download(&url),
        Effect::Chime => natter_browser::audio::chime(0.6),
        Effect::SaveMuted(muted) => {
            if let Some(t) = tenant {
                storage::save_muted(t, muted);
            }
        }
        Effect::Theme { primary, secondary } => dom::set_theme(&primary, &secondary),
        Effect::Lang(locale) => dom::set_lang(locale.tag()),
    }
}
