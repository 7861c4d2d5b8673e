//! The "reconnecting…" banner shown while the agent socket is down.

use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;
use crate::state::Conn;

#[component]
pub fn ReconnectBanner() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    if !store.conn.reconnecting() {
        return html! { <div role="status" aria-live="polite"></div> };
    }
    let secs = match store.conn {
        Conn::Retrying { at, .. } => ((at.0 - store.now.0).max(0) + 999) / 1000,
        _ => 0,
    };
    html! {
        <div role="status" aria-live="polite">
            <div class="banner" id="reconnecting">
                <strong>{ s.reconnecting }</strong>
                <span aria-hidden="true">{ fill(s.reconnecting_in, &[&secs.to_string()]) }</span>
            </div>
        </div>
    }
}
