//! "Close this conversation?" confirmation.

use natter_protocol::ConversationId;
use yew::prelude::*;

use super::modal::Modal;
use super::use_store;
use crate::state::Action;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
}

#[component]
pub fn ConfirmClose(p: &Props) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let id = p.id;
    let cancel = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowDialog(None)))
    };
    let confirm = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::CloseConversation(id)))
    };
    html! {
        <Modal id="close-dialog" title={ s.close_conversation }>
            <p>{ s.confirm_close }</p>
            <div class="actions">
                <button type="button" onclick={cancel}>{ s.cancel }</button>
                <button type="button" class="primary" onclick={confirm}>{ s.close_conversation }</button>
            </div>
        </Modal>
    }
}
