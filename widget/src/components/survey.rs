//! The post-chat survey, in the ended chat's area: once its delay has passed,
//! "How was your chat?" with five labelled star choices (native radio buttons,
//! so arrow keys move between them), an optional comment and Submit; then the
//! thanks with the rating and, while a change is accepted, "Change rating".
//! Plain view functions over the store (a component of their own would cost
//! the wasm ~4 KB each in Yew's generic code).

use natter_protocol::ErrorCode;
use yew::prelude::*;

use crate::i18n::{Strings, error_text, fill};
use crate::state::survey::MAX_COMMENT_CHARS;
use crate::state::{Action, Store, SurveyView};
use crate::web::dom;
use crate::web::runtime::dispatch;

const COMMENT_ID: &str = "natter-rate-comment";
const MISSING_ID: &str = "natter-rate-missing";

/// A score's digit ("4").
fn digit(score: u8) -> String {
    char::from(b'0' + score.min(9)).into()
}

/// The id of a score's radio button (focused after "Change rating").
pub fn rating_id(score: u8) -> String {
    String::from("natter-rate-") + &digit(score)
}

/// The survey area of the ended chat (empty when there is nothing to show).
pub fn survey(store: &Store) -> Html {
    let s = store.locale().strings();
    match store.survey_view() {
        SurveyView::Hidden => Html::default(),
        SurveyView::Refused(code) => html! { <p class="survey-note" role="status">{ error_text(s, code) }</p> },
        SurveyView::Thanks { score, can_change, error } => html! {
            <div class="survey">
                <p class="done" role="status">{ fill(s.rating_thanks, &[&digit(score)]) }</p>
                if let Some(code) = error { <p class="field-error" role="alert">{ error_text(s, code) }</p> }
                if can_change {
                    <button type="button" class="link" onclick={Callback::from(|_: MouseEvent| dispatch(Action::ChangeRating))}>
                        { s.rating_change }
                    </button>
                }
            </div>
        },
        SurveyView::Ask { question, chosen, comment, sending, missing, error } => {
            let question = question.unwrap_or(s.survey_question).to_owned();
            let onsubmit = Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                // No choice: 0, which the store refuses by asking for one.
                dispatch(Action::Rate { score: chosen.unwrap_or(0), comment: Some(dom::field_value(COMMENT_ID)) });
            });
            html! {
                <form class="survey" novalidate=true {onsubmit}>
                    <fieldset class="rate" role="radiogroup" aria-describedby={missing.then_some(MISSING_ID)}>
                        <legend class="survey-q" dir="auto">{ question }</legend>
                        <div class="stars">{ for (1..=5).map(|n| choice(s, n, chosen)) }</div>
                    </fieldset>
                    if missing { <p class="field-error" id={MISSING_ID}>{ s.rating_missing }</p> }
                    <div class="field">
                        <label for={COMMENT_ID}>{ s.rating_comment }{ " " }<span class="muted">{ s.optional }</span></label>
                        <textarea id={COMMENT_ID} rows="2" maxlength={MAX_COMMENT_CHARS.to_string()}
                            value={comment.map(str::to_owned)} />
                    </div>
                    { refusal(s, error) }
                    <button type="submit" class="primary" disabled={sending}>
                        { if sending { s.sending } else { s.rating_submit } }
                    </button>
                </form>
            }
        }
    }
}

fn refusal(s: &'static Strings, error: Option<ErrorCode>) -> Html {
    error.map(|code| html! { <p class="field-error" role="alert">{ error_text(s, code) }</p> }).unwrap_or_default()
}

/// One star: a radio button labelled "4 – Good"; stars up to the choice are lit.
fn choice(s: &'static Strings, score: u8, chosen: Option<u8>) -> Html {
    let lit = chosen.is_some_and(|c| score <= c);
    let id = rating_id(score);
    let label = digit(score) + " – " + s.ratings[usize::from(score - 1)];
    let onchange = Callback::from(move |_: Event| dispatch(Action::ChooseRating(score)));
    html! {
        <label class={classes!("star", lit.then_some("lit"))} for={id.clone()}>
            <input type="radio" {id} name="natter-rating" checked={chosen == Some(score)} {onchange} />
            <span class="star-icon" aria-hidden="true">{ "★" }</span>
            <span class="star-text">{ label }</span>
        </label>
    }
}
