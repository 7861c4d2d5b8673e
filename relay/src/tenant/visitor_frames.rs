//! What a visitor socket can do: attach (welcome + replay), start, send, type,
//! read, end, identify, leave an offline message. The conversation itself
//! changes only through [`Conversations`].

use natter_protocol::{
    Author, ClientMsgId, ConversationId, ConversationStatus, ConversationSummary, ErrorCode, PROTOCOL_VERSION, Seq,
    TenantId, TenantSettings, ToAgent, ToVisitor, VisitorFrame, VisitorId, VisitorInfo,
};
use rusqlite::Connection;

use super::batch::{AgentTarget, Batch, Effect, OpResult, Refusal, VisitorTarget, refuse};
use super::conversations::{self, AckTo, Conversations, Draft, followers, visitor_view};
use super::hub::{ConnId, ConnSink, Hub, Member};
use super::{queries, ratings, replay};
use crate::auth::visitor_token::VisitorTokens;
use crate::outbox::Audience;
use crate::store::StoreError;

/// What visitor frames may touch.
pub struct Visitors<'a> {
    pub tenant: &'a TenantId,
    pub hub: &'a Hub,
    pub convs: &'a mut Conversations,
    pub settings: &'a TenantSettings,
    pub tokens: &'a VisitorTokens,
    pub mail: &'a mut super::mail::Mailer,
}

/// The visitor socket a frame came from (borrowed from the hub: no copy per frame).
struct Me<'h> {
    conn: ConnId,
    id: &'h VisitorId,
    user_agent: Option<&'h str>,
}

