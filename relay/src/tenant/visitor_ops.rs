//! What visitors can do: attach (welcome + replay), start, send, type, read, end,
//! identify.

use natter_protocol::{
    Author, ClientMsgId, ConversationEvent, ConversationId, ConversationStatus, ConversationSummary, ErrorCode,
    Message, MessageBody, PROTOCOL_VERSION, Seq, ServerFrame, VisitorConversation, VisitorFrame, VisitorId,
    VisitorInfo,
};
use rusqlite::Connection;

use super::actor::{Batch, OpResult, Refusal, State, refuse};
use super::hub::{ConnId, ConnSink, Effect, Member, Target};
use super::{queries, replay};
use crate::outbox::Audience;
use crate::store::StoreError;

impl State {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn attach_visitor(
        &mut self,
        db: &Connection,
        conn: ConnId,
        sink: ConnSink,
        visitor: VisitorId,
        user_agent: Option<String>,
        resume: Option<(ConversationId, Seq)>,
        batch: &mut Batch,
    ) -> Result<(), Refusal> {
        queries::ensure_visitor(db, &visitor, batch.now)?;
        batch.effects.push(Effect::Register(conn, sink, Member::Visitor { id: visitor.clone(), user_agent }));
        self.visitor_gone_at.remove(&visitor);
        self.welcome_visitor(db, conn, &visitor, resume, batch)
    }

    /// Sends `welcome` and replays the current conversation after what the
    /// client already holds.
    fn welcome_visitor(
        &mut self,
        db: &Connection,
        conn: ConnId,
        visitor: &VisitorId,
        resume: Option<(ConversationId, Seq)>,
        batch: &mut Batch,
    ) -> Result<(), Refusal> {
        let latest = queries::latest_conversation(db, visitor)?;
        let token = self.tokens.issue(&self.tenant, visitor, batch.now);
        batch.send(
            Target::Conn(conn),
            &ServerFrame::Welcome {
                v: PROTOCOL_VERSION,
                visitor_id: visitor.clone(),
                token,
                conversation: latest.as_ref().map(visitor_view),
            },
        );
        if let Some(c) = latest {
            let after = match resume {
                Some((id, seq)) if id == c.id => seq,
                _ => Seq(0),
            };
            replay::start(db, conn, c.id, after, Audience::Visitor, batch)?;
            if c.status == ConversationStatus::Waiting {
                // Send the queue position again to whoever just connected.
                self.pushed.queue.remove(&c.id);
                self.routing_dirty = true;
            }
        }
        Ok(())
    }

    pub(super) fn visitor_frame(
        &mut self,
        db: &Connection,
        conn: ConnId,
        frame: VisitorFrame,
        batch: &mut Batch,
    ) -> OpResult {
        let Some(Member::Visitor { id, user_agent }) = self.hub.member(conn).cloned() else {
            return Err(refuse(ErrorCode::HelloRequired, "send hello first"));
        };
        let me = VisitorCtx { conn, id, user_agent };
        match frame {
            VisitorFrame::Hello { .. } => Err(refuse(ErrorCode::InvalidInput, "hello was already sent on this socket")),
            VisitorFrame::Start { info } => self.visitor_start(db, &me, clean_info(info)?, batch),
            VisitorFrame::Send { client_id, text } => self.visitor_send(db, &me, client_id, text, batch),
            VisitorFrame::Typing { on } => {
                if let Some(c) = open_conversation(db, &me.id)? {
                    batch
                        .send(Target::Agents, &ServerFrame::Typing { conversation_id: c.id, who: Author::Visitor, on });
                }
                Ok(())
            }
            VisitorFrame::Read { seq } => {
                let Some(c) = queries::latest_conversation(db, &me.id)? else {
                    return Err(refuse(ErrorCode::NoConversation, "there is no conversation to mark read"));
                };
                let seq = queries::mark_read(db, c.id, true, seq)?;
                let frame = ServerFrame::Read { conversation_id: c.id, by: Author::Visitor, seq };
                batch.send(Target::Agents, &frame);
                batch.send(Target::Visitor(me.id.clone()), &frame);
                Ok(())
            }
            VisitorFrame::End => {
                let Some(c) = open_conversation(db, &me.id)? else {
                    return Err(refuse(ErrorCode::NoConversation, "there is no open conversation to end"));
                };
                self.close(db, &c, Author::Visitor, batch)
            }
            VisitorFrame::Identify { user_id, hash, name, email } => {
                self.identify(db, &me, user_id, hash, name, email, batch)
            }
            VisitorFrame::Offline { client_id, name, email, text, page_url, referrer, utc_offset_min } => {
                let info = VisitorInfo {
                    name,
                    email: Some(email),
                    page_url,
                    referrer,
                    utc_offset_min,
                    ..VisitorInfo::default()
                };
                self.offline_message(db, &me, client_id, info, text, batch)
            }
        }
    }

