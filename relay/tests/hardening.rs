//! Typed answers where the relay used to fail inside or say too little: ids
//! beyond what storage holds, a NUL in a search, binary frames, frames over
//! the hard cap, the bearer scheme's case, refusals that name their frame, and
//! the documented answers to a claim.

mod common;

use common::*;
use natter_protocol::{
    AgentFrame, ApiErrorBody, ConversationEvent, ConversationStatus, ErrorCode, ErrorFrame, MessageBody, Seq, ToAgent,
    ToVisitor, VisitorFrame, VisitorInfo,
};

const TOO_BIG: &str = "9223372036854775808"; // i64::MAX + 1

#[tokio::test]
async fn ids_beyond_what_storage_holds_are_invalid_input() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    for frame in [
        format!(r#"{{"type":"claim","conversation_id":{TOO_BIG}}}"#),
        format!(r#"{{"type":"sync","conversation_id":{TOO_BIG},"after_seq":0}}"#),
        format!(r#"{{"type":"sync","conversation_id":1,"after_seq":{TOO_BIG}}}"#),
        r#"{"type":"read","conversation_id":1,"seq":18446744073709551615}"#.to_owned(),
        format!(r#"{{"type":"transfer","conversation_id":1,"to":{TOO_BIG}}}"#),
    ] {
        ann.send_raw(&frame).await;
        let (code, fatal, message) = ann.error().await;
        assert_eq!((code, fatal), (ErrorCode::InvalidInput, false), "{frame}: {message}");
    }
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send_raw(&format!(r#"{{"type":"read","seq":{TOO_BIG}}}"#)).await;
    assert_eq!(v.error().await.0, ErrorCode::InvalidInput);
    let hello = format!(r#"{{"type":"hello","v":1,"conversation_id":{TOO_BIG},"last_seq":1}}"#);
    let mut v = VisitorClient::connect(relay.addr, "/v1/ws/visitor?tenant=acme", SHOP_ORIGIN).await.unwrap();
    v.send_raw(&hello).await;
    let (code, fatal, _) = v.error().await;
    assert_eq!((code, fatal), (ErrorCode::InvalidInput, true));

    // The history search's `before` and the admin API's agent ids likewise.
    let token = relay.login("acme", "ann@x.test").await.token;
    let http = reqwest::Client::new();
    let res = http.get(relay.http(&format!("/v1/agent/conversations?before={TOO_BIG}"))).bearer_auth(&token);
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), 422);
    for id in [TOO_BIG, "abc"] {
        let res = http
            .put(relay.http(&format!("/v1/admin/agents/{id}")))
            .bearer_auth(&token)
            .json(&serde_json::json!({"max_chats": 3}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{id}");
        let body: ApiErrorBody = res.json().await.unwrap();
        assert_eq!(body.error.code, ErrorCode::NotFound);
    }
}

#[tokio::test]
async fn a_nul_in_the_history_search_is_invalid_input() {
    let relay = TestRelay::start().await;
    let token = relay.login("acme", "ann@x.test").await.token;
    let res = reqwest::Client::new()
        .get(relay.http("/v1/agent/conversations?q=abc%00def"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: ApiErrorBody = res.json().await.unwrap();
    assert_eq!((body.error.code, body.error.field.as_deref()), (ErrorCode::InvalidInput, Some("q")));
}

#[tokio::test]
async fn binary_frames_are_rate_limited_and_close_the_socket_like_other_refusals() {
    // No refill: exactly the burst is let through, however slow the machine.
    let relay = TestRelay::start_with(|c| {
        c.limits.frames_per_sec = 0;
        c.limits.frame_burst = 5;
    })
    .await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    for _ in 0..50 {
        v.send_binary(b"\x00\x01").await;
    }
    // Each one is refused: the first ones for being binary, then (out of
    // tokens) for the rate; the 50th refusal in a row is fatal.
    let mut refusals = Vec::new();
    while refusals.len() < 50 {
        if let ToVisitor::Error(e) = v.recv().await {
            refusals.push((e.code, e.fatal));
        }
    }
    assert!(refusals[..5].iter().all(|r| *r == (ErrorCode::InvalidInput, false)), "{refusals:?}");
    assert!(refusals[5..49].iter().all(|r| *r == (ErrorCode::RateLimited, false)), "{refusals:?}");
    assert_eq!(refusals[49], (ErrorCode::RateLimited, true));
    assert!(v.closed().await);
}

#[tokio::test]
async fn a_frame_over_the_hard_cap_closes_with_1009() {
    let relay = TestRelay::start_with(|c| c.limits.max_frame_bytes = 2048).await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    let huge = format!(r#"{{"type":"send","client_id":"huge","text":"{}"}}"#, "z".repeat(64 * 1024));
    v.send_raw(&huge).await;
    assert_eq!(v.error().await.0, ErrorCode::FrameTooLarge);
    assert_eq!(v.close_code().await, Some(1009));
    // Before hello too.
    let mut c = VisitorClient::connect(relay.addr, "/v1/ws/visitor?tenant=acme", SHOP_ORIGIN).await.unwrap();
    c.send_raw(&huge).await;
    assert_eq!(c.close_code().await, Some(1009));
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let relay = TestRelay::start().await;
    let token = relay.login("acme", "ann@x.test").await.token;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let res = reqwest::Client::new()
            .get(relay.http("/v1/agent/me"))
            .header("Authorization", format!("{scheme} {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn refusals_at_the_socket_name_the_frame_they_refuse() {
    let relay = TestRelay::start_with(|c| {
        c.limits.frames_per_sec = 0;
        c.limits.frame_burst = 2;
        c.limits.max_frame_bytes = 2048;
    })
    .await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    // Too large (the first token), badly formed (the second), rate limited (no token left).
    let big = format!(r#"{{"type":"send","client_id":"big-1","text":"{}"}}"#, "y".repeat(3000));
    v.send_raw(&big).await;
    v.send_raw(r#"{"type":"send","client_id":"bad-2","text":7}"#).await;
    v.send(&VisitorFrame::Send { client_id: cid("fast-3"), text: "hello".into(), attachments: vec![] }).await;
    let mut refused = Vec::new();
    while refused.len() < 3 {
        if let ToVisitor::Error(ErrorFrame { code, client_id, .. }) = v.recv().await {
            refused.push((code, client_id.map(|c| c.as_str().to_owned())));
        }
    }
    let named = |code, id: &str| (code, Some(id.to_owned()));
    assert_eq!(
        refused,
        [
            named(ErrorCode::FrameTooLarge, "big-1"),
            named(ErrorCode::InvalidInput, "bad-2"),
            named(ErrorCode::RateLimited, "fast-3")
        ]
    );
    // An agent's refused frame names its conversation.
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    for id in [11, 12, 13] {
        ann.send_raw(&format!(r#"{{"type":"claim","conversation_id":{id}}}"#)).await;
    }
    let limited = ann.until(|f| matches!(f, ToAgent::Error(e) if e.code == ErrorCode::RateLimited)).await;
    let ToAgent::Error(e) = limited else { unreachable!() };
    assert_eq!(e.conversation_id.map(|c| c.0), Some(13));
}

/// PROTOCOL.md: a claim is answered with the `claimed` event line (it takes
/// the next seq) and then the summary; the visitor sees the same two; a
/// conversation opened by `start` has the event as seq 1, so the visitor's
/// first message is seq 2.
#[tokio::test]
async fn a_claim_is_answered_with_its_event_line_then_its_summary() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Start { info: VisitorInfo { name: Some("Vic".into()), ..VisitorInfo::default() } }).await;
    let answer = v.until(|f| matches!(f, ToVisitor::VisitorConversation { .. })).await;
    let ToVisitor::VisitorConversation { conversation } = answer else { unreachable!() };
    let id = conversation.id;
    assert_eq!((conversation.status, conversation.last_seq), (ConversationStatus::Waiting, Seq(0)));

    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    let claimed = |seq: Seq| {
        move |m: &natter_protocol::Message| {
            m.seq == seq && matches!(m.body, MessageBody::Event { event: ConversationEvent::Claimed { .. } })
        }
    };
    // Which comes first, the event line or the new state (earlier summaries of
    // the waiting conversation are skipped).
    let answer = ann
        .until(|f| match f {
            ToAgent::Message { conversation_id, .. } => *conversation_id == id,
            ToAgent::Conversation { conversation } => {
                conversation.id == id && conversation.status == ConversationStatus::Active
            }
            _ => false,
        })
        .await;
    assert!(matches!(&answer, ToAgent::Message { message, .. } if claimed(Seq(1))(message)), "{answer:?}");
    let summary = ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == id)).await;
    assert!(
        matches!(&summary, ToAgent::Conversation { conversation }
            if conversation.status == ConversationStatus::Active && conversation.last_seq == Seq(1)),
        "{summary:?}"
    );
    let seen = v
        .until(|f| match f {
            ToVisitor::Message { .. } => true,
            ToVisitor::VisitorConversation { conversation } => conversation.status == ConversationStatus::Active,
            _ => false,
        })
        .await;
    assert!(matches!(&seen, ToVisitor::Message { message, .. } if claimed(Seq(1))(message)), "{seen:?}");
    let seen = v.until(|f| matches!(f, ToVisitor::VisitorConversation { .. })).await;
    assert!(
        matches!(&seen, ToVisitor::VisitorConversation { conversation } if conversation.status == ConversationStatus::Active),
        "{seen:?}"
    );
    v.send(&VisitorFrame::Send { client_id: cid("first"), text: "hi".into(), attachments: vec![] }).await;
    let ack = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    assert!(matches!(ack, ToVisitor::Ack { seq: Seq(2), .. }), "{ack:?}");
}

/// The harness's negative assertion fails on a dead socket: "no frame came"
/// from a socket that closed proves nothing.
#[tokio::test]
#[should_panic(expected = "the socket ended")]
async fn nothing_happening_on_a_closed_socket_proves_nothing() {
    let relay = TestRelay::start().await;
    let mut v = VisitorClient::connect(relay.addr, "/v1/ws/visitor?tenant=acme", SHOP_ORIGIN).await.unwrap();
    v.send(&VisitorFrame::Typing { on: true }).await; // not a hello: fatal, then closed
    v.none_within(std::time::Duration::from_secs(3), |f| matches!(f, ToVisitor::Welcome { .. })).await;
}
