//! The workspace settings page (owners and admins): widget, pre-chat form,
//! business hours, routing and agents on the left, the live preview on the
//! right; one Save for all of it. Errors the relay names appear next to their
//! field and in a summary at the top.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::agents_form::AgentsForm;
use super::behaviour_form::BehaviourForm;
use super::csat_form::CsatForm;
use super::email_section::EmailSection;
use super::files_form::FilesForm;
use super::hours_form::HoursForm;
use super::identity_section::IdentitySection;
use super::install_section::InstallSection;
use super::metrics_form::MetricsForm;
use super::prechat_editor::PrechatEditor;
use super::routing_form::RoutingForm;
use super::tags_section::TagsSection;
use super::team_section::TeamSection;
use super::use_store;
use super::widget_form::WidgetForm;
use super::widget_preview::WidgetPreview;
use super::workspace_section::WorkspaceSection;
use crate::i18n::fill;
use crate::state::Action;
use crate::state::admin::{AdminAction, AdminStatus};
use crate::web::dom;

/// Focuses the first field marked invalid (after the render that marked it).
fn focus_invalid() {
    let Some(el) = dom::document().and_then(|d| d.query_selector("[aria-invalid=true]").ok().flatten()) else { return };
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

#[component]
pub fn AdminPage() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let a = &store.admin;
    match &a.status {
        AdminStatus::Loading => return html! { <main class="admin"><p role="status">{ s.adm_loading }</p></main> },
        AdminStatus::LoadFailed(m) => {
            return html! { <main class="admin"><p class="msg error" role="alert">{ fill(s.adm_load_failed, &[m]) }</p></main> };
        }
        _ => {}
    }
    {
        // After a refusal, take the admin to the field it names.
        let error = a.error.clone();
        use_effect_with(error, |error| {
            if error.is_some() {
                focus_invalid();
            }
        });
    }
    let dirty = a.dirty();
    let saving = a.status == AdminStatus::Saving;
    let onsubmit = {
        let store = store.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            store.dispatch(Action::Admin(AdminAction::Save));
        })
    };
    let discard = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Admin(AdminAction::Discard)))
    };
    let status = match (&a.status, &a.error, dirty) {
        (AdminStatus::Saving, ..) => html! { <span>{ s.adm_saving }</span> },
        (_, Some(e), _) => {
            let w = store.settings.locale.workspace_strings();
            let text = crate::state::greetings::error_text(a, &e.field, s, w).unwrap_or(&e.message);
            html! { <span class="msg error" id="admin-error">{ fill(s.adm_error, &[text]) }</span> }
        }
        (AdminStatus::Saved, None, false) => html! { <span class="ok">{ s.adm_saved }</span> },
        (_, None, true) => html! { <span>{ s.adm_unsaved }</span> },
        _ => html! {},
    };
    html! {
        <main class="admin" aria-labelledby="admin-title">
            <form class="admin-form" {onsubmit} novalidate=true>
                <div class="admin-bar">
                    <h1 id="admin-title">{ s.admin_settings }</h1>
                    <span role="status" aria-live="polite" class="admin-status">{ status }</span>
                    <button type="button" onclick={discard} disabled={!dirty || saving}>{ s.adm_discard }</button>
                    <button type="submit" class="primary" id="admin-save" disabled={saving}>
                        { if saving { s.adm_saving } else { s.adm_save } }
                    </button>
                </div>
                <div class="admin-cols">
                    <div class="admin-sections" key={a.generation}>
                        <WidgetForm />
                        <BehaviourForm />
                        <PrechatEditor />
                        <HoursForm />
                        <RoutingForm />
                        <FilesForm />
                        <CsatForm />
                        <AgentsForm />
                        <MetricsForm />
                        <IdentitySection />
                        <InstallSection />
                    </div>
                    <WidgetPreview widget={a.draft.widget.clone()} locale={store.settings.locale}
                        texts_language={a.texts_language.clone()} />
                </div>
            </form>
            // Outside the settings form: these change the relay at once, not on Save.
            <div class="admin-desk">
                <WorkspaceSection />
                <TeamSection />
                <TagsSection />
                <EmailSection />
            </div>
        </main>
    }
}
