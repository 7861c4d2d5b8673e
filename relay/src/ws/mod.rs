//! The two WebSocket endpoints, `/v1/ws/visitor` and `/v1/ws/agent`: upgrade
//! checks (tenant, Origin, connection budgets), buffer sizes, then `socket::serve`.
//!
//! Visitors and agents have separate budgets, so anonymous visitors cannot
//! take the console's place; each visitor address has a cap of its own, and
//! so do agent sockets that have not yet shown a session (before `hello` an
//! agent socket is anyone's).

mod agent;
mod decode;
mod new_visitors;
mod per_address;
mod rate;
mod socket;
mod visitor;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::HeaderMap;
use axum::routing::get;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::auth::client_addr::ClientAddrs;
use crate::auth::visitor_token::VisitorTokens;
use crate::config::Limits;
use crate::http::ApiError;
use crate::tenant::Tenants;

pub use decode::decode;
use per_address::{AddressSlot, PerAddress};

/// State shared by the socket endpoints.
#[derive(Debug, Clone)]
pub struct Sockets {
    tenants: Tenants,
    tokens: VisitorTokens,
    limits: Arc<Limits>,
    /// The relay's own origins (where the console and the widget frame live).
    own_origins: Arc<Vec<String>>,
    /// Who the client is behind trusted proxies (the per-address caps' key).
    client_addrs: Arc<ClientAddrs>,
    visitor_slots: Arc<Semaphore>,
    agent_slots: Arc<Semaphore>,
    visitors_per_address: Arc<PerAddress>,
    unauthenticated_agents_per_address: Arc<PerAddress>,
    new_visitors: Arc<new_visitors::NewVisitorRate>,
    next_conn: Arc<AtomicU64>,
    shutdown: CancellationToken,
}

/// Which budget a socket draws on.
#[derive(Debug, Clone, Copy)]
enum Audience {
    Visitor,
    Agent,
}

impl Sockets {
    pub fn new(
        tenants: Tenants,
        tokens: VisitorTokens,
        limits: Arc<Limits>,
        own_origins: Arc<Vec<String>>,
        client_addrs: Arc<ClientAddrs>,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            tenants,
            tokens,
            own_origins,
            client_addrs,
            visitor_slots: Arc::new(Semaphore::new(limits.max_connections)),
            agent_slots: Arc::new(Semaphore::new(limits.max_agent_connections)),
            visitors_per_address: PerAddress::new(limits.max_visitor_connections_per_ip, "visitor sockets"),
            unauthenticated_agents_per_address: PerAddress::new(
                limits.max_unauthenticated_agent_sockets_per_ip,
                "agent sockets awaiting hello",
            ),
            new_visitors: Arc::new(new_visitors::NewVisitorRate::new(limits.new_visitors_per_ip_hour)),
            limits,
            next_conn: Arc::new(AtomicU64::new(1)),
            shutdown,
        }
    }

    /// Open sockets right now, visitors' and agents'.
    pub fn open_count(&self) -> usize {
        (self.limits.max_connections - self.visitor_slots.available_permits())
            + (self.limits.max_agent_connections - self.agent_slots.available_permits())
    }

    fn client_ip(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        self.client_addrs.client_ip(peer, headers)
    }

    /// The slots a new socket from `ip` holds: one of its audience's budget and,
    /// for a visitor, one of its address's (for life); for an agent, one of its
    /// address's unauthenticated sockets (until its `hello` is accepted).
    fn take_slots(&self, audience: Audience, ip: IpAddr) -> Result<(SocketSlots, Option<AddressSlot>), ApiError> {
        let (per_address, budget) = match audience {
            Audience::Visitor => (&self.visitors_per_address, &self.visitor_slots),
            Audience::Agent => (&self.unauthenticated_agents_per_address, &self.agent_slots),
        };
        let address = per_address.try_take(ip).ok_or_else(too_many_from_address)?;
        let permit = budget.clone().try_acquire_owned().map_err(|_| ApiError::too_many_connections())?;
        Ok(match audience {
            Audience::Visitor => (SocketSlots { _permit: permit, _address: Some(address) }, None),
            Audience::Agent => (SocketSlots { _permit: permit, _address: None }, Some(address)),
        })
    }

    /// Read chunk of a visitor socket.
    const VISITOR_READ_BUFFER: usize = 512;
    /// Read chunk of an agent socket.
    const AGENT_READ_BUFFER: usize = 4096;

    fn socket_ctx(&self, (slots, until_hello): (SocketSlots, Option<AddressSlot>)) -> socket::SocketCtx {
        socket::SocketCtx {
            conn: self.next_conn.fetch_add(1, Ordering::Relaxed),
            limits: self.limits.clone(),
            shutdown: self.shutdown.clone(),
            slots,
            until_hello,
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

/// What a socket holds for its lifetime: its place in its audience's budget
/// and, for a visitor, in its address's.
#[derive(Debug)]
pub struct SocketSlots {
    _permit: OwnedSemaphorePermit,
    _address: Option<AddressSlot>,
}

fn too_many_from_address() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        natter_protocol::ErrorCode::TooManyConnections,
        "too many sockets from this address",
    )
    .retry_after(5)
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
