//! Small browser helpers: clock, ids, focus, time zone, timers (the shared ones
//! come from `natter_browser::dom`).

pub use natter_browser::dom::{
    browser_language, clear_timeout, document, focus_id, jitter, now, query_param, random_bytes, set_timeout,
    tz_offset_min, window,
};
use natter_protocol::ClientMsgId;
use wasm_bindgen::JsCast;

/// Whether the console window has focus.
pub fn has_focus() -> bool {
    document().and_then(|d| d.has_focus().ok()).unwrap_or(true)
}

/// 16 random bytes as 32 hex digits.
pub fn random_hex() -> String {
    random_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh message id.
pub fn client_id() -> ClientMsgId {
    ClientMsgId::parse(format!("c-{}", random_hex())).unwrap_or_else(|_| {
        // 34 characters of [a-z0-9-] always parse; this branch cannot be reached.
        ClientMsgId::parse("c-fallback").expect("static id is valid")
    })
}

/// Starts downloading a same-origin link under `name` (the relay answers
/// files with `Content-Disposition: attachment`, so the page stays).
pub fn download(url: &str, name: &str) {
    let Some(doc) = document() else { return };
    let Ok(a) = doc.create_element("a") else { return };
    let _ = a.set_attribute("href", url);
    let _ = a.set_attribute("download", name);
    let _ = a.set_attribute("hidden", "");
    let Some(body) = doc.body() else { return };
    let _ = body.append_child(&a);
    if let Ok(el) = a.clone().dyn_into::<web_sys::HtmlElement>() {
        el.click();
    }
    a.remove();
}
