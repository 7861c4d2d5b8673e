//! One conversation as the console holds it: its summary, the messages received so
//! far (deduplicated by seq), and the bookkeeping that decides unread counts and
//! whether a `sync` is needed to close a gap. The console only fetches messages of
//! conversations it follows, so what a row shows (preview, unread count, last
//! activity) falls back on the summary for messages it does not hold.

use natter_protocol::{
    AgentId, Attachment, Author, ConversationId, ConversationStatus, ConversationSummary, Message, MessageBody, Seq,
    UnixMillis,
};

/// How long a visitor's "typing" lasts without a fresh `typing` frame.
pub const TYPING_TTL_MS: i64 = 8_000;

/// A gap noticed from a summary (not from a message) is only synced if it is still
/// there this long after: the matching `message` frame is usually just behind.
pub const GAP_GRACE_MS: i64 = 1_500;

/// A conversation in the console.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvState {
    pub summary: ConversationSummary,
    /// Messages in seq order, each seq at most once.
    pub messages: Vec<Message>,
    /// A `sync` for this conversation is in flight on the current socket.
    pub syncing: bool,
    /// When the current sync was sent, or last made progress (a `history` frame).
    pub sync_started_at: Option<UnixMillis>,
    /// A sync is wanted but waits for the pacing budget (see `Store::sync_tokens`).
    pub sync_wanted: bool,
    /// When a summary first announced messages we do not hold (see [`GAP_GRACE_MS`]).
    pub gap_seen_at: Option<UnixMillis>,
    /// The visitor is typing until this time.
    pub visitor_typing_until: Option<UnixMillis>,
    /// Highest seq this agent has looked at in this console.
    pub seen_seq: Seq,
    /// Highest seq this console has reported with a `read` frame.
    pub read_sent: Seq,
    /// A `claim` was sent and not yet answered.
    pub claiming: bool,
    /// Given to this agent by someone else (transfer, auto-assignment) and not
    /// opened yet: highlighted and listed first until the agent looks at it.
    pub assigned_new: bool,
    /// When a summary last announced messages beyond those held (this console's
    /// clock): the activity time of a conversation whose messages are not fetched.
    pub announced_at: Option<UnixMillis>,
}

impl ConvState {
    pub fn new(summary: ConversationSummary) -> Self {
        Self {
            summary,
            messages: Vec::new(),
            syncing: false,
            sync_started_at: None,
            sync_wanted: false,
            gap_seen_at: None,
            visitor_typing_until: None,
            seen_seq: Seq(0),
            read_sent: Seq(0),
            claiming: false,
            assigned_new: false,
            announced_at: None,
        }
    }

    pub fn id(&self) -> ConversationId {
        self.summary.id
    }

    /// Highest seq held with no gap before it: what a `sync` asks to continue from.
    pub fn held_seq(&self) -> Seq {
        let mut expected = 1;
        for m in &self.messages {
            if m.seq.0 == expected {
                expected += 1;
            } else if m.seq.0 > expected {
                break;
            }
        }
        Seq(expected - 1)
    }

    /// Highest seq held at all (gaps included).
    pub fn max_seq(&self) -> Seq {
        self.messages.last().map_or(Seq(0), |m| m.seq)
    }

