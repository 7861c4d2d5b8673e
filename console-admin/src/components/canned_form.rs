//! The create/edit form of the canned responses screen: scope (owners and
//! admins, new responses only), shortcut, category, text and quick replies;
//! the relay's refusal shown under the field it names, or above the buttons.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::form_bits::{aria, error_line};
use super::use_store;
use crate::i18n::{CannedStrings, fill};
use crate::state::Action;
use crate::state::canned::{CannedAction, Form, FormField};
use crate::web::{dom, runtime};

fn set(field: FormField, value: String) {
    runtime::dispatch(Action::Canned(CannedAction::SetField(field, value)));
}

/// What a labelled field shows.
struct Field<'a> {
    field: FormField,
    label: &'a str,
    hint: Option<&'a str>,
    value: &'a str,
    error: Option<&'a str>,
    multiline: bool,
}

fn field_html(f: Field<'_>) -> Html {
    let id = format!("canned-f-{}", f.field.key());
    let (described, invalid) = aria(&id, f.error);
    let hint_id = format!("{id}-hint");
    let described = [described, f.hint.map(|_| hint_id.clone())].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let described = (!described.is_empty()).then_some(described);
    let field = f.field;
    let oninput =
        Callback::from(move |e: InputEvent| set(field, e.target_unchecked_into::<HtmlInputElement>().value()));
    let control = if f.multiline {
        html! {
            <textarea id={id.clone()} rows="4" dir="auto" value={f.value.to_owned()}
                aria-describedby={described} aria-invalid={invalid} {oninput} />
        }
    } else {
        html! {
            <input id={id.clone()} type="text" dir="auto" value={f.value.to_owned()}
                aria-describedby={described} aria-invalid={invalid} {oninput} />
        }
    };
    html! {
        <div class="field">
            <label for={id.clone()}>{ f.label.to_owned() }</label>
            { control }
            if let Some(h) = f.hint { <p class="hint" id={hint_id}>{ h.to_owned() }</p> }
            { error_line(&id, f.error) }
        </div>
    }
}

/// The scope choice, for a new response by an owner or admin.
fn scope_select(form: &Form, c: &CannedStrings) -> Html {
    let onchange =
        Callback::from(|e: Event| set(FormField::Scope, e.target_unchecked_into::<HtmlSelectElement>().value()));
    let shared = form.scope == natter_protocol::CannedScope::Shared;
    html! {
        <div class="field">
            <label for="canned-f-scope">{ c.scope }</label>
            <select id="canned-f-scope" {onchange}>
                <option value="personal" selected={!shared}>{ c.personal }</option>
                <option value="shared" selected={shared}>{ c.shared }</option>
            </select>
        </div>
    }
}

/// Focuses the form's first field marked invalid.
fn focus_invalid() {
    let found = dom::document().and_then(|d| d.query_selector(".canned-form [aria-invalid=true]").ok().flatten());
    if let Some(el) = found.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

#[component]
pub fn CannedForm() -> Html {
    let store = use_store();
    let c = store.settings.locale.strings().canned;
    let error = store.canned.error.clone();
    // After a refusal, take the agent to the field it names.
    use_effect_with(error.clone(), |error| {
        if error.is_some() {
            focus_invalid();
        }
    });
    // An opened form starts at its first field.
    use_effect_with(store.canned.form.as_ref().map(|f| f.id), |opened| {
        if opened.is_some() {
            dom::focus_id("canned-f-shortcut");
        }
    });
    let Some(form) = store.canned.form.clone() else { return html! {} };
    // The relay's refusal, worded for the field it names when it names one.
    let field_error = |f: FormField| {
        error
            .as_ref()
            .filter(|e| e.field.as_deref() == Some(f.key()))
            .map(|e| c.field_error(f.key()).unwrap_or(&e.message))
    };
    let general = error.as_ref().filter(|e| e.field.as_deref().and_then(|f| c.field_error(f)).is_none());
    let onsubmit = Callback::from(|e: SubmitEvent| {
        e.prevent_default();
        runtime::dispatch(Action::Canned(CannedAction::Save));
    });
    let cancel = Callback::from(|_: MouseEvent| runtime::dispatch(Action::Canned(CannedAction::CancelForm)));
    let title = match form.id {
        Some(_) => fill(c.edit_of, &[&form.shortcut]),
        None => c.form_new.to_owned(),
    };
    let saving = store.canned.saving;
    let fields = [
        (FormField::Shortcut, c.shortcut, Some(c.shortcut_hint), form.shortcut.as_str(), false),
        (FormField::Category, c.category, None, form.category.as_str(), false),
        (FormField::Text, c.text, Some(c.text_hint), form.text.as_str(), true),
        (FormField::QuickReplies, c.quick, Some(c.quick_hint), form.quick_replies.as_str(), true),
    ];
    html! {
        <form class="card canned-form" aria-labelledby="canned-form-title" {onsubmit} novalidate=true>
            <h2 id="canned-form-title">{ title }</h2>
            if form.id.is_none() && store.is_admin() { { scope_select(&form, c) } }
            { for fields.into_iter().map(|(field, label, hint, value, multiline)| field_html(Field {
                field, label, hint, value, error: field_error(field), multiline,
            })) }
            if let Some(e) = general { <p class="msg error" role="alert">{ fill(c.refused, &[&e.message]) }</p> }
            <div class="row-buttons">
                <button type="submit" class="primary" id="canned-save" disabled={saving}>
                    { if saving { c.saving } else { c.save } }
                </button>
                <button type="button" onclick={cancel}>{ c.cancel }</button>
            </div>
        </form>
    }
}
