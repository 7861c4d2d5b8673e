//! The visitor WebSocket (`/v1/ws/visitor?tenant=…` on the frame's own origin,
//! which is the relay): frames in and out through the hand-written wire codec.

use natter_browser::socket::{self, Events};
use natter_protocol::{TenantId, VisitorFrame};

use super::{dom, json, runtime};
use crate::state::Action;
use crate::wire::{decode, encode};

pub use socket::close;

#[derive(Clone, Copy)]
struct Visitor;

impl Events for Visitor {
    fn opened(&self) {
        runtime::dispatch(Action::SocketOpened);
    }

    fn text(&self, text: String) {
        if let Some(frame) = json::parse(&text).and_then(|v| decode::server_frame(&v)) {
            runtime::dispatch(Action::Frame { now: dom::now(), frame });
        }
    }

    fn closed(&self) {
        runtime::dispatch(Action::SocketClosed { now: dom::now(), jitter: dom::jitter() });
    }
}

/// Opens a new socket, closing any previous one.
pub fn connect(tenant: &TenantId) {
    socket::connect(&(String::from("/v1/ws/visitor?tenant=") + tenant.as_str()), Visitor);
}

/// Writes a frame; false when there is no open socket (the store resends
/// messages on the next welcome; typing/read frames are simply dropped).
pub fn send(frame: &VisitorFrame) -> bool {
    socket::send(&encode::visitor_frame(frame))
}
