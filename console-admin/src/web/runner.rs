//! Carries out the admin store's effects: the settings page's loads and saves
//! and the canned responses calls. The socket, storage, sounds and focus are
//! the inbox's: its own store does them, so they are ignored here.

use super::{api, canned, runtime};
use crate::state::{Action, Effect, Store};

/// Registered with the kit's runtime; runs after the reducer returns.
pub fn run(effects: Vec<Effect>, _store: &Store) {
    for effect in effects {
        match effect {
            Effect::LoadAdmin { token } => wasm_bindgen_futures::spawn_local(async move {
                runtime::dispatch(Action::Admin(api::load_admin(token).await));
            }),
            Effect::SaveAdmin { token, save } => wasm_bindgen_futures::spawn_local(async move {
                runtime::dispatch(Action::Admin(api::save_admin(token, *save).await));
            }),
            Effect::Canned { token, call } => canned::run(token, call),
            _ => {}
        }
    }
}
