//! Frames serialized once per audience, however many sockets receive them, with
//! the key on which a newer frame replaces an unwritten older one (see
//! [`crate::outbox`]).

use std::sync::Arc;

use natter_protocol::{ConversationEvent, ConversationId, ErrorFrame, Message, MessageBody, ToAgent, ToVisitor};
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
        ToAgent::Tags { .. } => Some(Coalesce::Tags),
        ToAgent::MetricsChanged { .. } => Some(Coalesce::Metrics),
        _ => None,
    };
    Frame { text: to_text(frame), key }
}

/// A `message` frame for each audience: (visitor's, agents'). The visitor's copy
/// drops what is for agents only (transfer notes); a message without such parts
/// is serialized once and shared, since `message` reads the same in both.
pub fn message(conversation_id: ConversationId, message: Message) -> (Frame, Frame) {
    let visitor_copy = has_agent_only_parts(&message).then(|| for_visitor(&message));
    let for_agents = agent(&ToAgent::Message { conversation_id, message });
    let for_visitor = match visitor_copy {
        Some(message) => visitor(&ToVisitor::Message { conversation_id, message }),
        None => for_agents.clone(),
    };
    (for_visitor, for_agents)
}

fn has_agent_only_parts(m: &Message) -> bool {
    matches!(
        &m.body,
        MessageBody::Event {
            event: ConversationEvent::Transferred { note: Some(_), .. }
                | ConversationEvent::Requeued { note: Some(_), .. }
                | ConversationEvent::FileRefused { signature: Some(_), .. },
        }
    )
}

/// A message as the visitor may see it: transfer notes and what the malware
/// scanner found are for agents only.
pub fn for_visitor(m: &Message) -> Message {
    let mut m = m.clone();
    match &mut m.body {
        MessageBody::Event {
            event: ConversationEvent::Transferred { note, .. } | ConversationEvent::Requeued { note, .. },
        } => *note = None,
        MessageBody::Event { event: ConversationEvent::FileRefused { signature, .. } } => *signature = None,
        _ => {}
    }
    m
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

#[cfg(test)]
mod tests {
    use natter_protocol::{AgentRef, Author, ClientMsgId, Seq, UnixMillis};

    use super::*;

    fn at_seq(body: MessageBody) -> Message {
        Message { seq: Seq(3), at: UnixMillis(1), author: Author::System, body }
    }

    #[test]
    fn a_transfer_note_reaches_agents_only() {
        let (ann, bob) = (
            AgentRef { id: natter_protocol::AgentId(1), name: "Ann".into() },
            AgentRef { id: natter_protocol::AgentId(2), name: "Bob".into() },
        );
        let note = Some("VIP, refund approved".to_owned());
        let event = ConversationEvent::Transferred { from: ann, to: bob, note };
        let (to_visitor, to_agents) = message(ConversationId(7), at_seq(MessageBody::Event { event }));
        assert!(to_agents.text.contains("VIP, refund approved"));
        assert!(!to_visitor.text.contains("VIP"), "{}", to_visitor.text);
        assert!(serde_json::from_str::<ToVisitor>(&to_visitor.text).is_ok());
    }

    #[test]
    fn a_plain_message_is_serialized_once_for_both() {
        let body = MessageBody::Text {
            text: "hi".into(),
            client_id: ClientMsgId::parse("c1").unwrap(),
            attachments: vec![],
            quick_replies: Vec::new(),
        };
        let (to_visitor, to_agents) = message(ConversationId(7), at_seq(body));
        assert!(Arc::ptr_eq(&to_visitor.text, &to_agents.text));
        assert!(serde_json::from_str::<ToVisitor>(&to_visitor.text).is_ok());
        assert!(serde_json::from_str::<ToAgent>(&to_agents.text).is_ok());
    }
}
