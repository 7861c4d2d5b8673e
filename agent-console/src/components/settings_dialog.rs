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

/// The agent's email switches: loaded when the dialog opens, each change saved
/// at once (hidden until loaded, so nothing is shown that is not the relay's).
#[component]
fn EmailPrefs() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let prefs = use_state(|| None::<AgentEmailPrefs>);
    {
        let (prefs, token) = (prefs.clone(), token.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { prefs.set(workspace_api::my_email_prefs(token).await) });
        });
    }
    let Some(current) = *prefs else { return html! {} };
    let switch = |id: &'static str, label: &'static str, on: bool, f: fn(&mut AgentEmailPrefs, bool)| {
        let (prefs, token) = (prefs.clone(), token.clone());
        let onchange = Callback::from(move |e: Event| {
            let mut next = current;
            f(&mut next, e.target_unchecked_into::<HtmlInputElement>().checked());
            let (prefs, token) = (prefs.clone(), token.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(saved) = workspace_api::put_my_email_prefs(token, next).await {
                    prefs.set(Some(saved));
                }
            });
        });
        html! { <label class="check"><input {id} type="checkbox" checked={on} {onchange} />{ label }</label> }
    };
    html! {
        <fieldset class="me-email">
            <legend>{ s.me_email }</legend>
            { switch("me-email-offline", s.me_email_offline, current.offline_message, |p, v| p.offline_message = v) }
            { switch("me-email-missed", s.me_email_missed, current.missed_chat, |p, v| p.missed_chat = v) }
            { switch("me-email-digest", s.me_email_digest, current.daily_digest, |p, v| p.daily_digest = v) }
        </fieldset>
    }
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
            <EmailPrefs />
            <div class="actions">
                <button type="button" onclick={close}>{ s.close }</button>
            </div>
        </Modal>
    }
}
