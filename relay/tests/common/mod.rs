//! Test harness: a relay on port 0 with a temporary data directory, and small
//! visitor and agent clients speaking the real protocol over real WebSockets.
#![allow(dead_code)] // each test file uses a different part of the harness

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use natter_protocol::{
    AgentFrame, ClientMsgId, ConversationId, ErrorCode, ErrorFrame, LoginResponse, PROTOCOL_VERSION, Role, Seq,
    TenantId, ToAgent, ToVisitor, VisitorFrame,
};
use natter_relay::registry::TenantRecord;
use natter_relay::tenant::AdminOp;
use natter_relay::{Config, Storage};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const PASSWORD: &str = "correct horse battery";
/// Low, so tests do not spend seconds in PBKDF2; the algorithm is the same.
pub const TEST_ITERATIONS: u32 = 1_000;
pub const SHOP_ORIGIN: &str = "https://shop.example";

pub fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).unwrap()
}

pub fn cid(s: &str) -> ClientMsgId {
    ClientMsgId::parse(s).unwrap()
}

/// A config for tests: temporary directory, fast hashing.
pub fn test_config(dir: &std::path::Path) -> Config {
    let mut config = Config::new(dir);
    config.password_iterations = TEST_ITERATIONS;
    // Every test visitor comes from 127.0.0.1; `visitor_limits.rs` tests the bound.
    config.limits.new_visitors_per_ip_hour = 0;
    config
}

/// Creates tenants `acme` and `globex`, each with agents ann@ (owner) and bob@
/// (agent); returns each tenant's identity secret.
pub async fn seed(config: &Config) -> std::collections::HashMap<String, String> {
    let mut secrets = std::collections::HashMap::new();
    let storage = Storage::open(config).await.unwrap();
    for (id, origin) in [("acme", SHOP_ORIGIN), ("globex", "https://globex.example")] {
        let record =
            TenantRecord { id: tenant(id), display_name: id.to_uppercase(), allowed_origins: vec![origin.into()] };
        storage.tenants.create(record).await.unwrap();
        let t = storage.tenants.get(&tenant(id)).await.unwrap().unwrap();
        for (email, name, role) in [("ann@x.test", "Ann", Role::Owner), ("bob@x.test", "Bob", Role::Agent)] {
            let password_hash = natter_relay::auth::password::hash(PASSWORD, TEST_ITERATIONS);
            t.admin(|reply| AdminOp::AddAgent {
                email: email.into(),
                name: name.into(),
                role,
                password_hash,
                by: None,
                reply,
            })
            .await
            .unwrap()
            .unwrap();
        }
        secrets.insert(id.to_owned(), t.admin(|reply| AdminOp::IdentitySecret { reply }).await.unwrap().secret);
    }
    storage.tenants.shutdown().await;
    secrets
}

