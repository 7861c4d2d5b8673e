//! The inbox column: tabs (Waiting, Mine, All active, Closed) with count badges,
//! one search over every tab (the relay's history included), the tag filter,
//! and the rows of the selected tab. Arrow keys move between tabs.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::inbox_row::InboxRow;
use super::tag_bar::TagFilter;
use super::team_panel::TeamPanel;
use super::use_store;
use crate::state::Action;
use crate::state::inbox::InboxTab;
use crate::web::dom;

fn tab_id(tab: InboxTab) -> &'static str {
    match tab {
        InboxTab::Waiting => "tab-waiting",
        InboxTab::Mine => "tab-mine",
        InboxTab::AllActive => "tab-all",
        InboxTab::Closed => "tab-closed",
    }
}

#[component]
pub fn Inbox() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let me = store.my_id();

    let onkeydown = {
        let store = store.clone();
        Callback::from(move |e: KeyboardEvent| {
            let all = InboxTab::ALL;
            let pos = all.iter().position(|&t| t == store.tab).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => all[(pos + 1) % all.len()],
                "ArrowLeft" => all[(pos + all.len() - 1) % all.len()],
                "Home" => all[0],
                "End" => all[all.len() - 1],
                _ => return,
            };
            e.prevent_default();
            store.dispatch(Action::SelectTab(next));
            dom::focus_id(tab_id(next));
        })
    };

    let tabs = InboxTab::ALL.iter().map(|&tab| {
        let selected = store.tab == tab;
        let count = store.tab_count(tab);
        let label = match tab {
            InboxTab::Waiting => s.tab_waiting,
            InboxTab::Mine => s.tab_mine,
            InboxTab::AllActive => s.tab_all,
            InboxTab::Closed => s.tab_closed,
        };
        let onclick = {
            let store = store.clone();
            Callback::from(move |_: MouseEvent| store.dispatch(Action::SelectTab(tab)))
        };
        // The focus target for "go to inbox" is the selected tab.
        let id = if selected { "inbox-tabs".to_owned() } else { tab_id(tab).to_owned() };
        // The queue, and a conversation just given to this agent, must not go unnoticed.
        let fresh = tab == InboxTab::Mine && store.rows(InboxTab::Mine).iter().any(|c| c.assigned_new);
        let hot = (tab == InboxTab::Waiting && count > 0) || fresh;
        html! {
            <button type="button" role="tab" {id} class={classes!(fresh.then_some("fresh"))} aria-selected={selected.to_string()}
                aria-controls="inbox-panel" tabindex={ if selected { "0" } else { "-1" } } {onclick}>
                { label }
                <span class={classes!("badge", hot.then_some("hot"))} aria-label={format!("({count})")}>{ count }</span>
            </button>
        }
    });

    let rows = store.rows(store.tab);
    // Queue places, counted once for the whole list rather than per row.
    let positions: std::collections::BTreeMap<_, _> = if store.tab == InboxTab::Waiting {
        rows.iter().enumerate().map(|(i, c)| (c.id(), c.summary.queue_position.unwrap_or(i as u32 + 1))).collect()
    } else {
        Default::default()
    };
    let search = {
        let store = store.clone();
        Callback::from(move |e: InputEvent| {
            store.dispatch(Action::Search(e.target_unchecked_into::<HtmlInputElement>().value()));
        })
    };

    let more = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::MoreFound))
    };

    html! {
        <nav class="inbox" aria-labelledby="inbox-title">
            <h2 id="inbox-title">{ s.inbox }</h2>
            <div class="tabs" role="tablist" aria-labelledby="inbox-title" {onkeydown}>
                { for tabs }
            </div>
            <div id="inbox-panel" role="tabpanel" aria-labelledby="inbox-tabs" class="rows">
                <div class="search">
                    <label class="sr-only" for="inbox-search">{ s.search_inbox }</label>
                    <input id="inbox-search" type="search" placeholder={ s.search_inbox }
                        value={ store.search.clone() } oninput={search} />
                    if store.tab == InboxTab::Closed {
                        <p class="who">{ s.tab_closed_hint }</p>
                    }
                    if store.history.loading {
                        <p class="who" role="status">{ s.searching }</p>
                    }
                    if store.history.failed {
                        <p class="notice error" role="alert">{ s.search_failed }</p>
                    }
                </div>
                <TagFilter all={store.tags.clone()} current={store.desk.tag_filter} locale={store.settings.locale} />
                if rows.is_empty() {
                    <p class="empty">{ s.empty_tab }</p>
                } else {
                    <ul class="rows" id="inbox-rows">
                        { for rows.iter().map(|c| {
                            let conv = store.conv(c.id()).cloned().expect("row comes from the store");
                            let tags: Vec<_> = c.summary.tags.iter()
                                .filter_map(|t| store.tags.iter().find(|k| k.id == *t).cloned()).collect();
                            let mentioned = store.mentioned.contains(&c.id());
                            html! {
                                <li key={c.id().0}>
                                    <InboxRow {conv} now={store.now} current={store.focused == Some(c.id())}
                                        {me} locale={store.settings.locale} position={positions.get(&c.id()).copied()}
                                        {tags} {mentioned} />
                                </li>
                            }
                        }) }
                    </ul>
                }
                if store.history.more && !store.history.loading {
                    <button type="button" class="more" onclick={more}>{ s.load_more }</button>
                }
            </div>
            <TeamPanel />
        </nav>
    }
}