    fn visitor_start(&mut self, db: &Connection, me: &VisitorCtx, info: VisitorInfo, batch: &mut Batch) -> OpResult {
        match open_conversation(db, &me.id)? {
            Some(c) => {
                queries::update_visitor_info(db, c.id, &info)?;
                let updated = queries::conversation(db, c.id)?.ok_or(StoreError::Stopped)?;
                batch.send(Target::Agents, &ServerFrame::Conversation { conversation: self.for_agents(updated) });
            }
            None => {
                self.check_open(batch)?;
                self.create_conversation(db, me, &info, false, batch)?;
            }
        }
        Ok(())
    }

    /// Refuses to open a conversation outside business hours.
    fn check_open(&self, batch: &Batch) -> OpResult {
        if super::hours::is_open(&self.settings.hours, batch.now) {
            Ok(())
        } else {
            Err(refuse(ErrorCode::ShopClosed, "the shop is closed now; leave a message with the offline form"))
        }
    }

    /// The offline form: a conversation marked offline, with the message in it.
    /// A visitor waiting while no agent is online leaves it in their waiting
    /// conversation, which becomes an offline one (kept when they leave, with
    /// their email for the answer).
    fn offline_message(
        &mut self,
        db: &Connection,
        me: &VisitorCtx,
        client_id: ClientMsgId,
        info: VisitorInfo,
        text: String,
        batch: &mut Batch,
    ) -> OpResult {
        if let Some(latest) = queries::latest_conversation(db, &me.id)?
            && let Some(seq) = queries::seq_of_client_id(db, latest.id, "v", &client_id)?
        {
            batch.send(Target::Conn(me.conn), &ack(latest.id, client_id, seq, true));
            return Ok(());
        }
        let info = clean_info(info).map_err(|r| r.about(Some(&client_id), None))?;
        if info.email.is_none() {
            return Err(
                refuse(ErrorCode::InvalidInput, "the offline form needs an email").about(Some(&client_id), None)
            );
        }
        self.check_text(&text).map_err(|r| r.about(Some(&client_id), None))?;
        let c = match open_conversation(db, &me.id)? {
            Some(c) => {
                // The page the conversation started on stays; the contact details are new.
                let contact = VisitorInfo { name: info.name, email: info.email, ..VisitorInfo::default() };
                queries::update_visitor_info(db, c.id, &contact)?;
                if c.status == ConversationStatus::Waiting {
                    queries::mark_offline(db, c.id)?;
                    self.routing_dirty = true;
                }
                let c = queries::conversation(db, c.id)?.ok_or(StoreError::Stopped)?;
                self.announce(&c, batch);
                c
            }
            None => self.create_conversation(db, me, &info, true, batch)?,
        };
        self.post_text(db, &c, Author::Visitor, client_id, text, me.conn, batch)
    }

    fn create_conversation(
        &mut self,
        db: &Connection,
        me: &VisitorCtx,
        info: &VisitorInfo,
        offline: bool,
        batch: &mut Batch,
    ) -> Result<ConversationSummary, Refusal> {
        let id = queries::create_conversation(db, &me.id, info, me.user_agent.as_deref(), offline, batch.now)?;
        let c = queries::conversation(db, id)?.ok_or(StoreError::Stopped)?;
        self.announce(&c, batch);
        self.routing_dirty = true;
        Ok(c)
    }

    fn visitor_send(
        &mut self,
        db: &Connection,
        me: &VisitorCtx,
        client_id: ClientMsgId,
        text: String,
        batch: &mut Batch,
    ) -> OpResult {
        let c = match open_conversation(db, &me.id)? {
            Some(c) => c,
            None => {
                // A resend of a message that landed in a conversation which has
                // closed since must not open a new conversation with a copy.
                if let Some(latest) = queries::latest_conversation(db, &me.id)?
                    && let Some(seq) = queries::seq_of_client_id(db, latest.id, "v", &client_id)?
                {
                    batch.send(Target::Conn(me.conn), &ack(latest.id, client_id, seq, true));
                    return Ok(());
                }
                // Refused text must not name the conversation it would have opened.
                self.check_text(&text).map_err(|r| r.about(Some(&client_id), None))?;
                self.check_open(batch)?;
                self.create_conversation(db, me, &VisitorInfo::default(), false, batch)?
            }
        };
        self.post_text(db, &c, Author::Visitor, client_id, text, me.conn, batch)
    }

