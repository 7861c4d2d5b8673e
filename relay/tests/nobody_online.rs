//! A visitor waiting while no agent is online is told so on the queue frame
//! (`agents_online`), and the message they then leave through the offline form
//! turns their waiting conversation into an offline one: it keeps their email,
//! is not auto-closed when they leave, and gets no more queue frames.

mod common;

use common::*;
use natter_protocol::{AgentFrame, AgentStatus, ToAgent, ToVisitor, VisitorFrame, VisitorInfo};

/// Waits for the next queue frame and returns its `agents_online`.
async fn next_queue(v: &mut VisitorClient) -> bool {
    match v.until(|f| matches!(f, ToVisitor::Queue { .. })).await {
        ToVisitor::Queue { agents_online, .. } => agents_online,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn waiting_visitors_learn_whether_any_agent_is_online() {
    let relay = TestRelay::start().await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    let page = VisitorInfo { page_url: Some("https://shop.example/p/42".into()), ..VisitorInfo::default() };
    v.send(&VisitorFrame::Start { info: page }).await;
    assert!(!next_queue(&mut v).await, "nobody is signed in");

    // An agent signs in: the visitor hears someone is there.
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    assert!(next_queue(&mut v).await, "Ann is online");
    // Away is not there: the visitor is told again.
    ann.send(&AgentFrame::SetStatus { status: AgentStatus::Away }).await;
    assert!(!next_queue(&mut v).await, "Ann went away");
    ann.send(&AgentFrame::SetStatus { status: AgentStatus::Online }).await;
    assert!(next_queue(&mut v).await, "Ann is back");
}

#[tokio::test]
async fn a_message_left_while_nobody_is_online_keeps_the_page_and_the_email() {
    let relay = TestRelay::start().await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    let page = VisitorInfo { page_url: Some("https://shop.example/p/42".into()), ..VisitorInfo::default() };
    v.send(&VisitorFrame::Start { info: page }).await;
    assert!(!next_queue(&mut v).await);
    v.send(&VisitorFrame::Offline {
        client_id: cid("off1"),
        name: Some("Nok".into()),
        email: "nok@example.com".into(),
        text: "Please email me the size chart".into(),
        page_url: Some("https://shop.example/cart".into()),
        referrer: None,
        utc_offset_min: Some(420),
    })
    .await;
    let ToVisitor::Ack { conversation_id, duplicate: false, .. } =
        v.until(|f| matches!(f, ToVisitor::Ack { .. })).await
    else {
        panic!("the message was not stored")
    };

    // An agent signing in finds it as an offline message, from the page the chat began on.
    let (mut ann, welcome) = relay.agent("acme", "ann@x.test").await;
    let ToAgent::AgentWelcome { conversations, .. } = welcome else { unreachable!() };
    let c = conversations.iter().find(|c| c.id == conversation_id).expect("still there for agents");
    assert!(c.offline, "now an offline conversation: kept when the visitor leaves");
    assert_eq!(c.visitor.email.as_deref(), Some("nok@example.com"));
    assert_eq!(c.visitor.name.as_deref(), Some("Nok"));
    assert_eq!(c.visitor.page_url.as_deref(), Some("https://shop.example/p/42"));
    assert_eq!(c.preview.as_deref(), Some("Please email me the size chart"));

    // No more queue promises for it, even now that an agent is online. The
    // agent's typing reaching the visitor proves the socket is alive.
    ann.send(&AgentFrame::Claim { conversation_id }).await;
    ann.send(&AgentFrame::Typing { conversation_id, on: true }).await;
    let mut promised = false;
    v.until(|f| {
        promised |= matches!(f, ToVisitor::Queue { .. });
        matches!(f, ToVisitor::Typing { .. })
    })
    .await;
    assert!(!promised, "an offline message got a queue position");
}
