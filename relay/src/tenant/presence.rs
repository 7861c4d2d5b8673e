//! Agent availability, the queue and its housekeeping, inside the tenant actor.
//!
//! After every batch that changed something routing depends on, `after_batch`
//! assigns what the routing rules allow (auto-assign tenants), pushes queue
//! positions to waiting visitors and presence to agents — in the same
//! transaction, so these effects are delivered with the batch. The periodic
//! tick runs the timeouts: auto-away, offline after the grace period (their
//! conversations go back to the queue), abandoned visitors, inactive chats.

use std::collections::HashMap;

use natter_protocol::{
    AgentId, AgentPresence, AgentRef, AgentStatus, AutoCloseReason, ConversationEvent, ConversationId,
    ConversationStatus, ConversationSummary, ServerFrame, UnixMillis, VisitorId,
};
use rusqlite::Connection;

use super::actor::{Batch, OpResult, State};
use super::hub::Target;
use super::queries::{self, CloseReason};
use super::routing::{self, Candidate, Waiting};
use crate::store::StoreError;

/// Handling time assumed before a tenant has closed conversations to learn from.
const DEFAULT_HANDLING_SECS: u32 = 300;
/// Recent closed conversations the wait estimate learns from.
const HANDLING_SAMPLE: u32 = 50;

/// What the actor knows about one agent's availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Presence {
    /// What the agent chose: online, away or offline (busy is derived).
    pub chosen: AgentStatus,
    /// Open console sockets.
    pub sockets: u32,
    pub last_activity: UnixMillis,
    /// When the last socket closed.
    pub disconnected_at: Option<UnixMillis>,
    /// When the agent last got a conversation (routing's tie-break).
    pub idle_since: UnixMillis,
    /// Their conversations were already returned to the queue after the grace period.
    pub released: bool,
}

/// What a waiting visitor was last told: position, waiting count, wait
/// estimate, and whether any agent is online.
pub(super) type QueueState = (u32, u32, Option<u32>, bool);

/// The queue and presence as last pushed, to send only changes.
#[derive(Debug, Default)]
pub(super) struct Pushed {
    /// Position, waiting count, estimate and whether any agent is online, by conversation.
    pub queue: HashMap<ConversationId, QueueState>,
    pub presence: Vec<AgentPresence>,
}

impl State {
    fn ms(secs: u32) -> i64 {
        i64::from(secs) * 1000
    }

    /// The status everyone sees.
    pub(super) fn effective_status(&self, agent: AgentId, active: u32, max: u32, now: UnixMillis) -> AgentStatus {
        let Some(p) = self.presence.get(&agent) else { return AgentStatus::Offline };
        let r = &self.settings.routing;
        let gone = p.sockets == 0 && p.disconnected_at.is_none_or(|t| now.0 - t.0 >= Self::ms(r.offline_grace_secs));
        if gone || p.chosen == AgentStatus::Offline {
            AgentStatus::Offline
        } else if p.chosen == AgentStatus::Away || now.0 - p.last_activity.0 >= Self::ms(r.away_after_secs) {
            AgentStatus::Away
        } else if active >= max {
            AgentStatus::Busy
        } else {
            AgentStatus::Online
        }
    }

    pub(super) fn agent_connected(&mut self, agent: AgentId, now: UnixMillis) {
        let p = self.presence.entry(agent).or_insert(Presence {
            chosen: AgentStatus::Online,
            sockets: 0,
            last_activity: now,
            disconnected_at: None,
            idle_since: now,
            released: false,
        });
        if p.sockets == 0 && p.chosen == AgentStatus::Offline {
            p.chosen = AgentStatus::Online;
        }
        p.sockets += 1;
        p.last_activity = now;
        p.disconnected_at = None;
        p.released = false;
        self.routing_dirty = true;
    }

    pub(super) fn agent_disconnected(&mut self, agent: AgentId, now: UnixMillis) {
        if let Some(p) = self.presence.get_mut(&agent) {
            p.sockets = p.sockets.saturating_sub(1);
            if p.sockets == 0 {
                p.disconnected_at = Some(now);
            }
        }
        self.routing_dirty = true;
    }

    /// Console activity: keeps the agent from going away.
    pub(super) fn agent_active(&mut self, agent: AgentId, now: UnixMillis) {
        if let Some(p) = self.presence.get_mut(&agent) {
            let was_idle = now.0 - p.last_activity.0 >= Self::ms(self.settings.routing.away_after_secs);
            p.last_activity = now;
            if was_idle {
                self.routing_dirty = true;
            }
        }
    }

