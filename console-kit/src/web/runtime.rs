//! The store's dispatcher and effect runner, registered by the module that owns
//! the store: components and browser callbacks send actions through
//! [`dispatch`]; the reducer hands the effects to [`schedule`]. Each wasm module
//! has its own copy of this state, so the inbox's store and the admin screens'
//! store never see each other's actions.

use std::cell::{Cell, RefCell};

use yew::Callback;

use crate::state::{Action, Effect, Store};

/// Carries out one action's effects, given the new store.
pub type Runner = fn(Vec<Effect>, &Store);

thread_local! {
    static DISPATCH: RefCell<Option<Callback<Action>>> = const { RefCell::new(None) };
    static RUNNER: Cell<Option<Runner>> = const { Cell::new(None) };
}

/// Registers the store's dispatcher and the module's effect runner (once, when
/// its app mounts).
pub fn install(dispatch: Callback<Action>, runner: Runner) {
    DISPATCH.with(|d| *d.borrow_mut() = Some(dispatch));
    RUNNER.with(|r| r.set(Some(runner)));
}

/// Sends an action to the store from outside a component.
pub fn dispatch(action: Action) {
    let cb = DISPATCH.with(|d| d.borrow().clone());
    if let Some(cb) = cb {
        cb.emit(action);
    }
}

/// Called by the reducer with the effects of one action and the new store.
pub fn schedule(effects: Vec<Effect>, store: &Store) {
    if let Some(run) = RUNNER.with(Cell::get) {
        run(effects, store);
    }
}
