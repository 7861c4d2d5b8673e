//! The install section's "test my page": fetch a shop page server-side and say
//! whether it loads this relay's loader for this tenant. Explicit limits: http
//! and https only, 3 redirects, 8 s in all, 2 MiB of body, 4 checks at a time.
//! Only findings go back to the caller, never the page's content.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use natter_protocol::ErrorCode;
use tokio::sync::Semaphore;

use super::ApiError;

/// Largest page body read.
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// Longest a whole check may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(8);
/// Checks running at once across the relay.
const MAX_CONCURRENT_CHECKS: usize = 4;

/// Fetches pages for checks; cheap to clone.
#[derive(Debug, Clone)]
pub struct PageFetcher {
    client: reqwest::Client,
    slots: Arc<Semaphore>,
}

/// A fetched page: its final URL (after redirects), status and HTML.
#[derive(Debug)]
pub struct FetchedPage {
    pub url: String,
    pub status: u16,
    pub html: String,
}

impl PageFetcher {
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(3))
            .connect_timeout(Duration::from_secs(4))
            .timeout(CHECK_TIMEOUT)
            .user_agent(concat!("natter-install-check/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self { client, slots: Arc::new(Semaphore::new(MAX_CONCURRENT_CHECKS)) }
    }

    /// GETs `url` (already checked to be http/https), within the limits above.
    pub async fn fetch(&self, url: &str) -> Result<FetchedPage, ApiError> {
        let _slot = self.slots.try_acquire().map_err(|_| {
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited, "other page checks are running")
                .retry_after(2)
        })?;
        tokio::time::timeout(CHECK_TIMEOUT, self.fetch_unbounded(url))
            .await
            .map_err(|_| unreachable(format!("the page did not answer within {} seconds", CHECK_TIMEOUT.as_secs())))?
    }

    async fn fetch_unbounded(&self, url: &str) -> Result<FetchedPage, ApiError> {
        let mut response = self.client.get(url).header("accept", "text/html").send().await.map_err(describe)?;
        let final_url = response.url().to_string();
        let status = response.status().as_u16();
        if response.content_length().is_some_and(|n| n > MAX_PAGE_BYTES as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(describe)? {
            if body.len() + chunk.len() > MAX_PAGE_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(FetchedPage { url: final_url, status, html: String::from_utf8_lossy(&body).into_owned() })
    }
}

impl Default for PageFetcher {
    fn default() -> Self {
        Self::new()
    }
}

fn unreachable(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_GATEWAY, ErrorCode::PageUnreachable, message)
}

fn too_large() -> ApiError {
    unreachable(format!("the page is larger than {} MiB", MAX_PAGE_BYTES / (1024 * 1024)))
}

/// A fetch failure in words an owner can act on.
fn describe(e: reqwest::Error) -> ApiError {
    let what = if e.is_timeout() {
        "the page did not answer in time".to_owned()
    } else if e.is_redirect() {
        "the page redirects too many times".to_owned()
    } else if e.is_connect() {
        "could not connect to the page's server (wrong address, server down, or a certificate problem)".to_owned()
    } else {
        format!("could not read the page: {}", root_cause(&e))
    };
    unreachable(what)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// One `<script>` element's `src` and `data-tenant`, as written in the page.
#[derive(Debug, PartialEq, Eq)]
pub struct ScriptTag {
    pub src: String,
    pub tenant: Option<String>,
}

/// The `<script src=…>` tags of a page (a plain scan: enough for the tag a
/// shop pastes, which is what the check is about).
pub fn script_tags(html: &str) -> Vec<ScriptTag> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<script").map(|i| from + i) {
        let end = lower[start..].find('>').map_or(lower.len(), |i| start + i);
        let tag = &html[start..end];
        if let Some(src) = attribute(tag, "src") {
            out.push(ScriptTag { src, tenant: attribute(tag, "data-tenant") });
        }
        from = end;
    }
    out
}

/// The value of attribute `name` in the text of one start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| from + i) {
        from = i + name.len();
        let before_ok = lower[..i].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - rest.len() + 1;
        let value = tag[value_start..].trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or_default().to_owned(),
            _ => value.split(|c: char| c.is_ascii_whitespace() || c == '>').next().unwrap_or_default().to_owned(),
        });
    }
    None
}

/// Resolves a script `src` against the page URL, as far as the check needs:
/// absolute, protocol-relative and root-relative forms.
pub fn resolve(src: &str, page_origin: &str) -> String {
    let src = src.trim();
    if src.contains("://") {
        src.to_owned()
    } else if let Some(rest) = src.strip_prefix("//") {
        let scheme = page_origin.split("://").next().unwrap_or("https");
        format!("{scheme}://{rest}")
    } else if src.starts_with('/') {
        format!("{page_origin}{src}")
    } else {
        format!("{page_origin}/{src}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_tags_are_found_with_their_tenant() {
        let page = r#"<html><SCRIPT src="https://chat.example/embed.js" data-tenant="acme" async></SCRIPT>
            <script>inline()</script><script type=module src=/app.js></script>
            <script data-src="x" src='//cdn.example/lib.js'></script>"#;
        assert_eq!(
            script_tags(page),
            [
                ScriptTag { src: "https://chat.example/embed.js".into(), tenant: Some("acme".into()) },
                ScriptTag { src: "/app.js".into(), tenant: None },
                ScriptTag { src: "//cdn.example/lib.js".into(), tenant: None },
            ]
        );
    }

    #[test]
    fn sources_resolve_against_the_page() {
        assert_eq!(resolve("/embed.js", "http://127.0.0.1:8080"), "http://127.0.0.1:8080/embed.js");
        assert_eq!(resolve("//chat.example/embed.js", "https://shop.example"), "https://chat.example/embed.js");
        assert_eq!(resolve("https://chat.example/embed.js", "http://x"), "https://chat.example/embed.js");
    }
}
