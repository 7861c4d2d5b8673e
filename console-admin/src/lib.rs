//! The agent console's admin screens — the workspace settings page with its team
//! and tags sections, the canned responses management screen, and Analytics
//! (`analytics/`: KPIs, charts, scorecards, ratings, exports) — as a second
//! wasm module, loaded by the inbox (`agent-console/`) the first time one of them
//! is opened, so the inbox's first load does not carry them.
//!
//! The inbox calls [`mount`] with an element of its page and [`AdminProps`] as
//! JSON text, then `update` and `unmount` on the returned handle. The screens
//! run their own store (the kit's `Store`, the same reducer as the inbox's),
//! booted from the props; what the inbox must know comes back as
//! `natter-admin` DOM events (`natter_console_kit::bridge`).
//!
//! [`AdminProps`]: natter_console_kit::bridge::AdminProps

pub use natter_console_kit::{format, i18n, state};

#[cfg(target_arch = "wasm32")]
mod analytics;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::mount::{AdminHandle, mount};
