//! The workspace admin API: the shop's name applied at once, the identity
//! secret rotated with a grace period during which both secrets verify, and
//! pending invitations listed and withdrawn. Roles, tenant isolation and the
//! audit log on each.

mod common;

use common::*;
use natter_protocol::{ErrorCode, ToVisitor, VisitorFrame};
use serde_json::{Value, json};

async fn get(relay: &TestRelay, token: &str, path: &str) -> (u16, Value) {
    api(relay, token, reqwest::Method::GET, path, None).await
}

/// The shop name a visitor's widget shows.
async fn widget_name(relay: &TestRelay) -> String {
    let res = reqwest::Client::new()
        .get(relay.http("/v1/widget/acme/config"))
        .header("Origin", SHOP_ORIGIN)
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    body["name"].as_str().expect("a name").to_owned()
}

#[tokio::test]
async fn the_shop_name_changes_at_once_for_visitors_and_is_checked() {
    let relay = TestRelay::start().await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    let bob = relay.login("acme", "bob@x.test").await.token;
    let globex = relay.login("globex", "ann@x.test").await.token;
    assert_eq!(get(&relay, &ann, "/v1/admin/workspace").await, (200, json!({"name": "ACME"})));

    let (status, body) =
        api(&relay, &ann, reqwest::Method::PUT, "/v1/admin/workspace", Some(json!({"name": "  Acme Tea  "}))).await;
    assert_eq!((status, body), (200, json!({"name": "Acme Tea"})));
    assert_eq!(widget_name(&relay).await, "Acme Tea", "the widget's header shows it without a restart");

    for bad in
        [json!({"name": "   "}), json!({"name": "x".repeat(81)}), json!({"name": "a\u{7}b"}), json!({"nom": "x"})]
    {
        let (status, body) = api(&relay, &ann, reqwest::Method::PUT, "/v1/admin/workspace", Some(bad.clone())).await;
        assert_eq!(status, 422, "{bad} → {body}");
        assert_eq!(error_code(&body), ErrorCode::InvalidInput);
    }
    let (status, body) =
        api(&relay, &bob, reqwest::Method::PUT, "/v1/admin/workspace", Some(json!({"name": "Bob's"}))).await;
    assert_eq!((status, error_code(&body)), (403, ErrorCode::Forbidden));
    assert_eq!(get(&relay, &bob, "/v1/admin/workspace").await.0, 403);
    // globex's owner renames globex only.
    api(&relay, &globex, reqwest::Method::PUT, "/v1/admin/workspace", Some(json!({"name": "Globex Co"}))).await;
    assert_eq!(widget_name(&relay).await, "Acme Tea");
    assert_eq!(get(&relay, &globex, "/v1/admin/workspace").await.1, json!({"name": "Globex Co"}));
}

/// Identifies a fresh visitor as `customer-7` with `hash`; answers the error code, if refused.
async fn identify(relay: &TestRelay, hash: String) -> Option<ErrorCode> {
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Identify { user_id: "customer-7".into(), hash, name: None, email: None }).await;
    match v.until(|f| matches!(f, ToVisitor::Welcome { .. } | ToVisitor::Error(_))).await {
        ToVisitor::Error(e) => Some(e.code),
        _ => None,
    }
}

fn hash_with(secret: &Value) -> String {
    natter_relay::auth::identity::sign(secret.as_str().unwrap().as_bytes(), "customer-7")
}

