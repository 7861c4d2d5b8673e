//! Browser glue shared by the visitor widget and the agent console: the one
//! WebSocket of a page (`socket`), small DOM and clock helpers (`dom`), the
//! notification chime (`audio`), and the reconnect backoff both clients use
//! (`backoff`, pure and tested natively).

#[cfg(target_arch = "wasm32")]
pub mod audio;
pub mod backoff;
#[cfg(target_arch = "wasm32")]
pub mod dom;
#[cfg(target_arch = "wasm32")]
pub mod socket;
