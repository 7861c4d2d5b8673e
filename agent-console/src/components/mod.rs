//! The console's Yew components, one per file. State comes from one store shared
//! through a context ([`Ctx`]); components send [`crate::state::Action`]s to it.

pub mod admin_page;
pub mod agents_form;
pub mod app;
pub mod assigned_banner;
pub mod assignment_history;
pub mod attachment_view;
pub mod canned_csv;
pub mod canned_form;
pub mod canned_page;
pub mod canned_picker;
pub mod composer;
pub mod confirm_close;
pub mod console;
pub mod conversation;
pub mod conversation_header;
pub mod earlier_list;
pub mod files_form;
pub mod files_list;
pub mod form_bits;
pub mod help_overlay;
pub mod hours_form;
pub mod identity_section;
pub mod idle_warning;
pub mod inbox;
pub mod inbox_row;
pub mod install_section;
pub mod join;
pub mod lightbox;
pub mod message_item;
pub mod message_list;
pub mod modal;
pub mod note_composer;
pub mod note_item;
pub mod notices;
pub mod open_strip;
pub mod pending_item;
pub mod prechat_editor;
pub mod quick_chips;
pub mod reconnect_banner;
pub mod routing_form;
pub mod settings_dialog;
pub mod sign_in;
pub mod status_picker;
pub mod tag_bar;
pub mod tags_section;
pub mod team_panel;
pub mod team_section;
pub mod top_bar;
pub mod transfer_dialog;
pub mod upload_tray;
pub mod widget_form;
pub mod widget_preview;

use yew::prelude::*;

use crate::state::Store;

/// The store handle every component reads and dispatches through.
pub type Ctx = UseReducerHandle<Store>;

/// The store from context.
#[hook]
pub fn use_store() -> Ctx {
    use_context::<Ctx>().expect("the App provides the store context")
}
