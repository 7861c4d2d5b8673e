//! Prometheus metrics on their own listener: off unless asked for, and what
//! they say follows what the relay did.

mod common;

use common::*;
use natter_protocol::{ToVisitor, VisitorFrame};
use tokio::process::Child;

/// Starts the real binary; returns it, its address and its metrics address (if any).
async fn spawn_relay(dir: &std::path::Path, extra: &[&str]) -> (Child, std::net::SocketAddr, Option<String>) {
    let (child, addr, printed) = spawn_natter(dir, extra).await;
    let metrics = printed.iter().find_map(|l| l.strip_prefix("natter metrics on ")).map(|m| m.trim().to_owned());
    (child, addr, metrics)
}

/// The value of one sample line (`name{labels} value`), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
}

#[tokio::test]
async fn metrics_follow_sockets_messages_commits_and_requests() {
    let dir = tempfile::tempdir().unwrap();
    seed(&test_config(dir.path())).await;
    let (_relay, addr, metrics) = spawn_relay(dir.path(), &["--metrics-listen", "127.0.0.1:0"]).await;
    let metrics = metrics.expect("the relay says where its metrics are");

    assert_eq!(reqwest::get(format!("http://{addr}/healthz")).await.unwrap().status(), 200);
    let mut v = VisitorClient::visitor(addr, "acme", SHOP_ORIGIN, None).await;
    welcome_parts(&v.recv().await);
    for i in 0..3 {
        v.send(&VisitorFrame::Send {
            client_id: cid(&format!("m{i}")),
            text: format!("hello {i}"),
            attachments: vec![],
        })
        .await;
        v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    }
    // The same message again: acknowledged as a duplicate, not counted.
    v.send(&VisitorFrame::Send { client_id: cid("m0"), text: "hello 0".into(), attachments: vec![] }).await;
    v.until(|f| matches!(f, ToVisitor::Ack { duplicate: true, .. })).await;

    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    assert_eq!(sample(&text, "natter_messages_acked_total"), Some(3.0), "{text}");
    assert_eq!(sample(&text, "natter_sockets_open{kind=\"visitor\"}"), Some(1.0));
    assert_eq!(sample(&text, "natter_tenant_actors"), Some(1.0));
    assert!(sample(&text, "natter_frames_in_total{kind=\"visitor\"}").unwrap() >= 4.0);
    assert!(sample(&text, "natter_frames_out_total{kind=\"visitor\"}").unwrap() >= 5.0);
    assert!(sample(&text, "natter_commit_seconds_count").unwrap() >= 4.0);
    assert!(sample(&text, "natter_batch_commands_count").unwrap() >= 4.0);
    assert!(text.contains("natter_ack_seconds_bucket"));
    assert_eq!(sample(&text, "natter_http_requests_total{route=\"/healthz\",status=\"200\"}"), Some(1.0), "{text}");

    // A refused frame is counted by its code.
    v.send(&VisitorFrame::Send { client_id: cid("empty"), text: "   ".into(), attachments: vec![] }).await;
    v.until(|f| matches!(f, ToVisitor::Error(_))).await;
    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    assert_eq!(sample(&text, "natter_refusals_total{code=\"invalid_input\"}"), Some(1.0), "{text}");

    // The socket closes: it is no longer counted open.
    v.close_and_wait().await;
    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    assert_eq!(sample(&text, "natter_sockets_open{kind=\"visitor\"}"), Some(0.0));
}

#[tokio::test]
async fn metrics_are_off_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    seed(&test_config(dir.path())).await;
    let (_relay, addr, metrics) = spawn_relay(dir.path(), &[]).await;
    assert_eq!(metrics, None);
    // Nor are they on the public listener.
    assert_eq!(reqwest::get(format!("http://{addr}/metrics")).await.unwrap().status(), 404);
}
