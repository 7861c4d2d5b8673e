//! Agent sign-in, sign-out and "who am I": `POST /v1/agent/login`,
//! `POST /v1/agent/logout`, `GET /v1/agent/me`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use natter_protocol::{AcceptInvitation, AgentInfo, ErrorCode, LoginRequest, LoginResponse};

use super::{ApiError, json_rejection};
use crate::auth::client_addr::ClientAddrs;
use crate::auth::throttle::{HashSlots, LoginThrottle};
use crate::auth::{password, session};
use crate::tenant::invitations::InvitationRefused;
use crate::tenant::{AdminOp, TenantHandle, Tenants};

/// State of the sign-in endpoints.
#[derive(Debug, Clone)]
pub struct AuthState {
    pub tenants: Tenants,
    pub throttle: Arc<LoginThrottle>,
    /// Bounds the password hashes running at once.
    pub hash_slots: HashSlots,
    /// Who the client is behind trusted proxies (the throttle's key).
    pub client_addrs: Arc<ClientAddrs>,
    pub idle_timeout_secs: u64,
    /// Verified against when the account does not exist, to equalise timing.
    pub decoy_hash: Arc<String>,
    /// PBKDF2 iterations for passwords set through the team admin API.
    pub password_iterations: u32,
}

fn invalid_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials, "email or password is wrong")
}

fn too_many_attempts(wait: Duration) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyAttempts,
        "too many failed sign-ins; wait before trying again",
    )
    .retry_after(whole_secs(wait))
}

fn hashes_busy() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        "too many sign-ins at once; try again in a second",
    )
    .retry_after(1)
}

/// A wait in whole seconds, rounded up, at least 1.
fn whole_secs(wait: Duration) -> u64 {
    wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Signs an agent in. The order matters: a hash slot and the throttle's
/// reservation come before anything slow, so neither a flood nor a burst of
/// concurrent guesses gets more password checks than the throttle allows
/// (`auth::throttle` explains the design).
pub async fn login(
    State(state): State<AuthState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResponse>, ApiError> {
    let Json(req) = body.map_err(json_rejection)?;
    let account = format!("{}:{}", req.tenant, req.email.trim().to_lowercase());
    let client = state.client_addrs.client_ip(peer, &headers);
    let Some(_slot) = state.hash_slots.try_take() else {
        return Err(hashes_busy());
    };
    let attempt = state.throttle.begin(&account, client, Instant::now()).map_err(too_many_attempts)?;
    let tenant = state.tenants.get(&req.tenant).await?;
    let found = match &tenant {
        Some(t) => {
            let email = req.email.clone();
            t.reader().login_lookup(email).await?
        }
        None => None,
    };
    let stored_hash = found.as_ref().map_or_else(|| state.decoy_hash.to_string(), |l| l.password_hash.clone());
    let password = req.password;
    let verified = tokio::task::spawn_blocking(move || password::verify(&password, &stored_hash))
        .await
        .map_err(|_| ApiError::internal())?;
    // A failure needs nothing more: `begin` already counted it.
    let (Some(tenant), Some(login), true) = (tenant, found, verified) else {
        return Err(invalid_credentials());
    };
    state.throttle.succeeded(attempt, Instant::now());
    // Said only to someone who knows the password: it reveals nothing to a guesser.
    if !login.active {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::AccountDeactivated,
            "this account was deactivated; ask an owner or admin of the shop",
        ));
    }
    let agent = login.agent;
    let (token, hash) = session::new_token(tenant.id());
    let expires_at = tenant.admin(|reply| AdminOp::CreateSession { agent: agent.id, hash, reply }).await?;
    tracing::info!(tenant = %tenant.id(), agent = %agent.id, "agent signed in");
    Ok(Json(LoginResponse { token, agent, expires_at, idle_timeout_secs: state.idle_timeout_secs }))
}

