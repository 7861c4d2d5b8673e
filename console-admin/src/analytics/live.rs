//! "Live now": the queue, the active conversations, the team's availability
//! and the longest current wait, as the relay last said.

use natter_console_kit::i18n::Locale;
use natter_console_kit::i18n::analytics::duration;
use natter_console_kit::i18n::fill;
use natter_protocol::LiveKpis;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub live: Option<LiveKpis>,
    pub error: Option<String>,
    pub locale: Locale,
}

#[component]
pub fn LiveNow(p: &Props) -> Html {
    let a = p.locale.analytics_strings();
    let body = match &p.live {
        Some(l) => {
            let longest = l.longest_wait_ms.map_or_else(|| a.none.to_owned(), |ms| duration(a, ms));
            let items: [(&str, &str, String); 6] = [
                ("live-waiting", a.live_waiting, l.waiting.to_string()),
                ("live-active", a.live_active, l.active.to_string()),
                ("live-online", a.live_online, l.agents_online.to_string()),
                ("live-away", a.live_away, l.agents_away.to_string()),
                ("live-busy", a.live_busy, l.agents_busy.to_string()),
                ("live-longest", a.live_longest, longest),
            ];
            html! {
                <ul class="kpis">
                    { for items.iter().map(|(id, name, value)| html! {
                        <li class="kpi" id={*id}>
                            <span class="name">{ *name }</span>
                            <span class="value">{ value.clone() }</span>
                        </li>
                    }) }
                </ul>
            }
        }
        None if p.error.is_none() => html! { <p role="status">{ a.loading }</p> },
        None => html! {},
    };
    html! {
        <section class="card" aria-labelledby="live-title">
            <h2 id="live-title">{ a.live_title }</h2>
            { body }
            if let Some(e) = &p.error { <p class="msg error" role="alert">{ fill(a.failed, &[e]) }</p> }
        </section>
    }
}
