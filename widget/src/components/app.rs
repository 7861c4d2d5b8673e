//! The root component: owns the store, boots it from storage, starts the
//! bridge to the loader, the config fetch and the one-second clock, and lays out
//! the panel: header, status banner, then the screen the store asks for.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use super::Ctx;
use super::chat::Chat;
use super::header::Header;
use super::lightbox::lightbox;
use super::offline_form::OfflineForm;
use super::prechat_form::PrechatForm;
use super::status_banner::StatusBanner;
use crate::i18n::Locale;
use crate::state::{Action, Screen, Store};
use crate::web::{bridge, dom, runtime, storage};

fn boot() -> Action {
    let tenant = dom::tenant();
    Action::Boot {
        await_host: bridge::has_host(),
        token: tenant.as_ref().and_then(storage::load_token),
        pending: tenant.as_ref().map(storage::load_pending).unwrap_or_default(),
        seen: tenant.as_ref().and_then(storage::load_seen),
        browser_locale: Locale::parse(&dom::browser_language()),
        tz_min: dom::tz_offset_min(),
        muted: tenant.as_ref().is_some_and(storage::load_muted),
        tenant,
    }
}

fn install_listeners() {
    let Some(window) = dom::window() else { return };
    let tick = Closure::<dyn FnMut()>::new(|| runtime::dispatch(Action::Tick { now: dom::now() }));
    let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000);
    tick.forget();
    // The network is back: do not wait for the backoff timer.
    let online = Closure::<dyn FnMut()>::new(|| runtime::dispatch(Action::RetryNow));
    let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    online.forget();
    // Escape closes the panel (focus returns to the bubble on the host page).
    let escape = Closure::<dyn FnMut(KeyboardEvent)>::new(|e: KeyboardEvent| {
        if e.key() == "Escape" && !e.is_composing() {
            runtime::dispatch(Action::ClosePanel);
        }
    });
    let _ = window.add_event_listener_with_callback("keydown", escape.as_ref().unchecked_ref());
    escape.forget();
    // A chime needs an audio context started by a gesture inside this frame.
    let unlock = Closure::<dyn FnMut()>::new(natter_browser::audio::unlock);
    for ev in ["pointerdown", "keydown"] {
        let _ = window.add_event_listener_with_callback(ev, unlock.as_ref().unchecked_ref());
    }
    unlock.forget();
    // The chime also plays for an open panel in a background tab.
    let visibility = Closure::<dyn FnMut()>::new(|| runtime::dispatch(Action::PageHidden(dom::page_hidden())));
    if let Some(doc) = window.document() {
        let _ = doc.add_event_listener_with_callback("visibilitychange", visibility.as_ref().unchecked_ref());
    }
    visibility.forget();
}

#[component]
pub fn App() -> Html {
    let store = use_reducer(Store::default);
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| {
            runtime::install(Callback::from(move |a| dispatcher.dispatch(a)));
            runtime::dispatch(boot());
            // Also fetches the config, unless the loader hands it over.
            bridge::install();
            install_listeners();
        });
    }
    let s = store.locale().strings();
    let body = match store.screen() {
        Screen::Prechat => html! { <PrechatForm /> },
        Screen::Offline => html! { <OfflineForm /> },
        Screen::Chat => html! { <Chat /> },
    };
    html! {
        <ContextProvider<Ctx> context={store.clone()}>
            <section class="panel" aria-label={ s.chat_window }>
                <Header />
                <StatusBanner />
                { body }
                { lightbox(&store, s) }
            </section>
        </ContextProvider<Ctx>>
    }
}
