//! Messages typed by the agent that the relay has not acknowledged yet. Each keeps
//! its `client_id` for life, so a resend after a reconnect is stored once by the
//! relay (it answers the resend with the original `ack`).

use natter_protocol::{Attachment, ClientMsgId, ConversationId, ErrorCode, UnixMillis};
use serde::{Deserialize, Serialize};

/// Where a pending message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingState {
    /// Not yet written to the current socket (offline, or a new socket since).
    Queued,
    /// Written to the current socket; waiting for its `ack`.
    Sent,
    /// The relay refused it; the agent may retry or edit.
    Failed(ErrorCode),
}

/// One unacknowledged message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub client_id: ClientMsgId,
    pub conversation_id: ConversationId,
    pub text: String,
    /// Files uploaded before the message was sent (their ids go in the frame).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Buttons offered to the visitor with the message (from canned responses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<String>,
    pub at: UnixMillis,
    pub state: PendingState,
    /// When it was last written to a socket (for the resend after [`ACK_TIMEOUT_MS`]).
    #[serde(default)]
    pub sent_at: Option<UnixMillis>,
}

/// A message written to the socket but not acknowledged after this long is written
/// again, with the same `client_id` (the relay stores it once): covers a frame the
/// relay dropped without a per-message error (its rate limiter does that).
pub const ACK_TIMEOUT_MS: i64 = 10_000;

/// Unacknowledged messages, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    pub items: Vec<Pending>,
}

impl Outbox {
    /// Adds a message unless one with the same `client_id` is already pending.
    pub fn push(&mut self, pending: Pending) -> bool {
        if self.items.iter().any(|p| p.client_id == pending.client_id) {
            return false;
        }
        self.items.push(pending);
        true
    }

    /// Removes and returns the message acknowledged (or echoed) under `client_id`.
    pub fn take(&mut self, client_id: &ClientMsgId) -> Option<Pending> {
        let pos = self.items.iter().position(|p| &p.client_id == client_id)?;
        Some(self.items.remove(pos))
    }

    pub fn get_mut(&mut self, client_id: &ClientMsgId) -> Option<&mut Pending> {
        self.items.iter_mut().find(|p| &p.client_id == client_id)
    }

    /// Marks every queued message (and every sent one unacknowledged for
    /// [`ACK_TIMEOUT_MS`]) as sent at `now` and returns them, for writing to the
    /// socket. Failed ones stay failed until the agent retries.
    pub fn flush(&mut self, now: UnixMillis) -> Vec<Pending> {
        let mut out = Vec::new();
        for p in &mut self.items {
            let overdue = p.state == PendingState::Sent && p.sent_at.is_none_or(|t| now.0 - t.0 >= ACK_TIMEOUT_MS);
            if p.state == PendingState::Queued || overdue {
                p.state = PendingState::Sent;
                p.sent_at = Some(now);
                out.push(p.clone());
            }
        }
        out
    }

    /// The socket closed: whatever was sent without an `ack` must go again.
    pub fn requeue(&mut self) {
        for p in &mut self.items {
            if p.state == PendingState::Sent {
                p.state = PendingState::Queued;
            }
        }
    }

    pub fn for_conversation(&self, id: ConversationId) -> impl Iterator<Item = &Pending> {
        self.items.iter().filter(move |p| p.conversation_id == id)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
