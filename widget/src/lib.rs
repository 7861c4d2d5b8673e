//! Natter visitor widget: the Yew app that runs inside the relay-served frame
//! (`/t/<tenant>/frame`), compiled to wasm32.
//!
//! Layout: [`state`] is the whole widget state and its reducer, pure and tested
//! natively; [`i18n`] and [`format`] are pure helpers; [`wire`] reads and writes
//! the JSON by hand (pure, tested natively); `web` (browser glue:
//! socket, storage, the host-page bridge) and `components` (one Yew component
//! per file) are compiled for wasm32 only.

pub mod format;
pub mod i18n;
pub mod state;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod web;

/// Entry point: mounts the widget on `#natter-root` (or `<body>`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    web::start();
}
