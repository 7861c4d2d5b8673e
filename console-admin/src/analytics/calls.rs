//! Carries out the screen's [`Call`]s with the session's token and hands the
//! answers back to its reducer. Exports are fetched with the token (a plain
//! link could not carry it) and saved through a Blob's object URL.

use std::cell::RefCell;

use natter_console_kit::state::analytics::{AnalyticsAction, Answer, Call, ExportKind, Period};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, Request, RequestInit, Response, Url};
use yew::Callback;

use crate::web::{api, dom};

thread_local! {
    /// The session's token and the screen's dispatcher, while it is shown.
    static TARGET: RefCell<Option<(String, Callback<AnalyticsAction>)>> = const { RefCell::new(None) };
}

/// Where answers go (`None` when the screen closes: late answers are dropped).
pub fn set_target(target: Option<(String, Callback<AnalyticsAction>)>) {
    TARGET.with(|t| *t.borrow_mut() = target);
}

/// How long a download's object URL is kept before it is released.
const RELEASE_AFTER_MS: u32 = 60_000;

async fn get<T: DeserializeOwned>(token: &str, call: &Call) -> Result<T, String> {
    api::coded_call("GET", &call.path(), None::<&()>, token).await.map_err(|r| r.message)
}

async fn answer(token: &str, call: Call) -> Answer {
    match call {
        Call::Live => Answer::Live(get(token, &call).await),
        Call::Summary(p) => Answer::Summary(p, get(token, &call).await.map(Box::new)),
        Call::Trends(p) => Answer::Trends(p, get(token, &call).await),
        Call::Heatmap(p) => Answer::Heatmap(p, get(token, &call).await),
        Call::Agents(p) => Answer::Agents(p, get(token, &call).await),
        Call::Breakdown(by, p) => Answer::Breakdown(by, p, get(token, &call).await),
        Call::Ratings { score, before } => Answer::Ratings { score, before, page: get(token, &call).await },
        Call::Export { kind, period, .. } => Answer::Exported(kind, export(token, &call, kind, period).await),
    }
}

/// Fetches a CSV with the token and starts its download.
async fn export(token: &str, call: &Call, kind: ExportKind, period: Period) -> Result<(), String> {
    let failed = |_| "the relay could not be reached".to_owned();
    let init = RequestInit::new();
    init.set_method("GET");
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers.set("Authorization", &format!("Bearer {token}")).map_err(failed)?;
    init.set_headers(&headers);
    let req = Request::new_with_str_and_init(&call.path(), &init).map_err(failed)?;
    let window = dom::window().ok_or("no window")?;
    let resp: Response = JsFuture::from(window.fetch_with_request(&req)).await.map_err(failed)?.unchecked_into();
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let blob: Blob = JsFuture::from(resp.blob().map_err(failed)?).await.map_err(failed)?.unchecked_into();
    let url = Url::create_object_url_with_blob(&blob).map_err(failed)?;
    dom::download(&url, &Call::file_name(kind, period));
    dom::set_timeout(RELEASE_AFTER_MS, move || {
        let _ = Url::revoke_object_url(&url);
    });
    Ok(())
}

/// Starts one call; its answer goes to the screen if it is still shown.
pub fn run(call: Call) {
    let Some((token, _)) = TARGET.with(|t| t.borrow().clone()) else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let a = answer(&token, call).await;
        if let Some((_, dispatch)) = TARGET.with(|t| t.borrow().clone()) {
            dispatch.emit(AnalyticsAction::Answer(a));
        }
    });
}
