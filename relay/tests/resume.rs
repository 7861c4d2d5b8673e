//! Nothing lost, nothing doubled: resuming a visitor by token, replay after a
//! reconnect from the last seq, idempotent resends, agent catch-up with `sync`.

mod common;

use common::*;
use natter_protocol::{AgentFrame, ErrorFrame, PROTOCOL_VERSION, Seq, ToAgent, ToVisitor, VisitorFrame};

/// Collects the text of agents' messages until `n` have arrived.
async fn texts(c: &mut VisitorClient, n: usize) -> Vec<(Seq, String)> {
    let mut out = Vec::new();
    while out.len() < n {
        let f = c
            .until(|f| matches!(f, ToVisitor::Message { message, .. } if text_of(f).is_some() && message.author != natter_protocol::Author::Visitor))
            .await;
        if let ToVisitor::Message { message, .. } = &f {
            out.push((message.seq, text_of(&f).unwrap().to_owned()));
        }
    }
    out
}

#[tokio::test]
async fn a_reload_resumes_the_same_visitor_and_conversation() {
    let relay = TestRelay::start().await;
    let mut v = relay.visitor("acme").await;
    let ToVisitor::Welcome { visitor_id, token, .. } = v.recv().await else { panic!() };
    v.send(&VisitorFrame::Send { client_id: cid("m1"), text: "first".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    drop(v);

    // New page load: the stored token, nothing held yet (fresh page state).
    let hello = VisitorFrame::Hello { v: PROTOCOL_VERSION, token: Some(token), conversation_id: None, last_seq: None };
    let mut v2 = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    let welcome = v2.recv().await;
    let ToVisitor::Welcome { visitor_id: again, conversation, .. } = &welcome else { panic!() };
    assert_eq!(again, &visitor_id);
    assert_eq!(conversation.as_ref().unwrap().id, conversation_id);
    let replayed = v2.until(|f| text_of(f).is_some()).await;
    assert!(matches!(&replayed, ToVisitor::Message { message, .. } if message.seq == Seq(1)));
    assert_eq!(text_of(&replayed), Some("first"));
}

#[tokio::test]
async fn reconnect_with_last_seq_replays_exactly_what_was_missed() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let mut v = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    v.send(&VisitorFrame::Send { client_id: cid("m1"), text: "hi".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    ann.send(&AgentFrame::Send {
        conversation_id: id,
        client_id: cid("a1"),
        text: "answer 1".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    assert_eq!(texts(&mut v, 1).await, vec![(Seq(3), "answer 1".to_owned())]);
    drop(v); // the visitor goes offline, holding seq 3

    for i in 2..=4 {
        ann.send(&AgentFrame::Send {
            conversation_id: id,
            client_id: cid(&format!("a{i}")),
            text: format!("answer {i}"),
            attachments: vec![],
            quick_replies: vec![],
        })
        .await;
        ann.until(|f| matches!(f, ToAgent::Ack { .. })).await;
    }

    let hello = VisitorFrame::Hello {
        v: PROTOCOL_VERSION,
        token: Some(token),
        conversation_id: Some(id),
        last_seq: Some(Seq(3)),
    };
    let mut v = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    let (_, _, last) = welcome_parts(&v.recv().await);
    assert_eq!(last, Seq(6));
    let replayed = texts(&mut v, 3).await;
    assert_eq!(replayed, vec![(Seq(4), "answer 2".into()), (Seq(5), "answer 3".into()), (Seq(6), "answer 4".into())]);
    // ...and then live, with nothing repeated in between.
    ann.send(&AgentFrame::Send {
        conversation_id: id,
        client_id: cid("a5"),
        text: "answer 5".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    let next = v.recv().await;
    assert_eq!(text_of(&next), Some("answer 5"), "the next frame is the live message, not a duplicate: {next:?}");
}

#[tokio::test]
async fn resending_a_client_id_is_acknowledged_again_and_stored_once() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let mut v = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    let send = VisitorFrame::Send { client_id: cid("same-id"), text: "only once".into(), attachments: vec![] };
    v.send(&send).await;
    let first = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    v.send(&send).await;
    let second = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    let (
        ToVisitor::Ack { seq: s1, duplicate: d1, conversation_id: id, .. },
        ToVisitor::Ack { seq: s2, duplicate: d2, .. },
    ) = (first, second)
    else {
        panic!()
    };
    assert_eq!((s1, d1, s2, d2), (Seq(1), false, Seq(1), true));

    // After a reconnect (the ack was lost), the resend is still a duplicate.
    drop(v);
    let hello = VisitorFrame::Hello {
        v: PROTOCOL_VERSION,
        token: Some(token),
        conversation_id: Some(id),
        last_seq: Some(Seq(0)),
    };
    let mut v = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    v.send(&send).await;
    let again = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    assert!(matches!(again, ToVisitor::Ack { seq: Seq(1), duplicate: true, .. }));

    ann.send(&AgentFrame::Sync { conversation_id: id, after_seq: Seq(0) }).await;
    let ToAgent::History { messages, more, .. } = ann.until(|f| matches!(f, ToAgent::History { .. })).await else {
        panic!()
    };
    assert!(!more);
    assert_eq!(messages.len(), 1, "stored once: {messages:?}");
}

#[tokio::test]
async fn an_agent_catches_up_with_sync_after_a_reconnect() {
    let relay = TestRelay::start().await;
    let (ann, _) = relay.agent("acme", "ann@x.test").await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Send { client_id: cid("m1"), text: "one".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    drop(ann); // the console drops; it holds seq 1

    for i in 2..=3 {
        v.send(&VisitorFrame::Send { client_id: cid(&format!("m{i}")), text: format!("msg {i}"), attachments: vec![] })
            .await;
        v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    }

    let (mut ann, welcome) = relay.agent("acme", "ann@x.test").await;
    let ToAgent::AgentWelcome { conversations, .. } = welcome else { panic!() };
    let c = conversations.iter().find(|c| c.id == id).unwrap();
    assert_eq!(c.last_seq, Seq(3), "the inbox says what exists");
    ann.send(&AgentFrame::Sync { conversation_id: id, after_seq: Seq(1) }).await;
    let ToAgent::History { messages, .. } = ann.until(|f| matches!(f, ToAgent::History { .. })).await else { panic!() };
    let seqs: Vec<_> = messages.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![Seq(2), Seq(3)]);
}

#[tokio::test]
async fn long_histories_come_in_pages() {
    let relay = TestRelay::start_with(|c| {
        c.limits.frames_per_sec = 10_000;
        c.limits.frame_burst = 10_000;
    })
    .await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    for i in 0..450 {
        v.send(&VisitorFrame::Send { client_id: cid(&format!("m{i}")), text: format!("{i}"), attachments: vec![] })
            .await;
    }
    let mut id = None;
    for i in 0..450 {
        let f = v.until(|f| matches!(f, ToVisitor::Ack { .. } | ToVisitor::Error(ErrorFrame { .. }))).await;
        match f {
            ToVisitor::Ack { conversation_id, .. } => id = Some(conversation_id),
            other => panic!("after {i} acks: {other:?}"),
        }
    }
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Sync { conversation_id: id.unwrap(), after_seq: Seq(0) }).await;
    let mut all = Vec::new();
    loop {
        let ToAgent::History { messages, more, .. } = ann.until(|f| matches!(f, ToAgent::History { .. })).await else {
            panic!()
        };
        all.extend(messages.into_iter().map(|m| m.seq.0));
        if !more {
            break;
        }
    }
    assert_eq!(all, (1..=450).collect::<Vec<u64>>());
}