/// Joins the team with an invitation link: creates the account with the chosen
/// password and signs it in. The link is checked before the slow hash, under
/// the same bound on concurrent hashes as sign-in.
pub async fn accept_invitation(
    State(state): State<AuthState>,
    body: Result<Json<AcceptInvitation>, JsonRejection>,
) -> Result<(StatusCode, Json<LoginResponse>), ApiError> {
    let Json(accept) = body.map_err(json_rejection)?;
    let refused = super::team::invitation_refused;
    let (tenant_id, hash) =
        session::parse_invitation(accept.token.trim()).ok_or_else(|| refused(InvitationRefused::Invalid))?;
    let tenant = state.tenants.get(&tenant_id).await?.ok_or_else(|| refused(InvitationRefused::Invalid))?;
    tenant.reader().invitation(hash, tenant.now()).await?.map_err(refused)?;
    password::check_policy(&accept.password).map_err(|reason| ApiError::invalid_field("password", reason))?;
    let Some(_slot) = state.hash_slots.try_take() else {
        return Err(hashes_busy());
    };
    let (password, iterations) = (accept.password, state.password_iterations);
    let password_hash = tokio::task::spawn_blocking(move || password::hash(&password, iterations))
        .await
        .map_err(|_| ApiError::internal())?;
    let agent =
        tenant.admin(|reply| AdminOp::AcceptInvitation { hash, password_hash, reply }).await?.map_err(refused)?;
    let (token, session_hash) = session::new_token(tenant.id());
    let expires_at =
        tenant.admin(|reply| AdminOp::CreateSession { agent: agent.id, hash: session_hash, reply }).await?;
    tracing::info!(tenant = %tenant.id(), agent = %agent.id, "agent joined by invitation");
    let idle_timeout_secs = state.idle_timeout_secs;
    Ok((StatusCode::CREATED, Json(LoginResponse { token, agent, expires_at, idle_timeout_secs })))
}

pub async fn logout(State(state): State<AuthState>, headers: HeaderMap) -> Result<StatusCode, ApiError> {
    let (tenant, hash) = session_of(&state.tenants, &headers).await?;
    tenant.admin(|reply| AdminOp::RevokeSession { hash, reply }).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(State(state): State<AuthState>, headers: HeaderMap) -> Result<Json<AgentInfo>, ApiError> {
    let (_, agent) = signed_in(&state.tenants, &headers).await?;
    Ok(Json(agent))
}

/// The tenant and agent of the request's bearer token, if its session is live
/// (which also counts as activity on it).
pub(crate) async fn signed_in(tenants: &Tenants, headers: &HeaderMap) -> Result<(TenantHandle, AgentInfo), ApiError> {
    let (tenant, hash) = session_of(tenants, headers).await?;
    let agent = tenant
        .admin(|reply| AdminOp::ResolveSession { hash, reply })
        .await?
        .map_err(|_| ApiError::session_expired())?;
    Ok((tenant, agent))
}

/// The tenant and token hash of the request's bearer token.
pub(super) async fn session_of(
    tenants: &Tenants,
    headers: &HeaderMap,
) -> Result<(TenantHandle, session::TokenHash), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .ok_or_else(ApiError::unauthorized)?;
    let (tenant_id, hash) = session::parse_token(token).ok_or_else(ApiError::unauthorized)?;
    let tenant = tenants.get(&tenant_id).await?.ok_or_else(ApiError::unauthorized)?;
    Ok((tenant, hash))
}

/// The token of an `Authorization: Bearer <token>` value. The scheme is
/// case-insensitive (RFC 9110 §11.1), so `bearer` and `BEARER` are accepted.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token("Bearer nts.a.b"), Some("nts.a.b"));
        assert_eq!(bearer_token("bearer nts.a.b"), Some("nts.a.b"));
        assert_eq!(bearer_token("BEARER   nts.a.b "), Some("nts.a.b"));
        assert_eq!(bearer_token("Basic nts.a.b"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer  "), None);
        assert_eq!(whole_secs(Duration::from_millis(1)), 1);
        assert_eq!(whole_secs(Duration::from_millis(2500)), 3);
    }
}
