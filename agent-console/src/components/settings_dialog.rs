//! Notification settings (sound on/off, volume, browser notifications),
//! remembered in localStorage. (The language is the top bar's one switch.)

use web_sys::{HtmlInputElement, NotificationPermission};
use yew::prelude::*;

use super::modal::Modal;
use super::use_store;
use crate::state::Action;
use crate::web::desktop;
use natter_browser::audio;

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
            <div class="actions">
                <button type="button" onclick={close}>{ s.close }</button>
            </div>
        </Modal>
    }
}
