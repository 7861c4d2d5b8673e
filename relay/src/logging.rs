//! The process's log: lines to standard error, filtered by the `log` setting,
//! as text (with colours only when standard error is a terminal, so files and
//! journald get no escape codes) or as one JSON object per line. Request spans
//! carry the request id (see `http::with_request_tracing`); nothing logs
//! headers, which carry session tokens.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, LogSettings};

/// The log could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("log filter {filter:?}: {message}")]
    Filter { filter: String, message: String },
    #[error("a logger is already installed: {0}")]
    AlreadySet(String),
}

/// Installs the process's logger.
pub fn init(settings: &LogSettings) -> Result<(), LogError> {
    let filter = EnvFilter::try_new(&settings.filter)
        .map_err(|e| LogError::Filter { filter: settings.filter.clone(), message: e.to_string() })?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let installed = match settings.format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
        // The event's fields at the top level, the request's span beside them.
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
    };
    installed.map_err(|e| LogError::AlreadySet(e.to_string()))
}
