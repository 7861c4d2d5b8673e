//! The workspace card (owners and admins): the shop's name, shown in the
//! widget's header and as `{{shop.name}}`, saved on its own (it applies at
//! once, not with the settings form's Save); a refusal shows at the field.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::form_bits::{aria, error_line};
use super::local::use_screen;
use super::use_store;
use crate::i18n::fill;
use crate::state::workspace::{NameAction, NameProblem, NameState, SaveStatus};
use crate::web::workspace_api;

#[component]
pub fn WorkspaceSection() -> Html {
    let store = use_store();
    let w = store.settings.locale.workspace_strings();
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let name = use_screen::<NameState, _, _>(token, workspace_api::name_command);
    {
        let name = name.dispatcher();
        use_effect_with((), move |_| name.dispatch(NameAction::Reload));
    }
    let n = &name.0;
    let body = match &n.status {
        SaveStatus::Loading => html! { <p role="status">{ w.loading }</p> },
        SaveStatus::LoadFailed(m) => html! { <p class="msg error" role="alert">{ fill(w.load_failed, &[m]) }</p> },
        _ => {
            let error = n.problem.as_ref().map(|p| match p {
                NameProblem::Invalid => w.e_name.to_owned(),
                NameProblem::Other(m) => m.clone(),
            });
            let (described, invalid) = aria("ws-name", error.as_deref());
            let oninput = {
                let name = name.dispatcher();
                Callback::from(move |e: InputEvent| {
                    name.dispatch(NameAction::Edit(e.target_unchecked_into::<HtmlInputElement>().value()));
                })
            };
            let onsubmit = {
                let name = name.dispatcher();
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    name.dispatch(NameAction::Submit);
                })
            };
            let saving = n.status == SaveStatus::Saving;
            let status = match n.status {
                SaveStatus::Saving => w.saving,
                SaveStatus::Saved => w.saved,
                _ => "",
            };
            html! {
                <form id="ws-name-form" {onsubmit} novalidate=true>
                    <div class="field">
                        <label for="ws-name">{ w.shop_name }</label>
                        <input id="ws-name" type="text" value={n.draft.clone()} {oninput} maxlength="200"
                            aria-describedby={described} aria-invalid={invalid} />
                        { error_line("ws-name", error.as_deref()) }
                    </div>
                    <div class="actions">
                        <span role="status" aria-live="polite" id="ws-name-status">{ status }</span>
                        <button type="submit" class="primary" disabled={saving || !n.dirty()}>{ w.save_name }</button>
                    </div>
                </form>
            }
        }
    };
    html! {
        <section class="card" aria-labelledby="sec-workspace">
            <h2 id="sec-workspace">{ w.ws_title }</h2>
            <p class="hint">{ w.ws_hint }</p>
            { body }
        </section>
    }
}