/// A relay running in this process.
pub struct TestRelay {
    pub addr: SocketAddr,
    pub identity_secrets: std::collections::HashMap<String, String>,
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestRelay {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a seeded relay, letting the test adjust the config first.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(dir.path());
        adjust(&mut config);
        let identity_secrets = seed(&config).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            natter_relay::run(listener, config, async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self { addr, identity_secrets, dir, stop: Some(stop), task: Some(task) }
    }

    pub fn own_origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Shuts the relay down gracefully and waits for it.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(15), task).await.expect("relay stops").unwrap();
        }
    }

    pub async fn visitor(&self, tenant: &str) -> VisitorClient {
        Client::visitor(self.addr, tenant, SHOP_ORIGIN, None).await
    }

    pub async fn login(&self, tenant: &str, email: &str) -> LoginResponse {
        let res = reqwest::Client::new()
            .post(self.http("/v1/agent/login"))
            .json(&serde_json::json!({"tenant": tenant, "email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login of {email}");
        res.json().await.unwrap()
    }

    /// Signs an agent in and opens their socket; returns after `agent_welcome`.
    pub async fn agent(&self, tenant: &str, email: &str) -> (AgentClient, ToAgent) {
        let login = self.login(tenant, email).await;
        let mut client = AgentClient::connect(self.addr, "/v1/ws/agent", &self.own_origin()).await.unwrap();
        client.send(&AgentFrame::Hello { v: PROTOCOL_VERSION, token: login.token }).await;
        let welcome = client.recv().await;
        assert!(matches!(welcome, ToAgent::AgentWelcome { .. }), "{welcome:?}");
        (client, welcome)
    }
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// What the relay sends one audience: [`ToVisitor`] or [`ToAgent`].
pub trait ServerFrame: serde::de::DeserializeOwned + std::fmt::Debug {
    fn as_error(&self) -> Option<&ErrorFrame>;
    /// The text of a `message` frame, if it is a text message.
    fn text(&self) -> Option<&str>;
}

fn text_body(message: &natter_protocol::Message) -> Option<&str> {
    match &message.body {
        natter_protocol::MessageBody::Text { text, .. } => Some(text),
        _ => None,
    }
}

impl ServerFrame for ToVisitor {
    fn as_error(&self) -> Option<&ErrorFrame> {
        match self {
            Self::Error(e) => Some(e),
            _ => None,
        }
    }
    fn text(&self) -> Option<&str> {
        match self {
            Self::Message { message, .. } => text_body(message),
            _ => None,
        }
    }
}

impl ServerFrame for ToAgent {
    fn as_error(&self) -> Option<&ErrorFrame> {
        match self {
            Self::Error(e) => Some(e),
            _ => None,
        }
    }
    fn text(&self) -> Option<&str> {
        match self {
            Self::Message { message, .. } => text_body(message),
            _ => None,
        }
    }
}

/// A WebSocket client speaking JSON frames; `F` is what its socket receives.
pub struct Client<F = ToVisitor> {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    audience: std::marker::PhantomData<F>,
}

pub type VisitorClient = Client<ToVisitor>;
pub type AgentClient = Client<ToAgent>;

impl VisitorClient {
    /// Connects a visitor and completes `hello`; returns the client (welcome not consumed).
    pub async fn visitor(addr: SocketAddr, tenant: &str, origin: &str, hello: Option<VisitorFrame>) -> Self {
        let mut c = Self::connect(addr, &format!("/v1/ws/visitor?tenant={tenant}"), origin).await.unwrap();
        let hello = hello.unwrap_or(VisitorFrame::Hello {
            v: PROTOCOL_VERSION,
            token: None,
            conversation_id: None,
            last_seq: None,
        });
        c.send(&hello).await;
        c
    }
}

impl<F: ServerFrame> Client<F> {
    /// Opens a socket; `Err` carries the HTTP status of a refused upgrade.
    pub async fn connect(addr: SocketAddr, path: &str, origin: &str) -> Result<Self, (u16, String)> {
        Self::connect_with(addr, path, origin, &[]).await
    }

    /// Opens a socket with extra request headers (e.g. `X-Forwarded-For`).
    pub async fn connect_with(
        addr: SocketAddr,
        path: &str,
        origin: &str,
        headers: &[(&'static str, &str)],
    ) -> Result<Self, (u16, String)> {
        let mut req = format!("ws://{addr}{path}").into_client_request().unwrap();
        if !origin.is_empty() {
            req.headers_mut().insert("Origin", origin.parse().unwrap());
        }
        req.headers_mut().insert("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) NatterTest/1".parse().unwrap());
        for (name, value) in headers {
            req.headers_mut().insert(*name, value.parse().unwrap());
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(Self { ws, audience: std::marker::PhantomData }),
            Err(tungstenite::Error::Http(res)) => {
                let body = res.body().as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
                Err((res.status().as_u16(), body))
            }
            Err(e) => panic!("connect failed: {e}"),
        }
    }

    pub async fn send<T: serde::Serialize>(&mut self, frame: &T) {
        self.send_raw(&serde_json::to_string(frame).unwrap()).await;
    }

    pub async fn send_raw(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.unwrap();
    }

    /// The next frame (5 s timeout).
    pub async fn recv(&mut self) -> F {
        self.try_recv(Duration::from_secs(5)).await.expect("a frame within 5 s")
    }

    /// The next frame, or `None` on timeout or close.
    pub async fn try_recv(&mut self, wait: Duration) -> Option<F> {
        match self.next_within(wait).await {
            Next::Frame(f) => Some(f),
            Next::Timeout | Next::Ended => None,
        }
    }

    /// The next frame, or whether the wait ran out or the socket ended.
    async fn next_within(&mut self, wait: Duration) -> Next<F> {
        loop {
            match tokio::time::timeout(wait, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => {
                    return Next::Frame(serde_json::from_str(&t).unwrap_or_else(|e| panic!("bad frame {t}: {e}")));
                }
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return Next::Ended,
                Err(_) => return Next::Timeout,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Reads frames until one matches, failing after 5 s.
    pub async fn until(&mut self, mut pred: impl FnMut(&F) -> bool) -> F {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.try_recv(left).await {
                Some(f) if pred(&f) => return f,
                Some(_) => continue,
                None => panic!("no matching frame within 5 s"),
            }
        }
    }

    /// Reads frames for `wait`; true when none of them matched. Panics if the
    /// socket closes or fails meanwhile: "nothing happened" on a dead socket
    /// proves nothing.
    pub async fn none_within(&mut self, wait: Duration, mut pred: impl FnMut(&F) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Next::Frame(f) if pred(&f) => return false,
                Next::Frame(_) => continue,
                Next::Timeout => return true,
                Next::Ended => panic!("the socket ended while a test waited for nothing to happen on it"),
            }
        }
    }

    /// Reads until an error frame and returns its code and fatal flag.
    pub async fn error(&mut self) -> (ErrorCode, bool, String) {
        let frame = self.until(|f| f.as_error().is_some()).await;
        let e = frame.as_error().expect("an error frame");
        (e.code, e.fatal, e.message.clone())
    }

    /// Closes the socket and waits for the relay's side of the close. The relay
    /// has then queued the socket's detach with its tenant and freed its slot.
    pub async fn close_and_wait(mut self) {
        let _ = self.ws.send(Message::Close(None)).await;
        while let Some(Ok(_)) = self.ws.next().await {}
    }

    /// Whether the server closes the socket within 5 s (frames before it are skipped).
    pub async fn closed(&mut self) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.ws.next()).await {
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => continue,
                Err(_) => return false,
            }
        }
    }

    /// The code of the close frame the server sends within 5 s (frames before
    /// it are skipped); `None` if the socket ends without one or stays open.
    pub async fn close_code(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.ws.next()).await {
                Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
                Ok(Some(Ok(_))) => continue,
                Ok(None) | Ok(Some(Err(_))) | Err(_) => return None,
            }
        }
    }

    /// Sends a binary message (the relay speaks JSON text only).
    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.ws.send(Message::binary(bytes.to_vec())).await.unwrap();
    }
}

