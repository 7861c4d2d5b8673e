//! Every kind of bad input gets a typed error and leaves stored data intact.

mod common;

use std::time::Duration;

use common::*;
use natter_protocol::{
    AgentFrame, ConversationId, ErrorCode, ErrorFrame, PROTOCOL_VERSION, Seq, ToAgent, ToVisitor, VisitorFrame,
};
use natter_relay::auth::visitor_token::{VisitorTokens, new_visitor_id};

async fn visitor_with_message(relay: &TestRelay) -> (VisitorClient, ConversationId) {
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Send { client_id: cid("keep"), text: "keep me".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    v.until(|f| text_of(f).is_some()).await;
    (v, conversation_id)
}

#[tokio::test]
async fn malformed_frames_get_typed_errors_and_the_socket_survives() {
    let relay = TestRelay::start().await;
    let (mut v, id) = visitor_with_message(&relay).await;
    let cases = [
        ("{not json", ErrorCode::BadJson),
        (r#"{"type":"teleport"}"#, ErrorCode::UnknownFrame),
        (r#"{"type":"send","text":"no id"}"#, ErrorCode::InvalidInput),
        (r#"{"type":"send","client_id":"bad id","text":"x"}"#, ErrorCode::InvalidInput),
        (r#"{"type":"send","client_id":"e1","text":"   "}"#, ErrorCode::InvalidInput),
        (r#"{"type":"start","info":{"email":"not-an-email"}}"#, ErrorCode::InvalidInput),
        (r#"{"type":"start","info":{"utc_offset_min":900}}"#, ErrorCode::InvalidInput),
        (r#"{"type":"start","info":{"utc_offset_min":"+07:00"}}"#, ErrorCode::InvalidInput),
        (r#"{"type":"hello","v":1}"#, ErrorCode::InvalidInput),
    ];
    for (text, expected) in cases {
        v.send_raw(text).await;
        let (code, fatal, _) = v.error().await;
        assert_eq!(code, expected, "{text}");
        assert!(!fatal, "{text}");
    }
    let long = "x".repeat(natter_protocol::DEFAULT_MAX_TEXT_BYTES + 1);
    v.send(&VisitorFrame::Send { client_id: cid("long"), text: long, attachments: vec![] }).await;
    let ToVisitor::Error(ErrorFrame { code, client_id, .. }) = v.until(|f| matches!(f, ToVisitor::Error(_))).await
    else {
        panic!()
    };
    assert_eq!((code, client_id), (ErrorCode::InvalidInput, Some(cid("long"))));

    // Still usable, and nothing was stored by the bad frames.
    v.send(&VisitorFrame::Send { client_id: cid("ok"), text: "fine".into(), attachments: vec![] }).await;
    let ack = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    assert!(matches!(ack, ToVisitor::Ack { seq: Seq(2), .. }), "{ack:?}");
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Sync { conversation_id: id, after_seq: Seq(0) }).await;
    let ToAgent::History { messages, .. } = ann.until(|f| matches!(f, ToAgent::History { .. })).await else { panic!() };
    assert_eq!(messages.len(), 2);
}

#[tokio::test]
async fn oversized_frames_are_refused() {
    let relay = TestRelay::start_with(|c| c.limits.max_frame_bytes = 2048).await;
    let (mut v, _) = visitor_with_message(&relay).await;
    let big = format!(r#"{{"type":"send","client_id":"big","text":"{}"}}"#, "y".repeat(3000));
    v.send_raw(&big).await;
    let (code, fatal, _) = v.error().await;
    assert_eq!((code, fatal), (ErrorCode::FrameTooLarge, false));
    // Far over the limit: the socket is closed (1009) rather than buffered.
    let huge = format!(r#"{{"type":"send","client_id":"huge","text":"{}"}}"#, "z".repeat(64 * 1024));
    v.send_raw(&huge).await;
    assert!(v.closed().await);
}

#[tokio::test]
async fn hello_is_required_and_versioned() {
    let relay = TestRelay::start().await;
    let path = "/v1/ws/visitor?tenant=acme";
    let mut c = VisitorClient::connect(relay.addr, path, SHOP_ORIGIN).await.unwrap();
    c.send(&VisitorFrame::Typing { on: true }).await;
    assert_eq!(c.error().await, (ErrorCode::HelloRequired, true, "the first frame must be hello".into()));
    assert!(c.closed().await);

    let mut c = VisitorClient::connect(relay.addr, path, SHOP_ORIGIN).await.unwrap();
    c.send(&VisitorFrame::Hello { v: 99, token: None, conversation_id: None, last_seq: None }).await;
    let (code, fatal, message) = c.error().await;
    assert_eq!((code, fatal), (ErrorCode::UnsupportedVersion, true));
    assert!(message.contains(&PROTOCOL_VERSION.to_string()));

    let mut c = AgentClient::connect(relay.addr, "/v1/ws/agent", &relay.own_origin()).await.unwrap();
    c.send(&AgentFrame::Hello { v: 2, token: "x".into() }).await;
    assert_eq!(c.error().await.0, ErrorCode::UnsupportedVersion);
}

#[tokio::test]
async fn upgrades_are_refused_for_unknown_tenants_and_foreign_origins() {
    let relay = TestRelay::start().await;
    for (path, origin, status, code) in [
        ("/v1/ws/visitor?tenant=nope", SHOP_ORIGIN, 404, "unknown_tenant"),
        ("/v1/ws/visitor?tenant=..%2Fetc", SHOP_ORIGIN, 404, "unknown_tenant"),
        ("/v1/ws/visitor?tenant=acme", "https://evil.example", 403, "origin_not_allowed"),
        ("/v1/ws/visitor?tenant=acme", "", 403, "origin_not_allowed"),
        ("/v1/ws/agent", "", 403, "origin_not_allowed"),
    ] {
        // Only the refused upgrade is read, so the client's frame type does not matter.
        let (got, body) = VisitorClient::connect(relay.addr, path, origin).await.err().expect("refused");
        assert_eq!(got, status, "{path} {origin}");
        assert!(body.contains(code), "{path} {origin}: {body}");
    }
    let res = reqwest::get(relay.http("/v1/widget/nope/config")).await.unwrap();
    assert_eq!(res.status(), 404);
    let body: natter_protocol::ApiErrorBody = res.json().await.unwrap();
    assert_eq!(body.error.code, ErrorCode::UnknownTenant);
}

#[tokio::test]
async fn forged_and_expired_visitor_tokens_are_refused() {
    let relay = TestRelay::start().await;
    let secret = std::fs::read(relay.dir.path().join("secret.key")).unwrap();
    let expired = VisitorTokens::new(&secret, Duration::ZERO).issue(
        &tenant("acme"),
        &new_visitor_id(),
        natter_relay::time::now(),
    );
    let forged = VisitorTokens::new(&[9; 32], Duration::from_secs(60)).issue(
        &tenant("acme"),
        &new_visitor_id(),
        natter_relay::time::now(),
    );
    for (token, expected) in [
        (expired, ErrorCode::TokenExpired),
        (forged, ErrorCode::TokenInvalid),
        ("garbage".into(), ErrorCode::TokenInvalid),
    ] {
        let hello =
            VisitorFrame::Hello { v: PROTOCOL_VERSION, token: Some(token), conversation_id: None, last_seq: None };
        let mut v = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
        assert_eq!(v.error().await.0, expected);
        assert!(v.closed().await);
    }
}

#[tokio::test]
async fn wrong_passwords_say_nothing_about_the_email_and_are_throttled() {
    let relay = TestRelay::start().await;
    let http = reqwest::Client::new();
    let login = |email: &'static str, password: &'static str| {
        http.post(relay.http("/v1/agent/login"))
            .json(&serde_json::json!({"tenant": "acme", "email": email, "password": password}))
            .send()
    };
    let wrong_pw: natter_protocol::ApiErrorBody = login("ann@x.test", "nope").await.unwrap().json().await.unwrap();
    let no_user: natter_protocol::ApiErrorBody = login("nobody@x.test", "nope").await.unwrap().json().await.unwrap();
    assert_eq!(wrong_pw, no_user, "same answer whether or not the email exists");
    assert_eq!(wrong_pw.error.code, ErrorCode::InvalidCredentials);

    for _ in 0..5 {
        assert_eq!(login("bob@x.test", "nope").await.unwrap().status(), 401);
    }
    // Five failures for one account from one address: the next try from there
    // waits, even with the right password (signin_throttle.rs: others do not).
    let locked = login("bob@x.test", "correct horse battery").await.unwrap();
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    let body: natter_protocol::ApiErrorBody = locked.json().await.unwrap();
    assert_eq!(body.error.code, ErrorCode::TooManyAttempts);

    let res = http
        .post(relay.http("/v1/agent/login"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn logout_and_idle_timeout_end_sessions_everywhere() {
    let clock = natter_relay::time::Clock::manual();
    let relay = TestRelay::start_with(|c| {
        c.sessions.idle_timeout = Duration::from_millis(1500);
        c.clock = clock.clone();
    })
    .await;
    let login = relay.login("acme", "ann@x.test").await;
    let mut ws = AgentClient::connect(relay.addr, "/v1/ws/agent", &relay.own_origin()).await.unwrap();
    ws.send(&AgentFrame::Hello { v: PROTOCOL_VERSION, token: login.token.clone() }).await;
    ws.until(|f| matches!(f, ToAgent::AgentWelcome { .. })).await;
    let res =
        reqwest::Client::new().post(relay.http("/v1/agent/logout")).bearer_auth(&login.token).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(ws.error().await, (ErrorCode::SessionExpired, true, "your session has ended; sign in again".into()));
    assert!(ws.closed().await);
    let res = reqwest::Client::new().get(relay.http("/v1/agent/me")).bearer_auth(&login.token).send().await.unwrap();
    assert_eq!(res.status(), 401);

    // Idle: a frame after the idle timeout ends the session.
    let (mut ws, _) = relay.agent("acme", "bob@x.test").await;
    clock.advance(Duration::from_millis(1700));
    ws.send(&AgentFrame::Typing { conversation_id: ConversationId(1), on: true }).await;
    assert_eq!(ws.error().await.0, ErrorCode::SessionExpired);
}

#[tokio::test]
async fn frame_floods_are_rate_limited() {
    let relay = TestRelay::start_with(|c| {
        c.limits.frames_per_sec = 1;
        c.limits.frame_burst = 5;
    })
    .await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    for _ in 0..10 {
        v.send(&VisitorFrame::Typing { on: true }).await;
    }
    assert_eq!(v.error().await.0, ErrorCode::RateLimited);
}

/// Frames `client` receives up to and including the first one matching `last`.
async fn frames_until<F: ServerFrame>(client: &mut Client<F>, last: impl Fn(&F) -> bool) -> Vec<F> {
    let mut out = Vec::new();
    loop {
        let f = client.recv().await;
        let done = last(&f);
        out.push(f);
        if done {
            return out;
        }
    }
}

#[tokio::test]
async fn a_refused_first_send_opens_no_conversation_and_emits_nothing() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let long = "x".repeat(natter_protocol::DEFAULT_MAX_TEXT_BYTES + 1);
    // Conversations really opened so far; agents may hear more about them.
    let mut known = Vec::new();
    for (i, bad) in ["   ".to_owned(), "\0".to_owned(), long].into_iter().enumerate() {
        let mut v = relay.visitor("acme").await;
        v.recv().await;
        v.send(&VisitorFrame::Send { client_id: cid(&format!("bad{i}")), text: bad, attachments: vec![] }).await;
        let seen = frames_until(&mut v, |f| matches!(f, ToVisitor::Error(_))).await;
        assert!(
            matches!(
                seen.last(),
                Some(ToVisitor::Error(ErrorFrame { code: ErrorCode::InvalidInput, conversation_id: None, .. }))
            ),
            "the refusal names no conversation: {seen:?}"
        );
        assert!(
            !seen.iter().any(|f| matches!(f, ToVisitor::VisitorConversation { .. })),
            "case {i}: the refused send announced a conversation: {seen:?}"
        );
        // The agent's next request is answered after anything the refused send
        // could have emitted: nothing about a conversation came before it.
        ann.send(&AgentFrame::Sync { conversation_id: ConversationId(1 << 40), after_seq: Seq(0) }).await;
        let agent_saw = frames_until(&mut ann, |f| matches!(f, ToAgent::Error(_))).await;
        let phantom = |f: &ToAgent| match f {
            ToAgent::Conversation { conversation } => !known.contains(&conversation.id),
            ToAgent::Message { conversation_id, .. } => !known.contains(conversation_id),
            _ => false,
        };
        assert!(!agent_saw.iter().any(phantom), "case {i}: agents saw a phantom: {agent_saw:?}");
        // The same visitor's next, valid send opens exactly one conversation.
        let text = format!("real question {i}");
        v.send(&VisitorFrame::Send { client_id: cid(&format!("ok{i}")), text: text.clone(), attachments: vec![] })
            .await;
        let seen = frames_until(&mut v, |f| matches!(f, ToVisitor::Ack { .. })).await;
        let ToVisitor::Ack { conversation_id: id, .. } = seen.last().unwrap() else { panic!() };
        let announced = seen.iter().filter(|f| matches!(f, ToVisitor::VisitorConversation { .. })).count();
        assert_eq!(announced, 1, "{seen:?}");
        let id = *id;
        known.push(id);
        // Agents hear of it with its message: the summary that announces it, or
        // the preview summary that follows (agents do not follow a waiting
        // conversation, so its `message` frames do not reach them).
        ann.until(|f| {
            matches!(f, ToAgent::Conversation { conversation }
                if conversation.id == id && conversation.preview.as_deref() == Some(text.as_str()))
        })
        .await;
    }
}
