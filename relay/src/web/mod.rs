//! The web assets, embedded in the binary from dist/ (built by `cargo xtask dist`;
//! `dist/files.rs` lists every file with its pre-compressed copies):
//!
//! - `/embed.js` — the loader shops paste; short cache and an ETag.
//! - `/assets/…` — content-hashed widget files and the loader's frame part
//!   (`embed-frame-*.js`, `embed-teaser-*.js`: the assets shops' pages load); immutable,
//!   pre-compressed (brotli/gzip by `Accept-Encoding`), `application/wasm` for the module.
//! - `/t/{tenant}/frame` — the widget frame, with the relay's own strict CSP
//!   (`'wasm-unsafe-eval'`, no inline code) and `frame-ancestors` set to the
//!   tenant's allowed origins.
//! - `/` — the demo storefront; `/examples/…` — the other examples, among them the
//!   strict-CSP storefront served under exactly the policy a strict shop would use.
//! - `/console`, `/console/…` — the agent console, when dist/ holds it.
//! - `/favicon.ico` — Natter's icon (the console's SVG), so pages without their
//!   own icon do not log a 404.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use natter_protocol::TenantId;
use serde::Deserialize;

use crate::origin::origin_allowed;
use crate::registry::Registry;

/// One file of dist/ with its pre-compressed copies.
#[derive(Debug)]
pub struct DistFile {
    /// Path inside dist/, e.g. `assets/natter_widget-0123abcd.js`.
    pub path: &'static str,
    /// Strong validator (quoted), from the content hash.
    pub etag: &'static str,
    pub raw: &'static [u8],
    pub gzip: &'static [u8],
    pub brotli: &'static [u8],
}

/// Every file of dist/.
pub static FILES: &[DistFile] = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../dist/files.rs"));

/// A dist/ file by path.
pub fn file(path: &str) -> Option<&'static DistFile> {
    FILES.iter().find(|f| f.path == path)
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=300, must-revalidate";
const REVALIDATE: &str = "no-cache";

#[derive(Debug, Clone)]
struct WebState {
    registry: Registry,
    public_origin: Arc<str>,
}

/// Routes of the web assets.
pub fn router(registry: Registry, public_origin: String) -> Router {
    let state = WebState { registry, public_origin: public_origin.trim_end_matches('/').into() };
    let mut router = Router::new()
        .route("/", get(storefront))
        .route("/embed.js", get(embed_js))
        .route("/assets/{file}", get(asset))
        .route("/t/{tenant}/frame", get(frame))
        .route("/examples/{file}", get(example));
    if file("console/index.html").is_some() {
        router = router
            .route("/console", get(|| async { Redirect::permanent("/console/") }))
            .route("/console/", get(console_index))
            .route("/console/{*file}", get(console_file));
    }
    if favicon().is_some() {
        router = router.route("/favicon.ico", get(|headers: HeaderMap| async move { favicon_ico(&headers) }));
    }
    router.with_state(state)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether `Accept-Encoding` accepts `coding` (a `q=0` refuses it).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            name.eq_ignore_ascii_case(coding) && !refused
        },
    )
}

fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let bare = etag.trim_matches('"');
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',').any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/").trim_matches('"').starts_with(bare))
    })
}

/// Serves a dist/ file, pre-compressed when the client takes it.
fn serve(f: &DistFile, req: &HeaderMap, cache: &'static str) -> Response {
    let (body, coding, tag): (&'static [u8], Option<&str>, &str) = if accepts(req, "br") && !f.brotli.is_empty() {
        (f.brotli, Some("br"), "-br")
    } else if accepts(req, "gzip") && !f.gzip.is_empty() {
        (f.gzip, Some("gzip"), "-gz")
    } else {
        (f.raw, None, "")
    };
    let etag = format!("\"{}{tag}\"", f.etag.trim_matches('"'));
    let mut h = HeaderMap::new();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if not_modified(req, f.etag) {
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(f.path)));
    if let Some(c) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    (h, body).into_response()
}

fn html(status: StatusCode, csp: Option<String>, body: String) -> Response {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Some(v) = csp.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    (status, h, body).into_response()
}

fn missing(what: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not found</title><p>{what}</p></html>\n"
    );
    html(StatusCode::NOT_FOUND, Some("default-src 'none'".into()), body)
}

fn text_of(f: &DistFile) -> String {
    String::from_utf8_lossy(f.raw).into_owned()
}

/// The host the browser used, if it is a plain `host[:port]`.
fn request_host(headers: &HeaderMap) -> Option<&str> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    ok.then_some(host)
}