/// What waiting for a frame gave.
enum Next<F> {
    Frame(F),
    Timeout,
    Ended,
}

impl AgentClient {
    /// Syncs a conversation from its start, so this socket follows it (gets its
    /// live `message`, `typing` and `read` frames); returns its messages once
    /// the last `history` page is in, so live frames come after this returns.
    pub async fn follow(&mut self, id: ConversationId) -> Vec<natter_protocol::Message> {
        self.send(&AgentFrame::Sync { conversation_id: id, after_seq: Seq(0) }).await;
        let mut messages = Vec::new();
        loop {
            let page =
                self.until(|f| matches!(f, ToAgent::History { conversation_id, .. } if *conversation_id == id)).await;
            let ToAgent::History { messages: more_messages, more, .. } = page else { unreachable!() };
            messages.extend(more_messages);
            if !more {
                return messages;
            }
        }
    }
}

impl AgentClient {
    /// Sends a frame the relay answers (a claim of a conversation that does not
    /// exist) and waits for the answer: every command queued with the tenant
    /// before it has been run by then.
    pub async fn round_trip(&mut self) {
        let nowhere = ConversationId(u64::MAX >> 12);
        self.send(&AgentFrame::Claim { conversation_id: nowhere }).await;
        self.until(|f| matches!(f, ToAgent::Error(e) if e.conversation_id == Some(nowhere))).await;
    }
}

/// Pulls the welcome apart: (visitor token, conversation id, last seq).
pub fn welcome_parts(f: &ToVisitor) -> (String, Option<ConversationId>, Seq) {
    match f {
        ToVisitor::Welcome { token, conversation, .. } => {
            (token.clone(), conversation.as_ref().map(|c| c.id), conversation.as_ref().map_or(Seq(0), |c| c.last_seq))
        }
        other => panic!("expected welcome, got {other:?}"),
    }
}

