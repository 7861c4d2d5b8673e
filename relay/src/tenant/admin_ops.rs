//! Writes asked by HTTP handlers and the command line: sessions, agent accounts,
//! the identity secret, settings. Reads that need no write go to the tenant's
//! read connection instead ([`super::reads`]).

use natter_protocol::{AgentAdminView, AgentId, AgentUpdate, Role};
use rusqlite::Connection;

use super::agents::Agents;
use super::batch::{Batch, OpResult};
use super::command::{AdminOp, Removal};
use super::conversations::Conversations;
use super::hub::Hub;
use super::queries::{self, SessionRow};
use super::sessions::Sessions;
use super::settings::Settings;
use super::{reads, settings_rules};
use crate::store::StoreError;

/// What admin requests may touch.
pub struct Admin<'a> {
    pub hub: &'a Hub,
    pub convs: &'a mut Conversations,
    pub agents: &'a mut Agents,
    pub sessions: &'a mut Sessions,
    pub settings: &'a mut Settings,
}

impl Admin<'_> {
    pub fn apply(&mut self, db: &Connection, op: AdminOp, batch: &mut Batch) -> OpResult {
        let now = batch.now;
        match op {
            AdminOp::CreateSession { agent, hash, reply } => {
                let expires_at = self.sessions.expiry(now);
                let row = SessionRow { agent, last_seen_at: now, expires_at };
                let result = queries::insert_session(db, &hash, row, now).map(|()| expires_at);
                batch.reply_after_commit(reply, result);
            }
            AdminOp::ResolveSession { hash, reply } => {
                let result = self.sessions.resolve(db, &hash, now).map(|r| r.map(|(agent, _)| agent));
                batch.reply_after_commit(reply, result);
            }
            AdminOp::RevokeSession { hash, reply } => {
                let result = queries::delete_session(db, &hash);
                self.sessions.end(&hash, self.hub, batch);
                batch.reply_after_commit(reply, result);
            }
            AdminOp::AddAgent { email, name, role, password_hash, reply } => {
                let result = queries::insert_agent(db, email.trim(), name.trim(), role, &password_hash, now);
                batch.reply_after_commit(reply, result);
            }
            AdminOp::SetPassword { email, password_hash, reply } => {
                let Some((agent, _)) = queries::agent_for_login(db, &email)? else {
                    batch.reply_after_commit(reply, Ok(false));
                    return Ok(());
                };
                queries::set_password(db, agent.id, &password_hash)?;
                self.end_agent_sessions(db, agent.id, batch)?;
                batch.reply_after_commit(reply, Ok(true));
            }
            AdminOp::RemoveAgent { email, reply } => {
                let removal = self.remove_agent(db, &email, batch)?;
                batch.reply_after_commit(reply, Ok(removal));
            }
            AdminOp::IdentitySecret { reply } => {
                batch.reply_after_commit(reply, super::visitor_frames::identity_secret(db));
            }
            AdminOp::PutSettings { settings, reply } => {
                if let Err(problem) = settings_rules::validate(&settings) {
                    batch.reply_after_commit(reply, Ok(Err(problem)));
                    return Ok(());
                }
                let version = self.settings.change(*settings);
                queries::store_settings(db, self.settings.get(), version)?;
                // Limits, auto-assign or hours may have changed: route again.
                self.convs.retell_queue();
                self.agents.invalidate();
                batch.reply_after_commit(reply, Ok(Ok(version)));
            }
            AdminOp::UpdateAgent { id, update, reply } => {
                let result = self.update_agent(db, id, update);
                batch.reply_after_commit(reply, result);
            }
        }
        Ok(())
    }

    fn remove_agent(
        &mut self,
        db: &Connection,
        email: &str,
        batch: &mut Batch,
    ) -> Result<Removal, super::batch::Refusal> {
        let Some((agent, _)) = queries::agent_for_login(db, email)? else {
            return Ok(Removal::NoSuchAgent);
        };
        if agent.role == Role::Owner && queries::agents(db)?.iter().filter(|a| a.role == Role::Owner).count() == 1 {
            return Ok(Removal::LastOwner);
        }
        for c in queries::active_conversations_of(db, agent.id)? {
            self.convs.requeue(db, &c, None, None, None, batch)?;
        }
        self.end_agent_sessions(db, agent.id, batch)?;
        queries::delete_agent(db, agent.id)?;
        Ok(Removal::Removed)
    }

    fn update_agent(
        &mut self,
        db: &Connection,
        id: AgentId,
        update: AgentUpdate,
    ) -> Result<Result<Option<AgentAdminView>, (String, String)>, StoreError> {
        let Some(current) = reads::agents_admin(db)?.into_iter().find(|a| a.agent.id == id) else {
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
        self.agents.invalidate();
        Ok(Ok(reads::agents_admin(db)?.into_iter().find(|a| a.agent.id == id)))
    }

    fn end_agent_sessions(&mut self, db: &Connection, agent: AgentId, batch: &mut Batch) -> Result<(), StoreError> {
        self.sessions.end_agent(agent, self.hub, batch);
        queries::delete_sessions_of(db, agent)
    }
}
