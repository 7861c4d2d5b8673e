//! Frames the relay sends: one enum per audience. A visitor socket only ever
//! carries [`ToVisitor`], an agent socket [`ToAgent`], so agent-only content (the
//! queue, colleagues, internal events) cannot reach a visitor by mistake: there is
//! no variant to put it in. Frames both audiences get (`message`, `ack`, `typing`,
//! `read`, `error`) have the same JSON in both.

use serde::{Deserialize, Serialize};

use crate::desk::{Note, Tag};
use crate::error::ErrorCode;
use crate::ids::{ClientMsgId, ConversationId, Seq, VisitorId};
use crate::model::{AgentInfo, AgentPresence, Author, ConversationSummary, Message, VisitorConversation};

/// Frames the relay sends to a visitor (the widget).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToVisitor {
    /// Answer to `hello`. `token` is the (renewed) visitor token to keep;
    /// `conversation` is the current conversation, if any. Replayed messages
    /// follow this frame.
    Welcome {
        v: u32,
        visitor_id: VisitorId,
        token: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation: Option<VisitorConversation>,
    },
    /// The visitor's conversation changed: opened, claimed, closed...
    VisitorConversation {
        conversation: VisitorConversation,
    },
    /// A message, live or replayed, as the visitor may see it.
    Message {
        conversation_id: ConversationId,
        message: Message,
    },
    /// The message with `client_id` is durably stored as `seq`.
    Ack {
        conversation_id: ConversationId,
        client_id: ClientMsgId,
        seq: Seq,
        duplicate: bool,
    },
    /// An agent started or stopped typing.
    Typing {
        conversation_id: ConversationId,
        who: Author,
        on: bool,
    },
    /// An agent has read up to `seq` (also sent back for the visitor's own reads).
    Read {
        conversation_id: ConversationId,
        by: Author,
        seq: Seq,
    },
    /// Where the visitor's conversation stands in the queue. Sent whenever it
    /// changes; `estimated_wait_secs` is absent when no agent is online.
    /// `agents_online` is false when no agent is online or busy (all away or
    /// signed out): nobody will answer soon, so the widget offers to leave a message.
    Queue {
        conversation_id: ConversationId,
        position: u32,
        waiting: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        estimated_wait_secs: Option<u32>,
        #[serde(default = "yes")]
        agents_online: bool,
    },
    /// The post-chat survey of a closed conversation: sent when it closes (if
    /// the tenant asks for ratings), again on `welcome` while it can still be
    /// answered, and after each `rate` with the rating given. Show it after
    /// `delay_secs`; it can be answered for `expires_in_secs` more. `question`
    /// is the tenant's default text and `texts` its per-language ones
    /// (`{"th": "..."}`); without either the widget uses its own.
    Survey {
        conversation_id: ConversationId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        question: Option<String>,
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        texts: std::collections::BTreeMap<String, String>,
        delay_secs: u32,
        expires_in_secs: u32,
        /// The rating already given, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        score: Option<u8>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
        /// Whether a (new or changed) rating is still accepted.
        can_rate: bool,
    },
    /// Answer to `email_transcript`: the transcript is in the tenant's email
    /// outbox (durably stored; it is sent shortly, retried if need be).
    TranscriptQueued {
        conversation_id: ConversationId,
    },
    Error(ErrorFrame),
}

