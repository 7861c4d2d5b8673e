//! The admin screens' Yew components, one per file, moved here from the inbox
//! unchanged: they read the module's own store through the kit's context.

pub mod admin_page;
pub mod agents_form;
pub mod app;
pub mod behaviour_form;
pub mod canned_csv;
pub mod canned_form;
pub mod canned_page;
pub mod csat_form;
pub mod email_section;
pub mod files_form;
pub mod greeting_rule;
pub mod hours_form;
pub mod identity_section;
pub mod install_section;
pub mod local;
pub mod metrics_form;
pub mod pending_invitations;
pub mod prechat_editor;
pub mod routing_form;
pub mod tags_section;
pub mod team_section;
pub mod widget_form;
pub mod widget_preview;
pub mod workspace_section;

pub use natter_console_kit::components::{Ctx, form_bits, modal, use_store};
