//! `GET /v1/agent/conversations`: past conversations for any signed-in agent of
//! the tenant — the console's Closed tab search and a visitor's earlier chats —
//! and a conversation's assignment history.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use natter_protocol::{AssignmentRecord, ConversationId, ConversationPage, ConversationQuery};

use super::ApiError;
use super::agent_auth::{AuthState, signed_in};

/// Refuses limits and texts outside the documented bounds; a blank text means none.
fn validated(mut query: ConversationQuery) -> Result<ConversationQuery, ApiError> {
    if let Some(limit) = query.limit
        && !(1..=ConversationQuery::MAX_LIMIT).contains(&limit)
    {
        return Err(ApiError::invalid_field("limit", format!("limit: 1 to {}", ConversationQuery::MAX_LIMIT)));
    }
    query.q = query.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    // SQLite's search cannot take a NUL (it would fail as a storage error); no
    // name or message can contain one either.
    if query.q.as_ref().is_some_and(|q| q.contains('\0')) {
        return Err(ApiError::invalid_field("q", "q: must not contain NUL"));
    }
    if query.q.as_ref().is_some_and(|q| q.chars().count() > ConversationQuery::MAX_QUERY_CHARS) {
        return Err(ApiError::invalid_field(
            "q",
            format!("q: at most {} characters", ConversationQuery::MAX_QUERY_CHARS),
        ));
    }
    Ok(query)
}

pub async fn find(
    State(state): State<AuthState>,
    headers: HeaderMap,
    query: Result<Query<ConversationQuery>, QueryRejection>,
) -> Result<Json<ConversationPage>, ApiError> {
    let (tenant, _) = signed_in(&state.tenants, &headers).await?;
    let Query(query) = query.map_err(|e| ApiError::invalid_input(e.body_text()))?;
    let query = validated(query)?;
    Ok(Json(tenant.reader().find_conversations(query).await?))
}

/// `GET /v1/agent/conversations/{id}/assignments`: who claimed, transferred and
/// closed it, and when (its details pane).
pub async fn assignments(
    State(state): State<AuthState>,
    id: Result<Path<ConversationId>, PathRejection>,
    headers: HeaderMap,
) -> Result<Json<Vec<AssignmentRecord>>, ApiError> {
    let (tenant, _) = signed_in(&state.tenants, &headers).await?;
    let Ok(Path(id)) = id else { return Err(ApiError::not_found()) };
    tenant.reader().assignments(id).await?.map(Json).ok_or_else(ApiError::not_found)
}
