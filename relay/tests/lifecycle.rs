//! Connection hygiene and life cycle: graceful shutdown, the connection cap, dead
//! peers, slow consumers, and verified identity across devices.

mod common;

use std::time::Duration;

use common::*;
use natter_protocol::{AgentFrame, ErrorCode, PROTOCOL_VERSION, Seq, ToAgent, ToVisitor, VisitorFrame};

#[tokio::test]
async fn shutdown_tells_clients_and_keeps_what_was_acknowledged() {
    let mut relay = TestRelay::start().await;
    let mut v = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    v.send(&VisitorFrame::Send { client_id: cid("before"), text: "before shutdown".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    relay.stop().await;
    let (code, fatal, _) = v.error().await;
    assert_eq!((code, fatal), (ErrorCode::ShuttingDown, true));
    assert!(v.closed().await);

    // Same data directory, new process-lifetime: the message is there.
    let config = test_config(relay.dir.path());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(natter_relay::run(listener, config, async move {
        let _ = stopped.await;
    }));
    let hello =
        VisitorFrame::Hello { v: PROTOCOL_VERSION, token: Some(token), conversation_id: Some(id), last_seq: None };
    let mut v = Client::visitor(addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    v.recv().await;
    assert_eq!(text_of(&v.until(|f| text_of(f).is_some()).await), Some("before shutdown"));
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_connection_cap_refuses_extra_sockets() {
    let relay = TestRelay::start_with(|c| c.limits.max_connections = 2).await;
    let a = relay.visitor("acme").await;
    let _b = relay.visitor("acme").await;
    let (status, body) =
        VisitorClient::connect(relay.addr, "/v1/ws/visitor?tenant=acme", SHOP_ORIGIN).await.err().unwrap();
    assert_eq!(status, 503);
    assert!(body.contains("too_many_connections"));
    // The slot comes back once the socket is gone.
    a.close_and_wait().await;
    let again = VisitorClient::connect(relay.addr, "/v1/ws/visitor?tenant=acme", SHOP_ORIGIN).await;
    assert!(again.is_ok(), "a slot is freed when a socket closes");
}

/// A TCP stream whose writes can be swallowed: once `mute` is set, nothing more
/// reaches the relay (not even the pongs a WebSocket client answers pings
/// with), while everything the relay sends is still read.
struct Muted {
    tcp: tokio::net::TcpStream,
    mute: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl tokio::io::AsyncRead for Muted {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Muted {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.mute.load(std::sync::atomic::Ordering::SeqCst) {
            return std::task::Poll::Ready(Ok(buf.len()));
        }
        std::pin::Pin::new(&mut self.tcp).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.tcp).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

#[tokio::test]
async fn a_silent_peer_is_dropped() {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest as _};
    let relay = TestRelay::start_with(|c| {
        c.limits.ping_interval = Duration::from_millis(200);
        c.limits.dead_peer_timeout = Duration::from_millis(800);
    })
    .await;
    let mute = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let tcp = Muted { tcp: tokio::net::TcpStream::connect(relay.addr).await.unwrap(), mute: mute.clone() };
    let mut req = format!("ws://{}/v1/ws/visitor?tenant=acme", relay.addr).into_client_request().unwrap();
    req.headers_mut().insert("Origin", SHOP_ORIGIN.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::client_async(req, tcp).await.unwrap();
    let hello = VisitorFrame::Hello { v: PROTOCOL_VERSION, token: None, conversation_id: None, last_seq: None };
    ws.send(Message::text(serde_json::to_string(&hello).unwrap())).await.unwrap();
    assert!(matches!(ws.next().await, Some(Ok(Message::Text(_)))), "welcome");
    // From now on this peer says nothing, pongs included; it keeps reading, so
    // what ends the wait is the relay closing the socket, not a timer here.
    mute.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut pings = 0;
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_))) => pings += 1,
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the relay drops a peer that answers no ping");
    assert!(pings >= 1, "it was pinged before being dropped");
}

#[tokio::test]
async fn a_consumer_that_stops_reading_is_disconnected() {
    let relay = TestRelay::start_with(|c| {
        c.limits.outbound_soft_bytes = 16 * 1024;
        c.limits.outbound_hard_bytes = 256 * 1024;
        c.limits.outbound_stall = Duration::from_millis(200);
        c.limits.frames_per_sec = 100_000;
        c.limits.frame_burst = 100_000;
    })
    .await;
    let (mut agent, _) = relay.agent("acme", "ann@x.test").await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    // The agent opens the conversation, so its messages reach her socket (an
    // agent does not follow a waiting conversation she has not synced).
    v.send(&VisitorFrame::Send { client_id: cid("first"), text: "hello".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    assert_eq!(agent.follow(conversation_id).await.len(), 1);
    // The agent stops reading while the visitor floods; its queue must not grow
    // without bound: the relay drops it.
    let text = "x".repeat(3900);
    let (mut tx, mut rx) = v.split();
    let flood = tokio::spawn(async move {
        for i in 0..3000 {
            if tx
                .send_frame(&VisitorFrame::Send {
                    client_id: cid(&format!("f{i}")),
                    text: text.clone(),
                    attachments: vec![],
                })
                .await
                .is_err()
            {
                break;
            }
        }
    });
    let drain = tokio::spawn(async move { while rx.next_frame().await.is_some() {} });
    flood.await.unwrap();
    let (code, fatal, _) = agent.error().await;
    assert_eq!((code, fatal), (ErrorCode::SlowConsumer, true));
    assert!(agent.closed().await);
    drain.abort();
}

#[tokio::test]
async fn identified_customers_find_their_conversation_on_another_device() {
    let relay = TestRelay::start().await;
    let secret = relay.identity_secrets["acme"].clone();
    let hash = natter_relay::auth::identity::sign(secret.as_bytes(), "customer-42");

    // Laptop: identify, then chat.
    let mut laptop = relay.visitor("acme").await;
    laptop.recv().await;
    laptop
        .send(&VisitorFrame::Identify {
            user_id: "customer-42".into(),
            hash: hash.clone(),
            name: Some("Kai".into()),
            email: None,
        })
        .await;
    let ToVisitor::Welcome { visitor_id, .. } = laptop.until(|f| matches!(f, ToVisitor::Welcome { .. })).await else {
        panic!()
    };
    laptop.send(&VisitorFrame::Send { client_id: cid("l1"), text: "from my laptop".into(), attachments: vec![] }).await;
    laptop.until(|f| matches!(f, ToVisitor::Ack { .. })).await;

    // Phone: a different anonymous visitor until it identifies.
    let mut phone = relay.visitor("acme").await;
    let ToVisitor::Welcome { visitor_id: anon, conversation, .. } = phone.recv().await else { panic!() };
    assert_ne!(anon, visitor_id);
    assert!(conversation.is_none());
    phone.send(&VisitorFrame::Identify { user_id: "customer-42".into(), hash, name: None, email: None }).await;
    let ToVisitor::Welcome { visitor_id: same, conversation, .. } =
        phone.until(|f| matches!(f, ToVisitor::Welcome { .. })).await
    else {
        panic!()
    };
    assert_eq!(same, visitor_id);
    assert!(conversation.is_some());
    assert_eq!(text_of(&phone.until(|f| text_of(f).is_some()).await), Some("from my laptop"));

    // A wrong hash is refused and attaches nothing.
    let mut thief = relay.visitor("acme").await;
    thief.recv().await;
    thief
        .send(&VisitorFrame::Identify { user_id: "customer-42".into(), hash: "00".repeat(32), name: None, email: None })
        .await;
    assert_eq!(thief.error().await.0, ErrorCode::TokenInvalid);
    thief.send(&VisitorFrame::Send { client_id: cid("t1"), text: "hi".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = thief.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    let ToVisitor::Welcome { conversation, .. } = relay.visitor("acme").await.recv().await else { panic!() };
    assert!(conversation.is_none());
    let (mut ann, welcome) = relay.agent("acme", "ann@x.test").await;
    // Agents see who is verified: the customer id and the name the shop gave.
    let ToAgent::AgentWelcome { conversations, .. } = welcome else { unreachable!() };
    let kai = conversations.iter().find(|c| c.visitor_id == visitor_id).expect("Kai's conversation");
    assert_eq!((kai.customer_id.as_deref(), kai.visitor.name.as_deref()), (Some("customer-42"), Some("Kai")));
    let thiefs = conversations.iter().find(|c| c.id == conversation_id).expect("the thief's conversation");
    assert_eq!((thiefs.customer_id.as_deref(), thiefs.visitor.name.as_deref()), (None, None));
    ann.send(&AgentFrame::Sync { conversation_id, after_seq: Seq(0) }).await;
    let ToAgent::History { messages, .. } = ann.until(|f| matches!(f, ToAgent::History { .. })).await else { panic!() };
    assert_eq!(messages.len(), 1, "the thief's conversation is their own");
}

/// Owners read the identity secret from the admin API (to configure their
/// server); plain agents cannot, and each tenant has its own.
#[tokio::test]
async fn the_identity_secret_is_for_owners_and_admins_only() {
    let relay = TestRelay::start().await;
    let get = |token: String| {
        let url = relay.http("/v1/admin/identity");
        async move {
            let res = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
            (res.status().as_u16(), res.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, body) = get(relay.login("acme", "ann@x.test").await.token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["secret"], relay.identity_secrets["acme"].as_str());
    let (status, body) = get(relay.login("globex", "ann@x.test").await.token).await;
    assert_eq!((status, &body["secret"]), (200, &serde_json::json!(relay.identity_secrets["globex"])));
    assert_ne!(relay.identity_secrets["acme"], relay.identity_secrets["globex"]);
    let (status, body) = get(relay.login("acme", "bob@x.test").await.token).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")));
    let res = reqwest::get(relay.http("/v1/admin/identity")).await.unwrap();
    assert_eq!(res.status(), 401);
}
