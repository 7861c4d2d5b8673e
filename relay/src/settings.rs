//! Every setting of `natter serve`, declared once in [`Settings`]: its field is
//! the key of the TOML file, its `#[arg]` the flag and the `NATTER_*` variable,
//! its doc comment the help. Sources are merged flag > environment (both by
//! clap) > file ([`Settings::over`]) > default. Defaults live in `config.rs`
//! (and, for the few settings outside [`Config`], in the constants below); the
//! help shows them by reading them back ([`Settings::in_force`]), so no default
//! is written twice. `natter.example.toml` lists every setting with its default
//! and a test keeps it so.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};

use crate::config::Config;

/// Where the relay listens unless told otherwise.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8080);
/// The data directory unless told otherwise (relative to the working directory).
pub const DEFAULT_DATA_DIR: &str = "natter-data";
/// The log filter unless told otherwise.
pub const DEFAULT_LOG_FILTER: &str = "info";

/// What one source (flags and environment, or the file) says. `None`: not said.
#[derive(Debug, Clone, Default, PartialEq, Args, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Directory of the registry, the secret key and the tenant databases.
    #[arg(long, env = "NATTER_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "NATTER_LISTEN", global = true, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Origin the relay is reached at from browsers, e.g. https://chat.example.com
    /// (repeat, or comma-separate in the environment). The listening address is
    /// always included.
    #[arg(long = "public-origin", env = "NATTER_PUBLIC_ORIGINS", value_delimiter = ',', global = true)]
    #[arg(value_name = "ORIGIN")]
    pub public_origins: Option<Vec<String>>,
    /// Address of a separate listener serving Prometheus metrics at /metrics
    /// (off unless given; keep it private).
    #[arg(long, env = "NATTER_METRICS_LISTEN", global = true, value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// Most open visitor WebSockets across all tenants.
    #[arg(long, env = "NATTER_MAX_CONNECTIONS", global = true, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Most open agent WebSockets across all tenants (a budget of their own, so
    /// visitors cannot crowd the console out).
    #[arg(long, env = "NATTER_MAX_AGENT_CONNECTIONS", global = true, value_name = "N")]
    pub max_agent_connections: Option<usize>,
    /// Most visitor WebSockets from one client address. 0: no cap.
    #[arg(long, env = "NATTER_MAX_VISITOR_CONNECTIONS_PER_IP", global = true, value_name = "N")]
    pub max_visitor_connections_per_ip: Option<usize>,
    /// Most agent WebSockets from one client address before their hello is
    /// accepted. 0: no cap.
    #[arg(long, env = "NATTER_MAX_UNAUTHENTICATED_AGENT_SOCKETS_PER_IP", global = true, value_name = "N")]
    pub max_unauthenticated_agent_sockets_per_ip: Option<usize>,
    /// Reverse proxies whose forwarded-for header is believed (addresses or
    /// networks such as 10.0.0.0/8; repeat, or comma-separate in the environment).
    #[arg(long = "trusted-proxy", env = "NATTER_TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    #[arg(value_name = "CIDR")]
    pub trusted_proxies: Option<Vec<String>>,
    /// The header trusted proxies name the client in: x-forwarded-for or forwarded.
    #[arg(long, env = "NATTER_FORWARDED_HEADER", global = true, value_name = "HEADER")]
    pub forwarded_header: Option<String>,
    /// Failed sign-ins of one client address across all accounts per window.
    #[arg(long, env = "NATTER_LOGIN_CLIENT_MAX_FAILURES", global = true, value_name = "N")]
    pub login_client_max_failures: Option<u32>,
    /// Failed sign-ins to one account across all addresses per window.
    #[arg(long, env = "NATTER_LOGIN_ACCOUNT_MAX_FAILURES", global = true, value_name = "N")]
    pub login_account_max_failures: Option<u32>,
    /// Password checks (PBKDF2) running at once; more wait with 429.
    #[arg(long, env = "NATTER_LOGIN_CONCURRENT_HASHES", global = true, value_name = "N")]
    pub login_concurrent_hashes: Option<usize>,
    /// Most open TCP connections (HTTP and WebSocket) from one IP address; the
    /// next gets 503 too_many_connections. 0: no cap.
    #[arg(long, env = "NATTER_MAX_CONNECTIONS_PER_IP", global = true, value_name = "N")]
    pub max_connections_per_ip: Option<usize>,
    /// Addresses exempt from --max-connections-per-ip: your reverse proxy's
    /// (repeat, or comma-separate in the environment).
    #[arg(long, env = "NATTER_PER_IP_CAP_EXEMPT", value_delimiter = ',', global = true, value_name = "IP")]
    pub per_ip_cap_exempt: Option<Vec<IpAddr>>,
    /// Seconds a client may take to send a request's head (request line and
    /// headers), from its first byte or from connecting.
    #[arg(long, env = "NATTER_HEADER_TIMEOUT_SECS", global = true, value_name = "SECS")]
    pub header_timeout_secs: Option<u64>,
    /// Seconds an idle HTTP connection is kept open between requests (keep-alive).
    /// Behind a proxy, keep it above the proxy's upstream keep-alive timeout.
    #[arg(long, env = "NATTER_KEEPALIVE_TIMEOUT_SECS", global = true, value_name = "SECS")]
    pub keepalive_timeout_secs: Option<u64>,
    /// Seconds within which a WebSocket must send its first bytes after the upgrade.
    #[arg(long, env = "NATTER_UPGRADE_TIMEOUT_SECS", global = true, value_name = "SECS")]
    pub upgrade_timeout_secs: Option<u64>,
    /// Largest WebSocket frame accepted, in bytes.
    #[arg(long, env = "NATTER_MAX_FRAME_BYTES", global = true, value_name = "BYTES")]
    pub max_frame_bytes: Option<usize>,
    /// Longest chat message, in bytes of UTF-8.
    #[arg(long, env = "NATTER_MAX_TEXT_BYTES", global = true, value_name = "BYTES")]
    pub max_text_bytes: Option<usize>,
    /// New conversations one visitor may open per hour.
    #[arg(long, env = "NATTER_CONVERSATIONS_PER_VISITOR_HOUR", global = true, value_name = "N")]
    pub conversations_per_visitor_hour: Option<u32>,
    /// Sustained frames per second one socket may send.
    #[arg(long, env = "NATTER_FRAMES_PER_SEC", global = true, value_name = "N")]
    pub frames_per_sec: Option<u32>,
    /// Frames one socket may send in a burst.
    #[arg(long, env = "NATTER_FRAME_BURST", global = true, value_name = "N")]
    pub frame_burst: Option<u32>,
    /// KiB queued for a socket above which a reader making no progress is dropped (at least 16).
    #[arg(long, env = "NATTER_OUTBOUND_SOFT_KIB", global = true, value_name = "KIB")]
    pub outbound_soft_kib: Option<usize>,
    /// KiB queued for a socket above which it is dropped at once (at least 64).
    #[arg(long, env = "NATTER_OUTBOUND_HARD_KIB", global = true, value_name = "KIB")]
    pub outbound_hard_kib: Option<usize>,
    /// Seconds a socket over the soft limit may go without writing.
    #[arg(long, env = "NATTER_OUTBOUND_STALL_SECS", global = true, value_name = "SECS")]
    pub outbound_stall_secs: Option<u64>,
    /// Where clamd listens for the malware scan of uploads: unix:/path/to/clamd.ctl
    /// or tcp:host:port. Uploads are refused while it cannot be reached (unless a
    /// tenant accepts unscanned files).
    #[arg(long, env = "NATTER_CLAMD", global = true, value_name = "ADDR")]
    pub clamd: Option<String>,
    /// Largest upload in MB (1,000,000 bytes), whatever a tenant allows.
    #[arg(long, env = "NATTER_MAX_UPLOAD_MB", global = true, value_name = "MB")]
    pub max_upload_mb: Option<u64>,
    /// MB of stored files per tenant (identical files count once).
    #[arg(long, env = "NATTER_UPLOAD_QUOTA_MB", global = true, value_name = "MB")]
    pub upload_quota_mb: Option<u64>,
    /// Uploads one visitor may make per minute.
    #[arg(long, env = "NATTER_UPLOADS_PER_VISITOR_MINUTE", global = true, value_name = "N")]
    pub uploads_per_visitor_minute: Option<u32>,
    /// Seconds a file download link stays valid.
    #[arg(long, env = "NATTER_UPLOAD_LINK_TTL_SECS", global = true, value_name = "SECS")]
    pub upload_link_ttl_secs: Option<u64>,
    /// Hours after which an upload never attached to a message is deleted.
    #[arg(long, env = "NATTER_UNATTACHED_UPLOAD_HOURS", global = true, value_name = "HOURS")]
    pub unattached_upload_hours: Option<u64>,
    /// Minutes of inactivity that end an agent session.
    #[arg(long, env = "NATTER_SESSION_IDLE_MINUTES", global = true, value_name = "MINUTES")]
    pub session_idle_minutes: Option<u64>,
    /// PBKDF2 iterations for new password hashes.
    #[arg(long, env = "NATTER_PASSWORD_ITERATIONS", global = true, hide = true)]
    pub password_iterations: Option<u32>,
    /// Do not create the demo tenant on a first start.
    #[arg(long, env = "NATTER_NO_DEMO", global = true, value_name = "BOOL")]
    #[arg(num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    #[arg(value_parser = clap::builder::BoolishValueParser::new())]
    pub no_demo: Option<bool>,
    /// What to log, e.g. info, or info,tower_http=debug for one line per request.
    #[arg(long = "log", env = "NATTER_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,
    /// Log lines as text (coloured only on a terminal) or as JSON objects.
    #[arg(long, env = "NATTER_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
}

