//! Settings page, identity section: the secret a shop's server needs for
//! `Natter.identify` hashes, hidden until asked for, with how to use it; and
//! its rotation (owners and admins), confirmed first with a grace period
//! during which the previous secret still verifies, shown with its end.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::local::{Local, use_screen};
use super::modal::Modal;
use super::use_store;
use crate::format;
use crate::i18n::{WorkspaceStrings, fill};
use crate::state::workspace::{GRACE_CHOICES, IdentityAction, IdentityState};
use crate::web::{dom, workspace_api};

/// "24 hours", "3 days", or "none".
fn grace_label(w: &WorkspaceStrings, hours: u32) -> String {
    match hours {
        0 => w.grace_none.to_owned(),
        h if h >= 48 && h % 24 == 0 => fill(w.grace_days, &[&(h / 24).to_string()]),
        h => fill(w.grace_hours, &[&h.to_string()]),
    }
}

/// The confirmation with the grace period to choose.
fn rotate_dialog(w: &'static WorkspaceStrings, id: &UseReducerHandle<Local<IdentityState>>) -> Html {
    let state = &id.0;
    let on_grace = {
        let id = id.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(h) = v.parse() {
                id.dispatch(IdentityAction::Grace(h));
            }
        })
    };
    let cancel = {
        let id = id.dispatcher();
        Callback::from(move |_: MouseEvent| id.dispatch(IdentityAction::Cancel))
    };
    let confirm = {
        let id = id.dispatcher();
        Callback::from(move |_: MouseEvent| id.dispatch(IdentityAction::Confirm))
    };
    let onkeydown = {
        let id = id.dispatcher();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                id.dispatch(IdentityAction::Cancel);
            }
        })
    };
    html! {
        <div {onkeydown}>
            <Modal id="rotate-confirm" title={ w.rotate_title }>
                <p>{ w.rotate_q }</p>
                <div class="field">
                    <label for="rotate-grace">{ w.grace }</label>
                    <select id="rotate-grace" onchange={on_grace}>
                        { for GRACE_CHOICES.iter().map(|&h| html! {
                            <option value={h.to_string()} selected={h == state.grace_hours}>{ grace_label(w, h) }</option>
                        }) }
                    </select>
                </div>
                if let Some(e) = &state.error { <p class="msg error" role="alert">{ e.clone() }</p> }
                <div class="actions">
                    <button type="button" onclick={cancel}>{ w.cancel }</button>
                    <button type="button" class="danger" id="rotate-confirm-ok" onclick={confirm} disabled={state.busy}>
                        { if state.busy { w.rotating } else { w.rotate } }
                    </button>
                </div>
            </Modal>
        </div>
    }
}

#[component]
pub fn IdentitySection() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let w = store.settings.locale.workspace_strings();
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let id = use_screen::<IdentityState, _, _>(token, workspace_api::identity_command);
    {
        let id = id.dispatcher();
        use_effect_with((), move |_| id.dispatch(IdentityAction::Reload));
    }
    // Shown only on request: screens get shared and recorded.
    let shown = use_state(|| false);
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(!*shown))
    };
    let ask = {
        let id = id.dispatcher();
        Callback::from(move |_: MouseEvent| id.dispatch(IdentityAction::Ask))
    };
    let current = id.0.current.as_ref();
    let secret = current.map_or_else(|| store.admin.identity_secret.clone(), |c| c.secret.clone());
    let until = current
        .and_then(|c| c.previous_expires_at)
        .map(|at| fill(w.previous_until, &[&format::date_time(at, dom::tz_offset_min())]));
    html! {
        <section class="card" aria-labelledby="sec-identity">
            <h2 id="sec-identity">{ s.sec_identity }</h2>
            <p class="hint">{ s.id_explain }</p>
            <label for="identity-secret">{ s.id_secret }</label>
            <div class="row-inline">
                <input id="identity-secret" readonly=true spellcheck="false" autocomplete="off"
                    type={ if *shown { "text" } else { "password" } } value={secret} />
                <button type="button" onclick={toggle} aria-controls="identity-secret" aria-pressed={shown.to_string()}>
                    { if *shown { s.id_hide } else { s.id_show } }
                </button>
                <button type="button" id="identity-rotate" onclick={ask}>{ w.rotate }</button>
            </div>
            <div role="status" aria-live="polite" id="identity-status">
                if id.0.rotated { <p class="ok">{ w.rotated }</p> }
                if let Some(until) = until { <p id="identity-previous">{ until }</p> }
            </div>
            if id.0.asking { { rotate_dialog(w, &id) } }
        </section>
    }
}
