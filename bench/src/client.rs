//! Opening sockets the way the widget and the console do: visitor and agent
//! WebSockets with the relay's own `Origin`, the agent sign-in over plain
//! HTTP/1.1, and waiting for a frame during set-up.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::relay::{PASSWORD, Relay, agent_email};

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long set-up steps may take before the run is declared broken.
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);

/// Where to connect, copied into every task.
#[derive(Debug, Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub origin: String,
}

impl Target {
    pub fn of(relay: &Relay) -> Self {
        Target { addr: relay.addr, origin: relay.origin() }
    }

    async fn open(&self, path: &str) -> Ws {
        let mut req = format!("ws://{}{path}", self.addr).into_client_request().expect("a valid URL");
        req.headers_mut().insert("Origin", self.origin.parse().expect("a valid origin"));
        let (ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(socket_config()), true)
            .await
            .unwrap_or_else(|e| panic!("cannot open {path}: {e} (out of file descriptors? try `ulimit -n 8192`)"));
        ws
    }

    /// A visitor socket after `hello` (with `hello_extra`, e.g. a token) and its `welcome`.
    pub async fn visitor(&self, tenant: &str, hello_extra: &str) -> (Ws, serde_json::Value) {
        let mut ws = self.visitor_hello(tenant, hello_extra).await;
        let welcome = wait_for(&mut ws, "welcome").await;
        (ws, welcome)
    }

    /// A visitor socket that has sent its `hello`; nothing read yet.
    pub async fn visitor_hello(&self, tenant: &str, hello_extra: &str) -> Ws {
        let mut ws = self.open(&format!("/v1/ws/visitor?tenant={tenant}")).await;
        send(&mut ws, format!(r#"{{"type":"hello","v":1{hello_extra}}}"#)).await;
        ws
    }

    /// An agent socket after `hello` and its `agent_welcome`.
    pub async fn agent(&self, token: &str) -> Ws {
        let mut ws = self.open("/v1/ws/agent").await;
        send(&mut ws, format!(r#"{{"type":"hello","v":1,"token":"{token}"}}"#)).await;
        wait_for(&mut ws, "agent_welcome").await;
        ws
    }

    /// Signs in the tenant's benchmark owner; returns the session token.
    pub async fn login(&self, tenant: &str) -> String {
        self.login_as(tenant, &agent_email(tenant)).await
    }

    /// Signs one agent account in; returns its session token.
    pub async fn login_as(&self, tenant: &str, email: &str) -> String {
        let body = serde_json::json!({"tenant": tenant, "email": email, "password": PASSWORD}).to_string();
        let answer = self.post("/v1/agent/login", &body).await;
        let json: serde_json::Value = serde_json::from_str(&answer).expect("login answers JSON");
        json["token"].as_str().unwrap_or_else(|| panic!("login refused: {answer}")).to_owned()
    }

    /// A minimal HTTP/1.1 POST (the relay closes after `Connection: close`); returns the body.
    async fn post(&self, path: &str, body: &str) -> String {
        let mut tcp = tokio::net::TcpStream::connect(self.addr).await.expect("relay reachable");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.expect("request written");
        tcp.write_all(body.as_bytes()).await.expect("request written");
        let mut answer = String::new();
        tcp.read_to_string(&mut answer).await.expect("answer read");
        answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or(answer)
    }
}

/// Small read buffers: tungstenite zeroes its whole free buffer before every
/// read (128 KiB by default), which cost the load generator a third of its CPU;
/// relay frames are a few hundred bytes.
/// Nagle is off (the last argument above), as in browsers.
fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4 * 1024)
}

/// Sends one text frame and flushes it.
pub async fn send(ws: &mut Ws, text: String) {
    ws.send(Message::text(text)).await.expect("frame sent");
}

/// Reads frames until one of type `kind` arrives and returns it decoded; an
/// error frame or a closed socket on the way is fatal for the run.
pub async fn wait_for(ws: &mut Ws, kind: &str) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + SETUP_TIMEOUT;
    loop {
        let next = tokio::time::timeout_at(deadline, ws.next()).await;
        let text = match next {
            Ok(Some(Ok(Message::Text(t)))) => t,
            Ok(Some(Ok(_))) => continue,
            Ok(other) => panic!("socket ended while waiting for {kind}: {other:?}"),
            Err(_) => panic!("no {kind} frame within {SETUP_TIMEOUT:?}"),
        };
        let frame: serde_json::Value = serde_json::from_str(&text).expect("the relay sends JSON");
        match frame["type"].as_str() {
            Some(t) if t == kind => return frame,
            Some("error") => panic!("relay refused while waiting for {kind}: {text}"),
            _ => {}
        }
    }
}
