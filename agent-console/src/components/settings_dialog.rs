//! Notification settings (sound on/off, volume, browser notifications),
//! remembered in localStorage, and the agent's own email notifications, kept
//! by the relay (`/v1/agent/me/email`). (The language is the top bar's one switch.)

use web_sys::{HtmlInputElement, NotificationPermission};
use yew::prelude::*;

use super::modal::Modal;
use super::use_store;
use crate::state::Action;
use crate::web::desktop;
use natter_browser::audio;
use natter_console_kit::web::workspace_api;
use natter_protocol::AgentEmailPrefs;

/// Asks the relay for the agent's email switches (`next`: stores those first)
/// and shows what it answers; a failure keeps what is shown. One future type
/// for loading and saving: this dialog is in the first load.
fn sync_prefs(shown: UseStateHandle<Option<AgentEmailPrefs>>, token: String, next: Option<AgentEmailPrefs>) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(stored) = workspace_api::my_email_prefs(token, next).await {
            shown.set(Some(stored));
        }
    });
}

#[component]
pub fn SettingsDialog() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let settings = store.settings;
    let permission = use_state(desktop::permission);
    let update = |f: fn(&mut crate::state::Settings, &Event)| {
        let store = store.clone();
        Callback::from(move |e: Event| {
            let mut next = store.settings;
            f(&mut next, &e);
            store.dispatch(Action::SetSettings(next));
        })
    };
    let on_sound = update(|st, e| st.notify.sound = e.target_unchecked_into::<HtmlInputElement>().checked());
    let on_desktop = update(|st, e| st.notify.desktop = e.target_unchecked_into::<HtmlInputElement>().checked());
    let on_volume = update(|st, e| {
        st.notify.volume = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(st.notify.volume);
    });
    let ask = {
        let permission = permission.clone();
        Callback::from(move |_: MouseEvent| {
            let permission = permission.clone();
            desktop::request_permission(move || permission.set(desktop::permission()));
        })
    };
    let volume = settings.notify.volume;
    let test = Callback::from(move |_: MouseEvent| audio::chime(f32::from(volume) / 100.0));
    let close = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowDialog(None)))
    };
    // The agent's email switches, kept by the relay: hidden until loaded.
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let email = use_state(|| None::<AgentEmailPrefs>);
    {
        let (email, token) = (email.clone(), token.clone());
        use_effect_with((), move |_| sync_prefs(email, token, None));
    }
    let on_email = {
        let email = email.clone();
        Callback::from(move |e: Event| {
            let Some(mut next) = *email else { return };
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let on = input.checked();
            match input.id().as_str() {
                "me-email-offline" => next.offline_message = on,
                "me-email-missed" => next.missed_chat = on,
                _ => next.daily_digest = on,
            }
            sync_prefs(email.clone(), token.clone(), Some(next));
        })
    };
    html! {
        <Modal id="settings-dialog" title={ s.settings_title }>
            <label class="check">
                <input type="checkbox" checked={settings.notify.sound} onchange={on_sound} />
                { s.set_sound }
            </label>
            <div class="field">
                <label for="volume">{ s.set_volume }</label>
                <input id="volume" type="range" min="0" max="100" step="5" value={volume.to_string()}
                    disabled={!settings.notify.sound} onchange={on_volume} />
            </div>
            <button type="button" onclick={test} disabled={!settings.notify.sound}>{ s.test_sound }</button>
            <label class="check">
                <input type="checkbox" checked={settings.notify.desktop} onchange={on_desktop} />
                { s.set_desktop }
            </label>
            {
                match *permission {
                    Some(NotificationPermission::Default) => html! {
                        <button type="button" onclick={ask}>{ s.allow_notifications }</button>
                    },
                    Some(NotificationPermission::Denied) => html! { <p>{ s.notifications_blocked }</p> },
                    _ => html! {},
                }
            }
            if let Some(p) = *email {
                <fieldset class="me-email">
                    <legend>{ s.me_email }</legend>
                    { for [
                        ("me-email-offline", s.me_email_offline, p.offline_message),
                        ("me-email-missed", s.me_email_missed, p.missed_chat),
                        ("me-email-digest", s.me_email_digest, p.daily_digest),
                    ].into_iter().map(|(id, label, checked)| html! {
                        <label class="check"><input {id} type="checkbox" {checked} onchange={on_email.clone()} />{ label }</label>
                    }) }
                </fieldset>
            }
            <div class="actions">
                <button type="button" onclick={close}>{ s.close }</button>
            </div>
        </Modal>
    }
}
