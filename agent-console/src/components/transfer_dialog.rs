//! Transfer a conversation to a colleague, or back to the queue of a department
//! (skill), with an optional note that only agents see. Colleagues the relay
//! has offline are marked (the relay refuses a transfer to them).

use natter_protocol::{AgentId, AgentStatus, ConversationId};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::modal::Modal;
use super::use_store;
use crate::i18n::fill;
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
    let skills = store.skills();
    let to = use_state(|| colleagues.first().map(|a| a.id));
    let to_skill = use_state(|| false);
    let skill = use_state(|| skills.first().cloned().unwrap_or_default());
    let note = use_state(String::new);
    let id = p.id;
    let onchange = {
        let to = to.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            to.set(v.parse().ok().map(AgentId));
        })
    };
    let on_mode = |skill_mode: bool| {
        let to_skill = to_skill.clone();
        Callback::from(move |_: Event| to_skill.set(skill_mode))
    };
    let on_skill = {
        let skill = skill.clone();
        Callback::from(move |e: InputEvent| skill.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let oninput = {
        let note = note.clone();
        Callback::from(move |e: InputEvent| note.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let onsubmit = {
        let (store, to, note, to_skill, skill) =
            (store.clone(), to.clone(), note.clone(), to_skill.clone(), skill.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let note = (*note).clone();
            if *to_skill {
                store.dispatch(Action::TransferToSkill { id, skill: (*skill).clone(), note });
            } else if let Some(to) = *to {
                store.dispatch(Action::Transfer { id, to, note });
            }
        })
    };
    let cancel = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowDialog(None)))
    };
    let offline = |a: AgentId| store.presence.get(&a).is_some_and(|p| p.status == AgentStatus::Offline);
    let can_submit = if *to_skill { !skill.trim().is_empty() } else { to.is_some() };
    html! {
        <Modal id="transfer-dialog" title={ s.transfer_title }>
            <form {onsubmit}>
                <fieldset class="choice">
                    <legend class="sr-only">{ s.transfer_title }</legend>
                    <label class="check">
                        <input type="radio" name="transfer-kind" checked={!*to_skill} onchange={on_mode(false)} />
                        { s.transfer_agent }
                    </label>
                    <label class="check">
                        <input type="radio" name="transfer-kind" checked={*to_skill} onchange={on_mode(true)} />
                        { s.transfer_skill }
                    </label>
                </fieldset>
                if *to_skill {
                    <div class="field">
                        <label for="transfer-skill">{ s.transfer_skill_label }</label>
                        <input id="transfer-skill" list="known-skills" value={(*skill).clone()} oninput={on_skill}
                            aria-describedby="transfer-skill-hint" />
                        <datalist id="known-skills">
                            { for skills.iter().map(|k| html! { <option value={k.clone()} /> }) }
                        </datalist>
                        <p class="who" id="transfer-skill-hint">{ s.transfer_skill_hint }</p>
                    </div>
                } else if colleagues.is_empty() {
                    <p>{ s.no_colleagues }</p>
                } else {
                    <div class="field">
                        <label for="transfer-to">{ s.transfer_to }</label>
                        <select id="transfer-to" {onchange}>
                            { for colleagues.iter().map(|a| {
                                let text = format!("{} <{}>", a.name, a.email);
                                let text = if offline(a.id) { fill(s.agent_is_offline, &[&text]) } else { text };
                                html! { <option value={a.id.0.to_string()} selected={*to == Some(a.id)}>{ text }</option> }
                            }) }
                        </select>
                    </div>
                }
                <div class="field">
                    <label for="transfer-note">{ s.transfer_note }</label>
                    <textarea id="transfer-note" rows="3" value={(*note).clone()} {oninput} />
                </div>
                <div class="actions">
                    <button type="button" onclick={cancel}>{ s.cancel }</button>
                    <button type="submit" class="primary" disabled={!can_submit}>{ s.transfer }</button>
                </div>
            </form>
        </Modal>
    }
}
