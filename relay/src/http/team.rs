//! The team admin API (owners and admins): list agent accounts, add one or
//! invite someone (the invitee's side is `agent_auth::accept_invitation`),
//! change role, skills or chat limit, reset a password, deactivate and
//! reactivate, list and withdraw pending invitations. Every change goes through the tenant actor, so it reaches the
//! agent's live sessions at once (a reset or a deactivation ends them).

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use natter_protocol::{
    AgentActive, AgentAdminView, AgentId, AgentInfo, AgentUpdate, ErrorCode, Invitation, Invite, NewAgent,
    PasswordReset, PendingInvitation, Role,
};

use super::agent_auth::AuthState;
use super::{ApiError, json_rejection};
use crate::auth::{password, session};
use crate::tenant::invitations::{InvitationRefused, InvitationRow};
use crate::tenant::{AdminOp, AgentChangeRefused, TenantHandle};

/// The caller's tenant and account, if the caller is a signed-in owner or admin.
async fn admin(state: &AuthState, headers: &HeaderMap) -> Result<(TenantHandle, AgentInfo), ApiError> {
    super::admin::signed_in_admin(&state.tenants, headers).await
}

/// The agent id of the path; an id that cannot exist is simply not found.
fn agent_id(id: Result<Path<AgentId>, PathRejection>) -> Result<AgentId, ApiError> {
    id.map(|Path(id)| id).map_err(|_| refused(AgentChangeRefused::NoSuchAgent))
}

fn refused(why: AgentChangeRefused) -> ApiError {
    let message = why.to_string();
    match why {
        AgentChangeRefused::NoSuchAgent => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message),
        AgentChangeRefused::LastOwner => ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, message),
        AgentChangeRefused::OwnersOnly => ApiError::forbidden(message),
        AgentChangeRefused::Yourself => ApiError::invalid_input(message),
        AgentChangeRefused::Invalid { field, .. } => ApiError::invalid_field(field, message),
    }
}

/// Hashes a new password off the runtime, under the same bound on concurrent
/// hashes as sign-in.
async fn hash_new_password(state: &AuthState, field: &str, password: String) -> Result<String, ApiError> {
    password::check_policy(&password).map_err(|reason| ApiError::invalid_field(field, reason))?;
    let Some(_slot) = state.hash_slots.try_take() else {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            "busy; try again in a second",
        )
        .retry_after(1));
    };
    let iterations = state.password_iterations;
    tokio::task::spawn_blocking(move || password::hash(&password, iterations)).await.map_err(|_| ApiError::internal())
}

pub async fn list_agents(
    State(state): State<AuthState>,
    headers: HeaderMap,
) -> Result<Json<Vec<AgentAdminView>>, ApiError> {
    let (tenant, _) = admin(&state, &headers).await?;
    Ok(Json(tenant.reader().agents_admin().await?))
}

pub async fn create_agent(
    State(state): State<AuthState>,
    headers: HeaderMap,
    body: Result<Json<NewAgent>, JsonRejection>,
) -> Result<(StatusCode, Json<AgentAdminView>), ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let Json(new) = body.map_err(json_rejection)?;
    let (email, name) = checked_person(&new.email, &new.name)?;
    match new.role {
        Role::Owner if by.role != Role::Owner => return Err(refused(AgentChangeRefused::OwnersOnly)),
        Role::Owner | Role::Admin | Role::Agent => {}
        _ => return Err(ApiError::invalid_field("role", "role: owner, admin or agent")),
    }
    let password_hash = hash_new_password(&state, "password", new.password).await?;
    let (role, by_id) = (new.role, Some(by.id));
    let added = tenant
        .admin(|reply| AdminOp::AddAgent { email: email.clone(), name, role, password_hash, by: by_id, reply })
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, "an agent with that email exists"))?;
    tracing::info!(tenant = %tenant.id(), agent = %added.id, by = %by.id, "agent added");
    let view = tenant.reader().agents_admin().await?.into_iter().find(|a| a.agent.id == added.id);
    Ok((StatusCode::CREATED, Json(view.ok_or_else(ApiError::internal)?)))
}

/// A new member's email and name, trimmed and checked.
fn checked_person(email: &str, name: &str) -> Result<(String, String), ApiError> {
    let (email, name) = (email.trim().to_owned(), name.trim().to_owned());
    password::check_email(&email).map_err(|reason| ApiError::invalid_field("email", reason))?;
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid_field("name", "a name is 1 to 80 characters, no control characters"));
    }
    Ok((email, name))
}