/// The relay's origin as this request sees it: the public origin when the browser
/// came through it, else `http://<Host>`.
fn relay_origin(state: &WebState, headers: &HeaderMap) -> String {
    match request_host(headers) {
        Some(host) if state.public_origin.split_once("://").is_none_or(|(_, h)| h != host) => {
            format!("http://{host}")
        }
        _ => state.public_origin.to_string(),
    }
}

/// `connect-src` for the relay's own sockets: 'self' plus explicit ws/wss of the host.
fn connect_self(headers: &HeaderMap) -> String {
    match request_host(headers) {
        Some(host) => format!("'self' ws://{host} wss://{host}"),
        None => "'self'".into(),
    }
}

/// A CSP source expression made from an origin pattern, if it is safe to put in a header.
fn csp_source(pattern: &str) -> Option<&str> {
    let ok = !pattern.is_empty()
        && pattern
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'/' | b'*' | b'[' | b']'));
    ok.then_some(pattern)
}

async fn embed_js(headers: HeaderMap) -> Response {
    let Some(f) = file("embed.js") else { return missing("embed.js is not built; run `cargo xtask dist`") };
    let mut r = serve(f, &headers, SHORT);
    r.headers_mut().insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    r
}

async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    match file(&format!("assets/{name}")) {
        Some(f) if !name.contains('/') => {
            let mut r = serve(f, &headers, IMMUTABLE);
            // The loader's frame part runs on shops' pages (other sites); the rest
            // only in the relay's own frame.
            let corp = if name.starts_with("embed-") { "cross-origin" } else { "same-site" };
            r.headers_mut().insert("cross-origin-resource-policy", HeaderValue::from_static(corp));
            r
        }
        _ => missing("No such asset."),
    }
}

#[derive(Debug, Deserialize)]
struct FrameQuery {
    origin: Option<String>,
}

async fn frame(
    State(state): State<WebState>,
    Path(tenant): Path<String>,
    Query(q): Query<FrameQuery>,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = TenantId::parse(tenant) else { return missing("Unknown tenant.") };
    let record = match state.registry.tenant(&id).await {
        Ok(Some(r)) => r,
        Ok(None) => return missing("Unknown tenant."),
        Err(e) => {
            tracing::error!(error = %e, "frame: registry lookup failed");
            return html(StatusCode::INTERNAL_SERVER_ERROR, None, "Internal error".into());
        }
    };
    let relay = relay_origin(&state, &headers);
    if let Some(origin) = &q.origin
        && !origin_allowed(&record.allowed_origins, origin)
        && *origin != relay
        && **origin != *state.public_origin
    {
        state.registry.refused().record(&id, Some(origin), natter_protocol::EmbedSurface::Frame, crate::time::now());
        let body = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not allowed</title>\
                    <p>This page may not embed this chat.</p></html>\n";
        return html(StatusCode::FORBIDDEN, Some("default-src 'none'".into()), body.into());
    }
    let Some(f) = file("frame.html") else { return missing("The widget is not built; run `cargo xtask dist`.") };
    let ancestors: Vec<&str> = record.allowed_origins.iter().filter_map(|p| csp_source(p)).collect();
    let csp = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src {}; \
         img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self' {}",
        connect_self(&headers),
        ancestors.join(" ")
    );
    // The body is the same for every tenant, so it goes out pre-compressed; only the
    // headers (this tenant's frame-ancestors) are made per request, 304s included.
    let mut r = serve(f, &headers, REVALIDATE);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin"));
    r
}

async fn storefront(headers: HeaderMap) -> Response {
    match file("examples/storefront.html") {
        Some(f) => serve(f, &headers, REVALIDATE),
        None => missing("The demo storefront is not built; run `cargo xtask dist`."),
    }
}

/// The strict-CSP storefront's policy: what a careful shop sends. `RELAY` must be
/// allowed for the loader script, its config fetch and the frame; nothing inline.
fn strict_shop_csp(relay: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {relay}; frame-src {relay}; style-src 'self'; \
         connect-src 'self' {relay}; img-src 'self' data:; base-uri 'self'; form-action 'self'; \
         object-src 'none'"
    )
}

async fn example(State(state): State<WebState>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(f) = file(&format!("examples/{name}")).filter(|_| !name.contains('/')) else {
        return missing("No such example.");
    };
    if name == "strict-csp.html" {
        let relay = relay_origin(&state, &headers);
        let body = text_of(f).replace("{{RELAY}}", &relay);
        return html(StatusCode::OK, Some(strict_shop_csp(&relay)), body);
    }
    serve(f, &headers, REVALIDATE)
}

