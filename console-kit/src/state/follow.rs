//! Which conversations this console follows live, and the `sync` and `unwatch`
//! frames that keep the relay's idea of it the same. The relay sends an agent
//! socket the live `message`, `typing` and `read` frames only of conversations
//! assigned to the agent and of those the socket synced (and has not unwatched
//! since); every other conversation reaches the inbox as `conversation`
//! summaries. So the console syncs only what the agent looks at or holds, and
//! unwatches what it stops looking at: syncing every conversation with a gap
//! would make the relay fan every message of the tenant out to every console.

use natter_protocol::{AgentFrame, ConversationId, Seq};

use super::conv::{ConvState, GAP_GRACE_MS};
use super::{Conn, Effect, Store};

impl Store {
    /// Whether the agent looks at or holds `id`: focused, open in the strip, or
    /// assigned to them. Only these conversations are synced.
    pub fn wants_live(&self, id: ConversationId) -> bool {
        self.focused == Some(id)
            || self.open.contains(&id)
            || self.convs.get(&id).is_some_and(|c| c.assigned_to(self.my_id()))
    }

    /// Whether the relay sends this socket the live frames of `c`, as far as the
    /// console knows: it is the agent's, or this socket synced it.
    pub fn followed(&self, c: &ConvState) -> bool {
        self.watched.contains(&c.id()) || c.assigned_to(self.my_id())
    }

    /// On screen but not followed: a `sync`, even with nothing to fetch, makes the
    /// relay send its live frames. A closed conversation gets no new messages, so
    /// it is only synced for a gap.
    fn needs_watch(&self, c: &ConvState) -> bool {
        c.is_open() && !self.followed(c) && self.wants_live(c.id())
    }

    /// Conversations whose history must be fetched: `(id, after_seq)`. This is the
    /// resume bookkeeping: after a reconnect, everything the relay has beyond what
    /// the console holds without a gap, of the conversations the agent looks at or
    /// holds (the others' rows live on their summaries).
    pub fn needs_sync(&self) -> Vec<(ConversationId, Seq)> {
        self.convs
            .values()
            .filter(|c| !c.syncing && c.has_gap() && self.wants_live(c.id()))
            .map(|c| (c.id(), c.held_seq()))
            .collect()
    }

    /// Asks for the history of `id` after what is held (which also watches it),
    /// now if the pacing budget allows, else as soon as it does. Conversations the
    /// agent neither looks at nor holds are never synced.
    pub(super) fn request_sync(&mut self, id: ConversationId, fx: &mut Vec<Effect>) {
        if self.conn != Conn::Online || !self.wants_live(id) {
            return;
        }
        let (now, has_token) = (self.now, self.sync_tokens > 0);
        let Some(c) = self.conv_mut(id) else { return };
        if c.syncing {
            return;
        }
        if !has_token {
            c.sync_wanted = true;
            return;
        }
        c.syncing = true;
        c.sync_wanted = false;
        c.gap_seen_at = None;
        c.sync_started_at = Some(now);
        fx.push(Effect::Send(AgentFrame::Sync { conversation_id: id, after_seq: c.held_seq() }));
        self.watched.insert(id);
        self.sync_tokens -= 1;
    }

    /// Sends the syncs that are due, most useful first (the conversation on screen,
    /// the other open ones, the agent's own), within the pacing budget.
    pub(super) fn pump_syncs(&mut self, fx: &mut Vec<Effect>) {
        if self.conn != Conn::Online || self.sync_tokens == 0 {
            return;
        }
        let now = self.now;
        let rank = |c: &ConvState| {
            if self.focused == Some(c.id()) {
                0
            } else if self.open.contains(&c.id()) {
                1
            } else {
                2
            }
        };
        let gap_due = |c: &ConvState| {
            c.has_gap() && (c.sync_wanted || c.gap_seen_at.is_some_and(|t| now.0 - t.0 >= GAP_GRACE_MS))
        };
        let mut due: Vec<(u8, _, ConversationId)> = self
            .convs
            .values()
            .filter(|c| !c.syncing && self.wants_live(c.id()))
            .filter(|c| gap_due(c) || self.needs_watch(c))
            .map(|c| (rank(c), c.summary.created_at, c.id()))
            .collect();
        due.sort();
        for (_, _, id) in due.into_iter().take(self.sync_tokens as usize) {
            self.request_sync(id, fx);
        }
    }

    /// Brings what the relay sends in line with what the agent looks at, after
    /// every action: `unwatch` for what this socket synced and the agent no longer
    /// looks at nor holds (a view closed, a conversation transferred away), and a
    /// `sync` for what is open but not followed (opened, or no longer the agent's).
    pub(super) fn follow(&mut self, fx: &mut Vec<Effect>) {
        if self.conn != Conn::Online {
            return;
        }
        let left: Vec<ConversationId> = self.watched.iter().copied().filter(|&id| !self.wants_live(id)).collect();
        for id in left {
            self.watched.remove(&id);
            fx.push(Effect::Send(AgentFrame::Unwatch { conversation_id: id }));
        }
        let unfollowed: Vec<ConversationId> = self
            .open
            .iter()
            .copied()
            .filter(|id| self.convs.get(id).is_some_and(|c| !c.syncing && self.needs_watch(c)))
            .collect();
        for id in unfollowed {
            self.request_sync(id, fx);
        }
    }
}
