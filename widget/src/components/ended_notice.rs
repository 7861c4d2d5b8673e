//! The end-of-chat area: the post-chat survey, the notice, "email me this
//! conversation" and a button to start a new chat.

use yew::prelude::*;

use super::survey::survey;
use super::transcript::transcript;
use super::use_store;
use crate::state::Action;
use crate::web::runtime::START_ID;

#[component]
pub fn EndedNotice() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let again = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::NewChat))
    };
    html! {
        <div class="ended">
            { survey(&store) }
            <p>{ s.ended_notice }</p>
            { transcript(&store) }
            <button type="button" id={START_ID} class="primary" onclick={again}>{ s.new_chat }</button>
        </div>
    }
}
