//! Small browser helpers: clock, time zone, randomness, timers, focus, language
//! and the page's query string.

use natter_protocol::UnixMillis;
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

/// Minutes east of UTC of this browser's local time.
pub fn tz_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// 16 random bytes: `crypto.getRandomValues` (which works on plain http too),
/// else `Math.random`.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled =
        window().and_then(|w| w.crypto().ok()).is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
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
pub fn focus_id(id: &str) {
    let id = id.to_owned();
    set_timeout(0, move || {
        if let Some(el) = document().and_then(|d| d.get_element_by_id(&id))
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

/// A query-string parameter of the page URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}
