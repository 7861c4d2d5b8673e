//! Invitations to join the team: an owner or admin invites an email with a
//! role; the link (shown once, only its hash stored) works once, until it
//! expires, and its use creates the account with the password the invitee
//! chooses.

use natter_protocol::{AgentId, AgentInfo, PendingInvitation, Role, UnixMillis};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use super::queries;
use crate::auth::session::TokenHash;
use crate::store::StoreError;

/// How long an invitation link works.
pub const INVITATION_TTL_MS: i64 = 72 * 3600 * 1000;

/// Why an invitation could not be made or used (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationRefused {
    #[error("this invitation link is not valid")]
    Invalid,
    #[error("this invitation was already used; sign in instead")]
    Used,
    #[error("this invitation has expired; ask for a new one")]
    Expired,
    #[error("an agent with that email exists")]
    EmailTaken,
    #[error("only an owner may invite an owner")]
    OwnersOnly,
    #[error("role: owner, admin or agent")]
    BadRole,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// Stores an invitation by `by`; answers when it expires.
pub fn create(
    db: &Connection,
    hash: &TokenHash,
    invitee: InvitationRow,
    by: &AgentInfo,
    now: UnixMillis,
) -> Result<Result<UnixMillis, InvitationRefused>, StoreError> {
    match invitee.role {
        Role::Owner if by.role != Role::Owner => return Ok(Err(InvitationRefused::OwnersOnly)),
        Role::Owner | Role::Admin | Role::Agent => {}
        _ => return Ok(Err(InvitationRefused::BadRole)),
    }
    if queries::agent_for_login(db, &invitee.email)?.is_some() {
        return Ok(Err(InvitationRefused::EmailTaken));
    }
    let expires_at = UnixMillis(now.0.saturating_add(INVITATION_TTL_MS));
    db.prepare_cached(
        "INSERT INTO invitations(token_hash, email, name, role, invited_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        &hash[..],
        invitee.email,
        invitee.name,
        invitee.role.as_str(),
        by.id.0,
        now.0,
        expires_at.0
    ])?;
    let detail = json!({ "email": invitee.email, "role": invitee.role.as_str(), "expires_at": expires_at.0 });
    queries::audit(db, now, Some(by.id), "agent.invite", &detail)?;
    Ok(Ok(expires_at))
}

/// The invitation behind a token, if it may still be used.
pub fn usable(
    db: &Connection,
    hash: &TokenHash,
    now: UnixMillis,
) -> Result<Result<InvitationRow, InvitationRefused>, StoreError> {
    let row = db
        .prepare_cached("SELECT email, name, role, expires_at, used_at FROM invitations WHERE token_hash = ?1")?
        .query_row([&hash[..]], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })
        .optional()?;
    Ok(match row {
        None => Err(InvitationRefused::Invalid),
        Some((.., Some(_))) => Err(InvitationRefused::Used),
        Some((_, _, _, expires_at, None)) if now.0 >= expires_at => Err(InvitationRefused::Expired),
        Some((email, name, role, _, None)) => {
            Ok(InvitationRow { email, name, role: Role::parse(&role).unwrap_or(Role::Agent) })
        }
    })
}

/// Uses an invitation: creates the account with `password_hash` and spends the link.
pub fn accept(
    db: &Connection,
    hash: &TokenHash,
    password_hash: &str,
    now: UnixMillis,
) -> Result<Result<AgentInfo, InvitationRefused>, StoreError> {
    let invitee = match usable(db, hash, now)? {
        Ok(invitee) => invitee,
        Err(refused) => return Ok(Err(refused)),
    };
    let Some(agent) = queries::insert_agent(db, &invitee.email, &invitee.name, invitee.role, password_hash, now)?
    else {
        return Ok(Err(InvitationRefused::EmailTaken));
    };
    db.prepare_cached("UPDATE invitations SET used_at = ?2 WHERE token_hash = ?1")?
        .execute(params![&hash[..], now.0])?;
    queries::audit(db, now, Some(agent.id), "agent.join", &json!({ "agent": agent.id, "email": agent.email }))?;
    Ok(Ok(agent))
}

/// Invitations neither used nor expired, newest first.
pub fn pending(db: &Connection, now: UnixMillis) -> Result<Vec<PendingInvitation>, StoreError> {
    let mut stmt = db.prepare_cached(
        "SELECT email, name, role, invited_by, created_at, expires_at FROM invitations
         WHERE used_at IS NULL AND expires_at > ?1 ORDER BY created_at DESC, email",
    )?;
    let rows = stmt.query_map([now.0], |r| {
        Ok(PendingInvitation {
            email: r.get(0)?,
            name: r.get(1)?,
            role: Role::parse(&r.get::<_, String>(2)?).unwrap_or(Role::Agent),
            invited_by: AgentId(r.get(3)?),
            created_at: UnixMillis(r.get(4)?),
            expires_at: UnixMillis(r.get(5)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Withdraws the unused invitations of `email`: their links stop working
/// (`invitation_invalid`). Answers whether there was one.
pub fn withdraw(db: &Connection, email: &str, by: AgentId, now: UnixMillis) -> Result<bool, StoreError> {
    let gone =
        db.prepare_cached("DELETE FROM invitations WHERE email = ?1 AND used_at IS NULL")?.execute([email.trim()])?;
    if gone > 0 {
        queries::audit(db, now, Some(by), "agent.invite.withdraw", &json!({ "email": email.trim() }))?;
    }
    Ok(gone > 0)
}
