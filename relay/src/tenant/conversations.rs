//! The conversation lifecycle, for visitors, agents and timeouts alike: create,
//! post, assign, requeue, close, auto-close; and who hears about each step.
//!
//! This module is the only one that changes the queue: every operation that adds,
//! takes or returns a waiting conversation marks it changed here, and the routing
//! pass ([`super::queue`]) runs at the end of such a batch. It also keeps the
//! queue places last told (agents see them in summaries) and the inbox previews
//! owed to agents who do not follow a conversation (at most one per second each).

use std::collections::{HashMap, HashSet};

use natter_protocol::{
    AgentId, AgentRef, Author, AutoCloseReason, ClientMsgId, ConversationEvent, ConversationId, ConversationStatus,
    ConversationSummary, ErrorCode, FileRefusal, Message, MessageBody, Seq, ToAgent, ToVisitor, UnixMillis, UploadId,
    VisitorConversation, VisitorId, VisitorInfo,
};
use rusqlite::Connection;

use super::batch::{AgentTarget, Batch, OpResult, Refusal, VisitorTarget, refuse};
use super::file_queries::Uploader;
use super::hub::ConnId;
use super::queries::{self, CloseReason};
use crate::store::StoreError;

/// Agents who do not follow a conversation get its new messages as a summary at
/// most this often.
pub const PREVIEW_EVERY_MS: i64 = 1000;

/// What a waiting visitor was last told: position, waiting count, wait
/// estimate, and whether any agent is online.
pub type Place = (u32, u32, Option<u32>, bool);

/// Where a command's `ack` goes: the socket that sent the message.
#[derive(Debug, Clone, Copy)]
pub enum AckTo {
    Visitor(ConnId),
    Agent(ConnId),
    /// No socket sent it (an emailed reply): no ack.
    Nobody,
}

/// A message as its sender wrote it: text, the uploads to attach, and (agents
/// only) quick-reply buttons.
#[derive(Debug)]
pub struct Draft {
    pub client_id: ClientMsgId,
    pub text: String,
    pub attachments: Vec<UploadId>,
    pub quick_replies: Vec<String>,
}

/// Most quick-reply buttons on one message.
pub const MAX_QUICK_REPLIES: usize = 6;

/// Quick-reply labels, trimmed: at most six, each 1–40 characters without
/// control characters.
fn checked_quick_replies(labels: Vec<String>) -> Result<Vec<String>, Refusal> {
    if labels.len() > MAX_QUICK_REPLIES {
        return Err(refuse(ErrorCode::InvalidInput, format!("at most {MAX_QUICK_REPLIES} quick replies")));
    }
    labels
        .into_iter()
        .map(|l| {
            let l = l.trim().to_owned();
            let ok = (1..=40).contains(&l.chars().count()) && !l.chars().any(char::is_control);
            if ok { Ok(l) } else { Err(refuse(ErrorCode::InvalidInput, "a quick reply is 1 to 40 characters")) }
        })
        .collect()
}

/// How a conversation came to an agent (for the assignment log and the event line).
pub enum Assignment {
    Claimed,
    Auto,
    Transferred { from: AgentRef, by: AgentId, note: Option<String> },
}

/// The lifecycle's own state between batches.
#[derive(Debug)]
pub struct Conversations {
    max_text_bytes: usize,
    opens_per_visitor_hour: u32,
    queue_changed: bool,
    /// Queue places last told, by conversation.
    places: HashMap<ConversationId, Place>,
    /// Conversations with messages agents have not had a summary of yet.
    previews_owed: HashSet<ConversationId>,
    previews_sent_at: UnixMillis,
    /// Mints the download links of attachments in the messages posted.
    links: crate::files::TenantLinks,
    /// Conversations closed in the open batch (their visitors get the survey
    /// and, if the tenant asks, a transcript).
    closed: Vec<ConversationId>,
    /// Conversations abandoned in the queue in the open batch (missed chats).
    missed: Vec<ConversationId>,
}

