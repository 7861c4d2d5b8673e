//! The two WebSocket endpoints, `/v1/ws/visitor` and `/v1/ws/agent`: upgrade
//! checks (tenant, Origin, connection cap), buffer sizes, then `socket::serve`.

mod agent;
mod decode;
mod rate;
mod socket;
mod visitor;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::HeaderMap;
use axum::routing::get;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::auth::visitor_token::VisitorTokens;
use crate::config::Limits;
use crate::http::ApiError;
use crate::tenant::Tenants;

pub use decode::decode;

/// State shared by the socket endpoints.
#[derive(Debug, Clone)]
pub struct Sockets {
    tenants: Tenants,
    tokens: VisitorTokens,
    limits: Arc<Limits>,
    /// The relay's own origins (where the console and the widget frame live).
    own_origins: Arc<Vec<String>>,
    slots: Arc<Semaphore>,
    next_conn: Arc<AtomicU64>,
    shutdown: CancellationToken,
}

impl Sockets {
    pub fn new(
        tenants: Tenants,
        tokens: VisitorTokens,
        limits: Arc<Limits>,
        own_origins: Arc<Vec<String>>,
        shutdown: CancellationToken,
    ) -> Self {
        let slots = Arc::new(Semaphore::new(limits.max_connections));
        Self { tenants, tokens, limits, own_origins, slots, next_conn: Arc::new(AtomicU64::new(1)), shutdown }
    }

    /// Open sockets right now.
    pub fn open_count(&self) -> usize {
        self.limits.max_connections - self.slots.available_permits()
    }

    fn take_slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.slots.clone().try_acquire_owned().map_err(|_| ApiError::too_many_connections())
    }

    /// Read chunk of a visitor socket.
    const VISITOR_READ_BUFFER: usize = 512;
    /// Read chunk of an agent socket.
    const AGENT_READ_BUFFER: usize = 4096;

    fn socket_ctx(&self, permit: OwnedSemaphorePermit) -> socket::SocketCtx {
        socket::SocketCtx {
            conn: self.next_conn.fetch_add(1, Ordering::Relaxed),
            limits: self.limits.clone(),
            shutdown: self.shutdown.clone(),
            permit,
        }
    }

    /// Applies the relay's buffer and message-size limits to an upgrade.
    /// axum's defaults (128 KiB read buffer, 64 MiB messages) would cost ~137 KB
    /// per idle socket and let one client make us buffer 64 MiB. The read buffer
    /// is a chunk size, not a limit: a longer frame takes more reads. Visitors
    /// are most sockets and send small frames, so theirs is 512 B (each KiB is
    /// ~1 KB per idle socket, `natter-bench idle`, BENCHMARKS.md); agents, few
    /// and busier, read 4 KiB at a time.
    fn configure(&self, ws: WebSocketUpgrade, read_buffer: usize) -> WebSocketUpgrade {
        // Frames between max_frame_bytes and this hard cap get a typed
        // `frame_too_large` error; above it the socket closes with 1009.
        let hard_cap = self.limits.max_frame_bytes.saturating_mul(4).max(1024);
        ws.read_buffer_size(read_buffer)
            .write_buffer_size(0)
            .max_write_buffer_size(1 << 20)
            .max_message_size(hard_cap)
            .max_frame_size(hard_cap)
    }
}

/// Routes for both socket endpoints.
pub fn routes(sockets: Sockets) -> Router {
    Router::new()
        .route("/v1/ws/visitor", get(visitor::upgrade))
        .route("/v1/ws/agent", get(agent::upgrade))
        .with_state(sockets)
}

fn origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::ORIGIN).and_then(|v| v.to_str().ok())
}

fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| crate::tenant::clip(s, 512))
}