/// The text of a `message` frame, if it is a text message.
pub fn text_of<F: ServerFrame>(f: &F) -> Option<&str> {
    f.text()
}

/// Sending half of a split client.
pub struct ClientTx(futures_util::stream::SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>);
/// Receiving half of a split client.
pub struct ClientRx<F = ToVisitor>(
    futures_util::stream::SplitStream<WebSocketStream<MaybeTlsStream<TcpStream>>>,
    std::marker::PhantomData<F>,
);

impl<F> Client<F> {
    /// Splits the client so one task can send while another reads.
    pub fn split(self) -> (ClientTx, ClientRx<F>) {
        let (tx, rx) = self.ws.split();
        (ClientTx(tx), ClientRx(rx, std::marker::PhantomData))
    }
}

impl ClientTx {
    pub async fn send_frame<T: serde::Serialize>(&mut self, frame: &T) -> Result<(), tungstenite::Error> {
        self.0.send(Message::text(serde_json::to_string(frame).unwrap())).await
    }
}

impl<F: ServerFrame> ClientRx<F> {
    /// The next frame; `None` once the socket is closed or broken.
    pub async fn next_frame(&mut self) -> Option<F> {
        loop {
            match tokio::time::timeout(Duration::from_secs(10), self.0.next()).await.ok()?? {
                Ok(Message::Text(t)) => return Some(serde_json::from_str(&t).unwrap()),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => continue,
            }
        }
    }
}

impl TestRelay {
    /// Reads the admin settings as `who` (a signed-in owner, usually).
    pub async fn get_settings(&self, token: &str) -> natter_protocol::TenantSettings {
        let res = reqwest::Client::new().get(self.http("/v1/admin/settings")).bearer_auth(token).send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// Writes admin settings; returns the HTTP status and body.
    pub async fn put_settings(&self, token: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let res = reqwest::Client::new()
            .put(self.http("/v1/admin/settings"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Changes settings with `edit` as owner ann@ of `tenant`, asserting success.
    pub async fn edit_settings(&self, tenant: &str, edit: impl FnOnce(&mut natter_protocol::TenantSettings)) {
        let token = self.login(tenant, "ann@x.test").await.token;
        let mut s = self.get_settings(&token).await;
        edit(&mut s);
        let (status, body) = self.put_settings(&token, &serde_json::to_value(&s).unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
}

/// The real `natter` binary on port 0 serving `dir`, with `args` added (the
/// tests that kill it, or read what it prints). Returns it, its address, and
/// the lines it printed before it said it listens; stdout is drained after.
pub async fn spawn_natter(dir: &std::path::Path, args: &[&str]) -> (tokio::process::Child, SocketAddr, Vec<String>) {
    use tokio::io::AsyncBufReadExt as _;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["--listen", "127.0.0.1:0", "--no-demo"])
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("NATTER_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut before = Vec::new();
    let addr = loop {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await.unwrap().unwrap().unwrap();
        if let Some(rest) = line.strip_prefix("natter listening on http://") {
            break rest.trim().parse().unwrap();
        }
        before.push(line);
    };
    // Keep draining stdout, as a supervisor would.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, addr, before)
}

/// Flags that lift the per-socket frame rate limits (tests that burst).
pub const LIFTED_RATES: [&str; 4] = ["--frames-per-sec", "1000000", "--frame-burst", "1000000"];

/// Waits until `check` finds what it looks for (emails the test SMTP server
/// writes, each renamed into place whole),
/// checking every 20 ms; fails after `within`, naming `what`. A bounded
/// condition wait, the one poll of the email tests: an inotify watcher was
/// tried and made the manual-clock tests wait seconds for mail the relay had
/// already sent (not understood yet; see the stop note).
pub async fn until_found<T>(what: &str, within: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what} within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Calls the HTTP API as `token`; answers the status and the JSON body (`null` if none).
pub async fn api(
    relay: &TestRelay,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new().request(method, relay.http(path)).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, if text.is_empty() { serde_json::Value::Null } else { serde_json::from_str(&text).unwrap() })
}

/// The error code of an API error body.
pub fn error_code(body: &serde_json::Value) -> ErrorCode {
    serde_json::from_value::<natter_protocol::ApiErrorBody>(body.clone()).expect("an error body").error.code
}