    /// Adds a message unless its seq is already held. Returns whether it was new.
    pub fn insert(&mut self, message: Message) -> bool {
        match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(_) => false,
            Err(pos) => {
                if message.seq > self.summary.last_seq {
                    self.summary.last_seq = message.seq;
                }
                if let MessageBody::Text { text, attachments, .. } = &message.body
                    && pos == self.messages.len()
                {
                    self.summary.preview = Some(preview_with_files(text, attachments));
                }
                if matches!(message.author, Author::Visitor) {
                    self.visitor_typing_until = None;
                }
                self.messages.insert(pos, message);
                if !self.has_gap() {
                    self.gap_seen_at = None;
                }
                true
            }
        }
    }

    /// The relay knows messages after the ones held without a gap.
    pub fn has_gap(&self) -> bool {
        self.summary.last_seq > self.held_seq() || self.max_seq() > self.held_seq()
    }

    /// The summary announces messages after the newest one held (not fetched:
    /// the conversation is not followed, or its messages are on their way).
    pub fn behind(&self) -> bool {
        self.summary.last_seq > self.max_seq()
    }

    /// Visitor messages this agent has not seen yet.
    pub fn unread(&self) -> usize {
        let read = self.read_mark();
        let held = self.messages.iter().filter(|m| m.seq > read && matches!(m.author, Author::Visitor)).count();
        // Not fetched: every seq after the read mark counts (an upper bound, as some
        // may be agents' replies or events, that a sync corrects).
        let beyond = self.summary.last_seq.0.saturating_sub(self.max_seq().0.max(read.0));
        held.saturating_add(usize::try_from(beyond).unwrap_or(usize::MAX))
    }

    fn read_mark(&self) -> Seq {
        self.summary.agent_read_seq.max(self.seen_seq)
    }

    /// The text for the inbox row: newest text message held, else the relay's
    /// preview; the relay's first when it announces messages not held.
    pub fn preview(&self) -> Option<&str> {
        let held = self.messages.iter().rev().find_map(|m| match &m.body {
            MessageBody::Text { text, attachments, .. } if text.trim().is_empty() && !attachments.is_empty() => {
                // Only files: what `insert` made of them.
                self.summary.preview.as_deref()
            }
            MessageBody::Text { text, .. } => Some(text.as_str()),
            MessageBody::Event { .. } => None,
        });
        let relays = self.summary.preview.as_deref();
        if self.behind() { relays.or(held) } else { held.or(relays) }
    }

    /// Every attachment held, newest first, with the message carrying it and
    /// its place there (for the details pane's files list).
    pub fn attachments(&self) -> Vec<(&Message, usize, &Attachment)> {
        self.messages
            .iter()
            .rev()
            .flat_map(|m| match &m.body {
                MessageBody::Text { attachments, .. } => {
                    attachments.iter().enumerate().rev().map(|(i, a)| (m, i, a)).collect::<Vec<_>>()
                }
                MessageBody::Event { .. } => Vec::new(),
            })
            .collect()
    }

    /// The `index`-th attachment of message `seq`.
    pub fn attachment(&self, seq: Seq, index: usize) -> Option<&Attachment> {
        let pos = self.messages.binary_search_by_key(&seq, |m| m.seq).ok()?;
        match &self.messages[pos].body {
            MessageBody::Text { attachments, .. } => attachments.get(index),
            MessageBody::Event { .. } => None,
        }
    }

    /// Time of the newest message, else when the conversation was created; when
    /// the summary announces messages not held, when it did.
    pub fn last_activity(&self) -> UnixMillis {
        let held = self.messages.last().map_or(self.summary.created_at, |m| m.at);
        match self.announced_at {
            Some(t) if self.behind() => held.max(t),
            _ => held,
        }
    }

    /// Whether the visitor waits for an answer: still in the queue, or their last
    /// word is unanswered. Unknown (no) while the summary announces messages not held.
    pub fn awaits_reply(&self) -> bool {
        match self.summary.status {
            ConversationStatus::Waiting => true,
            ConversationStatus::Active if !self.behind() => self
                .messages
                .iter()
                .rev()
                .find(|m| !matches!(m.author, Author::System))
                .is_some_and(|m| matches!(m.author, Author::Visitor)),
            _ => false,
        }
    }

    /// When the visitor's newest message went unanswered (for "waiting for reply").
    pub fn waiting_since(&self) -> UnixMillis {
        if self.summary.status == ConversationStatus::Waiting {
            return self.summary.created_at;
        }
        let mut since = None;
        for m in self.messages.iter().rev() {
            match m.author {
                Author::Visitor => since = Some(m.at),
                Author::Agent { .. } => break,
                Author::System => {}
            }
        }
        since.unwrap_or_else(|| self.last_activity())
    }

    pub fn assigned_to(&self, agent: AgentId) -> bool {
        self.summary.status == ConversationStatus::Active
            && self.summary.assignee.as_ref().is_some_and(|a| a.id == agent)
    }

    pub fn is_open(&self) -> bool {
        self.summary.status != ConversationStatus::Closed
    }

    pub fn visitor_typing(&self, now: UnixMillis) -> bool {
        self.visitor_typing_until.is_some_and(|t| t > now)
    }

    /// Name, else email, else a label built from the conversation number.
    pub fn label(&self) -> Label {
        if let Some(name) = self.summary.visitor.name.as_deref().filter(|s| !s.trim().is_empty()) {
            Label::Name(name.to_owned())
        } else if let Some(email) = self.summary.visitor.email.as_deref().filter(|s| !s.trim().is_empty()) {
            Label::Name(email.to_owned())
        } else {
            Label::Visitor(self.summary.id)
        }
    }

    /// Whether `needle` (already lowercased) occurs in the visitor's name, email or
    /// any text held.
    pub fn matches(&self, needle: &str) -> bool {
        if needle.is_empty() {
            return true;
        }
        let hit = |s: Option<&str>| s.is_some_and(|s| s.to_lowercase().contains(needle));
        hit(self.summary.visitor.name.as_deref())
            || hit(self.summary.visitor.email.as_deref())
            || hit(self.summary.preview.as_deref())
            || self.messages.iter().any(|m| match &m.body {
                MessageBody::Text { text, attachments, .. } => {
                    text.to_lowercase().contains(needle)
                        || attachments.iter().any(|a| a.name.to_lowercase().contains(needle))
                }
                MessageBody::Event { .. } => false,
            })
    }
}

/// How a conversation is named in lists and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// The visitor's name or email.
    Name(String),
    /// An anonymous visitor: "Visitor #12".
    Visitor(ConversationId),
}

/// A message's line in the inbox: its text, or when it has only files, a
/// paperclip and their names.
pub fn preview_with_files(text: &str, attachments: &[Attachment]) -> String {
    if !text.trim().is_empty() || attachments.is_empty() {
        return preview_of(text);
    }
    let names: Vec<&str> = attachments.iter().map(|a| a.name.as_str()).collect();
    preview_of(&format!("📎 {}", names.join(", ")))
}

/// First line of a text, at most 80 characters.
pub fn preview_of(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    let mut out: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        out.push('…');
    }
    out
}