#[tokio::test]
async fn a_rotated_identity_secret_keeps_the_old_one_valid_for_its_grace_period_only() {
    let clock = natter_relay::time::Clock::manual();
    let relay = TestRelay::start_with(|c| c.clock = clock.clone()).await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    let bob = relay.login("acme", "bob@x.test").await.token;
    let (_, before) = get(&relay, &ann, "/v1/admin/identity").await;
    assert_eq!(before["secret"], relay.identity_secrets["acme"].as_str());
    assert!(before.get("previous_expires_at").is_none(), "no rotation yet: {before}");

    let rotate = |token: String, hours: u32| {
        let body = Some(json!({"grace_hours": hours}));
        let relay = &relay;
        async move { api(relay, &token, reqwest::Method::POST, "/v1/admin/identity/rotate", body).await }
    };
    assert_eq!(rotate(bob.clone(), 24).await.0, 403, "a plain agent rotates nothing");
    let (status, body) = rotate(ann.clone(), 721).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("grace_hours")));

    let now = clock.now().0;
    let (status, after) = rotate(ann.clone(), 24).await;
    assert_eq!(status, 200, "{after}");
    assert_ne!(after["secret"], before["secret"]);
    assert_eq!(after["previous_expires_at"], now + 24 * 3_600_000);
    assert_eq!(get(&relay, &ann, "/v1/admin/identity").await.1, after, "shown with its expiry");

    assert_eq!(identify(&relay, hash_with(&after["secret"])).await, None, "the new secret verifies");
    assert_eq!(identify(&relay, hash_with(&before["secret"])).await, None, "the old one too, during the grace");
    clock.advance(std::time::Duration::from_secs(24 * 3600));
    assert_eq!(identify(&relay, hash_with(&before["secret"])).await, Some(ErrorCode::TokenInvalid));
    assert_eq!(identify(&relay, hash_with(&after["secret"])).await, None);

    // A rotation without grace ends the old secret at once; globex's is untouched.
    let ann = relay.login("acme", "ann@x.test").await.token; // a day later: signed in again
    assert!(get(&relay, &ann, "/v1/admin/identity").await.1.get("previous_expires_at").is_none(), "grace over");
    let (status, third) = rotate(ann.clone(), 0).await;
    assert_eq!(status, 200, "{third}");
    assert_eq!(identify(&relay, hash_with(&after["secret"])).await, Some(ErrorCode::TokenInvalid));
    assert_eq!(identify(&relay, hash_with(&third["secret"])).await, None);
    let globex = relay.login("globex", "ann@x.test").await.token;
    assert_eq!(get(&relay, &globex, "/v1/admin/identity").await.1["secret"], relay.identity_secrets["globex"].as_str());
}

#[tokio::test]
async fn pending_invitations_are_listed_and_a_withdrawn_link_stops_working() {
    let mut relay = TestRelay::start().await;
    let ann = relay.login("acme", "ann@x.test").await.token;
    let bob = relay.login("acme", "bob@x.test").await.token;
    let globex = relay.login("globex", "ann@x.test").await.token;
    let cat = json!({"email": "cat@x.test", "name": "Cat", "role": "admin"});
    let (_, link) = api(&relay, &ann, reqwest::Method::POST, "/v1/admin/invitations", Some(cat)).await;

    let (status, pending) = get(&relay, &ann, "/v1/admin/invitations").await;
    assert_eq!(status, 200);
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(
        (&pending[0]["email"], &pending[0]["role"], &pending[0]["invited_by"]),
        (&json!("cat@x.test"), &json!("admin"), &json!(1))
    );
    assert_eq!(pending[0]["expires_at"], link["expires_at"]);
    assert!(pending[0].get("token").is_none(), "the link is shown once, never listed");
    assert_eq!(get(&relay, &bob, "/v1/admin/invitations").await.0, 403);
    assert_eq!(get(&relay, &globex, "/v1/admin/invitations").await.1, json!([]), "globex sees none of acme's");
    let delete = |token: String| {
        let relay = &relay;
        async move { api(relay, &token, reqwest::Method::DELETE, "/v1/admin/invitations/cat@x.test", None).await }
    };
    assert_eq!(delete(globex.clone()).await.0, 404, "globex cannot withdraw acme's");
    assert_eq!(delete(bob.clone()).await.0, 403);

    assert_eq!(delete(ann.clone()).await.0, 204);
    assert_eq!(get(&relay, &ann, "/v1/admin/invitations").await.1, json!([]));
    let res = reqwest::Client::new()
        .post(relay.http("/v1/agent/invitations/accept"))
        .json(&json!({"token": link["token"], "password": "a long enough passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(&res.json().await.unwrap()), ErrorCode::InvitationInvalid);
    let (status, body) = delete(ann.clone()).await;
    assert_eq!((status, error_code(&body)), (404, ErrorCode::NotFound), "nothing left to withdraw");

    // Every workspace change is in the audit log.
    api(&relay, &ann, reqwest::Method::PUT, "/v1/admin/workspace", Some(json!({"name": "Acme Tea"}))).await;
    api(
        &relay,
        &ann,
        reqwest::Method::PUT,
        "/v1/admin/origins",
        Some(json!({"origins": [SHOP_ORIGIN, "https://b.example"]})),
    )
    .await;
    api(&relay, &ann, reqwest::Method::POST, "/v1/admin/identity/rotate", Some(json!({"grace_hours": 1}))).await;
    relay.stop().await;
    let db = rusqlite::Connection::open(relay.dir.path().join("tenants/acme.db")).unwrap();
    let mut stmt = db.prepare("SELECT action FROM admin_audit WHERE actor_id = 1 ORDER BY id").unwrap();
    let actions: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        actions,
        ["agent.invite", "agent.invite.withdraw", "workspace.name", "workspace.origins", "identity.rotate"]
    );
}
