//! Frames serialized once per audience, however many sockets receive them, with
//! the key on which a newer frame replaces an unwritten older one (see
//! [`crate::outbox`]).

use std::sync::Arc;

use natter_protocol::{ErrorFrame, ToAgent, ToVisitor};
use serde::Serialize;

use crate::outbox::{Coalesce, Frame};

/// A frame for visitor sockets.
pub fn visitor(frame: &ToVisitor) -> Frame {
    let key = match frame {
        ToVisitor::VisitorConversation { conversation } => Some(Coalesce::VisitorConversation(conversation.id)),
        ToVisitor::Queue { .. } => Some(Coalesce::Queue),
        _ => None,
    };
    Frame { text: to_text(frame), key }
}

/// A frame for agent sockets.
pub fn agent(frame: &ToAgent) -> Frame {
    let key = match frame {
        ToAgent::Conversation { conversation } => Some(Coalesce::Conversation(conversation.id)),
        ToAgent::Presence { .. } => Some(Coalesce::Presence),
        _ => None,
    };
    Frame { text: to_text(frame), key }
}

/// An error frame, which reads the same to both audiences.
pub fn error(error: &ErrorFrame) -> Frame {
    // `ToVisitor::Error` and `ToAgent::Error` serialize to the same JSON.
    agent(&ToAgent::Error(error.clone()))
}

fn to_text(frame: &impl Serialize) -> Arc<str> {
    // Serializing our own types to a String cannot fail (no maps with non-string keys).
    Arc::from(serde_json::to_string(frame).unwrap_or_default())
}
