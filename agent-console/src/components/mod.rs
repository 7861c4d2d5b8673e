//! The inbox's Yew components, one per file (the admin screens are in
//! `console-admin/`, shown through [`admin_host`]). State comes from one store
//! shared through a context ([`Ctx`]); components send [`crate::state::Action`]s to it.

pub mod admin_host;
pub mod app;
pub mod assigned_banner;
pub mod assignment_history;
pub mod attachment_view;
pub mod canned_picker;
pub mod composer;
pub mod confirm_close;
pub mod console;
pub mod conversation;
pub mod conversation_header;
pub mod earlier_list;
pub mod files_list;
pub mod help_overlay;
pub mod idle_warning;
pub mod inbox;
pub mod inbox_row;
pub mod join;
pub mod lightbox;
pub mod message_item;
pub mod message_list;
pub mod note_composer;
pub mod note_item;
pub mod notices;
pub mod open_strip;
pub mod pending_item;
pub mod quick_chips;
pub mod reconnect_banner;
pub mod settings_dialog;
pub mod sign_in;
pub mod status_picker;
pub mod tag_bar;
pub mod team_panel;
pub mod top_bar;
pub mod transfer_dialog;
pub mod upload_tray;

pub use natter_console_kit::components::{Ctx, form_bits, modal, use_store};
