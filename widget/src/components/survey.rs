//! The post-chat survey, in the ended chat's area: once its delay has passed,
//! "How was your chat?" with five labelled star choices (native radio buttons,
//! so arrow keys move between them), an optional comment and Submit; then the
//! thanks with the rating and, while a change is accepted, "Change rating".

use natter_protocol::ErrorCode;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::use_store;
use crate::i18n::{error_text, fill};
use crate::state::survey::MAX_COMMENT_CHARS;
use crate::state::{Action, SurveyView};

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

#[component]
pub fn PostChatSurvey() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let change = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ChangeRating))
    };
    match store.survey_view() {
        SurveyView::Hidden => Html::default(),
        SurveyView::Refused(code) => html! { <p class="survey-note" role="status">{ error_text(s, code) }</p> },
        SurveyView::Thanks { score, can_change, error } => html! {
            <div class="survey">
                <p class="done" role="status">{ fill(s.rating_thanks, &[&digit(score)]) }</p>
                if let Some(code) = error { <p class="field-error" role="alert">{ error_text(s, code) }</p> }
                if can_change { <button type="button" class="link" onclick={change}>{ s.rating_change }</button> }
            </div>
        },
        SurveyView::Ask { question, score, comment, sending, error } => {
            let question = AttrValue::from(question.unwrap_or(s.survey_question).to_owned());
            let comment = comment.map(|c| AttrValue::from(c.to_owned()));
            html! { <RatingForm {question} {score} {comment} {sending} {error} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct RatingFormProps {
    question: AttrValue,
    /// The rating given, preselected when changing it.
    score: Option<u8>,
    comment: Option<AttrValue>,
    sending: bool,
    error: Option<ErrorCode>,
}

#[component]
fn RatingForm(props: &RatingFormProps) -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let chosen = use_state_eq(|| props.score);
    let missing = use_state_eq(|| false);
    let comment = use_node_ref();
    let onsubmit = {
        let (chosen, missing, comment, store) = (chosen.clone(), missing.clone(), comment.clone(), store.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            missing.set(chosen.is_none());
            if let Some(score) = *chosen {
                let text = comment.cast::<HtmlTextAreaElement>().map(|el| el.value());
                store.dispatch(Action::Rate { score, comment: text });
            }
        })
    };
    let choice = |score: u8| {
        let onchange = {
            let (chosen, missing) = (chosen.clone(), missing.clone());
            Callback::from(move |_: Event| {
                chosen.set(Some(score));
                missing.set(false);
            })
        };
        let lit = chosen.is_some_and(|c| score <= c);
        let id = rating_id(score);
        let label = digit(score) + " – " + s.ratings[usize::from(score - 1)];
        html! {
            <label class={classes!("star", lit.then_some("lit"))} for={id.clone()}>
                <input type="radio" {id} name="natter-rating" checked={*chosen == Some(score)} {onchange} />
                <span class="star-icon" aria-hidden="true">{ "★" }</span>
                <span class="star-text">{ label }</span>
            </label>
        }
    };
    html! {
        <form class="survey" novalidate=true {onsubmit}>
            <fieldset class="rate" role="radiogroup" aria-describedby={missing.then_some(MISSING_ID)}>
                <legend class="survey-q" dir="auto">{ props.question.clone() }</legend>
                <div class="stars">{ for (1..=5).map(choice) }</div>
            </fieldset>
            if *missing { <p class="field-error" id={MISSING_ID}>{ s.rating_missing }</p> }
            <div class="field">
                <label for={COMMENT_ID}>{ s.rating_comment }{ " " }<span class="muted">{ s.optional }</span></label>
                <textarea id={COMMENT_ID} ref={comment} rows="2" maxlength={MAX_COMMENT_CHARS.to_string()}
                    value={props.comment.clone()} />
            </div>
            if let Some(code) = props.error { <p class="field-error" role="alert">{ error_text(s, code) }</p> }
            <button type="submit" class="primary" disabled={props.sending}>
                { if props.sending { s.sending } else { s.rating_submit } }
            </button>
        </form>
    }
}
