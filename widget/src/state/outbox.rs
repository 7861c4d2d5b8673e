//! Messages the visitor has typed that the relay has not acknowledged yet. They
//! are kept in localStorage across reloads and resent, with the same client id,
//! on every (re)connection until acknowledged: the relay treats a repeated client
//! id as the same message, so each is stored exactly once.

use natter_protocol::{Attachment, ClientMsgId, ErrorCode, UnixMillis, VisitorFrame};

/// One message waiting for its acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub client_id: ClientMsgId,
    pub text: String,
    pub at: UnixMillis,
    /// Uploaded files sent with it (the frame names their ids).
    pub attachments: Vec<Attachment>,
    /// Set when the relay refused the message; it is then never resent.
    pub failed: Option<ErrorCode>,
}

impl Pending {
    /// The `send` frame of this message.
    pub fn frame(&self) -> VisitorFrame {
        VisitorFrame::Send {
            client_id: self.client_id.clone(),
            text: self.text.clone(),
            attachments: self.attachments.iter().map(|a| a.id.clone()).collect(),
        }
    }
}

/// The queue, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outbox {
    items: Vec<Pending>,
}

impl Outbox {
    /// Restores a stored queue, dropping duplicate ids (first one wins).
    pub fn restore(items: Vec<Pending>) -> Self {
        let mut out = Self::default();
        for p in items {
            if out.get(&p.client_id).is_none() && p.failed.is_none() {
                out.items.push(p);
            }
        }
        out
    }

    pub fn items(&self) -> &[Pending] {
        &self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, id: &ClientMsgId) -> Option<&Pending> {
        self.items.iter().find(|p| &p.client_id == id)
    }

    /// Adds a message at the end; an id already queued is ignored.
    pub fn push(&mut self, p: Pending) -> bool {
        if self.get(&p.client_id).is_some() {
            return false;
        }
        self.items.push(p);
        true
    }

    /// Removes a message (acknowledged, seen in the history, or dismissed).
    pub fn remove(&mut self, id: &ClientMsgId) -> Option<Pending> {
        let i = self.items.iter().position(|p| &p.client_id == id)?;
        Some(self.items.remove(i))
    }

    /// Marks a message as refused by the relay.
    pub fn fail(&mut self, id: &ClientMsgId, code: ErrorCode) -> bool {
        match self.items.iter_mut().find(|p| &p.client_id == id) {
            Some(p) => {
                p.failed = Some(code);
                true
            }
            None => false,
        }
    }

    /// What to send (again) on a connection, oldest first.
    pub fn to_send(&self) -> impl Iterator<Item = &Pending> {
        self.items.iter().filter(|p| p.failed.is_none())
    }

    /// The `send` frames of what to send (again), oldest first.
    pub fn frames(&self) -> Vec<VisitorFrame> {
        self.to_send().map(Pending::frame).collect()
    }

    /// The files of every queued message.
    pub fn attachments_mut(&mut self) -> impl Iterator<Item = &mut Attachment> {
        self.items.iter_mut().flat_map(|p| p.attachments.iter_mut())
    }

    /// What to keep in storage: everything still worth sending.
    pub fn to_store(&self) -> Vec<Pending> {
        self.to_send().cloned().collect()
    }
}