/// How log lines are written to standard error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Plain lines: time, level, span, message, fields.
    #[default]
    Text,
    /// One JSON object per line, for journald, Loki, Elasticsearch…
    Json,
}

/// The settings in force: every source merged, every default applied.
#[derive(Debug, Clone)]
pub struct InForce {
    pub listen: SocketAddr,
    pub config: Config,
    pub create_demo: bool,
    pub log: LogSettings,
}

/// What and how to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    pub filter: String,
    pub format: LogFormat,
}

/// Settings that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("config file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("public origin {origin}: {message}")]
    PublicOrigin { origin: String, message: String },
    #[error("settings: {0}")]
    Merge(String),
}

impl Settings {
    /// Reads a TOML file. Unknown keys are an error, so typos do not pass silently.
    pub fn from_file(path: &Path) -> Result<Self, SettingsError> {
        let err = |message: String| SettingsError::File { path: path.to_owned(), message };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        toml::from_str(&text).map_err(|e| err(e.to_string()))
    }

    /// These settings, with `below` filling in what they do not say.
    pub fn over(self, below: Self) -> Result<Self, SettingsError> {
        // Field by field through serde, so that a new setting needs no line here.
        let merge = |e: serde_json::Error| SettingsError::Merge(e.to_string());
        let (serde_json::Value::Object(mut merged), serde_json::Value::Object(above)) =
            (serde_json::to_value(below).map_err(merge)?, serde_json::to_value(self).map_err(merge)?)
        else {
            return Err(SettingsError::Merge("settings are not a map".into()));
        };
        merged.extend(above.into_iter().filter(|(_, value)| !value.is_null()));
        serde_json::from_value(serde_json::Value::Object(merged)).map_err(merge)
    }

