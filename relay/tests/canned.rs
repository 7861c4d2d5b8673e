//! Canned responses: every tenant starts with a useful set in English and
//! Thai; agents keep their own; only owners and admins change the shared ones;
//! uses are counted; CSV export and import round-trip; tenants never see each
//! other's.

mod common;

use common::*;
use natter_protocol::{CannedResponse, CannedScope, ErrorCode};
use serde_json::{Value, json};

struct Api<'a> {
    relay: &'a TestRelay,
    http: reqwest::Client,
}

impl Api<'_> {
    fn new(relay: &TestRelay) -> Api<'_> {
        Api { relay, http: reqwest::Client::new() }
    }

    async fn list(&self, token: &str) -> Vec<CannedResponse> {
        let res = self.http.get(self.relay.http("/v1/agent/canned")).bearer_auth(token).send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn create(&self, token: &str, body: Value) -> (u16, Value) {
        self.send(self.http.post(self.relay.http("/v1/agent/canned")).bearer_auth(token).json(&body)).await
    }
}

fn code(body: &Value) -> String {
    body["error"]["code"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_new_tenant_starts_with_templates_in_english_and_thai() {
    let relay = TestRelay::start().await;
    let token = relay.login("acme", "bob@x.test").await.token;
    let all = Api::new(&relay).list(&token).await;
    let thai = all.iter().filter(|c| c.shortcut.starts_with("th-")).count();
    assert!(all.len() - thai >= 10 && thai >= 10, "{} English, {thai} Thai", all.len() - thai);
    assert!(all.iter().all(|c| c.scope == CannedScope::Shared));
    let hello = all.iter().find(|c| c.shortcut == "hello").unwrap();
    assert!(hello.text.contains("{{visitor.name|there}}"));
    assert!(all.iter().any(|c| !c.quick_replies.is_empty()), "some offer quick replies");
}

#[tokio::test]
async fn agents_keep_their_own_and_only_admins_change_the_shared_ones() {
    let relay = TestRelay::start().await;
    let api = Api::new(&relay);
    let ann = relay.login("acme", "ann@x.test").await.token;
    let bob = relay.login("acme", "bob@x.test").await.token;
    let mine =
        json!({"scope": "personal", "shortcut": "sizes", "text": "Our sizes run small.", "quick_replies": ["S", "M"]});

    let (status, created) = api.create(&bob, mine.clone()).await;
    assert_eq!(status, 201, "{created}");
    let bobs: CannedResponse = serde_json::from_value(created).unwrap();
    assert!(!api.list(&ann).await.iter().any(|c| c.id == bobs.id), "personal ones are private");
    let (status, _) =
        api.send(api.http.delete(relay.http(&format!("/v1/agent/canned/{}", bobs.id))).bearer_auth(&ann)).await;
    assert_eq!(status, 404, "someone else's personal response does not exist for Ann");

    let shared = json!({"scope": "shared", "shortcut": "vip", "text": "Welcome back, {{visitor.name|friend}}!"});
    let (status, body) = api.create(&bob, shared.clone()).await;
    assert_eq!((status, code(&body).as_str()), (403, "forbidden"), "a plain agent");
    let (status, body) = api.create(&ann, shared).await;
    assert_eq!(status, 201, "{body}");
    let first_shared = api.list(&bob).await.into_iter().find(|c| c.shortcut == "hello").unwrap();
    let (status, _) = api
        .send(
            api.http
                .put(relay.http(&format!("/v1/agent/canned/{}", first_shared.id)))
                .bearer_auth(&bob)
                .json(&json!({"scope": "shared", "shortcut": "hello", "text": "changed"})),
        )
        .await;
    assert_eq!(status, 403);

    // Bad drafts are typed refusals; a shortcut is unique per scope.
    for (body, field) in [
        (json!({"scope": "personal", "shortcut": "a b", "text": "x"}), "shortcut"),
        (json!({"scope": "personal", "shortcut": "x", "text": "Hi {{visitor.phone}}"}), "text"),
        (
            json!({"scope": "personal", "shortcut": "x", "text": "x", "quick_replies": ["1","2","3","4","5","6","7"]}),
            "quick_replies",
        ),
    ] {
        let (status, body) = api.create(&bob, body).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some(field)), "{body}");
    }
    let (status, body) = api.create(&bob, mine).await;
    assert_eq!((status, code(&body).as_str()), (409, "conflict"));
    assert_eq!(code(&body), ErrorCode::Conflict.as_str());
}

#[tokio::test]
async fn uses_are_counted_and_sort_the_list() {
    let relay = TestRelay::start().await;
    let api = Api::new(&relay);
    let bob = relay.login("acme", "bob@x.test").await.token;
    let closing = api.list(&bob).await.into_iter().find(|c| c.shortcut == "closing").unwrap();
    for _ in 0..2 {
        let url = relay.http(&format!("/v1/agent/canned/{}/use", closing.id));
        assert_eq!(api.send(api.http.post(url).bearer_auth(&bob)).await.0, 204);
    }
    let list = api.list(&bob).await;
    assert_eq!((list[0].shortcut.as_str(), list[0].uses), ("closing", 2));
}

#[tokio::test]
async fn csv_export_and_import_round_trip_and_a_bad_row_imports_nothing() {
    let relay = TestRelay::start().await;
    let api = Api::new(&relay);
    let bob = relay.login("acme", "bob@x.test").await.token;
    let import = |csv: &'static str| {
        api.http.post(relay.http("/v1/agent/canned/import?scope=personal")).bearer_auth(&bob).body(csv)
    };
    let csv = "shortcut,category,text,quick_replies\nwrap,Gifts,\"Gift wrap is free, \"\"always\"\".\nJust ask!\",Yes please|No\nbye,,See you {{visitor.name|}}!,\n";
    let (status, body) = api.send(import(csv)).await;
    assert_eq!((status, body["imported"].as_u64()), (200, Some(2)), "{body}");

    let (status, exported) =
        api.send(api.http.get(relay.http("/v1/agent/canned/export?scope=personal")).bearer_auth(&bob)).await;
    assert_eq!(status, 200);
    let exported = exported.as_str().unwrap().to_owned();
    assert!(exported.starts_with("shortcut,category,text,quick_replies\n"), "{exported}");
    assert!(exported.contains("\"Gift wrap is free, \"\"always\"\".\nJust ask!\""), "{exported}");

    // One bad row (an unknown variable on row 3): nothing of the file is stored.
    let before = api.list(&bob).await.len();
    let (status, body) = api.send(import("shortcut,text\nnew1,fine\nnew2,Hi {{order.id}}\n")).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("row 3: text")), "{body}");
    assert_eq!(api.list(&bob).await.len(), before);
    let (status, _) = api.send(import("not,a,canned,file\n1,2,3,4\n")).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn another_tenant_never_sees_or_changes_them() {
    let relay = TestRelay::start().await;
    let api = Api::new(&relay);
    let acme = relay.login("acme", "ann@x.test").await.token;
    let globex = relay.login("globex", "ann@x.test").await.token;
    let (_, created) =
        api.create(&acme, json!({"scope": "shared", "shortcut": "acme-only", "text": "Acme secret"})).await;
    let id = created["id"].as_u64().unwrap();
    assert!(!api.list(&globex).await.iter().any(|c| c.shortcut == "acme-only"));
    let url = relay.http(&format!("/v1/agent/canned/{id}"));
    let (status, _) = api.send(api.http.delete(url).bearer_auth(&globex)).await;
    assert_eq!(status, 404, "the id means nothing in globex");
    assert!(api.list(&acme).await.iter().any(|c| c.shortcut == "acme-only"));
}
