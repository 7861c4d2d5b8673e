//! The email card (owners and admins): the tenant's SMTP server (host, port,
//! security, user, a write-only password shown only as "stored"), From,
//! Reply-To, the inbound domain, offline replies, transcripts and agent
//! notifications, saved on its own; and "Send test email" with the outcome
//! (accepted, not configured, SMTP failure). Refusals show at their field.

use natter_protocol::{EmailSettings, SmtpSecurity};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::form_bits::{aria, error_line};
use super::local::{Local, use_screen};
use super::use_store;
use crate::i18n::{WorkspaceStrings, fill};
use crate::state::admin::number;
use crate::state::email::{EmailAction, EmailSetter, EmailState, TestOutcome, optional};
use crate::state::workspace::SaveStatus;
use crate::web::workspace_api;

type Handle = UseReducerHandle<Local<EmailState>>;
type Write = fn(&mut EmailSettings, &str);

/// A labelled text or number input writing through `f`; `field` is the relay's name.
fn text_field(
    h: &Handle,
    field: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    f: Write,
) -> Html {
    let id = format!("em-{field}");
    let error = h.0.error_for(field).map(str::to_owned);
    let (described, invalid) = aria(&id, error.as_deref());
    let oninput = {
        let h = h.dispatcher();
        Callback::from(move |e: InputEvent| {
            h.dispatch(EmailAction::Edit(EmailSetter(f), e.target_unchecked_into::<HtmlInputElement>().value()));
        })
    };
    html! {
        <div class="field">
            <label for={id.clone()}>{ label }</label>
            <input id={id.clone()} type={kind} {value} {oninput} spellcheck="false" autocomplete="off"
                aria-describedby={described} aria-invalid={invalid} />
            { error_line(&id, error.as_deref()) }
        </div>
    }
}

fn check_field(h: &Handle, field: &'static str, label: &'static str, on: bool, f: Write) -> Html {
    let id = format!("em-{field}");
    let onchange = {
        let h = h.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().checked().to_string();
            h.dispatch(EmailAction::Edit(EmailSetter(f), v));
        })
    };
    html! { <label class="check" for={id.clone()}><input {id} type="checkbox" checked={on} {onchange} />{ label }</label> }
}

fn security_field(w: &'static WorkspaceStrings, h: &Handle) -> Html {
    let current = h.0.draft.security;
    let onchange = {
        let h = h.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            h.dispatch(EmailAction::Edit(
                EmailSetter(|d, v| {
                    d.security = match v {
                        "tls" => SmtpSecurity::Tls,
                        "none" => SmtpSecurity::None,
                        _ => SmtpSecurity::Starttls,
                    }
                }),
                v,
            ));
        })
    };
    let options = [
        ("starttls", w.sec_starttls, SmtpSecurity::Starttls),
        ("tls", w.sec_tls, SmtpSecurity::Tls),
        ("none", w.sec_none, SmtpSecurity::None),
    ];
    let error = h.0.error_for("security").map(str::to_owned);
    let (described, invalid) = aria("em-security", error.as_deref());
    html! {
        <div class="field">
            <label for="em-security">{ w.em_security }</label>
            <select id="em-security" {onchange} aria-describedby={described} aria-invalid={invalid}>
                { for options.iter().map(|&(v, label, s)| html! { <option value={v} selected={s == current}>{ label }</option> }) }
            </select>
            { error_line("em-security", error.as_deref()) }
        </div>
    }
}

/// The write-only password: typed to replace, ticked to remove, else kept.
fn password_field(w: &'static WorkspaceStrings, h: &Handle) -> Html {
    let e = &h.0;
    let oninput = {
        let h = h.dispatcher();
        Callback::from(move |ev: InputEvent| {
            h.dispatch(EmailAction::Password(ev.target_unchecked_into::<HtmlInputElement>().value()));
        })
    };
    let on_remove = {
        let h = h.dispatcher();
        Callback::from(move |ev: Event| {
            h.dispatch(EmailAction::RemovePassword(ev.target_unchecked_into::<HtmlInputElement>().checked()));
        })
    };
    let error = e.error_for("password").map(str::to_owned);
    let (described, invalid) = aria("em-password", error.as_deref());
    let hint = if e.saved.password_set { w.em_password_set } else { w.em_password_unset };
    let described = Some(described.map_or_else(|| "em-password-hint".to_owned(), |d| format!("em-password-hint {d}")));
    html! {
        <div class="field">
            <label for="em-password">{ w.em_password }</label>
            <input id="em-password" type="password" autocomplete="new-password" value={e.password.clone()} {oninput}
                disabled={e.remove_password} aria-describedby={described} aria-invalid={invalid} />
            <p class="hint" id="em-password-hint">{ hint }</p>
            { error_line("em-password", error.as_deref()) }
            if e.saved.password_set {
                <label class="check" for="em-password-remove">
                    <input id="em-password-remove" type="checkbox" checked={e.remove_password} onchange={on_remove} />
                    { w.em_password_remove }
                </label>
            }
        </div>
    }
}

