//! Components and hooks both modules use: the store's context, form bits and the
//! modal dialog.

pub mod form_bits;
pub mod modal;

use yew::prelude::*;

use crate::state::Store;

/// The store handle every component reads and dispatches through.
pub type Ctx = UseReducerHandle<Store>;

/// The store from context.
#[hook]
pub fn use_store() -> Ctx {
    use_context::<Ctx>().expect("the App provides the store context")
}
