//! The "join the team" screen shown instead of sign-in when the console is
//! opened at `/console/#invite=<token>`: the invitee chooses a password (typed
//! twice), the relay makes the account and signs it in, and the console goes on
//! exactly as after a sign-in. Used, expired and unknown links are worded; the
//! fragment is removed once the link is spent so a reload does not retry it.

use wasm_bindgen::JsValue;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::form_bits::{aria, error_line};
use super::use_store;
use crate::i18n::{DeskStrings, Locale, fill};
use crate::state::join::{JoinProblem, JoinState, tenant_of};
use crate::state::{Action, Owner};
use crate::web::{api, dom, runtime, storage};

#[derive(Properties, PartialEq)]
pub struct JoinProps {
    pub token: String,
    /// Leaves this screen for the sign-in form (the link is spent or abandoned).
    pub on_leave: Callback<()>,
}

/// Takes the `#invite=…` fragment out of the address bar, keeping the page.
pub fn forget_fragment() {
    let Some(window) = dom::window() else { return };
    let location = window.location();
    let path = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    let history = js_sys::Reflect::get(&window, &JsValue::from_str("history")).ok();
    let replace = history
        .as_ref()
        .and_then(|h| js_sys::Reflect::get(h, &JsValue::from_str("replaceState")).ok())
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
    if let (Some(h), Some(f)) = (history, replace) {
        let _ = f.call3(&h, &JsValue::NULL, &JsValue::from_str(""), &JsValue::from_str(&path));
    }
}

fn problem_text(s: &DeskStrings, p: &JoinProblem) -> String {
    match p {
        JoinProblem::PasswordShort => s.e_password.to_owned(),
        JoinProblem::Mismatch => s.e_mismatch.to_owned(),
        JoinProblem::Used => s.e_invite_used.to_owned(),
        JoinProblem::Expired => s.e_invite_expired.to_owned(),
        JoinProblem::Invalid => s.e_invite_invalid.to_owned(),
        JoinProblem::Other(m) => m.clone(),
    }
}

/// Sends the acceptance; signs in on success, keeps the refusal otherwise.
fn accept(join: UseStateHandle<JoinState>, on_leave: Callback<()>) {
    let mut next = (*join).clone();
    let Some(request) = next.submit() else {
        let field = next.problem.as_ref().and_then(JoinProblem::field);
        join.set(next);
        if let Some(field) = field {
            dom::focus_id(&format!("join-{field}"));
        }
        return;
    };
    join.set(next.clone());
    let Some(tenant) = tenant_of(&request.token) else {
        next.problem = Some(JoinProblem::Invalid);
        next.busy = false;
        join.set(next);
        forget_fragment();
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        match api::accept_invitation(&request).await {
            Ok(response) => {
                forget_fragment();
                on_leave.emit(());
                let owner = Owner { tenant: tenant.clone(), agent: response.agent.id };
                let (drafts, outbox) = storage::load_drafts(&owner);
                runtime::dispatch(Action::SignedIn { now: dom::now(), tenant, response, drafts, outbox });
            }
            Err(refused) => {
                next.refused(&refused);
                if next.problem.as_ref().is_some_and(JoinProblem::ends_the_link) {
                    forget_fragment();
                }
                join.set(next);
            }
        }
    });
}

#[component]
pub fn Join(props: &JoinProps) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings().desk;
    let join = use_state(|| JoinState::new(props.token.clone()));
    let workspace = tenant_of(&props.token).map(|t| t.as_str().to_owned()).unwrap_or_default();
    let edit = |change: fn(&mut JoinState, String)| {
        let join = join.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*join).clone();
            change(&mut next, e.target_unchecked_into::<HtmlInputElement>().value());
            join.set(next);
        })
    };
    let onsubmit = {
        let (join, on_leave) = (join.clone(), props.on_leave.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            accept(join.clone(), on_leave.clone());
        })
    };
    let to_sign_in = {
        let on_leave = props.on_leave.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            forget_fragment();
            on_leave.emit(());
        })
    };
    // The same switch as the sign-in screen's: an invitee may read either language.
    let other_locale = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            let mut settings = store.settings;
            settings.locale = match settings.locale {
                Locale::En => Locale::Th,
                Locale::Th => Locale::En,
            };
            store.dispatch(Action::SetSettings(settings));
        })
    };
    let other_tag = if store.settings.locale == Locale::En { "th" } else { "en" };
    let problem = join.problem.as_ref();
    let field_err = |field: &str| problem.filter(|p| p.field() == Some(field)).map(|p| problem_text(s, p));
    let link_err = problem.filter(|p| p.field().is_none()).map(|p| problem_text(s, p));
    let spent = problem.is_some_and(JoinProblem::ends_the_link);
    let input = |field: &'static str, label: &'static str, v: &str, change: fn(&mut JoinState, String)| {
        let id = format!("join-{field}");
        let e = field_err(field);
        let (d, i) = aria(&id, e.as_deref());
        html! {
            <div class="field">
                <label for={id.clone()}>{ label }</label>
                <input id={id.clone()} type="password" autocomplete="new-password" required=true
                    value={v.to_owned()} oninput={edit(change)} aria-describedby={d} aria-invalid={i} />
                { error_line(&id, e.as_deref()) }
            </div>
        }
    };
    html! {
        <main class="signin" aria-labelledby="join-title">
            <h1 id="join-title">{ s.join_title }</h1>
            <p>{ fill(s.join_hint, &[&workspace]) }</p>
            <div role="alert">
                if let Some(e) = link_err { <div class="msg error" id="join-error">{ e }</div> }
            </div>
            if spent {
                <p><a href="./" id="join-to-sign-in" onclick={to_sign_in}>{ s.go_sign_in }</a></p>
            } else {
                <form {onsubmit} novalidate=true>
                    { input("password", s.choose_password, &join.password, |j, v| j.password = v) }
                    { input("confirm", s.confirm_password, &join.confirm, |j, v| j.confirm = v) }
                    <div class="actions">
                        <button type="button" class="link" id="join-language" onclick={other_locale} lang={other_tag}>
                            { store.settings.locale.strings().other_language }
                        </button>
                        <button type="submit" class="primary" disabled={join.busy}>
                            { if join.busy { s.joining } else { s.join } }
                        </button>
                    </div>
                </form>
            }
        </main>
    }
}
