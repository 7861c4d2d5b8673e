//! Natter agent console: the Yew app agents work the queue in, compiled to wasm32
//! and served by the relay at `/console`.
//!
//! Layout: the state, words and formatting are `natter-console-kit`'s (shared
//! with the admin screens, `console-admin/`, a second wasm module this one loads
//! the first time one is opened), re-exported here under their old paths;
//! [`ua`] is a pure helper; `web` (browser glue: socket, storage, sound,
//! notifications, loading the admin module) and `components` (one Yew component
//! per file) are compiled for wasm32 only.

pub use natter_console_kit::{format, i18n, state};
pub mod ua;

#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod web;

/// Entry point: mounts the console on `<body>` (or `#natter-console` if present).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    web::start();
}