impl Conversations {
    pub fn new(max_text_bytes: usize, opens_per_visitor_hour: u32, links: crate::files::TenantLinks) -> Self {
        Self {
            max_text_bytes,
            opens_per_visitor_hour,
            // A restarted relay routes what was waiting.
            queue_changed: true,
            places: HashMap::new(),
            previews_owed: HashSet::new(),
            previews_sent_at: UnixMillis(0),
            links,
            closed: Vec::new(),
            missed: Vec::new(),
        }
    }

    /// The conversations closed since the last call.
    pub fn take_closed(&mut self) -> Vec<ConversationId> {
        std::mem::take(&mut self.closed)
    }

    /// The conversations abandoned in the queue since the last call.
    pub fn take_missed(&mut self) -> Vec<ConversationId> {
        std::mem::take(&mut self.missed)
    }

    /// Whether the queue changed since the last call.
    pub fn take_queue_changed(&mut self) -> bool {
        std::mem::take(&mut self.queue_changed)
    }

    /// Forget the places told, so every waiting visitor is told again; and route.
    pub fn retell_queue(&mut self) {
        self.places.clear();
        self.queue_changed = true;
    }

    /// Tell this conversation's visitor their place again (they just reconnected).
    pub fn retell_place(&mut self, id: ConversationId) {
        self.places.remove(&id);
        self.queue_changed = true;
    }

    pub fn place_told(&self, id: ConversationId) -> Option<&Place> {
        self.places.get(&id)
    }

    /// Replaces the places told, after the routing pass told them.
    pub fn set_places(&mut self, places: HashMap<ConversationId, Place>) {
        self.places = places;
    }

    /// A conversation as agents see it: the stored summary plus its current
    /// place in the queue while it waits.
    pub fn for_agents(&self, mut c: ConversationSummary) -> ConversationSummary {
        if c.status == ConversationStatus::Waiting {
            c.queue_position = self.places.get(&c.id).map(|p| p.0);
        }
        c
    }

    /// The longest message text, in bytes (canned responses follow it too).
    pub fn max_text_bytes(&self) -> usize {
        self.max_text_bytes
    }

    /// A message's text: not blank (unless files are attached), within the
    /// limit, no NUL.
    pub fn check_text(&self, text: &str, attachments: usize) -> Result<(), Refusal> {
        if text.trim().is_empty() && attachments == 0 {
            return Err(refuse(ErrorCode::InvalidInput, "message text is empty"));
        }
        if text.len() > self.max_text_bytes {
            return Err(refuse(ErrorCode::InvalidInput, format!("message text is over {} bytes", self.max_text_bytes)));
        }
        if text.contains('\0') {
            return Err(refuse(ErrorCode::InvalidInput, "message text contains NUL"));
        }
        Ok(())
    }

    /// Opens a conversation (waiting, or offline for the offline form).
    pub fn create(
        &mut self,
        db: &Connection,
        visitor: &VisitorId,
        info: &VisitorInfo,
        user_agent: Option<&str>,
        offline: bool,
        batch: &mut Batch,
    ) -> Result<ConversationSummary, Refusal> {
        let hour_ago = UnixMillis(batch.now.0 - 3_600_000);
        if queries::conversations_opened_since(db, visitor, hour_ago)? >= u64::from(self.opens_per_visitor_hour) {
            let why = format!("at most {} new conversations an hour; try again later", self.opens_per_visitor_hour);
            return Err(refuse(ErrorCode::RateLimited, why));
        }
        let id = queries::create_conversation(db, visitor, info, user_agent, offline, batch.now)?;
        let c = reload(db, id)?;
        self.announce(&c, batch);
        self.queue_changed = true;
        Ok(c)
    }

