//! The postMessage bridge to the loader (`embed.js`) on the host page. The frame
//! URL names the host page's origin (`?origin=`); the relay only lets tenants'
//! allowed origins frame it (CSP `frame-ancestors`). Messages are accepted only
//! from the parent window at that origin, and sent only to that origin.

use std::cell::RefCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;

use super::{dom, runtime};
use crate::state::{Action, Identity, ToHost};

thread_local! {
    static HOST_ORIGIN: RefCell<Option<String>> = const { RefCell::new(None) };
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

/// Turns a loader message into an action; `None` for anything unexpected.
fn action(data: &JsValue) -> Option<Action> {
    if Reflect::get(data, &JsValue::from_str("natter")).ok()?.as_f64() != Some(1.0) {
        return None;
    }
    match str_field(data, "type")?.as_str() {
        "init" => Some(Action::HostInit {
            page_url: str_field(data, "page_url"),
            referrer: str_field(data, "referrer"),
            locale: str_field(data, "locale"),
            open: bool_field(data, "open"),
        }),
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

/// Starts listening to the loader and tells it the frame is ready.
pub fn install() {
    let Some(origin) = dom::query_param("origin").filter(|o| valid_origin(o)) else {
        web_sys::console::warn_1(&"natter: frame opened without a host origin; the page bridge is off".into());
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
        if let Some(action) = action(&e.data()) {
            runtime::dispatch(action);
        }
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
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

/// Sends a store message to the loader.
pub fn send(msg: &ToHost) {
    match msg {
        ToHost::Unread(n) => post("unread", &[("count", JsValue::from_f64(f64::from(*n)))]),
        ToHost::Active(a) => post("active", &[("active", JsValue::from_bool(*a))]),
        ToHost::Close => post("close", &[]),
    }
}
