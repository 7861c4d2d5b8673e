//! Backpressure at default limits: long replays are paced by the socket instead
//! of flooding it, a flood of queue updates is coalesced per conversation, and
//! only a reader that does not read is dropped (see `relay/src/outbox.rs`).

mod common;

use std::time::Duration;

use common::*;
use natter_protocol::{
    AgentFrame, AgentStatus, ConversationId, ConversationStatus, ErrorFrame, MessageBody, PROTOCOL_VERSION, Seq,
    ToAgent, ToVisitor, VisitorFrame,
};
use natter_relay::time::Clock;
use tokio::sync::mpsc;

/// A visitor writes `n` messages (inbound rate limits lifted for the setup only:
/// the outgoing side, under test, keeps its defaults). Returns the token and conversation.
async fn conversation_of(relay: &TestRelay, n: usize) -> (String, ConversationId) {
    let mut v = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    let (mut tx, mut rx) = v.split();
    let writer = tokio::spawn(async move {
        for i in 0..n {
            let frame = VisitorFrame::Send {
                client_id: cid(&format!("m{i}")),
                text: format!("message {i}"),
                attachments: vec![],
            };
            tx.send_frame(&frame).await.unwrap();
        }
        tx
    });
    let mut id = None;
    let mut acked = 0;
    while acked < n {
        match rx.next_frame().await.expect("the visitor socket stays open") {
            ToVisitor::Ack { conversation_id, .. } => {
                id = Some(conversation_id);
                acked += 1;
            }
            ToVisitor::Error(ErrorFrame { code, .. }) => panic!("setup refused after {acked} acks: {code:?}"),
            _ => {}
        }
    }
    drop(writer.await.unwrap());
    (token, id.unwrap())
}

#[tokio::test]
async fn a_5000_message_conversation_resumes_complete_and_in_order_at_default_limits() {
    let relay = TestRelay::start_with(|c| {
        c.limits.frames_per_sec = 1_000_000;
        c.limits.frame_burst = 1_000_000;
    })
    .await;
    const N: u64 = 5_000;
    let (token, id) = conversation_of(&relay, N as usize).await;

    // The visitor's new page: resume from nothing with the stored token.
    let hello = VisitorFrame::Hello {
        v: PROTOCOL_VERSION,
        token: Some(token),
        conversation_id: Some(id),
        last_seq: Some(Seq(0)),
    };
    let mut v = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    assert!(matches!(v.recv().await, ToVisitor::Welcome { .. }));
    let mut seqs = Vec::new();
    while seqs.len() < N as usize {
        match v.recv().await {
            ToVisitor::Message { conversation_id, message } if conversation_id == id => seqs.push(message.seq.0),
            ToVisitor::Error(ErrorFrame { code, .. }) => {
                panic!("dropped after {} replayed messages: {code:?}", seqs.len())
            }
            _ => {}
        }
    }
    assert_eq!(seqs, (1..=N).collect::<Vec<_>>(), "complete, in order, once");

    // An agent's console syncing the whole conversation: every page, then live.
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Sync { conversation_id: id, after_seq: Seq(0) }).await;
    let mut synced = Vec::new();
    loop {
        match ann.recv().await {
            ToAgent::History { conversation_id, messages, more } if conversation_id == id => {
                synced.extend(messages.iter().map(|m| m.seq.0));
                if !more {
                    break;
                }
            }
            ToAgent::Error(ErrorFrame { code, .. }) => panic!("agent dropped after {} synced: {code:?}", synced.len()),
            _ => {}
        }
    }
    assert_eq!(synced, (1..=N).collect::<Vec<_>>());
}

#[tokio::test]
async fn live_messages_during_a_replay_arrive_after_it_in_seq_order() {
    let relay = TestRelay::start_with(|c| {
        c.limits.frames_per_sec = 1_000_000;
        c.limits.frame_burst = 1_000_000;
    })
    .await;
    let (token, id) = conversation_of(&relay, 1_000).await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    ann.until(
        |f| matches!(f, ToAgent::Conversation { conversation } if conversation.status == ConversationStatus::Active),
    )
    .await;
    let hello = VisitorFrame::Hello {
        v: PROTOCOL_VERSION,
        token: Some(token),
        conversation_id: Some(id),
        last_seq: Some(Seq(0)),
    };
    let mut v = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    // The agent answers while the visitor's replay is still being paced out.
    ann.send(&AgentFrame::Send {
        conversation_id: id,
        client_id: cid("live"),
        text: "live answer".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    let mut seqs = Vec::new();
    loop {
        match v.recv().await {
            ToVisitor::Message { message, .. } => {
                seqs.push(message.seq.0);
                if matches!(&message.body, MessageBody::Text { text, .. } if text == "live answer") {
                    break;
                }
            }
            ToVisitor::Error(ErrorFrame { code, .. }) => panic!("dropped: {code:?}"),
            _ => {}
        }
    }
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(seqs, sorted, "history then live, in seq order, no duplicates");
    assert_eq!(seqs.len(), seqs.last().copied().unwrap() as usize, "no gap: every seq up to the live one");
}

/// Reads an agent socket continuously (a healthy console) and forwards every frame.
fn healthy_reader(agent: AgentClient) -> (mpsc::UnboundedReceiver<ToAgent>, ClientTx) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (sink, mut stream) = agent.split();
    tokio::spawn(async move {
        while let Some(frame) = stream.next_frame().await {
            if tx.send(frame).is_err() {
                break;
            }
        }
    });
    (rx, sink)
}

/// The next forwarded frame matching `pred`, or `None` after `wait` without one;
/// panics on a fatal error or a closed socket.
async fn next_within(
    rx: &mut mpsc::UnboundedReceiver<ToAgent>,
    wait: Duration,
    pred: impl Fn(&ToAgent) -> bool,
) -> Option<ToAgent> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let frame = match tokio::time::timeout_at(deadline, rx.recv()).await {
            Err(_) => return None,
            Ok(frame) => frame.expect("the agent socket stays open"),
        };
        if let ToAgent::Error(ErrorFrame { code, fatal: true, .. }) = &frame {
            panic!("the agent was dropped: {code:?}");
        }
        if pred(&frame) {
            return Some(frame);
        }
    }
}

