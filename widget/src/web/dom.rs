//! Small browser helpers: clock, ids, focus, timers, language and theme.

use natter_protocol::{ClientMsgId, TenantId, UnixMillis};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn document() -> Option<web_sys::Document> {
    window()?.document()
}

pub fn now() -> UnixMillis {
    UnixMillis(js_sys::Date::now() as i64)
}

/// Minutes east of UTC for the visitor's local time.
pub fn tz_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// The tenant this frame serves, from its path `/t/<tenant>/frame`.
pub fn tenant() -> Option<TenantId> {
    let path = window()?.location().pathname().ok()?;
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("t"), Some(t)) => TenantId::parse(t).ok(),
        _ => None,
    }
}

/// A query-string parameter of the frame URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// 16 random base64url characters (96 bits).
pub fn random_id() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = [0u8; 16];
    let filled =
        window().and_then(|w| w.crypto().ok()).is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| ALPHABET[usize::from(b & 63)] as char).collect()
}

/// A fresh message id.
pub fn client_id() -> ClientMsgId {
    // 17 characters of base64url always parse.
    ClientMsgId::parse(String::from("w") + &random_id()).unwrap_or_else(|_| ClientMsgId::parse("w").expect("valid id"))
}

/// 0..=1000, for reconnect jitter.
pub fn jitter() -> u16 {
    (js_sys::Math::random() * 1000.0) as u16
}

/// Runs `f` after `ms` milliseconds; returns the timer id.
pub fn set_timeout(ms: u32, f: impl FnOnce() + 'static) -> Option<i32> {
    let cb = Closure::once_into_js(f);
    window()?.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms as i32).ok()
}

pub fn clear_timeout(id: i32) {
    if let Some(w) = window() {
        w.clear_timeout_with_handle(id);
    }
}

/// Moves keyboard focus to the element with this id (after the next paint, so a
/// just-rendered element exists).
pub fn focus_id(id: &'static str) {
    set_timeout(0, move || {
        if let Some(el) = document().and_then(|d| d.get_element_by_id(id))
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
}

/// The browser's preferred language tag.
pub fn browser_language() -> String {
    window().and_then(|w| w.navigator().language()).unwrap_or_default()
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
