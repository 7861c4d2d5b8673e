//! What the agent console's two wasm modules share: the inbox (`agent-console/`,
//! loaded first) and the admin screens (`console-admin/`, loaded the first time
//! one is opened).
//!
//! Layout: [`state`] is the whole console state and its reducer, pure and tested
//! natively (each module runs its own store of it); [`i18n`] and [`format`] are
//! pure helpers; [`bridge`] is what crosses between the two modules. `web` (HTTP
//! calls, JSON, the store's dispatcher) and `components` (form bits, the modal,
//! the store's context) are compiled for wasm32 only.

pub mod bridge;
pub mod format;
pub mod i18n;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod web;
