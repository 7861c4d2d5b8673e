//! `GET /v1/agent/conversations` over real HTTP: closed conversations searched by
//! visitor name, email or message text, a visitor's earlier conversations,
//! paging, bounds, sign-in and tenant isolation.

mod common;

use common::*;
use natter_protocol::{
    AgentFrame, ConversationId, ConversationPage, ToAgent, ToVisitor, VisitorFrame, VisitorId, VisitorInfo,
};

/// A visitor of acme writes `text` (with a name), an agent closes the
/// conversation; returns the visitor's id and the conversation.
async fn closed_chat(
    relay: &TestRelay,
    agent: &mut AgentClient,
    name: &str,
    texts: &[&str],
) -> (VisitorId, ConversationId) {
    let mut v = relay.visitor("acme").await;
    let ToVisitor::Welcome { visitor_id, .. } = v.recv().await else { panic!("no welcome") };
    let info = VisitorInfo {
        name: Some(name.into()),
        email: Some(format!("{}@buyer.test", name.to_lowercase())),
        ..VisitorInfo::default()
    };
    v.send(&VisitorFrame::Start { info }).await;
    let mut id = None;
    for (i, text) in texts.iter().enumerate() {
        v.send(&VisitorFrame::Send { client_id: cid(&format!("m{i}")), text: (*text).into(), attachments: vec![] })
            .await;
        let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
            unreachable!()
        };
        id = Some(conversation_id);
    }
    let id = id.unwrap();
    agent.send(&AgentFrame::Claim { conversation_id: id }).await;
    agent.send(&AgentFrame::Close { conversation_id: id }).await;
    agent
        .until(|f| matches!(f, ToAgent::Conversation { conversation: c } if c.id == id && c.closed_at.is_some()))
        .await;
    (visitor_id, id)
}

async fn find(relay: &TestRelay, token: &str, query: &str) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new()
        .get(relay.http(&format!("/v1/agent/conversations{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn ids(relay: &TestRelay, token: &str, query: &str) -> (Vec<ConversationId>, bool) {
    let (status, body) = find(relay, token, query).await;
    assert_eq!(status, 200, "{query}: {body}");
    let page: ConversationPage = serde_json::from_value(body).unwrap();
    (page.conversations.iter().map(|c| c.id).collect(), page.more)
}

#[tokio::test]
async fn agents_search_closed_conversations_and_a_visitors_history() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let token = relay.login("acme", "bob@x.test").await.token; // any role may search
    let (somchai, parcel) = closed_chat(&relay, &mut ann, "Somchai", &["Where is parcel 4321?", "It is late"]).await;
    let (_, refund) = closed_chat(&relay, &mut ann, "Nok", &["I want a REFUND, 100% of it"]).await;
    // An open conversation is not in the closed list.
    let mut open = relay.visitor("acme").await;
    let ToVisitor::Welcome { visitor_id: open_visitor, .. } = open.recv().await else { panic!("no welcome") };
    open.send(&VisitorFrame::Send { client_id: cid("o1"), text: "parcel question".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: open_id, .. } = open.until(|f| matches!(f, ToVisitor::Ack { .. })).await
    else {
        unreachable!()
    };

    assert_eq!(ids(&relay, &token, "").await, (vec![refund, parcel], false), "newest first");
    assert_eq!(ids(&relay, &token, "?q=parcel").await.0, [parcel], "a message's text, not its preview only");
    assert_eq!(ids(&relay, &token, "?q=refund").await.0, [refund], "case-insensitive");
    assert_eq!(ids(&relay, &token, "?q=somchai%40buyer").await.0, [parcel], "the email");
    assert_eq!(ids(&relay, &token, "?q=nok").await.0, [refund], "the name");
    assert_eq!(ids(&relay, &token, "?q=100%25").await.0, [refund], "a literal percent sign");
    assert!(ids(&relay, &token, "?q=%25%25%25").await.0.is_empty(), "wildcards are escaped");
    assert!(ids(&relay, &token, "?q=_").await.0.is_empty(), "wildcards are escaped");

    // Paging.
    assert_eq!(ids(&relay, &token, "?limit=1").await, (vec![refund], true));
    assert_eq!(ids(&relay, &token, &format!("?limit=1&before={}", refund.0)).await, (vec![parcel], false));

    // A visitor's conversations, any status.
    assert_eq!(ids(&relay, &token, &format!("?visitor={}", somchai.as_str())).await.0, [parcel]);
    assert_eq!(ids(&relay, &token, &format!("?visitor={}", open_visitor.as_str())).await.0, [open_id]);
    assert!(ids(&relay, &token, "?visitor=AAAAAAAAAAAAAAAAAAAAAA").await.0.is_empty());

    // The messages of a closed conversation can be read.
    ann.send(&AgentFrame::Sync { conversation_id: parcel, after_seq: natter_protocol::Seq(0) }).await;
    let ToAgent::History { messages, .. } =
        ann.until(|f| matches!(f, ToAgent::History { conversation_id, .. } if *conversation_id == parcel)).await
    else {
        unreachable!()
    };
    assert!(
        messages
            .iter()
            .any(|m| matches!(&m.body, natter_protocol::MessageBody::Text { text, .. } if text == "It is late"))
    );
}

#[tokio::test]
async fn bad_queries_are_refused_with_the_field_and_tenants_stay_apart() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    closed_chat(&relay, &mut ann, "Somchai", &["acme secret"]).await;
    let token = relay.login("acme", "ann@x.test").await.token;

    for (query, field) in [("?limit=0", "limit"), ("?limit=101", "limit"), (&*format!("?q={}", "x".repeat(201)), "q")] {
        let (status, body) = find(&relay, &token, query).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    for query in ["?limit=many", "?visitor=not%20an%20id", "?before=-1"] {
        let (status, body) = find(&relay, &token, query).await;
        assert!(status == 400 || status == 422, "{query}: {status} {body}");
        assert_eq!(body["error"]["code"], "invalid_input", "{body}");
    }
    let res = reqwest::get(relay.http("/v1/agent/conversations")).await.unwrap();
    assert_eq!(res.status(), 401);

    // Another tenant's agent finds nothing of acme's.
    let globex = relay.login("globex", "ann@x.test").await.token;
    assert!(ids(&relay, &globex, "").await.0.is_empty());
    assert!(ids(&relay, &globex, "?q=secret").await.0.is_empty());
}
