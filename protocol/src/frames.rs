//! WebSocket frames: what visitors and agents send, and what the relay sends back.
//! Each is a JSON text message tagged by `type`.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{AgentId, ClientMsgId, ConversationId, Seq, VisitorId};
use crate::model::{
    AgentInfo, AgentPresence, AgentStatus, Author, ConversationSummary, Message, Priority, VisitorConversation,
    VisitorInfo,
};

/// Frames a visitor (the widget) sends on `/v1/ws/visitor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitorFrame {
    /// Must be the first frame. `token` resumes a known visitor. `conversation_id`
    /// and `last_seq` say what the client already holds: if they name the
    /// visitor's current conversation the relay replays only what comes after
    /// `last_seq`, otherwise it replays the whole current conversation.
    Hello {
        v: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation_id: Option<ConversationId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_seq: Option<Seq>,
    },
    /// Opens a conversation (if none is open) with optional pre-chat details;
    /// on an open one it updates those details.
    Start {
        #[serde(default)]
        info: VisitorInfo,
    },
    /// Sends a message. Opens a conversation first if none is open.
    Send { client_id: ClientMsgId, text: String },
    /// The visitor started or stopped typing.
    Typing { on: bool },
    /// The visitor has seen everything up to `seq`.
    Read { seq: Seq },
    /// The visitor ends the conversation.
    End,
    /// A signed-in shop customer: `hash` is hex HMAC-SHA256 of `user_id` under the
    /// tenant's identity secret, computed by the shop's server. On success the
    /// relay answers with a fresh `welcome` (possibly a different visitor id: the
    /// one this customer had on another device) and its replay.
    Identify {
        user_id: String,
        hash: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
    /// The offline form, sent while the shop is closed or while no agent is
    /// online: stored as an offline conversation that agents answer when they are
    /// back (a waiting conversation becomes one). Acknowledged like `send`. The
    /// page details are those `start` carries, so agents see where the visitor was.
    Offline {
        client_id: ClientMsgId,
        name: Option<String>,
        email: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        page_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        referrer: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        utc_offset_min: Option<i16>,
    },
}

/// Frames an agent (the console) sends on `/v1/ws/agent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentFrame {
    /// Must be the first frame. `token` is the session token from
    /// `POST /v1/agent/login` (never put it in the URL).
    Hello { v: u32, token: String },
    /// Asks for a conversation's messages after `after_seq` (0 = all). Answered
    /// by one or more `history` frames.
    Sync { conversation_id: ConversationId, after_seq: Seq },
    /// Takes a waiting conversation.
    Claim { conversation_id: ConversationId },
    /// Sends a message to a conversation the agent holds.
    Send { conversation_id: ConversationId, client_id: ClientMsgId, text: String },
    /// The agent started or stopped typing in a conversation.
    Typing { conversation_id: ConversationId, on: bool },
    /// The agent has seen everything up to `seq`.
    Read { conversation_id: ConversationId, seq: Seq },
    /// Hands the conversation to another agent of the same tenant.
    Transfer {
        conversation_id: ConversationId,
        to: AgentId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Ends the conversation.
    Close { conversation_id: ConversationId },
    /// The agent chooses their availability (`busy` is derived, not chosen).
    SetStatus { status: AgentStatus },
    /// Marks a conversation's priority (the queue serves urgent first).
    SetPriority { conversation_id: ConversationId, priority: Priority },
    /// Hands the conversation to the queue of a skill (department).
    TransferToSkill {
        conversation_id: ConversationId,
        skill: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The agent is at the console (keys, mouse); keeps them from going away.
    Activity,
}

/// Frames the relay sends, to visitors and agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
// Frames are built, serialized and dropped at once; boxing the summary would
// only complicate every constructor.
#[allow(clippy::large_enum_variant)]
pub enum ServerFrame {
    /// Answer to a visitor's `hello`. `token` is the (renewed) visitor token to
    /// keep; `conversation` is the open conversation, if any. Replayed messages
    /// follow this frame.
    Welcome {
        v: u32,
        visitor_id: VisitorId,
        token: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation: Option<VisitorConversation>,
    },
    /// Answer to an agent's `hello`: who they are, their colleagues, and every
    /// waiting or active conversation of the tenant.
    AgentWelcome { v: u32, agent: AgentInfo, agents: Vec<AgentInfo>, conversations: Vec<ConversationSummary> },
    /// (Visitor) the visitor's conversation changed: opened, claimed, closed...
    VisitorConversation { conversation: VisitorConversation },
    /// (Agent) a conversation was created or changed.
    Conversation { conversation: ConversationSummary },
    /// A message, live or replayed.
    Message { conversation_id: ConversationId, message: Message },
    /// The message with `client_id` is durably stored as `seq`. `duplicate` is true
    /// when this answers a resend of a message already stored.
    Ack { conversation_id: ConversationId, client_id: ClientMsgId, seq: Seq, duplicate: bool },
    /// Answer to `sync`: messages in seq order. `more` means another `history`
    /// frame for the same conversation follows.
    History { conversation_id: ConversationId, messages: Vec<Message>, more: bool },
    /// Someone started or stopped typing.
    Typing { conversation_id: ConversationId, who: Author, on: bool },
    /// Someone has read up to `seq`.
    Read { conversation_id: ConversationId, by: Author, seq: Seq },
    /// (Visitor) where the visitor's conversation stands in the queue. Sent
    /// whenever it changes; `estimated_wait_secs` is absent when no agent is online.
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
    /// (Agent) availability and load of every agent of the tenant; sent after
    /// `agent_welcome` and whenever any of it changes.
    Presence { agents: Vec<AgentPresence> },
    /// Something went wrong with a frame or the connection. When `fatal` is true
    /// the relay closes the socket after sending it.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<ClientMsgId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation_id: Option<ConversationId>,
        #[serde(default)]
        fatal: bool,
    },
}

