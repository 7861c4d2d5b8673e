//! Small browser helpers: clock, ids, focus, timers, language and theme.

pub use natter_browser::dom::{
    browser_language, clear_timeout, document, focus_id, jitter, now, query_param, random_bytes, set_timeout,
    tz_offset_min, window,
};
use natter_protocol::{ClientMsgId, TenantId};
use wasm_bindgen::JsCast;

/// The tenant this frame serves, from its path `/t/<tenant>/frame`.
pub fn tenant() -> Option<TenantId> {
    let path = window()?.location().pathname().ok()?;
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("t"), Some(t)) => TenantId::parse(t).ok(),
        _ => None,
    }
}

/// 16 random base64url characters (96 bits).
pub fn random_id() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    random_bytes().iter().map(|b| ALPHABET[usize::from(b & 63)] as char).collect()
}

/// A fresh message id.
pub fn client_id() -> ClientMsgId {
    // 17 characters of base64url always parse.
    ClientMsgId::parse(String::from("w") + &random_id()).unwrap_or_else(|_| ClientMsgId::parse("w").expect("valid id"))
}

/// The value of the input or text area with this id ("" if there is none).
pub fn field_value(id: &str) -> String {
    let Some(el) = document().and_then(|d| d.get_element_by_id(id)) else { return String::new() };
    match el.dyn_ref::<web_sys::HtmlInputElement>() {
        Some(input) => input.value(),
        None => el.dyn_ref::<web_sys::HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default(),
    }
}

/// Sets `<html lang>`.
pub fn set_lang(tag: &str) {
    if let Some(root) = document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", tag);
    }
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Applies the tenant's colours as CSS custom properties (through the CSSOM,
/// which the frame's strict CSP allows; no `style=` attribute in the markup).
pub fn set_theme(primary: &str, secondary: &str) {
    let Some(root) = document().and_then(|d| d.document_element()) else { return };
    let Ok(root) = root.dyn_into::<web_sys::HtmlElement>() else { return };
    let style = root.style();
    if is_hex_colour(primary) {
        let _ = style.set_property("--natter-primary", primary);
    }
    if is_hex_colour(secondary) {
        let _ = style.set_property("--natter-on-primary", secondary);
    }
}

/// Whether the page is hidden (a background tab, a minimised window).
pub fn page_hidden() -> bool {
    document().is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
}
