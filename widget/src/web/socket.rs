//! The visitor WebSocket (`/v1/ws/visitor?tenant=…` on the frame's own origin,
//! which is the relay). Each socket gets a generation number so events from a
//! replaced socket are ignored.

use std::cell::{Cell, RefCell};

use natter_protocol::{TenantId, VisitorFrame};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

use super::{dom, json, runtime};
use crate::state::Action;
use crate::wire::{decode, encode};

thread_local! {
    static SOCKET: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

fn url(tenant: &TenantId) -> Option<String> {
    let loc = dom::window()?.location();
    let scheme = if loc.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(String::from(scheme) + "://" + &loc.host().ok()? + "/v1/ws/visitor?tenant=" + tenant.as_str())
}

/// Opens a new socket, closing any previous one.
pub fn connect(tenant: &TenantId) {
    close();
    let generation = GENERATION.with(|g| {
        g.set(g.get().wrapping_add(1));
        g.get()
    });
    let current = move || GENERATION.with(Cell::get) == generation;
    let Some(ws) = url(tenant).and_then(|u| WebSocket::new(&u).ok()) else {
        runtime::dispatch(Action::SocketClosed { now: dom::now(), jitter: dom::jitter() });
        return;
    };
    let on_open = Closure::<dyn FnMut()>::new(move || {
        if current() {
            runtime::dispatch(Action::SocketOpened);
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if !current() {
            return;
        }
        let Some(text) = e.data().as_string() else { return };
        if let Some(frame) = json::parse(&text).and_then(|v| decode::server_frame(&v)) {
            runtime::dispatch(Action::Frame { now: dom::now(), frame });
        }
    });
    let on_close = Closure::<dyn FnMut()>::new(move || {
        if current() {
            SOCKET.with(|s| s.borrow_mut().take());
            runtime::dispatch(Action::SocketClosed { now: dom::now(), jitter: dom::jitter() });
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

/// Writes a frame; false when there is no open socket (the store resends
/// messages on the next welcome; typing/read frames are simply dropped).
pub fn send(frame: &VisitorFrame) -> bool {
    let text = encode::visitor_frame(frame);
    SOCKET.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|ws| ws.ready_state() == WebSocket::OPEN)
            .is_some_and(|ws| ws.send_with_str(&text).is_ok())
    })
}
