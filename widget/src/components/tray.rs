//! The files attached in the composer and not sent yet: each with its name and
//! size, a progress bar while it uploads (with Cancel), "Ready to send" once
//! stored, or why it was refused (with Try again when that may help). What
//! changes state is announced: a polite status per file, an alert on refusal.
//! A plain view function of the composer (a component of its own would cost
//! the widget's wasm more than its markup).

use yew::prelude::*;

use crate::format::{number, size};
use crate::i18n::{Strings, problem_text};
use crate::state::files::{Phase, Upload};
use crate::state::{Action, Store};
use crate::web::runtime::dispatch;

/// A text button acting on one file, its name said to screen readers.
fn file_button(label: &str, name: &str, key: u32, action: fn(u32) -> Action) -> Html {
    let onclick = Callback::from(move |_: MouseEvent| dispatch(action(key)));
    html! {
        <button type="button" class="link" {onclick}>{ label }<span class="sr-only">{ " " }{ name }</span></button>
    }
}

fn item(u: &Upload, s: &Strings) -> Html {
    let (status, percent) = match &u.phase {
        Phase::Queued => (html! { <span role="status">{ s.uploading }</span> }, Some(0)),
        Phase::Sending { percent } => (html! { <span role="status">{ s.uploading }</span> }, Some(*percent)),
        Phase::Ready(_) => (html! { <span role="status">{ s.ready_to_send }</span> }, None),
        Phase::Failed(p) => (html! { <span class="att-error" role="alert">{ problem_text(s, *p) }</span> }, None),
    };
    let (class, retry) = match u.phase {
        Phase::Failed(p) => ("att failed", p.retryable()),
        _ => ("att", false),
    };
    let remove = if percent.is_some() { s.cancel } else { s.remove };
    html! {
        <li key={u.key} {class}>
            <span class="att-name" dir="auto">{ u.name.clone() }</span>
            <span class="att-size">{ size(u.size) }</span>
            if let Some(p) = percent {
                <progress max="100" value={number(u64::from(p))} aria-label={ u.name.clone() } />
            }
            { status }
            <span class="att-actions">
                if retry { { file_button(s.retry, &u.name, u.key, Action::RetryUpload) } }
                { file_button(remove, &u.name, u.key, Action::RemoveUpload) }
            </span>
        </li>
    }
}

/// The tray, or nothing when it is empty.
pub fn tray(store: &Store, s: &Strings) -> Html {
    if store.tray.is_empty() {
        return html! {};
    }
    html! {
        <ul class="tray" aria-label={ s.files_to_send }>
            { for store.tray.items().iter().map(|u| item(u, s)) }
        </ul>
    }
}
