//! The agents' own layer: internal notes (agents only, by type and in
//! practice), `@mentions`, tags managed by admins and put on conversations,
//! and a conversation's assignment history.

mod common;

use common::*;
use natter_protocol::{
    AgentFrame, AgentId, AssignmentRecord, ConversationId, ErrorCode, Note, Tag, TagId, ToAgent, ToVisitor,
    VisitorFrame,
};
use serde_json::json;

/// A visitor whose conversation Ann has claimed; answers the conversation.
async fn claimed_by_ann(relay: &TestRelay, ann: &mut AgentClient) -> (VisitorClient, ConversationId) {
    let mut v = relay.visitor("acme").await;
    welcome_parts(&v.recv().await);
    v.send(&VisitorFrame::Send { client_id: cid("v1"), text: "my parcel is late".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    ann.send(&AgentFrame::Claim { conversation_id }).await;
    v.until(|f| matches!(f, ToVisitor::VisitorConversation { conversation } if conversation.agent.is_some())).await;
    (v, conversation_id)
}

async fn note_on(agent: &mut AgentClient, id: ConversationId) -> Note {
    let frame = agent.until(|f| matches!(f, ToAgent::Note { conversation_id, .. } if *conversation_id == id)).await;
    let ToAgent::Note { note, .. } = frame else { unreachable!() };
    note
}

#[tokio::test]
async fn a_note_reaches_the_agents_and_never_the_visitor() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;
    let (mut v, id) = claimed_by_ann(&relay, &mut ann).await;
    bob.follow(id).await;

    let note =
        AgentFrame::Note { conversation_id: id, client_id: cid("n1"), text: "VIP: refund without asking".into() };
    ann.send(&note).await;
    let acked = note_on(&mut ann, id).await;
    assert_eq!((acked.text.as_str(), acked.author.id), ("VIP: refund without asking", AgentId(1)));
    assert_eq!(note_on(&mut bob, id).await, acked, "a follower gets it");

    // A resend is the same note, stored once.
    ann.send(&note).await;
    assert_eq!(note_on(&mut ann, id).await.id, acked.id);

    // The visitor's next frame is Ann's reply: nothing of the note came before it.
    ann.send(&AgentFrame::Send {
        conversation_id: id,
        client_id: cid("a1"),
        text: "Refund is on its way".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    loop {
        let frame = v.recv().await;
        assert!(!format!("{frame:?}").contains("VIP"), "the visitor got a note: {frame:?}");
        if frame.text() == Some("Refund is on its way") {
            break;
        }
    }
    // An agent who syncs later gets every note before the history.
    let (mut late, _) = relay.agent("acme", "bob@x.test").await;
    late.send(&AgentFrame::Sync { conversation_id: id, after_seq: natter_protocol::Seq(0) }).await;
    let first = late.until(|f| matches!(f, ToAgent::Notes { .. } | ToAgent::History { .. })).await;
    let ToAgent::Notes { notes, .. } = first else { panic!("notes come before the history: {first:?}") };
    assert_eq!(notes, [acked]);
}

#[tokio::test]
async fn a_replay_to_the_visitor_never_carries_a_note() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let mut v = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    v.send(&VisitorFrame::Send { client_id: cid("v1"), text: "hello".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    ann.send(&AgentFrame::Note { conversation_id: id, client_id: cid("n1"), text: "secret VIP note".into() }).await;
    note_on(&mut ann, id).await;
    ann.send(&AgentFrame::Send {
        conversation_id: id,
        client_id: cid("a1"),
        text: "after the note".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    v.close_and_wait().await;

    let hello = VisitorFrame::Hello {
        v: natter_protocol::PROTOCOL_VERSION,
        token: Some(token),
        conversation_id: Some(id),
        last_seq: Some(natter_protocol::Seq(0)),
    };
    let mut back = Client::visitor(relay.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    loop {
        let frame = back.recv().await;
        assert!(!format!("{frame:?}").contains("secret"), "a replay carried a note: {frame:?}");
        if frame.text() == Some("after the note") {
            break;
        }
    }
}

#[tokio::test]
async fn a_mention_reaches_the_named_agent_even_when_not_following() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;
    let (_v, id) = claimed_by_ann(&relay, &mut ann).await;

    ann.send(&AgentFrame::Note { conversation_id: id, client_id: cid("n1"), text: "@bob can you check stock?".into() })
        .await;
    let note = note_on(&mut ann, id).await;
    assert_eq!(note.mentions, [AgentId(2)]);
    // Bob does not follow it: the note comes to him as a mention only (a
    // follower would have had the `note` frame first, in the same batch).
    let frame = bob.until(|f| matches!(f, ToAgent::Mention { .. } | ToAgent::Note { .. })).await;
    assert!(matches!(frame, ToAgent::Mention { conversation_id, note: n } if conversation_id == id && n == note));
}

#[tokio::test]
async fn a_note_is_checked_like_a_message() {
    let relay = TestRelay::start().await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let (_v, id) = claimed_by_ann(&relay, &mut ann).await;
    for text in ["   ", "nul\0", &"x".repeat(5000)] {
        ann.send(&AgentFrame::Note { conversation_id: id, client_id: cid("n1"), text: text.into() }).await;
        let frame = ann.until(|f| matches!(f, ToAgent::Error(_))).await;
        let ToAgent::Error(e) = frame else { unreachable!() };
        assert_eq!((e.code, e.client_id), (ErrorCode::InvalidInput, Some(cid("n1"))));
    }
    ann.send(&AgentFrame::Note { conversation_id: ConversationId(999), client_id: cid("n2"), text: "x".into() }).await;
    assert_eq!(ann.error().await.0, ErrorCode::NotFound);
}

async fn tags_frame(agent: &mut AgentClient) -> Vec<Tag> {
    let ToAgent::Tags { tags } = agent.until(|f| matches!(f, ToAgent::Tags { .. })).await else { unreachable!() };
    tags
}

#[tokio::test]
async fn admins_keep_the_tag_list_and_agents_tag_conversations() {
    let relay = TestRelay::start().await;
    let ann_token = relay.login("acme", "ann@x.test").await.token;
    let bob_token = relay.login("acme", "bob@x.test").await.token;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    assert!(tags_frame(&mut ann).await.is_empty(), "the list comes after the welcome");
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;
    tags_frame(&mut bob).await;
    let http = reqwest::Client::new();
    let post = |token: &str, body: serde_json::Value| {
        http.post(relay.http("/v1/admin/tags")).bearer_auth(token.to_owned()).json(&body).send()
    };

    let res = post(&bob_token, json!({"name": "VIP", "color": "#1d4ed8"})).await.unwrap();
    assert_eq!(res.status(), 403, "a plain agent cannot change the list");
    let res = post(&ann_token, json!({"name": "VIP", "color": "#1D4ED8"})).await.unwrap();
    assert_eq!(res.status(), 201);
    let vip = tags_frame(&mut bob).await;
    assert_eq!(vip.len(), 1);
    assert_eq!((vip[0].name.as_str(), vip[0].color.as_str()), ("VIP", "#1d4ed8"));
    assert_eq!(post(&ann_token, json!({"name": "vip", "color": "#000000"})).await.unwrap().status(), 409);
    assert_eq!(post(&ann_token, json!({"name": "x", "color": "red"})).await.unwrap().status(), 422);

    let (_v, id) = claimed_by_ann(&relay, &mut ann).await;
    bob.send(&AgentFrame::Tag { conversation_id: id, tag: vip[0].id, on: true }).await;
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == id && conversation.tags == [vip[0].id]))
        .await;
    bob.send(&AgentFrame::Tag { conversation_id: id, tag: TagId(77), on: true }).await;
    assert_eq!(bob.error().await.0, ErrorCode::NotFound, "not a tag of this tenant");

    // Deleting the tag takes it off the conversation.
    let res = http.delete(relay.http(&format!("/v1/admin/tags/{}", vip[0].id))).bearer_auth(&ann_token).send().await;
    assert_eq!(res.unwrap().status(), 200);
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == id && conversation.tags.is_empty()))
        .await;
    assert!(tags_frame(&mut bob).await.is_empty());

    // Another tenant's admin cannot touch acme's tags.
    let globex = relay.login("globex", "ann@x.test").await.token;
    let res = post(&ann_token, json!({"name": "Refund", "color": "#aa0000"})).await.unwrap();
    let refund: Vec<Tag> = res.json().await.unwrap();
    let res = http
        .put(relay.http(&format!("/v1/admin/tags/{}", refund[0].id)))
        .bearer_auth(&globex)
        .json(&json!({"name": "Hijacked", "color": "#000000"}))
        .send()
        .await;
    assert_eq!(res.unwrap().status(), 404);
}

#[tokio::test]
async fn the_assignment_history_says_who_claimed_and_transferred() {
    let relay = TestRelay::start().await;
    let ann_token = relay.login("acme", "ann@x.test").await.token;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let (_bob, _) = relay.agent("acme", "bob@x.test").await;
    let (_v, id) = claimed_by_ann(&relay, &mut ann).await;
    ann.send(&AgentFrame::Transfer { conversation_id: id, to: AgentId(2), note: Some("billing".into()) }).await;
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == id && conversation.assignee.as_ref().is_some_and(|a| a.id == AgentId(2))))
        .await;

    let http = reqwest::Client::new();
    let url = relay.http(&format!("/v1/agent/conversations/{id}/assignments"));
    let history: Vec<AssignmentRecord> =
        http.get(&url).bearer_auth(&ann_token).send().await.unwrap().json().await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["claimed", "transferred"]);
    assert_eq!(history[1].agent.as_ref().map(|a| a.name.as_str()), Some("Bob"));
    assert_eq!(history[1].by.as_ref().map(|a| a.name.as_str()), Some("Ann"));
    assert_eq!(history[1].note.as_deref(), Some("billing"));

    let globex = relay.login("globex", "ann@x.test").await.token;
    assert_eq!(http.get(&url).bearer_auth(&globex).send().await.unwrap().status(), 404, "another tenant's");
}

