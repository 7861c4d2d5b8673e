//! The workspace admin screens' HTTP calls (owners and admins): the shop's
//! name, the identity secret and its rotation, pending invitations, the email
//! settings and test email; and the agent's own email notifications. Each runs
//! one command of a screen's pure state and words the answer as its action.

use natter_protocol::{AgentEmailPrefs, IdentityRotation};

use super::api::{coded_call, request, text};
use crate::state::email::{EmailAction, EmailCommand};
use crate::state::invitations::{InvitationsAction, InvitationsCommand};
use crate::state::workspace::{IdentityAction, IdentityCommand, NameAction, NameCommand};

/// `GET` or `PUT /v1/admin/workspace`.
pub async fn name_command(token: String, command: NameCommand) -> NameAction {
    match command {
        NameCommand::Load => NameAction::Loaded(
            coded_call("GET", "/v1/admin/workspace", None::<&()>, &token).await.map_err(|r| r.message),
        ),
        NameCommand::Save(w) => NameAction::Saved(coded_call("PUT", "/v1/admin/workspace", Some(&w), &token).await),
    }
}

/// `GET /v1/admin/identity` or `POST /v1/admin/identity/rotate`.
pub async fn identity_command(token: String, command: IdentityCommand) -> IdentityAction {
    match command {
        IdentityCommand::Load => IdentityAction::Loaded(
            coded_call("GET", "/v1/admin/identity", None::<&()>, &token).await.map_err(|r| r.message),
        ),
        IdentityCommand::Rotate(grace_hours) => {
            let body = IdentityRotation { grace_hours };
            IdentityAction::Rotated(coded_call("POST", "/v1/admin/identity/rotate", Some(&body), &token).await)
        }
    }
}

/// `GET /v1/admin/invitations` or `DELETE /v1/admin/invitations/{email}`.
pub async fn invitations_command(token: String, command: InvitationsCommand) -> InvitationsAction {
    match command {
        InvitationsCommand::Load => InvitationsAction::Loaded(
            coded_call("GET", "/v1/admin/invitations", None::<&()>, &token).await.map_err(|r| r.message),
        ),
        InvitationsCommand::Withdraw(email) => {
            let path = format!("/v1/admin/invitations/{}", js_sys::encode_uri_component(&email));
            let done = coded_call::<()>("DELETE", &path, None::<&()>, &token).await;
            InvitationsAction::Withdrawn(email, done)
        }
    }
}

/// `GET`/`PUT /v1/admin/email` or `POST /v1/admin/email/test`.
pub async fn email_command(token: String, command: EmailCommand) -> EmailAction {
    match command {
        EmailCommand::Load => {
            EmailAction::Loaded(coded_call("GET", "/v1/admin/email", None::<&()>, &token).await.map_err(|r| r.message))
        }
        EmailCommand::Save(settings) => {
            EmailAction::Saved(coded_call("PUT", "/v1/admin/email", Some(&*settings), &token).await)
        }
        EmailCommand::Test(to) => {
            EmailAction::Tested(coded_call("POST", "/v1/admin/email/test", Some(&to), &token).await)
        }
    }
}

/// `GET /v1/agent/me/email` (`next` `None`) or `PUT` it: this agent's
/// notification switches as stored.
pub async fn my_email_prefs(token: String, next: Option<AgentEmailPrefs>) -> Option<AgentEmailPrefs> {
    let body = next.map(|p| {
        format!(
            r#"{{"offline_message":{},"missed_chat":{},"daily_digest":{}}}"#,
            p.offline_message, p.missed_chat, p.daily_digest
        )
    });
    prefs_call(&token, if body.is_some() { "PUT" } else { "GET" }, body).await
}

/// The prefs call, read field by field through the browser's `JSON`: this is
/// in the inbox's first load, where serde code per type costs kilobytes.
async fn prefs_call(token: &str, method: &str, body: Option<String>) -> Option<AgentEmailPrefs> {
    let resp = request(method, "/v1/agent/me/email", body, Some(token)).await.ok()?;
    if !resp.ok() {
        return None;
    }
    let js = js_sys::JSON::parse(&text(&resp).await?).ok()?;
    let flag = |key: &str| js_sys::Reflect::get(&js, &key.into()).ok().and_then(|v| v.as_bool());
    Some(AgentEmailPrefs {
        offline_message: flag("offline_message")?,
        missed_chat: flag("missed_chat")?,
        daily_digest: flag("daily_digest")?,
    })
}
