//! The postMessage bridge to the loader (`embed.js`) on the host page. The frame
//! URL names the host page's origin (`?origin=`); the relay only lets tenants'
//! allowed origins frame it (CSP `frame-ancestors`). Messages are accepted only
//! from the parent window at that origin, and sent only to that origin.
//!
//! The loader answers the frame's `ready` with `init`: the page details, the
//! visitor's state it keeps in the shop's first-party storage (see
//! [`super::storage`]) and the widget config it already fetched. The socket waits
//! for that answer, at most [`HOST_WAIT_MS`].

use std::cell::{Cell, RefCell};

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;

use super::{config, dom, runtime, storage};
use crate::state::{Action, HostStored, Identity, ToHost};
use crate::wire::decode;

/// How long the frame waits for the loader's `init` before starting with its own
/// storage (a page that frames the widget without the loader).
const HOST_WAIT_MS: u32 = 3_000;

thread_local! {
    static HOST_ORIGIN: RefCell<Option<String>> = const { RefCell::new(None) };
    static HOST_WAIT: Cell<Option<i32>> = const { Cell::new(None) };
}

/// `scheme://host[:port]` and nothing else.
fn valid_origin(s: &str) -> bool {
    match s.split_once("://") {
        Some((scheme, rest)) => {
            (scheme == "http" || scheme == "https") && !rest.is_empty() && !rest.contains(['/', '?', '#', ' ', '@'])
        }
        None => false,
    }
}

fn host_origin() -> Option<String> {
    HOST_ORIGIN.with(|h| h.borrow().clone())
}

fn parent() -> Option<web_sys::Window> {
    dom::window()?.parent().ok()?
}

fn str_field(data: &JsValue, name: &str) -> Option<String> {
    Reflect::get(data, &JsValue::from_str(name)).ok()?.as_string()
}

fn bool_field(data: &JsValue, name: &str) -> bool {
    Reflect::get(data, &JsValue::from_str(name)).ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// The loader's stored copy: `{token, pending, seen}`, each a string or null.
fn host_stored(data: &JsValue) -> Option<HostStored> {
    let stored = Reflect::get(data, &JsValue::from_str("stored")).ok().filter(JsValue::is_object)?;
    Some(HostStored {
        token: str_field(&stored, "token").filter(|t| !t.is_empty()),
        pending: str_field(&stored, "pending").map(|t| storage::parse_pending(&t)),
        seen: str_field(&stored, "seen").and_then(|t| storage::parse_seen(&t)),
        muted: str_field(&stored, "muted").map(|m| m == "1"),
    })
}

/// `init` from the loader: the config first (so the screen is right when the panel
/// opens), then the page details and stored state, which open the socket.
fn host_init(data: &JsValue) {
    if let Some(t) = HOST_WAIT.with(Cell::take) {
        dom::clear_timeout(t);
    }
    let handed = Reflect::get(data, &JsValue::from_str("config")).ok().and_then(|c| decode::widget_config(&c));
    match handed {
        Some(config) => runtime::dispatch(Action::Config(config)),
        None => fetch_config(),
    }
    runtime::dispatch(Action::HostInit {
        page_url: str_field(data, "page_url"),
        referrer: str_field(data, "referrer"),
        locale: str_field(data, "locale"),
        open: bool_field(data, "open"),
        stored: host_stored(data),
    });
}

fn fetch_config() {
    if let Some(t) = dom::tenant() {
        wasm_bindgen_futures::spawn_local(config::load(t));
    }
}

/// The `type` of a loader message; `None` if it is not one.
fn kind(data: &JsValue) -> Option<String> {
    if Reflect::get(data, &JsValue::from_str("natter")).ok()?.as_f64() != Some(1.0) {
        return None;
    }
    str_field(data, "type")
}

/// Turns a loader message other than `init` into an action; `None` for anything unexpected.
fn action(kind: &str, data: &JsValue) -> Option<Action> {
    match kind {
        "open" => Some(Action::HostOpen(bool_field(data, "open"))),
        "locale" => str_field(data, "locale").map(Action::HostLocale),
        "identify" => {
            let user_id = str_field(data, "id")?;
            let hash = str_field(data, "hash")?;
            Some(Action::HostIdentify(Identity {
                user_id,
                hash,
                name: str_field(data, "name"),
                email: str_field(data, "email"),
            }))
        }
        _ => None,
    }
}

/// Whether the frame was opened by a loader (its URL names the host origin).
pub fn has_host() -> bool {
    dom::query_param("origin").is_some_and(|o| valid_origin(&o))
}

/// Starts listening to the loader and tells it the frame is ready. Without a host
/// origin, fetches the config itself (the store then never waits for `init`).
pub fn install() {
    let Some(origin) = dom::query_param("origin").filter(|o| valid_origin(o)) else {
        web_sys::console::warn_1(&"natter: frame opened without a host origin; the page bridge is off".into());
        fetch_config();
        return;
    };
    HOST_ORIGIN.with(|h| *h.borrow_mut() = Some(origin));
    let Some(window) = dom::window() else { return };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| {
        let from_parent = match (e.source(), parent()) {
            (Some(source), Some(parent)) => Object::is(&source, &parent),
            _ => false,
        };
        if !from_parent || Some(e.origin()) != host_origin() {
            return;
        }
        let data = e.data();
        match kind(&data).as_deref() {
            Some("init") => host_init(&data),
            Some(k) => {
                if let Some(action) = action(k, &data) {
                    runtime::dispatch(action);
                }
            }
            None => {}
        }
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
    let silent = dom::set_timeout(HOST_WAIT_MS, || {
        HOST_WAIT.with(|w| w.set(None));
        fetch_config();
        runtime::dispatch(Action::HostSilent);
    });
    HOST_WAIT.with(|w| w.set(silent));
    post("ready", &[]);
}

fn post(kind: &str, fields: &[(&str, JsValue)]) {
    let (Some(origin), Some(parent)) = (host_origin(), parent()) else { return };
    let msg = Object::new();
    let _ = Reflect::set(&msg, &"natter".into(), &JsValue::from_f64(1.0));
    let _ = Reflect::set(&msg, &"type".into(), &kind.into());
    for (k, v) in fields {
        let _ = Reflect::set(&msg, &(*k).into(), v);
    }
    let _ = parent.post_message(&msg, &origin);
}

/// Asks the loader to keep (or, with `None`, forget) `what` for this visitor in
/// the shop page's own storage. Only before the bridge is up is this a no-op.
pub fn store(what: &str, value: Option<&str>) {
    let value = value.map_or(JsValue::NULL, JsValue::from_str);
    post("store", &[("key", what.into()), ("value", value)]);
}

/// Sends a store message to the loader.
pub fn send(msg: &ToHost) {
    match msg {
        ToHost::Unread(n) => post("unread", &[("count", JsValue::from_f64(f64::from(*n)))]),
        ToHost::Active(a) => post("active", &[("active", JsValue::from_bool(*a))]),
        ToHost::Close => post("close", &[]),
    }
}
