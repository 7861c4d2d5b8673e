//! The agent's own availability in the top bar: online, away or offline to
//! choose; busy (at the chat limit) shown when the relay says so.

use natter_protocol::AgentStatus;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::use_store;
use crate::state::{Action, Conn};

fn parse(v: &str) -> Option<AgentStatus> {
    match v {
        "online" => Some(AgentStatus::Online),
        "away" => Some(AgentStatus::Away),
        "offline" => Some(AgentStatus::Offline),
        _ => None,
    }
}

fn key(s: AgentStatus) -> &'static str {
    match s {
        AgentStatus::Online => "online",
        AgentStatus::Away => "away",
        AgentStatus::Busy => "busy",
        AgentStatus::Offline => "offline",
    }
}

#[component]
pub fn StatusPicker() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let current = store.my_status();
    let select = use_node_ref();
    {
        // `selected` attributes stop moving the selection once the agent has used
        // the control, so the relay's word (auto-away, busy) is set as the value.
        let select = select.clone();
        use_effect_with(current, move |current| {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                el.set_value(key(*current));
            }
        });
    }
    let onchange = {
        let store = store.clone();
        Callback::from(move |e: Event| {
            if let Some(status) = parse(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
                store.dispatch(Action::SetStatus(status));
            }
        })
    };
    let option = |status: AgentStatus, text: &'static str| {
        html! {
            <option value={key(status)} selected={current == status}
                disabled={status == AgentStatus::Busy}>{ text }</option>
        }
    };
    html! {
        <span class={classes!("mystatus", key(current))}>
            <span class="dot" aria-hidden="true"></span>
            <label for="my-status" class="sr-only">{ s.my_status }</label>
            <select id="my-status" ref={select} {onchange} disabled={store.conn != Conn::Online} title={ s.my_status }>
                { option(AgentStatus::Online, s.st_online) }
                { option(AgentStatus::Away, s.st_away) }
                if current == AgentStatus::Busy { { option(AgentStatus::Busy, s.st_busy) } }
                { option(AgentStatus::Offline, s.st_offline) }
            </select>
        </span>
    }
}
