//! The agents' scorecards (`agents`): chats, first response, resolution,
//! satisfaction, transfers and first-contact resolution per agent. A plain
//! agent gets their own card only (the relay decides), titled "My scorecard".

use natter_console_kit::i18n::analytics::{duration, hundredths, percent};
use natter_console_kit::i18n::{Locale, fill};
use natter_protocol::Scorecards;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub cards: Option<Scorecards>,
    pub error: Option<String>,
    /// Only this agent's own card (a plain agent).
    pub own: bool,
    pub locale: Locale,
}

#[component]
pub fn ScorecardTable(p: &Props) -> Html {
    let a = p.locale.analytics_strings();
    let title = if p.own { a.my_card_title } else { a.agents_title };
    let time = |v: Option<i64>| v.map_or_else(|| a.none.to_owned(), |ms| duration(a, ms));
    let body = match &p.cards {
        Some(c) if c.agents.is_empty() => html! { <p class="hint">{ a.no_data }</p> },
        Some(c) => html! {
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="agents-title">
                <table id="scorecards">
                    <thead><tr>
                        <th scope="col">{ a.col_agent }</th>
                        <th scope="col" class="num">{ a.col_chats }</th>
                        <th scope="col" class="num">{ a.col_frt_avg }</th>
                        <th scope="col" class="num">{ a.col_resolution }</th>
                        <th scope="col" class="num">{ a.col_csat }</th>
                        <th scope="col" class="num">{ a.col_transfers }</th>
                        <th scope="col" class="num">{ a.col_fcr }</th>
                    </tr></thead>
                    <tbody>
                        { for c.agents.iter().map(|r| html! {
                            <tr key={r.agent_id.0}>
                                <th scope="row" dir="auto">{ r.name.clone() }</th>
                                <td class="num">{ r.chats }</td>
                                <td class="num">{ time(r.frt_avg_ms) }</td>
                                <td class="num">{ time(r.resolution_avg_ms) }</td>
                                <td class="num">{ r.csat_avg.map_or_else(|| a.none.to_owned(), |v| format!("{} ({})", hundredths(v), r.ratings)) }</td>
                                <td class="num">{ r.transfers }</td>
                                <td class="num">{ r.fcr_rate.map_or_else(|| a.none.to_owned(), percent) }</td>
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
        <section class="card" aria-labelledby="agents-title">
            <h2 id="agents-title">{ title }</h2>
            { body }
            if let Some(e) = &p.error { <p class="msg error" role="alert">{ fill(a.failed, &[e]) }</p> }
        </section>
    }
}
