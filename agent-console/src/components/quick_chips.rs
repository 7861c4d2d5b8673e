//! The quick replies waiting to go with a composer's next message (brought by
//! an inserted canned response), as removable chips above the reply box.

use natter_protocol::ConversationId;
use yew::prelude::*;

use crate::i18n::{Locale, fill};
use crate::state::Action;
use crate::state::canned::CannedAction;
use crate::web::runtime;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
    pub replies: Vec<String>,
    pub locale: Locale,
}

#[component]
pub fn QuickChips(p: &Props) -> Html {
    if p.replies.is_empty() {
        return html! {};
    }
    let c = p.locale.strings().canned;
    let id = p.id;
    let chips = p.replies.iter().enumerate().map(|(index, reply)| {
        let remove = Callback::from(move |_: MouseEvent| {
            runtime::dispatch(Action::Canned(CannedAction::RemoveQuick { id, index }));
        });
        let label = fill(c.quick_remove, &[reply]);
        html! {
            <li key={reply.clone()} class="chip">
                <span dir="auto">{ reply.clone() }</span>
                <button type="button" class="x" onclick={remove} aria-label={label.clone()} title={label}>
                    <span aria-hidden="true">{ "×" }</span>
                </button>
            </li>
        }
    });
    html! {
        <ul class="quick-chips" aria-label={ c.quick_label }>{ for chips }</ul>
    }
}
