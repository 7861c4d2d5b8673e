//! WebSocket frames clients send: one enum per audience (visitor, agent). Each
//! is a JSON text message tagged by `type`. What the relay sends back is in
//! `server.rs`.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ClientMsgId, ConversationId, Seq, TagId, UploadId};
use crate::model::{AgentStatus, Priority, VisitorInfo};

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
    /// `attachments`: uploads of this visitor not attached yet (`text` may then
    /// be empty).
    Send {
        client_id: ClientMsgId,
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<UploadId>,
    },
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
    /// Rates a closed conversation of this visitor, after a `survey` frame:
    /// `score` 1 to 5, an optional `comment` of at most 1000 characters.
    /// Answered by a fresh `survey` frame holding the rating. A rating can be
    /// changed once, until the survey expires (`rating_locked`,
    /// `rating_expired`).
    Rate {
        conversation_id: ConversationId,
        score: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// "Email me this conversation": the visitor's latest conversation is
    /// emailed to `email` (answered by `transcript_queued`). `lang` (`en`,
    /// `th`) is the widget's language; absent: guessed from the conversation.
    EmailTranscript {
        email: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
    },
}

/// Frames an agent (the console) sends on `/v1/ws/agent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentFrame {
    /// Must be the first frame. `token` is the session token from
    /// `POST /v1/agent/login` (never put it in the URL).
    Hello { v: u32, token: String },
    /// Asks for a conversation's messages after `after_seq` (0 = all), and
    /// watches it: this socket then gets its live `message`, `typing` and `read`
    /// frames until `unwatch`. Answered by one or more `history` frames.
    Sync { conversation_id: ConversationId, after_seq: Seq },
    /// Stops watching a conversation this socket synced. Conversations assigned
    /// to the agent stay followed whatever their sockets watch.
    Unwatch { conversation_id: ConversationId },
    /// Takes a waiting conversation.
    Claim { conversation_id: ConversationId },
    /// Sends a message to a conversation the agent holds. `attachments`:
    /// uploads of this agent not attached yet (`text` may then be empty).
    /// `quick_replies`: up to 6 buttons the visitor may answer with.
    Send {
        conversation_id: ConversationId,
        client_id: ClientMsgId,
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<UploadId>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        quick_replies: Vec<String>,
    },
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
    /// Adds an internal note to a conversation (any agent, any status). Agents
    /// only: no visitor frame can carry one. `@name` mentions tell those agents.
    Note { conversation_id: ConversationId, client_id: ClientMsgId, text: String },
    /// Puts a tag of the tenant's list on a conversation (`on`), or takes it off.
    Tag { conversation_id: ConversationId, tag: TagId, on: bool },
}

/// Every `type` a visitor may send; lets the relay tell "unknown frame" from
/// "known frame with bad fields".
pub const VISITOR_FRAME_TYPES: &[&str] =
    &["hello", "start", "send", "typing", "read", "end", "identify", "offline", "rate", "email_transcript"];

/// Every `type` an agent may send.
pub const AGENT_FRAME_TYPES: &[&str] = &[
    "hello",
    "sync",
    "unwatch",
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
    "note",
    "tag",
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
            VisitorFrame::Send { client_id: cid.clone(), text: "hi".into(), attachments: vec![] },
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
            VisitorFrame::Rate { conversation_id: ConversationId(1), score: 5, comment: None },
            VisitorFrame::EmailTranscript { email: "a@b.c".into(), lang: None },
        ];
        let names: Vec<_> = visitor.iter().map(type_of).collect();
        assert_eq!(names, VISITOR_FRAME_TYPES);

        let c = ConversationId(1);
        let agent = [
            AgentFrame::Hello { v: 1, token: "t".into() },
            AgentFrame::Sync { conversation_id: c, after_seq: Seq(0) },
            AgentFrame::Unwatch { conversation_id: c },
            AgentFrame::Claim { conversation_id: c },
            AgentFrame::Send {
                conversation_id: c,
                client_id: cid.clone(),
                text: "x".into(),
                attachments: vec![],
                quick_replies: Vec::new(),
            },
            AgentFrame::Typing { conversation_id: c, on: false },
            AgentFrame::Read { conversation_id: c, seq: Seq(2) },
            AgentFrame::Transfer { conversation_id: c, to: AgentId(2), note: None },
            AgentFrame::Close { conversation_id: c },
            AgentFrame::SetStatus { status: AgentStatus::Away },
            AgentFrame::SetPriority { conversation_id: c, priority: Priority::Urgent },
            AgentFrame::TransferToSkill { conversation_id: c, skill: "billing".into(), note: None },
            AgentFrame::Activity,
            AgentFrame::Note { conversation_id: c, client_id: cid, text: "VIP".into() },
            AgentFrame::Tag { conversation_id: c, tag: TagId(1), on: true },
        ];
        let names: Vec<_> = agent.iter().map(type_of).collect();
        assert_eq!(names, AGENT_FRAME_TYPES);
    }

    #[test]
    fn frames_look_like_the_protocol_document() {
        let f: VisitorFrame = serde_json::from_str(r#"{"type":"send","client_id":"m-1","text":"hello"}"#).unwrap();
        assert_eq!(
            f,
            VisitorFrame::Send {
                client_id: ClientMsgId::parse("m-1").unwrap(),
                text: "hello".into(),
                attachments: vec![]
            }
        );
        let f: VisitorFrame = serde_json::from_str(
            r#"{"type":"send","client_id":"m-2","text":"","attachments":["up_AAAAAAAAAAAAAAAAAAAAAA"]}"#,
        )
        .unwrap();
        assert!(matches!(f, VisitorFrame::Send { attachments, .. } if attachments.len() == 1));
        let f: VisitorFrame = serde_json::from_str(r#"{"type":"hello","v":1}"#).unwrap();
        assert_eq!(f, VisitorFrame::Hello { v: 1, token: None, conversation_id: None, last_seq: None });
    }

    #[test]
    fn invalid_ids_inside_frames_are_refused() {
        let bad = r#"{"type":"send","client_id":"has space","text":"x"}"#;
        assert!(serde_json::from_str::<VisitorFrame>(bad).is_err());
        let bad = r#"{"type":"send","client_id":"m","text":"","attachments":["../../etc/passwd"]}"#;
        assert!(serde_json::from_str::<VisitorFrame>(bad).is_err());
    }
}
