//! The rating page a reminder email links to: `GET /r/{token}` shows a small
//! server-rendered form (five radio stars and a comment, EN/TH), `POST
//! /r/{token}` stores the rating through the tenant's actor with the same rules
//! as the widget's. No script; the one inline style is allowed by its hash, so
//! the page runs under a strict CSP. The token (see `auth/rating_link.rs`) is
//! the only credential: it names one conversation of one tenant.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use natter_protocol::{ConversationId, Rating};
use serde::Deserialize;

use crate::auth::rating_link::{RatingLinkError, RatingLinks};
use crate::tenant::{AdminOp, PageState, RatingDraft, RatingRefused, TenantHandle, Tenants};

/// What the page handlers need.
#[derive(Debug, Clone)]
pub struct RatingPageState {
    pub tenants: Tenants,
    pub links: RatingLinks,
    /// The tenants' clock: a link expires with the survey, by the same time.
    pub clock: crate::time::Clock,
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#111}\
fieldset{border:0;padding:0;margin:0 0 1rem}legend{font-weight:600;margin-bottom:.5rem}\
.stars{display:flex;gap:.5rem;flex-wrap:wrap}.stars label{border:1px solid #555;border-radius:.5rem;padding:.25rem .6rem}\
.stars input:focus-visible+span{outline:3px solid #1d4ed8;outline-offset:2px}\
textarea{width:100%;min-height:6rem;font:inherit}button{font:inherit;padding:.5rem 1rem;margin-top:.75rem}";

/// Which language the page speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Th,
}

struct Texts {
    title: &'static str,
    question: &'static str,
    star: [&'static str; 5],
    comment: &'static str,
    submit: &'static str,
    thanks: &'static str,
    changed_once: &'static str,
    expired: &'static str,
    unavailable: &'static str,
    invalid: &'static str,
}

const EN: Texts = Texts {
    title: "Rate your chat",
    question: "How was your chat with us?",
    star: ["1 star: very bad", "2 stars: bad", "3 stars: okay", "4 stars: good", "5 stars: very good"],
    comment: "Anything to add? (optional)",
    submit: "Send rating",
    thanks: "Thank you for your rating.",
    changed_once: "You can change it once.",
    expired: "The time to rate this chat is over.",
    unavailable: "This chat cannot be rated.",
    invalid: "This link is not valid.",
};

const TH: Texts = Texts {
    title: "ให้คะแนนการแชท",
    question: "การแชทกับเราเป็นอย่างไรบ้าง",
    star: ["1 ดาว: แย่มาก", "2 ดาว: แย่", "3 ดาว: พอใช้", "4 ดาว: ดี", "5 ดาว: ดีมาก"],
    comment: "ความคิดเห็นเพิ่มเติม (ไม่บังคับ)",
    submit: "ส่งคะแนน",
    thanks: "ขอบคุณสำหรับคะแนนของคุณ",
    changed_once: "คุณเปลี่ยนคะแนนได้หนึ่งครั้ง",
    expired: "หมดเวลาให้คะแนนการแชทนี้แล้ว",
    unavailable: "การแชทนี้ให้คะแนนไม่ได้",
    invalid: "ลิงก์นี้ใช้ไม่ได้",
};

impl Lang {
    fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Th => &TH,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Th => "th",
        }
    }

    /// `?lang=` first, else the browser's first language we speak.
    fn choose(asked: Option<&str>, headers: &HeaderMap) -> Self {
        let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let first = asked.unwrap_or(accept).split(',').next().unwrap_or("").trim().to_ascii_lowercase();
        if first.starts_with("th") { Self::Th } else { Self::En }
    }
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RatingForm {
    score: String,
    #[serde(default)]
    comment: Option<String>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn style_hash() -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, STYLE.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

fn page(status: StatusCode, lang: Lang, body: &str) -> Response {
    let t = lang.texts();
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
         <style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        lang.code(),
        t.title
    );
    let csp = format!(
        "default-src 'none'; style-src 'sha256-{}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        style_hash()
    );
    let mut response = (status, html).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

fn message(status: StatusCode, lang: Lang, text: &str) -> Response {
    page(status, lang, &format!("<h1>{}</h1><p role=\"status\">{}</p>", lang.texts().title, escape(text)))
}

fn form(lang: Lang, current: Option<&Rating>) -> String {
    let t = lang.texts();
    let stars: String = (1..=5u8)
        .map(|s| {
            let checked = if current.is_some_and(|r| r.score == s) { " checked" } else { "" };
            format!(
                "<label><input type=\"radio\" name=\"score\" value=\"{s}\" required{checked}> <span>{}{}</span></label>",
                "★".repeat(usize::from(s)),
                format_args!(" {}", t.star[usize::from(s) - 1])
            )
        })
        .collect();
    let comment = current.and_then(|r| r.comment.as_deref()).map(escape).unwrap_or_default();
    let note = if current.is_some() { format!("<p>{}</p>", t.changed_once) } else { String::new() };
    format!(
        "<h1>{}</h1>{note}<form method=\"post\"><fieldset><legend>{}</legend><div class=\"stars\">{stars}</div></fieldset>\
         <label for=\"comment\">{}</label><textarea id=\"comment\" name=\"comment\" maxlength=\"1000\">{comment}</textarea>\
         <button type=\"submit\">{}</button></form>",
        t.title, t.question, t.comment, t.submit
    )
}

fn refused(lang: Lang, why: &RatingRefused, rating: Option<&Rating>) -> Response {
    let t = lang.texts();
    match why {
        RatingRefused::Locked => thanks(lang, rating),
        RatingRefused::Expired => message(StatusCode::GONE, lang, t.expired),
        RatingRefused::Unavailable => message(StatusCode::CONFLICT, lang, t.unavailable),
        RatingRefused::Invalid(_) => message(StatusCode::UNPROCESSABLE_ENTITY, lang, t.question),
    }
}

fn thanks(lang: Lang, rating: Option<&Rating>) -> Response {
    let stars = rating.map(|r| format!("<p>{}</p>", lang.texts().star[usize::from(r.score.clamp(1, 5)) - 1]));
    let body = format!(
        "<h1>{}</h1><p role=\"status\">{}</p>{}",
        lang.texts().title,
        lang.texts().thanks,
        stars.unwrap_or_default()
    );
    page(StatusCode::OK, lang, &body)
}

/// The tenant and conversation of a token, or the page to answer instead.
async fn resolve(state: &RatingPageState, token: &str, lang: Lang) -> Result<(TenantHandle, ConversationId), Response> {
    let now = state.clock.now();
    let invalid = || message(StatusCode::FORBIDDEN, lang, lang.texts().invalid);
    let (tenant_id, conversation) = match state.links.verify(token, now) {
        Ok(found) => found,
        Err(RatingLinkError::Expired) => return Err(message(StatusCode::GONE, lang, lang.texts().expired)),
        Err(RatingLinkError::Invalid) => return Err(invalid()),
    };
    match state.tenants.get(&tenant_id).await {
        Ok(Some(tenant)) => Ok((tenant, conversation)),
        Ok(None) => Err(invalid()),
        Err(e) => {
            tracing::error!(error = %e, "rating page");
            Err(message(StatusCode::INTERNAL_SERVER_ERROR, lang, lang.texts().unavailable))
        }
    }
}

async fn state_of(tenant: &TenantHandle, id: ConversationId) -> Option<PageState> {
    let csat = tenant.settings().settings.csat.clone();
    match tenant.reader().rating_page(id, csat, tenant.now()).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "rating page");
            None
        }
    }
}