/// Older relays did not send `agents_online`: assume someone is there.
fn yes() -> bool {
    true
}

impl ServerFrame {
    /// An error frame not tied to a message or conversation.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Error { code, message: message.into(), client_id: None, conversation_id: None, fatal: false }
    }

    /// An error frame after which the relay closes the socket.
    pub fn fatal(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Error { code, message: message.into(), client_id: None, conversation_id: None, fatal: true }
    }
}

/// Every `type` a visitor may send; lets the relay tell "unknown frame" from
/// "known frame with bad fields".
pub const VISITOR_FRAME_TYPES: &[&str] = &["hello", "start", "send", "typing", "read", "end", "identify", "offline"];

/// Every `type` an agent may send.
pub const AGENT_FRAME_TYPES: &[&str] = &[
    "hello",
    "sync",
    "claim",
    "send",
    "typing",
    "read",
    "transfer",
    "close",
    "set_status",
    "set_priority",
    "transfer_to_skill",
    "activity",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn type_of<T: Serialize>(frame: &T) -> String {
        let v = serde_json::to_value(frame).unwrap();
        v["type"].as_str().unwrap().to_owned()
    }

    #[test]
    fn type_lists_match_the_enums() {
        let cid = ClientMsgId::parse("c1").unwrap();
        let visitor = [
            VisitorFrame::Hello { v: 1, token: None, conversation_id: None, last_seq: None },
            VisitorFrame::Start { info: VisitorInfo::default() },
            VisitorFrame::Send { client_id: cid.clone(), text: "hi".into() },
            VisitorFrame::Typing { on: true },
            VisitorFrame::Read { seq: Seq(1) },
            VisitorFrame::End,
            VisitorFrame::Identify { user_id: "u1".into(), hash: "00".into(), name: None, email: None },
            VisitorFrame::Offline {
                client_id: cid.clone(),
                name: None,
                email: "a@b.c".into(),
                text: "x".into(),
                page_url: None,
                referrer: None,
                utc_offset_min: None,
            },
        ];
        let names: Vec<_> = visitor.iter().map(type_of).collect();
        assert_eq!(names, VISITOR_FRAME_TYPES);

        let c = ConversationId(1);
        let agent = [
            AgentFrame::Hello { v: 1, token: "t".into() },
            AgentFrame::Sync { conversation_id: c, after_seq: Seq(0) },
            AgentFrame::Claim { conversation_id: c },
            AgentFrame::Send { conversation_id: c, client_id: cid, text: "x".into() },
            AgentFrame::Typing { conversation_id: c, on: false },
            AgentFrame::Read { conversation_id: c, seq: Seq(2) },
            AgentFrame::Transfer { conversation_id: c, to: AgentId(2), note: None },
            AgentFrame::Close { conversation_id: c },
            AgentFrame::SetStatus { status: AgentStatus::Away },
            AgentFrame::SetPriority { conversation_id: c, priority: Priority::Urgent },
            AgentFrame::TransferToSkill { conversation_id: c, skill: "billing".into(), note: None },
            AgentFrame::Activity,
        ];
        let names: Vec<_> = agent.iter().map(type_of).collect();
        assert_eq!(names, AGENT_FRAME_TYPES);
    }

    #[test]
    fn frames_look_like_the_protocol_document() {
        let f: VisitorFrame = serde_json::from_str(r#"{"type":"send","client_id":"m-1","text":"hello"}"#).unwrap();
        assert_eq!(f, VisitorFrame::Send { client_id: ClientMsgId::parse("m-1").unwrap(), text: "hello".into() });
        let f: VisitorFrame = serde_json::from_str(r#"{"type":"hello","v":1}"#).unwrap();
        assert_eq!(f, VisitorFrame::Hello { v: 1, token: None, conversation_id: None, last_seq: None });
        let s = serde_json::to_string(&ServerFrame::error(ErrorCode::RateLimited, "slow down")).unwrap();
        assert_eq!(s, r#"{"type":"error","code":"rate_limited","message":"slow down","fatal":false}"#);
    }

    #[test]
    fn invalid_ids_inside_frames_are_refused() {
        let bad = r#"{"type":"send","client_id":"has space","text":"x"}"#;
        assert!(serde_json::from_str::<VisitorFrame>(bad).is_err());
    }
}
