//! The signed-in layout: top bar, banners, inbox on the left, open conversations
//! on the right, notices, and whichever dialog is up. On a phone the columns
//! show one at a time (the store's `pane`, a class here that the CSS reads).
//! The admin screens come from the admin module, through [`AdminHost`].

use natter_console_kit::bridge::Screen;
use yew::prelude::*;

use super::admin_host::AdminHost;
use super::assigned_banner::AssignedBanner;
use super::confirm_close::ConfirmClose;
use super::conversation::ConversationView;
use super::help_overlay::HelpOverlay;
use super::idle_warning::IdleWarning;
use super::inbox::Inbox;
use super::lightbox::Lightbox;
use super::notices::Notices;
use super::open_strip::OpenStrip;
use super::reconnect_banner::ReconnectBanner;
use super::settings_dialog::SettingsDialog;
use super::top_bar::TopBar;
use super::transfer_dialog::TransferDialog;
use super::use_store;
use crate::state::{Dialog, Pane, View};

#[component]
pub fn Console() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let dialog = match store.dialog {
        Some(Dialog::Help) => html! { <HelpOverlay /> },
        Some(Dialog::Settings) => html! { <SettingsDialog /> },
        Some(Dialog::Transfer(id)) => html! { <TransferDialog {id} /> },
        Some(Dialog::ConfirmClose(id)) => html! { <ConfirmClose {id} /> },
        Some(Dialog::Lightbox { conversation, seq, index }) => html! { <Lightbox {conversation} {seq} {index} /> },
        None => html! {},
    };
    html! {
        <div class="app">
            if store.view == View::Inbox { <a class="skip" href="#inbox-tabs">{ s.skip_to_inbox }</a> }
            <TopBar />
            <div>
                <ReconnectBanner />
                <IdleWarning />
                if store.view == View::Inbox { <AssignedBanner /> }
            </div>
            if let Some(screen) = Screen::of(store.view) {
                <AdminHost {screen} />
            } else {
                <div class={classes!("main", match store.pane {
                    Pane::Inbox => "pane-inbox",
                    Pane::Conversation => "pane-conv",
                    Pane::Details => "pane-details",
                })}>
                    <Inbox />
                    <main class="work" aria-label={ s.messages }>
                        <OpenStrip />
                        if let Some(id) = store.focused {
                            <ConversationView key={id.0} {id} />
                        } else {
                            <div class="placeholder"><p>{ s.nothing_open }</p></div>
                        }
                    </main>
                </div>
            }
            <Notices />
            { dialog }
        </div>
    }
}
