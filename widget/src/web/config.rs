//! Fetches the tenant's public widget configuration (`/v1/widget/<tenant>/config`,
//! same origin as the frame).

use natter_protocol::{PublicWidgetConfig, TenantId};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{dom, json, runtime};
use crate::state::Action;

/// Loads the config and hands it to the store; on failure the defaults stay.
pub async fn load(tenant: TenantId) {
    let Some(window) = dom::window() else { return };
    let url = format!("/v1/widget/{tenant}/config");
    let Ok(resp) = JsFuture::from(window.fetch_with_str(&url)).await else { return };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else { return };
    if !resp.ok() {
        return;
    }
    let Ok(body) = resp.json() else { return };
    let Ok(value) = JsFuture::from(body).await else { return };
    if let Some(config) = json::from_value::<PublicWidgetConfig>(value) {
        runtime::dispatch(Action::Config(config));
    }
}
