//! The visitor's conversations before the open one, beside it: when each
//! started and how it ended; a click opens one to read.

use natter_protocol::ConversationId;
use yew::prelude::*;

use super::use_store;
use crate::format;
use crate::state::Action;
use crate::web::dom;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
}

#[component]
pub fn EarlierList(p: &Props) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let tz = dom::tz_offset_min();
    let heading = format!("earlier-{}", p.id);
    let body = match store.earlier_of(p.id) {
        None => html! { <p class="who" role="status">{ s.searching }</p> },
        Some(list) if list.is_empty() => html! { <p class="who">{ s.earlier_none }</p> },
        Some(list) => html! {
            <ul>
                { for list.into_iter().map(|c| {
                    let id = c.id();
                    let onclick = {
                        let store = store.clone();
                        Callback::from(move |_: MouseEvent| store.dispatch(Action::Open(id)))
                    };
                    html! {
                        <li key={id.0}>
                            <button type="button" class="link" {onclick}>
                                { format::date_time(c.summary.created_at, tz) }
                            </button>
                            <span class="preview">{ c.summary.preview.clone().unwrap_or_default() }</span>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <section class="earlier" aria-labelledby={heading.clone()}>
            <h3 id={heading}>{ s.earlier }</h3>
            { body }
        </section>
    }
}
