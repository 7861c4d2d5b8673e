//! The files in a composer, above the reply box: each with its progress while
//! uploading (and Cancel), "Ready to send" once up (and Remove), or why the
//! relay refused it in words (with Retry when trying again can help).

use yew::prelude::*;

use crate::format;
use crate::i18n::files::upload_error_text;
use crate::i18n::{Locale, fill};
use crate::state::Action;
use crate::state::files::{Upload, UploadState};
use crate::web::runtime;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub uploads: Vec<Upload>,
    pub locale: Locale,
}

fn item(u: &Upload, locale: Locale) -> Html {
    let s = locale.strings();
    let f = s.files;
    let key = u.key;
    let remove = Callback::from(move |_: MouseEvent| runtime::dispatch(Action::CancelUpload(key)));
    let retry = Callback::from(move |_: MouseEvent| runtime::dispatch(Action::RetryUpload(key)));
    let (status, failed) = match &u.state {
        UploadState::Uploading { .. } => {
            let pct = u.percent();
            let status = html! {
                <>
                    <progress max="100" value={pct.to_string()} aria-label={fill(f.progress_of, &[&u.name])} />
                    <span class="fmeta">{ fill(f.uploading, &[&pct.to_string()]) }</span>
                </>
            };
            (status, false)
        }
        UploadState::Done(_) => (html! { <span class="fmeta ok">{ f.ready }</span> }, false),
        UploadState::Failed(e) => {
            (html! { <span class="ferr" role="alert">{ upload_error_text(f, &u.name, e) }</span> }, true)
        }
    };
    let uploading = matches!(u.state, UploadState::Uploading { .. });
    let remove_label = fill(if uploading { f.cancel_of } else { f.remove_of }, &[&u.name]);
    html! {
        <li key={key} class={classes!("upload", failed.then_some("failed"))}>
            <span class="name" dir="auto">{ u.name.clone() }</span>
            <span class="fmeta">{ format::bytes(u.size) }</span>
            { status }
            if u.can_retry() {
                <button type="button" class="link" onclick={retry} aria-label={fill(f.retry_of, &[&u.name])}>
                    { s.retry }
                </button>
            }
            <button type="button" class="x" onclick={remove} aria-label={remove_label.clone()} title={remove_label}>
                <span aria-hidden="true">{ "×" }</span>
            </button>
        </li>
    }
}

#[component]
pub fn UploadTray(p: &Props) -> Html {
    if p.uploads.is_empty() {
        return html! {};
    }
    let f = p.locale.strings().files;
    html! {
        <ul class="uploads" aria-label={ f.in_composer }>
            { for p.uploads.iter().map(|u| item(u, p.locale)) }
        </ul>
    }
}
