//! What an agent socket can do: attach (welcome), sync and watch, claim, send,
//! type, read, transfer, close, set status and priority. Every conversation id is
//! looked up in this tenant's own database, so another tenant's conversations are
//! simply not found.

use natter_protocol::{
    AgentFrame, AgentId, AgentInfo, AgentRef, AgentStatus, Author, ConversationStatus, ConversationSummary, ErrorCode,
    ErrorFrame, PROTOCOL_VERSION, TenantSettings, ToAgent, ToVisitor,
};
use rusqlite::Connection;

use super::agents::Agents;
use super::batch::{AgentTarget, Batch, Effect, OpResult, Refusal, VisitorTarget, refuse};
use super::conversations::{self, AckTo, Assignment, Conversations, Draft, followers};
use super::hub::{ConnId, ConnSink, Hub, Member};
use super::queries;
use super::sessions::Sessions;
use super::visitor_frames::clip;
use crate::auth::session::TokenHash;
use crate::outbox::Audience;
use crate::store::StoreError;

/// Longest transfer note, in bytes.
const MAX_NOTE_BYTES: usize = 1000;

/// What agent frames may touch.
pub struct AgentDesk<'a> {
    pub hub: &'a Hub,
    pub convs: &'a mut Conversations,
    pub agents: &'a mut Agents,
    pub sessions: &'a mut Sessions,
    pub settings: &'a TenantSettings,
}

/// The agent socket a frame came from.
struct Me {
    conn: ConnId,
    agent: AgentRef,
    admin: bool,
}

impl Me {
    fn author(&self) -> Author {
        Author::Agent { id: self.agent.id, name: self.agent.name.clone() }
    }
}

