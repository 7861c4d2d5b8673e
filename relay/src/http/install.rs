//! The install admin API (owner and admin roles): the tenant's allowed origins
//! (`GET/PUT /v1/admin/origins`, applied at once: every check reads the
//! registry), the script tag and refused embeds (`GET /v1/admin/install`), and
//! the "test my page" check (`POST /v1/admin/install/check`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, header};
use natter_protocol::{AllowedOrigins, InstallInfo, PageCheck, PageCheckRequest};

use super::admin::{admin_of, signed_in_admin};
use super::page_check::{PageFetcher, resolve, script_tags};
use super::{ApiError, json_rejection};
use crate::origin::{MAX_ORIGINS, normalize_pattern, normalize_patterns, origin_allowed, origin_of_url};
use crate::registry::TenantRecord;
use crate::tenant::{AdminOp, TenantHandle, Tenants};

/// State of the install endpoints.
#[derive(Debug, Clone)]
pub struct InstallState {
    pub tenants: Tenants,
    /// The relay's own origins; the first is the configured public one.
    pub own_origins: Arc<Vec<String>>,
    pub fetcher: PageFetcher,
}

/// The signed-in admin's tenant and its registry record.
async fn admin_record(state: &InstallState, headers: &HeaderMap) -> Result<(TenantHandle, TenantRecord), ApiError> {
    let tenant = admin_of(&state.tenants, headers).await?;
    let record = state.tenants.registry().tenant(tenant.id()).await?.ok_or_else(ApiError::unknown_tenant)?;
    Ok((tenant, record))
}

pub async fn get_origins(
    State(state): State<InstallState>,
    headers: HeaderMap,
) -> Result<Json<AllowedOrigins>, ApiError> {
    let (_, record) = admin_record(&state, &headers).await?;
    Ok(Json(AllowedOrigins { origins: record.allowed_origins }))
}

pub async fn put_origins(
    State(state): State<InstallState>,
    headers: HeaderMap,
    body: Result<Json<AllowedOrigins>, JsonRejection>,
) -> Result<Json<AllowedOrigins>, ApiError> {
    let (tenant, by) = signed_in_admin(&state.tenants, &headers).await?;
    let Json(AllowedOrigins { origins }) = body.map_err(json_rejection)?;
    if origins.len() > MAX_ORIGINS {
        return Err(ApiError::invalid_field("origins", format!("at most {MAX_ORIGINS} origins")));
    }
    let origins = normalize_patterns(&origins)
        .map_err(|(i, e)| ApiError::invalid_field(format!("origins[{i}]"), format!("{:?} {e}", origins[i].trim())))?;
    if !state.tenants.registry().set_origins(tenant.id(), origins.clone()).await? {
        return Err(ApiError::unknown_tenant());
    }
    let (by, detail) = (by.id, serde_json::json!({ "origins": origins }));
    tenant.admin(|reply| AdminOp::Audit { by, action: "workspace.origins", detail, reply }).await?;
    tracing::info!(tenant = %tenant.id(), origins = ?origins, "allowed origins changed");
    Ok(Json(AllowedOrigins { origins }))
}

