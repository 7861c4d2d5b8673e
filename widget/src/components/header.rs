//! The panel header: the shop's title, who the visitor is talking to, "End chat"
//! while a conversation is open, the mute toggle of the new-message chime (when
//! the shop plays sounds), and the close button (which asks the loader to hide
//! the panel).

use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;
use crate::state::Action;

#[component]
pub fn Header() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let config = store.config.as_ref();
    let title = store.header_text().to_owned();
    let subtitle = match store.agent_name() {
        Some(name) => fill(s.with_agent, &[name]),
        None => config.map(|c| c.name.clone()).unwrap_or_default(),
    };
    let avatar = store
        .agent_name()
        .filter(|_| config.is_none_or(|c| c.show_agent_avatars))
        .and_then(|n| n.chars().next())
        // Upper-cased by CSS: `char::to_uppercase` would add Unicode's case tables
        // (~12 KB) to the wasm.
        .map(String::from);
    let end = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::EndChat))
    };
    let close = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ClosePanel))
    };
    let mute = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Mute(!store.muted)))
    };
    html! {
        <header class="head">
            if let Some(a) = avatar { <span class="avatar" aria-hidden="true">{ a }</span> }
            <div class="titles">
                <h1 class="title">{ title }</h1>
                if !subtitle.is_empty() { <p class="subtitle">{ subtitle }</p> }
            </div>
            if store.conversation_open() {
                <button type="button" class="head-btn text" onclick={end}>{ s.end_chat }</button>
            }
            if store.sounds_on() {
                <button type="button" class="head-btn icon" aria-label={ s.mute } title={ s.mute }
                    aria-pressed={ store.muted.to_string() } onclick={mute}>
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                        <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
                        if store.muted {
                            <path d="M16 9l5 6M21 9l-5 6" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                        } else {
                            <path d="M16 8.5a5 5 0 0 1 0 7" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />
                        }
                    </svg>
                </button>
            }
            <button type="button" class="head-btn icon" aria-label={ s.close } title={ s.close } onclick={close}>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                    <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />
                </svg>
            </button>
        </header>
    }
}
