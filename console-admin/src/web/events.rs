//! Tells the inbox what it must know, as `natter-admin` DOM events on the
//! element the module was mounted in (their `detail`: the event as JSON text).

use std::cell::RefCell;

use natter_console_kit::bridge::{AdminEvent, EVENT};
use web_sys::{CustomEvent, CustomEventInit, Element};

use super::json;

thread_local! {
    static ROOT: RefCell<Option<Element>> = const { RefCell::new(None) };
}

/// The element events go to (the latest mount's).
pub fn set_root(root: &Element) {
    ROOT.with(|r| *r.borrow_mut() = Some(root.clone()));
}

/// Dispatches one event to the inbox.
pub fn emit(event: &AdminEvent) {
    let (Some(root), Some(text)) = (ROOT.with(|r| r.borrow().clone()), json::to_string(event)) else { return };
    let init = CustomEventInit::new();
    init.set_detail(&text.into());
    if let Ok(e) = CustomEvent::new_with_event_init_dict(EVENT, &init) {
        let _ = root.dispatch_event(&e);
    }
}
