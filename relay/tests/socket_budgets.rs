//! Connection budgets: anonymous visitors cannot take the agents' sockets, one
//! address cannot take every visitor socket, and agent sockets that have not
//! shown a session are capped per address.

mod common;

use common::*;
use natter_protocol::{AgentFrame, PROTOCOL_VERSION, ToAgent};

const VISITOR_PATH: &str = "/v1/ws/visitor?tenant=acme";

async fn visitor_from(relay: &TestRelay, forwarded_for: &str) -> Result<VisitorClient, (u16, String)> {
    VisitorClient::connect_with(relay.addr, VISITOR_PATH, SHOP_ORIGIN, &[("X-Forwarded-For", forwarded_for)]).await
}

#[tokio::test]
async fn visitors_at_their_cap_leave_the_agents_sockets_free() {
    let relay = TestRelay::start_with(|c| c.limits.max_connections = 3).await;
    let mut visitors = Vec::new();
    for _ in 0..3 {
        let mut v = relay.visitor("acme").await;
        v.recv().await;
        visitors.push(v);
    }
    let (status, body) = VisitorClient::connect(relay.addr, VISITOR_PATH, SHOP_ORIGIN).await.err().expect("refused");
    assert_eq!(status, 503);
    assert!(body.contains("too_many_connections"), "{body}");
    // The console still connects, and several of them.
    let (_ann, _) = relay.agent("acme", "ann@x.test").await;
    let (_bob, _) = relay.agent("acme", "bob@x.test").await;
}

#[tokio::test]
async fn one_address_cannot_take_every_visitor_socket() {
    let relay = TestRelay::start_with(|c| {
        c.limits.max_visitor_connections_per_ip = 2;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let mut first = visitor_from(&relay, "203.0.113.5").await.unwrap();
    first.send(&hello()).await;
    first.recv().await;
    let _second = visitor_from(&relay, "203.0.113.5").await.unwrap();
    let (status, body) = visitor_from(&relay, "203.0.113.5").await.err().expect("the third is refused");
    assert_eq!(status, 503);
    assert!(body.contains("too_many_connections"), "{body}");
    // Other visitors, told apart by the trusted proxy, are not held back.
    let _other = visitor_from(&relay, "203.0.113.6").await.unwrap();
    // A closed socket gives its address's place back.
    first.close_and_wait().await;
    let _again = visitor_from(&relay, "203.0.113.5").await.unwrap();
}

#[tokio::test]
async fn agent_sockets_without_a_session_are_capped_per_address() {
    let relay = TestRelay::start_with(|c| c.limits.max_unauthenticated_agent_sockets_per_ip = 2).await;
    let origin = relay.own_origin();
    let mut waiting = AgentClient::connect(relay.addr, "/v1/ws/agent", &origin).await.unwrap();
    let _idle = AgentClient::connect(relay.addr, "/v1/ws/agent", &origin).await.unwrap();
    let (status, _) = AgentClient::connect(relay.addr, "/v1/ws/agent", &origin).await.err().expect("refused");
    assert_eq!(status, 503);
    // Once a socket shows a session, it no longer counts as anyone's.
    let token = relay.login("acme", "ann@x.test").await.token;
    waiting.send(&AgentFrame::Hello { v: PROTOCOL_VERSION, token }).await;
    waiting.until(|f| matches!(f, ToAgent::AgentWelcome { .. })).await;
    // Answered only once its reader is past the hello (the welcome may come before).
    waiting.round_trip().await;
    let _third = AgentClient::connect(relay.addr, "/v1/ws/agent", &origin).await.unwrap();
}

fn hello() -> natter_protocol::VisitorFrame {
    natter_protocol::VisitorFrame::Hello { v: PROTOCOL_VERSION, token: None, conversation_id: None, last_seq: None }
}
