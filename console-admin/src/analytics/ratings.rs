//! The ratings with their comments (`/v1/admin/ratings`), newest first, a page
//! at a time, filtered by score.

use natter_console_kit::format;
use natter_console_kit::i18n::{Locale, fill};
use natter_console_kit::state::analytics::RatingsList;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::web::dom;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub list: RatingsList,
    pub on_score: Callback<Option<u8>>,
    pub on_more: Callback<()>,
    pub locale: Locale,
}

#[component]
pub fn RatingsTable(p: &Props) -> Html {
    let a = p.locale.analytics_strings();
    let l = &p.list;
    let onchange = {
        let on_score = p.on_score.clone();
        Callback::from(move |e: Event| {
            on_score.emit(e.target_unchecked_into::<HtmlSelectElement>().value().parse::<u8>().ok());
        })
    };
    let more = {
        let on_more = p.on_more.clone();
        Callback::from(move |_: MouseEvent| on_more.emit(()))
    };
    let offset = dom::tz_offset_min();
    let score_text = |s: u8| fill(a.score_of, &[&s.to_string()]);
    html! {
        <section class="card" aria-labelledby="ratings-title">
            <div class="chart-head">
                <h2 id="ratings-title">{ a.ratings_title }</h2>
                <div class="field">
                    <label for="ratings-score">{ a.ratings_score }</label>
                    <select id="ratings-score" {onchange}>
                        <option value="" selected={l.score.is_none()}>{ a.any_score }</option>
                        { for (1..=5u8).rev().map(|s| html! {
                            <option value={s.to_string()} selected={l.score == Some(s)}>{ score_text(s) }</option>
                        }) }
                    </select>
                </div>
            </div>
            if l.items.is_empty() && !l.pending && l.error.is_none() {
                <p class="hint">{ a.no_ratings }</p>
            }
            if !l.items.is_empty() {
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="ratings-title">
                    <table id="ratings">
                        <thead><tr>
                            <th scope="col">{ a.col_when }</th>
                            <th scope="col">{ a.col_score }</th>
                            <th scope="col">{ a.col_agent }</th>
                            <th scope="col">{ a.col_visitor }</th>
                            <th scope="col">{ a.col_comment }</th>
                        </tr></thead>
                        <tbody>
                            { for l.items.iter().map(|r| html! {
                                <tr key={r.conversation_id.0}>
                                    <td>{ format::date_time(r.rating.rated_at, offset) }</td>
                                    <td>{ score_text(r.rating.score) }</td>
                                    <td dir="auto">{ r.agent_name.clone().unwrap_or_else(|| a.none.to_owned()) }</td>
                                    <td dir="auto">{ r.visitor_name.clone().unwrap_or_else(|| a.none.to_owned()) }</td>
                                    <td dir="auto">{ r.rating.comment.clone().unwrap_or_default() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            if l.pending { <p role="status">{ a.loading }</p> }
            if l.next_before.is_some() && !l.pending {
                <button type="button" id="ratings-more" onclick={more}>{ a.more }</button>
            }
            if let Some(e) = &l.error { <p class="msg error" role="alert">{ fill(a.failed, &[e]) }</p> }
        </section>
    }
}
