//! A visitor and an agent talk: messages both ways, claim, typing, read
//! receipts, transfer and the end of the conversation.

mod common;

use common::*;
use natter_protocol::{
    AgentFrame, Author, ConversationEvent, ConversationStatus, ErrorCode, MessageBody, PROTOCOL_VERSION, Seq, ToAgent,
    ToVisitor, VisitorFrame, VisitorInfo,
};

#[tokio::test]
async fn visitor_and_agent_exchange_messages_with_typing_and_receipts() {
    let relay = TestRelay::start().await;
    let (mut ann, welcome) = relay.agent("acme", "ann@x.test").await;
    let ToAgent::AgentWelcome { conversations, agents, .. } = welcome else { unreachable!() };
    assert!(conversations.is_empty());
    assert_eq!(agents.len(), 2);

    let mut v = relay.visitor("acme").await;
    welcome_parts(&v.recv().await);
    let info = VisitorInfo {
        name: Some("Vic".into()),
        email: Some("vic@example.com".into()),
        page_url: Some("https://shop.example/p/1".into()),
        utc_offset_min: Some(420),
        ..VisitorInfo::default()
    };
    v.send(&VisitorFrame::Start { info }).await;

    // The agent sees the waiting visitor appear live, with the pre-chat details.
    let ToAgent::Conversation { conversation: c } = ann.until(|f| matches!(f, ToAgent::Conversation { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(c.status, ConversationStatus::Waiting);
    assert_eq!(c.visitor.name.as_deref(), Some("Vic"));
    assert_eq!(c.visitor.utc_offset_min, Some(420), "agents see the visitor's local time");
    assert!(c.user_agent.as_deref().unwrap().contains("NatterTest"));

    // She opens it (before claiming it): her console follows it from then on.
    assert!(ann.follow(c.id).await.is_empty());
    v.send(&VisitorFrame::Send {
        client_id: cid("v1"),
        text: "Do you ship to Chiang Mai?".into(),
        attachments: vec![],
    })
    .await;
    let ack = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    assert_eq!(ack, ToVisitor::Ack { conversation_id: c.id, client_id: cid("v1"), seq: Seq(1), duplicate: false });
    let m = ann.until(|f| matches!(f, ToAgent::Message { .. })).await;
    assert_eq!(text_of(&m), Some("Do you ship to Chiang Mai?"));

    ann.send(&AgentFrame::Claim { conversation_id: c.id }).await;
    let claimed = v.until(|f| matches!(f, ToVisitor::VisitorConversation { .. })).await;
    let ToVisitor::VisitorConversation { conversation } = claimed else { unreachable!() };
    assert_eq!(conversation.status, ConversationStatus::Active);
    assert_eq!(conversation.agent.as_ref().unwrap().name, "Ann");

    // Typing both ways.
    ann.send(&AgentFrame::Typing { conversation_id: c.id, on: true }).await;
    let t = v.until(|f| matches!(f, ToVisitor::Typing { .. })).await;
    assert!(matches!(t, ToVisitor::Typing { who: Author::Agent { ref name, .. }, on: true, .. } if name == "Ann"));
    v.send(&VisitorFrame::Typing { on: true }).await;
    let t = ann.until(|f| matches!(f, ToAgent::Typing { who: Author::Visitor, .. })).await;
    assert!(matches!(t, ToAgent::Typing { on: true, .. }));

    ann.send(&AgentFrame::Send {
        conversation_id: c.id,
        client_id: cid("a1"),
        text: "Yes, in 2 days.".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    let ack = ann.until(|f| matches!(f, ToAgent::Ack { .. })).await;
    assert!(matches!(ack, ToAgent::Ack { seq: Seq(3), duplicate: false, .. }), "{ack:?}"); // 2 is the claim line
    let m = v.until(|f| text_of(f).is_some()).await;
    assert_eq!(text_of(&m), Some("Yes, in 2 days."));
    let ToVisitor::Message { message, .. } = m else { unreachable!() };
    assert!(matches!(message.author, Author::Agent { ref name, .. } if name == "Ann"));

    // Read receipts both ways.
    v.send(&VisitorFrame::Read { seq: Seq(3) }).await;
    let r = ann.until(|f| matches!(f, ToAgent::Read { .. })).await;
    assert_eq!(r, ToAgent::Read { conversation_id: c.id, by: Author::Visitor, seq: Seq(3) });
    ann.send(&AgentFrame::Read { conversation_id: c.id, seq: Seq(99) }).await;
    let r = v.until(|f| matches!(f, ToVisitor::Read { .. })).await;
    assert!(matches!(r, ToVisitor::Read { seq: Seq(3), .. }), "read marks never pass the last message: {r:?}");

    // Closing: the visitor sees the end.
    ann.send(&AgentFrame::Close { conversation_id: c.id }).await;
    let end = v.until(|f| matches!(f, ToVisitor::Message { message, .. } if matches!(message.body, MessageBody::Event { .. }) && message.seq == Seq(4))).await;
    let ToVisitor::Message { message, .. } = end else { unreachable!() };
    assert!(matches!(message.body, MessageBody::Event { event: ConversationEvent::Closed { .. } }));
    let ToVisitor::VisitorConversation { conversation } =
        v.until(|f| matches!(f, ToVisitor::VisitorConversation { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(conversation.status, ConversationStatus::Closed);

    // Sending into the closed conversation is refused for the agent, text kept client-side.
    ann.send(&AgentFrame::Send {
        conversation_id: c.id,
        client_id: cid("a2"),
        text: "one more".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    let (code, fatal, _) = ann.error().await;
    assert_eq!(code, ErrorCode::ConversationClosed);
    assert!(!fatal);

    // A visitor message after the end opens a new conversation.
    v.send(&VisitorFrame::Send { client_id: cid("v2"), text: "Another question".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, seq, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    assert_ne!(conversation_id, c.id);
    assert_eq!(seq, Seq(1));
}

#[tokio::test]
async fn transfer_moves_the_conversation_and_hides_the_note_from_the_visitor() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let (mut bob, welcome) = relay.agent("acme", "bob@x.test").await;
    let ToAgent::AgentWelcome { agent: bob_info, .. } = welcome else { unreachable!() };

    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Send { client_id: cid("v1"), text: "hello".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };

    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    ann.until(
        |f| matches!(f, ToAgent::Conversation { conversation } if conversation.status == ConversationStatus::Active),
    )
    .await;

    // Bob loses the race for the claim and is told who has it.
    bob.send(&AgentFrame::Claim { conversation_id: id }).await;
    let (code, _, message) = bob.error().await;
    assert_eq!(code, ErrorCode::AlreadyClaimed);
    assert!(message.contains("Ann"), "{message}");
    // Nor may he write into it.
    bob.send(&AgentFrame::Send {
        conversation_id: id,
        client_id: cid("b1"),
        text: "hi".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    assert_eq!(bob.error().await.0, ErrorCode::Forbidden);

    ann.send(&AgentFrame::Transfer { conversation_id: id, to: bob_info.id, note: Some("VIP, wants express".into()) })
        .await;
    // The system line comes first, then the updated conversation.
    let agent_copy = bob.until(|f| matches!(f, ToAgent::Message { message, .. } if matches!(message.body, MessageBody::Event { event: ConversationEvent::Transferred { .. } }))).await;
    let ToAgent::Message { message, .. } = agent_copy else { unreachable!() };
    assert!(
        matches!(message.body, MessageBody::Event { event: ConversationEvent::Transferred { note: Some(ref n), .. } } if n == "VIP, wants express")
    );
    let ToAgent::Conversation { conversation } =
        bob.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.assignee.as_ref().is_some_and(|a| a.name == "Bob"))).await
    else {
        unreachable!()
    };
    assert_eq!(conversation.status, ConversationStatus::Active);
    let visitor_copy = v.until(|f| matches!(f, ToVisitor::Message { message, .. } if matches!(message.body, MessageBody::Event { event: ConversationEvent::Transferred { .. } }))).await;
    let ToVisitor::Message { message, .. } = visitor_copy else { unreachable!() };
    assert!(matches!(message.body, MessageBody::Event { event: ConversationEvent::Transferred { note: None, .. } }));

    // Now Bob can answer, and Ann (plain agent rights aside, she is owner) sees it live.
    bob.send(&AgentFrame::Send {
        conversation_id: id,
        client_id: cid("b2"),
        text: "Bob here".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    assert!(matches!(bob.until(|f| matches!(f, ToAgent::Ack { .. })).await, ToAgent::Ack { duplicate: false, .. }));
    let m = v.until(|f| text_of(f).is_some()).await;
    assert_eq!(text_of(&m), Some("Bob here"));
}

#[tokio::test]
async fn visitor_can_end_the_conversation() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Send { client_id: cid("v1"), text: "hi".into(), attachments: vec![] }).await;
    v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    v.send(&VisitorFrame::End).await;
    let ToAgent::Conversation { conversation } =
        ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.status == ConversationStatus::Closed)).await
    else {
        unreachable!()
    };
    assert!(conversation.closed_at.is_some());
    v.send(&VisitorFrame::End).await;
    assert_eq!(v.error().await.0, ErrorCode::NoConversation);
}

#[tokio::test]
async fn an_agent_offers_quick_replies_and_the_visitor_gets_them_live_and_on_replay() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let mut v = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    v.send(&VisitorFrame::Send { client_id: cid("v1"), text: "return?".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    let offer = |client: &str, labels: Vec<String>| AgentFrame::Send {
        conversation_id: id,
        client_id: cid(client),
        text: "Start a return?".into(),
        attachments: vec![],
        quick_replies: labels,
    };
    ann.send(&offer("a0", (1..=7).map(|i| format!("option {i}")).collect())).await;
    let (code, _, _) = ann.error().await;
    assert_eq!(code, ErrorCode::InvalidInput, "at most six");
    ann.send(&offer("a1", vec![" Yes, please ".into(), "No".into()])).await;
    let live = v.until(|f| f.text() == Some("Start a return?")).await;
    let ToVisitor::Message { message, .. } = live else { unreachable!() };
    let MessageBody::Text { quick_replies, .. } = &message.body else { unreachable!() };
    assert_eq!(quick_replies, &["Yes, please", "No"]);

    // A returning visitor's replay has them too.
    v.close_and_wait().await;
    let hello = VisitorFrame::Hello {
        v: PROTOCOL_VERSION,
        token: Some(token),
        conversation_id: Some(id),
        last_seq: Some(Seq(0)),
    };
    let mut back = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    let replayed = back.until(|f| f.text() == Some("Start a return?")).await;
    let ToVisitor::Message { message, .. } = replayed else { unreachable!() };
    assert!(matches!(&message.body, MessageBody::Text { quick_replies, .. } if quick_replies.len() == 2));
}
