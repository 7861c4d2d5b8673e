//! `GET /v1/widget/{tenant}/config`: the public widget configuration the loader
//! and the widget read. Answers only pages the tenant allows (refusals carry CORS
//! headers too, so the loader can say why);
//! revalidates with `ETag` / `If-None-Match`, so settings changes show up
//! without a restart and unchanged ones cost a 304.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use natter_protocol::{EmbedSurface, PublicWidgetConfig, TenantId};

use super::ApiError;
use crate::origin::origin_allowed;
use crate::tenant::Tenants;

/// State of the public widget endpoints.
#[derive(Debug, Clone)]
pub struct WidgetState {
    pub tenants: Tenants,
    pub own_origins: std::sync::Arc<Vec<String>>,
    /// The relay's own cap on uploads (`max_upload_mb`), in bytes.
    pub max_upload_bytes: u64,
}

pub async fn config(State(state): State<WidgetState>, Path(tenant): Path<String>, headers: HeaderMap) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let mut response = answer(&state, tenant, origin, &headers).await.unwrap_or_else(IntoResponse::into_response);
    // Refusals too are readable cross-origin, so the loader can tell a shop owner
    // why nothing shows (unknown tenant, origin not allowed) rather than "unreachable".
    if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("ETag"));
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn answer(
    state: &WidgetState,
    tenant: String,
    origin: Option<&str>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let id = TenantId::parse(tenant).map_err(|_| ApiError::unknown_tenant())?;
    let record = state.tenants.registry().tenant(&id).await?.ok_or_else(ApiError::unknown_tenant)?;
    if let Some(origin) = origin
        && !origin_allowed(&state.own_origins, origin)
        && !origin_allowed(&record.allowed_origins, origin)
    {
        state.tenants.registry().refused().record(&id, Some(origin), EmbedSurface::Config, crate::time::now());
        return Err(ApiError::origin_not_allowed());
    }
    let handle = state.tenants.get(&id).await?.ok_or_else(ApiError::unknown_tenant)?;
    let (current, online) = handle.public_settings();
    let (settings, version) = (current.settings.clone(), current.version);
    let etag = format!("\"v{version}-{}\"", if online { "open" } else { "closed" });
    let fresh = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag);
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let w = settings.widget;
        let relay_cap_mb = u32::try_from(state.max_upload_bytes / 1_000_000).unwrap_or(u32::MAX).max(1);
        // The colour to draw text with: automatic, or the tenant's own while readable.
        let text_color = w.text_color();
        let config = PublicWidgetConfig {
            tenant: record.id,
            name: record.display_name,
            primary_color: w.primary_color,
            secondary_color: text_color,
            position: w.position,
            offset_x: w.offset_x,
            offset_y: w.offset_y,
            header: w.header,
            greeting: w.greeting,
            texts: w.texts,
            locale: w.locale,
            auto_open_delay_secs: w.auto_open_delay_secs,
            show_agent_names: w.show_agent_names,
            typing_indicators: w.typing_indicators,
            read_receipts: w.read_receipts,
            sound: w.sound,
            online,
            show_agent_avatars: w.show_agent_avatars,
            prechat: w.prechat,
            offline_message: w.offline_message,
            offline_after_secs: w.offline_after_secs,
            greetings: w.greetings,
            greetings_every_hours: w.greetings_every_hours,
            version: format!("v{version}"),
            visitor_uploads: settings.files.visitor_uploads,
            max_upload_mb: settings.files.max_mb.min(relay_cap_mb),
        };
        Json(config).into_response()
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
