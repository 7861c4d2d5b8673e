//! Email endpoints. Admin (owner and admin roles): `GET/PUT /v1/admin/email`
//! (the SMTP password is write-only, sealed before it reaches the actor) and
//! `POST /v1/admin/email/test`. Any agent: `GET/PUT /v1/agent/me/email`
//! (their notification preferences). The MTA's path: `POST /v1/mail/inbound`,
//! loopback only, with the data directory's inbound token as bearer. The
//! one-click unsubscribe links of notifications are `unsubscribe.rs`.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use natter_protocol::{AgentEmailPrefs, EmailSettings, EmailTest, EmailTestSent, ErrorCode, InboundAccepted};

use super::admin::admin_of;
use super::agent_auth::signed_in;
use super::{ApiError, json_rejection};
use crate::mail::compose::{self, Addressing, Body, Lang, texts};
use crate::mail::inbound::{self, Unreadable};
use crate::mail::reply_token::TokenRefused;
use crate::mail::smtp::{self, SmtpTarget};
use crate::mail::{MailService, rules};
use crate::tenant::{MailOp, Tenants};

/// Largest inbound email accepted, in bytes (only its text is kept).
const MAX_INBOUND_BYTES: usize = 10_000_000;

/// What the email handlers need.
#[derive(Debug, Clone)]
pub struct EmailState {
    pub tenants: Tenants,
    pub mail: MailService,
    /// The tenants' clock (reply tokens expire by it; tests move it).
    pub clock: crate::time::Clock,
}

pub fn routes(state: EmailState) -> Router {
    Router::new()
        .route("/v1/admin/email", get(get_settings).put(put_settings))
        .route("/v1/admin/email/test", post(send_test))
        .route("/v1/agent/me/email", get(get_prefs).put(put_prefs))
        .route("/v1/mail/inbound", post(inbound).layer(DefaultBodyLimit::max(MAX_INBOUND_BYTES)))
        .route("/v1/mail/unsubscribe/{token}", get(super::unsubscribe::confirm).post(super::unsubscribe::unsubscribe))
        .with_state(state)
}

async fn get_settings(State(state): State<EmailState>, headers: HeaderMap) -> Result<Json<EmailSettings>, ApiError> {
    let tenant = admin_of(&state.tenants, &headers).await?;
    Ok(Json(tenant.ask(|reply| crate::tenant::Command::Mail(MailOp::GetSettings { reply })).await?))
}

async fn put_settings(
    State(state): State<EmailState>,
    headers: HeaderMap,
    body: Result<Json<EmailSettings>, JsonRejection>,
) -> Result<Json<EmailSettings>, ApiError> {
    let (tenant, agent) = signed_in(&state.tenants, &headers).await?;
    if !agent.role.is_admin() {
        return Err(ApiError::forbidden("only owners and admins may change email settings"));
    }
    let Json(mut settings) = body.map_err(json_rejection)?;
    rules::check(&settings).map_err(|(field, reason)| ApiError::invalid_field(field, format!("{field}: {reason}")))?;
    let password = settings.password.take().map(|p| (!p.is_empty()).then(|| state.mail.key.seal(tenant.id(), &p)));
    let stored = tenant
        .ask(|reply| {
            crate::tenant::Command::Mail(MailOp::PutSettings {
                settings: Box::new(settings),
                password,
                by: agent.id,
                reply,
            })
        })
        .await?;
    tracing::info!(tenant = %tenant.id(), enabled = stored.enabled, "email settings changed");
    Ok(Json(stored))
}