#[tokio::test]
async fn search_covers_open_conversations_notes_and_tags_and_counts_the_closed_ones() {
    let relay = TestRelay::start().await;
    let token = relay.login("acme", "ann@x.test").await.token;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    tags_frame(&mut ann).await;
    let (_v, open) = claimed_by_ann(&relay, &mut ann).await;
    ann.send(&AgentFrame::Note { conversation_id: open, client_id: cid("n1"), text: "wants the blue kettle".into() })
        .await;
    note_on(&mut ann, open).await;
    let http = reqwest::Client::new();
    let res = http
        .post(relay.http("/v1/admin/tags"))
        .bearer_auth(&token)
        .json(&json!({"name": "Kettles", "color": "#aa0000"}))
        .send()
        .await
        .unwrap();
    let tag: Vec<Tag> = res.json().await.unwrap();
    ann.send(&AgentFrame::Tag { conversation_id: open, tag: tag[0].id, on: true }).await;
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == open && !conversation.tags.is_empty()))
        .await;

    let find = |query: String| {
        let url = relay.http(&format!("/v1/agent/conversations?{query}"));
        let req = http.get(url).bearer_auth(&token);
        async move { req.send().await.unwrap().json::<natter_protocol::ConversationPage>().await.unwrap() }
    };
    let ids = |page: &natter_protocol::ConversationPage| page.conversations.iter().map(|c| c.id).collect::<Vec<_>>();
    // By default the search is the Closed tab's: the open one is not there.
    assert!(find("q=kettle".into()).await.conversations.is_empty());
    // With status=any it is, found by its internal note, by its tag, and by a message.
    assert_eq!(ids(&find("q=blue%20kettle&status=any".into()).await), [open]);
    assert_eq!(ids(&find(format!("status=any&tag={}", tag[0].id)).await), [open]);
    assert_eq!(ids(&find("q=parcel&status=any".into()).await), [open]);
    assert!(find(format!("tag={}", tag[0].id)).await.conversations.is_empty(), "not closed yet");

    // The plain first page tells the total, for the Closed tab's count.
    assert_eq!(find("".into()).await.total, Some(0));
    ann.send(&AgentFrame::Close { conversation_id: open }).await;
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == open && conversation.status == natter_protocol::ConversationStatus::Closed))
        .await;
    let closed = find("".into()).await;
    assert_eq!((ids(&closed), closed.total), (vec![open], Some(1)));
    assert_eq!(find("q=kettle".into()).await.total, None, "a text search is not counted");
}