/// `'sha256-…'` sources for the inline `<script>` blocks of a page.
fn inline_script_hashes(page: &str) -> Vec<String> {
    use base64::Engine as _;
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else { break };
        let body = &after[body_start..body_start + close];
        if !tag.contains("src=") && !body.is_empty() {
            let digest = ring::digest::digest(&ring::digest::SHA256, body.as_bytes());
            out.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest.as_ref())));
        }
        rest = &after[body_start + close..];
    }
    out
}

/// The console's icon in dist/ (its name carries a content hash).
fn favicon() -> Option<&'static DistFile> {
    FILES.iter().find(|f| f.path.starts_with("console/favicon-") && f.path.ends_with(".svg"))
}

/// `/favicon.ico`, which browsers ask for on their own: the same SVG (browsers
/// go by the content type, not the name). Not immutable: the name stays.
fn favicon_ico(headers: &HeaderMap) -> Response {
    match favicon() {
        Some(f) => serve(f, headers, SHORT),
        None => missing("No such file."),
    }
}

async fn console_index(headers: HeaderMap) -> Response {
    let Some(f) = file("console/index.html") else { return missing("The console is not built.") };
    let page = text_of(f);
    // The console injects its stylesheet as a <style> element, hence 'unsafe-inline'
    // for styles (scripts stay strict: hashed inline boot script only).
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' 'unsafe-inline'; \
         connect-src {}; img-src 'self' data:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; \
         object-src 'none'",
        inline_script_hashes(&page).join(" "),
        connect_self(&headers)
    );
    let mut r = html(StatusCode::OK, Some(csp), page);
    r.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    r
}

async fn console_file(Path(name): Path<String>, headers: HeaderMap) -> Response {
    if name.is_empty() || name == "index.html" {
        return console_index(headers).await;
    }
    match file(&format!("console/{name}")) {
        Some(f) => serve(f, &headers, IMMUTABLE),
        // Client-side routes of the console fall back to its page.
        None if !name.contains('.') => console_index(headers).await,
        None => missing("No such file."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn accept_encoding_is_parsed_with_q_values() {
        let h = with(header::ACCEPT_ENCODING, "gzip, deflate, br;q=0.9");
        assert!(accepts(&h, "br") && accepts(&h, "gzip"));
        let h = with(header::ACCEPT_ENCODING, "gzip;q=1, br;q=0");
        assert!(!accepts(&h, "br") && accepts(&h, "gzip"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn etags_match_every_encoding_of_a_file() {
        assert!(not_modified(&with(header::IF_NONE_MATCH, "\"abc-br\""), "\"abc\""));
        assert!(not_modified(&with(header::IF_NONE_MATCH, "W/\"abc\", \"x\""), "\"abc\""));
        assert!(!not_modified(&with(header::IF_NONE_MATCH, "\"abd\""), "\"abc\""));
    }

    #[test]
    fn mime_types() {
        assert_eq!(content_type("assets/x-1.wasm"), "application/wasm");
        assert_eq!(content_type("embed.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("frame.html"), "text/html; charset=utf-8");
    }

    #[test]
    fn only_clean_patterns_reach_the_csp() {
        assert_eq!(csp_source("http://localhost:*"), Some("http://localhost:*"));
        assert_eq!(csp_source("https://*.shop.example"), Some("https://*.shop.example"));
        assert_eq!(csp_source("https://a; script-src *"), None);
        assert_eq!(csp_source(""), None);
    }

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let page = "<script src=\"/a.js\"></script><script type=\"module\">init();</script>";
        let h = inline_script_hashes(page);
        assert_eq!(h.len(), 1);
        assert!(h[0].starts_with("'sha256-") && h[0].ends_with("='"));
    }

    #[test]
    fn dist_holds_the_widget_and_loader() {
        assert!(file("embed.js").is_some());
        assert!(file("frame.html").is_some());
        assert!(file("examples/storefront.html").is_some());
        let frame = text_of(file("frame.html").unwrap());
        let loader = text_of(file("embed.js").unwrap());
        for f in FILES.iter().filter(|f| f.path.starts_with("assets/")) {
            let name = f.path.trim_start_matches("assets/");
            let referenced = if name.starts_with("embed-") { loader.contains(name) } else { frame.contains(name) };
            assert!(referenced || name.ends_with(".wasm"), "{name} not referenced by frame.html or embed.js");
            assert!(!f.brotli.is_empty() && !f.gzip.is_empty());
        }
        assert!(!frame.contains("<script>"), "no inline script in the frame");
        assert!(!frame.contains("style="), "no inline style in the frame");
    }
}
