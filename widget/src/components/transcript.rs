//! "Email me this conversation", in the ended chat's area: a link that opens an
//! email field (prefilled with the address the widget knows), then "Sent to …"
//! once the relay queued the email, or why it could not.

use natter_protocol::ErrorCode;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_store;
use crate::i18n::{Strings, error_text, fill};
use crate::state::{Action, MailPhase};

pub const EMAIL_ID: &str = "natter-transcript-email";
const ERROR_ID: &str = "natter-transcript-err";

fn refusal_text(s: &'static Strings, code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::InvalidInput => s.email_invalid,
        ErrorCode::RateLimited => s.err_transcript_limit,
        _ => error_text(s, code),
    }
}

#[component]
pub fn TranscriptMail() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let mail = &store.transcript;
    let email = use_node_ref();
    let toggle = |open: bool| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::TranscriptForm(open)))
    };
    let onsubmit = {
        let (email, store) = (email.clone(), store.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let address = email.cast::<HtmlInputElement>().map(|el| el.value()).unwrap_or_default();
            store.dispatch(Action::EmailTranscript { email: address });
        })
    };
    match mail.phase {
        MailPhase::Closed => html! {
            <button type="button" class="link mail-link" onclick={toggle(true)}>{ s.email_me }</button>
        },
        MailPhase::Sent => html! { <p class="done" role="status">{ fill(s.transcript_sent, &[&mail.email]) }</p> },
        MailPhase::Open | MailPhase::Sending => {
            let sending = mail.phase == MailPhase::Sending;
            html! {
                <form class="mail" novalidate=true {onsubmit}>
                    <div class="field">
                        <label for={EMAIL_ID}>{ s.your_email }</label>
                        <input id={EMAIL_ID} ref={email} type="email" autocomplete="email" value={mail.email.clone()}
                            aria-invalid={mail.error.is_some().to_string()}
                            aria-describedby={mail.error.map(|_| ERROR_ID)} />
                    </div>
                    if let Some(code) = mail.error {
                        <p class="field-error" id={ERROR_ID} role="alert">{ refusal_text(s, code) }</p>
                    }
                    <div class="form-actions">
                        <button type="submit" class="primary" disabled={sending}>
                            { if sending { s.sending } else { s.send } }
                        </button>
                        <button type="button" class="link" onclick={toggle(false)}>{ s.cancel }</button>
                    </div>
                </form>
            }
        }
    }
}
