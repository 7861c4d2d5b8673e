//! The relay's canned responses endpoints (`/v1/agent/canned…`) and the
//! tenant's display name (its public widget configuration), called for the
//! store's [`CannedCall`]s; the answers come back as [`CannedAction`]s.

use natter_protocol::{ApiErrorBody, CannedId, CannedImported, CannedResponse, CannedScope, TenantId};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use super::api::{request, text};
use super::{dom, json, runtime};
use crate::state::Action;
use crate::state::canned::{CannedAction, CannedCall, Refusal};

/// What the console reads of the public widget configuration.
#[derive(Deserialize)]
struct ShopName {
    name: String,
}

fn unreachable() -> Refusal {
    Refusal { field: None, message: "the relay could not be reached".into() }
}

/// The refusal in an error answer.
async fn refusal(resp: &Response) -> Refusal {
    let body = text(resp).await.unwrap_or_default();
    match json::from_str::<ApiErrorBody>(&body) {
        Some(e) => Refusal { field: e.error.field, message: e.error.message },
        None => Refusal { field: None, message: format!("HTTP {}", resp.status()) },
    }
}

/// An authorised call answering JSON (`None` for a `204`).
async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<String>,
    token: &str,
) -> Result<Option<T>, Refusal> {
    let resp = request(method, path, body, Some(token)).await.map_err(|()| unreachable())?;
    if !resp.ok() {
        return Err(refusal(&resp).await);
    }
    if resp.status() == 204 {
        return Ok(None);
    }
    let body = text(&resp).await.unwrap_or_default();
    json::from_str(&body).map(Some).ok_or_else(|| Refusal { field: None, message: "unreadable answer".into() })
}

fn scope_name(scope: CannedScope) -> &'static str {
    match scope {
        CannedScope::Shared => "shared",
        CannedScope::Personal => "personal",
    }
}

async fn load(token: &str, tenant: &TenantId) -> CannedAction {
    let list = call::<Vec<CannedResponse>>("GET", "/v1/agent/canned", None, token).await;
    let list = list.map(Option::unwrap_or_default).map_err(|r| r.message);
    // Public and same-origin; without it `{{shop.name}}` takes its fallback.
    let path = format!("/v1/widget/{}/config", tenant.as_str());
    let shop = request("GET", &path, None, None).await.ok().filter(Response::ok);
    let shop_name = match shop {
        Some(resp) => text(&resp).await.and_then(|t| json::from_str::<ShopName>(&t)).map(|s| s.name),
        None => None,
    };
    CannedAction::Loaded { list, shop_name }
}

async fn save(token: &str, id: Option<CannedId>, body: Option<String>) -> CannedAction {
    let (method, path) = match id {
        Some(id) => ("PUT", format!("/v1/agent/canned/{id}")),
        None => ("POST", "/v1/agent/canned".to_owned()),
    };
    let saved = call::<CannedResponse>(method, &path, body, token).await;
    CannedAction::Saved(saved.and_then(|s| s.ok_or_else(unreachable)))
}

/// `POST /v1/agent/canned/import` with the CSV as the body.
async fn import(token: &str, scope: CannedScope, csv: String) -> CannedAction {
    let send = async {
        let init = RequestInit::new();
        init.set_method("POST");
        let headers = web_sys::Headers::new().map_err(|_| unreachable())?;
        headers.set("Content-Type", "text/csv; charset=utf-8").map_err(|_| unreachable())?;
        headers.set("Authorization", &format!("Bearer {token}")).map_err(|_| unreachable())?;
        init.set_headers(&headers);
        init.set_body(&csv.into());
        let path = format!("/v1/agent/canned/import?scope={}", scope_name(scope));
        let req = Request::new_with_str_and_init(&path, &init).map_err(|_| unreachable())?;
        let window = web_sys::window().ok_or_else(unreachable)?;
        let resp = JsFuture::from(window.fetch_with_request(&req)).await.map_err(|_| unreachable())?;
        let resp: Response = wasm_bindgen::JsCast::dyn_into(resp).map_err(|_| unreachable())?;
        if !resp.ok() {
            return Err(refusal(&resp).await);
        }
        let body = text(&resp).await.unwrap_or_default();
        json::from_str::<CannedImported>(&body).map(|i| i.imported).ok_or_else(unreachable)
    };
    CannedAction::Imported(send.await)
}

/// Fetches one scope's CSV and hands it to the browser as a download.
async fn export(token: &str, scope: CannedScope) {
    let path = format!("/v1/agent/canned/export?scope={}", scope_name(scope));
    let Ok(resp) = request("GET", &path, None, Some(token)).await else { return };
    let Some(csv) = text(&resp).await.filter(|_| resp.ok()) else { return };
    let url = format!("data:text/csv;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&csv)));
    dom::download(&url, &format!("canned-{}.csv", scope_name(scope)));
}

/// A call of the `/` picker (the list, a use) carried out with its answer, or
/// the call handed back when it is one of the management screen's.
async fn picker_call(token: &str, request: CannedCall) -> Result<Option<CannedAction>, CannedCall> {
    match request {
        CannedCall::Load { tenant } => Ok(Some(load(token, &tenant).await)),
        CannedCall::Used(id) => {
            // Only the order of the picker depends on it: best effort.
            let _ = call::<()>("POST", &format!("/v1/agent/canned/{id}/use"), None, token).await;
            Ok(None)
        }
        other => Err(other),
    }
}

/// A call of the management screen, carried out with its answer.
async fn screen_call(token: &str, request: CannedCall) -> Option<CannedAction> {
    match request {
        CannedCall::Save { id, draft } => Some(save(token, id, json::to_string(&draft)).await),
        CannedCall::Delete(id) => {
            let done = call::<()>("DELETE", &format!("/v1/agent/canned/{id}"), None, token).await;
            Some(CannedAction::Deleted(done.map(|_| id)))
        }
        CannedCall::Import { scope, csv } => Some(import(token, scope, csv).await),
        CannedCall::Export(scope) => {
            export(token, scope).await;
            None
        }
        CannedCall::Load { .. } | CannedCall::Used(_) => None,
    }
}

/// Carries out one call, dispatching its answer (the admin module: the screen's
/// calls and the list).
pub fn run(token: String, request: CannedCall) {
    wasm_bindgen_futures::spawn_local(async move {
        let answer = match picker_call(&token, request).await {
            Ok(answer) => answer,
            Err(request) => screen_call(&token, request).await,
        };
        if let Some(a) = answer {
            runtime::dispatch(Action::Canned(a));
        }
    });
}

/// Carries out one of the picker's calls, dispatching its answer (the inbox,
/// which leaves the screen's calls to the admin module and so never links them).
pub fn run_picker(token: String, request: CannedCall) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(Some(a)) = picker_call(&token, request).await {
            runtime::dispatch(Action::Canned(a));
        }
    });
}
