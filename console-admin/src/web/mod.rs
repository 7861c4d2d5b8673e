//! Browser glue of the admin module (wasm32 only): its entry points, its effect
//! runner and its events to the inbox; HTTP calls, JSON and DOM helpers are the
//! kit's, re-exported here.

pub mod events;
pub mod mount;
pub mod runner;

pub use natter_console_kit::web::{api, canned, dom, json, runtime, workspace_api};
