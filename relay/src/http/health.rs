//! `GET /healthz` (the process answers) and `GET /readyz` (the tenant registry
//! answers a query and the data directory takes writes).

use axum::extract::State;
use axum::http::StatusCode;

use crate::registry::Registry;

pub async fn healthz() -> &'static str {
    "ok\n"
}

pub async fn readyz(State(registry): State<Registry>) -> (StatusCode, &'static str) {
    match registry.ping().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "storage unavailable\n")
        }
    }
}
