//! The relay's HTTP endpoints the console calls: sign-in, sign-out, past
//! conversations, and the admin API behind the settings page (its install
//! section calls the install endpoints directly, see `install_call`).

use natter_protocol::{
    AcceptInvitation, AgentActive, AgentUpdate, AssignmentRecord, ConversationId, PasswordReset, Tag, TagDraft, TagId,
};
use natter_protocol::{
    AgentAdminView, AgentId, AllowedOrigins, ApiErrorBody, ConversationPage, ErrorCode, FileLink, IdentitySecret,
    InstallInfo, LoginRequest, LoginResponse, PageCheck, PageCheckRequest, TenantSettings, UploadId,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use super::json;
use crate::state::admin::{AdminAction, Save};
use crate::state::files::LinkAnswer;
use crate::state::past::Lookup;
use crate::state::team::{Command, Refused, Spot, TeamAction};
use crate::state::{Action, SignInError};

async fn post(path: &str, body: Option<String>, token: Option<&str>) -> Result<Response, ()> {
    request("POST", path, body, token).await
}

pub(super) async fn request(
    method: &str,
    path: &str,
    body: Option<String>,
    token: Option<&str>,
) -> Result<Response, ()> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| ())?;
    if let Some(body) = &body {
        headers.set("Content-Type", "application/json").map_err(|_| ())?;
        init.set_body(&body.into());
    }
    if let Some(token) = token {
        headers.set("Authorization", &format!("Bearer {token}")).map_err(|_| ())?;
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ())?;
    let window = web_sys::window().ok_or(())?;
    let resp = JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| ())?;
    resp.dyn_into::<Response>().map_err(|_| ())
}

pub(super) async fn text(resp: &Response) -> Option<String> {
    JsFuture::from(resp.text().ok()?).await.ok()?.as_string()
}

/// `POST /v1/agent/login`.
pub async fn login(request: &LoginRequest) -> Result<LoginResponse, SignInError> {
    let body = json::to_string(request).ok_or(SignInError::Unreachable)?;
    let resp = post("/v1/agent/login", Some(body), None).await.map_err(|()| SignInError::Unreachable)?;
    let body = text(&resp).await.unwrap_or_default();
    if resp.ok() {
        return json::from_str::<LoginResponse>(&body).ok_or_else(|| SignInError::Other("bad response".into()));
    }
    let Some(err) = json::from_str::<ApiErrorBody>(&body) else {
        return Err(if resp.status() >= 500 {
            SignInError::Unreachable
        } else {
            SignInError::Other(format!("HTTP {}", resp.status()))
        });
    };
    Err(match err.error.code {
        ErrorCode::InvalidCredentials | ErrorCode::Unauthorized => SignInError::InvalidCredentials,
        ErrorCode::TooManyAttempts | ErrorCode::RateLimited => {
            SignInError::TooManyAttempts { retry_after_secs: err.error.retry_after_secs }
        }
        ErrorCode::UnknownTenant => SignInError::UnknownTenant,
        _ => SignInError::Other(err.error.message),
    })
}

/// `POST /v1/agent/invitations/accept` (no session): the new account signed
/// in, or the typed refusal.
pub async fn accept_invitation(accept: &AcceptInvitation) -> Result<LoginResponse, Refused> {
    let refused = |message: &str| Refused { code: None, field: None, message: message.to_owned() };
    let body = json::to_string(accept).ok_or_else(|| refused("unreadable request"))?;
    let resp = post("/v1/agent/invitations/accept", Some(body), None)
        .await
        .map_err(|()| refused("the relay could not be reached"))?;
    let text = text(&resp).await.unwrap_or_default();
    if resp.ok() {
        return json::from_str(&text).ok_or_else(|| refused("unreadable answer"));
    }
    Err(match json::from_str::<ApiErrorBody>(&text) {
        Some(e) => Refused { code: Some(e.error.code), field: e.error.field, message: e.error.message },
        None => refused(&format!("HTTP {}", resp.status())),
    })
}

/// `POST /v1/agent/logout` (best effort: the local session ends either way).
pub async fn logout(token: String) {
    let _ = post("/v1/agent/logout", None, Some(&token)).await;
}

/// A refusal of the admin API: the field it names, and its words.
struct Refusal {
    field: Option<String>,
    message: String,
}

