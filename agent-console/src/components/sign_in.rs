//! The sign-in form: workspace, email, password. Tells why the agent is here
//! (session ended, idle) and that unsent replies are kept; wrong credentials get
//! one message that never says whether the email exists.

use natter_protocol::{LoginRequest, TenantId};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;
use crate::state::{Action, Owner, SignInError, SignInState, SignedOut};
use crate::web::{api, desktop, dom, runtime, storage};

#[component]
pub fn SignIn() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let tenant = use_state(|| {
        dom::query_param("tenant")
            .or_else(|| storage::last_tenant().map(|t| t.as_str().to_owned()))
            .or_else(|| store.drafts_owner.as_ref().map(|o| o.tenant.as_str().to_owned()))
            .unwrap_or_default()
    });
    let email = use_state(String::new);
    let password = use_state(String::new);
    let tenant_invalid = use_state(|| false);

    let bind = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| h.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };

    let onsubmit = {
        let (tenant, email, password, tenant_invalid) =
            (tenant.clone(), email.clone(), password.clone(), tenant_invalid.clone());
        let busy = store.sign_in == SignInState::Submitting;
        let desktop_wanted = store.settings.notify.desktop;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                return;
            }
            let Ok(tenant_id) = TenantId::parse(tenant.trim().to_lowercase()) else {
                tenant_invalid.set(true);
                dom::focus_id("signin-tenant");
                return;
            };
            tenant_invalid.set(false);
            // Ask for notification permission inside this click (browsers want a
            // gesture); a "no" is remembered by the browser and shown in Settings.
            if desktop_wanted && desktop::permission() == Some(web_sys::NotificationPermission::Default) {
                desktop::request_permission(|| ());
            }
            let request = LoginRequest {
                tenant: tenant_id.clone(),
                email: email.trim().to_owned(),
                password: (*password).clone(),
            };
            password.set(String::new());
            runtime::dispatch(Action::SignInStarted);
            wasm_bindgen_futures::spawn_local(async move {
                match api::login(&request).await {
                    Ok(response) => {
                        let owner = Owner { tenant: tenant_id.clone(), agent: response.agent.id };
                        let (drafts, outbox) = storage::load_drafts(&owner);
                        runtime::dispatch(Action::SignedIn {
                            now: dom::now(),
                            tenant: tenant_id,
                            response,
                            drafts,
                            outbox,
                        });
                    }
                    Err(err) => {
                        runtime::dispatch(Action::SignInFailed(err));
                        dom::focus_id("signin-password");
                    }
                }
            });
        })
    };

    let error = match &store.sign_in {
        SignInState::Failed(e) => Some(match e {
            SignInError::InvalidCredentials => s.err_invalid_credentials.to_owned(),
            SignInError::TooManyAttempts { retry_after_secs: Some(n) } => fill(s.err_too_many_wait, &[&n.to_string()]),
            SignInError::TooManyAttempts { retry_after_secs: None } => s.err_too_many.to_owned(),
            SignInError::UnknownTenant => s.err_unknown_tenant.to_owned(),
            SignInError::Unreachable => s.err_unreachable.to_owned(),
            SignInError::Other(m) => fill(s.err_other, &[m]),
        }),
        _ => None,
    };
    let has_drafts = !store.drafts.is_empty() || !store.outbox.is_empty();
    let reason = store.signed_out.map(|r| match r {
        SignedOut::Expired => s.signed_out_expired,
        SignedOut::Idle => s.signed_out_idle,
    });
    let submitting = store.sign_in == SignInState::Submitting;
    let other_locale = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            let mut settings = store.settings;
            settings.locale = match settings.locale {
                crate::i18n::Locale::En => crate::i18n::Locale::Th,
                crate::i18n::Locale::Th => crate::i18n::Locale::En,
            };
            store.dispatch(Action::SetSettings(settings));
        })
    };

    html! {
        <main class="signin" aria-labelledby="signin-title">
            <h1 id="signin-title">{ s.sign_in_title }</h1>
            if let Some(reason) = reason {
                <div class="msg info" role="status">
                    { reason }
                    if has_drafts { { " " } { s.drafts_kept } }
                </div>
            }
            <div role="alert">
                if let Some(error) = error.clone() { <div class="msg error" id="signin-error">{ error }</div> }
            </div>
            <form {onsubmit} novalidate=true>
                <div class="field">
                    <label for="signin-tenant">{ s.tenant }</label>
                    <input id="signin-tenant" name="tenant" autocomplete="organization" required=true
                        autocapitalize="none" spellcheck="false"
                        aria-invalid={ if *tenant_invalid { "true" } else { "false" } }
                        value={(*tenant).clone()} oninput={bind(&tenant)} />
                </div>
                <div class="field">
                    <label for="signin-email">{ s.email }</label>
                    <input id="signin-email" name="email" type="email" autocomplete="username" required=true
                        value={(*email).clone()} oninput={bind(&email)} />
                </div>
                <div class="field">
                    <label for="signin-password">{ s.password }</label>
                    <input id="signin-password" name="password" type="password" autocomplete="current-password" required=true
                        aria-describedby={ error.is_some().then_some("signin-error") }
                        value={(*password).clone()} oninput={bind(&password)} />
                </div>
                <div class="actions">
                    <button type="button" class="link" onclick={other_locale} lang={ if store.settings.locale == crate::i18n::Locale::En { "th" } else { "en" } }>
                        { s.other_language }
                    </button>
                    <button type="submit" class="primary" disabled={submitting}>
                        { if submitting { s.signing_in } else { s.sign_in } }
                    </button>
                </div>
            </form>
        </main>
    }
}
