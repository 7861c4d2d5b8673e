//! Durable, acknowledged messages per second. C visitors each send M messages
//! with up to W unacknowledged at a time; every ack means the message was
//! committed with `synchronous=FULL` (fsync'd). Also runs one client with a
//! single message in flight, the fsync-bound worst case.
//!
//! `cargo build --release && cargo run --release -p natter-relay --example bench_throughput -- 50 400 32`
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
    let (clients, per_client, window) =
        (args.first().copied().unwrap_or(50), args.get(1).copied().unwrap_or(400), args.get(2).copied().unwrap_or(32));
    let relay =
        bench_common::start(&["--frames-per-sec", "100000", "--frame-burst", "100000", "--max-connections", "100000"])
            .await;

    let (rate, elapsed) = run(&relay, 1, 500, 1).await;
    println!("1 client, 1 in flight: 500 msgs in {elapsed:.2?} = {rate:.0} durable msgs/s");
    let (rate, elapsed) = run(&relay, clients, per_client, window).await;
    println!(
        "{clients} clients x {per_client} msgs, {window} in flight each: {} msgs in {elapsed:.2?} = {rate:.0} durable msgs/s",
        clients * per_client
    );
}

async fn run(relay: &bench_common::Relay, clients: usize, per_client: usize, window: usize) -> (f64, Duration) {
    let mut sockets = Vec::new();
    for _ in 0..clients {
        sockets.push(open(relay).await);
    }
    let start = Instant::now();
    let tasks: Vec<_> =
        sockets.into_iter().enumerate().map(|(c, ws)| tokio::spawn(client(ws, c, per_client, window))).collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed();
    ((clients * per_client) as f64 / elapsed.as_secs_f64(), elapsed)
}

async fn client(ws: Ws, c: usize, n: usize, window: usize) {
    let (mut tx, mut rx) = ws.split();
    let (mut sent, mut acked) = (0, 0);
    let run = format!("{:x}", Instant::now().elapsed().as_nanos() ^ (c as u128) << 20);
    while acked < n {
        while sent < n && sent - acked < window {
            let frame =
                format!(r#"{{"type":"send","client_id":"b{run}-{c}-{sent}","text":"benchmark message {sent}"}}"#);
            tx.feed(Message::text(frame)).await.unwrap();
            sent += 1;
        }
        tx.flush().await.unwrap();
        match rx.next().await {
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"ack""#) => acked += 1,
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"error""#) => panic!("relay refused: {t}"),
            Some(Ok(_)) => {}
            other => panic!("socket ended: {other:?}"),
        }
    }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(relay: &bench_common::Relay) -> Ws {
    let mut req = format!("ws://{}/v1/ws/visitor?tenant=demo", relay.addr).into_client_request().unwrap();
    req.headers_mut().insert("Origin", relay.origin().parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws.send(Message::text(r#"{"type":"hello","v":1}"#)).await.unwrap();
    while let Some(Ok(msg)) = ws.next().await {
        if msg.is_text() {
            break;
        }
    }
    ws
}