    #[allow(clippy::too_many_arguments)]
    fn identify(
        &mut self,
        db: &Connection,
        me: &VisitorCtx,
        user_id: String,
        hash: String,
        name: Option<String>,
        email: Option<String>,
        batch: &mut Batch,
    ) -> OpResult {
        if user_id.is_empty() || user_id.len() > 256 {
            return Err(refuse(ErrorCode::InvalidInput, "user_id must be 1 to 256 bytes"));
        }
        let secret = self.identity_secret(db)?;
        if !crate::auth::identity::verify(secret.as_bytes(), &user_id, &hash) {
            return Err(refuse(ErrorCode::TokenInvalid, "identity hash does not match user_id"));
        }
        let name = name.map(|n| clip(&n, 100));
        let email = email.map(|e| clip(&e, 254));
        let target = match queries::visitor_by_external_id(db, &user_id)? {
            Some(existing) => existing,
            None => match queries::visitor_external_id(db, &me.id)? {
                // An anonymous visitor becomes this customer.
                None => me.id.clone(),
                // A visitor already identified as someone else: a new visitor.
                Some(_) => {
                    let fresh = crate::auth::visitor_token::new_visitor_id();
                    queries::ensure_visitor(db, &fresh, batch.now)?;
                    fresh
                }
            },
        };
        queries::set_visitor_identity(db, &target, &user_id, name.as_deref(), email.as_deref())?;
        // Agents see the verified customer on a conversation already going.
        if let Some(c) = open_conversation(db, &target)? {
            batch.send(Target::Agents, &ServerFrame::Conversation { conversation: self.for_agents(c) });
        }
        batch.effects.push(Effect::Register(
            me.conn,
            self.hub_sink(me.conn)?,
            Member::Visitor { id: target.clone(), user_agent: me.user_agent.clone() },
        ));
        self.welcome_visitor(db, me.conn, &target, None, batch)
    }

    fn hub_sink(&self, conn: ConnId) -> Result<ConnSink, Refusal> {
        self.hub.sink(conn).cloned().ok_or_else(|| refuse(ErrorCode::HelloRequired, "send hello first"))
    }

    /// Tells agents and the visitor about a new or changed conversation.
    pub(super) fn announce(&self, c: &ConversationSummary, batch: &mut Batch) {
        batch.send(Target::Agents, &ServerFrame::Conversation { conversation: self.for_agents(c.clone()) });
        batch.send(
            Target::Visitor(c.visitor_id.clone()),
            &ServerFrame::VisitorConversation { conversation: visitor_view(c) },
        );
    }

