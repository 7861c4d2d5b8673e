//! Page-wide listeners: keyboard shortcuts, activity (for the idle timer, and to
//! unlock audio), window focus, files dropped beside the composer, and the
//! one-second clock tick.

use std::cell::Cell;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::KeyboardEvent;

use natter_browser::audio;

use super::{desktop, dom, runtime};
use crate::state::Action;
use crate::state::shortcuts;

/// Activity is reported at most this often.
const ACTIVITY_EVERY_MS: i64 = 5_000;

thread_local! {
    static LAST_ACTIVITY: Cell<i64> = const { Cell::new(0) };
}

fn activity() {
    let now = dom::now();
    let last = LAST_ACTIVITY.with(Cell::get);
    if now.0 - last >= ACTIVITY_EVERY_MS {
        LAST_ACTIVITY.with(|l| l.set(now.0));
        runtime::dispatch(Action::Activity { now });
    }
}

fn in_text_field() -> bool {
    dom::document()
        .and_then(|d| d.active_element())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

fn listen<E: wasm_bindgen::convert::FromWasmAbi + 'static>(
    target: &web_sys::EventTarget,
    event: &str,
    f: impl FnMut(E) + 'static,
) {
    let cb = Closure::<dyn FnMut(E)>::new(f);
    let _ = target.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
    // These listeners live as long as the page.
    cb.forget();
}

/// Installs everything (once, when the app mounts).
pub fn install() {
    let Some(window) = dom::window() else { return };
    let target: &web_sys::EventTarget = window.as_ref();

    listen(target, "keydown", |e: KeyboardEvent| {
        audio::unlock();
        activity();
        if e.is_composing() {
            return;
        }
        let typing = in_text_field();
        if let Some(s) = shortcuts::from_key(&e.code(), &e.key(), e.alt_key(), e.ctrl_key(), e.meta_key(), typing) {
            if s != shortcuts::Shortcut::Escape {
                e.prevent_default();
            }
            runtime::dispatch(Action::Shortcut(s));
        }
    });
    for name in ["mousedown", "touchstart"] {
        listen(target, name, |_: web_sys::Event| {
            audio::unlock();
            activity();
        });
    }
    // A file dropped outside a composer would otherwise replace the console
    // with the file; the composer takes drops before this runs.
    for name in ["dragover", "drop"] {
        listen(target, name, |e: web_sys::Event| e.prevent_default());
    }
    for name in ["mousemove", "wheel", "scroll"] {
        listen(target, name, |_: web_sys::Event| activity());
    }
    listen(target, "focus", |_: web_sys::Event| {
        desktop::close();
        LAST_ACTIVITY.with(|l| l.set(0));
        runtime::dispatch(Action::WindowFocus { focused: true, now: dom::now() });
    });
    listen(target, "blur", |_: web_sys::Event| {
        runtime::dispatch(Action::WindowFocus { focused: false, now: dom::now() });
    });

    let tick = Closure::<dyn FnMut()>::new(|| runtime::dispatch(Action::Tick { now: dom::now() }));
    let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000);
    tick.forget();
}
