//! Requests from HTTP handlers and the command line: sign-in lookups, sessions,
//! agent accounts, the identity secret.

use natter_protocol::{AgentAdminView, AgentId, AgentUpdate, ConversationPage, ConversationQuery, Role};
use rusqlite::Connection;

use super::actor::{Batch, OpResult, State, reply_after_commit};
use super::command::{AdminOp, Removal};
use super::queries::{self, SessionRow};
use super::{hours, settings_rules};
use crate::store::StoreError;

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
            AdminOp::FindConversations { query, reply } => {
                let result = self.find_conversations(db, &query);
                reply_after_commit(batch, reply, result)
            }
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
            AdminOp::GetSettings { reply } => {
                reply_after_commit(batch, reply, Ok((self.settings.clone(), self.settings_version)))
            }
            AdminOp::PutSettings { settings, reply } => {
                if let Err(problem) = settings_rules::validate(&settings) {
                    return reply_after_commit(batch, reply, Ok(Err(problem)));
                }
                let version = self.settings_version + 1;
                queries::store_settings(db, &settings, version)?;
                self.settings = *settings;
                self.settings_version = version;
                // Limits, auto-assign or hours may have changed: route again.
                self.routing_dirty = true;
                self.pushed.queue.clear();
                reply_after_commit(batch, reply, Ok(Ok(version)))
            }
            AdminOp::PublicSettings { reply } => {
                let open = hours::is_open(&self.settings.hours, now);
                reply_after_commit(batch, reply, Ok((self.settings.clone(), self.settings_version, open)))
            }
            AdminOp::AgentsAdmin { reply } => {
                let result = self.agents_admin(db);
                reply_after_commit(batch, reply, result)
            }
            AdminOp::UpdateAgent { id, update, reply } => {
                let result = self.update_agent(db, id, update);
                reply_after_commit(batch, reply, result)
            }
        }
    }

    fn agents_admin(&self, db: &Connection) -> Result<Vec<AgentAdminView>, StoreError> {
        let routing = queries::agent_routing(db)?;
        Ok(queries::agents(db)?
            .into_iter()
            .map(|agent| {
                let (skills, max_chats) = routing
                    .iter()
                    .find(|r| r.id == agent.id)
                    .map(|r| (r.skills.clone(), r.max_chats))
                    .unwrap_or_default();
                AgentAdminView { agent, skills, max_chats }
            })
            .collect())
    }

    fn update_agent(
        &mut self,
        db: &Connection,
        id: AgentId,
        update: AgentUpdate,
    ) -> Result<Result<Option<AgentAdminView>, (String, String)>, StoreError> {
        let Some(current) = self.agents_admin(db)?.into_iter().find(|a| a.agent.id == id) else {
            return Ok(Ok(None));
        };
        let skills = update.skills.unwrap_or(current.skills);
        if skills.len() > 20 {
            return Ok(Err(("skills".into(), "at most 20 skills".into())));
        }
        if let Some(bad) = skills.iter().position(|s| !settings_rules::is_skill(s)) {
            return Ok(Err((format!("skills[{bad}]"), "a skill is a-z, 0-9 and '-', at most 32".into())));
        }
        let max_chats = update.max_chats.unwrap_or(current.max_chats);
        if let Some(m) = max_chats
            && !(1..=50).contains(&m)
        {
            return Ok(Err(("max_chats".into(), "must be 1 to 50".into())));
        }
        queries::set_agent_routing(db, id, &skills, max_chats)?;
        self.routing_dirty = true;
        Ok(Ok(self.agents_admin(db)?.into_iter().find(|a| a.agent.id == id)))
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

impl State {
    fn find_conversations(&self, db: &Connection, query: &ConversationQuery) -> Result<ConversationPage, StoreError> {
        let limit = query.limit.unwrap_or(ConversationQuery::DEFAULT_LIMIT);
        let mut found =
            queries::find_conversations(db, query.visitor.as_ref(), query.q.as_deref(), query.before, limit + 1)?;
        let more = found.len() > limit as usize;
        found.truncate(limit as usize);
        Ok(ConversationPage { conversations: found.into_iter().map(|c| self.for_agents(c)).collect(), more })
    }
}
