//! Tenant isolation on every path: an agent of one tenant can never see, claim
//! or write to anything of another, and visitor tokens do not cross tenants.

mod common;

use common::*;
use natter_protocol::{AgentFrame, ErrorCode, PROTOCOL_VERSION, Seq, ToAgent, ToVisitor, VisitorFrame};

#[tokio::test]
async fn agents_cannot_touch_another_tenants_conversations() {
    let relay = TestRelay::start().await;
    let (mut acme_agent, _) = relay.agent("acme", "ann@x.test").await;
    let (mut globex_agent, welcome) = relay.agent("globex", "ann@x.test").await;
    let ToAgent::AgentWelcome { conversations, agents, .. } = welcome else { panic!() };
    assert!(conversations.is_empty());
    assert!(agents.iter().all(|a| a.email.ends_with("@x.test")) && agents.len() == 2);

    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Send {
        client_id: cid("secret"),
        text: "my address is 1 Secret Rd".into(),
        attachments: vec![],
    })
    .await;
    let ToVisitor::Ack { conversation_id: id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    // acme's agents hear of it: the summary with its preview (they get its
    // `message` frames only once they follow it).
    acme_agent
        .until(|f| {
            matches!(f, ToAgent::Conversation { conversation: c }
                if c.id == id && c.preview.as_deref() == Some("my address is 1 Secret Rd"))
        })
        .await;
    v.until(|f| text_of(f).is_some()).await; // the visitor's own copy

    // The globex agent saw nothing of it (only its own tenant's presence and tags)...
    let wait = std::time::Duration::from_millis(300);
    assert!(
        globex_agent.none_within(wait, |f| !matches!(f, ToAgent::Presence { .. } | ToAgent::Tags { .. })).await,
        "globex saw more than its own tenant's presence"
    );
    // ...and every action on that id is "not found" for them.
    let attempts = [
        AgentFrame::Sync { conversation_id: id, after_seq: Seq(0) },
        AgentFrame::Claim { conversation_id: id },
        AgentFrame::Send {
            conversation_id: id,
            client_id: cid("x"),
            text: "hi".into(),
            attachments: vec![],
            quick_replies: Vec::new(),
        },
        AgentFrame::Typing { conversation_id: id, on: true },
        AgentFrame::Read { conversation_id: id, seq: Seq(1) },
        AgentFrame::Transfer { conversation_id: id, to: natter_protocol::AgentId(1), note: None },
        AgentFrame::Close { conversation_id: id },
        AgentFrame::Note { conversation_id: id, client_id: cid("n"), text: "peek".into() },
        AgentFrame::Tag { conversation_id: id, tag: natter_protocol::TagId(1), on: true },
    ];
    for frame in attempts {
        globex_agent.send(&frame).await;
        let (code, fatal, _) = globex_agent.error().await;
        assert_eq!(code, ErrorCode::NotFound, "{frame:?}");
        assert!(!fatal);
    }
    // The acme conversation is untouched: still waiting, one message.
    acme_agent.send(&AgentFrame::Sync { conversation_id: id, after_seq: Seq(0) }).await;
    let ToAgent::History { messages, .. } = acme_agent.until(|f| matches!(f, ToAgent::History { .. })).await else {
        panic!()
    };
    assert_eq!(messages.len(), 1);
    // The visitor got nothing from globex (only its own queue position).
    let wait = std::time::Duration::from_millis(200);
    assert!(
        v.none_within(wait, |f| !matches!(f, ToVisitor::Queue { .. })).await,
        "the visitor saw more than its queue place"
    );
}

#[tokio::test]
async fn credentials_are_scoped_to_their_tenant() {
    let relay = TestRelay::start().await;
    // Same email in both tenants; signing in to one does not sign in to the other.
    let acme = relay.login("acme", "ann@x.test").await;
    let me: natter_protocol::AgentInfo = reqwest::Client::new()
        .get(relay.http("/v1/agent/me"))
        .bearer_auth(&acme.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.id, acme.agent.id);

    // A session token whose tenant part is rewritten is simply invalid.
    let forged = acme.token.replacen("nts.acme.", "nts.globex.", 1);
    let res = reqwest::Client::new().get(relay.http("/v1/agent/me")).bearer_auth(&forged).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let mut c = AgentClient::connect(relay.addr, "/v1/ws/agent", &relay.own_origin()).await.unwrap();
    c.send(&AgentFrame::Hello { v: PROTOCOL_VERSION, token: forged }).await;
    let (code, fatal, _) = c.error().await;
    assert_eq!((code, fatal), (ErrorCode::SessionExpired, true));

    // A visitor token from acme is refused by globex.
    let mut v = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    let hello = VisitorFrame::Hello { v: PROTOCOL_VERSION, token: Some(token), conversation_id: None, last_seq: None };
    let mut other = Client::visitor(relay.addr, "globex", "https://globex.example", Some(hello)).await;
    let (code, fatal, _) = other.error().await;
    assert_eq!((code, fatal), (ErrorCode::TokenInvalid, true));
    assert!(other.closed().await);
}

#[tokio::test]
async fn origins_are_checked_per_tenant() {
    let relay = TestRelay::start().await;
    // acme's shop may not open globex's socket, nor read its widget config.
    let refused = VisitorClient::connect(relay.addr, "/v1/ws/visitor?tenant=globex", SHOP_ORIGIN).await.err().unwrap();
    assert_eq!(refused.0, 403);
    assert!(refused.1.contains("origin_not_allowed"), "{}", refused.1);
    let res = reqwest::Client::new()
        .get(relay.http("/v1/widget/globex/config"))
        .header("Origin", SHOP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Readable by the refused page, so its loader can say why nothing shows; no config in it.
    assert_eq!(res.headers()["access-control-allow-origin"], SHOP_ORIGIN);
    let body = res.text().await.unwrap();
    assert!(body.contains("origin_not_allowed") && !body.contains("primary_color"), "{body}");
    let res = reqwest::Client::new()
        .get(relay.http("/v1/widget/acme/config"))
        .header("Origin", SHOP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], SHOP_ORIGIN);
    // The agent socket only accepts the relay's own origin (the console).
    let refused = AgentClient::connect(relay.addr, "/v1/ws/agent", SHOP_ORIGIN).await.err().unwrap();
    assert_eq!(refused.0, 403);
}
