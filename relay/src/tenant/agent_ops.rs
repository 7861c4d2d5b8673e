//! What agents can do: attach (welcome), sync history, claim, send, type, read,
//! transfer, close. Every conversation id is looked up in this tenant's own
//! database, so another tenant's conversations are simply not found.

use natter_protocol::{
    AgentFrame, AgentId, AgentInfo, AgentRef, AgentStatus, Author, ConversationEvent, ConversationId,
    ConversationStatus, ConversationSummary, ErrorCode, PROTOCOL_VERSION, ServerFrame,
};
use rusqlite::Connection;

use super::actor::{Batch, OpResult, Refusal, State, refuse};
use super::hub::{ConnId, ConnSink, Effect, Member, Target};
use super::queries;
use super::visitor_ops::clip;
use crate::auth::session::TokenHash;
use crate::outbox::Audience;
use crate::store::StoreError;

/// Longest transfer note, in bytes.
const MAX_NOTE_BYTES: usize = 1000;

impl State {
    pub(super) fn attach_agent(
        &mut self,
        db: &Connection,
        conn: ConnId,
        sink: ConnSink,
        session: TokenHash,
        batch: &mut Batch,
    ) -> Result<Result<AgentInfo, ErrorCode>, StoreError> {
        let agent = match self.resolve_session(db, &session, batch.now)? {
            Ok(agent) => agent,
            Err(code) => return Ok(Err(code)),
        };
        let Some(row) = queries::session(db, &session)? else {
            return Ok(Err(ErrorCode::SessionExpired));
        };
        self.track_session(session, row, conn);
        self.agent_connected(agent.id, batch.now);
        // Everyone (the newcomer included) gets a fresh presence snapshot.
        self.pushed.presence.clear();
        let welcome = ServerFrame::AgentWelcome {
            v: PROTOCOL_VERSION,
            agent: agent.clone(),
            agents: queries::agents(db)?,
            conversations: queries::open_conversations(db)?.into_iter().map(|c| self.for_agents(c)).collect(),
        };
        batch.effects.push(Effect::Register(conn, sink, Member::Agent { id: agent.id, session }));
        batch.send(Target::Conn(conn), &welcome);
        Ok(Ok(agent))
    }