/// Sends a test email now, through the stored settings.
async fn send_test(
    State(state): State<EmailState>,
    headers: HeaderMap,
    body: Result<Json<EmailTest>, JsonRejection>,
) -> Result<Json<EmailTestSent>, ApiError> {
    let tenant = admin_of(&state.tenants, &headers).await?;
    let Json(EmailTest { to }) = body.map_err(json_rejection)?;
    let to = rules::mailbox(&to).map_err(|e| ApiError::invalid_field("to", format!("to: {e}")))?;
    let (settings, sealed) = tenant.ask(|reply| crate::tenant::Command::Mail(MailOp::Smtp { reply })).await?;
    if !settings.enabled || settings.host.is_empty() {
        return Err(not_configured());
    }
    let from = rules::mailbox(&settings.from).map_err(|_| not_configured())?;
    let password = match sealed.map(|s| state.mail.key.open(tenant.id(), &s)).transpose() {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(tenant = %tenant.id(), error = %e, "cannot open the SMTP password");
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::EmailNotConfigured,
                "enter the SMTP password again",
            ));
        }
    };
    let message_id = format!("<natter.{}.test.{}@{}>", tenant.id(), tenant.now().0, from.email.domain());
    let addressing = Addressing {
        from: from.clone(),
        to: to.clone(),
        reply_to: None,
        message_id: message_id.clone(),
        thread: None,
        unsubscribe: None,
    };
    let lang = Lang::parse(tenant.settings().settings.widget.locale.as_deref().unwrap_or("en"));
    let body = Body {
        subject: texts::test_subject(lang).to_owned(),
        intro: vec![texts::test_intro(lang).to_owned()],
        ..Body::default()
    };
    let message = compose::build(&addressing, lang, &body).map_err(|_| ApiError::internal())?;
    let transport = smtp::transport(&SmtpTarget::new(&settings, password)).map_err(smtp_failed)?;
    smtp::send(&transport, from.email.as_ref(), to.email.as_ref(), &message.formatted()).await.map_err(|failure| {
        tracing::warn!(tenant = %tenant.id(), error = %failure, "test email not sent");
        smtp_failed(failure)
    })?;
    tracing::info!(tenant = %tenant.id(), "test email sent");
    Ok(Json(EmailTestSent { message_id }))
}

fn not_configured() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, ErrorCode::EmailNotConfigured, "email is off or has no SMTP server and From")
}

fn smtp_failed(failure: smtp::SendFailure) -> ApiError {
    ApiError::new(StatusCode::BAD_GATEWAY, ErrorCode::SmtpFailed, format!("the test email was not sent: {failure}"))
}

async fn get_prefs(State(state): State<EmailState>, headers: HeaderMap) -> Result<Json<AgentEmailPrefs>, ApiError> {
    let (tenant, agent) = signed_in(&state.tenants, &headers).await?;
    let prefs = tenant
        .ask(|reply| crate::tenant::Command::Mail(MailOp::AgentPrefs { agent: agent.id, set: None, reply }))
        .await?;
    Ok(Json(prefs))
}

async fn put_prefs(
    State(state): State<EmailState>,
    headers: HeaderMap,
    body: Result<Json<AgentEmailPrefs>, JsonRejection>,
) -> Result<Json<AgentEmailPrefs>, ApiError> {
    let (tenant, agent) = signed_in(&state.tenants, &headers).await?;
    let Json(prefs) = body.map_err(json_rejection)?;
    let prefs = tenant
        .ask(|reply| crate::tenant::Command::Mail(MailOp::AgentPrefs { agent: agent.id, set: Some(prefs), reply }))
        .await?;
    Ok(Json(prefs))
}

/// `?recipient=`: the envelope recipient, as the MTA knows it.
#[derive(Debug, serde::Deserialize)]
struct InboundQuery {
    recipient: Option<String>,
}

/// An emailed reply from the MTA's pipe (`natter mail-in`).
async fn inbound(
    State(state): State<EmailState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Query(query): Query<InboundQuery>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Json<InboundAccepted>, ApiError> {
    if !peer.ip().is_loopback() {
        return Err(ApiError::forbidden("inbound mail is accepted from loopback only"));
    }
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiError::unauthorized)?;
    if !state.mail.inbound_token_matches(presented) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, "not the inbound mail token"));
    }
    let reply = inbound::read(&raw, query.recipient.as_deref()).map_err(unreadable)?;
    let now = state.clock.now();
    let (tenant_id, conversation) = state.mail.tokens.verify(&reply.token, now).map_err(token_refused)?;
    let tenant = state.tenants.get(&tenant_id).await?.ok_or_else(|| token_refused(TokenRefused::Invalid))?;
    let (text, message_id) = (reply.text, reply.message_id);
    let landed = tenant
        .ask(|reply| crate::tenant::Command::Mail(MailOp::Inbound { conversation, text, message_id, reply }))
        .await?
        .map_err(|_| token_refused(TokenRefused::Invalid))?;
    tracing::info!(tenant = %tenant_id, conversation = %landed.conversation, duplicate = landed.duplicate, "emailed reply received");
    Ok(Json(InboundAccepted {
        tenant: tenant_id,
        conversation_id: landed.conversation,
        seq: landed.seq,
        duplicate: landed.duplicate,
    }))
}

fn unreadable(e: Unreadable) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::MailUnreadable, e.to_string())
}

fn token_refused(e: TokenRefused) -> ApiError {
    let code = match e {
        TokenRefused::Invalid => ErrorCode::ReplyTokenInvalid,
        TokenRefused::Expired => ErrorCode::ReplyTokenExpired,
    };
    ApiError::new(StatusCode::FORBIDDEN, code, e.to_string())
}
