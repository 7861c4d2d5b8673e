//! Small browser helpers: clock, ids, focus, time zone, timers (the shared ones
//! come from `natter_browser::dom`).

pub use natter_browser::dom::{
    browser_language, clear_timeout, document, focus_id, jitter, now, query_param, random_bytes, set_timeout,
    tz_offset_min, window,
};
use natter_protocol::ClientMsgId;

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
