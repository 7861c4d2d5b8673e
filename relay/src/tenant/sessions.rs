//! Agent sessions inside the actor: validity rules, activity of connected agents
//! (kept in memory, written at most once a minute), and the periodic sweep that
//! ends idle or expired sessions and closes their sockets.

use std::collections::HashMap;

use natter_protocol::{AgentId, AgentInfo, ErrorCode, ErrorFrame, UnixMillis};
use rusqlite::Connection;

use super::batch::{Batch, Refusal};
use super::hub::Hub;
use super::queries::{self, SessionRow};
use crate::auth::session::TokenHash;
use crate::config::SessionPolicy;
use crate::store::StoreError;

/// Write `last_seen_at` to disk at most this often per session (activity is
/// tracked in memory in between), so typing does not cost a write per frame.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A session with at least one socket open.
#[derive(Debug, Clone, Copy)]
struct LiveSession {
    row: SessionRow,
    /// `last_seen_at` as last written to disk.
    persisted_seen: UnixMillis,
}

/// The sessions of connected agents, and the rules every session follows.
#[derive(Debug)]
pub struct Sessions {
    policy: SessionPolicy,
    live: HashMap<TokenHash, LiveSession>,
}

impl Sessions {
    pub fn new(policy: SessionPolicy) -> Self {
        Self { policy, live: HashMap::new() }
    }

    fn idle_ms(&self) -> i64 {
        i64::try_from(self.policy.idle_timeout.as_millis()).unwrap_or(i64::MAX)
    }

    fn alive(&self, row: &SessionRow, now: UnixMillis) -> bool {
        now < row.expires_at && now.0 - row.last_seen_at.0 < self.idle_ms()
    }

    /// Absolute expiry for a session created at `now`.
    pub fn expiry(&self, now: UnixMillis) -> UnixMillis {
        UnixMillis(now.0 + i64::try_from(self.policy.absolute_timeout.as_millis()).unwrap_or(i64::MAX / 2))
    }

    /// Looks a session up and, if live, records activity. `Err(code)` says why not.
    pub fn resolve(
        &self,
        db: &Connection,
        hash: &TokenHash,
        now: UnixMillis,
    ) -> Result<Result<(AgentInfo, SessionRow), ErrorCode>, StoreError> {
        let Some(row) = queries::session(db, hash)? else {
            return Ok(Err(ErrorCode::SessionExpired));
        };
        if !self.alive(&row, now) {
            queries::delete_session(db, hash)?;
            return Ok(Err(ErrorCode::SessionExpired));
        }
        let Some(agent) = queries::agent(db, row.agent)? else {
            return Ok(Err(ErrorCode::SessionExpired));
        };
        queries::touch_session(db, hash, now)?;
        Ok(Ok((agent, SessionRow { last_seen_at: now, ..row })))
    }

    /// Remembers the session of a socket that just attached.
    pub fn attach(&mut self, hash: TokenHash, row: SessionRow) {
        self.live.entry(hash).or_insert(LiveSession { row, persisted_seen: row.last_seen_at });
    }

    /// Forgets a session whose last socket closed.
    pub fn detach(&mut self, hash: &TokenHash, hub: &Hub) {
        if hub.conns_of_session(hash).is_empty() {
            self.live.remove(hash);
        }
    }

    /// Records activity of a connected agent's session; `Err` closes the socket
    /// when the session has ended.
    pub fn touch(&mut self, db: &Connection, hash: &TokenHash, now: UnixMillis) -> Result<(), Refusal> {
        let idle_ms = self.idle_ms();
        let Some(live) = self.live.get_mut(hash) else {
            return Err(Refusal::Fatal(ended()));
        };
        if now >= live.row.expires_at || now.0 - live.row.last_seen_at.0 >= idle_ms {
            return Err(Refusal::Fatal(ended()));
        }
        live.row.last_seen_at = now;
        if now.0 - live.persisted_seen.0 >= TOUCH_EVERY_MS {
            live.persisted_seen = now;
            queries::touch_session(db, hash, now)?;
        }
        Ok(())
    }

    /// The periodic sweep: writes in-memory activity, deletes stale sessions
    /// and closes their sockets.
    pub fn expire(&mut self, db: &Connection, hub: &Hub, batch: &mut Batch) -> Result<(), StoreError> {
        let (now, idle_ms) = (batch.now, self.idle_ms());
        let mut ended_sessions = Vec::new();
        for (hash, session) in &mut self.live {
            // Flush activity first so a busy agent's row is not swept.
            if now < session.row.expires_at && now.0 - session.row.last_seen_at.0 < idle_ms {
                if session.row.last_seen_at > session.persisted_seen {
                    queries::touch_session(db, hash, session.row.last_seen_at)?;
                    session.persisted_seen = session.row.last_seen_at;
                }
            } else {
                ended_sessions.push(*hash);
            }
        }
        for hash in ended_sessions {
            self.end(&hash, hub, batch);
        }
        queries::delete_stale_sessions(db, now, self.idle_ms())?;
        Ok(())
    }

    /// Closes every socket of a session with `session_expired`.
    pub fn end(&mut self, hash: &TokenHash, hub: &Hub, batch: &mut Batch) {
        for conn in hub.conns_of_session(hash) {
            batch.close(conn, &ended());
        }
        self.live.remove(hash);
    }

    /// Ends every connected session of an agent (password changed, removed).
    pub fn end_agent(&mut self, agent: AgentId, hub: &Hub, batch: &mut Batch) {
        let theirs: Vec<TokenHash> = self.live.iter().filter(|(_, s)| s.row.agent == agent).map(|(h, _)| *h).collect();
        for hash in theirs {
            self.end(&hash, hub, batch);
        }
    }
}

fn ended() -> ErrorFrame {
    ErrorFrame::fatal(ErrorCode::SessionExpired, "your session has ended; sign in again")
}