    pub(super) fn set_chosen_status(&mut self, agent: AgentId, status: AgentStatus, now: UnixMillis) {
        if let Some(p) = self.presence.get_mut(&agent) {
            // Busy is derived from load; choosing it means "online".
            p.chosen = if status == AgentStatus::Busy { AgentStatus::Online } else { status };
            p.last_activity = now;
        }
        self.routing_dirty = true;
    }

    pub(super) fn visitor_left(&mut self, visitor: VisitorId, now: UnixMillis) {
        self.visitor_gone_at.insert(visitor, now);
    }

    /// Every agent's presence and load.
    fn presence_snapshot(&self, db: &Connection, now: UnixMillis) -> Result<Vec<AgentPresence>, StoreError> {
        let counts: HashMap<AgentId, u32> = queries::active_counts(db)?.into_iter().collect();
        let default_max = self.settings.routing.default_max_chats;
        Ok(queries::agent_routing(db)?
            .into_iter()
            .map(|queries::AgentRouting { id, skills, max_chats }| {
                let active = counts.get(&id).copied().unwrap_or(0);
                let max_chats = max_chats.unwrap_or(default_max);
                AgentPresence {
                    id,
                    status: self.effective_status(id, active, max_chats, now),
                    active_chats: active,
                    max_chats,
                    skills,
                }
            })
            .collect())
    }

    /// Runs at the end of a batch that changed routing state.
    pub(super) fn after_batch(&mut self, db: &Connection, batch: &mut Batch) -> OpResult {
        if !std::mem::take(&mut self.routing_dirty) {
            return Ok(());
        }
        let now = batch.now;
        let presence = self.presence_snapshot(db, now)?;
        let mut candidates: Vec<Candidate> = presence
            .iter()
            .filter(|p| p.status == AgentStatus::Online && self.presence.get(&p.id).is_some_and(|s| s.sockets > 0))
            .map(|p| Candidate {
                id: p.id,
                skills: p.skills.clone(),
                active: p.active_chats,
                max: p.max_chats,
                idle_since: self.presence.get(&p.id).map_or(now, |s| s.idle_since),
            })
            .collect();
        let capacity: u32 = candidates.iter().map(|c| c.max).sum();
        // Busy agents are there and will free up; away or signed-out ones are not.
        let agents_online = presence.iter().any(|p| matches!(p.status, AgentStatus::Online | AgentStatus::Busy));
        let rows = queries::waiting(db)?;
        let mut queue: Vec<Waiting> = rows
            .iter()
            .map(|r| Waiting { id: r.id, priority: r.priority, skill: r.skill.clone(), queued_at: r.queued_at })
            .collect();
        if self.settings.routing.auto_assign {
            for (conversation, agent) in routing::drain(&queue, &mut candidates, now) {
                self.auto_assign(db, conversation, agent, batch)?;
                queue.retain(|w| w.id != conversation);
            }
        }
        self.push_queue(db, &rows, queue, (capacity, agents_online), batch)?;
        let presence = self.presence_snapshot(db, now)?;
        if presence != self.pushed.presence {
            batch.send(Target::Agents, &ServerFrame::Presence { agents: presence.clone() });
            self.pushed.presence = presence;
        }
        Ok(())
    }

    fn auto_assign(&mut self, db: &Connection, id: ConversationId, agent: AgentId, batch: &mut Batch) -> OpResult {
        let Some(info) = queries::agent(db, agent)? else { return Ok(()) };
        let Some(c) = queries::conversation(db, id)? else { return Ok(()) };
        let agent_ref = AgentRef { id: info.id, name: info.name };
        queries::assign(db, id, &agent_ref, batch.now)?;
        queries::log_assignment(db, id, "auto_assigned", Some(agent), None, c.skill.as_deref(), None, batch.now)?;
        if let Some(p) = self.presence.get_mut(&agent) {
            p.idle_since = batch.now;
        }
        self.post_event(db, &c, ConversationEvent::Claimed { agent: agent_ref }, batch)?;
        let c = queries::conversation(db, id)?.ok_or(StoreError::Stopped)?;
        self.announce(&c, batch);
        self.pushed.queue.remove(&id);
        Ok(())
    }

