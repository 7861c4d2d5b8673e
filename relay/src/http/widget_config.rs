//! `GET /v1/widget/{tenant}/config`: the public widget configuration the loader
//! and the widget read. Answers only pages the tenant allows (CORS for them).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use natter_protocol::{PublicWidgetConfig, TenantId};

use super::ApiError;
use crate::origin::origin_allowed;
use crate::registry::Registry;

/// State of the public widget endpoints.
#[derive(Debug, Clone)]
pub struct WidgetState {
    pub registry: Registry,
    pub own_origins: std::sync::Arc<Vec<String>>,
}

pub async fn config(
    State(state): State<WidgetState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = TenantId::parse(tenant).map_err(|_| ApiError::unknown_tenant())?;
    let record = state.registry.tenant(&id).await?.ok_or_else(ApiError::unknown_tenant)?;
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if let Some(origin) = origin
        && !origin_allowed(&state.own_origins, origin)
        && !origin_allowed(&record.allowed_origins, origin)
    {
        return Err(ApiError::origin_not_allowed());
    }
    let config = PublicWidgetConfig::defaults(record.id, record.display_name);
    let mut response = Json(config).into_response();
    let h = response.headers_mut();
    if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
