//! localStorage of the frame (the relay's origin, partitioned per shop by the
//! browser): the visitor token, unacknowledged messages, and how far the visitor
//! has read. Keys are per tenant. Storage may be unavailable (private modes):
//! then nothing persists and the widget still works.

use natter_protocol::{ConversationId, Seq, TenantId};

use super::{dom, json};
use crate::state::outbox::Pending;
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

pub fn load_pending(tenant: &TenantId) -> Vec<Pending> {
    get(tenant, "pending").and_then(|t| json::parse(&t)).map(|v| decode::pending(&v)).unwrap_or_default()
}

pub fn save_pending(tenant: &TenantId, pending: &[Pending]) {
    if pending.is_empty() {
        set(tenant, "pending", None);
    } else {
        set(tenant, "pending", Some(&encode::pending(pending)));
    }
}

pub fn load_seen(tenant: &TenantId) -> Option<(ConversationId, Seq)> {
    get(tenant, "seen").and_then(|t| json::parse(&t)).and_then(|v| decode::seen(&v))
}

pub fn save_seen(tenant: &TenantId, seen: Option<(ConversationId, Seq)>) {
    match seen {
        Some((conversation, seq)) => set(tenant, "seen", Some(&encode::seen(conversation, seq))),
        None => set(tenant, "seen", None),
    }
}
