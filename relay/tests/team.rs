//! The team admin API: owners and admins add agents, change roles, reset
//! passwords and deactivate accounts while the relay runs, and each change
//! reaches the agent's live sessions at once. Who may change whom, and tenant
//! isolation, on every endpoint.

mod common;

use common::*;
use natter_protocol::{
    AgentAdminView, AgentFrame, AgentId, ConversationStatus, ErrorCode, Role, ToAgent, ToVisitor, VisitorFrame,
};
use serde_json::{Value, json};

const ANN: AgentId = AgentId(1);
const BOB: AgentId = AgentId(2);
const NEW_PASSWORD: &str = "a brand new passphrase";

async fn put(relay: &TestRelay, token: &str, path: &str, body: Value) -> (u16, Value) {
    api(relay, token, reqwest::Method::PUT, path, Some(body)).await
}

async fn sign_in(relay: &TestRelay, tenant: &str, email: &str, password: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(relay.http("/v1/agent/login"))
        .json(&json!({"tenant": tenant, "email": email, "password": password}))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn a_password_reset_ends_the_agents_live_session_at_once() {
    let relay = TestRelay::start().await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    let bob_login = relay.login("acme", "bob@x.test").await;
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;

    let (status, _) = put(&relay, &ann, "/v1/admin/agents/2/password", json!({"password": NEW_PASSWORD})).await;
    assert_eq!(status, 204);

    let (code, fatal, _) = bob.error().await;
    assert_eq!((code, fatal), (ErrorCode::SessionExpired, true));
    assert!(bob.closed().await, "the live socket closes");
    let res = reqwest::Client::new().get(relay.http("/v1/agent/me")).bearer_auth(&bob_login.token).send().await;
    assert_eq!(res.unwrap().status(), 401, "the old session token is dead");
    assert_eq!(sign_in(&relay, "acme", "bob@x.test", PASSWORD).await.0, 401, "the old password is refused");
    assert_eq!(sign_in(&relay, "acme", "bob@x.test", NEW_PASSWORD).await.0, 200, "the new one works");
}

#[tokio::test]
async fn a_deactivated_agent_is_signed_out_loses_the_chat_to_the_queue_and_keeps_their_history() {
    let relay = TestRelay::start().await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;
    let mut v = relay.visitor("acme").await;
    welcome_parts(&v.recv().await);
    v.send(&VisitorFrame::Send { client_id: cid("v1"), text: "where is my order?".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    bob.send(&AgentFrame::Claim { conversation_id }).await;
    bob.send(&AgentFrame::Send {
        conversation_id,
        client_id: cid("b1"),
        text: "on its way".into(),
        attachments: vec![],
        quick_replies: Vec::new(),
    })
    .await;
    bob.until(|f| matches!(f, ToAgent::Ack { client_id, .. } if client_id.as_str() == "b1")).await;
    let (mut ann_socket, _) = relay.agent("acme", "ann@x.test").await;

    let (status, view) = put(&relay, &ann, "/v1/admin/agents/2/active", json!({"active": false})).await;
    assert_eq!(status, 200, "{view}");
    let view: AgentAdminView = serde_json::from_value(view).unwrap();
    assert!(view.deactivated_at.is_some());

    let (code, fatal, _) = bob.error().await;
    assert_eq!((code, fatal), (ErrorCode::SessionExpired, true));
    assert!(bob.closed().await);
    ann_socket
        .until(|f| {
            matches!(f, ToAgent::Conversation { conversation }
                if conversation.id == conversation_id && conversation.status == ConversationStatus::Waiting)
        })
        .await;
    let (status, body) = sign_in(&relay, "acme", "bob@x.test", PASSWORD).await;
    assert_eq!((status, error_code(&body)), (403, ErrorCode::AccountDeactivated));
    // Ann cannot hand the chat to Bob any more, and his words stay his.
    let history = ann_socket.follow(conversation_id).await;
    let bobs = history.iter().find(|m| text_of_message(m) == Some("on its way")).expect("bob's message stays");
    assert!(matches!(&bobs.author, natter_protocol::Author::Agent { id, name } if *id == BOB && name == "Bob"));
    ann_socket.send(&AgentFrame::Claim { conversation_id }).await;
    ann_socket.send(&AgentFrame::Transfer { conversation_id, to: BOB, note: None }).await;
    assert_eq!(ann_socket.error().await.0, ErrorCode::NotFound);

    let (status, listed) = api(&relay, &ann, reqwest::Method::GET, "/v1/admin/agents", None).await;
    assert_eq!(status, 200);
    let listed: Vec<AgentAdminView> = serde_json::from_value(listed).unwrap();
    assert!(listed.iter().any(|a| a.agent.id == BOB && a.deactivated_at.is_some()), "still listed for admins");
    assert!(listed.iter().any(|a| a.agent.id == ANN && a.last_sign_in_at.is_some()));

    assert_eq!(put(&relay, &ann, "/v1/admin/agents/2/active", json!({"active": true})).await.0, 200);
    assert_eq!(sign_in(&relay, "acme", "bob@x.test", PASSWORD).await.0, 200, "reactivated");
}

fn text_of_message(m: &natter_protocol::Message) -> Option<&str> {
    match &m.body {
        natter_protocol::MessageBody::Text { text, .. } => Some(text),
        _ => None,
    }
}

#[tokio::test]
async fn a_role_change_reaches_the_live_socket_and_the_api_at_once() {
    let relay = TestRelay::start().await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    let bob_token = relay.login("acme", "bob@x.test").await.token;
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;
    assert_eq!(api(&relay, &bob_token, reqwest::Method::GET, "/v1/admin/agents", None).await.0, 403);

    assert_eq!(put(&relay, &ann, "/v1/admin/agents/2", json!({"role": "admin"})).await.0, 200);
    bob.until(|f| matches!(f, ToAgent::Account { agent } if agent.role == Role::Admin)).await;
    assert_eq!(api(&relay, &bob_token, reqwest::Method::GET, "/v1/admin/agents", None).await.0, 200);

    assert_eq!(put(&relay, &ann, "/v1/admin/agents/2", json!({"role": "agent"})).await.0, 200);
    bob.until(|f| matches!(f, ToAgent::Account { agent } if agent.role == Role::Agent)).await;
    assert_eq!(api(&relay, &bob_token, reqwest::Method::GET, "/v1/admin/agents", None).await.0, 403);
}

#[tokio::test]
async fn who_may_change_whom() {
    let relay = TestRelay::start().await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    let bob = relay.login("acme", "bob@x.test").await.token;
    let new_admin = json!({"email": "cat@x.test", "name": "Cat", "role": "admin", "password": NEW_PASSWORD});

    // A plain agent may do none of it.
    for (method, path, body) in [
        (reqwest::Method::GET, "/v1/admin/agents", None),
        (reqwest::Method::POST, "/v1/admin/agents", Some(new_admin.clone())),
        (reqwest::Method::PUT, "/v1/admin/agents/1", Some(json!({"role": "agent"}))),
        (reqwest::Method::PUT, "/v1/admin/agents/1/password", Some(json!({"password": NEW_PASSWORD}))),
        (reqwest::Method::PUT, "/v1/admin/agents/1/active", Some(json!({"active": false}))),
    ] {
        let (status, body) = api(&relay, &bob, method, path, body).await;
        assert_eq!((status, error_code(&body)), (403, ErrorCode::Forbidden), "{path}");
    }

    let (status, cat) = api(&relay, &ann, reqwest::Method::POST, "/v1/admin/agents", Some(new_admin.clone())).await;
    assert_eq!(status, 201, "{cat}");
    let cat: AgentAdminView = serde_json::from_value(cat).unwrap();
    assert_eq!(cat.agent.role, Role::Admin);
    let (status, body) = api(&relay, &ann, reqwest::Method::POST, "/v1/admin/agents", Some(new_admin)).await;
    assert_eq!((status, error_code(&body)), (409, ErrorCode::Conflict), "the email is taken");
    // Cat signs in with the password Ann set.
    let (status, cat_login) = sign_in(&relay, "acme", "cat@x.test", NEW_PASSWORD).await;
    assert_eq!((status, &cat_login["agent"]["role"]), (200, &json!("admin")));
    let cat_token = cat_login["token"].as_str().unwrap().to_owned();

    // An admin manages agents, but only an owner touches owners or makes one.
    assert_eq!(put(&relay, &cat_token, "/v1/admin/agents/2", json!({"max_chats": 3})).await.0, 200);
    for (path, body) in [
        ("/v1/admin/agents/1", json!({"role": "agent"})),
        ("/v1/admin/agents/1/password", json!({"password": NEW_PASSWORD})),
        ("/v1/admin/agents/1/active", json!({"active": false})),
        ("/v1/admin/agents/2", json!({"role": "owner"})),
    ] {
        let (status, body) = put(&relay, &cat_token, path, body).await;
        assert_eq!((status, error_code(&body)), (403, ErrorCode::Forbidden), "{path}");
    }
    let (status, body) = api(
        &relay,
        &cat_token,
        reqwest::Method::POST,
        "/v1/admin/agents",
        Some(json!({"email": "dan@x.test", "name": "Dan", "role": "owner", "password": NEW_PASSWORD})),
    )
    .await;
    assert_eq!((status, error_code(&body)), (403, ErrorCode::Forbidden));

    // The last owner stays an owner, and nobody deactivates themselves.
    let (status, body) = put(&relay, &ann, "/v1/admin/agents/1", json!({"role": "admin"})).await;
    assert_eq!((status, error_code(&body)), (409, ErrorCode::Conflict));
    let (status, body) = put(&relay, &ann, "/v1/admin/agents/1/active", json!({"active": false})).await;
    assert_eq!((status, error_code(&body)), (422, ErrorCode::InvalidInput));

    // Bad input is a typed refusal that changes nothing.
    for (body, field) in [
        (json!({"email": "nope", "name": "N", "role": "agent", "password": NEW_PASSWORD}), "email"),
        (json!({"email": "n@x.test", "name": " ", "role": "agent", "password": NEW_PASSWORD}), "name"),
        (json!({"email": "n@x.test", "name": "N", "role": "agent", "password": "          "}), "password"),
        (json!({"email": "n@x.test", "name": "N", "role": "wizard", "password": NEW_PASSWORD}), "role"),
    ] {
        let (status, body) = api(&relay, &ann, reqwest::Method::POST, "/v1/admin/agents", Some(body)).await;
        assert_eq!((status, error_code(&body)), (422, ErrorCode::InvalidInput), "{field}: {body}");
        assert_eq!(body["error"]["field"], field);
    }
    let (status, body) = put(&relay, &ann, "/v1/admin/agents/99/password", json!({"password": NEW_PASSWORD})).await;
    assert_eq!((status, error_code(&body)), (404, ErrorCode::NotFound));
    let (_, listed) = api(&relay, &ann, reqwest::Method::GET, "/v1/admin/agents", None).await;
    assert_eq!(listed.as_array().unwrap().len(), 3, "ann, bob, cat: nothing else was added");
}

#[tokio::test]
async fn an_admin_reaches_only_their_own_tenants_agents() {
    let relay = TestRelay::start().await;
    let globex_owner = relay.login("globex", "ann@x.test").await.token;
    // Agent 2 exists in both tenants; globex's owner changes globex's Bob only.
    let (status, _) =
        put(&relay, &globex_owner, "/v1/admin/agents/2/password", json!({"password": NEW_PASSWORD})).await;
    assert_eq!(status, 204);
    assert_eq!(put(&relay, &globex_owner, "/v1/admin/agents/2/active", json!({"active": false})).await.0, 200);
    assert_eq!(put(&relay, &globex_owner, "/v1/admin/agents/2", json!({"role": "admin"})).await.0, 200);
    let (status, body) = sign_in(&relay, "acme", "bob@x.test", PASSWORD).await;
    assert_eq!(status, 200, "acme's Bob is untouched: same password, active");
    assert_eq!(body["agent"]["role"], "agent");
}

#[tokio::test]
async fn every_change_is_recorded_for_the_audit_log() {
    let mut relay = TestRelay::start().await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    put(&relay, &ann, "/v1/admin/agents/2", json!({"role": "admin"})).await;
    put(&relay, &ann, "/v1/admin/agents/2/password", json!({"password": NEW_PASSWORD})).await;
    put(&relay, &ann, "/v1/admin/agents/2/active", json!({"active": false})).await;
    relay.stop().await;
    let db = rusqlite::Connection::open(relay.dir.path().join("tenants/acme.db")).unwrap();
    let mut stmt = db.prepare("SELECT actor_id, action FROM admin_audit ORDER BY id").unwrap();
    let rows: Vec<(Option<i64>, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
    let by_ann: Vec<&str> = rows.iter().filter(|(a, _)| *a == Some(1)).map(|(_, what)| what.as_str()).collect();
    assert_eq!(by_ann, ["agent.update", "agent.password", "agent.deactivate"]);
    assert!(rows.iter().any(|(a, what)| a.is_none() && what == "agent.add"), "the seeding CLI path is recorded too");
}

async fn invite(relay: &TestRelay, token: &str, body: Value) -> (u16, Value) {
    api(relay, token, reqwest::Method::POST, "/v1/admin/invitations", Some(body)).await
}

async fn accept(relay: &TestRelay, token: &str, password: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(relay.http("/v1/agent/invitations/accept"))
        .json(&json!({"token": token, "password": password}))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn an_invitation_works_once_until_it_expires_and_cannot_be_forged() {
    let clock = natter_relay::time::Clock::manual();
    let relay = TestRelay::start_with(|c| c.clock = clock.clone()).await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    let bob = relay.login("acme", "bob@x.test").await.token;
    let cat = json!({"email": "cat@x.test", "name": "Cat", "role": "agent"});
    assert_eq!(invite(&relay, &bob, cat.clone()).await.0, 403, "a plain agent invites nobody");

    let (status, link) = invite(&relay, &ann, cat).await;
    assert_eq!(status, 201, "{link}");
    let token = link["token"].as_str().unwrap().to_owned();
    assert_eq!(link["url"], format!("/console/#invite={token}"));
    // The link is not a session.
    let res = reqwest::Client::new().get(relay.http("/v1/agent/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 401);

    let (status, body) = accept(&relay, &token, "short").await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("password")), "{body}");
    let (status, joined) = accept(&relay, &token, NEW_PASSWORD).await;
    assert_eq!((status, &joined["agent"]["email"]), (201, &json!("cat@x.test")), "{joined}");
    let session = joined["token"].as_str().unwrap();
    let res = reqwest::Client::new().get(relay.http("/v1/agent/me")).bearer_auth(session).send().await.unwrap();
    assert_eq!(res.status(), 200, "signed in at once");
    assert_eq!(sign_in(&relay, "acme", "cat@x.test", NEW_PASSWORD).await.0, 200);

    // Used twice: refused, and nothing changes.
    let (status, body) = accept(&relay, &token, "another long passphrase").await;
    assert_eq!((status, error_code(&body)), (410, ErrorCode::InvitationUsed));
    assert_eq!(sign_in(&relay, "acme", "cat@x.test", NEW_PASSWORD).await.0, 200, "the first password stands");

    // An email already in the team is refused.
    let (status, body) = invite(&relay, &ann, json!({"email": "bob@x.test", "name": "Bob", "role": "agent"})).await;
    assert_eq!((status, error_code(&body)), (409, ErrorCode::Conflict));

    // Expired: 72 hours later the link no longer works.
    let (_, link) = invite(&relay, &ann, json!({"email": "dan@x.test", "name": "Dan", "role": "agent"})).await;
    clock.advance(std::time::Duration::from_secs(72 * 3600));
    let (status, body) = accept(&relay, link["token"].as_str().unwrap(), NEW_PASSWORD).await;
    assert_eq!((status, error_code(&body)), (410, ErrorCode::InvitationExpired));
    assert_eq!(sign_in(&relay, "acme", "dan@x.test", NEW_PASSWORD).await.0, 401, "no account was made");

    // Forged, altered, or another kind of token.
    let mut altered = token.clone();
    altered.replace_range(altered.len() - 2.., "AA");
    for forged in
        [altered.as_str(), "nti.acme.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "nti.nosuch.x", session, ""]
    {
        let (status, body) = accept(&relay, forged, NEW_PASSWORD).await;
        assert_eq!((status, error_code(&body)), (404, ErrorCode::InvitationInvalid), "{forged}");
    }
}
