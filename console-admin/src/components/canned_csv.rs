//! CSV export (a download per scope) and import (a file input; the scope is
//! chosen first, shared for owners and admins only) on the canned responses
//! screen. A refused import says which row and why.

use natter_protocol::CannedScope;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::use_store;
use crate::i18n::{CannedStrings, fill};
use crate::state::Action;
use crate::state::canned::{CannedAction, ImportStatus, Refusal};
use crate::web::runtime;

/// Reads the picked file as text and hands it to the store for import.
fn import_file(scope: CannedScope, input: &HtmlInputElement) {
    let Some(file) = input.files().and_then(|l| l.get(0)) else { return };
    // The same file may be picked again after a fix.
    input.set_value("");
    wasm_bindgen_futures::spawn_local(async move {
        let csv = JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string());
        let action = match csv {
            Some(csv) => CannedAction::Import { scope, csv },
            None => CannedAction::Imported(Err(Refusal { field: None, message: String::new() })),
        };
        runtime::dispatch(Action::Canned(action));
    });
}

fn status_text(status: &ImportStatus, c: &CannedStrings) -> Option<(String, bool)> {
    Some(match status {
        ImportStatus::Idle => return None,
        ImportStatus::Busy => (c.importing.to_owned(), false),
        ImportStatus::Done(n) => (fill(c.imported, &[&n.to_string()]), false),
        ImportStatus::Failed { row: Some(row), message } => (fill(c.import_row, &[&row.to_string(), message]), true),
        ImportStatus::Failed { row: None, message } if message.is_empty() => (c.file_unreadable.to_owned(), true),
        ImportStatus::Failed { row: None, message } => (fill(c.import_failed, &[message]), true),
    })
}

#[component]
pub fn CannedCsv() -> Html {
    let store = use_store();
    let c = store.settings.locale.strings().canned;
    let admin = store.is_admin();
    let scope = use_state(|| CannedScope::Personal);
    let export = |scope: CannedScope| {
        Callback::from(move |_: MouseEvent| runtime::dispatch(Action::Canned(CannedAction::Export(scope))))
    };
    let onscope = {
        let scope = scope.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            scope.set(if v == "shared" { CannedScope::Shared } else { CannedScope::Personal });
        })
    };
    let onchange = {
        let scope = *scope;
        Callback::from(move |e: Event| import_file(scope, &e.target_unchecked_into::<HtmlInputElement>()))
    };
    let status = status_text(&store.canned.import, c);
    html! {
        <section class="card canned-csv" aria-labelledby="canned-csv-title">
            <h2 id="canned-csv-title">{ c.csv_heading }</h2>
            <p class="hint">{ c.csv_hint }</p>
            <div class="row-buttons">
                <button type="button" onclick={export(CannedScope::Shared)}>{ c.export_shared }</button>
                <button type="button" onclick={export(CannedScope::Personal)}>{ c.export_personal }</button>
            </div>
            if admin {
                <div class="field">
                    <label for="canned-import-scope">{ c.import_into }</label>
                    <select id="canned-import-scope" onchange={onscope}>
                        <option value="personal" selected={*scope == CannedScope::Personal}>{ c.personal }</option>
                        <option value="shared" selected={*scope == CannedScope::Shared}>{ c.shared }</option>
                    </select>
                </div>
            }
            <div class="field">
                <label for="canned-import">{ c.import_file }</label>
                <input id="canned-import" type="file" accept=".csv,text/csv" {onchange}
                    disabled={store.canned.import == ImportStatus::Busy} />
            </div>
            <div role="status" aria-live="polite">
                if let Some((text, failed)) = status {
                    <p class={classes!("msg", if failed { "error" } else { "info" })} id="canned-import-status">{ text }</p>
                }
            </div>
        </section>
    }
}
