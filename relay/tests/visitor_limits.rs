//! What one visitor may do to the queue: a bounded number of new conversations
//! an hour, and every `start` answered.

mod common;

use common::*;
use natter_protocol::{ConversationStatus, ErrorCode, ToVisitor, VisitorFrame, VisitorInfo};

/// Sends a message and returns the conversation it landed in.
async fn open_with(v: &mut VisitorClient, id: &str) -> Result<natter_protocol::ConversationId, ErrorCode> {
    v.send(&VisitorFrame::Send { client_id: cid(id), text: "hello".into(), attachments: vec![] }).await;
    match v
        .until(|f| match f {
            ToVisitor::Ack { client_id, .. } => *client_id == cid(id),
            ToVisitor::Error(e) => e.client_id == Some(cid(id)),
            _ => false,
        })
        .await
    {
        ToVisitor::Ack { conversation_id, .. } => Ok(conversation_id),
        ToVisitor::Error(e) => Err(e.code),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn a_visitor_opens_a_bounded_number_of_conversations_an_hour() {
    let relay = TestRelay::start_with(|c| c.limits.conversations_per_visitor_hour = 3).await;
    let mut v = relay.visitor("acme").await;
    welcome_parts(&v.recv().await);
    for i in 0..3 {
        let id = open_with(&mut v, &format!("m{i}")).await.expect("within the limit");
        v.send(&VisitorFrame::End).await;
        v.until(|f| matches!(f, ToVisitor::VisitorConversation { conversation } if conversation.id == id && conversation.status == ConversationStatus::Closed)).await;
    }
    assert_eq!(open_with(&mut v, "m3").await, Err(ErrorCode::RateLimited));

    // Another visitor is not held back by this one.
    let mut other = relay.visitor("acme").await;
    welcome_parts(&other.recv().await);
    assert!(open_with(&mut other, "o1").await.is_ok());
}

#[tokio::test]
async fn start_on_an_open_conversation_is_answered_with_its_state() {
    let relay = TestRelay::start().await;
    let mut v = relay.visitor("acme").await;
    welcome_parts(&v.recv().await);
    let id = open_with(&mut v, "m1").await.unwrap();
    let info = VisitorInfo { name: Some("Vic".into()), ..VisitorInfo::default() };
    v.send(&VisitorFrame::Start { info }).await;
    let state = v.until(|f| matches!(f, ToVisitor::VisitorConversation { .. })).await;
    let ToVisitor::VisitorConversation { conversation } = state else { unreachable!() };
    assert_eq!((conversation.id, conversation.status), (id, ConversationStatus::Waiting));
}

#[tokio::test]
async fn dropping_the_token_does_not_dodge_the_limit_new_visitors_per_address_are_bounded() {
    let relay = TestRelay::start_with(|c| c.limits.new_visitors_per_ip_hour = 2).await;
    let mut first = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&first.recv().await);
    let mut second = relay.visitor("acme").await;
    welcome_parts(&second.recv().await);

    // A third token-less hello from the same address is refused and closed...
    let mut third = relay.visitor("acme").await;
    let (code, _, _) = third.error().await;
    assert_eq!(code, ErrorCode::RateLimited);
    assert!(third.closed().await);

    // ...while a visitor who keeps their token comes back as before.
    first.close_and_wait().await;
    let hello = VisitorFrame::Hello {
        v: natter_protocol::PROTOCOL_VERSION,
        token: Some(token),
        conversation_id: None,
        last_seq: None,
    };
    let mut back = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    assert!(matches!(back.recv().await, ToVisitor::Welcome { .. }));
}
