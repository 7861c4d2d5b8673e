//! Requests from HTTP handlers and the command line: sign-in lookups, sessions,
//! agent accounts, the identity secret.

use natter_protocol::{AgentId, Role};
use rusqlite::Connection;

use super::actor::{Batch, OpResult, State, reply_after_commit};
use super::command::{AdminOp, Removal};
use super::queries::{self, SessionRow};

impl State {
    pub(super) fn admin(&mut self, db: &Connection, op: AdminOp, batch: &mut Batch) -> OpResult {
        let now = batch.now;
        match op {
            AdminOp::LoginLookup { email, reply } => {
                reply_after_commit(batch, reply, queries::agent_for_login(db, email.trim()))
            }
            AdminOp::CreateSession { agent, hash, reply } => {
                let expires_at = self.session_expiry(now);
                let row = SessionRow { agent, last_seen_at: now, expires_at };
                let result = queries::insert_session(db, &hash, row, now).map(|()| expires_at);
                reply_after_commit(batch, reply, result)
            }
            AdminOp::ResolveSession { hash, reply } => {
                let result = self.resolve_session(db, &hash, now);
                reply_after_commit(batch, reply, result)
            }
            AdminOp::RevokeSession { hash, reply } => {
                let result = queries::delete_session(db, &hash);
                self.end_session_sockets(&hash, batch);
                reply_after_commit(batch, reply, result)
            }
            AdminOp::AddAgent { email, name, role, password_hash, reply } => {
                let result = queries::insert_agent(db, email.trim(), name.trim(), role, &password_hash, now);
                reply_after_commit(batch, reply, result)
            }
            AdminOp::ListAgents { reply } => reply_after_commit(batch, reply, queries::agents(db)),
            AdminOp::SetPassword { email, password_hash, reply } => {
                let Some((agent, _)) = queries::agent_for_login(db, &email)? else {
                    return reply_after_commit(batch, reply, Ok(false));
                };
                queries::set_password(db, agent.id, &password_hash)?;
                self.end_agent_sessions(db, agent.id, batch)?;
                reply_after_commit(batch, reply, Ok(true))
            }
            AdminOp::RemoveAgent { email, reply } => {
                let Some((agent, _)) = queries::agent_for_login(db, &email)? else {
                    return reply_after_commit(batch, reply, Ok(Removal::NoSuchAgent));
                };
                if agent.role == Role::Owner
                    && queries::agents(db)?.iter().filter(|a| a.role == Role::Owner).count() == 1
                {
                    return reply_after_commit(batch, reply, Ok(Removal::LastOwner));
                }
                for c in queries::active_conversations_of(db, agent.id)? {
                    queries::requeue(db, c.id, None)?;
                    self.routing_dirty = true;
                    if let Some(c) = queries::conversation(db, c.id)? {
                        self.announce(&c, batch);
                    }
                }
                self.end_agent_sessions(db, agent.id, batch)?;
                queries::delete_agent(db, agent.id)?;
                reply_after_commit(batch, reply, Ok(Removal::Removed))
            }
            AdminOp::IdentitySecret { reply } => {
                let result = self.identity_secret(db);
                reply_after_commit(batch, reply, result)
            }
        }
    }

    fn end_agent_sessions(&mut self, db: &Connection, agent: AgentId, batch: &mut Batch) -> OpResult {
        let live: Vec<_> = self.sessions.iter().filter(|(_, s)| s.row.agent == agent).map(|(h, _)| *h).collect();
        for hash in live {
            self.end_session_sockets(&hash, batch);
        }
        queries::delete_sessions_of(db, agent)?;
        Ok(())
    }
}
