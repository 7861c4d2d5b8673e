//! The agents' own layer on a conversation, never sent to visitors: internal
//! notes (with `@mentions`) and tags. These types appear only in agent frames
//! (`AgentFrame`, `ToAgent`) and the agent HTTP API, so a note cannot reach a
//! visitor's socket by construction.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ClientMsgId, NoteId, TagId, UnixMillis};
use crate::model::AgentRef;

/// An internal note: agents only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: NoteId,
    pub at: UnixMillis,
    /// Who wrote it (name at the time of writing).
    pub author: AgentRef,
    pub text: String,
    /// The writer's id for it; a resend with the same one is the same note.
    pub client_id: ClientMsgId,
    /// Agents named with `@name` in the text, who are told.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<AgentId>,
}

/// A tag of the tenant's list: agents put them on conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: TagId,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

/// `POST /v1/admin/tags`, `PUT /v1/admin/tags/{id}`: a tag's name and colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagDraft {
    pub name: String,
    pub color: String,
}

/// One change of hands of a conversation, for its details pane
/// (`GET /v1/agent/conversations/{id}/assignments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRecord {
    pub at: UnixMillis,
    /// `claimed`, `auto_assigned`, `transferred`, `to_skill`, `requeued` or `closed`.
    pub kind: String,
    /// The agent it went to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    /// The agent who did it, if an agent did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<AgentRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_tell_their_mentions_only_when_there_are_some() {
        let note = Note {
            id: NoteId(3),
            at: UnixMillis(1),
            author: AgentRef { id: AgentId(1), name: "Ann".into() },
            text: "VIP".into(),
            client_id: ClientMsgId::parse("n-1").unwrap(),
            mentions: vec![],
        };
        let json = serde_json::to_value(&note).unwrap();
        assert!(json.get("mentions").is_none());
        assert_eq!(serde_json::from_value::<Note>(json).unwrap(), note);
        assert!(serde_json::from_str::<TagId>("9223372036854775808").is_err());
    }
}
