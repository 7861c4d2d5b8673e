//! The admin module's root: a store of its own, booted from the inbox's props
//! (session, language, tag list) and kept in step with them, showing the screen
//! they name; the canned responses it loads or changes go back to the inbox.

use natter_console_kit::bridge::{AdminEvent, AdminProps};
use natter_protocol::ToAgent;
use yew::prelude::*;

use super::Ctx;
use super::admin_page::AdminPage;
use super::canned_page::CannedPage;
use crate::analytics::page::AnalyticsPage;
use crate::state::canned::Load;
use crate::state::{Action, Store, View};
use crate::web::{dom, events, runner, runtime};

#[derive(Debug, Properties, PartialEq)]
pub struct AppProps {
    pub props: AdminProps,
}

fn boot(p: &AdminProps) -> Store {
    Store { now: dom::now(), session: Some(p.session.clone()), settings: p.settings, ..Store::default() }
}

/// The actions that bring the store in step with the props (each a no-op when
/// nothing changed): language, the agent's account (role), tags, the screen.
fn adopt(p: &AdminProps) -> [Action; 4] {
    let now = dom::now();
    [
        Action::SetSettings(p.settings),
        Action::Frame { now, frame: ToAgent::Account { agent: p.session.agent.clone() } },
        Action::Frame { now, frame: ToAgent::Tags { tags: p.tags.clone() } },
        Action::ShowView(p.screen.view()),
    ]
}

#[component]
pub fn AdminApp(p: &AppProps) -> Html {
    let store = use_reducer(|| boot(&p.props));
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| runtime::install(Callback::from(move |a| dispatcher.dispatch(a)), runner::run));
    }
    {
        let dispatcher = store.dispatcher();
        use_effect_with(p.props.clone(), move |props| adopt(props).into_iter().for_each(|a| dispatcher.dispatch(a)));
    }
    {
        let ready = store.canned.load == Load::Ready;
        use_effect_with((ready, store.canned.list.clone()), |(ready, list)| {
            if *ready {
                events::emit(&AdminEvent::CannedList { list: list.clone() });
            }
        });
    }
    html! {
        <ContextProvider<Ctx> context={store.clone()}>
            if store.view == View::Admin {
                <AdminPage />
            } else if store.view == View::Canned {
                <CannedPage />
            } else if store.view == View::Analytics {
                <AnalyticsPage metrics_rev={p.props.metrics_rev} />
            }
        </ContextProvider<Ctx>>
    }
}
