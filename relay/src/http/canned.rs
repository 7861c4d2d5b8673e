//! Canned responses for any signed-in agent: `GET/POST /v1/agent/canned`,
//! `PUT/DELETE /v1/agent/canned/{id}`, `POST /v1/agent/canned/{id}/use`, and
//! CSV export and import (`/v1/agent/canned/export`, `/v1/agent/canned/import`).
//! Shared responses are changed by owners and admins only (`tenant::canned`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use natter_protocol::{AgentInfo, CannedDraft, CannedId, CannedImported, CannedResponse, CannedScope, ErrorCode};
use serde::Deserialize;

use super::agent_auth::{AuthState, signed_in};
use super::{ApiError, json_rejection};
use crate::tenant::canned::{CannedOp, CannedRefused, MAX_PER_SCOPE};
use crate::tenant::{AdminOp, TenantHandle};

/// The CSV columns, in order, with a header row.
const CSV_HEADER: [&str; 4] = ["shortcut", "category", "text", "quick_replies"];
/// Quick replies share one CSV field, separated by this.
const QUICK_REPLY_SEPARATOR: char = '|';
/// Largest CSV accepted for import.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

fn refused(why: CannedRefused) -> ApiError {
    let message = why.to_string();
    match why {
        CannedRefused::NotFound => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message),
        CannedRefused::SharedIsAdmins => ApiError::forbidden(message),
        CannedRefused::ShortcutTaken(_) => ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, message),
        CannedRefused::TooMany => ApiError::invalid_input(message),
        CannedRefused::Invalid { field, .. } => ApiError::invalid_field(field, message),
    }
}

fn canned_id(id: Result<Path<CannedId>, PathRejection>) -> Result<CannedId, ApiError> {
    id.map(|Path(id)| id).map_err(|_| refused(CannedRefused::NotFound))
}

async fn change(tenant: &TenantHandle, by: AgentInfo, op: CannedOp) -> Result<Option<CannedResponse>, ApiError> {
    tenant.admin(|reply| AdminOp::Canned { op, by, reply }).await?.map_err(refused)
}

pub async fn list(State(state): State<AuthState>, headers: HeaderMap) -> Result<Json<Vec<CannedResponse>>, ApiError> {
    let (tenant, me) = signed_in(&state.tenants, &headers).await?;
    Ok(Json(tenant.reader().canned(me.id).await?))
}

