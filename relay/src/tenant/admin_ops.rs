//! Writes asked by HTTP handlers and the command line: sessions, agent accounts
//! (with the rules of who may change whom, and an audit record of each change),
//! the identity secret, settings. Reads that need no write go to the tenant's
//! read connection instead ([`super::reads`]).

use natter_protocol::{AgentAdminView, AgentId, AgentInfo, AgentUpdate, Role, ToAgent, UnixMillis};
use rusqlite::Connection;
use serde_json::json;

use super::agents::Agents;
use super::batch::{AgentTarget, Batch, OpResult};
use super::command::{AdminOp, AgentChangeRefused, Removal};
use super::conversations::Conversations;
use super::hub::Hub;
use super::queries::{self, SessionRow};
use super::sessions::Sessions;
use super::settings::Settings;
use super::settings_rules;
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
    /// Live figures: the queue and who is available (`METRICS.md`).
    fn live_kpis(&self, db: &Connection, now: UnixMillis) -> Result<natter_protocol::LiveKpis, StoreError> {
        use natter_protocol::AgentStatus;
        let waiting: Vec<_> = queries::waiting(db)?.into_iter().filter(|w| !w.offline).collect();
        let active = queries::active_counts(db)?.iter().map(|(_, n)| *n).sum();
        let presence = self.agents.snapshot(db, &self.settings.get().routing, now)?;
        let count = |s: AgentStatus| presence.iter().filter(|p| p.status == s).count() as u32;
        Ok(natter_protocol::LiveKpis {
            at: now,
            waiting: waiting.len() as u32,
            active,
            longest_wait_ms: waiting.iter().map(|w| now.0 - w.queued_at.0).max(),
            agents_online: count(AgentStatus::Online),
            agents_away: count(AgentStatus::Away),
            agents_busy: count(AgentStatus::Busy),
            agents_offline: count(AgentStatus::Offline),
        })
    }

    pub fn apply(&mut self, db: &Connection, op: AdminOp, batch: &mut Batch) -> OpResult {
        let now = batch.now;
        match op {
            AdminOp::Rate { conversation, draft, reply } => {
                let csat = &self.settings.get().csat;
                let via = super::ratings::Via::Link;
                let result = super::ratings::rate(db, self.convs, (conversation, None), draft, via, csat, batch)?;
                batch.reply_after_commit(reply, Ok(result));
            }
            AdminOp::LiveKpis { reply } => {
                let live = self.live_kpis(db, now);
                batch.reply_after_commit(reply, live);
            }
            AdminOp::CreateSession { agent, hash, reply } => {
                let expires_at = self.sessions.expiry(now);
                let row = SessionRow { agent, last_seen_at: now, expires_at };
                queries::set_last_sign_in(db, agent, now)?;
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
            AdminOp::AddAgent { email, name, role, password_hash, by, reply } => {
                let added = queries::insert_agent(db, email.trim(), name.trim(), role, &password_hash, now)?;
                if let Some(agent) = &added {
                    let detail = json!({ "agent": agent.id, "email": agent.email, "role": role.as_str() });
                    queries::audit(db, now, by, "agent.add", &detail)?;
                }
                batch.reply_after_commit(reply, Ok(added));
            }
            AdminOp::SetPassword { email, password_hash, reply } => {
                let Some(login) = queries::agent_for_login(db, &email)? else {
                    batch.reply_after_commit(reply, Ok(false));
                    return Ok(());
                };
                self.set_password(db, login.agent.id, &password_hash, None, batch)?;
                batch.reply_after_commit(reply, Ok(true));
            }
            AdminOp::ResetPassword { id, password_hash, by, reply } => {
                let result = match self.target(db, id, &by, None)? {
                    Ok(target) => self.set_password(db, target.agent.id, &password_hash, Some(by.id), batch).map(Ok)?,
                    Err(refused) => Err(refused),
                };
                batch.reply_after_commit(reply, Ok(result));
            }
            AdminOp::SetActive { id, active, by, reply } => {
                let result = self.set_active(db, id, active, &by, batch)?;
                batch.reply_after_commit(reply, Ok(result));
            }
            AdminOp::RemoveAgent { email, reply } => {
                let removal = self.remove_agent(db, &email, batch)?;
                batch.reply_after_commit(reply, Ok(removal));
            }
            AdminOp::IdentitySecret { reply } => {
                batch.reply_after_commit(reply, super::identity::status(db, now));
            }
            AdminOp::RotateIdentity { grace_ms, by, reply } => {
                batch.reply_after_commit(reply, super::identity::rotate(db, now, grace_ms, by));
            }
            AdminOp::Audit { by, action, detail, reply } => {
                batch.reply_after_commit(reply, queries::audit(db, now, Some(by), action, &detail));
            }
            AdminOp::WithdrawInvitation { email, by, reply } => {
                batch.reply_after_commit(reply, super::invitations::withdraw(db, &email, by, now));
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
            AdminOp::Invite { hash, invitee, by, reply } => {
                let result = super::invitations::create(db, &hash, invitee, &by, now);
                batch.reply_after_commit(reply, result);
            }
            AdminOp::AcceptInvitation { hash, password_hash, reply } => {
                let result = super::invitations::accept(db, &hash, &password_hash, now);
                batch.reply_after_commit(reply, result);
            }
            AdminOp::Canned { op, by, reply } => {
                let result = super::canned::apply(db, op, &by, self.convs.max_text_bytes(), now);
                batch.reply_after_commit(reply, result);
            }
            AdminOp::PutTag { id, draft, by, reply } => {
                let result = super::desk::put_tag(db, id, &draft, now)?;
                if let Ok(tags) = &result {
                    batch.to_agents(AgentTarget::All, &ToAgent::Tags { tags: tags.clone() });
                    let detail = json!({ "tag": id, "name": draft.name, "color": draft.color });
                    queries::audit(db, now, Some(by), if id.is_some() { "tag.update" } else { "tag.add" }, &detail)?;
                }
                batch.reply_after_commit(reply, Ok(result));
            }
            AdminOp::DeleteTag { id, by, reply } => {
                let result = match super::desk::delete_tag(db, id)? {
                    Ok(super::desk::TagDeleted { conversations, tags }) => {
                        batch.to_agents(AgentTarget::All, &ToAgent::Tags { tags: tags.clone() });
                        for c in conversations {
                            self.convs.tell_agents(&super::conversations::reload(db, c)?, batch);
                        }
                        queries::audit(db, now, Some(by), "tag.delete", &json!({ "tag": id }))?;
                        Ok(tags)
                    }
                    Err(refused) => Err(refused),
                };
                batch.reply_after_commit(reply, Ok(result));
            }
            AdminOp::UpdateAgent { id, update, by, reply } => {
                let result = self.update_agent(db, id, update, &by, batch)?;
                batch.reply_after_commit(reply, Ok(result));
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
        let Some(login) = queries::agent_for_login(db, email)? else {
            return Ok(Removal::NoSuchAgent);
        };
        let agent = login.agent;
        if login.active && agent.role == Role::Owner && active_owners(db)? == 1 {
            return Ok(Removal::LastOwner);
        }
        self.release(db, agent.id, batch)?;
        queries::delete_agent(db, agent.id)?;
        queries::audit(db, batch.now, None, "agent.remove", &json!({ "agent": agent.id, "email": agent.email }))?;
        Ok(Removal::Removed)
    }

    /// The account an admin wants to change, if `by` may change it (and, with
    /// `new_role`, give it that role). Only owners touch owners.
    fn target(
        &self,
        db: &Connection,
        id: AgentId,
        by: &AgentInfo,
        new_role: Option<Role>,
    ) -> Result<Result<AgentAdminView, AgentChangeRefused>, StoreError> {
        let Some(target) = account(db, id)? else {
            return Ok(Err(AgentChangeRefused::NoSuchAgent));
        };
        let touches_owner = target.agent.role == Role::Owner || new_role == Some(Role::Owner);
        if touches_owner && by.role != Role::Owner {
            return Ok(Err(AgentChangeRefused::OwnersOnly));
        }
        Ok(Ok(target))
    }

    fn update_agent(
        &mut self,
        db: &Connection,
        id: AgentId,
        update: AgentUpdate,
        by: &AgentInfo,
        batch: &mut Batch,
    ) -> Result<Result<AgentAdminView, AgentChangeRefused>, StoreError> {
        let current = match self.target(db, id, by, update.role)? {
            Ok(current) => current,
            Err(refused) => return Ok(Err(refused)),
        };
        let (skills, max_chats) = match routing_of(&current, &update) {
            Ok(routing) => routing,
            Err(refused) => return Ok(Err(refused)),
        };
        let role = update.role.unwrap_or(current.agent.role);
        if let Err(refused) = check_role(db, &current, role)? {
            return Ok(Err(refused));
        }
        queries::set_agent_routing(db, id, &skills, max_chats)?;
        if role != current.agent.role {
            queries::set_role(db, id, role)?;
            let account = AgentInfo { role, ..current.agent.clone() };
            batch.to_agents(AgentTarget::Agent(id), &ToAgent::Account { agent: account });
        }
        self.agents.invalidate();
        let detail = json!({ "agent": id, "role": role.as_str(), "skills": skills, "max_chats": max_chats });
        queries::audit(db, batch.now, Some(by.id), "agent.update", &detail)?;
        Ok(account(db, id)?.ok_or(AgentChangeRefused::NoSuchAgent))
    }

    fn set_active(
        &mut self,
        db: &Connection,
        id: AgentId,
        active: bool,
        by: &AgentInfo,
        batch: &mut Batch,
    ) -> Result<Result<AgentAdminView, AgentChangeRefused>, super::batch::Refusal> {
        let target = match self.target(db, id, by, None)? {
            Ok(target) => target,
            Err(refused) => return Ok(Err(refused)),
        };
        if active == target.deactivated_at.is_none() {
            return Ok(Ok(target));
        }
        if !active {
            if id == by.id {
                return Ok(Err(AgentChangeRefused::Yourself));
            }
            if target.agent.role == Role::Owner && active_owners(db)? == 1 {
                return Ok(Err(AgentChangeRefused::LastOwner));
            }
            self.release(db, id, batch)?;
        }
        queries::set_deactivated(db, id, (!active).then_some(batch.now))?;
        self.agents.invalidate();
        let action = if active { "agent.reactivate" } else { "agent.deactivate" };
        queries::audit(db, batch.now, Some(by.id), action, &json!({ "agent": id }))?;
        Ok(account(db, id)?.ok_or(AgentChangeRefused::NoSuchAgent))
    }

    fn set_password(
        &mut self,
        db: &Connection,
        id: AgentId,
        password_hash: &str,
        by: Option<AgentId>,
        batch: &mut Batch,
    ) -> Result<(), StoreError> {
        queries::set_password(db, id, password_hash)?;
        self.end_agent_sessions(db, id, batch)?;
        queries::audit(db, batch.now, by, "agent.password", &json!({ "agent": id }))
    }

    /// Takes an agent off duty for good: their conversations go back to the
    /// queue, their sessions end and their sockets close.
    fn release(&mut self, db: &Connection, agent: AgentId, batch: &mut Batch) -> Result<(), super::batch::Refusal> {
        for c in queries::active_conversations_of(db, agent)? {
            self.convs.requeue(db, &c, None, None, None, batch)?;
        }
        Ok(self.end_agent_sessions(db, agent, batch)?)
    }

    fn end_agent_sessions(&mut self, db: &Connection, agent: AgentId, batch: &mut Batch) -> Result<(), StoreError> {
        self.sessions.end_agent(agent, self.hub, batch);
        queries::delete_sessions_of(db, agent)
    }
}

/// One account as admins see it.
fn account(db: &Connection, id: AgentId) -> Result<Option<AgentAdminView>, StoreError> {
    Ok(queries::agents_admin(db)?.into_iter().find(|a| a.agent.id == id))
}

fn active_owners(db: &Connection) -> Result<usize, StoreError> {
    Ok(queries::agents(db)?.iter().filter(|a| a.role == Role::Owner).count())
}

/// A role an admin may set: a known one, and the last active owner keeps theirs.
fn check_role(
    db: &Connection,
    current: &AgentAdminView,
    role: Role,
) -> Result<Result<(), AgentChangeRefused>, StoreError> {
    if role == Role::Other {
        return Ok(Err(AgentChangeRefused::Invalid { field: "role".into(), reason: "owner, admin or agent".into() }));
    }
    let demotes_owner = current.agent.role == Role::Owner && role != Role::Owner;
    if demotes_owner && current.deactivated_at.is_none() && active_owners(db)? == 1 {
        return Ok(Err(AgentChangeRefused::LastOwner));
    }
    Ok(Ok(()))
}

/// The skills and chat limit after `update`, validated.
fn routing_of(
    current: &AgentAdminView,
    update: &AgentUpdate,
) -> Result<(Vec<String>, Option<u32>), AgentChangeRefused> {
    let invalid = |field: String, reason: &str| AgentChangeRefused::Invalid { field, reason: reason.into() };
    let skills = update.skills.clone().unwrap_or_else(|| current.skills.clone());
    if skills.len() > 20 {
        return Err(invalid("skills".into(), "at most 20 skills"));
    }
    if let Some(bad) = skills.iter().position(|s| !settings_rules::is_skill(s)) {
        return Err(invalid(format!("skills[{bad}]"), "a skill is a-z, 0-9 and '-', at most 32"));
    }
    let max_chats = update.max_chats.unwrap_or(current.max_chats);
    if let Some(m) = max_chats
        && !(1..=50).contains(&m)
    {
        return Err(invalid("max_chats".into(), "must be 1 to 50"));
    }
    Ok((skills, max_chats))
}
