//! The Natter relay as a library: `run(listener, config, shutdown)` serves the
//! visitor and agent WebSockets, the HTTP API and the web assets (through the
//! accept loop of `net`) until `shutdown` resolves, then closes every socket,
//! lets every tenant actor commit, and returns.
//! `main.rs` is a thin command-line wrapper; tests call `run` on port 0.

pub mod auth;
pub mod backup;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod data_dir;
pub mod files;
pub mod http;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod net;
pub mod origin;
pub mod outbox;
pub mod refused;
pub mod registry;
pub mod settings;
pub mod store;
pub mod tenant;
pub mod time;
pub mod web;
pub mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::client_addr::ClientAddrs;
use crate::auth::throttle::{HashSlots, LoginThrottle};
use crate::auth::visitor_token::VisitorTokens;
pub use crate::config::Config;
use crate::registry::Registry;
use crate::store::StoreError;
use crate::tenant::{ActorSettings, Tenants};

/// Why the relay could not start or stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("data directory {path}: {source}")]
    DataDir { path: std::path::PathBuf, source: std::io::Error },
    #[error(transparent)]
    Dir(#[from] data_dir::DirError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("serving: {0}")]
    Serve(std::io::Error),
}

/// The storage side of the relay, opened from a data directory. Used by `run`
/// and by the command line's tenant and agent commands.
#[derive(Debug, Clone)]
pub struct Storage {
    pub tenants: Tenants,
    pub tokens: VisitorTokens,
    /// Files in chat outside the actors: receiving, checking, links.
    pub files: files::FileService,
    /// Signed links to the rating page (`RatingLinks::url` builds the one a
    /// reminder email carries).
    pub rating_links: auth::rating_link::RatingLinks,
    /// Email outside the actors: the password key, reply tokens, inbound token.
    pub mail: mail::MailService,
    /// This process's hold on the data directory.
    _lock: Arc<data_dir::DirLock>,
}

impl Storage {
    pub async fn open(config: &Config) -> Result<Self, RunError> {
        let dir = &config.data_dir;
        let io = |source| RunError::DataDir { path: dir.clone(), source };
        let lock = Arc::new(data_dir::open(dir)?);
        let secret = auth::secret::load_or_create(dir).map_err(io)?;
        let tokens = VisitorTokens::new(&secret, config.visitor_token_ttl);
        let rating_links = auth::rating_link::RatingLinks::new(&secret);
        let files = files::FileService::new(dir, config.files.clone(), &secret, config.clock.clone());
        let public_origin = config.public_origins.first().map(|o| Arc::<str>::from(o.as_str()));
        let mail = mail::MailService::open(dir, &secret, rating_links.clone(), public_origin).map_err(io)?;
        // Nothing can be uploading yet: what is in the temporary directories
        // was interrupted by a crash.
        let swept = files::disk::sweep_all_tmp(&dir.join("tenants")).map_err(io)?;
        if swept > 0 {
            tracing::info!(files = swept, "removed interrupted uploads");
        }
        let registry = Registry::open(dir).await?;
        let settings = ActorSettings {
            tokens: tokens.clone(),
            sessions: config.sessions.clone(),
            max_text_bytes: config.limits.max_text_bytes,
            conversations_per_visitor_hour: config.limits.conversations_per_visitor_hour,
            housekeeping_every: config.housekeeping_every,
            files: tenant::FileSettings {
                tenants_dir: dir.join("tenants"),
                links: files.links().clone(),
                quota_bytes: config.files.quota_bytes,
                unattached_grace: config.files.unattached_grace,
            },
            mail: mail.clone(),
            clock: config.clock.clone(),
        };
        let tenants = Tenants::new(registry, dir, settings)?;
        Ok(Self { tenants, tokens, files, rating_links, mail, _lock: lock })
    }
}

/// Serves on `listener` until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let storage = Storage::open(&config).await?;
    let local = listener.local_addr().map_err(RunError::Serve)?;
    let own_origins = Arc::new(own_origins(&config, local));
    let limits = Arc::new(config.limits.clone());
    let stop = CancellationToken::new();
    let client_addrs = Arc::new(ClientAddrs::new(config.trusted_proxies.clone(), config.forwarded_header));

    let sockets = ws::Sockets::new(
        storage.tenants.clone(),
        storage.tokens.clone(),
        limits.clone(),
        own_origins.clone(),
        client_addrs.clone(),
        stop.clone(),
    );
    let auth = http::AuthState {
        tenants: storage.tenants.clone(),
        throttle: Arc::new(LoginThrottle::new(limits.login_throttle())),
        hash_slots: HashSlots::new(limits.login_concurrent_hashes),
        client_addrs,
        idle_timeout_secs: config.sessions.idle_timeout.as_secs(),
        decoy_hash: Arc::new(decoy_hash(config.password_iterations).await),
        password_iterations: config.password_iterations,
    };
    let widget = http::WidgetState {
        tenants: storage.tenants.clone(),
        own_origins: own_origins.clone(),
        max_upload_bytes: config.files.max_upload_bytes,
    };
    // The first own origin is the configured public one, else the listening address.
    let public_origin = own_origins.first().cloned().unwrap_or_default();
    let file_routes = http::FileState {
        tenants: storage.tenants.clone(),
        files: storage.files.clone(),
        tokens: storage.tokens.clone(),
        own_origins: own_origins.clone(),
    };
    let ratings = http::RatingPageState {
        tenants: storage.tenants.clone(),
        links: storage.rating_links.clone(),
        clock: config.clock.clone(),
    };
    let app = http::routes(auth, widget, storage.tenants.registry().clone(), ratings)
        .merge(http::file_routes(file_routes))
        .merge(http::email_routes(http::EmailState {
            tenants: storage.tenants.clone(),
            mail: storage.mail.clone(),
            clock: config.clock.clone(),
        }))
        .merge(ws::routes(sockets))
        .merge(web::router(storage.tenants.registry().clone(), public_origin));
    let app = http::with_request_tracing(app);

    let tenants = storage.tenants.clone();
    tokio::spawn(async move {
        match tenants.resume_email().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(tenants = n, "resumed sending queued emails"),
            Err(e) => tracing::error!(error = %e, "could not look for queued emails"),
        }
    });
    tracing::info!(addr = %local, "natter relay serving");
    let stop_on_signal = stop.clone();
    let shutdown = async move {
        shutdown.await;
        tracing::info!("shutting down: closing sockets");
        stop_on_signal.cancel();
    };
    net::serve(listener, app, &config.connections, shutdown).await;
    storage.tenants.shutdown().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// The configured public origins plus those of the listening address.
pub fn own_origins(config: &Config, local: SocketAddr) -> Vec<String> {
    let mut origins = config.public_origins.clone();
    let port = local.port();
    if local.ip().is_unspecified() || local.ip().is_loopback() {
        origins.push(format!("http://127.0.0.1:{port}"));
        origins.push(format!("http://localhost:{port}"));
    } else {
        origins.push(format!("http://{local}"));
    }
    origins
}

async fn decoy_hash(iterations: u32) -> String {
    let started = Instant::now();
    let hash = tokio::task::spawn_blocking(move || auth::password::decoy_hash(iterations)).await.unwrap_or_default();
    tracing::debug!(elapsed = ?started.elapsed(), "decoy password hash ready");
    hash
}
