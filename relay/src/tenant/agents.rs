//! Agent availability inside the tenant actor: what each agent chose, their open
//! console sockets, activity, and the status everyone sees (online, busy, away,
//! offline). Knows nothing of conversations; the queue asks it who can take one.

use std::collections::HashMap;

use natter_protocol::{AgentId, AgentPresence, AgentStatus, RoutingSettings, UnixMillis};
use rusqlite::Connection;

use super::queries;
use crate::store::StoreError;

/// What the actor knows about one agent's availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Presence {
    /// What the agent chose: online, away or offline (busy is derived).
    chosen: AgentStatus,
    /// Open console sockets.
    sockets: u32,
    last_activity: UnixMillis,
    /// When the last socket closed.
    disconnected_at: Option<UnixMillis>,
    /// When the agent last got a conversation (routing's tie-break).
    idle_since: UnixMillis,
    /// Their conversations were already returned to the queue after the grace period.
    released: bool,
}

impl Presence {
    fn new(now: UnixMillis) -> Self {
        Self {
            chosen: AgentStatus::Online,
            sockets: 0,
            last_activity: now,
            disconnected_at: None,
            idle_since: now,
            released: false,
        }
    }
}

/// Every agent's availability, and whether it changed since routing last ran.
#[derive(Debug, Default)]
pub struct Agents {
    presence: HashMap<AgentId, Presence>,
    changed: bool,
    /// The presence list as last pushed to consoles, to push only changes.
    pushed: Vec<AgentPresence>,
}

fn ms(secs: u32) -> i64 {
    i64::from(secs) * 1000
}

impl Agents {
    /// After a relay start: every agent holding conversations counts as just
    /// disconnected, so they get the grace period to come back.
    pub fn after_restart(holders: impl IntoIterator<Item = AgentId>, now: UnixMillis) -> Self {
        let presence =
            holders.into_iter().map(|id| (id, Presence { disconnected_at: Some(now), ..Presence::new(now) })).collect();
        Self { presence, changed: true, pushed: Vec::new() }
    }

    /// Whether anything routing depends on changed since the last call.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Makes the next routing pass run and push presence to everyone again
    /// (a console just connected, or the rules changed).
    pub fn invalidate(&mut self) {
        self.changed = true;
        self.pushed.clear();
    }

    /// The status everyone sees.
    pub fn status(&self, agent: AgentId, active: u32, max: u32, r: &RoutingSettings, now: UnixMillis) -> AgentStatus {
        let Some(p) = self.presence.get(&agent) else { return AgentStatus::Offline };
        let gone = p.sockets == 0 && p.disconnected_at.is_none_or(|t| now.0 - t.0 >= ms(r.offline_grace_secs));
        if gone || p.chosen == AgentStatus::Offline {
            AgentStatus::Offline
        } else if p.chosen == AgentStatus::Away || now.0 - p.last_activity.0 >= ms(r.away_after_secs) {
            AgentStatus::Away
        } else if active >= max {
            AgentStatus::Busy
        } else {
            AgentStatus::Online
        }
    }

    /// Whether the agent has a console open right now.
    pub fn connected(&self, agent: AgentId) -> bool {
        self.presence.get(&agent).is_some_and(|p| p.sockets > 0)
    }

    /// When the agent last got a conversation.
    pub fn idle_since(&self, agent: AgentId, now: UnixMillis) -> UnixMillis {
        self.presence.get(&agent).map_or(now, |p| p.idle_since)
    }

    pub fn socket_opened(&mut self, agent: AgentId, now: UnixMillis) {
        let p = self.presence.entry(agent).or_insert_with(|| Presence::new(now));
        if p.sockets == 0 && p.chosen == AgentStatus::Offline {
            p.chosen = AgentStatus::Online;
        }
        p.sockets += 1;
        p.last_activity = now;
        p.disconnected_at = None;
        p.released = false;
        self.invalidate();
    }

    pub fn socket_closed(&mut self, agent: AgentId, now: UnixMillis) {
        if let Some(p) = self.presence.get_mut(&agent) {
            p.sockets = p.sockets.saturating_sub(1);
            if p.sockets == 0 {
                p.disconnected_at = Some(now);
            }
        }
        self.changed = true;
    }

    /// Console activity: keeps the agent from going away.
    pub fn active(&mut self, agent: AgentId, away_after_secs: u32, now: UnixMillis) {
        if let Some(p) = self.presence.get_mut(&agent) {
            let was_idle = now.0 - p.last_activity.0 >= ms(away_after_secs);
            p.last_activity = now;
            self.changed |= was_idle;
        }
    }

    pub fn choose(&mut self, agent: AgentId, status: AgentStatus, now: UnixMillis) {
        if let Some(p) = self.presence.get_mut(&agent) {
            // Busy is derived from load; choosing it means "online".
            p.chosen = if status == AgentStatus::Busy { AgentStatus::Online } else { status };
            p.last_activity = now;
        }
        self.changed = true;
    }

    /// The agent just got a conversation: last in line for the next one.
    pub fn got_conversation(&mut self, agent: AgentId, now: UnixMillis) {
        if let Some(p) = self.presence.get_mut(&agent) {
            p.idle_since = now;
        }
    }

    /// Agents gone past the grace period whose conversations have not been
    /// returned to the queue yet; marks them released.
    pub fn release_gone(&mut self, grace_secs: u32, now: UnixMillis) -> Vec<AgentId> {
        let mut gone = Vec::new();
        for (id, p) in &mut self.presence {
            let past_grace = p.disconnected_at.is_some_and(|t| now.0 - t.0 >= ms(grace_secs));
            if !p.released && p.sockets == 0 && past_grace {
                p.released = true;
                gone.push(*id);
            }
        }
        self.changed |= !gone.is_empty();
        gone
    }

    /// Every agent's presence and load, as consoles see it.
    pub fn snapshot(
        &self,
        db: &Connection,
        r: &RoutingSettings,
        now: UnixMillis,
    ) -> Result<Vec<AgentPresence>, StoreError> {
        let counts: HashMap<AgentId, u32> = queries::active_counts(db)?.into_iter().collect();
        Ok(queries::agent_routing(db)?
            .into_iter()
            .map(|queries::AgentRouting { id, skills, max_chats }| {
                let active = counts.get(&id).copied().unwrap_or(0);
                let max_chats = max_chats.unwrap_or(r.default_max_chats);
                AgentPresence {
                    id,
                    status: self.status(id, active, max_chats, r, now),
                    active_chats: active,
                    max_chats,
                    skills,
                }
            })
            .collect())
    }

    /// `presence` if it differs from what consoles were last sent (and records it).
    pub fn unpushed(&mut self, presence: Vec<AgentPresence>) -> Option<Vec<AgentPresence>> {
        if presence == self.pushed {
            return None;
        }
        self.pushed = presence.clone();
        Some(presence)
    }

    /// Routes again if `presence` drifted from what consoles were last sent
    /// (auto-away happens with time, not with a command).
    pub fn notice_drift(&mut self, presence: &[AgentPresence]) {
        self.changed |= presence != self.pushed.as_slice();
    }
}
