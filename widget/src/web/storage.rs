//! What persists for the visitor: the visitor token, unacknowledged messages and
//! uploaded files not sent yet, how far the visitor has read, and whether they
//! muted the chime. Every write
//! goes to two places: the frame's own localStorage (the relay's origin,
//! partitioned per shop, and blocked outright in a cross-site frame by browsers
//! that restrict third-party storage) and, through the bridge, the loader's
//! first-party localStorage on the shop page, the copy that survives reloads on
//! a real shop. At start the loader hands its copy back
//! ([`crate::state::HostStored`]); the frame's copy is the fallback. Keys are per
//! tenant. When neither storage works, nothing persists and the widget still
//! works for the page's lifetime.

use natter_protocol::{ConversationId, Seq, TenantId};

use super::{bridge, dom, json};
use crate::state::files::Unsent;
use crate::wire::{decode, encode};

fn storage() -> Option<web_sys::Storage> {
    dom::window()?.local_storage().ok()?
}

fn key(tenant: &TenantId, what: &str) -> String {
    String::from("natter:") + tenant.as_str() + ":" + what
}

fn get(tenant: &TenantId, what: &str) -> Option<String> {
    storage()?.get_item(&key(tenant, what)).ok()?
}

fn set(tenant: &TenantId, what: &str, value: Option<&str>) {
    bridge::store(what, value);
    let Some(s) = storage() else { return };
    let k = key(tenant, what);
    let _ = match value {
        Some(v) => s.set_item(&k, v),
        None => s.remove_item(&k),
    };
}

pub fn load_token(tenant: &TenantId) -> Option<String> {
    get(tenant, "token").filter(|t| !t.is_empty())
}

pub fn save_token(tenant: &TenantId, token: Option<&str>) {
    set(tenant, "token", token);
}

pub fn load_pending(tenant: &TenantId) -> Unsent {
    get(tenant, "pending").map(|t| parse_pending(&t)).unwrap_or_default()
}

/// Stored unacknowledged messages and unsent files (JSON text, as written by [`save_pending`]).
pub fn parse_pending(text: &str) -> Unsent {
    json::parse(text).map(|v| decode::unsent(&v)).unwrap_or_default()
}

/// Kept under the key `pending` (the one the loader keeps for the frame), files included.
pub fn save_pending(tenant: &TenantId, unsent: &Unsent) {
    if unsent.messages.is_empty() && unsent.files.is_empty() {
        set(tenant, "pending", None);
    } else {
        set(tenant, "pending", Some(&encode::unsent(unsent)));
    }
}

/// Whether the visitor muted the chime (kept as `muted`: `1`, or absent).
pub fn load_muted(tenant: &TenantId) -> bool {
    get(tenant, "muted").is_some_and(|m| m == "1")
}

pub fn save_muted(tenant: &TenantId, muted: bool) {
    set(tenant, "muted", muted.then_some("1"));
}

pub fn load_seen(tenant: &TenantId) -> Option<(ConversationId, Seq)> {
    get(tenant, "seen").and_then(|t| parse_seen(&t))
}

/// A stored read position (JSON text, as written by [`save_seen`]).
pub fn parse_seen(text: &str) -> Option<(ConversationId, Seq)> {
    json::parse(text).and_then(|v| decode::seen(&v))
}

pub fn save_seen(tenant: &TenantId, seen: Option<(ConversationId, Seq)>) {
    match seen {
        Some((conversation, seq)) => set(tenant, "seen", Some(&encode::seen(conversation, seq))),
        None => set(tenant, "seen", None),
    }
}
