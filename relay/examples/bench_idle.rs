//! Memory per idle visitor socket: opens N visitor WebSockets (hello done, then
//! silent) against a release relay and reports the relay's RSS growth per socket.
//!
//! `ulimit -n 65536; cargo build --release && cargo run --release -p natter-relay --example bench_idle -- 5000`
#![allow(clippy::print_stdout)]

#[path = "support/mod.rs"]
mod bench_common;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let relay = bench_common::start(&[]).await;
    // Warm up: one socket, so lazily created state (tenant actor, runtime) is in the baseline.
    let mut sockets = vec![open(&relay).await];
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = relay.rss_kib();
    for _ in 0..n {
        sockets.push(open(&relay).await);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = relay.rss_kib();
    let per = (after.saturating_sub(before) as f64 * 1024.0) / n as f64;
    println!("idle visitor sockets: {n}");
    println!("relay RSS before: {before} KiB, after: {after} KiB");
    println!("per idle socket: {:.1} KB ({per:.0} bytes)", per / 1000.0);
    drop(sockets);
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(relay: &bench_common::Relay) -> Ws {
    let mut req = format!("ws://{}/v1/ws/visitor?tenant=demo", relay.addr).into_client_request().unwrap();
    req.headers_mut().insert("Origin", relay.origin().parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws.send(Message::text(r#"{"type":"hello","v":1}"#)).await.unwrap();
    // Wait for the welcome so the socket is fully attached.
    while let Some(Ok(msg)) = ws.next().await {
        if msg.is_text() {
            break;
        }
    }
    ws
}
