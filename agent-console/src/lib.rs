//! Natter agent console: the Yew app agents work the queue in, compiled to wasm32
//! and served by the relay at `/console`.
//!
//! Layout: [`state`] is the whole console state and its reducer, pure and tested
//! natively; [`i18n`], [`format`] and [`ua`] are pure helpers; `web` (browser glue:
//! socket, storage, sound, notifications) and `components` (one Yew component per
//! file) are compiled for wasm32 only.

pub mod format;
pub mod i18n;
pub mod state;
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
