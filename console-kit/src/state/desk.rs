//! The agents' own layer on a conversation, in the store: internal notes (the
//! composer's note mode, notes pending until the relay's `note` echo, resent
//! after a reconnect), `@mentions` (alert and the inbox row's marker), tags (put
//! on and off, the inbox filter) and the `@` suggestions of the note box.

use std::collections::{BTreeMap, BTreeSet};

use natter_protocol::{
    AgentFrame, AgentInfo, ClientMsgId, ConversationId, DEFAULT_MAX_TEXT_BYTES, ErrorCode, Note, TagId, UnixMillis,
};

use super::conv::ConvState;
use super::notify::AlertKind;
use super::outbox::{Outbox, Pending, PendingState};
use super::{Conn, Effect, NoticeKind, Store};

/// At most this many agents are offered after `@`.
pub const MAX_SUGGESTIONS: usize = 6;

/// The desk's part of the store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Desk {
    /// Notes written and not yet echoed by the relay, oldest first (in memory:
    /// resent with the same `client_id` after a reconnect).
    pub notes_out: Outbox,
    /// The note box's text per conversation (apart from the reply's draft, so a
    /// note never shows the visitor a typing indicator).
    pub note_drafts: BTreeMap<ConversationId, String>,
    /// Conversations whose composer is in note mode.
    pub note_mode: BTreeSet<ConversationId>,
    /// The inbox shows only conversations with this tag.
    pub tag_filter: Option<TagId>,
}

/// What the agent does with notes and tags.
#[derive(Debug, Clone, PartialEq)]
pub enum DeskAction {
    /// Switch the composer of `id` between reply and note.
    NoteMode {
        id: ConversationId,
        on: bool,
    },
    NoteDraft {
        id: ConversationId,
        text: String,
    },
    /// Send the note box's text with this fresh `client_id`.
    SendNote {
        id: ConversationId,
        client_id: ClientMsgId,
        now: UnixMillis,
    },
    /// Send a refused note again.
    RetryNote(ClientMsgId),
    /// Put tag `tag` on (or take it off) conversation `id`.
    Tag {
        id: ConversationId,
        tag: TagId,
        on: bool,
    },
    /// Show only conversations with this tag (`None`: all).
    FilterTag(Option<TagId>),
}

impl Store {
    pub(super) fn desk_action(&mut self, action: DeskAction, fx: &mut Vec<Effect>) {
        match action {
            DeskAction::NoteMode { id, on } => {
                if on {
                    self.desk.note_mode.insert(id);
                } else {
                    self.desk.note_mode.remove(&id);
                }
            }
            DeskAction::NoteDraft { id, text } => {
                if text.is_empty() {
                    self.desk.note_drafts.remove(&id);
                } else {
                    self.desk.note_drafts.insert(id, text);
                }
            }
            DeskAction::SendNote { id, client_id, now } => self.send_note(id, client_id, now, fx),
            DeskAction::RetryNote(client_id) => {
                if let Some(p) = self.desk.notes_out.get_mut(&client_id)
                    && matches!(p.state, PendingState::Failed(_))
                {
                    p.state = PendingState::Queued;
                    self.flush_notes(fx);
                }
            }
            DeskAction::Tag { id, tag, on } => {
                let known = self.tags.iter().any(|t| t.id == tag);
                if self.conn == Conn::Online && known && self.convs.contains_key(&id) {
                    fx.push(Effect::Send(AgentFrame::Tag { conversation_id: id, tag, on }));
                }
            }
            DeskAction::FilterTag(tag) => {
                self.desk.tag_filter = tag;
                // Conversations carrying it that this console does not hold are in the history.
                self.refresh_history(fx);
            }
        }
    }

    fn send_note(&mut self, id: ConversationId, client_id: ClientMsgId, now: UnixMillis, fx: &mut Vec<Effect>) {
        let text = self.note_draft(id).trim().to_owned();
        if text.is_empty() || !self.convs.contains_key(&id) {
            return;
        }
        if text.len() > DEFAULT_MAX_TEXT_BYTES {
            self.notice(Some(id), NoticeKind::TooLong);
            return;
        }
        let pending = Pending {
            client_id,
            conversation_id: id,
            text,
            attachments: Vec::new(),
            quick_replies: Vec::new(),
            at: now,
            state: PendingState::Queued,
            sent_at: None,
        };
        if self.desk.notes_out.push(pending) {
            self.desk.note_drafts.remove(&id);
            self.flush_notes(fx);
        }
    }

    /// Writes queued notes (and those unanswered too long) to the socket.
    pub(super) fn flush_notes(&mut self, fx: &mut Vec<Effect>) {
        if self.conn != Conn::Online {
            return;
        }
        for p in self.desk.notes_out.flush(self.now) {
            fx.push(Effect::Send(AgentFrame::Note {
                conversation_id: p.conversation_id,
                client_id: p.client_id,
                text: p.text,
            }));
        }
    }

    /// A `note` frame: kept once, and if it is one of ours, no longer pending.
    pub(super) fn note_arrived(&mut self, conversation_id: ConversationId, note: Note) {
        self.desk.notes_out.take(&note.client_id);
        self.keep_note(conversation_id, note);
    }

    /// A note names this agent: keep it, mark the conversation until opened, ring.
    pub(super) fn mentioned_in(&mut self, conversation_id: ConversationId, note: Note, fx: &mut Vec<Effect>) {
        let fresh = !self.notes.get(&conversation_id).is_some_and(|n| n.iter().any(|k| k.id == note.id));
        self.keep_note(conversation_id, note);
        let viewing = self.focused == Some(conversation_id) && self.window_focused;
        if !viewing {
            self.mentioned.insert(conversation_id);
        }
        if fresh {
            self.alert(AlertKind::Mention, conversation_id, fx);
        }
    }

