//! The widget's Yew components, one per file. State comes from one store shared
//! through a context ([`Ctx`]); components send [`crate::state::Action`]s to it.

pub mod app;
pub mod attachments;
pub mod chat;
pub mod composer;
pub mod ended_notice;
pub mod header;
pub mod lightbox;
pub mod message_item;
pub mod message_list;
pub mod offline_form;
pub mod pending_item;
pub mod prechat_form;
pub mod queue_notice;
pub mod status_banner;
pub mod survey;
pub mod transcript;
pub mod tray;
pub mod typing_indicator;

use yew::prelude::*;

use crate::state::Store;

/// The store handle every component reads and dispatches through.
pub type Ctx = UseReducerHandle<Store>;

/// The store from context.
#[hook]
pub fn use_store() -> Ctx {
    use_context::<Ctx>().expect("the App provides the store context")
}
