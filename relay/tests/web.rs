//! The web assets as a browser and a CDN see them: MIME types, pre-compressed
//! bodies, cache headers and validators, the widget frame's CSP and origin
//! checks (per tenant), the storefronts and the console page.

mod common;

use common::*;
use natter_relay::web;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn get(relay: &TestRelay, path: &str, headers: &[(&'static str, &str)]) -> reqwest::Response {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut req = client.get(relay.http(path));
    for (k, v) in headers {
        req = req.header(*k, HeaderValue::from_str(v).unwrap());
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn the_loader_is_precompressed_short_cached_and_revalidated() {
    let relay = TestRelay::start().await;
    let file = web::file("embed.js").expect("dist/ holds embed.js");

    for (accept, coding, body) in
        [("br, gzip", "br", file.brotli), ("gzip", "gzip", file.gzip), ("identity", "", file.raw)]
    {
        let r = get(&relay, "/embed.js", &[("accept-encoding", accept)]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let h = r.headers().clone();
        assert_eq!(header(&h, "content-type"), "text/javascript; charset=utf-8");
        assert_eq!(header(&h, "content-encoding"), coding, "Accept-Encoding: {accept}");
        assert_eq!(header(&h, "cache-control"), "public, max-age=300, must-revalidate");
        assert_eq!(header(&h, "vary"), "Accept-Encoding");
        assert_eq!(header(&h, "cross-origin-resource-policy"), "cross-origin", "shops on other origins load it");
        assert_eq!(r.bytes().await.unwrap().as_ref(), body);

        let etag = header(&h, "etag").to_owned();
        assert!(etag.starts_with('"'), "{etag}");
        let again = get(&relay, "/embed.js", &[("accept-encoding", accept), ("if-none-match", &etag)]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(again.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_with_the_right_types() {
    let relay = TestRelay::start().await;
    let assets: Vec<_> = web::FILES.iter().filter(|f| f.path.starts_with("assets/")).collect();
    assert!(assets.iter().any(|f| f.path.ends_with(".wasm")) && assets.iter().any(|f| f.path.ends_with(".js")));
    for f in assets {
        let r = get(&relay, &format!("/{}", f.path), &[("accept-encoding", "br")]).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", f.path);
        let h = r.headers().clone();
        assert_eq!(header(&h, "cache-control"), "public, max-age=31536000, immutable");
        assert_eq!(header(&h, "content-encoding"), "br");
        let want = match f.path.rsplit('.').next() {
            Some("wasm") => "application/wasm",
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            other => panic!("unexpected asset type {other:?}"),
        };
        assert_eq!(header(&h, "content-type"), want, "{}", f.path);
        // Shops' pages (other sites) load the loader's parts (frame, greetings); nothing else.
        let corp = if f.path.starts_with("assets/embed-frame-") || f.path.starts_with("assets/embed-teaser-") {
            "cross-origin"
        } else {
            "same-site"
        };
        assert_eq!(header(&h, "cross-origin-resource-policy"), corp, "{}", f.path);
        assert_eq!(r.bytes().await.unwrap().as_ref(), f.brotli);
    }
    let missing = get(&relay, "/assets/natter_widget-000000000000.js", &[]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let escape = get(&relay, "/assets/..%2Fframe.html", &[]).await;
    assert_eq!(escape.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_frame_has_the_relays_csp_and_only_the_tenants_origins_may_embed_it() {
    let relay = TestRelay::start().await;
    let r = get(&relay, &format!("/t/acme/frame?origin={SHOP_ORIGIN}"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = header(r.headers(), "content-security-policy").to_owned();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains(&format!("frame-ancestors 'self' {SHOP_ORIGIN}")), "{csp}");
    assert!(!csp.contains("globex"), "{csp}");
    let page = r.text().await.unwrap();
    assert!(page.contains("/assets/natter_widget-") && page.contains(".css"), "{page}");

    // Another shop's page, another tenant's frame, an unknown tenant.
    let r = get(&relay, "/t/acme/frame?origin=https://evil.example", &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = get(&relay, &format!("/t/globex/frame?origin={SHOP_ORIGIN}"), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "acme's origin may not embed globex");
    let r = get(&relay, "/t/nope/frame", &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = get(&relay, "/t/NOT%20A%20SLUG/frame", &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn storefronts_and_console_are_served() {
    let relay = TestRelay::start().await;
    let r = get(&relay, "/", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(r.headers(), "content-type"), "text/html; charset=utf-8");
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"src="/embed.js""#) && page.contains(r#"data-tenant="demo""#), "{page}");

    // The strict-CSP shop: the policy a careful shop sends, naming this relay.
    let r = get(&relay, "/examples/strict-csp.html", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = header(r.headers(), "content-security-policy").to_owned();
    let origin = relay.own_origin();
    assert!(csp.contains(&format!("script-src 'self' {origin};")), "{csp}");
    assert!(csp.contains(&format!("frame-src {origin};")), "{csp}");
    assert!(csp.contains("style-src 'self';"), "{csp}");
    assert!(!csp.contains("unsafe") && !csp.contains("wasm"), "{csp}");
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!(r#"src="{origin}/embed.js""#)) && !page.contains("{{RELAY}}"), "{page}");

    let r = get(&relay, "/console", &[]).await;
    assert!(r.status().is_redirection());
    assert_eq!(header(r.headers(), "location"), "/console/");
    let r = get(&relay, "/console/", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = header(r.headers(), "content-security-policy").to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(r.text().await.unwrap().contains("natter_agent_console"));

    assert_eq!(get(&relay, "/examples/nope.html", &[]).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_frame_goes_out_precompressed_with_its_tenants_csp_even_on_a_revalidation() {
    let relay = TestRelay::start().await;
    let file = web::file("frame.html").expect("dist/ holds frame.html");
    let path = format!("/t/acme/frame?origin={SHOP_ORIGIN}");
    let r = get(&relay, &path, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(header(&h, "content-encoding"), "br");
    assert_eq!(header(&h, "content-type"), "text/html; charset=utf-8");
    assert!(header(&h, "content-security-policy").contains(&format!("frame-ancestors 'self' {SHOP_ORIGIN}")));
    assert_eq!(r.bytes().await.unwrap().as_ref(), file.brotli);

    let etag = header(&h, "etag").to_owned();
    let again = get(&relay, &path, &[("accept-encoding", "br"), ("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let csp = header(again.headers(), "content-security-policy");
    assert!(csp.contains(&format!("frame-ancestors 'self' {SHOP_ORIGIN}")), "the 304 refreshes the policy: {csp}");
}
