//! Building blocks of the settings forms (plain functions, not components): a
//! labelled input wired to a [`Setter`], with the relay's error for that field
//! shown under it and announced through `aria-describedby`.

use natter_protocol::TenantSettings;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::Action;
use crate::state::admin::{AdminAction, Setter};
use crate::web::runtime;

/// Dispatches a typed value to the draft.
pub fn set(f: fn(&mut TenantSettings, &str), value: String) {
    runtime::dispatch(Action::Admin(AdminAction::Set(Setter(f), value)));
}

/// An input's `oninput` that writes through `f`.
pub fn on_input(f: fn(&mut TenantSettings, &str)) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| set(f, e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// A select's `onchange` that writes through `f`.
pub fn on_select(f: fn(&mut TenantSettings, &str)) -> Callback<Event> {
    Callback::from(move |e: Event| set(f, e.target_unchecked_into::<HtmlSelectElement>().value()))
}

/// A checkbox's `onchange` that writes `"true"`/`"false"` through `f`.
pub fn on_check(f: fn(&mut TenantSettings, &str)) -> Callback<Event> {
    Callback::from(move |e: Event| set(f, e.target_unchecked_into::<HtmlInputElement>().checked().to_string()))
}

/// The error line under a field (empty when there is none).
pub fn error_line(id: &str, error: Option<&str>) -> Html {
    match error {
        Some(e) => html! { <p class="field-error" id={format!("{id}-err")}>{ e.to_owned() }</p> },
        None => html! {},
    }
}

/// `aria-describedby` and `aria-invalid` values for a field with this error.
pub fn aria(id: &str, error: Option<&str>) -> (Option<String>, Option<&'static str>) {
    (error.map(|_| format!("{id}-err")), error.map(|_| "true"))
}

/// What an input shows and how it is checked by the browser.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub error: Option<&'a str>,
}

/// A labelled input.
pub fn input(i: Input<'_>, f: fn(&mut TenantSettings, &str), extra: Option<(u32, u32)>) -> Html {
    input_with_placeholder(i, f, extra, None)
}

/// A labelled input showing `placeholder` (what applies when left blank) while empty.
pub fn input_with_placeholder(
    i: Input<'_>,
    f: fn(&mut TenantSettings, &str),
    extra: Option<(u32, u32)>,
    placeholder: Option<&str>,
) -> Html {
    let (described, invalid) = aria(i.id, i.error);
    let (min, max) = extra.map_or((None, None), |(lo, hi)| (Some(lo.to_string()), Some(hi.to_string())));
    html! {
        <div class="field">
            <label for={i.id.to_owned()}>{ i.label.to_owned() }</label>
            <input id={i.id.to_owned()} type={i.kind.to_owned()} value={i.value.to_owned()} {min} {max}
                placeholder={placeholder.map(str::to_owned)}
                aria-describedby={described} aria-invalid={invalid} oninput={on_input(f)} />
            { error_line(i.id, i.error) }
        </div>
    }
}

/// A labelled multi-line text.
pub fn textarea(i: Input<'_>, f: fn(&mut TenantSettings, &str)) -> Html {
    textarea_with_placeholder(i, f, None)
}

/// A labelled multi-line text showing `placeholder` while empty.
pub fn textarea_with_placeholder(i: Input<'_>, f: fn(&mut TenantSettings, &str), placeholder: Option<&str>) -> Html {
    let (described, invalid) = aria(i.id, i.error);
    html! {
        <div class="field">
            <label for={i.id.to_owned()}>{ i.label.to_owned() }</label>
            <textarea id={i.id.to_owned()} rows="2" value={i.value.to_owned()}
                placeholder={placeholder.map(str::to_owned)}
                aria-describedby={described} aria-invalid={invalid} oninput={on_input(f)} />
            { error_line(i.id, i.error) }
        </div>
    }
}

/// A checkbox with its label.
pub fn check(id: &str, label: &str, checked: bool, f: fn(&mut TenantSettings, &str)) -> Html {
    html! {
        <label class="check" for={id.to_owned()}>
            <input id={id.to_owned()} type="checkbox" {checked} onchange={on_check(f)} />
            { label.to_owned() }
        </label>
    }
}