/// An authorised JSON call to the admin API.
async fn admin_call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&impl Serialize>,
    token: &str,
) -> Result<T, Refusal> {
    let unreachable = || Refusal { field: None, message: "the relay could not be reached".into() };
    let body = body.and_then(json::to_string);
    let resp = request(method, path, body, Some(token)).await.map_err(|()| unreachable())?;
    let text = text(&resp).await.unwrap_or_default();
    if resp.ok() {
        return json::from_str(&text).ok_or_else(|| Refusal { field: None, message: "unreadable answer".into() });
    }
    Err(match json::from_str::<ApiErrorBody>(&text) {
        Some(e) => Refusal { field: e.error.field, message: e.error.message },
        None => Refusal { field: None, message: format!("HTTP {}", resp.status()) },
    })
}

async fn load(token: &str) -> Result<(TenantSettings, Vec<AgentAdminView>, IdentitySecret), Refusal> {
    let settings = admin_call("GET", "/v1/admin/settings", None::<&()>, token).await?;
    let agents = admin_call("GET", "/v1/admin/agents", None::<&()>, token).await?;
    let identity = admin_call("GET", "/v1/admin/identity", None::<&()>, token).await?;
    Ok((settings, agents, identity))
}

/// Loads the settings page: settings, agents and the identity secret.
pub async fn load_admin(token: String) -> AdminAction {
    match load(&token).await {
        Ok((settings, agents, identity)) => AdminAction::Loaded { settings, agents, identity_secret: identity.secret },
        Err(r) => AdminAction::LoadFailed(r.message),
    }
}

/// Saves the settings, then each changed agent (an agent's refusal is named
/// `agents.<id>.<field>` so the page shows it on that agent's row).
pub async fn save_admin(token: String, save: Save) -> AdminAction {
    let settings: TenantSettings = match admin_call("PUT", "/v1/admin/settings", Some(&save.settings), &token).await {
        Ok(s) => s,
        Err(r) => return AdminAction::SaveFailed { field: r.field, message: r.message },
    };
    for (id, update) in &save.agents {
        let path = format!("/v1/admin/agents/{id}");
        if let Err(r) = admin_call::<AgentAdminView>("PUT", &path, Some(update), &token).await {
            let field = Some(agent_field(*id, r.field.as_deref()));
            return AdminAction::SaveFailed { field, message: r.message };
        }
    }
    match admin_call("GET", "/v1/admin/agents", None::<&()>, &token).await {
        Ok(agents) => AdminAction::Saved { settings, agents },
        Err(r) => AdminAction::SaveFailed { field: None, message: r.message },
    }
}

fn agent_field(id: AgentId, field: Option<&str>) -> String {
    match field {
        Some(f) => format!("agents.{id}.{f}"),
        None => format!("agents.{id}"),
    }
}

/// `GET /v1/uploads/{id}/link`: fresh signed links to an attachment.
pub async fn fetch_link(token: String, id: UploadId) -> Action {
    let path = format!("/v1/uploads/{}/link", id.as_str());
    let answer = match request("GET", &path, None, Some(&token)).await {
        Ok(resp) if resp.ok() => {
            text(&resp).await.and_then(|t| json::from_str::<FileLink>(&t)).map_or(LinkAnswer::Failed, LinkAnswer::Fresh)
        }
        Ok(resp) if resp.status() == 404 => LinkAnswer::Gone,
        _ => LinkAnswer::Failed,
    };
    Action::Linked { id, answer }
}

/// `GET /v1/agent/conversations` for the Closed tab or a visitor's history.
pub async fn find_conversations(token: String, lookup: Lookup) -> Action {
    let query = lookup.query_string(|s| String::from(js_sys::encode_uri_component(s)));
    let path = format!("/v1/agent/conversations{query}");
    let page = admin_call::<ConversationPage>("GET", &path, None::<&()>, &token).await.map_err(|r| r.message);
    Action::Found { lookup, page }
}

/// A refusal of an install endpoint: its code, so the install section can word
/// it per language, and the relay's own words.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallRefusal {
    pub code: Option<ErrorCode>,
    pub message: String,
}

async fn install_call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&impl Serialize>,
    token: &str,
) -> Result<T, InstallRefusal> {
    let refusal = |message: &str| InstallRefusal { code: None, message: message.to_owned() };
    let body = body.and_then(json::to_string);
    let resp =
        request(method, path, body, Some(token)).await.map_err(|()| refusal("the relay could not be reached"))?;
    let text = text(&resp).await.unwrap_or_default();
    if resp.ok() {
        return json::from_str(&text).ok_or_else(|| refusal("unreadable answer"));
    }
    Err(match json::from_str::<ApiErrorBody>(&text) {
        Some(e) => InstallRefusal { code: Some(e.error.code), message: e.error.message },
        None => refusal(&format!("HTTP {}", resp.status())),
    })
}

