//! Fetches the tenant's public widget configuration (`/v1/widget/<tenant>/config`,
//! same origin as the frame).

use natter_protocol::TenantId;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{dom, runtime};
use crate::state::Action;
use crate::wire::decode;

/// Loads the config and hands it to the store; on failure the defaults stay.
pub async fn load(tenant: TenantId) {
    let Some(window) = dom::window() else { return };
    let url = String::from("/v1/widget/") + tenant.as_str() + "/config";
    let Ok(resp) = JsFuture::from(window.fetch_with_str(&url)).await else { return };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else { return };
    if !resp.ok() {
        return;
    }
    let Ok(body) = resp.json() else { return };
    let Ok(value) = JsFuture::from(body).await else { return };
    if let Some(config) = decode::widget_config(&value) {
        runtime::dispatch(Action::Config(config));
    }
}
