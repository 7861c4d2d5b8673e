//! "Email me this conversation", in the ended chat's area: a link that opens an
//! email field (prefilled with the address the widget knows), then "Sent to …"
//! once the relay queued the email, or why it could not. A plain view function
//! over the store, like the survey's.

use natter_protocol::ErrorCode;
use yew::prelude::*;

use crate::i18n::{Strings, error_text, fill};
use crate::state::{Action, MailPhase, Store};
use crate::web::dom;
use crate::web::runtime::dispatch;

pub const EMAIL_ID: &str = "natter-transcript-email";
const ERROR_ID: &str = "natter-transcript-err";

fn refusal_text(s: &'static Strings, code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::InvalidInput => s.email_invalid,
        ErrorCode::RateLimited => s.err_transcript_limit,
        _ => error_text(s, code),
    }
}

fn toggle(open: bool) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| dispatch(Action::TranscriptForm(open)))
}

pub fn transcript(store: &Store) -> Html {
    let s = store.locale().strings();
    let mail = &store.transcript;
    match mail.phase {
        MailPhase::Closed => html! {
            <button type="button" class="link mail-link" onclick={toggle(true)}>{ s.email_me }</button>
        },
        MailPhase::Sent => html! { <p class="done" role="status">{ fill(s.transcript_sent, &[&mail.email]) }</p> },
        MailPhase::Open | MailPhase::Sending => {
            let sending = mail.phase == MailPhase::Sending;
            let onsubmit = Callback::from(|e: SubmitEvent| {
                e.prevent_default();
                dispatch(Action::EmailTranscript { email: dom::field_value(EMAIL_ID) });
            });
            html! {
                <form class="mail" novalidate=true {onsubmit}>
                    <div class="field">
                        <label for={EMAIL_ID}>{ s.your_email }</label>
                        <input id={EMAIL_ID} type="email" autocomplete="email" value={mail.email.clone()}
                            aria-invalid={(mail.error == Some(ErrorCode::InvalidInput)).to_string()}
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
