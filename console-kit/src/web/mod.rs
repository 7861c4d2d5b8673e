//! Browser glue both modules use (wasm32 only): the relay's HTTP endpoints, JSON
//! through the browser, small DOM helpers, and the store's dispatcher.

pub mod api;
pub mod canned;
pub mod dom;
pub mod json;
pub mod runtime;
pub mod store;
pub mod workspace_api;
