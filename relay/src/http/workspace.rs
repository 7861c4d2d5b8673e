//! The workspace admin API (owners and admins): the shop's name
//! (`GET/PUT /v1/admin/workspace`, applied at once: the widget's config reads
//! the registry) and the identity-verification secret (`GET /v1/admin/identity`,
//! `POST /v1/admin/identity/rotate` with a grace period for the old secret).
//! Each change is recorded in the tenant's audit log.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::HeaderMap;
use natter_protocol::{
    AgentId, IdentityRotation, IdentitySecret, MAX_IDENTITY_GRACE_HOURS, MAX_SHOP_NAME_CHARS, Workspace,
};
use serde_json::json;

use super::agent_auth::AuthState;
use super::{ApiError, json_rejection};
use crate::tenant::{AdminOp, TenantHandle};

/// The caller's tenant and id, if the caller is a signed-in owner or admin.
async fn admin(state: &AuthState, headers: &HeaderMap) -> Result<(TenantHandle, AgentId), ApiError> {
    let (tenant, agent) = super::admin::signed_in_admin(&state.tenants, headers).await?;
    Ok((tenant, agent.id))
}

pub async fn get_workspace(State(state): State<AuthState>, headers: HeaderMap) -> Result<Json<Workspace>, ApiError> {
    let (tenant, _) = admin(&state, &headers).await?;
    let record = state.tenants.registry().tenant(tenant.id()).await?.ok_or_else(ApiError::unknown_tenant)?;
    Ok(Json(Workspace { name: record.display_name }))
}

pub async fn put_workspace(
    State(state): State<AuthState>,
    headers: HeaderMap,
    body: Result<Json<Workspace>, JsonRejection>,
) -> Result<Json<Workspace>, ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let Json(Workspace { name }) = body.map_err(json_rejection)?;
    let name = checked_name(&name)?;
    if !state.tenants.registry().set_display_name(tenant.id(), name.clone()).await? {
        return Err(ApiError::unknown_tenant());
    }
    let detail = json!({ "name": name });
    tenant.admin(|reply| AdminOp::Audit { by, action: "workspace.name", detail, reply }).await?;
    tracing::info!(tenant = %tenant.id(), "shop name changed");
    Ok(Json(Workspace { name }))
}

/// A shop name, trimmed: 1 to [`MAX_SHOP_NAME_CHARS`] characters, no control characters.
fn checked_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_SHOP_NAME_CHARS || name.chars().any(char::is_control) {
        let reason = format!("a shop name is 1 to {MAX_SHOP_NAME_CHARS} characters, no control characters");
        return Err(ApiError::invalid_field("name", reason));
    }
    Ok(name.to_owned())
}

pub async fn identity_secret(
    State(state): State<AuthState>,
    headers: HeaderMap,
) -> Result<Json<IdentitySecret>, ApiError> {
    let (tenant, _) = admin(&state, &headers).await?;
    Ok(Json(tenant.admin(|reply| AdminOp::IdentitySecret { reply }).await?))
}

pub async fn rotate_identity(
    State(state): State<AuthState>,
    headers: HeaderMap,
    body: Result<Json<IdentityRotation>, JsonRejection>,
) -> Result<Json<IdentitySecret>, ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let Json(IdentityRotation { grace_hours }) = body.map_err(json_rejection)?;
    if grace_hours > MAX_IDENTITY_GRACE_HOURS {
        let reason = format!("grace_hours: 0 to {MAX_IDENTITY_GRACE_HOURS}");
        return Err(ApiError::invalid_field("grace_hours", reason));
    }
    let grace_ms = i64::from(grace_hours) * 3_600_000;
    let rotated = tenant.admin(|reply| AdminOp::RotateIdentity { grace_ms, by, reply }).await?;
    tracing::info!(tenant = %tenant.id(), grace_hours, "identity secret rotated");
    Ok(Json(rotated))
}
