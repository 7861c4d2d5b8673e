//! The relay's HTTP endpoints the console calls: sign-in and sign-out.

use natter_protocol::{ApiErrorBody, ErrorCode, LoginRequest, LoginResponse};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use super::json;
use crate::state::SignInError;

async fn post(path: &str, body: Option<String>, token: Option<&str>) -> Result<Response, ()> {
    let init = RequestInit::new();
    init.set_method("POST");
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

async fn text(resp: &Response) -> Option<String> {
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

/// `POST /v1/agent/logout` (best effort: the local session ends either way).
pub async fn logout(token: String) {
    let _ = post("/v1/agent/logout", None, Some(&token)).await;
}