pub async fn info(State(state): State<InstallState>, headers: HeaderMap) -> Result<Json<InstallInfo>, ApiError> {
    let (tenant, record) = admin_record(&state, &headers).await?;
    let relay_origin = relay_origin(&state.own_origins, &headers);
    Ok(Json(InstallInfo {
        script_tag: format!(r#"<script src="{relay_origin}/embed.js" data-tenant="{}" async></script>"#, tenant.id()),
        relay_origin,
        refused: still_refused(&state, &record),
        origins: record.allowed_origins,
    }))
}

pub async fn check_page(
    State(state): State<InstallState>,
    headers: HeaderMap,
    body: Result<Json<PageCheckRequest>, JsonRejection>,
) -> Result<Json<PageCheck>, ApiError> {
    let (tenant, record) = admin_record(&state, &headers).await?;
    let Json(PageCheckRequest { url }) = body.map_err(json_rejection)?;
    let url = with_scheme(url.trim());
    origin_of_url(&url).ok_or_else(|| bad_url(&url))?;
    let page = state.fetcher.fetch(&url).await?;
    // After redirects, the page that would embed the widget is the final one.
    let origin = origin_of_url(&page.url).ok_or_else(|| bad_url(&page.url))?;
    let own = &state.own_origins;
    let loaders: Vec<Option<String>> = script_tags(&page.html)
        .into_iter()
        .filter(|tag| is_loader(&resolve(&tag.src, &origin), own))
        .map(|tag| tag.tenant)
        .collect();
    let mut tenants_found: Vec<String> = Vec::new();
    for tenant in loaders.iter().flatten() {
        if !tenants_found.contains(tenant) {
            tenants_found.push(tenant.clone());
        }
    }
    Ok(Json(PageCheck {
        origin_allowed: origin_allowed(&record.allowed_origins, &origin) || origin_allowed(own, &origin),
        origin,
        status: page.status,
        has_loader: !loaders.is_empty(),
        names_tenant: tenants_found.iter().any(|t| t == tenant.id().as_str()),
        tenants_found,
    }))
}

/// The tenant's refused embeds, less those of origins it allows now (they no
/// longer explain anything; allowed also by `natter tenant origins` meanwhile).
fn still_refused(state: &InstallState, record: &TenantRecord) -> Vec<natter_protocol::RefusedEmbed> {
    let log = state.tenants.registry().refused().list(&record.id);
    log.into_iter().filter(|r| r.origin.is_empty() || !origin_allowed(&record.allowed_origins, &r.origin)).collect()
}

/// `shop.example/cart` is taken as `https://shop.example/cart`, as a browser would.
fn with_scheme(url: &str) -> String {
    if url.contains("://") { url.to_owned() } else { format!("https://{url}") }
}

fn bad_url(url: &str) -> ApiError {
    let shown: String = url.chars().take(200).collect();
    ApiError::invalid_field("url", format!("{shown:?} is not an http:// or https:// page address"))
}

/// Whether a resolved script URL is this relay's `embed.js`.
fn is_loader(src: &str, own_origins: &[String]) -> bool {
    let path_start = src.find("://").map_or(0, |i| i + 3);
    let Some(slash) = src[path_start..].find('/').map(|i| path_start + i) else { return false };
    let path = src[slash..].split(['?', '#']).next().unwrap_or_default();
    path == "/embed.js" && normalize_pattern(&src[..slash]).is_ok_and(|o| origin_allowed(own_origins, &o))
}

/// The relay's origin as the console's browser reaches it: the own origin whose
/// host the request used, else the first (configured public) one.
fn relay_origin(own_origins: &[String], headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let authority = |o: &&String| o.split_once("://").map(|(_, a)| a.eq_ignore_ascii_case(host)).unwrap_or(false);
    own_origins.iter().find(authority).or(own_origins.first()).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_relays_embed_js_counts_as_the_loader() {
        let own = vec!["https://chat.example".to_owned(), "http://127.0.0.1:8080".to_owned()];
        assert!(is_loader("https://chat.example/embed.js", &own));
        assert!(is_loader("https://CHAT.example:443/embed.js?v=2", &own));
        assert!(is_loader("http://127.0.0.1:8080/embed.js", &own));
        assert!(!is_loader("https://other.example/embed.js", &own));
        assert!(!is_loader("https://chat.example/embed.json", &own));
        assert!(!is_loader("https://chat.example", &own));
    }

    #[test]
    fn the_script_tag_uses_the_origin_the_console_came_through() {
        let own = vec!["https://chat.example".to_owned(), "http://localhost:8080".to_owned()];
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "localhost:8080".parse().unwrap());
        assert_eq!(relay_origin(&own, &h), "http://localhost:8080");
        h.insert(header::HOST, "10.0.0.5".parse().unwrap());
        assert_eq!(relay_origin(&own, &h), "https://chat.example");
    }
}
