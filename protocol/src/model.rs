//! The things frames talk about: messages, authors, conversations, agents.

use serde::{Deserialize, Serialize};

use crate::files::{Attachment, FileRefusal};
use crate::ids::{AgentId, ClientMsgId, ConversationId, Seq, UnixMillis, VisitorId};

/// One entry in a conversation's history. `seq` orders it in its conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub seq: Seq,
    pub at: UnixMillis,
    pub author: Author,
    pub body: MessageBody,
}

/// Who wrote a message, or who is typing / has read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Author {
    Visitor,
    Agent {
        id: AgentId,
        name: String,
    },
    /// The relay itself (system lines such as "Ann joined").
    System,
}

/// What a message carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageBody {
    /// Text typed by a visitor or an agent. Always plain text: clients must render
    /// it inert (no HTML). `text` may be empty when there are attachments.
    Text {
        text: String,
        client_id: ClientMsgId,
        /// Files sent with the text, in the order the sender listed them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
        /// Buttons an agent offered with the text (at most 6): a visitor's
        /// click sends that label as their message.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        quick_replies: Vec<String>,
    },
    /// Something that happened to the conversation, shown as a system line.
    Event { event: ConversationEvent },
}

/// Conversation life-cycle events, recorded in the history as system lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ConversationEvent {
    /// An agent took the conversation from the queue.
    Claimed { agent: AgentRef },
    /// The conversation moved from one agent to another. `note` is for agents only;
    /// the relay never sends it to the visitor.
    Transferred {
        from: AgentRef,
        to: AgentRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The conversation ended.
    Closed { by: Author },
    /// The relay ended the conversation by itself.
    AutoClosed { reason: AutoCloseReason },
    /// The conversation went back to the queue: handed to a skill (department),
    /// or its agent went offline. `note` is for agents only.
    Requeued {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        skill: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The relay refused a file the visitor uploaded (nothing was stored).
    /// `signature` (what the scanner found) is for agents only.
    FileRefused {
        name: String,
        reason: FileRefusal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
}

/// Why the relay closed a conversation by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoCloseReason {
    /// The visitor left while waiting in the queue.
    Abandoned,
    /// Nobody wrote for the tenant's inactivity limit.
    Inactive,
}

/// How urgent a conversation is; the queue serves higher priorities first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "normal" => Some(Self::Normal),
            "high" => Some(Self::High),
            "urgent" => Some(Self::Urgent),
            _ => None,
        }
    }
}

/// An agent's availability, as chosen (online/away/offline) or derived (busy
/// when at their chat limit, away when idle, offline after the grace period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Online,
    Away,
    Busy,
    Offline,
}

/// An agent's availability and load, as supervisors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentPresence {
    pub id: AgentId,
    pub status: AgentStatus,
    /// Active conversations the agent holds.
    pub active_chats: u32,
    pub max_chats: u32,
    pub skills: Vec<String>,
}

/// An agent as others see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRef {
    pub id: AgentId,
    pub name: String,
}

/// An agent account as the console sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentInfo {
    pub id: AgentId,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// What an agent account may do. Stored by name, so new roles can be added
/// without a migration; a client that does not know a role sees `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// Owns the tenant: everything an admin can do, and cannot be removed by one.
    Owner,
    /// Manages agents and settings.
    Admin,
    /// Answers visitors.
    Agent,
    #[serde(other)]
    Other,
}

impl Role {
    /// The name stored in databases and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Agent => "agent",
            Self::Other => "other",
        }
    }

    /// Parses a stored role name; unknown names are `None`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "agent" => Some(Self::Agent),
            _ => None,
        }
    }

    /// Whether this role may manage the tenant (agents, settings).
    pub fn is_admin(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

/// Where a conversation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// In the queue, no agent yet.
    Waiting,
    /// An agent has it.
    Active,
    /// Ended; read-only.
    Closed,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "waiting" => Some(Self::Waiting),
            "active" => Some(Self::Active),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// What a visitor tells about themselves when starting a conversation. All
/// optional; the relay trims and length-limits each field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The department (skill) chosen in the pre-chat form; routes the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Custom pre-chat answers by field key.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, String>,
    /// The visitor's offset from UTC in minutes, east positive (420 in Bangkok),
    /// from their browser: agents see the visitor's local time. -720 to 840.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset_min: Option<i16>,
}

/// A conversation as agents see it in their inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub status: ConversationStatus,
    pub visitor_id: VisitorId,
    pub visitor: VisitorInfo,
    /// The visitor's browser `User-Agent`, as seen on the socket upgrade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<AgentRef>,
    pub created_at: UnixMillis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<UnixMillis>,
    /// Highest `seq` in the conversation; a client holding less has a gap to sync.
    pub last_seq: Seq,
    /// Text of the newest text message, truncated, for the inbox row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// Highest seq the visitor has read.
    pub visitor_read_seq: Seq,
    /// Highest seq an agent has read.
    pub agent_read_seq: Seq,
    #[serde(default)]
    pub priority: Priority,
    /// The skill (department) an agent needs to take it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// Left through the offline form while the shop was closed.
    #[serde(default)]
    pub offline: bool,
    /// Position in the queue (1 = next) while waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_position: Option<u32>,
    /// The shop's customer id, when the visitor proved it with `Natter.identify`
    /// (a verified identity); absent for anonymous visitors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Tags agents put on it (ids of the tenant's list), in the order added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<crate::TagId>,
    /// The visitor's rating, once they gave one (closed conversations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<crate::Rating>,
}

/// A conversation as its visitor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitorConversation {
    pub id: ConversationId,
    pub status: ConversationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    pub last_seq: Seq,
    /// Highest seq an agent has read (drives the visitor's read receipts).
    pub agent_read_seq: Seq,
}
