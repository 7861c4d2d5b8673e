//! The HTTP API: sign-in, past conversations, health, public widget config, and the JSON 404 for
//! unknown `/v1` paths. Each group of handlers gets only the state it needs. Also the layers
//! every request of the relay goes through (request id, tracing).

mod admin;
mod agent_auth;
mod canned;
mod conversations;
mod email;
mod error;
mod exports;
mod files;
mod health;
mod install;
mod metrics_api;
mod page_check;
mod rating_page;
mod tags;
mod team;
mod unsubscribe;
mod widget_config;
mod workspace;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderName;
use axum::routing::{delete, get, post, put};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, TraceLayer};

pub use agent_auth::AuthState;
pub use email::{EmailState, routes as email_routes};
pub use error::{ApiError, json_rejection};
pub use files::{FileState, routes as file_routes};
pub use rating_page::RatingPageState;
pub use widget_config::WidgetState;

use crate::registry::Registry;

/// Routes of the HTTP API.
pub fn routes(auth: AuthState, widget: WidgetState, registry: Registry, ratings: RatingPageState) -> Router {
    let auth_routes = Router::new()
        .route("/v1/agent/login", post(agent_auth::login))
        .route("/v1/agent/logout", post(agent_auth::logout))
        .route("/v1/agent/invitations/accept", post(agent_auth::accept_invitation))
        .route("/v1/admin/invitations", get(team::pending_invitations).post(team::invite))
        .route("/v1/admin/invitations/{email}", delete(team::withdraw_invitation))
        .route("/v1/agent/me", get(agent_auth::me))
        .route("/v1/agent/conversations", get(conversations::find))
        .route("/v1/agent/canned", get(canned::list).post(canned::create))
        .route("/v1/agent/canned/export", get(canned::export))
        .route(
            "/v1/agent/canned/import",
            post(canned::import).layer(axum::extract::DefaultBodyLimit::max(canned::MAX_IMPORT_BYTES)),
        )
        .route("/v1/agent/canned/{id}", put(canned::update).delete(canned::delete))
        .route("/v1/agent/canned/{id}/use", post(canned::used))
        .route("/v1/agent/conversations/{id}/assignments", get(conversations::assignments))
        .route("/v1/admin/settings", get(admin::get_settings).put(admin::put_settings))
        .route("/v1/admin/agents", get(team::list_agents).post(team::create_agent))
        .route("/v1/admin/agents/{id}", put(team::update_agent))
        .route("/v1/admin/agents/{id}/password", put(team::reset_password))
        .route("/v1/admin/agents/{id}/active", put(team::set_active))
        .route("/v1/admin/identity", get(workspace::identity_secret))
        .route("/v1/admin/identity/rotate", post(workspace::rotate_identity))
        .route("/v1/admin/workspace", get(workspace::get_workspace).put(workspace::put_workspace))
        .route("/v1/admin/tags", post(tags::create))
        .route("/v1/admin/tags/{id}", put(tags::update).delete(tags::delete))
        .route("/v1/admin/metrics/live", get(metrics_api::live))
        .route("/v1/admin/metrics/summary", get(metrics_api::summary))
        .route("/v1/admin/metrics/trends", get(metrics_api::trends))
        .route("/v1/admin/metrics/heatmap", get(metrics_api::heatmap))
        .route("/v1/admin/metrics/agents", get(metrics_api::agents))
        .route("/v1/admin/metrics/breakdown", get(metrics_api::breakdown))
        .route("/v1/admin/ratings", get(metrics_api::ratings))
        .route("/v1/admin/exports/{name}", get(exports::export))
        .with_state(auth);
    let install = install::InstallState {
        tenants: widget.tenants.clone(),
        own_origins: widget.own_origins.clone(),
        fetcher: page_check::PageFetcher::new(),
    };
    let install_routes = Router::new()
        .route("/v1/admin/origins", get(install::get_origins).put(install::put_origins))
        .route("/v1/admin/install", get(install::info))
        .route("/v1/admin/install/check", post(install::check_page))
        .with_state(install);
    let widget_routes =
        Router::new().route("/v1/widget/{tenant}/config", get(widget_config::config)).with_state(widget);
    let health_routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(registry);
    let rating_routes =
        Router::new().route("/r/{token}", get(rating_page::show).post(rating_page::submit)).with_state(ratings);
    Router::new()
        .merge(auth_routes)
        .merge(rating_routes)
        .merge(install_routes)
        .merge(widget_routes)
        .merge(health_routes)
        .route("/v1/{*rest}", axum::routing::any(|| async { ApiError::not_found() }))
}

/// Longest client-sent `x-request-id` kept; a longer or odd one is replaced.
const MAX_REQUEST_ID: usize = 64;

/// The layers every request goes through: a request id (the client's or a
/// proxy's `x-request-id` if it is short and plain, else a new UUID), returned
/// in the response and carried by the request's log span with the method and
/// path. Never the headers or the query: headers carry session tokens.
/// `NATTER_LOG=info,tower_http=debug` logs a line per request and response.
pub fn with_request_tracing(app: Router) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    app.route_layer(axum::middleware::from_fn(count_request)).layer(
        ServiceBuilder::new()
            .map_request(drop_unusable_request_id)
            .layer(SetRequestIdLayer::new(x_request_id.clone(), MakeRequestUuid))
            .layer(PropagateRequestIdLayer::new(x_request_id))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    // Handlers log their own failures; a 503 at a cap is not one.
                    .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
            ),
    )
}

/// Counts a routed request by its route pattern (never the raw path: ids and
/// tenants would make every request a series of its own) and status.
async fn count_request(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    let route =
        request.extensions().get::<axum::extract::MatchedPath>().map_or_else(String::new, |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(crate::metrics::HTTP_REQUESTS, "route" => route, "status" => status).increment(1);
    response
}

fn request_span(request: &Request) -> tracing::Span {
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
    // A rating link's path is a capability: never logged.
    let path = request.uri().path();
    let path = if path.starts_with("/r/") { "/r/…" } else { path };
    tracing::info_span!("request", request_id = id, method = %request.method(), path = path)
}

fn drop_unusable_request_id(mut request: Request) -> Request {
    let usable = request.headers().get("x-request-id").is_none_or(|id| {
        id.len() <= MAX_REQUEST_ID && id.as_bytes().iter().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
    });
    if !usable {
        request.headers_mut().remove("x-request-id");
    }
    request
}