    /// Stores a text message (or acknowledges a resend) and delivers it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn post_text(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        author: Author,
        client_id: ClientMsgId,
        text: String,
        conn: ConnId,
        batch: &mut Batch,
    ) -> OpResult {
        let sender = queries::sender_key(&author);
        if let Some(seq) = queries::seq_of_client_id(db, c.id, &sender, &client_id)? {
            batch.send(Target::Conn(conn), &ack(c.id, client_id, seq, true));
            return Ok(());
        }
        if c.status == ConversationStatus::Closed {
            return Err(refuse(ErrorCode::ConversationClosed, "this conversation is closed")
                .about(Some(&client_id), Some(c.id)));
        }
        self.check_text(&text).map_err(|r| r.about(Some(&client_id), Some(c.id)))?;
        let body = MessageBody::Text { text, client_id: client_id.clone() };
        let message = queries::append_message(db, c.id, author, body, batch.now)?;
        batch.send(Target::Conn(conn), &ack(c.id, client_id, message.seq, false));
        self.publish(c, message, batch);
        Ok(())
    }

    /// Stores a system event in the conversation and delivers it.
    pub(super) fn post_event(
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

    /// Delivers a stored message to the tenant's agents and the visitor.
    fn publish(&self, c: &ConversationSummary, message: Message, batch: &mut Batch) {
        let visitor_copy = for_visitor(&message);
        batch.send(
            Target::Visitor(c.visitor_id.clone()),
            &ServerFrame::Message { conversation_id: c.id, message: visitor_copy },
        );
        batch.send(Target::Agents, &ServerFrame::Message { conversation_id: c.id, message });
    }

    fn check_text(&self, text: &str) -> Result<(), Refusal> {
        if text.trim().is_empty() {
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

    /// Closes a conversation with a system line saying who closed it.
    pub(super) fn close(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        by: Author,
        batch: &mut Batch,
    ) -> OpResult {
        let reason = if by == Author::Visitor { queries::CloseReason::Visitor } else { queries::CloseReason::Agent };
        queries::close_conversation(db, c.id, reason, batch.now)?;
        self.routing_dirty = true;
        let closed = queries::conversation(db, c.id)?.ok_or(StoreError::Stopped)?;
        self.post_event(db, &closed, ConversationEvent::Closed { by }, batch)?;
        let closed = queries::conversation(db, c.id)?.ok_or(StoreError::Stopped)?;
        self.announce(&closed, batch);
        Ok(())
    }

    /// The tenant's identity secret, created on first use.
    pub(super) fn identity_secret(&self, db: &Connection) -> Result<String, StoreError> {
        if let Some(s) = queries::setting(db, "identity_secret")? {
            return Ok(s);
        }
        let secret: String = crate::auth::random_bytes(32).iter().map(|b| format!("{b:02x}")).collect();
        queries::set_setting(db, "identity_secret", &secret)?;
        Ok(secret)
    }
}

/// The visitor socket a frame came from.
struct VisitorCtx {
    conn: ConnId,
    id: VisitorId,
    user_agent: Option<String>,
}

fn open_conversation(db: &Connection, visitor: &VisitorId) -> Result<Option<ConversationSummary>, StoreError> {
    Ok(queries::latest_conversation(db, visitor)?.filter(|c| c.status != ConversationStatus::Closed))
}

pub(super) fn ack(conversation_id: ConversationId, client_id: ClientMsgId, seq: Seq, duplicate: bool) -> ServerFrame {
    ServerFrame::Ack { conversation_id, client_id, seq, duplicate }
}

/// A conversation as its visitor may see it.
pub(super) fn visitor_view(c: &ConversationSummary) -> VisitorConversation {
    VisitorConversation {
        id: c.id,
        status: c.status,
        agent: c.assignee.clone(),
        last_seq: c.last_seq,
        agent_read_seq: c.agent_read_seq,
    }
}

/// A message as the visitor may see it: transfer notes are for agents only.
pub(super) fn for_visitor(m: &Message) -> Message {
    let mut m = m.clone();
    if let MessageBody::Event {
        event: ConversationEvent::Transferred { note, .. } | ConversationEvent::Requeued { note, .. },
    } = &mut m.body
    {
        *note = None;
    }
    m
}

/// Trims pre-chat details and bounds their length.
fn clean_info(info: VisitorInfo) -> Result<VisitorInfo, Refusal> {
    let field = |v: Option<String>, max: usize| v.map(|s| clip(s.trim(), max)).filter(|s| !s.is_empty());
    let email = field(info.email, 254);
    if let Some(e) = &email
        && (!e.contains('@') || e.contains(char::is_whitespace))
    {
        return Err(refuse(ErrorCode::InvalidInput, "email is not an email address"));
    }
    let department = field(info.department, 32);
    if let Some(d) = &department
        && !super::settings_rules::is_skill(d)
    {
        return Err(refuse(ErrorCode::InvalidInput, "department must be a-z, 0-9 and '-'"));
    }
    if info.fields.len() > 12
        || info.fields.iter().any(|(k, v)| k.is_empty() || k.len() > 32 || v.chars().count() > 500)
    {
        return Err(refuse(
            ErrorCode::InvalidInput,
            "at most 12 custom fields, keys of 1-32 bytes, values of 500 characters",
        ));
    }
    if info.utc_offset_min.is_some_and(|m| !(-720..=840).contains(&m)) {
        return Err(refuse(ErrorCode::InvalidInput, "utc_offset_min must be between -720 and 840"));
    }
    Ok(VisitorInfo {
        name: field(info.name, 100),
        email,
        page_url: field(info.page_url, 2048),
        referrer: field(info.referrer, 2048),
        phone: field(info.phone, 40),
        department,
        fields: info.fields,
        utc_offset_min: info.utc_offset_min,
    })
}

/// At most `max` bytes of `s`, cut on a character boundary.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}
