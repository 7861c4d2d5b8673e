//! The queue, routing and availability over real sockets: positions pushed to
//! waiting visitors, auto-assignment within limits and skills, business hours
//! and the offline form, auto-away, the disconnect grace period, timeouts, and
//! the admin settings API.

mod common;

use std::time::Duration;

use common::*;
use natter_protocol::{
    AgentFrame, AgentStatus, AutoCloseReason, ConversationEvent, ConversationId, ConversationStatus, ErrorCode,
    ForceState, MessageBody, ToAgent, ToVisitor, VisitorFrame, VisitorInfo,
};
use natter_relay::time::Clock;

async fn visitor_sends(relay: &TestRelay, text: &str) -> (VisitorClient, ConversationId) {
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Send { client_id: cid("first"), text: text.into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    (v, conversation_id)
}

/// Waits until the visitor is told this queue state (earlier states are skipped).
async fn expect_queue(v: &mut VisitorClient, expected: (u32, u32, Option<u32>)) {
    v.until(|f| {
        matches!(f, ToVisitor::Queue { position, waiting, estimated_wait_secs, .. }
            if (*position, *waiting, *estimated_wait_secs) == expected)
    })
    .await;
}

/// Waits until the visitor is told this queue position.
async fn expect_position(v: &mut VisitorClient, expected: u32) {
    v.until(|f| matches!(f, ToVisitor::Queue { position, .. } if *position == expected)).await;
}

#[tokio::test]
async fn waiting_visitors_see_their_position_fall_as_agents_claim() {
    let relay = TestRelay::start().await;
    let (mut v1, c1) = visitor_sends(&relay, "one").await;
    expect_queue(&mut v1, (1, 1, None)).await;
    let (mut v2, c2) = visitor_sends(&relay, "two").await;
    expect_queue(&mut v2, (2, 2, None)).await;
    let (mut v3, c3) = visitor_sends(&relay, "three").await;
    expect_queue(&mut v3, (3, 3, None)).await;

    // An agent comes online: the estimate appears (default 300 s handling, 5 chats capacity).
    let (mut ann, welcome) = relay.agent("acme", "ann@x.test").await;
    expect_queue(&mut v3, (3, 3, Some(180))).await;
    // The agent's snapshot carries the same queue order.
    let ToAgent::AgentWelcome { conversations, .. } = welcome else { unreachable!() };
    let places: Vec<_> = [c1, c2, c3]
        .iter()
        .map(|id| conversations.iter().find(|c| c.id == *id).and_then(|c| c.queue_position))
        .collect();
    assert_eq!(places, [Some(1), Some(2), Some(3)]);

    ann.send(&AgentFrame::Claim { conversation_id: c1 }).await;
    expect_queue(&mut v2, (1, 2, Some(60))).await;
    expect_queue(&mut v3, (2, 2, Some(120))).await;
    // Agents are told who moved up.
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation: c } if c.id == c3 && c.queue_position == Some(2)))
        .await;
    let ToVisitor::VisitorConversation { conversation } =
        v1.until(|f| matches!(f, ToVisitor::VisitorConversation { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(conversation.status, ConversationStatus::Active);
}

#[tokio::test]
async fn auto_assignment_balances_load_and_never_exceeds_limits() {
    let relay = TestRelay::start().await;
    relay
        .edit_settings("acme", |s| {
            s.routing.auto_assign = true;
            s.routing.default_max_chats = 1;
        })
        .await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let (_bob, _) = relay.agent("acme", "bob@x.test").await;

    let (mut v1, c1) = visitor_sends(&relay, "one").await;
    let (mut v2, _) = visitor_sends(&relay, "two").await;
    let (mut v3, c3) = visitor_sends(&relay, "three").await;
    let mut assignees = Vec::new();
    for v in [&mut v1, &mut v2] {
        let ToVisitor::VisitorConversation { conversation } = v
            .until(|f| matches!(f, ToVisitor::VisitorConversation { conversation } if conversation.status == ConversationStatus::Active))
            .await
        else {
            unreachable!()
        };
        assignees.push(conversation.agent.unwrap().name);
    }
    assignees.sort();
    assert_eq!(assignees, ["Ann", "Bob"], "one each: nobody above max 1");
    expect_position(&mut v3, 1).await;

    let ToAgent::Presence { agents } =
        ann.until(|f| matches!(f, ToAgent::Presence { agents } if agents.iter().all(|a| a.active_chats == 1))).await
    else {
        unreachable!()
    };
    assert!(agents.iter().all(|a| a.status == AgentStatus::Busy), "at their limit: {agents:?}");

    // Capacity frees (Ann, an owner, closes the first chat, whoever holds it):
    // the queue drains by itself.
    ann.send(&AgentFrame::Close { conversation_id: c1 }).await;
    let ToVisitor::VisitorConversation { conversation } = v3
        .until(|f| matches!(f, ToVisitor::VisitorConversation { conversation } if conversation.status == ConversationStatus::Active))
        .await
    else {
        unreachable!()
    };
    assert_eq!(conversation.id, c3);
}

#[tokio::test]
async fn departments_route_to_agents_with_the_skill_and_urgent_goes_first() {
    let relay = TestRelay::start().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    let agents: Vec<natter_protocol::AgentAdminView> = reqwest::Client::new()
        .get(relay.http("/v1/admin/agents"))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bob = agents.iter().find(|a| a.agent.name == "Bob").unwrap().agent.id;
    let res = reqwest::Client::new()
        .put(relay.http(&format!("/v1/admin/agents/{bob}")))
        .bearer_auth(&owner)
        .json(&serde_json::json!({"skills": ["billing"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bad = reqwest::Client::new()
        .put(relay.http(&format!("/v1/admin/agents/{bob}")))
        .bearer_auth(&owner)
        .json(&serde_json::json!({"max_chats": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);

    // Manual claim mode: queue order is priority, then arrival.
    let (mut v1, _c1) = visitor_sends(&relay, "normal").await;
    let (mut v2, c2) = visitor_sends(&relay, "urgent one").await;
    expect_position(&mut v2, 2).await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::SetPriority { conversation_id: c2, priority: natter_protocol::Priority::Urgent }).await;
    expect_position(&mut v2, 1).await;
    expect_position(&mut v1, 2).await;

    // Auto-assign: a billing conversation goes to Bob even though Ann is free.
    relay.edit_settings("acme", |s| s.routing.auto_assign = true).await;
    let (mut bob_ws, _) = relay.agent("acme", "bob@x.test").await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    let info = VisitorInfo { department: Some("billing".into()), ..VisitorInfo::default() };
    v.send(&VisitorFrame::Start { info }).await;
    let ToVisitor::VisitorConversation { conversation } = v
        .until(|f| matches!(f, ToVisitor::VisitorConversation { conversation } if conversation.status == ConversationStatus::Active))
        .await
    else {
        unreachable!()
    };
    assert_eq!(conversation.agent.unwrap().name, "Bob");
    let _ = bob_ws.until(|f| matches!(f, ToAgent::Conversation { .. })).await;
}

#[tokio::test]
async fn out_of_hours_visitors_leave_a_message_that_agents_see() {
    let relay = TestRelay::start().await;
    relay.edit_settings("acme", |s| s.hours.force = Some(ForceState::Closed)).await;
    let config: natter_protocol::PublicWidgetConfig =
        reqwest::get(relay.http("/v1/widget/acme/config")).await.unwrap().json().await.unwrap();
    assert!(!config.online);
    // An agent signed in after hours (catching up) does not make the shop open.
    let (_early, _) = relay.agent("acme", "bob@x.test").await;

    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Send { client_id: cid("m1"), text: "hello?".into(), attachments: vec![] }).await;
    assert_eq!(v.error().await.0, ErrorCode::ShopClosed);
    let offline = VisitorFrame::Offline {
        client_id: cid("off1"),
        name: Some("Nok".into()),
        email: "nok@example.com".into(),
        text: "Please call me back tomorrow".into(),
        page_url: Some("https://shop.example/cart".into()),
        referrer: None,
        utc_offset_min: Some(420),
    };
    v.send(&offline).await;
    let mut promised_a_wait = false;
    let conversation_id = loop {
        match v.recv().await {
            ToVisitor::Ack { conversation_id, .. } => break conversation_id,
            ToVisitor::Queue { .. } => promised_a_wait = true,
            _ => {}
        }
    };
    v.send(&offline).await; // a resend is recognised
    let resend = v
        .until(|f| {
            promised_a_wait |= matches!(f, ToVisitor::Queue { .. });
            matches!(f, ToVisitor::Ack { .. })
        })
        .await;
    assert!(matches!(resend, ToVisitor::Ack { duplicate: true, .. }));
    // A message left offline is not a live wait: no queue place is promised.
    promised_a_wait |= !v.none_within(Duration::from_millis(300), |f| matches!(f, ToVisitor::Queue { .. })).await;
    assert!(!promised_a_wait, "an offline message got a queue position");

    let (mut ann, welcome) = relay.agent("acme", "ann@x.test").await;
    let ToAgent::AgentWelcome { conversations, .. } = welcome else { unreachable!() };
    let c = conversations.iter().find(|c| c.id == conversation_id).unwrap();
    assert!(c.offline);
    assert_eq!(c.visitor.email.as_deref(), Some("nok@example.com"));
    assert_eq!(c.preview.as_deref(), Some("Please call me back tomorrow"));
    // The page the visitor wrote from reaches agents, as with a live chat.
    assert_eq!(c.visitor.page_url.as_deref(), Some("https://shop.example/cart"));
    assert_eq!(c.visitor.utc_offset_min, Some(420));
    // Agents can answer it.
    ann.send(&AgentFrame::Claim { conversation_id }).await;
    ann.send(&AgentFrame::Send {
        conversation_id,
        client_id: cid("a1"),
        text: "Calling you at 10".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    assert!(matches!(ann.until(|f| matches!(f, ToAgent::Ack { .. })).await, ToAgent::Ack { duplicate: false, .. }));
}

/// Runs on a manual clock the test moves, with the tenant's real timeout
/// settings; housekeeping runs every few milliseconds so a move takes effect at once.
#[tokio::test]
async fn auto_away_disconnect_grace_and_timeouts() {
    let clock = Clock::manual();
    let relay = TestRelay::start_with(|c| {
        c.housekeeping_every = Duration::from_millis(20);
        c.clock = clock.clone();
    })
    .await;
    let minutes = |m: u64| Duration::from_secs(m * 60);
    relay
        .edit_settings("acme", |s| {
            s.routing.away_after_secs = 15 * 60;
            s.routing.offline_grace_secs = 2 * 60;
            s.routing.abandon_after_secs = 5 * 60;
            s.routing.inactive_close_after_secs = 30 * 60;
        })
        .await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;
    let status_of = |f: &ToAgent, name: u64| match f {
        ToAgent::Presence { agents } => agents.iter().find(|a| a.id.0 == name).map(|a| a.status),
        _ => None,
    };
    let ann_id = relay.login("acme", "ann@x.test").await.agent.id.0;

    // 14 minutes without console activity: still online; 15: away (Bob kept
    // busy meanwhile). Activity: online again.
    clock.advance(minutes(14));
    bob.send(&AgentFrame::Activity).await;
    assert!(
        bob.none_within(Duration::from_millis(300), |f| status_of(f, ann_id).is_some_and(|s| s != AgentStatus::Online))
            .await
    );
    clock.advance(minutes(1));
    bob.send(&AgentFrame::Activity).await;
    bob.until(|f| status_of(f, ann_id) == Some(AgentStatus::Away)).await;
    ann.send(&AgentFrame::Activity).await;
    bob.until(|f| status_of(f, ann_id) == Some(AgentStatus::Online)).await;

    // Ann holds a conversation and her console drops: within the grace period
    // nothing moves; after it, the conversation goes back to the queue.
    let (mut v, c) = visitor_sends(&relay, "hi").await;
    ann.send(&AgentFrame::Claim { conversation_id: c }).await;
    ann.until(
        |f| matches!(f, ToAgent::Conversation { conversation } if conversation.status == ConversationStatus::Active),
    )
    .await;
    // Bob keeps it open on his console (a colleague's chat's event lines only
    // reach the sockets that follow it).
    bob.follow(c).await;
    // The clock moves only once the relay has run Ann's detach.
    ann.close_and_wait().await;
    bob.round_trip().await;
    clock.advance(minutes(1));
    bob.send(&AgentFrame::Activity).await;
    let requeue = |f: &ToAgent| matches!(f, ToAgent::Message { message, .. } if matches!(message.body, MessageBody::Event { event: ConversationEvent::Requeued { .. } }));
    assert!(bob.none_within(Duration::from_millis(300), requeue).await, "nothing moves within the grace period");
    clock.advance(minutes(1));
    let requeued = bob
        .until(|f| matches!(f, ToAgent::Message { message, .. } if matches!(message.body, MessageBody::Event { event: ConversationEvent::Requeued { .. } })))
        .await;
    assert!(matches!(requeued, ToAgent::Message { conversation_id, .. } if conversation_id == c));
    bob.until(|f| status_of(f, ann_id) == Some(AgentStatus::Offline)).await;
    let ToVisitor::VisitorConversation { conversation } = v.until(|f| matches!(f, ToVisitor::VisitorConversation { conversation } if conversation.status == ConversationStatus::Waiting)).await else { unreachable!() };
    assert!(conversation.agent.is_none());

    // The visitor leaves while waiting: abandoned after five minutes.
    v.close_and_wait().await;
    bob.round_trip().await;
    clock.advance(minutes(5));
    let closed = bob
        .until(|f| matches!(f, ToAgent::Message { message, .. } if matches!(message.body, MessageBody::Event { event: ConversationEvent::AutoClosed { reason: AutoCloseReason::Abandoned } })))
        .await;
    assert!(matches!(closed, ToAgent::Message { conversation_id, .. } if conversation_id == c));

    // An active conversation nobody writes in is closed after the inactivity limit.
    let (mut v2, c2) = visitor_sends(&relay, "anyone?").await;
    bob.send(&AgentFrame::Claim { conversation_id: c2 }).await;
    v2.until(|f| matches!(f, ToVisitor::VisitorConversation { conversation } if conversation.status == ConversationStatus::Active)).await;
    clock.advance(minutes(29));
    bob.send(&AgentFrame::Activity).await;
    let auto_closed = |f: &ToVisitor| matches!(f, ToVisitor::Message { message, .. } if matches!(message.body, MessageBody::Event { event: ConversationEvent::AutoClosed { .. } }));
    assert!(v2.none_within(Duration::from_millis(300), auto_closed).await, "not closed before 30 minutes");
    clock.advance(minutes(1));
    let ended = v2
        .until(|f| matches!(f, ToVisitor::Message { message, .. } if matches!(message.body, MessageBody::Event { event: ConversationEvent::AutoClosed { reason: AutoCloseReason::Inactive } })))
        .await;
    assert!(matches!(ended, ToVisitor::Message { conversation_id, .. } if conversation_id == c2));
}

#[tokio::test]
async fn settings_are_validated_versioned_and_admin_only() {
    let relay = TestRelay::start().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    let before = relay.get_settings(&owner).await;

    let first = reqwest::get(relay.http("/v1/widget/acme/config")).await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let cached = reqwest::Client::new()
        .get(relay.http("/v1/widget/acme/config"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);

    for (body, field) in [
        (serde_json::json!({"widget": {"primary_color": "red"}}), "widget.primary_color"),
        (serde_json::json!({"hours": {"timezone": "Mars/Base"}}), "hours.timezone"),
        (
            serde_json::json!({"hours": {"weekly": {"mon": [{"start": "10:00", "end": "09:00"}]}}}),
            "hours.weekly.mon[0]",
        ),
        (
            serde_json::json!({"hours": {"weekly": {"tue": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}}}),
            "hours.weekly.tue",
        ),
        (serde_json::json!({"routing": {"default_max_chats": 0}}), "routing.default_max_chats"),
    ] {
        let (status, answer) = relay.put_settings(&owner, &body).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
    for body in [
        serde_json::json!({"widget": {"colour": "#000000"}}),
        serde_json::json!({"routing": {"default_max_chats": -1}}),
    ] {
        let (status, answer) = relay.put_settings(&owner, &body).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(answer["error"]["code"], "invalid_input");
    }
    assert_eq!(relay.get_settings(&owner).await, before, "nothing half-saved");

    let bob = relay.login("acme", "bob@x.test").await.token;
    let (status, answer) = relay.put_settings(&bob, &serde_json::json!({})).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (403, Some("forbidden")));

    // A change shows up in the public config at once, with a new ETag.
    relay
        .edit_settings("acme", |s| {
            s.widget.primary_color = "#e11d48".into();
            s.widget.greeting = Some("สวัสดีค่ะ".into());
        })
        .await;
    let fresh = reqwest::Client::new()
        .get(relay.http("/v1/widget/acme/config"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let config: natter_protocol::PublicWidgetConfig = fresh.json().await.unwrap();
    assert_eq!(config.primary_color, "#e11d48");
    assert_eq!(config.greeting.as_deref(), Some("สวัสดีค่ะ"));
}
