//! The tenant's tag list, managed by owners and admins: `POST /v1/admin/tags`,
//! `PUT` and `DELETE /v1/admin/tags/{id}`. Agents get the list, and every
//! change of it, on their sockets (`tags` frames).

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use natter_protocol::{ErrorCode, Tag, TagDraft, TagId};

use super::agent_auth::{AuthState, signed_in};
use super::{ApiError, json_rejection};
use crate::tenant::{AdminOp, TagRefused, TenantHandle};

async fn admin(state: &AuthState, headers: &HeaderMap) -> Result<(TenantHandle, natter_protocol::AgentId), ApiError> {
    let (tenant, agent) = signed_in(&state.tenants, headers).await?;
    if !agent.role.is_admin() {
        return Err(ApiError::forbidden("only owners and admins may change the tag list"));
    }
    Ok((tenant, agent.id))
}

fn refused(why: TagRefused) -> ApiError {
    let message = why.to_string();
    match why {
        TagRefused::NoSuchTag => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message),
        TagRefused::NameTaken => ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, message),
        TagRefused::TooMany => ApiError::invalid_input(message),
        TagRefused::Invalid { field, .. } => ApiError::invalid_field(field, message),
    }
}

fn tag_id(id: Result<Path<TagId>, PathRejection>) -> Result<TagId, ApiError> {
    id.map(|Path(id)| id).map_err(|_| refused(TagRefused::NoSuchTag))
}

/// Answers the new tag list.
pub async fn create(
    State(state): State<AuthState>,
    headers: HeaderMap,
    body: Result<Json<TagDraft>, JsonRejection>,
) -> Result<(StatusCode, Json<Vec<Tag>>), ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let Json(draft) = body.map_err(json_rejection)?;
    let tags = tenant.admin(|reply| AdminOp::PutTag { id: None, draft, by, reply }).await?.map_err(refused)?;
    Ok((StatusCode::CREATED, Json(tags)))
}

pub async fn update(
    State(state): State<AuthState>,
    id: Result<Path<TagId>, PathRejection>,
    headers: HeaderMap,
    body: Result<Json<TagDraft>, JsonRejection>,
) -> Result<Json<Vec<Tag>>, ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let id = Some(tag_id(id)?);
    let Json(draft) = body.map_err(json_rejection)?;
    Ok(Json(tenant.admin(|reply| AdminOp::PutTag { id, draft, by, reply }).await?.map_err(refused)?))
}

pub async fn delete(
    State(state): State<AuthState>,
    id: Result<Path<TagId>, PathRejection>,
    headers: HeaderMap,
) -> Result<Json<Vec<Tag>>, ApiError> {
    let (tenant, by) = admin(&state, &headers).await?;
    let id = tag_id(id)?;
    Ok(Json(tenant.admin(|reply| AdminOp::DeleteTag { id, by, reply }).await?.map_err(refused)?))
}