impl AgentDesk<'_> {
    /// Checks the session of a socket that sent `hello`, registers it and sends
    /// `agent_welcome`. `Ok(Err(code))`: the session is not valid.
    pub fn attach(
        &mut self,
        db: &Connection,
        (conn, sink): (ConnId, ConnSink),
        session: TokenHash,
        batch: &mut Batch,
    ) -> Result<Result<AgentInfo, ErrorCode>, StoreError> {
        let (agent, row) = match self.sessions.resolve(db, &session, batch.now)? {
            Ok(found) => found,
            Err(code) => return Ok(Err(code)),
        };
        self.sessions.attach(session, row);
        // Everyone (the newcomer included) gets a fresh presence snapshot.
        self.agents.socket_opened(agent.id, batch.now);
        let welcome = ToAgent::AgentWelcome {
            v: PROTOCOL_VERSION,
            agent: agent.clone(),
            agents: queries::agents(db)?,
            conversations: queries::open_conversations(db)?.into_iter().map(|c| self.convs.for_agents(c)).collect(),
        };
        batch.push(Effect::Register(conn, sink, Member::Agent { id: agent.id, session }));
        batch.to_agents(AgentTarget::Conn(conn), &welcome);
        batch.to_agents(AgentTarget::Conn(conn), &ToAgent::Tags { tags: super::desk::tags(db)? });
        Ok(Ok(agent))
    }

    pub fn frame(&mut self, db: &Connection, conn: ConnId, frame: AgentFrame, batch: &mut Batch) -> OpResult {
        let Some(Member::Agent { id, session }) = self.hub.member(conn).cloned() else {
            return Err(refuse(ErrorCode::HelloRequired, "send hello first"));
        };
        self.sessions.touch(db, &session, batch.now)?;
        self.agents.active(id, self.settings.routing.away_after_secs, batch.now);
        let me = queries::agent(db, id)?.ok_or_else(|| {
            Refusal::Fatal(ErrorFrame::fatal(ErrorCode::SessionExpired, "this agent account was removed"))
        })?;
        let me = Me { conn, agent: AgentRef { id: me.id, name: me.name }, admin: me.role.is_admin() };
        match frame {
            AgentFrame::Hello { .. } => Err(refuse(ErrorCode::InvalidInput, "hello was already sent on this socket")),
            AgentFrame::Sync { conversation_id, after_seq } => {
                let c = find(db, conversation_id)?;
                batch.push(Effect::Watch(conn, c.id));
                let notes = super::desk::notes_of(db, c.id)?;
                if !notes.is_empty() {
                    batch.to_agents(AgentTarget::Conn(conn), &ToAgent::Notes { conversation_id: c.id, notes });
                }
                Ok(super::replay::start(db, conn, c.id, after_seq, Audience::Agent, batch)?)
            }
            AgentFrame::Unwatch { conversation_id } => {
                batch.push(Effect::Unwatch(conn, conversation_id));
                Ok(())
            }
            AgentFrame::Claim { conversation_id } => self.claim(db, &me, find(db, conversation_id)?, batch),
            AgentFrame::Send { conversation_id, client_id, text, attachments, quick_replies } => {
                let c = find(db, conversation_id)?;
                if c.status != ConversationStatus::Closed && !holds(&c, me.agent.id) {
                    // A resend of something already stored is still acknowledged.
                    let sender = queries::sender_key(&me.author());
                    if let Some(seq) = queries::seq_of_client_id(db, c.id, &sender, &client_id)? {
                        conversations::ack_duplicate(AckTo::Agent(conn), c.id, client_id, seq, batch);
                        return Ok(());
                    }
                    return Err(refuse(ErrorCode::Forbidden, not_yours(&c)).about(Some(&client_id), Some(c.id)));
                }
                let draft = Draft { client_id, text, attachments, quick_replies };
                self.convs.post_text(db, &c, me.author(), draft, AckTo::Agent(conn), batch)
            }
            AgentFrame::Typing { conversation_id, on } => {
                let c = find(db, conversation_id)?;
                if c.status != ConversationStatus::Closed {
                    let (conversation_id, who) = (c.id, me.author());
                    if self.settings.widget.typing_indicators {
                        let to_visitor = ToVisitor::Typing { conversation_id, who: who.clone(), on };
                        batch.to_visitor(VisitorTarget::Visitor(c.visitor_id.clone()), &to_visitor);
                    }
                    batch.to_agents(followers(&c), &ToAgent::Typing { conversation_id, who, on });
                }
                Ok(())
            }
            AgentFrame::Read { conversation_id, seq } => {
                let c = find(db, conversation_id)?;
                let seq = queries::mark_read(db, c.id, false, seq)?;
                let (conversation_id, by) = (c.id, me.author());
                if self.settings.widget.read_receipts {
                    let to_visitor = ToVisitor::Read { conversation_id, by: by.clone(), seq };
                    batch.to_visitor(VisitorTarget::Visitor(c.visitor_id.clone()), &to_visitor);
                }
                batch.to_agents(followers(&c), &ToAgent::Read { conversation_id, by, seq });
                Ok(())
            }
            AgentFrame::Transfer { conversation_id, to, note } => {
                self.transfer(db, &me, find(db, conversation_id)?, to, note, batch)
            }
            AgentFrame::Close { conversation_id } => {
                let c = find(db, conversation_id)?;
                match c.status {
                    ConversationStatus::Closed => Err(closed(&c)),
                    ConversationStatus::Active if !holds(&c, me.agent.id) && !me.admin => {
                        Err(refuse(ErrorCode::Forbidden, not_yours(&c)).about(None, Some(c.id)))
                    }
                    _ => self.convs.close(db, &c, me.author(), batch),
                }
            }
            AgentFrame::SetStatus { status } => {
                self.agents.choose(me.agent.id, status, batch.now);
                Ok(())
            }
            AgentFrame::SetPriority { conversation_id, priority } => {
                let c = find(db, conversation_id)?;
                if c.status == ConversationStatus::Closed {
                    return Err(closed(&c));
                }
                self.convs.set_priority(db, &c, priority, batch)
            }
            AgentFrame::TransferToSkill { conversation_id, skill, note } => {
                self.transfer_to_skill(db, &me, find(db, conversation_id)?, skill, note, batch)
            }
            AgentFrame::Activity => Ok(()),
            AgentFrame::Note { conversation_id, client_id, text } => {
                let c = find(db, conversation_id)?;
                self.convs.check_text(&text, 0).map_err(|r| r.about(Some(&client_id), Some(c.id)))?;
                super::desk::add_note(db, &c, me.agent, conn, client_id, &text, batch)
            }
            AgentFrame::Tag { conversation_id, tag, on } => {
                let c = find(db, conversation_id)?;
                super::desk::tag_conversation(db, self.convs, &c, tag, on, batch)
            }
        }
    }

    fn claim(&mut self, db: &Connection, me: &Me, c: ConversationSummary, batch: &mut Batch) -> OpResult {
        match c.status {
            ConversationStatus::Closed => Err(closed(&c)),
            ConversationStatus::Active if holds(&c, me.agent.id) => {
                batch.to_agents(AgentTarget::Conn(me.conn), &ToAgent::Conversation { conversation: c });
                Ok(())
            }
            ConversationStatus::Active => {
                let who = c.assignee.as_ref().map_or("another agent", |a| a.name.as_str());
                Err(refuse(ErrorCode::AlreadyClaimed, format!("already claimed by {who}")).about(None, Some(c.id)))
            }
            ConversationStatus::Waiting => {
                self.agents.got_conversation(me.agent.id, batch.now);
                self.convs.assign(db, &c, me.agent.clone(), Assignment::Claimed, batch)
            }
        }
    }

    fn transfer(
        &mut self,
        db: &Connection,
        me: &Me,
        c: ConversationSummary,
        to: AgentId,
        note: Option<String>,
        batch: &mut Batch,
    ) -> OpResult {
        if c.status == ConversationStatus::Closed {
            return Err(closed(&c));
        }
        let Some(from) = c.assignee.clone().filter(|a| a.id == me.agent.id || me.admin) else {
            return Err(refuse(ErrorCode::Forbidden, not_yours(&c)).about(None, Some(c.id)));
        };
        let Some(target) = queries::agent(db, to)? else {
            return Err(refuse(ErrorCode::NotFound, format!("no agent {to} in this tenant")).about(None, Some(c.id)));
        };
        if target.id == from.id {
            return Err(
                refuse(ErrorCode::InvalidInput, "the conversation is already with that agent").about(None, Some(c.id))
            );
        }
        let r = &self.settings.routing;
        if self.agents.status(target.id, 0, u32::MAX, r, batch.now) == AgentStatus::Offline {
            return Err(refuse(ErrorCode::InvalidInput, format!("{} is offline", target.name)).about(None, Some(c.id)));
        }
        let note = note.map(|n| clip(n.trim(), MAX_NOTE_BYTES)).filter(|n| !n.is_empty());
        let to = AgentRef { id: target.id, name: target.name };
        let how = Assignment::Transferred { from, by: me.agent.id, note };
        self.convs.assign(db, &c, to, how, batch)
    }

    fn transfer_to_skill(
        &mut self,
        db: &Connection,
        me: &Me,
        c: ConversationSummary,
        skill: String,
        note: Option<String>,
        batch: &mut Batch,
    ) -> OpResult {
        if c.status == ConversationStatus::Closed {
            return Err(closed(&c));
        }
        if !super::settings_rules::is_skill(&skill) {
            return Err(
                refuse(ErrorCode::InvalidInput, "a skill is a-z, 0-9 and '-', at most 32").about(None, Some(c.id))
            );
        }
        if c.status == ConversationStatus::Active && !holds(&c, me.agent.id) && !me.admin {
            return Err(refuse(ErrorCode::Forbidden, not_yours(&c)).about(None, Some(c.id)));
        }
        let note = note.map(|n| clip(n.trim(), MAX_NOTE_BYTES)).filter(|n| !n.is_empty());
        self.convs.requeue(db, &c, Some(skill), note, Some(me.agent.id), batch)
    }
}

fn find(db: &Connection, id: natter_protocol::ConversationId) -> Result<ConversationSummary, Refusal> {
    queries::conversation(db, id)?
        .ok_or_else(|| refuse(ErrorCode::NotFound, format!("no conversation {id}")).about(None, Some(id)))
}

fn holds(c: &ConversationSummary, agent: AgentId) -> bool {
    c.assignee.as_ref().is_some_and(|a| a.id == agent)
}

fn closed(c: &ConversationSummary) -> Refusal {
    refuse(ErrorCode::ConversationClosed, "this conversation is closed").about(None, Some(c.id))
}

fn not_yours(c: &ConversationSummary) -> String {
    match &c.assignee {
        Some(a) => format!("this conversation is with {}", a.name),
        None => "claim the conversation first".into(),
    }
}
