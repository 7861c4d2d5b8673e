//! The HTTP API: sign-in, past conversations, health, public widget config, and the JSON 404 for
//! unknown `/v1` paths. Each group of handlers gets only the state it needs.

mod admin;
mod agent_auth;
mod conversations;
mod error;
mod health;
mod install;
mod page_check;
mod widget_config;

use axum::Router;
use axum::routing::{get, post};

pub use agent_auth::AuthState;
pub use error::{ApiError, json_rejection};
pub use widget_config::WidgetState;

use crate::registry::Registry;

/// Routes of the HTTP API.
pub fn routes(auth: AuthState, widget: WidgetState, registry: Registry) -> Router {
    let auth_routes = Router::new()
        .route("/v1/agent/login", post(agent_auth::login))
        .route("/v1/agent/logout", post(agent_auth::logout))
        .route("/v1/agent/me", get(agent_auth::me))
        .route("/v1/agent/conversations", get(conversations::find))
        .route("/v1/admin/settings", get(admin::get_settings).put(admin::put_settings))
        .route("/v1/admin/agents", get(admin::list_agents))
        .route("/v1/admin/agents/{id}", axum::routing::put(admin::update_agent))
        .route("/v1/admin/identity", get(admin::identity_secret))
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
    Router::new()
        .merge(auth_routes)
        .merge(install_routes)
        .merge(widget_routes)
        .merge(health_routes)
        .route("/v1/{*rest}", axum::routing::any(|| async { ApiError::not_found() }))
}
