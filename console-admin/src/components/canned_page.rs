//! The canned responses screen (every agent): the shared responses and the
//! agent's own, each with category, shortcut, text, quick replies and uses;
//! create, edit and delete (shared ones by owners and admins only: plain
//! agents see them read-only), and CSV import and export. Loaded fresh from
//! the relay each time it opens.

use natter_protocol::{CannedResponse, CannedScope};
use yew::prelude::*;

use super::canned_csv::CannedCsv;
use super::canned_form::CannedForm;
use super::use_store;
use crate::i18n::{CannedStrings, fill};
use crate::state::Action;
use crate::state::canned::{CannedAction, Load};
use crate::web::runtime;

fn dispatch(a: CannedAction) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| runtime::dispatch(Action::Canned(a.clone())))
}

/// A response's Edit and Delete buttons (or the delete question).
fn actions(r: &CannedResponse, asking: bool, c: &CannedStrings) -> Html {
    let id = r.id;
    if asking {
        return html! {
            <span class="confirm" role="group" aria-label={ fill(c.confirm_delete, &[&r.shortcut]) }>
                <span>{ fill(c.confirm_delete, &[&r.shortcut]) }</span>
                <button type="button" class="danger" onclick={dispatch(CannedAction::Delete(id))}>{ c.delete }</button>
                <button type="button" onclick={dispatch(CannedAction::AskDelete(None))}>{ c.keep }</button>
            </span>
        };
    }
    html! {
        <>
            <button type="button" class="link" onclick={dispatch(CannedAction::Edit(id))}
                aria-label={ fill(c.edit_of, &[&r.shortcut]) }>{ c.edit }</button>
            <button type="button" class="link" onclick={dispatch(CannedAction::AskDelete(Some(id)))}
                aria-label={ fill(c.delete_of, &[&r.shortcut]) }>{ c.delete }</button>
        </>
    }
}

/// One scope's table.
fn table(
    list: &[&CannedResponse],
    editable: bool,
    asking: Option<natter_protocol::CannedId>,
    c: &CannedStrings,
) -> Html {
    if list.is_empty() {
        return html! { <p class="hint">{ c.none_yet }</p> };
    }
    let rows = list.iter().map(|r| {
        html! {
            <tr key={r.id.0}>
                <td class="sc">{ format!("/{}", r.shortcut) }</td>
                <td dir="auto">{ r.category.clone().unwrap_or_default() }</td>
                <td class="text" dir="auto">{ r.text.clone() }</td>
                <td dir="auto">{ r.quick_replies.join(" · ") }</td>
                <td class="num">{ r.uses }</td>
                if editable { <td class="acts">{ actions(r, asking == Some(r.id), c) }</td> }
            </tr>
        }
    });
    html! {
        <table class="canned-table">
            <thead><tr>
                <th scope="col">{ c.col_shortcut }</th>
                <th scope="col">{ c.col_category }</th>
                <th scope="col">{ c.col_text }</th>
                <th scope="col">{ c.col_quick }</th>
                <th scope="col" class="num">{ c.col_uses }</th>
                if editable { <th scope="col">{ c.col_actions }</th> }
            </tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

#[component]
pub fn CannedPage() -> Html {
    let store = use_store();
    let c = store.settings.locale.strings().canned;
    let k = &store.canned;
    let of = |scope: CannedScope| -> Vec<&CannedResponse> {
        let mut list: Vec<&CannedResponse> = k.list.iter().filter(|r| r.scope == scope).collect();
        list.sort_by(|a, b| a.category.cmp(&b.category).then(a.shortcut.cmp(&b.shortcut)));
        list
    };
    let status = match &k.load {
        Load::Loading if k.list.is_empty() => html! { <p role="status">{ c.loading }</p> },
        Load::Failed(m) => html! { <p class="msg error" role="alert">{ fill(c.load_failed, &[m]) }</p> },
        _ => html! {},
    };
    // A refused delete (a save's refusal shows in the form).
    let refused = k.error.as_ref().filter(|_| k.form.is_none());
    let section = |scope: CannedScope, heading: &'static str, id: &'static str| {
        let editable = store.may_change(scope);
        html! {
            <section class="card" aria-labelledby={id}>
                <h2 {id}>{ heading }</h2>
                if !editable { <p class="hint">{ c.shared_read_only }</p> }
                { table(&of(scope), editable, k.confirm_delete, c) }
            </section>
        }
    };
    html! {
        <main class="admin canned-page" aria-labelledby="canned-title">
            <div class="admin-bar">
                <h1 id="canned-title">{ c.title }</h1>
                <button type="button" class="primary" id="canned-new" onclick={dispatch(CannedAction::New)}
                    disabled={k.form.is_some()}>{ c.new }</button>
            </div>
            <p class="hint canned-intro">{ c.intro }</p>
            { status }
            if let Some(e) = refused { <p class="msg error" role="alert">{ fill(c.refused, &[&e.message]) }</p> }
            <div class="admin-sections">
                <CannedForm />
                { section(CannedScope::Personal, c.personal_heading, "canned-personal") }
                { section(CannedScope::Shared, c.shared_heading, "canned-shared") }
                <CannedCsv />
            </div>
        </main>
    }
}
