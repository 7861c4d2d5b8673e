//! The conversation's hand-overs in its details pane ("Claimed by Ann, 10:02",
//! "Transferred to Bob by Ann, 10:15 (billing)"), fetched when the details
//! show, and again whenever the conversation changes hands.

use natter_protocol::{AssignmentRecord, ConversationId};
use yew::prelude::*;

use crate::format;
use crate::i18n::Locale;
use crate::i18n::desk::assignment_line;
use crate::web::api;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
    /// Changes when the conversation changes hands (fetch again).
    pub holder: Option<(natter_protocol::AgentId, natter_protocol::ConversationStatus)>,
    pub token: String,
    pub tz: i32,
    pub locale: Locale,
}

#[component]
pub fn AssignmentHistory(p: &Props) -> Html {
    let s = p.locale.strings().desk;
    let list = use_state(|| None::<Result<Vec<AssignmentRecord>, ()>>);
    {
        let list = list.clone();
        let token = p.token.clone();
        use_effect_with((p.id, p.holder), move |(id, _)| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                list.set(Some(api::assignments(token, id).await.map_err(|_| ())));
            });
        });
    }
    let body = match &*list {
        None => html! { <p class="who">{ s.h_loading }</p> },
        Some(Err(())) => html! { <p class="who">{ s.h_failed }</p> },
        Some(Ok(l)) if l.is_empty() => html! { <p class="who">{ s.h_none }</p> },
        Some(Ok(l)) => html! {
            <ol class="history">
                { for l.iter().map(|r| {
                    let when = format::date_time(r.at, p.tz);
                    html! { <li>{ assignment_line(s, r, &when) }</li> }
                }) }
            </ol>
        },
    };
    html! {
        <section class="assignments" aria-labelledby={format!("history-{}", p.id)}>
            <h3 id={format!("history-{}", p.id)}>{ s.history }</h3>
            { body }
        </section>
    }
}
