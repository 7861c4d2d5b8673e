//! Agent sign-in, sign-out and "who am I": `POST /v1/agent/login`,
//! `POST /v1/agent/logout`, `GET /v1/agent/me`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use natter_protocol::{AgentInfo, ErrorCode, LoginRequest, LoginResponse};

use super::{ApiError, json_rejection};
use crate::auth::{password, session, throttle::LoginThrottle};
use crate::tenant::{AdminOp, TenantHandle, Tenants};

/// State of the sign-in endpoints.
#[derive(Debug, Clone)]
pub struct AuthState {
    pub tenants: Tenants,
    pub throttle: Arc<LoginThrottle>,
    pub idle_timeout_secs: u64,
    /// Verified against when the account does not exist, to equalise timing.
    pub decoy_hash: Arc<String>,
}

fn invalid_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials, "email or password is wrong")
}

pub async fn login(
    State(state): State<AuthState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResponse>, ApiError> {
    let Json(req) = body.map_err(json_rejection)?;
    let account_key = format!("acct:{}:{}", req.tenant, req.email.trim().to_lowercase());
    let ip_key = format!("ip:{}", peer.ip());
    let keys = [account_key.as_str(), ip_key.as_str()];
    if let Err(wait) = state.throttle.check(&keys, Instant::now()) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyAttempts,
            "too many failed sign-ins; wait before trying again",
        )
        .retry_after(wait.as_secs().max(1)));
    }
    let tenant = state.tenants.get(&req.tenant).await?;
    let found = match &tenant {
        Some(t) => {
            let email = req.email.clone();
            t.reader().login_lookup(email).await?
        }
        None => None,
    };
    let stored_hash = found.as_ref().map_or_else(|| state.decoy_hash.to_string(), |(_, h)| h.clone());
    let password = req.password;
    let verified = tokio::task::spawn_blocking(move || password::verify(&password, &stored_hash))
        .await
        .map_err(|_| ApiError::internal())?;
    let (Some(tenant), Some((agent, _)), true) = (tenant, found, verified) else {
        state.throttle.fail(&keys, Instant::now());
        return Err(invalid_credentials());
    };
    state.throttle.succeed(&account_key);
    let (token, hash) = session::new_token(tenant.id());
    let expires_at = tenant.admin(|reply| AdminOp::CreateSession { agent: agent.id, hash, reply }).await?;
    tracing::info!(tenant = %tenant.id(), agent = %agent.id, "agent signed in");
    Ok(Json(LoginResponse { token, agent, expires_at, idle_timeout_secs: state.idle_timeout_secs }))
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
pub(super) async fn signed_in(tenants: &Tenants, headers: &HeaderMap) -> Result<(TenantHandle, AgentInfo), ApiError> {
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
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiError::unauthorized)?;
    let (tenant_id, hash) = session::parse_token(token.trim()).ok_or_else(ApiError::unauthorized)?;
    let tenant = tenants.get(&tenant_id).await?.ok_or_else(ApiError::unauthorized)?;
    Ok((tenant, hash))
}