    /// New pre-chat or contact details on a conversation going on.
    pub fn update_info(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        info: &VisitorInfo,
        batch: &mut Batch,
    ) -> Result<ConversationSummary, StoreError> {
        queries::update_visitor_info(db, c.id, info)?;
        let updated = reload(db, c.id)?;
        batch.to_agents(AgentTarget::All, &ToAgent::Conversation { conversation: self.for_agents(updated.clone()) });
        Ok(updated)
    }

    /// A waiting conversation whose visitor left a message instead: out of the queue.
    pub fn make_offline(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        batch: &mut Batch,
    ) -> Result<ConversationSummary, StoreError> {
        queries::mark_offline(db, c.id)?;
        self.queue_changed = true;
        let c = reload(db, c.id)?;
        self.announce(&c, batch);
        Ok(c)
    }

    /// Stores a text message with its attachments (or acknowledges a resend,
    /// attaching nothing again) and delivers it.
    pub fn post_text(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        author: Author,
        draft: Draft,
        ack_to: AckTo,
        batch: &mut Batch,
    ) -> OpResult {
        let Draft { client_id, text, attachments, quick_replies } = draft;
        let sender = queries::sender_key(&author);
        if let Some(seq) = queries::seq_of_client_id(db, c.id, &sender, &client_id)? {
            ack(ack_to, c.id, client_id, seq, true, batch);
            return Ok(());
        }
        let about = |r: Refusal| r.about(Some(&client_id), Some(c.id));
        if c.status == ConversationStatus::Closed {
            return Err(about(refuse(ErrorCode::ConversationClosed, "this conversation is closed")));
        }
        self.check_text(&text, attachments.len()).map_err(about)?;
        let quick_replies = checked_quick_replies(quick_replies).map_err(about)?;
        let uploader = match &author {
            Author::Agent { id, .. } => Uploader::Agent(*id),
            Author::Visitor | Author::System => Uploader::Visitor(c.visitor_id.clone()),
        };
        let uploads = super::files::attachable(db, &attachments, &uploader).map_err(about)?;
        let attachments = uploads.iter().map(|u| u.attachment(&self.links, batch.now)).collect();
        let body = MessageBody::Text { text, client_id: client_id.clone(), attachments, quick_replies };
        let by_agent = matches!(author, Author::Agent { .. });
        let message = queries::append_message(db, c.id, author, body, batch.now)?;
        if by_agent {
            super::mail_queries::reply_unseen(db, c.id, batch.now)?;
        }
        super::files::attach(db, &uploads, c.id, message.seq)?;
        metrics::counter!(crate::metrics::MESSAGES_ACKED).increment(1);
        ack(ack_to, c.id, client_id, message.seq, false, batch);
        self.publish(c, message, batch);
        Ok(())
    }

    /// Stores a system event in the conversation and delivers it.
    pub fn post_event(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        event: ConversationEvent,
        batch: &mut Batch,
    ) -> OpResult {
        let message = queries::append_message(db, c.id, Author::System, MessageBody::Event { event }, batch.now)?;
        self.publish(c, message, batch);
        Ok(())
    }

    /// Tells the agents of a visitor's open conversation that a file they
    /// uploaded was refused (an event line); returns that conversation.
    pub fn file_refused(
        &mut self,
        db: &Connection,
        uploader: &Uploader,
        name: &str,
        signature: &str,
        batch: &mut Batch,
    ) -> Result<Option<ConversationId>, Refusal> {
        let Uploader::Visitor(visitor) = uploader else { return Ok(None) };
        let Some(c) = queries::latest_conversation(db, visitor)?.filter(|c| c.status != ConversationStatus::Closed)
        else {
            return Ok(None);
        };
        let event = ConversationEvent::FileRefused {
            name: name.to_owned(),
            reason: FileRefusal::Infected,
            signature: Some(signature.to_owned()),
        };
        self.post_event(db, &c, event, batch)?;
        Ok(Some(c.id))
    }

