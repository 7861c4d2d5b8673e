//! The admin API (owner and admin roles): tenant settings — widget, business
//! hours, routing — with `GET/PUT /v1/admin/settings`. The team (agent
//! accounts) is in `team.rs`; the shop's name and identity secret in
//! `workspace.rs`; the install endpoints (origins, script tag, page check) in
//! `install.rs`.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use natter_protocol::{AgentInfo, TenantSettings};

use super::agent_auth::{AuthState, signed_in};
use super::{ApiError, json_rejection};
use crate::tenant::{AdminOp, TenantHandle, Tenants};

/// The caller's tenant, if the caller is a signed-in owner or admin.
async fn admin(state: &AuthState, headers: &HeaderMap) -> Result<TenantHandle, ApiError> {
    admin_of(&state.tenants, headers).await
}

/// The caller's tenant, if the caller is a signed-in owner or admin of it.
pub(super) async fn admin_of(tenants: &Tenants, headers: &HeaderMap) -> Result<TenantHandle, ApiError> {
    Ok(signed_in_admin(tenants, headers).await?.0)
}

/// The caller's tenant and account, if the caller is a signed-in owner or admin of it.
pub(super) async fn signed_in_admin(
    tenants: &Tenants,
    headers: &HeaderMap,
) -> Result<(TenantHandle, AgentInfo), ApiError> {
    let (tenant, agent) = signed_in(tenants, headers).await?;
    if !agent.role.is_admin() {
        return Err(ApiError::forbidden("only owners and admins may use the admin API"));
    }
    Ok((tenant, agent))
}

fn with_etag(body: impl IntoResponse, version: u64) -> Response {
    let mut response = body.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"v{version}\"")) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

pub async fn get_settings(State(state): State<AuthState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let tenant = admin(&state, &headers).await?;
    let current = tenant.settings();
    Ok(with_etag(Json(current.settings.clone()), current.version))
}

pub async fn put_settings(
    State(state): State<AuthState>,
    headers: HeaderMap,
    body: Result<Json<TenantSettings>, JsonRejection>,
) -> Result<Response, ApiError> {
    let tenant = admin(&state, &headers).await?;
    let Json(settings) = body.map_err(json_rejection)?;
    let stored = settings.clone();
    match tenant.admin(|reply| AdminOp::PutSettings { settings: Box::new(settings), reply }).await? {
        Ok(version) => {
            tracing::info!(tenant = %tenant.id(), version, "settings changed");
            Ok(with_etag(Json(stored), version))
        }
        Err((field, reason)) => Err(ApiError::invalid_field(field.clone(), format!("{field}: {reason}"))),
    }
}