    /// Applies these settings over the defaults.
    pub fn resolve(&self) -> Result<InForce, SettingsError> {
        let data_dir = self.data_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let mut config = Config::new(data_dir);
        if let Some(origins) = &self.public_origins {
            config.public_origins = crate::origin::normalize_patterns(origins).map_err(|(i, message)| {
                SettingsError::PublicOrigin { origin: origins[i].clone(), message: message.to_string() }
            })?;
        }
        if let Some(proxies) = &self.trusted_proxies {
            config.trusted_proxies = proxies
                .iter()
                .map(|p| p.parse().map_err(|e| SettingsError::Merge(format!("trusted proxy: {e}"))))
                .collect::<Result<_, _>>()?;
        }
        if let Some(header) = &self.forwarded_header {
            config.forwarded_header =
                header.parse().map_err(|e| SettingsError::Merge(format!("forwarded header {header:?}: {e}")))?;
        }
        if self.metrics_listen.is_some() {
            config.metrics_listen = self.metrics_listen;
        }
        let c = &mut config.connections;
        set(&mut c.max_per_ip, self.max_connections_per_ip);
        set(&mut c.per_ip_exempt, self.per_ip_cap_exempt.clone());
        set(&mut c.header_timeout, self.header_timeout_secs.map(secs));
        set(&mut c.keepalive_timeout, self.keepalive_timeout_secs.map(secs));
        set(&mut c.upgrade_timeout, self.upgrade_timeout_secs.map(secs));
        let l = &mut config.limits;
        set(&mut l.max_connections, self.max_connections);
        set(&mut l.max_agent_connections, self.max_agent_connections);
        set(&mut l.max_visitor_connections_per_ip, self.max_visitor_connections_per_ip);
        set(&mut l.max_unauthenticated_agent_sockets_per_ip, self.max_unauthenticated_agent_sockets_per_ip);
        set(&mut l.login_client_max_failures, self.login_client_max_failures);
        set(&mut l.login_account_max_failures, self.login_account_max_failures);
        set(&mut l.login_concurrent_hashes, self.login_concurrent_hashes);
        set(&mut l.max_frame_bytes, self.max_frame_bytes);
        set(&mut l.max_text_bytes, self.max_text_bytes);
        set(&mut l.conversations_per_visitor_hour, self.conversations_per_visitor_hour);
        set(&mut l.frames_per_sec, self.frames_per_sec);
        set(&mut l.frame_burst, self.frame_burst);
        set(&mut l.outbound_soft_bytes, self.outbound_soft_kib.map(|kib| kib.max(16) * 1024));
        set(&mut l.outbound_hard_bytes, self.outbound_hard_kib.map(|kib| kib.max(64) * 1024));
        l.outbound_hard_bytes = l.outbound_hard_bytes.max(l.outbound_soft_bytes);
        set(&mut l.outbound_stall, self.outbound_stall_secs.map(secs));
        let f = &mut config.files;
        if let Some(addr) = &self.clamd {
            f.clamd = addr.parse().map_err(|e| SettingsError::Merge(format!("clamd {addr:?}: {e}")))?;
        }
        set(&mut f.max_upload_bytes, self.max_upload_mb.map(|mb| mb.max(1).saturating_mul(1_000_000)));
        set(&mut f.quota_bytes, self.upload_quota_mb.map(|mb| mb.saturating_mul(1_000_000)));
        set(&mut f.uploads_per_visitor_minute, self.uploads_per_visitor_minute);
        set(&mut f.link_ttl, self.upload_link_ttl_secs.map(secs));
        set(&mut f.unattached_grace, self.unattached_upload_hours.map(|h| secs(h.saturating_mul(3600))));
        set(&mut config.sessions.idle_timeout, self.session_idle_minutes.map(|m| secs(m.max(1).saturating_mul(60))));
        set(&mut config.password_iterations, self.password_iterations);
        Ok(InForce {
            listen: self.listen.unwrap_or(DEFAULT_LISTEN),
            config,
            create_demo: !self.no_demo.unwrap_or(false),
            log: LogSettings {
                filter: self.log.clone().unwrap_or_else(|| DEFAULT_LOG_FILTER.to_owned()),
                format: self.log_format.unwrap_or_default(),
            },
        })
    }