    /// Delivers a stored message to its visitor and the conversation's followers;
    /// other agents get a summary with the next previews.
    fn publish(&mut self, c: &ConversationSummary, message: Message, batch: &mut Batch) {
        batch.message(VisitorTarget::Visitor(c.visitor_id.clone()), followers(c), c.id, message);
        self.previews_owed.insert(c.id);
    }

    /// Tells every agent and the visitor about a new or changed conversation.
    pub fn announce(&mut self, c: &ConversationSummary, batch: &mut Batch) {
        self.tell_agents(c, batch);
        batch.to_visitor(
            VisitorTarget::Visitor(c.visitor_id.clone()),
            &ToVisitor::VisitorConversation { conversation: visitor_view(c) },
        );
    }

    /// Tells every agent about a change only agents see (its tags).
    pub fn tell_agents(&mut self, c: &ConversationSummary, batch: &mut Batch) {
        self.previews_owed.remove(&c.id);
        batch.to_agents(AgentTarget::All, &ToAgent::Conversation { conversation: self.for_agents(c.clone()) });
    }

    /// Sends the summaries owed if a second has passed since the last ones.
    /// Returns how long until the ones still owed are due, if any are.
    pub fn send_previews(
        &mut self,
        db: &Connection,
        batch: &mut Batch,
    ) -> Result<Option<std::time::Duration>, StoreError> {
        if self.previews_owed.is_empty() {
            return Ok(None);
        }
        let since = batch.now.0 - self.previews_sent_at.0;
        if since < PREVIEW_EVERY_MS {
            return Ok(Some(std::time::Duration::from_millis((PREVIEW_EVERY_MS - since).unsigned_abs())));
        }
        self.previews_sent_at = batch.now;
        for id in std::mem::take(&mut self.previews_owed) {
            if let Some(c) = queries::conversation(db, id)? {
                batch.to_agents(AgentTarget::All, &ToAgent::Conversation { conversation: self.for_agents(c) });
            }
        }
        Ok(None)
    }

    /// Gives a waiting (or someone else's) conversation to `agent`.
    pub fn assign(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        to: AgentRef,
        how: Assignment,
        batch: &mut Batch,
    ) -> OpResult {
        queries::assign(db, c.id, &to, batch.now)?;
        let event = match how {
            Assignment::Claimed => {
                queries::log_assignment(db, c.id, "claimed", Some(to.id), Some(to.id), None, None, batch.now)?;
                ConversationEvent::Claimed { agent: to }
            }
            Assignment::Auto => {
                queries::log_assignment(
                    db,
                    c.id,
                    "auto_assigned",
                    Some(to.id),
                    None,
                    c.skill.as_deref(),
                    None,
                    batch.now,
                )?;
                ConversationEvent::Claimed { agent: to }
            }
            Assignment::Transferred { from, by, note } => {
                queries::log_assignment(
                    db,
                    c.id,
                    "transferred",
                    Some(to.id),
                    Some(by),
                    None,
                    note.as_deref(),
                    batch.now,
                )?;
                ConversationEvent::Transferred { from, to, note }
            }
        };
        self.queue_changed = true;
        self.places.remove(&c.id);
        let assigned = reload(db, c.id)?;
        // The new assignee follows from the event line on.
        self.post_event(db, &assigned, event, batch)?;
        self.announce(&reload(db, c.id)?, batch);
        Ok(())
    }

    /// Returns a conversation to the queue, for a skill if `skill` is given.
    pub fn requeue(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        skill: Option<String>,
        note: Option<String>,
        by: Option<AgentId>,
        batch: &mut Batch,
    ) -> OpResult {
        if let Some(s) = &skill {
            queries::set_skill(db, c.id, Some(s))?;
        }
        queries::requeue(db, c.id, None)?;
        let kind = if skill.is_some() { "to_skill" } else { "requeued" };
        queries::log_assignment(db, c.id, kind, None, by, skill.as_deref(), note.as_deref(), batch.now)?;
        self.queue_changed = true;
        self.post_event(db, c, ConversationEvent::Requeued { skill, note }, batch)?;
        self.announce(&reload(db, c.id)?, batch);
        Ok(())
    }