/// The test email: where to, the button, and how it went.
fn test_box(w: &'static WorkspaceStrings, h: &Handle) -> Html {
    let e = &h.0;
    let oninput = {
        let h = h.dispatcher();
        Callback::from(move |ev: InputEvent| {
            h.dispatch(EmailAction::TestTo(ev.target_unchecked_into::<HtmlInputElement>().value()));
        })
    };
    let onclick = {
        let h = h.dispatcher();
        Callback::from(move |_: MouseEvent| h.dispatch(EmailAction::SubmitTest))
    };
    let error = e.error_for("to").map(|m| if m.is_empty() { w.e_email.to_owned() } else { m.to_owned() });
    let (described, invalid) = aria("em-test-to", error.as_deref());
    let outcome = match &e.test {
        Some(TestOutcome::Sent(id)) => html! { <p class="ok">{ fill(w.em_test_ok, &[id]) }</p> },
        Some(TestOutcome::NotConfigured) => html! { <p class="msg error">{ w.em_test_not_configured }</p> },
        Some(TestOutcome::Failed(m)) => html! { <p class="msg error">{ fill(w.em_test_failed, &[m]) }</p> },
        None => html! {},
    };
    html! {
        <div class="em-test">
            <div class="field">
                <label for="em-test-to">{ w.em_test_to }</label>
                <input id="em-test-to" type="email" value={e.test_to.clone()} {oninput} autocomplete="email"
                    aria-describedby={described} aria-invalid={invalid} />
                { error_line("em-test-to", error.as_deref()) }
            </div>
            <button type="button" id="em-test" {onclick} disabled={e.testing}>
                { if e.testing { w.em_testing } else { w.em_test } }
            </button>
            <div role="status" aria-live="polite" id="em-test-result">{ outcome }</div>
        </div>
    }
}

fn form(w: &'static WorkspaceStrings, h: &Handle) -> Html {
    let d = &h.0.draft;
    let onsubmit = {
        let h = h.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            h.dispatch(EmailAction::Submit);
        })
    };
    let saving = h.0.status == SaveStatus::Saving;
    let status = match h.0.status {
        SaveStatus::Saving => w.saving,
        SaveStatus::Saved => w.saved,
        _ => "",
    };
    let other = h.0.error.as_ref().filter(|(f, _)| f.is_empty()).map(|(_, m)| m.clone());
    html! {
        <form id="email-form" {onsubmit} novalidate=true>
            { check_field(h, "enabled", w.em_enabled, d.enabled, |d, v| d.enabled = v == "true") }
            <div class="grid2">
                { text_field(h, "host", w.em_host, "text", d.host.clone(), |d, v| d.host = v.trim().to_owned()) }
                { text_field(h, "port", w.em_port, "number", d.port.to_string(),
                    |d, v| d.port = number(v).and_then(|n| u16::try_from(n).ok()).unwrap_or(d.port)) }
                { security_field(w, h) }
                { text_field(h, "username", w.em_username, "text", d.username.clone().unwrap_or_default(),
                    |d, v| d.username = optional(v)) }
            </div>
            { password_field(w, h) }
            <div class="grid2">
                { text_field(h, "from", w.em_from, "text", d.from.clone(), |d, v| d.from = v.to_owned()) }
                { text_field(h, "reply_to", w.em_reply_to, "text", d.reply_to.clone().unwrap_or_default(),
                    |d, v| d.reply_to = optional(v)) }
                { text_field(h, "inbound_domain", w.em_inbound, "text", d.inbound_domain.clone().unwrap_or_default(),
                    |d, v| d.inbound_domain = optional(v)) }
                { text_field(h, "offline_reply_after_mins", w.em_offline_after, "number",
                    d.offline_reply_after_mins.to_string(),
                    |d, v| d.offline_reply_after_mins = number(v).unwrap_or(d.offline_reply_after_mins)) }
            </div>
            { check_field(h, "transcript_on_close", w.em_transcript, d.transcript_on_close, |d, v| d.transcript_on_close = v == "true") }
            <fieldset>
                <legend>{ w.em_notify }</legend>
                { check_field(h, "notify_offline_message", w.em_notify_offline, d.notify_offline_message,
                    |d, v| d.notify_offline_message = v == "true") }
                { check_field(h, "notify_missed_chat", w.em_notify_missed, d.notify_missed_chat,
                    |d, v| d.notify_missed_chat = v == "true") }
                { check_field(h, "notify_daily_digest", w.em_notify_digest, d.notify_daily_digest,
                    |d, v| d.notify_daily_digest = v == "true") }
                { text_field(h, "notify_per_hour", w.em_notify_per_hour, "number", d.notify_per_hour.to_string(),
                    |d, v| d.notify_per_hour = number(v).unwrap_or(d.notify_per_hour)) }
            </fieldset>
            if let Some(m) = other { <p class="msg error" role="alert">{ m }</p> }
            <div class="actions">
                <span role="status" aria-live="polite" id="email-status">{ status }</span>
                <button type="submit" class="primary" id="email-save" disabled={saving || !h.0.dirty()}>{ w.em_save }</button>
            </div>
        </form>
    }
}

#[component]
pub fn EmailSection() -> Html {
    let store = use_store();
    let w = store.settings.locale.workspace_strings();
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let h = use_screen::<EmailState, _, _>(token, workspace_api::email_command);
    {
        let h = h.dispatcher();
        use_effect_with((), move |_| h.dispatch(EmailAction::Reload));
    }
    let body = match &h.0.status {
        SaveStatus::Loading => html! { <p role="status">{ w.loading }</p> },
        SaveStatus::LoadFailed(m) => html! { <p class="msg error" role="alert">{ fill(w.load_failed, &[m]) }</p> },
        _ => html! { <>{ form(w, &h) }{ test_box(w, &h) }</> },
    };
    html! {
        <section class="card email-admin" aria-labelledby="sec-email">
            <h2 id="sec-email">{ w.em_title }</h2>
            <p class="hint">{ w.em_hint }</p>
            { body }
        </section>
    }
}