pub async fn create(
    State(state): State<AuthState>,
    headers: HeaderMap,
    body: Result<Json<CannedDraft>, JsonRejection>,
) -> Result<(StatusCode, Json<CannedResponse>), ApiError> {
    let (tenant, me) = signed_in(&state.tenants, &headers).await?;
    let Json(draft) = body.map_err(json_rejection)?;
    let created = change(&tenant, me, CannedOp::Create(draft)).await?.ok_or_else(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn update(
    State(state): State<AuthState>,
    id: Result<Path<CannedId>, PathRejection>,
    headers: HeaderMap,
    body: Result<Json<CannedDraft>, JsonRejection>,
) -> Result<Json<CannedResponse>, ApiError> {
    let (tenant, me) = signed_in(&state.tenants, &headers).await?;
    let id = canned_id(id)?;
    let Json(draft) = body.map_err(json_rejection)?;
    Ok(Json(change(&tenant, me, CannedOp::Update(id, draft)).await?.ok_or_else(ApiError::internal)?))
}

pub async fn delete(
    State(state): State<AuthState>,
    id: Result<Path<CannedId>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let (tenant, me) = signed_in(&state.tenants, &headers).await?;
    change(&tenant, me, CannedOp::Delete(canned_id(id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Counts a use (the picker sorts by it).
pub async fn used(
    State(state): State<AuthState>,
    id: Result<Path<CannedId>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let (tenant, me) = signed_in(&state.tenants, &headers).await?;
    change(&tenant, me, CannedOp::Used(canned_id(id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct ScopeQuery {
    scope: CannedScope,
}

fn scope_of(query: Result<Query<ScopeQuery>, QueryRejection>) -> Result<CannedScope, ApiError> {
    query.map(|Query(q)| q.scope).map_err(|_| ApiError::invalid_field("scope", "scope: shared or personal"))
}

/// One scope as CSV: `shortcut,category,text,quick_replies` (replies joined by `|`).
pub async fn export(
    State(state): State<AuthState>,
    query: Result<Query<ScopeQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (tenant, me) = signed_in(&state.tenants, &headers).await?;
    let scope = scope_of(query)?;
    let rows = tenant.reader().canned(me.id).await?.into_iter().filter(|c| c.scope == scope);
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = || -> Result<Vec<u8>, csv::Error> {
        out.write_record(CSV_HEADER)?;
        for c in rows {
            let quick = c.quick_replies.join(&QUICK_REPLY_SEPARATOR.to_string());
            out.write_record([c.shortcut.as_str(), c.category.as_deref().unwrap_or(""), c.text.as_str(), &quick])?;
        }
        out.flush()?;
        Ok(out.get_ref().clone())
    };
    let bytes = write().map_err(|_| ApiError::internal())?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    let name = if scope == CannedScope::Shared { "shared" } else { "personal" };
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"canned-{name}.csv\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// Reads an import: a header row naming the columns (any order; `shortcut` and
/// `text` required), then one response per row.
fn parse_csv(bytes: &[u8], scope: CannedScope) -> Result<Vec<CannedDraft>, ApiError> {
    let bad = |row: usize, why: &str| ApiError::invalid_field(format!("row {row}"), format!("row {row}: {why}"));
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header = reader.headers().map_err(|_| bad(1, "not CSV with a header row"))?.clone();
    let column = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (Some(shortcut), Some(text)) = (column("shortcut"), column("text")) else {
        return Err(bad(1, "the header must name the shortcut and text columns"));
    };
    let (category, quick) = (column("category"), column("quick_replies"));
    let mut drafts = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| bad(i + 2, "not valid CSV (or not UTF-8)"))?;
        if drafts.len() >= MAX_PER_SCOPE {
            return Err(bad(i + 2, "too many rows"));
        }
        let field = |at: Option<usize>| at.and_then(|at| record.get(at)).unwrap_or("").to_owned();
        let quick_replies = field(quick);
        drafts.push(CannedDraft {
            scope,
            shortcut: field(Some(shortcut)),
            category: Some(field(category)),
            text: field(Some(text)),
            quick_replies: quick_replies
                .split(QUICK_REPLY_SEPARATOR)
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_owned)
                .collect(),
        });
    }
    Ok(drafts)
}

/// Adds or replaces (by shortcut) every row of a CSV, or nothing if a row is refused.
pub async fn import(
    State(state): State<AuthState>,
    query: Result<Query<ScopeQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<CannedImported>, ApiError> {
    let (tenant, me) = signed_in(&state.tenants, &headers).await?;
    let scope = scope_of(query)?;
    let body = body.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::InvalidInput,
            format!("a CSV import is at most {MAX_IMPORT_BYTES} bytes"),
        )
    })?;
    let drafts = parse_csv(&body, scope)?;
    let rows = u32::try_from(drafts.len()).unwrap_or(u32::MAX);
    change(&tenant, me, CannedOp::Import(scope, drafts)).await?;
    Ok(Json(CannedImported { imported: rows }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_commas_quotes_and_line_breaks() {
        let csv = "shortcut,text,quick_replies\nhi,\"Hello, \"\"friend\"\"\nsee you\",Yes | No\n";
        let drafts = parse_csv(csv.as_bytes(), CannedScope::Personal).unwrap();
        assert_eq!(drafts[0].text, "Hello, \"friend\"\nsee you");
        assert_eq!(drafts[0].quick_replies, ["Yes", "No"]);
        assert!(parse_csv(b"name,body\nx,y\n", CannedScope::Personal).is_err(), "no shortcut column");
        assert!(parse_csv(b"shortcut,text\nx,y,z\n", CannedScope::Personal).is_err(), "ragged row");
    }
}
