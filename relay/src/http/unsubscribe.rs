//! One-click unsubscribe from notification emails (RFC 8058): the link in a
//! notification's `List-Unsubscribe` header names one agent's notifications of
//! one kind, signed (`ReplyTokens::issue_unsubscribe`). `GET` shows a page with
//! a button; `POST` (what mail clients send, `List-Unsubscribe=One-Click`)
//! turns that kind off in the agent's preferences. No sign-in, by design:
//! the signed link is the proof.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use natter_protocol::{AgentEmailPrefs, AgentId, ErrorCode};

use super::ApiError;
use super::email::EmailState;
use crate::tenant::{MailOp, TenantHandle};

/// Page policy: no script, no style, posts only to itself.
const CSP: &str = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What a valid link unsubscribes from.
struct Target {
    tenant: TenantHandle,
    agent: AgentId,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    OfflineMessage,
    MissedChat,
    Digest,
}

impl Kind {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "offline_message" => Some(Self::OfflineMessage),
            "missed_chat" => Some(Self::MissedChat),
            "digest" => Some(Self::Digest),
            _ => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::OfflineMessage => "new offline messages",
            Self::MissedChat => "missed chats",
            Self::Digest => "the daily digest",
        }
    }

    fn turn_off(self, prefs: &mut AgentEmailPrefs) {
        match self {
            Self::OfflineMessage => prefs.offline_message = false,
            Self::MissedChat => prefs.missed_chat = false,
            Self::Digest => prefs.daily_digest = false,
        }
    }
}

async fn target(state: &EmailState, token: &str) -> Result<Target, ApiError> {
    let invalid =
        || ApiError::new(StatusCode::FORBIDDEN, ErrorCode::ReplyTokenInvalid, "this unsubscribe link is not valid");
    let (tenant, agent, kind) = state.mail.tokens.verify_unsubscribe(token).map_err(|_| invalid())?;
    let kind = Kind::parse(&kind).ok_or_else(invalid)?;
    let tenant = state.tenants.get(&tenant).await?.ok_or_else(ApiError::unknown_tenant)?;
    Ok(Target { tenant, agent, kind })
}

fn page(body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Natter notifications</title><main>{body}</main></html>"
    );
    let mut response = Html(html).into_response();
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn confirm(State(state): State<EmailState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let t = target(&state, &token).await?;
    let what = t.kind.describe();
    Ok(page(&format!(
        "<h1>Stop emails about {what}?</h1><form method=\"post\">\
         <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
         <button type=\"submit\">Unsubscribe</button></form>"
    )))
}

pub async fn unsubscribe(State(state): State<EmailState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let t = target(&state, &token).await?;
    let agent = t.agent;
    let mut prefs =
        t.tenant.ask(|reply| crate::tenant::Command::Mail(MailOp::AgentPrefs { agent, set: None, reply })).await?;
    t.kind.turn_off(&mut prefs);
    let set = Some(prefs);
    t.tenant.ask(|reply| crate::tenant::Command::Mail(MailOp::AgentPrefs { agent, set, reply })).await?;
    tracing::info!(tenant = %t.tenant.id(), agent = %agent, "notification emails unsubscribed");
    let what = t.kind.describe();
    Ok(page(&format!(
        "<h1>Unsubscribed</h1><p>You will no longer get emails about {what}. \
         Turn them back on in the console's notification settings.</p>"
    )))
}