async fn next_matching(rx: &mut mpsc::UnboundedReceiver<ToAgent>, pred: impl Fn(&ToAgent) -> bool) -> ToAgent {
    next_within(rx, Duration::from_secs(20), pred).await.expect("a matching frame within 20 s")
}

/// The conversation a `conversation` summary says is now closed. Every agent
/// socket gets these at once, followed or not (agents do not follow waiting
/// conversations, so the closing event lines themselves do not reach them).
fn closed_conversation(f: &ToAgent) -> Option<ConversationId> {
    match f {
        ToAgent::Conversation { conversation } if conversation.status == ConversationStatus::Closed => {
            Some(conversation.id)
        }
        _ => None,
    }
}

#[tokio::test]
async fn a_thousand_waiting_visitors_claims_and_sweeps_drop_no_agent() {
    let clock = Clock::manual();
    let relay = TestRelay::start_with(|c| {
        c.housekeeping_every = Duration::from_millis(20);
        c.clock = clock.clone();
        // A thousand visitors, all from this test's one address.
        c.limits.max_visitor_connections_per_ip = 2_000;
    })
    .await;
    relay.edit_settings("acme", |s| s.routing.abandon_after_secs = 5 * 60).await;
    let (ann, _) = relay.agent("acme", "ann@x.test").await;
    let (bob, _) = relay.agent("acme", "bob@x.test").await;
    let (mut ann_rx, mut ann_tx) = healthy_reader(ann);
    let (mut bob_rx, mut bob_tx) = healthy_reader(bob);
    // Nobody takes chats automatically: the queue only grows.
    for tx in [&mut ann_tx, &mut bob_tx] {
        tx.send_frame(&AgentFrame::SetStatus { status: AgentStatus::Away }).await.unwrap();
    }

    const N: usize = 1_000;
    // Fifty at a time (group commit takes them in few batches); kept open, unread.
    let mut visitors = Vec::with_capacity(N);
    let mut first = None;
    for wave in 0..N / 50 {
        let opened = (0..50).map(|i| {
            let addr = relay.addr;
            tokio::spawn(async move {
                let mut v = Client::visitor(addr, "acme", SHOP_ORIGIN, None).await;
                v.recv().await;
                v.send(&VisitorFrame::Send {
                    client_id: cid("q"),
                    text: format!("waiting {wave}/{i}"),
                    attachments: vec![],
                })
                .await;
                let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await
                else {
                    unreachable!()
                };
                (v, conversation_id)
            })
        });
        for task in opened.collect::<Vec<_>>() {
            let (v, id) = task.await.unwrap();
            first = Some(first.map_or(id, |f: ConversationId| if id.0 < f.0 { id } else { f }));
            visitors.push(v);
        }
    }
    // One claim moves 999 queue positions: both agents hear the new ones and stay.
    let last_moved = |f: &ToAgent| {
        matches!(f, ToAgent::Conversation { conversation } if conversation.status == ConversationStatus::Waiting
            && conversation.queue_position == Some(N as u32 - 1))
    };
    bob_tx.send_frame(&AgentFrame::Claim { conversation_id: first.unwrap() }).await.unwrap();
    next_matching(&mut ann_rx, last_moved).await;
    next_matching(&mut bob_rx, last_moved).await;

    // Every visitor leaves; abandonment sweeps close the 999 waiting conversations.
    // (A visitor whose socket close the relay had not seen yet goes at the next move.)
    // Only waiting ones count: the claimed one may be closed as inactive meanwhile.
    drop(visitors);
    let mut abandoned = std::collections::HashSet::new();
    let waiting_closed = |f: &ToAgent| closed_conversation(f).is_some_and(|id| id != first.unwrap());
    while abandoned.len() < N - 1 {
        clock.advance(Duration::from_secs(6 * 60));
        while let Some(f) = next_within(&mut ann_rx, Duration::from_secs(2), waiting_closed).await {
            abandoned.extend(closed_conversation(&f));
        }
    }
    assert_eq!(abandoned.len(), N - 1);
    // Both still connected and answered.
    for (tx, rx) in [(&mut ann_tx, &mut ann_rx), (&mut bob_tx, &mut bob_rx)] {
        tx.send_frame(&AgentFrame::Sync { conversation_id: first.unwrap(), after_seq: Seq(0) }).await.unwrap();
        next_matching(rx, |f| matches!(f, ToAgent::History { more: false, .. })).await;
    }
}