    pub(super) fn agent_frame(
        &mut self,
        db: &Connection,
        conn: ConnId,
        frame: AgentFrame,
        batch: &mut Batch,
    ) -> OpResult {
        let Some(Member::Agent { id, session }) = self.hub.member(conn).cloned() else {
            return Err(refuse(ErrorCode::HelloRequired, "send hello first"));
        };
        self.touch_live_session(db, &session, batch.now)?;
        self.agent_active(id, batch.now);
        let me = queries::agent(db, id)?.ok_or_else(|| {
            Refusal::Fatal(Box::new(ServerFrame::fatal(ErrorCode::SessionExpired, "this agent account was removed")))
        })?;
        let me = AgentCtx { conn, agent: AgentRef { id: me.id, name: me.name }, admin: me.role.is_admin() };
        match frame {
            AgentFrame::Hello { .. } => Err(refuse(ErrorCode::InvalidInput, "hello was already sent on this socket")),
            AgentFrame::Sync { conversation_id, after_seq } => {
                let c = find(db, conversation_id)?;
                Ok(super::replay::start(db, conn, c.id, after_seq, Audience::Agent, batch)?)
            }
            AgentFrame::Claim { conversation_id } => self.claim(db, &me, find(db, conversation_id)?, batch),
            AgentFrame::Send { conversation_id, client_id, text } => {
                let c = find(db, conversation_id)?;
                if c.status != ConversationStatus::Closed && !holds(&c, me.agent.id) {
                    // A resend of something already stored is still acknowledged.
                    if let Some(seq) = queries::seq_of_client_id(db, c.id, &format!("a{}", me.agent.id), &client_id)? {
                        batch.send(Target::Conn(conn), &super::visitor_ops::ack(c.id, client_id, seq, true));
                        return Ok(());
                    }
                    return Err(refuse(ErrorCode::Forbidden, not_yours(&c)).about(Some(&client_id), Some(c.id)));
                }
                let author = Author::Agent { id: me.agent.id, name: me.agent.name.clone() };
                self.post_text(db, &c, author, client_id, text, conn, batch)
            }
            AgentFrame::Typing { conversation_id, on } => {
                let c = find(db, conversation_id)?;
                if c.status != ConversationStatus::Closed {
                    let frame = ServerFrame::Typing { conversation_id: c.id, who: me.author(), on };
                    if self.settings.widget.typing_indicators {
                        batch.send(Target::Visitor(c.visitor_id.clone()), &frame);
                    }
                    batch.send(Target::Agents, &frame);
                }
                Ok(())
            }
            AgentFrame::Read { conversation_id, seq } => {
                let c = find(db, conversation_id)?;
                let seq = queries::mark_read(db, c.id, false, seq)?;
                let frame = ServerFrame::Read { conversation_id: c.id, by: me.author(), seq };
                if self.settings.widget.read_receipts {
                    batch.send(Target::Visitor(c.visitor_id.clone()), &frame);
                }
                batch.send(Target::Agents, &frame);
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
                    _ => self.close(db, &c, me.author(), batch),
                }
            }
            AgentFrame::SetStatus { status } => {
                self.set_chosen_status(me.agent.id, status, batch.now);
                Ok(())
            }
            AgentFrame::SetPriority { conversation_id, priority } => {
                let c = find(db, conversation_id)?;
                if c.status == ConversationStatus::Closed {
                    return Err(closed(&c));
                }
                queries::set_priority(db, c.id, priority)?;
                self.announce(&reload(db, c.id)?, batch);
                self.routing_dirty = true;
                Ok(())
            }
            AgentFrame::TransferToSkill { conversation_id, skill, note } => {
                self.transfer_to_skill(db, &me, find(db, conversation_id)?, skill, note, batch)
            }
            AgentFrame::Activity => Ok(()),
        }
    }

    fn claim(&mut self, db: &Connection, me: &AgentCtx, c: ConversationSummary, batch: &mut Batch) -> OpResult {
        match c.status {
            ConversationStatus::Closed => Err(closed(&c)),
            ConversationStatus::Active if holds(&c, me.agent.id) => {
                batch.send(Target::Conn(me.conn), &ServerFrame::Conversation { conversation: c });
                Ok(())
            }
            ConversationStatus::Active => {
                let who = c.assignee.as_ref().map_or("another agent", |a| a.name.as_str());
                Err(refuse(ErrorCode::AlreadyClaimed, format!("already claimed by {who}")).about(None, Some(c.id)))
            }
            ConversationStatus::Waiting => {
                queries::assign(db, c.id, &me.agent, batch.now)?;
                queries::log_assignment(
                    db,
                    c.id,
                    "claimed",
                    Some(me.agent.id),
                    Some(me.agent.id),
                    None,
                    None,
                    batch.now,
                )?;
                if let Some(p) = self.presence.get_mut(&me.agent.id) {
                    p.idle_since = batch.now;
                }
                self.routing_dirty = true;
                self.post_event(db, &c, ConversationEvent::Claimed { agent: me.agent.clone() }, batch)?;
                self.announce(&reload(db, c.id)?, batch);
                Ok(())
            }
        }
    }

    fn transfer(
        &mut self,
        db: &Connection,
        me: &AgentCtx,
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
        if self.effective_status(target.id, 0, u32::MAX, batch.now) == AgentStatus::Offline {
            return Err(refuse(ErrorCode::InvalidInput, format!("{} is offline", target.name)).about(None, Some(c.id)));
        }
        let note = note.map(|n| clip(n.trim(), MAX_NOTE_BYTES)).filter(|n| !n.is_empty());
        let to = AgentRef { id: target.id, name: target.name };
        queries::assign(db, c.id, &to, batch.now)?;
        queries::log_assignment(
            db,
            c.id,
            "transferred",
            Some(to.id),
            Some(me.agent.id),
            None,
            note.as_deref(),
            batch.now,
        )?;
        self.routing_dirty = true;
        self.post_event(db, &c, ConversationEvent::Transferred { from, to, note }, batch)?;
        self.announce(&reload(db, c.id)?, batch);
        Ok(())
    }
}

impl State {
    fn transfer_to_skill(
        &mut self,
        db: &Connection,
        me: &AgentCtx,
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
        queries::set_skill(db, c.id, Some(&skill))?;
        queries::requeue(db, c.id, None)?;
        queries::log_assignment(
            db,
            c.id,
            "to_skill",
            None,
            Some(me.agent.id),
            Some(&skill),
            note.as_deref(),
            batch.now,
        )?;
        self.post_event(db, &c, ConversationEvent::Requeued { skill: Some(skill), note }, batch)?;
        self.announce(&reload(db, c.id)?, batch);
        self.routing_dirty = true;
        Ok(())
    }
}

/// The agent socket a frame came from.
struct AgentCtx {
    conn: ConnId,
    agent: AgentRef,
    admin: bool,
}

impl AgentCtx {
    fn author(&self) -> Author {
        Author::Agent { id: self.agent.id, name: self.agent.name.clone() }
    }
}

fn find(db: &Connection, id: ConversationId) -> Result<ConversationSummary, Refusal> {
    queries::conversation(db, id)?
        .ok_or_else(|| refuse(ErrorCode::NotFound, format!("no conversation {id}")).about(None, Some(id)))
}

fn reload(db: &Connection, id: ConversationId) -> Result<ConversationSummary, StoreError> {
    queries::conversation(db, id)?.ok_or_else(|| StoreError::Corrupt(format!("conversation {id} vanished")))
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