/// Frames the relay sends to an agent (the console).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
// Frames are built, serialized and dropped at once; boxing the summary would
// only complicate every constructor.
#[allow(clippy::large_enum_variant)]
pub enum ToAgent {
    /// Answer to `hello`: who they are, their colleagues, and every waiting or
    /// active conversation of the tenant.
    AgentWelcome {
        v: u32,
        agent: AgentInfo,
        agents: Vec<AgentInfo>,
        conversations: Vec<ConversationSummary>,
    },
    /// A conversation was created or changed. Every agent socket gets it: at
    /// once for a change of status, assignee, priority or details; at most once
    /// a second per conversation for new messages (its `last_seq` and `preview`).
    Conversation {
        conversation: ConversationSummary,
    },
    /// A message of a conversation this socket follows (see `sync`).
    Message {
        conversation_id: ConversationId,
        message: Message,
    },
    /// The message with `client_id` is durably stored as `seq`.
    Ack {
        conversation_id: ConversationId,
        client_id: ClientMsgId,
        seq: Seq,
        duplicate: bool,
    },
    /// Answer to `sync`: messages in seq order. `more` means another `history`
    /// frame for the same conversation follows.
    History {
        conversation_id: ConversationId,
        messages: Vec<Message>,
        more: bool,
    },
    /// Someone typing in a conversation this socket follows.
    Typing {
        conversation_id: ConversationId,
        who: Author,
        on: bool,
    },
    /// Someone has read up to `seq`, in a conversation this socket follows.
    Read {
        conversation_id: ConversationId,
        by: Author,
        seq: Seq,
    },
    /// Availability and load of every agent of the tenant; sent after
    /// `agent_welcome` and whenever any of it changes.
    Presence {
        agents: Vec<AgentPresence>,
    },
    /// An internal note of a conversation this socket follows, or written from
    /// this socket (that copy, with its `client_id`, is the acknowledgement).
    Note {
        conversation_id: ConversationId,
        note: Note,
    },
    /// Every note of a conversation, oldest first: answers `sync`, before its `history`.
    Notes {
        conversation_id: ConversationId,
        notes: Vec<Note>,
    },
    /// A note names this agent (`@name`): sent to every socket of theirs,
    /// followed or not.
    Mention {
        conversation_id: ConversationId,
        note: Note,
    },
    /// The tenant's tag list; after `agent_welcome` and whenever it changes.
    Tags {
        tags: Vec<Tag>,
    },
    /// This socket's own account changed (an admin changed its role): what
    /// the console may show follows `agent.role` from now on.
    Account {
        agent: AgentInfo,
    },
    /// KPIs of these local days (`YYYY-MM-DD`) changed: a conversation of
    /// theirs closed, was answered, rated... Sent to every agent socket after
    /// the rollup commits, coalesced (a newer one replaces an unwritten one);
    /// a dashboard refetches what it shows. Carries no figures.
    MetricsChanged {
        days: Vec<String>,
    },
    Error(ErrorFrame),
}

/// Something went wrong with a frame or the connection: `{"type": "error", ...}`
/// for either audience. When `fatal` is true the relay closes the socket after
/// sending it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorFrame {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientMsgId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    #[serde(default)]
    pub fatal: bool,
}

impl ErrorFrame {
    /// An error not tied to a message or conversation.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), client_id: None, conversation_id: None, fatal: false }
    }

    /// An error after which the relay closes the socket.
    pub fn fatal(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { fatal: true, ..Self::new(code, message) }
    }

    /// The same error, about one message and conversation.
    #[must_use]
    pub fn about(mut self, client_id: Option<&ClientMsgId>, conversation_id: Option<ConversationId>) -> Self {
        self.client_id = client_id.cloned();
        self.conversation_id = conversation_id;
        self
    }
}

/// Older relays did not send `agents_online`: assume someone is there.
fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_look_the_same_to_both_audiences() {
        let e = ErrorFrame::new(ErrorCode::RateLimited, "slow down");
        let want = r#"{"type":"error","code":"rate_limited","message":"slow down","fatal":false}"#;
        assert_eq!(serde_json::to_string(&ToVisitor::Error(e.clone())).unwrap(), want);
        assert_eq!(serde_json::to_string(&ToAgent::Error(e.clone())).unwrap(), want);
        assert_eq!(serde_json::from_str::<ToVisitor>(want).unwrap(), ToVisitor::Error(e.clone()));
        assert_eq!(serde_json::from_str::<ToAgent>(want).unwrap(), ToAgent::Error(e));
    }

    #[test]
    fn a_visitor_cannot_decode_agent_frames() {
        for agent_only in [
            r#"{"type":"presence","agents":[]}"#,
            r#"{"type":"history","conversation_id":1,"messages":[],"more":false}"#,
        ] {
            assert!(serde_json::from_str::<ToVisitor>(agent_only).is_err(), "{agent_only}");
        }
        let queue = r#"{"type":"queue","conversation_id":1,"position":1,"waiting":1}"#;
        assert!(serde_json::from_str::<ToAgent>(queue).is_err());
    }
}
