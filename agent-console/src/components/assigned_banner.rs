//! "New conversation assigned to you": a banner when a colleague transfers a
//! conversation to this agent (or the relay assigns one), with Open and Dismiss,
//! until the agent opens it. The sound and the inbox highlight go with it.

use yew::prelude::*;

use super::use_store;
use crate::format;
use crate::i18n::fill;
use crate::state::Action;

#[component]
pub fn AssignedBanner() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let Some((id, label)) = store.assigned_banner.and_then(|id| store.conv(id).map(|c| (id, c.label()))) else {
        return html! {};
    };
    let open = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Open(id)))
    };
    let dismiss = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::DismissAssigned))
    };
    html! {
        <div class="banner assigned" id="assigned-banner">
            <strong>{ fill(s.assigned_banner, &[&format::label(s, &label)]) }</strong>
            <span class="spacer"></span>
            <button type="button" class="primary" onclick={open}>{ s.open_it }</button>
            <button type="button" onclick={dismiss}>{ s.dismiss }</button>
        </div>
    }
}
