//! The bar across the top: name, connection state, the agent's own status, who
//! is signed in, workspace settings (admins), analytics ("My stats" for plain
//! agents), the language switch, notification
//! settings, shortcuts help and sign-out. One line on a laptop (the name gives
//! way first); on a phone it wraps and drops what a phone does not need.

use yew::prelude::*;

use super::status_picker::StatusPicker;
use super::use_store;
use crate::i18n::{Locale, fill};
use crate::state::{Action, Conn, Dialog, View};

#[component]
pub fn TopBar() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let (online, conn_text) = match store.conn {
        Conn::Online => (true, s.status_online),
        Conn::Connecting { attempt: 0 } => (false, s.status_connecting),
        _ => (false, s.reconnecting),
    };
    let name = store.me().map(|a| a.name.clone()).unwrap_or_default();
    let toggle_locale = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            let mut settings = store.settings;
            settings.locale = if settings.locale == Locale::En { Locale::Th } else { Locale::En };
            store.dispatch(Action::SetSettings(settings));
        })
    };
    let show = |d: Dialog| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowDialog(Some(d))))
    };
    let admin_view = store.view == View::Admin;
    let switch_view = {
        let store = store.clone();
        let next = if admin_view { View::Inbox } else { View::Admin };
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowView(next)))
    };
    let canned_view = store.view == View::Canned;
    let switch_canned = {
        let store = store.clone();
        let next = if canned_view { View::Inbox } else { View::Canned };
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowView(next)))
    };
    let analytics_view = store.view == View::Analytics;
    let switch_analytics = {
        let store = store.clone();
        let next = if analytics_view { View::Inbox } else { View::Analytics };
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowView(next)))
    };
    let analytics_label = match (analytics_view, store.is_admin()) {
        (true, _) => s.back_to_inbox,
        (false, true) => s.analytics,
        (false, false) => s.my_stats,
    };
    let logout = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Logout))
    };
    html! {
        <header class="topbar">
            <h1 class="brand">{ s.app_name }</h1>
            <span class="conn" id="conn-state">
                <span class={classes!("dot", online.then_some("on"))} aria-hidden="true"></span>
                { conn_text }
            </span>
            <StatusPicker />
            <span class="spacer"></span>
            // The name alone fits a laptop's bar; the full sentence is its tooltip.
            <span class="me" title={ fill(s.signed_in_as, &[&name]) }>{ name.clone() }</span>
            if store.is_admin() {
                <button type="button" id="view-switch" onclick={switch_view}>
                    { if admin_view { s.back_to_inbox } else { s.admin_settings } }
                </button>
            }
            <button type="button" id="analytics-switch" onclick={switch_analytics}>{ analytics_label }</button>
            <button type="button" id="canned-switch" onclick={switch_canned}>
                { if canned_view { s.back_to_inbox } else { s.canned.title } }
            </button>
            <button type="button" class="link" onclick={toggle_locale}
                lang={ if store.settings.locale == Locale::En { "th" } else { "en" } }
                aria-label={ format!("{}: {}", s.language, s.other_language) }>
                { s.other_language }
            </button>
            <button type="button" onclick={show(Dialog::Settings)}>{ s.settings }</button>
            <button type="button" class="keys-help" onclick={show(Dialog::Help)} aria-keyshortcuts="Shift+?"
                aria-label={ s.shortcuts } title={ s.shortcuts }>{ "?" }</button>
            <button type="button" onclick={logout}>{ s.sign_out }</button>
        </header>
    }
}
