//! Durability against a crash: kill -9 the real `natter` process during a burst
//! of sends, restart it on the same data directory, and check that every
//! acknowledged message is there exactly once — and that resending everything
//! (as a client would) fills the gaps without doubling anything.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::*;
use natter_protocol::{
    AgentFrame, ConversationId, MessageBody, PROTOCOL_VERSION, Seq, ToAgent, ToVisitor, VisitorFrame,
};
use tokio::process::Child;

const BURST: usize = 3000;

async fn spawn_relay(dir: &std::path::Path) -> (Child, std::net::SocketAddr) {
    let (child, addr, _) = spawn_natter(dir, &LIFTED_RATES).await;
    (child, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    seed(&test_config(dir.path())).await;
    let (mut relay, addr) = spawn_relay(dir.path()).await;

    let mut v = Client::visitor(addr, "acme", SHOP_ORIGIN, None).await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    // Open the conversation first so every message of the burst lands in it.
    v.send(&VisitorFrame::Send { client_id: cid("m0"), text: "m0".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };

    let (mut tx, mut rx) = v.split();
    let sender = tokio::spawn(async move {
        for i in 1..BURST {
            let frame =
                VisitorFrame::Send { client_id: cid(&format!("m{i}")), text: format!("m{i}"), attachments: vec![] };
            if tx.send_frame(&frame).await.is_err() {
                return i;
            }
        }
        BURST
    });
    let mut acked: BTreeMap<String, Seq> = BTreeMap::from([("m0".to_owned(), Seq(1))]);
    let mut killed = false;
    while let Some(frame) = rx.next_frame().await {
        if let ToVisitor::Ack { client_id, seq, conversation_id, .. } = frame {
            assert_eq!(conversation_id, id);
            acked.insert(client_id.to_string(), seq);
            if !killed && acked.len() >= 400 {
                relay.start_kill().unwrap(); // SIGKILL: no shutdown, no flush
                killed = true;
            }
        }
    }
    assert!(killed, "the burst was acknowledged before the kill could land; only {} acks", acked.len());
    let sent = sender.await.unwrap();
    relay.wait().await.unwrap();
    assert!(acked.len() < BURST, "the kill landed mid-burst ({} of {BURST} acked, {sent} sent)", acked.len());

    let (_relay, addr) = spawn_relay(dir.path()).await;
    let stored = history(addr, id).await;
    let by_client: BTreeMap<&str, Seq> = stored.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    assert_eq!(by_client.len(), stored.len(), "no client id stored twice");
    for (client_id, seq) in &acked {
        assert_eq!(by_client.get(client_id.as_str()), Some(seq), "acked {client_id} is stored at the acked seq");
    }
    let seqs: Vec<u64> = stored.iter().map(|(_, s)| s.0).collect();
    assert_eq!(seqs, (1..=stored.len() as u64).collect::<Vec<_>>(), "seqs have no gaps");

    // The client resends everything it did not see acknowledged (here: all of it).
    let hello =
        VisitorFrame::Hello { v: PROTOCOL_VERSION, token: Some(token), conversation_id: Some(id), last_seq: None };
    let mut v = Client::visitor(addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    v.recv().await;
    let (mut tx, mut rx) = v.split();
    let resender = tokio::spawn(async move {
        for i in 0..BURST {
            tx.send_frame(&VisitorFrame::Send {
                client_id: cid(&format!("m{i}")),
                text: format!("m{i}"),
                attachments: vec![],
            })
            .await
            .unwrap();
        }
        tx
    });
    let (mut acks, mut duplicates) = (0, 0);
    while acks < BURST {
        if let ToVisitor::Ack { duplicate, .. } = rx.next_frame().await.expect("an ack for every resend") {
            acks += 1;
            duplicates += usize::from(duplicate);
        }
    }
    let _tx = resender.await.unwrap();
    assert_eq!(duplicates, stored.len(), "exactly the stored messages were recognised as resends");
    let after = history(addr, id).await;
    assert_eq!(after.len(), BURST);
    let unique: HashSet<&String> = after.iter().map(|(c, _)| c).collect();
    assert_eq!(unique.len(), BURST);
}

/// Every text message of a conversation as (client id, seq), via an agent.
async fn history(addr: std::net::SocketAddr, id: ConversationId) -> Vec<(String, Seq)> {
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/v1/agent/login"))
        .json(&serde_json::json!({"tenant": "acme", "email": "ann@x.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let login: natter_protocol::LoginResponse = res.json().await.unwrap();
    let mut ann =
        AgentClient::connect(addr, "/v1/ws/agent", &format!("http://127.0.0.1:{}", addr.port())).await.unwrap();
    ann.send(&AgentFrame::Hello { v: PROTOCOL_VERSION, token: login.token }).await;
    ann.send(&AgentFrame::Sync { conversation_id: id, after_seq: Seq(0) }).await;
    let mut out = Vec::new();
    loop {
        let ToAgent::History { messages, more, .. } = ann.until(|f| matches!(f, ToAgent::History { .. })).await else {
            panic!()
        };
        for m in messages {
            if let MessageBody::Text { client_id, .. } = m.body {
                out.push((client_id.to_string(), m.seq));
            }
        }
        if !more {
            return out;
        }
    }
}
