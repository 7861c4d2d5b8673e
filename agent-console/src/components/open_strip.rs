//! The strip of open conversations above the conversation view: switch with a
//! click or Alt+1…9, close with ×.

use yew::prelude::*;

use super::use_store;
use crate::format;
use crate::i18n::fill;
use crate::state::Action;

#[component]
pub fn OpenStrip() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    if store.open.is_empty() {
        return html! {};
    }
    let items = store.open.iter().enumerate().filter_map(|(n, &id)| {
        let c = store.conv(id)?;
        let label = format::label(s, &c.label());
        let current = store.focused == Some(id);
        let unread = c.unread();
        let select = {
            let store = store.clone();
            Callback::from(move |_: MouseEvent| store.dispatch(Action::Open(id)))
        };
        let close = {
            let store = store.clone();
            Callback::from(move |_: MouseEvent| store.dispatch(Action::CloseView(id)))
        };
        let shortcut = (n < 9).then(|| format!("Alt+{}", n + 1));
        Some(html! {
            <li key={id.0} class={classes!("tab", current.then_some("current"))}>
                <button type="button" onclick={select} aria-current={ current.then_some("true") }
                    aria-keyshortcuts={shortcut}>
                    { label.clone() }
                    if unread > 0 && !current { { " " }<span class="badge hot">{ unread }</span> }
                </button>
                <button type="button" class="x" onclick={close} aria-label={ fill(s.close_tab, &[&label]) }>{ "×" }</button>
            </li>
        })
    });
    html! {
        <nav aria-label={ s.open_conversations }>
            <ul class="strip" style="list-style:none;margin:0">{ for items }</ul>
        </nav>
    }
}