    /// Sends each waiting visitor their place, when it changed.
    fn push_queue(
        &mut self,
        db: &Connection,
        rows: &[queries::QueueRow],
        mut queue: Vec<Waiting>,
        (capacity, agents_online): (u32, bool),
        batch: &mut Batch,
    ) -> OpResult {
        routing::order_queue(&mut queue);
        let median = routing::median(queries::recent_handling_secs(db, HANDLING_SAMPLE)?, DEFAULT_HANDLING_SECS);
        let waiting = u32::try_from(queue.len()).unwrap_or(u32::MAX);
        let mut still = HashMap::new();
        let mut moved = Vec::new();
        for (i, w) in queue.iter().enumerate() {
            let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let eta = routing::estimate_wait_secs(position, median, capacity);
            let now_state = (position, waiting, eta, agents_online);
            let before = self.pushed.queue.get(&w.id);
            if before.map(|s| s.0) != Some(position) {
                moved.push(w.id);
            }
            // Offline-form visitors left a message, not a live chat: no wait to show.
            if before != Some(&now_state)
                && let Some(row) = rows.iter().find(|r| r.id == w.id && !r.offline)
            {
                batch.send(
                    Target::Visitor(row.visitor.clone()),
                    &ServerFrame::Queue {
                        conversation_id: w.id,
                        position,
                        waiting,
                        estimated_wait_secs: eta,
                        agents_online,
                    },
                );
            }
            still.insert(w.id, now_state);
        }
        self.pushed.queue = still;
        // Agents see the queue order in their summaries: refresh those that moved.
        for id in moved {
            if let Some(c) = queries::conversation(db, id)? {
                batch.send(Target::Agents, &ServerFrame::Conversation { conversation: self.for_agents(c) });
            }
        }
        Ok(())
    }

    /// A conversation as agents see it: the stored summary plus its current
    /// place in the queue while it waits.
    pub(super) fn for_agents(&self, mut c: ConversationSummary) -> ConversationSummary {
        if c.status == ConversationStatus::Waiting {
            c.queue_position = self.pushed.queue.get(&c.id).map(|s| s.0);
        }
        c
    }

    /// Periodic timeouts. Runs on `Tick`.
    pub(super) fn housekeeping(&mut self, db: &Connection, batch: &mut Batch) -> OpResult {
        let now = batch.now;
        let r = self.settings.routing.clone();
        // Agents gone past the grace period: their conversations go back to the queue.
        let gone: Vec<AgentId> = self
            .presence
            .iter()
            .filter(|(_, p)| {
                !p.released
                    && p.sockets == 0
                    && p.disconnected_at.is_some_and(|t| now.0 - t.0 >= Self::ms(r.offline_grace_secs))
            })
            .map(|(id, _)| *id)
            .collect();
        for agent in gone {
            if let Some(p) = self.presence.get_mut(&agent) {
                p.released = true;
            }
            for c in queries::active_conversations_of(db, agent)? {
                queries::requeue(db, c.id, None)?;
                queries::log_assignment(db, c.id, "requeued", None, None, c.skill.as_deref(), None, now)?;
                self.post_event(db, &c, ConversationEvent::Requeued { skill: None, note: None }, batch)?;
                let c = queries::conversation(db, c.id)?.ok_or(StoreError::Stopped)?;
                self.announce(&c, batch);
            }
            self.routing_dirty = true;
        }
        // Visitors who left the queue.
        for row in queries::waiting(db)? {
            if row.offline || self.hub.visitor_online(&row.visitor) {
                continue;
            }
            let gone_at = *self.visitor_gone_at.entry(row.visitor.clone()).or_insert(self.started_at);
            if now.0 - gone_at.0 >= Self::ms(r.abandon_after_secs) {
                self.auto_close(db, row.id, AutoCloseReason::Abandoned, batch)?;
            }
        }
        // Conversations nobody wrote in for too long.
        for id in queries::inactive_since(db, UnixMillis(now.0 - Self::ms(r.inactive_close_after_secs)))? {
            self.auto_close(db, id, AutoCloseReason::Inactive, batch)?;
        }
        // Auto-away shows up in presence.
        let presence = self.presence_snapshot(db, now)?;
        if presence != self.pushed.presence {
            self.routing_dirty = true;
        }
        Ok(())
    }

    fn auto_close(
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
            AutoCloseReason::Abandoned => CloseReason::Abandoned,
            AutoCloseReason::Inactive => CloseReason::Inactive,
        };
        queries::close_conversation(db, id, why, batch.now)?;
        let closed = queries::conversation(db, id)?.ok_or(StoreError::Stopped)?;
        self.post_event(db, &closed, ConversationEvent::AutoClosed { reason }, batch)?;
        let closed = queries::conversation(db, id)?.ok_or(StoreError::Stopped)?;
        self.announce(&closed, batch);
        self.routing_dirty = true;
        Ok(())
    }
}
