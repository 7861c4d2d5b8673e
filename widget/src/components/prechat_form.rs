//! The tenant's pre-chat form (fields from the public config): name, email,
//! phone, department, free text and choices; required fields are checked before
//! the chat starts, and invalid ones are marked and described.

use natter_protocol::FieldKind;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::use_store;
use crate::state::{Action, prechat};
use crate::web::runtime::START_ID;

fn field_id(i: usize) -> String {
    if i == 0 { START_ID.to_owned() } else { String::from("natter-f") + &i.to_string() }
}

#[component]
pub fn PrechatForm() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let answers = use_state(Vec::<(String, String)>::new);
    let tried = use_state(|| false);
    let form = store.config.as_ref().map(|c| c.prechat.clone()).unwrap_or_default();
    let invalid = if *tried { prechat::invalid(&form, &answers) } else { Vec::new() };
    let set = |key: String| {
        let answers = answers.clone();
        move |value: String| {
            let mut next: Vec<(String, String)> = (*answers).clone();
            next.retain(|(k, _)| *k != key);
            next.push((key.clone(), value));
            answers.set(next);
        }
    };
    let onsubmit = {
        let answers = answers.clone();
        let tried = tried.clone();
        let store = store.clone();
        let form = form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            if prechat::invalid(&form, &answers).is_empty() {
                store.dispatch(Action::StartChat { answers: (*answers).clone() });
            }
        })
    };
    let intro = store.greeting_text(s.prechat_intro).to_owned();
    html! {
        <form class="form" novalidate=true {onsubmit}>
            <p class="intro" dir="auto">{ intro }</p>
            { for form.fields.iter().enumerate().map(|(i, f)| {
                let id = field_id(i);
                let err_id = id.clone() + "-err";
                let bad = invalid.contains(&f.key);
                let error = if f.kind == FieldKind::Email && !answers.iter().any(|(k, v)| *k == f.key && v.trim().is_empty()) {
                    s.email_invalid
                } else {
                    s.field_required
                };
                let on_text = { let set = set(f.key.clone()); Callback::from(move |e: InputEvent| set(e.target_unchecked_into::<HtmlInputElement>().value())) };
                let on_area = { let set = set(f.key.clone()); Callback::from(move |e: InputEvent| set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) };
                let on_select = { let set = set(f.key.clone()); Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlInputElement>().value())) };
                let described = bad.then(|| err_id.clone());
                let control = match f.kind {
                    FieldKind::Department | FieldKind::Select => html! {
                        <select id={id.clone()} required={f.required} aria-invalid={bad.to_string()}
                            aria-describedby={described} onchange={on_select}>
                            <option value="">{ s.choose }</option>
                            { for f.options.iter().map(|o| html! { <option value={o.clone()}>{ o.clone() }</option> }) }
                        </select>
                    },
                    FieldKind::Text => html! {
                        <textarea id={id.clone()} rows="2" required={f.required} aria-invalid={bad.to_string()}
                            aria-describedby={described} oninput={on_area} />
                    },
                    kind => {
                        let (ty, auto) = match kind {
                            FieldKind::Email => ("email", "email"),
                            FieldKind::Phone => ("tel", "tel"),
                            _ => ("text", "name"),
                        };
                        html! {
                            <input id={id.clone()} type={ty} autocomplete={auto} required={f.required}
                                aria-invalid={bad.to_string()} aria-describedby={described} oninput={on_text} />
                        }
                    }
                };
                html! {
                    <div class="field">
                        <label for={id.clone()}>
                            <span dir="auto">{ f.label.clone() }</span>
                            { " " }<span class="muted">{ if f.required { s.required_mark } else { s.optional } }</span>
                        </label>
                        { control }
                        if bad { <p class="field-error" id={err_id}>{ error }</p> }
                    </div>
                }
            }) }
            <button type="submit" class="primary">{ s.start_chat }</button>
        </form>
    }
}
