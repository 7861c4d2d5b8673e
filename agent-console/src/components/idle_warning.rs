//! The idle warning: during the last two minutes before an idle sign-out, a
//! countdown and a button to stay (any activity also cancels it).

use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;
use crate::state::Action;
use crate::state::idle::IdleStatus;
use crate::web::dom;

#[component]
pub fn IdleWarning() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    // The countdown at the moment the warning appeared: what screen readers hear.
    let first = use_mut_ref(|| None::<u64>);
    let IdleStatus::Warning { secs_left } = store.idle_status() else {
        *first.borrow_mut() = None;
        return html! {};
    };
    let announced = *first.borrow_mut().get_or_insert(secs_left);
    let stay = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Activity { now: dom::now() }))
    };
    html! {
        <div class="banner" role="alert" id="idle-warning">
            // Announced once; the ticking number is for eyes only.
            <span class="sr-only">{ fill(s.idle_warning, &[&announced.to_string()]) }</span>
            <span aria-hidden="true">{ fill(s.idle_warning, &[&secs_left.to_string()]) }</span>
            <button type="button" class="primary" onclick={stay}>{ s.stay_signed_in }</button>
        </div>
    }
}