/// `GET /v1/admin/install`: script tag, allowed origins, refused embeds.
pub async fn install_info(token: String) -> Result<InstallInfo, InstallRefusal> {
    install_call("GET", "/v1/admin/install", None::<&()>, &token).await
}

/// `PUT /v1/admin/origins`; the list as the relay stored it.
pub async fn put_origins(token: String, origins: Vec<String>) -> Result<Vec<String>, InstallRefusal> {
    let body = AllowedOrigins { origins };
    let saved: AllowedOrigins = install_call("PUT", "/v1/admin/origins", Some(&body), &token).await?;
    Ok(saved.origins)
}

/// `POST /v1/admin/install/check`: the relay fetches the page and reports.
pub async fn check_page(token: String, url: String) -> Result<PageCheck, InstallRefusal> {
    install_call("POST", "/v1/admin/install/check", Some(&PageCheckRequest { url }), &token).await
}

/// An authorised JSON call whose refusal keeps its code (the desk and the team
/// screen word refusals per language). A `204` answers `()`.
pub async fn coded_call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&impl Serialize>,
    token: &str,
) -> Result<T, Refused> {
    let refused = |message: &str| Refused { code: None, field: None, message: message.to_owned() };
    let body = body.and_then(json::to_string);
    let resp =
        request(method, path, body, Some(token)).await.map_err(|()| refused("the relay could not be reached"))?;
    let text = text(&resp).await.unwrap_or_default();
    if resp.ok() {
        let text = if text.is_empty() { "null" } else { text.as_str() };
        return json::from_str(text).ok_or_else(|| refused("unreadable answer"));
    }
    Err(match json::from_str::<ApiErrorBody>(&text) {
        Some(e) => Refused { code: Some(e.error.code), field: e.error.field, message: e.error.message },
        None => refused(&format!("HTTP {}", resp.status())),
    })
}

/// `GET /v1/agent/conversations/{id}/assignments`: who held it, oldest first.
pub async fn assignments(token: String, id: ConversationId) -> Result<Vec<AssignmentRecord>, Refused> {
    coded_call("GET", &format!("/v1/agent/conversations/{id}/assignments"), None::<&()>, &token).await
}

/// Runs one command of the team screen and words its answer as an action.
pub async fn team_command(token: String, command: Command) -> TeamAction {
    match command {
        Command::Load => {
            TeamAction::Loaded(coded_call("GET", "/v1/admin/agents", None::<&()>, &token).await.map_err(|r| r.message))
        }
        Command::Create(new) => TeamAction::Created(coded_call("POST", "/v1/admin/agents", Some(&new), &token).await),
        Command::Invite(invite) => {
            TeamAction::Invited(coded_call("POST", "/v1/admin/invitations", Some(&invite), &token).await)
        }
        Command::SetRole(id, role) => {
            let update = AgentUpdate { role: Some(role), ..AgentUpdate::default() };
            let path = format!("/v1/admin/agents/{id}");
            TeamAction::Changed(Spot::Role(id), coded_call("PUT", &path, Some(&update), &token).await)
        }
        Command::ResetPassword(id, password) => {
            let path = format!("/v1/admin/agents/{id}/password");
            TeamAction::ResetDone(id, coded_call("PUT", &path, Some(&PasswordReset { password }), &token).await)
        }
        Command::SetActive(id, active) => {
            let path = format!("/v1/admin/agents/{id}/active");
            TeamAction::Changed(Spot::Active(id), coded_call("PUT", &path, Some(&AgentActive { active }), &token).await)
        }
    }
}

/// `POST /v1/admin/tags`, `PUT` or `DELETE /v1/admin/tags/{id}`: the new list
/// (which also reaches every console as a `tags` frame).
pub async fn tag_call(token: String, id: Option<TagId>, draft: Option<TagDraft>) -> Result<Vec<Tag>, Refused> {
    match (id, draft) {
        (None, Some(d)) => coded_call("POST", "/v1/admin/tags", Some(&d), &token).await,
        (Some(id), Some(d)) => coded_call("PUT", &format!("/v1/admin/tags/{id}"), Some(&d), &token).await,
        (Some(id), None) => coded_call("DELETE", &format!("/v1/admin/tags/{id}"), None::<&()>, &token).await,
        (None, None) => Ok(Vec::new()),
    }
}
