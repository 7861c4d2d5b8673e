//! Settings page, agents section: each agent's skills (departments they take)
//! and their own chat limit.

use natter_protocol::AgentId;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::form_bits::{aria, error_line};
use super::use_store;
use crate::i18n::fill;
use crate::state::Action;
use crate::state::admin::{AdminAction, AgentDraft};
use crate::web::runtime;

/// Which of an agent's two inputs changed.
#[derive(Debug, Clone, Copy)]
enum Part {
    Skills,
    MaxChats,
}

fn on_input(id: AgentId, draft: AgentDraft, part: Part) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        let mut d = draft.clone();
        match part {
            Part::Skills => d.skills = v,
            Part::MaxChats => d.max_chats = v,
        }
        runtime::dispatch(Action::Admin(AdminAction::EditAgent(id, d)));
    })
}

#[component]
pub fn AgentsForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let a = &store.admin;
    let rows = a.agents.iter().map(|view| {
        let id = view.agent.id;
        let draft = a.agent_drafts.get(&id).cloned().unwrap_or_default();
        let (skills_id, max_id) = (format!("a{id}-skills"), format!("a{id}-max"));
        let skills_err = a.error_text(&format!("agents.{id}.skills"), s);
        let max_err = a.error_text(&format!("agents.{id}.max_chats"), s).or_else(|| {
            a.error.as_ref().filter(|e| e.field == format!("agents.{id}")).map(|e| e.message.as_str())
        });
        let (sd, si) = aria(&skills_id, skills_err);
        let (md, mi) = aria(&max_id, max_err);
        html! {
            <tr key={id.0}>
                <th scope="row">{ view.agent.name.clone() }<br /><span class="who">{ view.agent.email.clone() }</span></th>
                <td>
                    <input id={skills_id.clone()} value={draft.skills.clone()} aria-label={fill(s.a_skills_of, &[&view.agent.name])}
                        aria-describedby={sd} aria-invalid={si} oninput={on_input(id, draft.clone(), Part::Skills)} />
                    { error_line(&skills_id, skills_err) }
                </td>
                <td>
                    <input id={max_id.clone()} type="number" min="1" max="50" value={draft.max_chats.clone()}
                        aria-label={fill(s.a_max_of, &[&view.agent.name])} placeholder={a.draft.routing.default_max_chats.to_string()}
                        aria-describedby={md} aria-invalid={mi} oninput={on_input(id, draft.clone(), Part::MaxChats)} />
                    { error_line(&max_id, max_err) }
                </td>
            </tr>
        }
    });
    html! {
        <section class="card" aria-labelledby="sec-agents">
            <h2 id="sec-agents">{ s.sec_agents }</h2>
            <table class="agents">
                <thead><tr><th scope="col">{ s.a_agent }</th><th scope="col">{ s.a_skills }</th><th scope="col">{ s.a_max }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}
