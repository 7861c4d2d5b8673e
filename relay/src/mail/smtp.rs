//! Sending through a tenant's SMTP server with lettre (tokio, rustls): the
//! transport built from the tenant's settings, and failures summarised for
//! admins and logs without secrets (lettre's errors can quote the server,
//! never the password; the summary keeps only the kind and the SMTP code).

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use natter_protocol::{EmailSettings, SmtpSecurity};

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A tenant's SMTP server, with the password opened.
#[derive(Clone)]
pub struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmtpTarget({}:{} {:?})", self.host, self.port, self.security)
    }
}

impl SmtpTarget {
    pub fn new(settings: &EmailSettings, password: Option<String>) -> Self {
        Self {
            host: settings.host.clone(),
            port: settings.port,
            security: settings.security,
            username: settings.username.clone(),
            password,
        }
    }
}

/// Why a send failed, summarised; `permanent` failures are not retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{summary}")]
pub struct SendFailure {
    pub summary: String,
    pub permanent: bool,
}

/// The connection pool to one SMTP server.
pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Builds the transport (no connection is made yet).
pub fn transport(target: &SmtpTarget) -> Result<Transport, SendFailure> {
    let tls = match target.security {
        SmtpSecurity::None => Tls::None,
        SmtpSecurity::Starttls => Tls::Required(tls_parameters(&target.host)?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(&target.host)?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&target.host)
        .port(target.port)
        .tls(tls)
        .timeout(Some(SMTP_TIMEOUT));
    if let Some(user) = &target.username {
        builder = builder.credentials(Credentials::new(user.clone(), target.password.clone().unwrap_or_default()));
    }
    Ok(builder.build())
}

fn tls_parameters(host: &str) -> Result<TlsParameters, SendFailure> {
    TlsParameters::new(host.to_owned())
        .map_err(|_| SendFailure { summary: format!("no TLS parameters for host {host}"), permanent: true })
}

/// Sends one formatted message to `to` from `from` (the envelope).
pub async fn send(transport: &Transport, from: &str, to: &str, raw: &[u8]) -> Result<(), SendFailure> {
    let parse = |a: &str| a.parse().map_err(|_| SendFailure { summary: format!("bad address {a}"), permanent: true });
    let envelope = Envelope::new(Some(parse(from)?), vec![parse(to)?])
        .map_err(|_| SendFailure { summary: "an envelope without recipients".into(), permanent: true })?;
    transport.send_raw(&envelope, raw).await.map(|_| ()).map_err(|e| summarise(&e))
}

/// The kind of failure and the server's code, never the whole error text.
pub fn summarise(e: &lettre::transport::smtp::Error) -> SendFailure {
    let code = e.status().map(|c| format!(" (SMTP {c})")).unwrap_or_default();
    let (what, permanent) = if e.is_permanent() {
        ("the server refused the message or the sign-in", true)
    } else if e.is_transient() {
        ("the server asked to try again later", false)
    } else if e.is_timeout() {
        ("the server did not answer in time", false)
    } else if e.is_tls() {
        ("the TLS handshake failed", false)
    } else if e.is_client() {
        ("the SMTP conversation failed", false)
    } else {
        ("the server could not be reached", false)
    };
    SendFailure { summary: format!("{what}{code}"), permanent }
}