    pub fn set_priority(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        priority: natter_protocol::Priority,
        batch: &mut Batch,
    ) -> OpResult {
        queries::set_priority(db, c.id, priority)?;
        self.queue_changed = true;
        self.announce(&reload(db, c.id)?, batch);
        Ok(())
    }

    /// Closes a conversation with a system line saying who closed it.
    pub fn close(&mut self, db: &Connection, c: &ConversationSummary, by: Author, batch: &mut Batch) -> OpResult {
        let reason = if by == Author::Visitor { CloseReason::Visitor } else { CloseReason::Agent };
        self.end(db, c.id, reason, ConversationEvent::Closed { by }, batch)
    }

    /// Closes a conversation nobody closed: its visitor left the queue, or nobody
    /// wrote for too long. Does nothing to one already closed.
    pub fn auto_close(
        &mut self,
        db: &Connection,
        id: ConversationId,
        reason: AutoCloseReason,
        batch: &mut Batch,
    ) -> OpResult {
        let Some(c) = queries::conversation(db, id)? else { return Ok(()) };
        if c.status == ConversationStatus::Closed {
            return Ok(());
        }
        let why = match reason {
            AutoCloseReason::Abandoned => {
                self.missed.push(id);
                CloseReason::Abandoned
            }
            AutoCloseReason::Inactive => CloseReason::Inactive,
        };
        self.end(db, id, why, ConversationEvent::AutoClosed { reason }, batch)
    }

    fn end(
        &mut self,
        db: &Connection,
        id: ConversationId,
        why: CloseReason,
        event: ConversationEvent,
        batch: &mut Batch,
    ) -> OpResult {
        queries::close_conversation(db, id, why, batch.now)?;
        self.queue_changed = true;
        self.closed.push(id);
        let closed = reload(db, id)?;
        self.post_event(db, &closed, event, batch)?;
        self.announce(&reload(db, id)?, batch);
        Ok(())
    }
}

/// The agent sockets that get a conversation's messages, typing and reads.
pub fn followers(c: &ConversationSummary) -> AgentTarget {
    AgentTarget::Followers { conversation: c.id, assignee: c.assignee.as_ref().map(|a| a.id) }
}

/// Reads back a conversation this transaction just wrote.
pub fn reload(db: &Connection, id: ConversationId) -> Result<ConversationSummary, StoreError> {
    queries::conversation(db, id)?.ok_or_else(|| StoreError::Vanished(format!("conversation {id}")))
}

fn ack(
    to: AckTo,
    conversation_id: ConversationId,
    client_id: ClientMsgId,
    seq: Seq,
    duplicate: bool,
    batch: &mut Batch,
) {
    match to {
        AckTo::Visitor(conn) => {
            batch.to_visitor(VisitorTarget::Conn(conn), &ToVisitor::Ack { conversation_id, client_id, seq, duplicate })
        }
        AckTo::Agent(conn) => {
            batch.to_agents(AgentTarget::Conn(conn), &ToAgent::Ack { conversation_id, client_id, seq, duplicate });
        }
        AckTo::Nobody => {}
    }
}

/// Acknowledges a resend of a message already stored.
pub fn ack_duplicate(to: AckTo, conversation_id: ConversationId, client_id: ClientMsgId, seq: Seq, batch: &mut Batch) {
    ack(to, conversation_id, client_id, seq, true, batch);
}

/// A conversation as its visitor may see it.
pub fn visitor_view(c: &ConversationSummary) -> VisitorConversation {
    VisitorConversation {
        id: c.id,
        status: c.status,
        agent: c.assignee.clone(),
        last_seq: c.last_seq,
        agent_read_seq: c.agent_read_seq,
    }
}
