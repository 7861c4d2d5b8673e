//! Settings page, files section: whether visitors may send files, the largest
//! file, the accepted types, and whether files the virus scanner could not
//! check are accepted (with a warning). Saved with the rest of the settings.

use natter_protocol::{FileType, TenantSettings};
use yew::prelude::*;

use super::form_bits::{Input, aria, check, error_line, input, on_check};
use super::use_store;
use crate::i18n::files::type_name;
use crate::state::admin::{MAX_FILE_MB, number, set_file_type};

type TypeSetter = fn(&mut TenantSettings, &str);

/// One setter per type (the settings' setters are plain functions).
const TYPE_SETTERS: [(FileType, TypeSetter); 6] = [
    (FileType::Jpeg, |d, v| set_file_type(d, FileType::Jpeg, v == "true")),
    (FileType::Png, |d, v| set_file_type(d, FileType::Png, v == "true")),
    (FileType::Webp, |d, v| set_file_type(d, FileType::Webp, v == "true")),
    (FileType::Gif, |d, v| set_file_type(d, FileType::Gif, v == "true")),
    (FileType::Pdf, |d, v| set_file_type(d, FileType::Pdf, v == "true")),
    (FileType::Text, |d, v| set_file_type(d, FileType::Text, v == "true")),
];

/// The wire name of a type (`jpeg`…), for element ids.
fn type_key(t: FileType) -> &'static str {
    match t {
        FileType::Jpeg => "jpeg",
        FileType::Png => "png",
        FileType::Webp => "webp",
        FileType::Gif => "gif",
        FileType::Pdf => "pdf",
        FileType::Text => "text",
    }
}

#[component]
pub fn FilesForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let f = s.files;
    let a = &store.admin;
    let files = &a.draft.files;
    let max = files.max_mb.to_string();
    let types_error = a.error_text("files.allowed_types", s);
    let (types_described, types_invalid) = aria("f-types", types_error);
    let types_described =
        Some(types_described.map_or_else(|| "f-types-hint".to_owned(), |e| format!("f-types-hint {e}")));
    html! {
        <section class="card" aria-labelledby="sec-files">
            <h2 id="sec-files">{ f.sec_files }</h2>
            { check("f-visitors", f.f_visitor_uploads, files.visitor_uploads, |d, v| d.files.visitor_uploads = v == "true") }
            <p class="hint">{ f.f_visitor_hint }</p>
            { input(
                Input { id: "f-max-mb", label: f.f_max_mb, kind: "number", value: &max,
                    error: a.error_text("files.max_mb", s) },
                |d, v| d.files.max_mb = number(v).unwrap_or(d.files.max_mb),
                Some((1, MAX_FILE_MB)),
            ) }
            <fieldset class="types" aria-describedby={types_described}>
                <legend>{ f.f_types }</legend>
                { for TYPE_SETTERS.iter().map(|&(t, setter)| {
                    let id = format!("f-type-{}", type_key(t));
                    html! {
                        <label class="check" for={id.clone()}>
                            <input {id} type="checkbox" checked={files.allowed_types.contains(&t)}
                                aria-invalid={types_invalid} onchange={on_check(setter)} />
                            { type_name(f, t) }
                        </label>
                    }
                }) }
                <p class="hint" id="f-types-hint">{ f.f_types_hint }</p>
                { error_line("f-types", types_error) }
            </fieldset>
            <label class="check" for="f-unscanned">
                <input id="f-unscanned" type="checkbox" checked={files.accept_unscanned}
                    aria-describedby="f-unscanned-warning"
                    onchange={on_check(|d, v| d.files.accept_unscanned = v == "true")} />
                { f.f_accept_unscanned }
            </label>
            <p class={classes!("hint", files.accept_unscanned.then_some("warn"))} id="f-unscanned-warning">
                <span aria-hidden="true">{ "⚠ " }</span>{ f.f_unscanned_warning }
            </p>
        </section>
    }
}
