//! Transfer a conversation to a colleague, with an optional note that only
//! agents see.

use natter_protocol::{AgentId, ConversationId};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::modal::Modal;
use super::use_store;
use crate::state::Action;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
}

#[component]
pub fn TransferDialog(p: &Props) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let me = store.my_id();
    let colleagues: Vec<_> = store.agents.iter().filter(|a| a.id != me).cloned().collect();
    let to = use_state(|| colleagues.first().map(|a| a.id));
    let note = use_state(String::new);
    let id = p.id;
    let onchange = {
        let to = to.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            to.set(v.parse().ok().map(AgentId));
        })
    };
    let oninput = {
        let note = note.clone();
        Callback::from(move |e: InputEvent| note.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let onsubmit = {
        let (store, to, note) = (store.clone(), to.clone(), note.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(to) = *to {
                store.dispatch(Action::Transfer { id, to, note: (*note).clone() });
            }
        })
    };
    let cancel = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowDialog(None)))
    };
    html! {
        <Modal id="transfer-dialog" title={ s.transfer_title }>
            <form {onsubmit}>
                if colleagues.is_empty() {
                    <p>{ s.no_colleagues }</p>
                } else {
                    <div class="field">
                        <label for="transfer-to">{ s.transfer_to }</label>
                        <select id="transfer-to" {onchange}>
                            { for colleagues.iter().map(|a| html! {
                                <option value={a.id.0.to_string()} selected={*to == Some(a.id)}>
                                    { format!("{} <{}>", a.name, a.email) }
                                </option>
                            }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="transfer-note">{ s.transfer_note }</label>
                        <textarea id="transfer-note" rows="3" value={(*note).clone()} {oninput} />
                    </div>
                }
                <div class="actions">
                    <button type="button" onclick={cancel}>{ s.cancel }</button>
                    <button type="submit" class="primary" disabled={to.is_none()}>{ s.transfer }</button>
                </div>
            </form>
        </Modal>
    }
}
