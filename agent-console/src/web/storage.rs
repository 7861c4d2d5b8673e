//! localStorage: the session (kept across reloads), last activity (so a reload
//! after the idle timeout does not resume), settings, and per-agent drafts and
//! unacknowledged messages.

use std::collections::BTreeMap;

use natter_protocol::{ConversationId, TenantId, UnixMillis};
use serde::{Deserialize, Serialize};

use super::json;
use crate::state::outbox::Outbox;
use crate::state::{Owner, Session, Settings};

const SESSION: &str = "natter.console.session";
const ACTIVITY: &str = "natter.console.activity";
const SETTINGS: &str = "natter.console.settings";
const TENANT: &str = "natter.console.tenant";

fn drafts_key(owner: &Owner) -> String {
    format!("natter.console.drafts.{}.{}", owner.tenant.as_str(), owner.agent.0)
}

/// Drafts as stored: a list of pairs (JSON object keys would have to be strings).
#[derive(Debug, Default, Serialize, Deserialize)]
struct SavedDrafts {
    drafts: Vec<(ConversationId, String)>,
    outbox: Outbox,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn get<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    json::from_str(&storage()?.get_item(key).ok()??)
}

fn set<T: Serialize>(key: &str, value: &T) {
    if let (Some(s), Some(text)) = (storage(), json::to_string(value)) {
        // A full or disabled storage only costs persistence across reloads.
        let _ = s.set_item(key, &text);
    }
}

fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

pub fn load_session() -> Option<Session> {
    get(SESSION)
}

pub fn save_session(session: Option<&Session>) {
    match session {
        Some(s) => {
            set(SESSION, s);
            set(TENANT, &s.tenant);
        }
        None => {
            remove(SESSION);
            remove(ACTIVITY);
        }
    }
}

pub fn last_tenant() -> Option<TenantId> {
    get(TENANT)
}

pub fn load_activity() -> Option<UnixMillis> {
    get(ACTIVITY)
}

pub fn save_activity(at: UnixMillis) {
    set(ACTIVITY, &at);
}

pub fn load_settings() -> Option<Settings> {
    get(SETTINGS)
}

pub fn save_settings(settings: &Settings) {
    set(SETTINGS, settings);
}

pub fn load_drafts(owner: &Owner) -> (BTreeMap<ConversationId, String>, Outbox) {
    let saved: SavedDrafts = get(&drafts_key(owner)).unwrap_or_default();
    (saved.drafts.into_iter().collect(), saved.outbox)
}

pub fn save_drafts(owner: &Owner, drafts: &BTreeMap<ConversationId, String>, outbox: &Outbox) {
    if drafts.is_empty() && outbox.is_empty() {
        remove(&drafts_key(owner));
        return;
    }
    let saved = SavedDrafts { drafts: drafts.iter().map(|(k, v)| (*k, v.clone())).collect(), outbox: outbox.clone() };
    set(&drafts_key(owner), &saved);
}

pub fn clear_drafts(owner: &Owner) {
    remove(&drafts_key(owner));
}
