//! The accept loop, in place of `axum::serve`, which has no timeouts and no
//! per-address cap: each accepted connection gets a place under the per-IP cap
//! (or a typed 503 and a close), a [`conn::Conn`] that enforces the header,
//! keep-alive and upgrade timeouts, and a hyper HTTP/1.1 connection (with
//! upgrades, for the WebSockets) serving the router. Failed accepts back off
//! (`backoff`). On shutdown it stops accepting, lets every connection finish
//! its request in flight, and returns.

pub mod backoff;
pub mod conn;
pub mod fd_limit;
pub mod per_ip;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use natter_protocol::{ApiErrorBody, ErrorCode};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt as _;

use self::backoff::{AcceptErrors, LogEvery};
use self::conn::{Conn, SharedPhase, Timeouts};
use self::per_ip::PerIpSlots;
use crate::config::ConnectionPolicy;

/// How long a refused connection is kept to read what the client sent, so that
/// closing does not reset the connection before the client read the refusal.
const REFUSAL_LINGER: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` until `shutdown` resolves, then waits for the
/// connections' requests in flight (upgraded WebSockets are the router's).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    policy: &ConnectionPolicy,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let server = Server {
        app,
        slots: PerIpSlots::new(policy.max_per_ip, &policy.per_ip_exempt),
        timeouts: Timeouts::from(policy),
        closing: CancellationToken::new(),
        tasks: TaskTracker::new(),
    };
    let mut errors = AcceptErrors::default();
    let mut refusals = LogEvery::new(backoff::LOG_EVERY);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((tcp, peer)) => {
                errors.succeeded();
                server.admit(tcp, peer, &mut refusals);
            }
            Err(error) => {
                let pause = errors.failed(&error, Instant::now());
                if !pause.is_zero() {
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(pause) => {}
                    }
                }
            }
        }
    }
    drop(listener);
    server.closing.cancel();
    server.tasks.close();
    server.tasks.wait().await;
}

/// What every connection task needs.
#[derive(Debug)]
struct Server {
    app: Router,
    slots: PerIpSlots,
    timeouts: Timeouts,
    /// Cancelled on shutdown: connections finish their request and close.
    closing: CancellationToken,
    tasks: TaskTracker,
}

impl Server {
    fn admit(&self, tcp: TcpStream, peer: SocketAddr, refusals: &mut LogEvery) {
        let Some(slot) = self.slots.take(peer.ip()) else {
            if let Some(held_back) = refusals.due(Instant::now()) {
                tracing::warn!(
                    ip = %peer.ip(),
                    refused_since_last_line = held_back,
                    "refused a connection: too many from one address (max_connections_per_ip)"
                );
            }
            self.tasks.spawn(refuse(tcp));
            return;
        };
        let (conn, phase) = Conn::new(tcp, peer, slot, self.timeouts);
        self.tasks.spawn(serve_connection(conn, peer, phase, self.app.clone(), self.closing.clone()));
    }
}

async fn serve_connection(conn: Conn, peer: SocketAddr, phase: SharedPhase, app: Router, closing: CancellationToken) {
    let service = hyper::service::service_fn(move |request| route(app.clone(), peer, phase.clone(), request));
    let mut http = hyper::server::conn::http1::Builder::new();
    // The header and keep-alive timeouts are `Conn`'s, which tell them apart.
    http.header_read_timeout(None);
    let connection = http.serve_connection(TokioIo::new(conn), service).with_upgrades();
    tokio::pin!(connection);
    let ended = tokio::select! {
        ended = connection.as_mut() => ended,
        () = closing.cancelled() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = ended {
        tracing::debug!(%peer, %error, "connection ended");
    }
}

/// Hands one request to the router, with the peer address handlers may ask for,
/// and moves the connection's phase along.
async fn route(
    app: Router,
    peer: SocketAddr,
    phase: SharedPhase,
    mut request: Request<Incoming>,
) -> Result<Response, Infallible> {
    request.extensions_mut().insert(ConnectInfo(peer));
    phase.request_started();
    let response = app.oneshot(request).await?;
    phase.response_ready(response.status());
    Ok(response)
}

/// Answers a connection over the per-IP cap with a typed 503 and closes it.
async fn refuse(mut tcp: TcpStream) {
    let answer = async {
        tcp.write_all(&REFUSAL).await?;
        tcp.shutdown().await?;
        // Read what the client sent until it closes too: closing with unread
        // bytes would reset the connection, and the client could lose the 503.
        let mut sink = [0u8; 1024];
        while tcp.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    };
    let _ = tokio::time::timeout(REFUSAL_LINGER, answer).await;
}

/// The refusal of a connection over the per-IP cap, as raw HTTP/1.1: no request
/// has been read, so hyper cannot write it.
static REFUSAL: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let body = ApiErrorBody {
        error: natter_protocol::ApiError {
            code: ErrorCode::TooManyConnections,
            message: "too many connections from your address".into(),
            retry_after_secs: Some(5),
            field: None,
        },
    };
    let body = serde_json::to_string(&body).unwrap_or_default();
    let status = StatusCode::SERVICE_UNAVAILABLE;
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nretry-after: 5\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_is_a_complete_typed_answer() {
        let text = String::from_utf8(REFUSAL.clone()).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let parsed: ApiErrorBody = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.error.code, ErrorCode::TooManyConnections);
    }
}