impl Visitors<'_> {
    /// Registers a socket that sent `hello`, then welcomes it.
    pub fn attach(
        &mut self,
        db: &Connection,
        (conn, sink): (ConnId, ConnSink),
        visitor: VisitorId,
        user_agent: Option<String>,
        resume: Option<(ConversationId, Seq)>,
        batch: &mut Batch,
    ) -> Result<(), StoreError> {
        queries::ensure_visitor(db, &visitor, batch.now)?;
        batch.push(Effect::Register(conn, sink, Member::Visitor { id: visitor.clone(), user_agent }));
        self.welcome(db, conn, &visitor, resume, batch)
    }

    /// Sends `welcome` and replays the current conversation after what the
    /// client already holds.
    fn welcome(
        &mut self,
        db: &Connection,
        conn: ConnId,
        visitor: &VisitorId,
        resume: Option<(ConversationId, Seq)>,
        batch: &mut Batch,
    ) -> Result<(), StoreError> {
        let latest = queries::latest_conversation(db, visitor)?;
        let token = self.tokens.issue(self.tenant, visitor, batch.now);
        let welcome = ToVisitor::Welcome {
            v: PROTOCOL_VERSION,
            visitor_id: visitor.clone(),
            token,
            conversation: latest.as_ref().map(visitor_view),
        };
        batch.to_visitor(VisitorTarget::Conn(conn), &welcome);
        if let Some(c) = latest {
            let after = match resume {
                Some((id, seq)) if id == c.id => seq,
                _ => Seq(0),
            };
            replay::start(db, conn, c.id, after, Audience::Visitor, batch)?;
            if c.status == ConversationStatus::Waiting {
                self.convs.retell_place(c.id);
            }
            // Queued behind the replay: the survey comes after the history.
            if let Some(survey) = ratings::survey(db, &c, &self.settings.csat, batch.now)? {
                batch.to_visitor(VisitorTarget::Conn(conn), &survey);
            }
        }
        Ok(())
    }

    pub fn frame(&mut self, db: &Connection, conn: ConnId, frame: VisitorFrame, batch: &mut Batch) -> OpResult {
        let hub = self.hub;
        let Some(Member::Visitor { id, user_agent }) = hub.member(conn) else {
            return Err(refuse(ErrorCode::HelloRequired, "send hello first"));
        };
        let me = Me { conn, id, user_agent: user_agent.as_deref() };
        match frame {
            VisitorFrame::Hello { .. } => Err(refuse(ErrorCode::InvalidInput, "hello was already sent on this socket")),
            VisitorFrame::Start { info } => self.start(db, &me, clean_info(info)?, batch),
            VisitorFrame::Send { client_id, text, attachments } => {
                self.send(db, &me, Draft { client_id, text, attachments, quick_replies: Vec::new() }, batch)
            }
            VisitorFrame::Typing { on } => {
                if let Some(c) = open_conversation(db, me.id)? {
                    batch
                        .to_agents(followers(&c), &ToAgent::Typing { conversation_id: c.id, who: Author::Visitor, on });
                }
                Ok(())
            }
            VisitorFrame::Read { seq } => self.read(db, &me, seq, batch),
            VisitorFrame::End => {
                let Some(c) = open_conversation(db, me.id)? else {
                    return Err(refuse(ErrorCode::NoConversation, "there is no open conversation to end"));
                };
                self.convs.close(db, &c, Author::Visitor, batch)
            }
            VisitorFrame::Identify { user_id, hash, name, email } => {
                self.identify(db, &me, (user_id, hash), name, email, batch)
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
            VisitorFrame::Rate { conversation_id, score, comment } => {
                let draft = ratings::RatingDraft { score, comment };
                let (via, csat) = (ratings::Via::Widget, &self.settings.csat);
                ratings::rate(db, self.convs, (conversation_id, Some(me.id)), draft, via, csat, batch)?
                    .map(|_| ())
                    .map_err(|why| refuse(why.code(), why.to_string()).about(None, Some(conversation_id)))
            }
            VisitorFrame::EmailTranscript { email, lang } => {
                let Some(c) = queries::latest_conversation(db, me.id)? else {
                    return Err(refuse(ErrorCode::NoConversation, "there is no conversation to email"));
                };
                let locale = self.settings.widget.locale.as_deref();
                self.mail.transcript_requested(db, &c, &email, lang.as_deref(), locale, batch.now)?;
                batch.to_visitor(VisitorTarget::Conn(me.conn), &ToVisitor::TranscriptQueued { conversation_id: c.id });
                Ok(())
            }
        }
    }

    fn read(&mut self, db: &Connection, me: &Me<'_>, seq: Seq, batch: &mut Batch) -> OpResult {
        let Some(c) = queries::latest_conversation(db, me.id)? else {
            return Err(refuse(ErrorCode::NoConversation, "there is no conversation to mark read"));
        };
        let seq = queries::mark_read(db, c.id, true, seq)?;
        super::mail_queries::reply_seen(db, c.id)?;
        let (conversation_id, by) = (c.id, Author::Visitor);
        batch.to_agents(followers(&c), &ToAgent::Read { conversation_id, by: by.clone(), seq });
        batch.to_visitor(VisitorTarget::Visitor(me.id.clone()), &ToVisitor::Read { conversation_id, by, seq });
        Ok(())
    }

    fn start(&mut self, db: &Connection, me: &Me<'_>, info: VisitorInfo, batch: &mut Batch) -> OpResult {
        match open_conversation(db, me.id)? {
            Some(c) => {
                // Answered like an opening: the visitor learns where its conversation stands.
                let c = self.convs.update_info(db, &c, &info, batch)?;
                let state = ToVisitor::VisitorConversation { conversation: visitor_view(&c) };
                batch.to_visitor(VisitorTarget::Conn(me.conn), &state);
            }
            None => {
                self.check_open(batch)?;
                self.convs.create(db, me.id, &info, me.user_agent, false, batch)?;
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

    /// Acknowledges a resend of a message that landed in the visitor's latest
    /// conversation, which may have closed since: a resend must never open a new
    /// conversation with a copy. `true` if it was one.
    fn acked_resend(
        &self,
        db: &Connection,
        me: &Me<'_>,
        client_id: &ClientMsgId,
        batch: &mut Batch,
    ) -> Result<bool, StoreError> {
        if let Some(latest) = queries::latest_conversation(db, me.id)?
            && let Some(seq) = queries::seq_of_client_id(db, latest.id, "v", client_id)?
        {
            conversations::ack_duplicate(AckTo::Visitor(me.conn), latest.id, client_id.clone(), seq, batch);
            return Ok(true);
        }
        Ok(false)
    }

    fn send(&mut self, db: &Connection, me: &Me<'_>, draft: Draft, batch: &mut Batch) -> OpResult {
        let c = match open_conversation(db, me.id)? {
            Some(c) => c,
            None => {
                if self.acked_resend(db, me, &draft.client_id, batch)? {
                    return Ok(());
                }
                // Refused text must not name the conversation it would have opened.
                let about = |r: Refusal| r.about(Some(&draft.client_id), None);
                self.convs.check_text(&draft.text, draft.attachments.len()).map_err(about)?;
                self.check_open(batch).map_err(about)?;
                self.convs.create(db, me.id, &VisitorInfo::default(), me.user_agent, false, batch).map_err(about)?
            }
        };
        self.convs.post_text(db, &c, Author::Visitor, draft, AckTo::Visitor(me.conn), batch)
    }

    /// The offline form: a conversation marked offline, with the message in it.
    /// A visitor waiting while no agent is online leaves it in their waiting
    /// conversation, which becomes an offline one (kept when they leave, with
    /// their email for the answer).
    fn offline_message(
        &mut self,
        db: &Connection,
        me: &Me<'_>,
        client_id: ClientMsgId,
        info: VisitorInfo,
        text: String,
        batch: &mut Batch,
    ) -> OpResult {
        if self.acked_resend(db, me, &client_id, batch)? {
            return Ok(());
        }
        let about = |r: Refusal| r.about(Some(&client_id), None);
        let info = clean_info(info).map_err(about)?;
        if info.email.is_none() {
            return Err(about(refuse(ErrorCode::InvalidInput, "the offline form needs an email")));
        }
        self.convs.check_text(&text, 0).map_err(about)?;
        let c = match open_conversation(db, me.id)? {
            Some(c) => {
                // The page the conversation started on stays; the contact details are new.
                let contact = VisitorInfo { name: info.name, email: info.email, ..VisitorInfo::default() };
                let c = self.convs.update_info(db, &c, &contact, batch)?;
                if c.status == ConversationStatus::Waiting { self.convs.make_offline(db, &c, batch)? } else { c }
            }
            None => self.convs.create(db, me.id, &info, me.user_agent, true, batch).map_err(about)?,
        };
        let fresh = queries::seq_of_client_id(db, c.id, "v", &client_id)?.is_none();
        let said = text.clone();
        let draft = Draft { client_id, text, attachments: Vec::new(), quick_replies: Vec::new() };
        self.convs.post_text(db, &c, Author::Visitor, draft, AckTo::Visitor(me.conn), batch)?;
        if fresh {
            self.mail.offline_message(db, &c, &said, batch.now)?;
        }
        Ok(())
    }

    fn identify(
        &mut self,
        db: &Connection,
        me: &Me<'_>,
        (user_id, hash): (String, String),
        name: Option<String>,
        email: Option<String>,
        batch: &mut Batch,
    ) -> OpResult {
        if user_id.is_empty() || user_id.len() > 256 {
            return Err(refuse(ErrorCode::InvalidInput, "user_id must be 1 to 256 bytes"));
        }
        if !super::identity::verify(db, batch.now, &user_id, &hash)? {
            return Err(refuse(ErrorCode::TokenInvalid, "identity hash does not match user_id"));
        }
        let name = name.map(|n| clip(&n, 100));
        let email = email.map(|e| clip(&e, 254));
        let target = match queries::visitor_by_external_id(db, &user_id)? {
            Some(existing) => existing,
            None => match queries::visitor_external_id(db, me.id)? {
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
            batch.to_agents(AgentTarget::All, &ToAgent::Conversation { conversation: self.convs.for_agents(c) });
        }
        let sink =
            self.hub.sink(me.conn).cloned().ok_or_else(|| refuse(ErrorCode::HelloRequired, "send hello first"))?;
        let member = Member::Visitor { id: target.clone(), user_agent: me.user_agent.map(str::to_owned) };
        batch.push(Effect::Register(me.conn, sink, member));
        Ok(self.welcome(db, me.conn, &target, None, batch)?)
    }
}

fn open_conversation(db: &Connection, visitor: &VisitorId) -> Result<Option<ConversationSummary>, StoreError> {
    Ok(queries::latest_conversation(db, visitor)?.filter(|c| c.status != ConversationStatus::Closed))
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
