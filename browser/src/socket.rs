//! The page's one WebSocket to the relay (same origin, `ws:` or `wss:` as the
//! page). Each socket gets a generation number, so events from a replaced or
//! closed socket are ignored; the app says what an open, a text frame and a
//! close mean through [`Events`].

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

use crate::dom;

/// What the app does with the socket's events (only the current socket's).
/// `Copy`: each handler holds its own copy (apps pass a unit struct).
pub trait Events: Copy + 'static {
    fn opened(&self);
    fn text(&self, text: String);
    /// Closed or failed to open: time to schedule a reconnect.
    fn closed(&self);
}

thread_local! {
    static SOCKET: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// `ws(s)://<this page's host><path>`.
fn url(path: &str) -> Option<String> {
    let loc = dom::window()?.location();
    let scheme = if loc.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(String::from(scheme) + "://" + &loc.host().ok()? + path)
}

/// Opens a new socket to `path` on this origin, closing any previous one.
pub fn connect<E: Events>(path: &str, events: E) {
    close();
    let generation = GENERATION.with(|g| {
        g.set(g.get().wrapping_add(1));
        g.get()
    });
    let current = move || GENERATION.with(Cell::get) == generation;
    let Some(ws) = url(path).and_then(|u| WebSocket::new(&u).ok()) else {
        events.closed();
        return;
    };
    let on_open = Closure::<dyn FnMut()>::new(move || {
        if current() {
            events.opened();
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if current()
            && let Some(text) = e.data().as_string()
        {
            events.text(text);
        }
    });
    let on_close = Closure::<dyn FnMut()>::new(move || {
        if current() {
            SOCKET.with(|s| s.borrow_mut().take());
            events.closed();
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // `error` is always followed by `close`, which does the reconnecting.
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The handlers live as long as the socket.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    SOCKET.with(|s| *s.borrow_mut() = Some(ws));
}

/// Closes the socket without reconnecting (its events are ignored from now on).
pub fn close() {
    GENERATION.with(|g| g.set(g.get().wrapping_add(1)));
    if let Some(ws) = SOCKET.with(|s| s.borrow_mut().take()) {
        ws.set_onopen(None);
        ws.set_onmessage(None);
        ws.set_onclose(None);
        let _ = ws.close();
    }
}

/// Writes a text frame; false when there is no open socket.
pub fn send(text: &str) -> bool {
    SOCKET.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|ws| ws.ready_state() == WebSocket::OPEN)
            .is_some_and(|ws| ws.send_with_str(text).is_ok())
    })
}
