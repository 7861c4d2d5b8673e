//! Breakdowns (`breakdown?by=`): the period's conversations grouped by
//! department (skill), tag or closed reason.

use natter_console_kit::i18n::analytics::{duration, hundredths};
use natter_console_kit::i18n::{AnalyticsStrings, Locale, fill};
use natter_console_kit::state::analytics::By;
use natter_protocol::Breakdown;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub by: By,
    pub rows: Option<Breakdown>,
    pub error: Option<String>,
    pub on_by: Callback<By>,
    pub locale: Locale,
}

fn by_name(a: &AnalyticsStrings, by: By) -> &'static str {
    match by {
        By::Skill => a.by_skill,
        By::Tag => a.by_tag,
        By::ClosedReason => a.by_reason,
    }
}

#[component]
pub fn BreakdownTable(p: &Props) -> Html {
    let a = p.locale.analytics_strings();
    let onchange = {
        let on_by = p.on_by.clone();
        Callback::from(move |e: Event| {
            if let Some(by) = By::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
                on_by.emit(by);
            }
        })
    };
    let time = |v: Option<i64>| v.map_or_else(|| a.none.to_owned(), |ms| duration(a, ms));
    let body = match &p.rows {
        Some(b) if b.rows.is_empty() => html! { <p class="hint">{ a.no_data }</p> },
        Some(b) => html! {
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="breakdown-title">
                <table id="breakdown">
                    <thead><tr>
                        <th scope="col">{ by_name(a, p.by) }</th>
                        <th scope="col" class="num">{ a.col_conversations }</th>
                        <th scope="col" class="num">{ a.col_missed }</th>
                        <th scope="col" class="num">{ a.col_frt_avg }</th>
                        <th scope="col" class="num">{ a.col_resolution }</th>
                        <th scope="col" class="num">{ a.col_csat }</th>
                    </tr></thead>
                    <tbody>
                        { for b.rows.iter().map(|r| html! {
                            <tr>
                                <th scope="row" dir="auto">{ r.key.clone().unwrap_or_else(|| a.no_group.to_owned()) }</th>
                                <td class="num">{ r.conversations }</td>
                                <td class="num">{ r.missed }</td>
                                <td class="num">{ time(r.frt_avg_ms) }</td>
                                <td class="num">{ time(r.resolution_avg_ms) }</td>
                                <td class="num">{ r.csat_avg.map_or_else(|| a.none.to_owned(), hundredths) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        },
        None if p.error.is_none() => html! { <p role="status">{ a.loading }</p> },
        None => html! {},
    };
    html! {
        <section class="card" aria-labelledby="breakdown-title">
            <div class="chart-head">
                <h2 id="breakdown-title">{ a.breakdown_title }</h2>
                <div class="field">
                    <label for="breakdown-by">{ a.by_label }</label>
                    <select id="breakdown-by" {onchange}>
                        { for By::ALL.into_iter().map(|by| html! {
                            <option value={by.key()} selected={by == p.by}>{ by_name(a, by) }</option>
                        }) }
                    </select>
                </div>
            </div>
            { body }
            if let Some(e) = &p.error { <p class="msg error" role="alert">{ fill(a.failed, &[e]) }</p> }
        </section>
    }
}