/// An invitation's refusal as an HTTP answer.
pub(super) fn invitation_refused(why: InvitationRefused) -> ApiError {
    let message = why.to_string();
    match why {
        InvitationRefused::Invalid => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::InvitationInvalid, message),
        InvitationRefused::Used => ApiError::new(StatusCode::GONE, ErrorCode::InvitationUsed, message),
        InvitationRefused::Expired => ApiError::new(StatusCode::GONE, ErrorCode::InvitationExpired, message),
        InvitationRefused::EmailTaken => ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, message),
        InvitationRefused::OwnersOnly => ApiError::forbidden(message),
        InvitationRefused::BadRole => ApiError::invalid_field("role", message),
    }
}

/// Invites someone to the team: answers the link, shown this once.
pub async fn invite(
    State(state): State<AuthState>,
    headers: HeaderMap,
    body: Result<Json<Invite>, JsonRejection>,
) -> Result<(StatusCode, Json<Invitation>), ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let Json(invite) = body.map_err(json_rejection)?;
    let (email, name) = checked_person(&invite.email, &invite.name)?;
    let (token, hash) = session::new_invitation(tenant.id());
    let invitee = InvitationRow { email, name, role: invite.role };
    let expires_at =
        tenant.admin(|reply| AdminOp::Invite { hash, invitee, by, reply }).await?.map_err(invitation_refused)?;
    let url = format!("/console/#invite={token}");
    Ok((StatusCode::CREATED, Json(Invitation { url, token, expires_at })))
}

/// The invitations still waiting for their invitee.
pub async fn pending_invitations(
    State(state): State<AuthState>,
    headers: HeaderMap,
) -> Result<Json<Vec<PendingInvitation>>, ApiError> {
    let (tenant, _) = admin(&state, &headers).await?;
    Ok(Json(tenant.reader().pending_invitations(tenant.now()).await?))
}

/// Withdraws an email's unused invitations: their links answer `invitation_invalid`.
pub async fn withdraw_invitation(
    State(state): State<AuthState>,
    email: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let Path(email) = email.map_err(|e| ApiError::invalid_field("email", e.body_text()))?;
    let by = by.id;
    if !tenant.admin(|reply| AdminOp::WithdrawInvitation { email, by, reply }).await? {
        return Err(ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no pending invitation for that email"));
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn update_agent(
    State(state): State<AuthState>,
    id: Result<Path<AgentId>, PathRejection>,
    headers: HeaderMap,
    body: Result<Json<AgentUpdate>, JsonRejection>,
) -> Result<Json<AgentAdminView>, ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let id = agent_id(id)?;
    let Json(update) = body.map_err(json_rejection)?;
    let view = tenant.admin(|reply| AdminOp::UpdateAgent { id, update, by, reply }).await?.map_err(refused)?;
    Ok(Json(view))
}

pub async fn reset_password(
    State(state): State<AuthState>,
    id: Result<Path<AgentId>, PathRejection>,
    headers: HeaderMap,
    body: Result<Json<PasswordReset>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let id = agent_id(id)?;
    let Json(reset) = body.map_err(json_rejection)?;
    let password_hash = hash_new_password(&state, "password", reset.password).await?;
    let by_id = by.id;
    tenant.admin(|reply| AdminOp::ResetPassword { id, password_hash, by, reply }).await?.map_err(refused)?;
    tracing::info!(tenant = %tenant.id(), agent = %id, by = %by_id, "password reset; sessions ended");
    Ok(StatusCode::NO_CONTENT)
}

pub async fn set_active(
    State(state): State<AuthState>,
    id: Result<Path<AgentId>, PathRejection>,
    headers: HeaderMap,
    body: Result<Json<AgentActive>, JsonRejection>,
) -> Result<Json<AgentAdminView>, ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let id = agent_id(id)?;
    let Json(AgentActive { active }) = body.map_err(json_rejection)?;
    let view = tenant.admin(|reply| AdminOp::SetActive { id, active, by, reply }).await?.map_err(refused)?;
    tracing::info!(tenant = %tenant.id(), agent = %id, active, "agent account activity changed");
    Ok(Json(view))
}
