//! The agent WebSocket (`/v1/ws/agent` on the console's own origin): frames in
//! and out as JSON through serde.

use natter_browser::socket::{self, Events};
use natter_protocol::{AgentFrame, ToAgent};

use super::{dom, json, runtime};
use crate::state::Action;

pub use socket::close;

#[derive(Clone, Copy)]
struct Agent;

impl Events for Agent {
    fn opened(&self) {
        runtime::dispatch(Action::SocketOpened);
    }

    fn text(&self, text: String) {
        match json::from_str::<ToAgent>(&text) {
            Some(frame) => runtime::dispatch(Action::Frame { now: dom::now(), frame }),
            None => web_sys::console::warn_1(&format!("natter: unreadable frame {text:.200}").into()),
        }
    }

    fn closed(&self) {
        runtime::dispatch(Action::SocketClosed { now: dom::now(), jitter: dom::jitter() });
    }
}

/// Opens a new socket, closing any previous one.
pub fn connect() {
    socket::connect("/v1/ws/agent", Agent);
}

/// Writes a frame. Returns false when there is no open socket (the store's outbox
/// resends messages on the next welcome; typing/read frames are simply dropped).
pub fn send(frame: &AgentFrame) -> bool {
    json::to_string(frame).is_some_and(|text| socket::send(&text))
}
