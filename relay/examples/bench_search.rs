//! How long the history search (`GET /v1/agent/conversations?q=…`) takes on a
//! tenant with many closed conversations: C visitors each write M messages and
//! end their chat; then an agent searches for a word no message holds (the
//! worst case: every message is scanned) and for one in every conversation.
//! The search runs on the tenant's actor thread, so its time is also how long
//! that tenant's chat waits.
//!
//! `cargo build --release && cargo run --release -p natter-relay --example bench_search -- 2000 50`
#![allow(clippy::print_stdout)]

#[path = "support/mod.rs"]
mod bench_common;

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|s| s.parse().ok()).collect();
    let (conversations, per_conversation) = (args.first().copied().unwrap_or(2000), args.get(1).copied().unwrap_or(50));
    let relay =
        bench_common::start(&["--frames-per-sec", "100000", "--frame-burst", "100000", "--max-connections", "100000"])
            .await;
    let seeded = Instant::now();
    let mut next = 0;
    while next < conversations {
        let batch: Vec<_> = (next..conversations.min(next + 50))
            .map(|c| {
                let addr = relay.addr;
                let origin = relay.origin();
                tokio::spawn(async move { chat(addr, &origin, c, per_conversation).await })
            })
            .collect();
        for t in batch {
            t.await.unwrap();
        }
        next += 50;
    }
    let total = conversations * per_conversation;
    println!("seeded {conversations} closed conversations, {total} messages, in {:.1?}", seeded.elapsed());

    let http = reqwest::Client::new();
    let base = format!("http://{}", relay.addr);
    let login: serde_json::Value = http
        .post(format!("{base}/v1/agent/login"))
        .json(&serde_json::json!({"tenant": "demo", "email": "demo@natter.local", "password": bench_common::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    for (what, query) in [
        ("newest page, no text", ""),
        ("text in every conversation", "?q=parcel"),
        ("text in no message", "?q=zzqx-nowhere"),
    ] {
        let mut times = Vec::new();
        for _ in 0..7 {
            let started = Instant::now();
            let res =
                http.get(format!("{base}/v1/agent/conversations{query}")).bearer_auth(&token).send().await.unwrap();
            assert_eq!(res.status(), 200);
            let _ = res.bytes().await.unwrap();
            times.push(started.elapsed());
        }
        times.sort();
        println!("{what:<32} median {:>8.1?}  (min {:.1?}, max {:.1?})", times[3], times[0], times[6]);
    }
}

/// One visitor: M messages, one at a time (each acknowledged), then `end`.
async fn chat(addr: std::net::SocketAddr, origin: &str, c: usize, n: usize) {
    let mut req = format!("ws://{addr}/v1/ws/visitor?tenant=demo").into_client_request().unwrap();
    req.headers_mut().insert("Origin", origin.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws.send(Message::text(r#"{"type":"hello","v":1}"#)).await.unwrap();
    for i in 0..n {
        let text = format!("where is my parcel number {c}-{i}, it was due on Tuesday");
        let frame = serde_json::json!({"type": "send", "client_id": format!("s{c}-{i}"), "text": text});
        ws.send(Message::text(frame.to_string())).await.unwrap();
        wait_for(&mut ws, r#"{"type":"ack""#).await;
    }
    ws.send(Message::text(r#"{"type":"end"}"#)).await.unwrap();
    wait_for(&mut ws, r#""status":"closed""#).await;
}

async fn wait_for(ws: &mut Ws, needle: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await.expect("relay answered in time") {
            Some(Ok(Message::Text(t))) if t.contains(needle) => return,
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"error""#) => panic!("relay refused: {t}"),
            Some(Ok(_)) => {}
            other => panic!("socket ended: {other:?}"),
        }
    }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;
