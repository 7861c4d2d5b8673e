//! Settings page, pre-chat form section: on/off and the fields (key, label,
//! kind, required, options for department and choice fields).

use natter_protocol::{FieldKind, PrechatField};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::form_bits::{aria, check, error_line};
use super::use_store;
use crate::i18n::{Strings, fill};
use crate::state::Action;
use crate::state::admin::{AdminAction, FieldSetter, split_list};
use crate::web::runtime;

const KINDS: [(FieldKind, &str); 6] = [
    (FieldKind::Name, "name"),
    (FieldKind::Email, "email"),
    (FieldKind::Phone, "phone"),
    (FieldKind::Department, "department"),
    (FieldKind::Text, "text"),
    (FieldKind::Select, "select"),
];

fn kind_word(s: &Strings, k: FieldKind) -> &'static str {
    match k {
        FieldKind::Name => s.k_name,
        FieldKind::Email => s.k_email,
        FieldKind::Phone => s.k_phone,
        FieldKind::Department => s.k_department,
        FieldKind::Text => s.k_text,
        FieldKind::Select => s.k_select,
    }
}

fn set(i: usize, f: fn(&mut PrechatField, &str), value: String) {
    runtime::dispatch(Action::Admin(AdminAction::SetPrechat(i, FieldSetter(f), value)));
}

fn on_text(i: usize, f: fn(&mut PrechatField, &str)) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| set(i, f, e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// One field's row of inputs; `err` looks up the relay's error for a sub-field.
fn field_row(s: &Strings, i: usize, f: &PrechatField, err: &dyn Fn(&str) -> Option<String>) -> Html {
    let id = |name: &str| format!("p{i}-{name}");
    let text = |name: &str, label: &str, value: String, setter: fn(&mut PrechatField, &str)| {
        let e = err(name);
        let (described, invalid) = aria(&id(name), e.as_deref());
        html! {
            <div class="field">
                <label for={id(name)}>{ label.to_owned() }</label>
                <input id={id(name)} {value} aria-describedby={described} aria-invalid={invalid}
                    oninput={on_text(i, setter)} />
                { error_line(&id(name), e.as_deref()) }
            </div>
        }
    };
    let on_kind = Callback::from(move |e: Event| {
        set(
            i,
            |f, v| {
                f.kind = KINDS.iter().find(|(_, k)| *k == v).map_or(f.kind, |(k, _)| *k);
            },
            e.target_unchecked_into::<HtmlSelectElement>().value(),
        )
    });
    let on_required = Callback::from(move |e: Event| {
        set(i, |f, v| f.required = v == "true", e.target_unchecked_into::<HtmlInputElement>().checked().to_string())
    });
    let remove =
        Callback::from(move |_: MouseEvent| runtime::dispatch(Action::Admin(AdminAction::RemovePrechatField(i))));
    let with_options = matches!(f.kind, FieldKind::Department | FieldKind::Select);
    let n = (i + 1).to_string();
    html! {
        <fieldset class="prefield">
            <legend>{ fill(s.p_field_n, &[&n]) }</legend>
            <div class="grid2">
                { text("key", s.p_key, f.key.clone(), |f, v| f.key = v.trim().to_owned()) }
                { text("label", s.p_label, f.label.clone(), |f, v| f.label = v.to_owned()) }
                <div class="field">
                    <label for={id("kind")}>{ s.p_kind }</label>
                    <select id={id("kind")} onchange={on_kind}>
                        { for KINDS.iter().map(|(k, v)| html! {
                            <option value={*v} selected={f.kind == *k}>{ kind_word(s, *k) }</option>
                        }) }
                    </select>
                </div>
                <label class="check" for={id("required")}>
                    <input id={id("required")} type="checkbox" checked={f.required} onchange={on_required} />
                    { s.p_required }
                </label>
            </div>
            if with_options {
                { text("options", s.p_options, f.options.join(", "), |f, v| f.options = split_list(v)) }
            }
            <button type="button" class="danger" onclick={remove}
                aria-label={ format!("{} {}", s.p_remove, fill(s.p_field_n, &[&n])) }>{ s.p_remove }</button>
        </fieldset>
    }
}

#[component]
pub fn PrechatEditor() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let a = &store.admin;
    let form = &a.draft.widget.prechat;
    let add = Callback::from(|_: MouseEvent| runtime::dispatch(Action::Admin(AdminAction::AddPrechatField)));
    html! {
        <section class="card" aria-labelledby="sec-prechat">
            <h2 id="sec-prechat">{ s.sec_prechat }</h2>
            { check("p-enabled", s.p_enabled, form.enabled, |d, v| d.widget.prechat.enabled = v == "true") }
            { error_line("p-fields", a.error_text("widget.prechat.fields", s).filter(|_| {
                a.error.as_ref().is_some_and(|e| e.field == "widget.prechat.fields")
            })) }
            { for form.fields.iter().enumerate().map(|(i, f)| {
                let err = |name: &str| a.error_text(&format!("widget.prechat.fields[{i}].{name}"), s).map(str::to_owned);
                field_row(s, i, f, &err)
            }) }
            <button type="button" onclick={add} disabled={form.fields.len() >= 12}>{ s.p_add }</button>
        </section>
    }
}
