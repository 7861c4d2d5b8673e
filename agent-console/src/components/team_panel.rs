//! For owners and admins: every agent's availability and load, live from the
//! relay's `presence` frames.

use natter_protocol::AgentStatus;
use yew::prelude::*;

use super::use_store;
use crate::i18n::{Strings, fill};

/// The word and CSS class for a status.
pub fn status_word(s: &Strings, status: AgentStatus) -> (&'static str, &'static str) {
    match status {
        AgentStatus::Online => (s.st_online, "online"),
        AgentStatus::Away => (s.st_away, "away"),
        AgentStatus::Busy => (s.st_busy_short, "busy"),
        AgentStatus::Offline => (s.st_offline, "offline"),
    }
}

#[component]
pub fn TeamPanel() -> Html {
    let store = use_store();
    if !store.is_admin() {
        return html! {};
    }
    let s = store.settings.locale.strings();
    let rows = store.team().into_iter().map(|(a, p)| {
        let status = p.map_or(AgentStatus::Offline, |p| p.status);
        let (word, class) = status_word(s, status);
        let load = p.map(|p| fill(s.team_load, &[&p.active_chats.to_string(), &p.max_chats.to_string()]));
        html! {
            <li key={a.id.0} data-agent={a.id.to_string()}>
                <span class={classes!("mystatus", class)}><span class="dot" aria-hidden="true"></span></span>
                <span class="tname">{ a.name.clone() }</span>
                <span class="tstatus">{ word }</span>
                if let Some(load) = load { <span class="tload">{ load }</span> }
            </li>
        }
    });
    html! {
        <section class="team" aria-labelledby="team-title">
            <h2 id="team-title">{ s.team }</h2>
            <ul id="team-list">{ for rows }</ul>
        </section>
    }
}
