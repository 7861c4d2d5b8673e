//! Browser notifications (the Notification API), shown while the console window
//! is in the background. One tag for all, so a burst replaces a single entry.

use std::cell::RefCell;

use natter_protocol::ConversationId;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use super::runtime;
use crate::state::Action;

thread_local! {
    static LAST: RefCell<Option<Notification>> = const { RefCell::new(None) };
}

/// Whether notifications are supported, and their permission.
pub fn permission() -> Option<NotificationPermission> {
    let global = js_sys::global();
    let has = js_sys::Reflect::has(&global, &"Notification".into()).unwrap_or(false);
    has.then(Notification::permission)
}

/// Asks for permission (must be called from a click).
pub fn request_permission(done: impl FnOnce() + 'static) {
    if permission().is_none() {
        return;
    }
    if let Ok(promise) = Notification::request_permission() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            done();
        });
    }
}

/// Shows (or replaces) the notification; a click focuses the console on `id`.
pub fn show(title: &str, body: &str, lang: &str, id: ConversationId) {
    if permission() != Some(NotificationPermission::Granted) {
        return;
    }
    let opts = NotificationOptions::new();
    opts.set_body(body);
    opts.set_tag("natter-console");
    opts.set_lang(lang);
    opts.set_renotify(true);
    let Ok(n) = Notification::new_with_options(title, &opts) else { return };
    let on_click = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.focus();
        }
        runtime::dispatch(Action::Open(id));
        close();
    });
    n.set_onclick(Some(on_click.unchecked_ref()));
    LAST.with(|l| *l.borrow_mut() = Some(n));
}

/// Removes the notification (the agent came back to the console).
pub fn close() {
    if let Some(n) = LAST.with(|l| l.borrow_mut().take()) {
        n.close();
    }
}
