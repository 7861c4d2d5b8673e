//! The relay's runtime configuration, after flags, environment and file have been
//! merged (that merging lives in `settings`). Every limit is explicit here, and
//! its default is here only.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::time::Duration;

/// Everything `run` needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where `registry.db`, `secret.key` and `tenants/*.db` live.
    pub data_dir: PathBuf,
    /// Origins (scheme://host:port) the relay is reached at, e.g. behind a proxy.
    /// The agent console must come from one of these; visitor frames too. The
    /// listening address's own origins are always added.
    pub public_origins: Vec<String>,
    /// Reverse proxies whose forwarding header names the client's address (for
    /// the sign-in throttle and the per-address socket caps); from any other
    /// peer, forwarding headers are ignored. By default loopback (a proxy on
    /// the same host; only a local process could forge the header).
    pub trusted_proxies: Vec<crate::auth::client_addr::Cidr>,
    /// The header those proxies write the client's address to.
    pub forwarded_header: crate::auth::client_addr::ForwardedHeader,
    /// Where `/metrics` is served (Prometheus text); `None`: nowhere.
    pub metrics_listen: Option<std::net::SocketAddr>,
    pub limits: Limits,
    /// Files in chat: sizes, quota, rates, links, the malware scanner.
    pub files: FileLimits,
    /// Timeouts and caps of TCP connections, before and around HTTP.
    pub connections: ConnectionPolicy,
    pub sessions: SessionPolicy,
    /// How long a visitor token stays valid (renewed on every connection).
    pub visitor_token_ttl: Duration,
    /// PBKDF2 iterations for new password hashes.
    pub password_iterations: u32,
    /// How often tenants run their timeouts (sessions, abandoned visitors,
    /// inactive chats, auto-away, offline grace). Tests shorten it.
    pub housekeeping_every: Duration,
    /// Time source of the tenant actors; tests use a manual clock.
    pub clock: crate::time::Clock,
}

/// Resource limits for sockets and requests.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest WebSocket frame accepted, in bytes; larger ones get `frame_too_large`.
    pub max_frame_bytes: usize,
    /// Longest message text, in bytes of UTF-8.
    pub max_text_bytes: usize,
    /// Open visitor sockets across all tenants; more are refused with 503.
    pub max_connections: usize,
    /// Open agent sockets across all tenants: a budget of their own, so
    /// visitors cannot take the console's place.
    pub max_agent_connections: usize,
    /// Open visitor sockets from one client address. 0: no cap.
    pub max_visitor_connections_per_ip: usize,
    /// Agent sockets from one client address that have not yet sent a valid
    /// `hello`. 0: no cap.
    pub max_unauthenticated_agent_sockets_per_ip: usize,
    /// Sustained frames per second a socket may send.
    pub frames_per_sec: u32,
    /// Frames a socket may send in a burst above the sustained rate.
    pub frame_burst: u32,
    /// Bytes queued for a socket above which a reader that makes no progress for
    /// `outbound_stall` is a slow consumer and is dropped.
    pub outbound_soft_bytes: usize,
    /// Bytes queued for a socket above which it is dropped at once. Replays are
    /// paced and updates coalesced, so a reader that reads never gets here.
    pub outbound_hard_bytes: usize,
    /// How long a socket over `outbound_soft_bytes` may go without writing anything.
    pub outbound_stall: Duration,
    /// How often the relay pings an idle socket.
    pub ping_interval: Duration,
    /// A socket silent for this long (no frame, no pong) is considered dead.
    pub dead_peer_timeout: Duration,
    /// Failed sign-ins per (account, client address) before growing delays.
    pub login_max_failures: u32,
    /// How long failed sign-ins are remembered; also the longest delay.
    pub login_window: Duration,
    /// Failed sign-ins from one client address, across accounts, per window.
    pub login_client_max_failures: u32,
    /// Failed sign-ins against one account, across addresses, per window,
    /// after which only addresses that signed in to it before may try.
    pub login_account_max_failures: u32,
    /// Password hashes (sign-ins) running at once; more get `429 rate_limited`.
    pub login_concurrent_hashes: usize,
    /// Conversations one visitor may open per hour; more are refused with
    /// `rate_limited` (a script opening conversations in a loop floods the queue).
    pub conversations_per_visitor_hour: u32,
}

