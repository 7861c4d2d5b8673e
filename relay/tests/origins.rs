//! The install admin API: allowed origins read and replaced (normalised, typed
//! errors naming the bad entry, owner/admin only, per tenant) and applied at
//! once to the config endpoint, the frame and the visitor socket; the refused
//! embeds log; and the "test my page" check against a shop server in the test.

mod common;

use common::{Client, SHOP_ORIGIN, TestRelay, VisitorClient};
use natter_protocol::{AllowedOrigins, EmbedSurface, InstallInfo, PageCheck, RefusalReason, ToVisitor};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const NEW_SHOP: &str = "https://new-shop.example";

/// An admin API call as `email` of `tenant`; returns status and JSON body.
async fn call(relay: &TestRelay, token: &str, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, relay.http(path)).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn owner(relay: &TestRelay, tenant: &str) -> String {
    relay.login(tenant, "ann@x.test").await.token
}

async fn origins(relay: &TestRelay, token: &str) -> Vec<String> {
    let (status, body) = call(relay, token, Method::GET, "/v1/admin/origins", None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value::<AllowedOrigins>(body).unwrap().origins
}

async fn put_origins(relay: &TestRelay, token: &str, list: &[&str]) -> (StatusCode, Value) {
    call(relay, token, Method::PUT, "/v1/admin/origins", Some(json!({ "origins": list }))).await
}

async fn install(relay: &TestRelay, token: &str) -> InstallInfo {
    let (status, body) = call(relay, token, Method::GET, "/v1/admin/install", None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn config_status(relay: &TestRelay, tenant: &str, origin: &str) -> u16 {
    let res = reqwest::Client::new()
        .get(relay.http(&format!("/v1/widget/{tenant}/config")))
        .header("Origin", origin)
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

async fn frame(relay: &TestRelay, tenant: &str, origin: &str) -> reqwest::Response {
    reqwest::get(relay.http(&format!("/t/{tenant}/frame?origin={origin}"))).await.unwrap()
}

#[tokio::test]
async fn origins_are_replaced_as_pasted_and_stored_normalised() {
    let relay = TestRelay::start().await;
    let token = owner(&relay, "acme").await;
    assert_eq!(origins(&relay, &token).await, [SHOP_ORIGIN]);
    let (status, body) =
        put_origins(&relay, &token, &["http://localhost:8311/", " HTTPS://Shop.Example:443 ", "https://shop.example"])
            .await;
    assert_eq!(status, 200, "{body}");
    let expected = ["http://localhost:8311", "https://shop.example"];
    assert_eq!(body["origins"], json!(expected), "normalised, duplicates dropped");
    assert_eq!(origins(&relay, &token).await, expected);
}

#[tokio::test]
async fn a_bad_entry_is_refused_with_its_position_and_why() {
    let relay = TestRelay::start().await;
    let token = owner(&relay, "acme").await;
    let (status, body) = put_origins(&relay, &token, &["https://ok.example", "https://shop.example/cart"]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid_input");
    assert_eq!(body["error"]["field"], "origins[1]");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("https://shop.example/cart") && message.contains("path"), "{message}");
    for (bad, why) in
        [("ftp://shop.example", "scheme"), ("https://u:p@shop.example", "user name"), ("https://x?y", "query")]
    {
        let (status, body) = put_origins(&relay, &token, &[bad]).await;
        assert_eq!(status, 422, "{bad}");
        assert!(body["error"]["message"].as_str().unwrap().contains(why), "{bad}: {body}");
    }
    let many: Vec<String> = (0..51).map(|i| format!("https://s{i}.example")).collect();
    let (status, body) = call(&relay, &token, Method::PUT, "/v1/admin/origins", Some(json!({ "origins": many }))).await;
    assert_eq!((status.as_u16(), &body["error"]["field"]), (422, &json!("origins")));
    let (status, _) = call(&relay, &token, Method::PUT, "/v1/admin/origins", Some(json!({ "origins": "x" }))).await;
    assert_eq!(status, 422);
    assert_eq!(origins(&relay, &token).await, [SHOP_ORIGIN], "nothing changed by refused requests");
}

#[tokio::test]
async fn only_owners_and_admins_of_the_tenant_see_or_change_origins() {
    let relay = TestRelay::start().await;
    let agent = relay.login("acme", "bob@x.test").await.token;
    for (method, path) in [(Method::GET, "/v1/admin/origins"), (Method::GET, "/v1/admin/install")] {
        let (status, body) = call(&relay, &agent, method, path, None).await;
        assert_eq!((status.as_u16(), &body["error"]["code"]), (403, &json!("forbidden")), "{path}");
    }
    let (status, _) = put_origins(&relay, &agent, &[NEW_SHOP]).await;
    assert_eq!(status, 403);
    let (status, _) =
        call(&relay, &agent, Method::POST, "/v1/admin/install/check", Some(json!({"url": "http://x.test"}))).await;
    assert_eq!(status, 403);
    let (status, _) = call(&relay, "not-a-token", Method::GET, "/v1/admin/origins", None).await;
    assert_eq!(status, 401);

    // acme's owner changes acme only.
    let acme = owner(&relay, "acme").await;
    let globex = owner(&relay, "globex").await;
    assert_eq!(put_origins(&relay, &acme, &[NEW_SHOP]).await.0, 200);
    assert_eq!(origins(&relay, &globex).await, ["https://globex.example"]);
    assert_eq!(config_status(&relay, "globex", NEW_SHOP).await, 403, "acme's new origin may not use globex");
}

#[tokio::test]
async fn a_change_applies_at_once_to_config_frame_and_visitor_socket() {
    let relay = TestRelay::start().await;
    let token = owner(&relay, "acme").await;
    let socket = "/v1/ws/visitor?tenant=acme";
    assert_eq!(config_status(&relay, "acme", NEW_SHOP).await, 403);
    assert_eq!(frame(&relay, "acme", NEW_SHOP).await.status(), 403);
    assert_eq!(VisitorClient::connect(relay.addr, socket, NEW_SHOP).await.err().unwrap().0, 403);

    assert_eq!(put_origins(&relay, &token, &[SHOP_ORIGIN, "https://NEW-shop.example/"]).await.0, 200);
    assert_eq!(config_status(&relay, "acme", NEW_SHOP).await, 200);
    let r = frame(&relay, "acme", NEW_SHOP).await;
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains(&format!("frame-ancestors 'self' {SHOP_ORIGIN} {NEW_SHOP}")), "{csp}");
    let mut visitor = Client::visitor(relay.addr, "acme", NEW_SHOP, None).await;
    let welcome = visitor.recv().await;
    assert!(matches!(welcome, ToVisitor::Welcome { .. }), "{welcome:?}");

    // And removing it takes it away again, just as fast.
    assert_eq!(put_origins(&relay, &token, &[SHOP_ORIGIN]).await.0, 200);
    assert_eq!(config_status(&relay, "acme", NEW_SHOP).await, 403);
    assert_eq!(VisitorClient::connect(relay.addr, socket, NEW_SHOP).await.err().unwrap().0, 403);
    let r = frame(&relay, "acme", SHOP_ORIGIN).await;
    assert!(!r.headers()["content-security-policy"].to_str().unwrap().contains(NEW_SHOP));
}

#[tokio::test]
async fn refused_embeds_are_logged_per_tenant_counted_and_shown_with_the_script_tag() {
    let relay = TestRelay::start().await;
    let acme = owner(&relay, "acme").await;
    let evil = "https://evil.example";
    assert_eq!(config_status(&relay, "acme", evil).await, 403);
    assert_eq!(config_status(&relay, "acme", evil).await, 403);
    assert_eq!(frame(&relay, "acme", evil).await.status(), 403);
    assert_eq!(VisitorClient::connect(relay.addr, "/v1/ws/visitor?tenant=acme", "").await.err().unwrap().0, 403);
    assert_eq!(config_status(&relay, "nope", evil).await, 404, "unknown tenants are nobody's to log");
    // Allowed requests are not logged.
    assert_eq!(config_status(&relay, "acme", SHOP_ORIGIN).await, 200);

    let info = install(&relay, &acme).await;
    let seen: Vec<(&str, EmbedSurface, RefusalReason, u64)> =
        info.refused.iter().map(|r| (r.origin.as_str(), r.surface, r.reason, r.count)).collect();
    assert_eq!(
        seen,
        [
            ("", EmbedSurface::Socket, RefusalReason::OriginMissing, 1),
            (evil, EmbedSurface::Frame, RefusalReason::OriginNotAllowed, 1),
            (evil, EmbedSurface::Config, RefusalReason::OriginNotAllowed, 2),
        ],
        "most recent first"
    );
    assert!(info.refused[2].first_at <= info.refused[2].last_at);
    let relay_origin = relay.own_origin();
    assert_eq!(info.relay_origin, relay_origin);
    assert_eq!(info.script_tag, format!(r#"<script src="{relay_origin}/embed.js" data-tenant="acme" async></script>"#));
    assert_eq!(info.origins, [SHOP_ORIGIN]);

    let globex = owner(&relay, "globex").await;
    assert!(install(&relay, &globex).await.refused.is_empty(), "acme's refusals are acme's");

    // Once the owner allows the origin, its refusals no longer explain anything.
    assert_eq!(put_origins(&relay, &acme, &[SHOP_ORIGIN, evil]).await.0, 200);
    let left = install(&relay, &acme).await.refused;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].reason, RefusalReason::OriginMissing);
}

/// A shop's web server for the page check: a few fixed pages.
async fn shop_server(relay_origin: String) -> std::net::SocketAddr {
    use axum::response::Html;
    use axum::routing::get;
    let tag =
        move |tenant: &str| format!(r#"<script src="{relay_origin}/embed.js" data-tenant="{tenant}" async></script>"#);
    let (acme, globex) = (tag("acme"), tag("globex"));
    let app = axum::Router::new()
        .route("/good", get(move || async move { Html(format!("<html><body><h1>Shop</h1>{acme}</body></html>")) }))
        .route("/other", get(move || async move { Html(format!("<html><body>{globex}</body></html>")) }))
        .route("/none", get(|| async { Html("<html><body><script src=\"/app.js\"></script></body></html>") }))
        .route("/moved", get(|| async { axum::response::Redirect::temporary("/good") }))
        .route("/huge", get(|| async { Html("x".repeat(3 * 1024 * 1024)) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

async fn check(relay: &TestRelay, token: &str, url: &str) -> (StatusCode, Value) {
    call(relay, token, Method::POST, "/v1/admin/install/check", Some(json!({ "url": url }))).await
}

#[tokio::test]
async fn test_my_page_finds_the_tag_and_says_whether_the_origin_is_allowed() {
    let relay = TestRelay::start().await;
    let token = owner(&relay, "acme").await;
    let shop = shop_server(relay.own_origin()).await;
    let shop_origin = format!("http://{shop}");

    let (status, body) = check(&relay, &token, &format!("{shop_origin}/good")).await;
    assert_eq!(status, 200, "{body}");
    let found: PageCheck = serde_json::from_value(body).unwrap();
    assert_eq!(
        found,
        PageCheck {
            origin: shop_origin.clone(),
            origin_allowed: false,
            status: 200,
            has_loader: true,
            names_tenant: true,
            tenants_found: vec!["acme".into()],
        }
    );
    // Allowing the shop's origin turns the one missing piece green.
    assert_eq!(put_origins(&relay, &token, &[SHOP_ORIGIN, &shop_origin]).await.0, 200);
    let (_, body) = check(&relay, &token, &format!("{shop_origin}/moved")).await;
    let found: PageCheck = serde_json::from_value(body).unwrap();
    assert!(found.origin_allowed && found.has_loader && found.names_tenant, "{found:?}");

    // Another shop's tag, and no tag at all.
    let (_, body) = check(&relay, &token, &format!("{shop_origin}/other")).await;
    let found: PageCheck = serde_json::from_value(body).unwrap();
    assert!(found.has_loader && !found.names_tenant && found.tenants_found == ["globex"], "{found:?}");
    let (_, body) = check(&relay, &token, &format!("{shop_origin}/none")).await;
    let found: PageCheck = serde_json::from_value(body).unwrap();
    assert!(!found.has_loader && !found.names_tenant, "{found:?}");
}

#[tokio::test]
async fn test_my_page_refuses_what_it_cannot_check_with_typed_errors() {
    let relay = TestRelay::start().await;
    let token = owner(&relay, "acme").await;
    let shop = shop_server(relay.own_origin()).await;
    for bad in ["ftp://shop.example/", "javascript://x", "http://user@shop.example/", ""] {
        let (status, body) = check(&relay, &token, bad).await;
        assert_eq!((status.as_u16(), &body["error"]["field"]), (422, &json!("url")), "{bad}: {body}");
    }
    let (status, body) = check(&relay, &token, &format!("http://{shop}/huge")).await;
    assert_eq!((status.as_u16(), &body["error"]["code"]), (502, &json!("page_unreachable")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("larger than"), "{body}");
    // A port nobody listens on: bind one, then free it.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let (status, body) = check(&relay, &token, &format!("http://{closed}/")).await;
    assert_eq!((status.as_u16(), &body["error"]["code"]), (502, &json!("page_unreachable")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("could not connect"), "{body}");
}