    /// A refusal naming `client_id`: if it is a pending note, it failed (kept for
    /// a retry). Returns whether it was one.
    pub(super) fn note_refused(&mut self, client_id: &ClientMsgId, code: ErrorCode, message: &str) -> bool {
        let Some(p) = self.desk.notes_out.get_mut(client_id) else { return false };
        if code == ErrorCode::RateLimited {
            // Our own pace: the tick sends it again.
            p.state = PendingState::Queued;
            return true;
        }
        p.state = PendingState::Failed(code);
        let conv = p.conversation_id;
        self.notice(Some(conv), NoticeKind::Refused { code, detail: message.to_owned() });
        true
    }

    // ----- queries used by the views -----

    pub fn note_draft(&self, id: ConversationId) -> &str {
        self.desk.note_drafts.get(&id).map_or("", String::as_str)
    }

    /// Whether the composer of `id` writes notes: chosen, or the only thing this
    /// agent may write there.
    pub fn in_note_mode(&self, id: ConversationId) -> bool {
        self.desk.note_mode.contains(&id) || !self.can_reply(id)
    }

    /// The notes of `id` the relay has, oldest first.
    pub fn notes_of(&self, id: ConversationId) -> &[Note] {
        self.notes.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Notes of `id` on their way to the relay.
    pub fn pending_notes(&self, id: ConversationId) -> Vec<Pending> {
        self.desk.notes_out.for_conversation(id).cloned().collect()
    }

    /// Whether conversation `c` passes the inbox's tag filter.
    pub fn passes_tag_filter(&self, c: &ConvState) -> bool {
        self.desk.tag_filter.is_none_or(|t| c.summary.tags.contains(&t))
    }

    /// Colleagues whose name starts with `prefix` (any case), for `@` in a note.
    pub fn mention_suggestions(&self, prefix: &str) -> Vec<&AgentInfo> {
        suggestions(&self.agents, self.my_id(), prefix)
    }
}

/// Colleagues (not `me`) whose name starts with `prefix`, any case, by name.
pub fn suggestions<'a>(agents: &'a [AgentInfo], me: natter_protocol::AgentId, prefix: &str) -> Vec<&'a AgentInfo> {
    let prefix = prefix.to_lowercase();
    let mut list: Vec<&AgentInfo> =
        agents.iter().filter(|a| a.id != me && a.name.to_lowercase().starts_with(&prefix)).collect();
    list.sort_by_key(|a| a.name.to_lowercase());
    list.truncate(MAX_SUGGESTIONS);
    list
}

/// The `@word` being typed just before the caret (`caret` in bytes), as
/// (where its `@` is, the word): `None` when the caret is not in one.
pub fn mention_at_caret(text: &str, caret: usize) -> Option<(usize, &str)> {
    let before = text.get(..caret.min(text.len()))?;
    let at = before.rfind('@')?;
    let word = &before[at + 1..];
    // An `@` inside a word (an email address) starts no mention.
    let starts_word = before[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
    let plain = word.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.');
    (starts_word && plain && word.chars().count() <= 40).then_some((at, word))
}

/// `text` with the `@word` at `at` (up to `caret`) replaced by `@name `; returns
/// the new text and where the caret goes (bytes).
pub fn complete_mention(text: &str, at: usize, caret: usize, name: &str) -> (String, usize) {
    let caret = caret.clamp(at, text.len());
    let inserted = format!("@{name} ");
    let out = format!("{}{}{}", &text[..at], inserted, &text[caret..]);
    (out, at + inserted.len())
}

/// One run of a note's text: plain, or a mention of a known agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run<'a> {
    Plain(&'a str),
    Mention(&'a str),
}

/// Splits a note's text into plain runs and `@Name` mentions of `names` (whole
/// name, any case, followed by a non-letter or the end, as the relay reads them).
pub fn runs<'a>(text: &'a str, names: &[&str]) -> Vec<Run<'a>> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    while let Some(off) = text[i..].find('@') {
        let at = i + off;
        let rest = &text[at + 1..];
        let hit = names
            .iter()
            .filter(|n| !n.is_empty())
            .filter_map(|n| {
                let head = rest.get(..n.len())?;
                let ends = rest[n.len()..].chars().next().is_none_or(|c| !c.is_alphabetic());
                (head.eq_ignore_ascii_case(n) || head.to_lowercase() == n.to_lowercase())
                    .then_some(n.len())
                    .filter(|_| ends)
            })
            .max();
        match hit {
            Some(len) => {
                if plain_from < at {
                    out.push(Run::Plain(&text[plain_from..at]));
                }
                out.push(Run::Mention(&text[at..at + 1 + len]));
                i = at + 1 + len;
                plain_from = i;
            }
            None => i = at + 1,
        }
    }
    if plain_from < text.len() {
        out.push(Run::Plain(&text[plain_from..]));
    }
    out
}

/// One line of the conversation's timeline: a message (by index) or a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Message(usize),
    Note(usize),
}

/// Messages and notes interleaved by time (messages keep their seq order; a
/// note goes after the messages of its moment).
pub fn interleave(message_times: &[UnixMillis], note_times: &[UnixMillis]) -> Vec<Line> {
    let mut out = Vec::with_capacity(message_times.len() + note_times.len());
    let (mut m, mut n) = (0, 0);
    while m < message_times.len() || n < note_times.len() {
        let take_note = match (message_times.get(m), note_times.get(n)) {
            (Some(mt), Some(nt)) => nt < mt,
            (None, Some(_)) => true,
            _ => false,
        };
        if take_note {
            out.push(Line::Note(n));
            n += 1;
        } else {
            out.push(Line::Message(m));
            m += 1;
        }
    }
    out
}