    /// Every setting as it is in force: the inverse of [`Settings::resolve`].
    pub fn in_force(s: &InForce) -> Self {
        let (c, l) = (&s.config.connections, &s.config.limits);
        Self {
            data_dir: Some(s.config.data_dir.clone()),
            listen: Some(s.listen),
            public_origins: Some(s.config.public_origins.clone()),
            metrics_listen: s.config.metrics_listen,
            max_connections: Some(l.max_connections),
            max_agent_connections: Some(l.max_agent_connections),
            max_visitor_connections_per_ip: Some(l.max_visitor_connections_per_ip),
            max_unauthenticated_agent_sockets_per_ip: Some(l.max_unauthenticated_agent_sockets_per_ip),
            trusted_proxies: Some(s.config.trusted_proxies.iter().map(ToString::to_string).collect()),
            forwarded_header: Some(s.config.forwarded_header.to_string()),
            login_client_max_failures: Some(l.login_client_max_failures),
            login_account_max_failures: Some(l.login_account_max_failures),
            login_concurrent_hashes: Some(l.login_concurrent_hashes),
            max_connections_per_ip: Some(c.max_per_ip),
            per_ip_cap_exempt: Some(c.per_ip_exempt.clone()),
            header_timeout_secs: Some(c.header_timeout.as_secs()),
            keepalive_timeout_secs: Some(c.keepalive_timeout.as_secs()),
            upgrade_timeout_secs: Some(c.upgrade_timeout.as_secs()),
            max_frame_bytes: Some(l.max_frame_bytes),
            max_text_bytes: Some(l.max_text_bytes),
            conversations_per_visitor_hour: Some(l.conversations_per_visitor_hour),
            frames_per_sec: Some(l.frames_per_sec),
            frame_burst: Some(l.frame_burst),
            outbound_soft_kib: Some(l.outbound_soft_bytes / 1024),
            outbound_hard_kib: Some(l.outbound_hard_bytes / 1024),
            outbound_stall_secs: Some(l.outbound_stall.as_secs()),
            clamd: Some(s.config.files.clamd.to_string()),
            max_upload_mb: Some(s.config.files.max_upload_bytes / 1_000_000),
            upload_quota_mb: Some(s.config.files.quota_bytes / 1_000_000),
            uploads_per_visitor_minute: Some(s.config.files.uploads_per_visitor_minute),
            upload_link_ttl_secs: Some(s.config.files.link_ttl.as_secs()),
            unattached_upload_hours: Some(s.config.files.unattached_grace.as_secs() / 3600),
            session_idle_minutes: Some(s.config.sessions.idle_timeout.as_secs() / 60),
            password_iterations: Some(s.config.password_iterations),
            no_demo: Some(!s.create_demo),
            log: Some(s.log.filter.clone()),
            log_format: Some(s.log.format),
        }
    }