pub async fn show(
    State(state): State<RatingPageState>,
    Path(token): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::choose(q.lang.as_deref(), &headers);
    let (tenant, id) = match resolve(&state, &token, lang).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match state_of(&tenant, id).await {
        None => message(StatusCode::NOT_FOUND, lang, lang.texts().unavailable),
        Some(PageState { refused: Some(why), rating }) => refused(lang, &why, rating.as_ref()),
        Some(PageState { refused: None, rating }) => page(StatusCode::OK, lang, &form(lang, rating.as_ref())),
    }
}

pub async fn submit(
    State(state): State<RatingPageState>,
    Path(token): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
    body: Result<Form<RatingForm>, FormRejection>,
) -> Response {
    let lang = Lang::choose(q.lang.as_deref(), &headers);
    let (tenant, conversation) = match resolve(&state, &token, lang).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Some(draft) =
        body.ok().and_then(|Form(f)| Some(RatingDraft { score: f.score.trim().parse().ok()?, comment: f.comment }))
    else {
        return message(StatusCode::UNPROCESSABLE_ENTITY, lang, lang.texts().question);
    };
    match tenant.admin(|reply| AdminOp::Rate { conversation, draft, reply }).await {
        Ok(Ok(rating)) => thanks(lang, Some(&rating)),
        Ok(Err(why)) => refused(lang, &why, None),
        Err(e) => {
            tracing::error!(error = %e, "rating page");
            message(StatusCode::INTERNAL_SERVER_ERROR, lang, lang.texts().unavailable)
        }
    }
}