/// Limits and services of files in chat (`relay/src/files/`).
#[derive(Debug, Clone)]
pub struct FileLimits {
    /// Largest upload in bytes, whatever a tenant allows (tenants choose up to 100 MB).
    pub max_upload_bytes: u64,
    /// Bytes of stored files per tenant (deduplicated content counts once).
    pub quota_bytes: u64,
    /// Uploads one visitor may start per minute (a token bucket of this size).
    pub uploads_per_visitor_minute: u32,
    /// How long a download link stays valid from when it is minted.
    pub link_ttl: Duration,
    /// An upload not attached to a message this long after it was stored is deleted.
    pub unattached_grace: Duration,
    /// Where clamd listens (its `INSTREAM` command scans every upload).
    pub clamd: crate::files::ClamdAddr,
    /// How long a scan may take before the scanner counts as unreachable.
    pub scan_timeout: Duration,
}

impl Default for FileLimits {
    fn default() -> Self {
        Self {
            max_upload_bytes: 25_000_000,
            quota_bytes: 1_024_000_000,
            uploads_per_visitor_minute: 10,
            link_ttl: Duration::from_secs(900),
            unattached_grace: Duration::from_secs(24 * 3600),
            clamd: crate::files::ClamdAddr::default(),
            scan_timeout: Duration::from_secs(60),
        }
    }
}

/// What a TCP connection may do before it is closed. Enforced by the accept
/// loop (`net`), below HTTP, so they hold for every route and for WebSockets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionPolicy {
    /// A request's head (request line and headers) must arrive within this,
    /// counted from its first byte, or from the connect for a new connection.
    /// A client trickling a header line every few seconds is closed.
    pub header_timeout: Duration,
    /// An HTTP connection with no request in progress is closed after this
    /// (keep-alive between requests).
    pub keepalive_timeout: Duration,
    /// After a WebSocket upgrade, the client must send its first bytes within this.
    pub upgrade_timeout: Duration,
    /// Open connections (HTTP and WebSocket) from one IP address; the next one
    /// gets `503 too_many_connections` and is closed. 0: no cap.
    pub max_per_ip: usize,
    /// Addresses the per-IP cap does not apply to: a reverse proxy's (all its
    /// clients arrive from it) and, by default, loopback (a proxy on the same
    /// host, benchmarks).
    pub per_ip_exempt: Vec<IpAddr>,
}

impl Default for ConnectionPolicy {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            keepalive_timeout: Duration::from_secs(75),
            upgrade_timeout: Duration::from_secs(10),
            max_per_ip: 1_000,
            per_ip_exempt: vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()],
        }
    }
}

/// Agent session lifetimes.
#[derive(Debug, Clone)]
pub struct SessionPolicy {
    /// A session unused for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame_bytes: 16 * 1024,
            max_text_bytes: natter_protocol::DEFAULT_MAX_TEXT_BYTES,
            max_connections: 20_000,
            max_agent_connections: 2_000,
            max_visitor_connections_per_ip: 100,
            max_unauthenticated_agent_sockets_per_ip: 20,
            frames_per_sec: 10,
            frame_burst: 40,
            outbound_soft_bytes: 256 * 1024,
            outbound_hard_bytes: 4 * 1024 * 1024,
            outbound_stall: Duration::from_secs(10),
            ping_interval: Duration::from_secs(20),
            dead_peer_timeout: Duration::from_secs(60),
            login_max_failures: 5,
            login_window: Duration::from_secs(15 * 60),
            login_client_max_failures: 25,
            login_account_max_failures: 100,
            login_concurrent_hashes: 8,
            conversations_per_visitor_hour: 20,
        }
    }
}

impl Limits {
    /// The byte limits of one socket's outgoing queue.
    pub fn outbox(&self) -> crate::outbox::OutboxLimits {
        crate::outbox::OutboxLimits {
            soft_bytes: self.outbound_soft_bytes,
            hard_bytes: self.outbound_hard_bytes,
            stall: self.outbound_stall,
        }
    }

    /// The sign-in throttle's limits.
    pub fn login_throttle(&self) -> crate::auth::throttle::ThrottlePolicy {
        crate::auth::throttle::ThrottlePolicy {
            free_failures: self.login_max_failures,
            window: self.login_window,
            client_max_failures: self.login_client_max_failures,
            account_max_failures: self.login_account_max_failures,
        }
    }
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle_timeout: Duration::from_secs(30 * 60), absolute_timeout: Duration::from_secs(12 * 3600) }
    }
}

impl Config {
    /// Defaults for everything but the data directory.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            public_origins: Vec::new(),
            trusted_proxies: crate::auth::client_addr::Cidr::loopback(),
            forwarded_header: Default::default(),
            metrics_listen: None,
            limits: Limits::default(),
            files: FileLimits::default(),
            connections: ConnectionPolicy::default(),
            sessions: SessionPolicy::default(),
            visitor_token_ttl: Duration::from_secs(180 * 24 * 3600),
            password_iterations: crate::auth::password::DEFAULT_ITERATIONS,
            housekeeping_every: Duration::from_secs(15),
            clock: crate::time::Clock::system(),
        }
    }
}