    /// The defaults, as the help shows them: `(field, value)`, leaving out the
    /// settings whose default is "nothing" (an empty list, `false`).
    pub fn defaults_shown() -> Vec<(String, String)> {
        let Ok(defaults) = Self::default().resolve() else { return Vec::new() };
        let Ok(serde_json::Value::Object(map)) = serde_json::to_value(Self::in_force(&defaults)) else {
            return Vec::new();
        };
        map.into_iter().filter_map(|(field, value)| Some((field, shown(&value)?))).collect()
    }
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

/// Seconds from a setting; at least 1 (0 would close everything at once).
fn secs(s: u64) -> Duration {
    Duration::from_secs(s.max(1))
}

/// A default as the help writes it; `None` when there is nothing to show.
fn shown(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Null | Value::Bool(false) => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) => Some(items.iter().filter_map(shown).collect::<Vec<_>>().join(",")),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_read_back_as_they_are_applied() {
        let defaults = Settings::default().resolve().unwrap();
        let back = Settings::in_force(&defaults).resolve().unwrap();
        assert_eq!(Settings::in_force(&back), Settings::in_force(&defaults));
        let shown = Settings::defaults_shown();
        assert!(shown.contains(&("max_connections".into(), "20000".into())), "{shown:?}");
        assert!(shown.contains(&("per_ip_cap_exempt".into(), "127.0.0.1,::1".into())), "{shown:?}");
        assert!(!shown.iter().any(|(field, _)| field == "public_origins" || field == "no_demo"));
    }

    #[test]
    fn the_upper_source_wins_field_by_field() {
        let file = Settings { listen: Some(DEFAULT_LISTEN), max_connections: Some(5), ..Default::default() };
        let flags = Settings { max_connections: Some(7), no_demo: Some(true), ..Default::default() };
        let merged = flags.over(file).unwrap();
        assert_eq!(merged.listen, Some(DEFAULT_LISTEN));
        assert_eq!(merged.max_connections, Some(7));
        assert_eq!(merged.no_demo, Some(true));
        assert_eq!(merged.frame_burst, None);
    }

    #[test]
    fn limits_are_clamped_to_what_works() {
        let s = Settings {
            outbound_soft_kib: Some(1),
            outbound_hard_kib: Some(1),
            header_timeout_secs: Some(0),
            ..Default::default()
        };
        let config = s.resolve().unwrap().config;
        assert_eq!(config.limits.outbound_soft_bytes, 16 * 1024);
        assert_eq!(config.limits.outbound_hard_bytes, 64 * 1024);
        assert_eq!(config.connections.header_timeout, Duration::from_secs(1));
    }
}
