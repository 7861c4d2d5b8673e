//! Agent sessions inside the actor: validity rules, activity tracking for
//! connected agents, and the periodic sweep that ends idle or expired sessions.

use natter_protocol::{AgentInfo, ErrorCode, ServerFrame, UnixMillis};
use rusqlite::Connection;

use super::actor::{Batch, OpResult, State};
use super::hub::{ConnId, Effect, encode};
use super::queries::{self, SessionRow};
use crate::auth::session::TokenHash;
use crate::store::StoreError;

/// Write `last_seen_at` to disk at most this often per session (activity is
/// tracked in memory in between), so typing does not cost a write per frame.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A session with at least one socket open.
#[derive(Debug, Clone, Copy)]
pub(super) struct LiveSession {
    pub row: SessionRow,
    /// `last_seen_at` as last written to disk.
    pub persisted_seen: UnixMillis,
}

impl State {
    fn idle_ms(&self) -> i64 {
        i64::try_from(self.policy.idle_timeout.as_millis()).unwrap_or(i64::MAX)
    }

    /// Whether a session is still usable at `now`.
    pub(super) fn session_alive(&self, row: &SessionRow, now: UnixMillis) -> bool {
        now < row.expires_at && now.0 - row.last_seen_at.0 < self.idle_ms()
    }

    /// Absolute expiry for a session created at `now`.
    pub(super) fn session_expiry(&self, now: UnixMillis) -> UnixMillis {
        UnixMillis(now.0 + i64::try_from(self.policy.absolute_timeout.as_millis()).unwrap_or(i64::MAX / 2))
    }

    /// Looks a session up and, if live, records activity. `Err(code)` says why not.
    pub(super) fn resolve_session(
        &mut self,
        db: &Connection,
        hash: &TokenHash,
        now: UnixMillis,
    ) -> Result<Result<AgentInfo, ErrorCode>, StoreError> {
        let Some(row) = queries::session(db, hash)? else {
            return Ok(Err(ErrorCode::SessionExpired));
        };
        if !self.session_alive(&row, now) {
            queries::delete_session(db, hash)?;
            return Ok(Err(ErrorCode::SessionExpired));
        }
        let Some(agent) = queries::agent(db, row.agent)? else {
            return Ok(Err(ErrorCode::SessionExpired));
        };
        queries::touch_session(db, hash, now)?;
        Ok(Ok(agent))
    }

    /// Records activity of a connected agent's session; `Err` closes the socket
    /// when the session has ended.
    pub(super) fn touch_live_session(&mut self, db: &Connection, hash: &TokenHash, now: UnixMillis) -> OpResult {
        let idle_ms = self.idle_ms();
        let Some(live) = self.sessions.get_mut(hash) else {
            return Err(session_ended());
        };
        if now >= live.row.expires_at || now.0 - live.row.last_seen_at.0 >= idle_ms {
            return Err(session_ended());
        }
        live.row.last_seen_at = now;
        if now.0 - live.persisted_seen.0 >= TOUCH_EVERY_MS {
            live.persisted_seen = now;
            queries::touch_session(db, hash, now)?;
        }
        Ok(())
    }

    /// The periodic sweep: deletes stale sessions and closes their sockets.
    pub(super) fn expire_sessions(&mut self, db: &Connection, batch: &mut Batch) -> OpResult {
        let now = batch.now;
        // Flush in-memory activity first so a busy agent's row is not swept.
        let live: Vec<(TokenHash, LiveSession)> = self.sessions.iter().map(|(h, l)| (*h, *l)).collect();
        for (hash, session) in live {
            if self.session_alive(&session.row, now) {
                if session.row.last_seen_at > session.persisted_seen {
                    queries::touch_session(db, &hash, session.row.last_seen_at)?;
                    if let Some(l) = self.sessions.get_mut(&hash) {
                        l.persisted_seen = session.row.last_seen_at;
                    }
                }
            } else {
                self.end_session_sockets(&hash, batch);
            }
        }
        queries::delete_stale_sessions(db, now, self.idle_ms())?;
        Ok(())
    }

    /// Closes every socket of a session with `session_expired`.
    pub(super) fn end_session_sockets(&mut self, hash: &TokenHash, batch: &mut Batch) {
        let frame = encode(&session_ended_frame());
        for conn in self.hub.conns_of_session(hash) {
            batch.effects.push(Effect::Close(conn, frame.clone()));
        }
        self.sessions.remove(hash);
    }

    /// Remembers a connected agent's session.
    pub(super) fn track_session(&mut self, hash: TokenHash, row: SessionRow, _conn: ConnId) {
        self.sessions.entry(hash).or_insert(LiveSession { row, persisted_seen: row.last_seen_at });
    }
}

fn session_ended_frame() -> ServerFrame {
    ServerFrame::fatal(ErrorCode::SessionExpired, "your session has ended; sign in again")
}

fn session_ended() -> super::actor::Refusal {
    super::actor::Refusal::Fatal(Box::new(session_ended_frame()))
}
