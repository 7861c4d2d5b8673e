//! Settings page, install section: the exact `<script>` tag for this workspace
//! (with Copy), the allowed origins (added and removed at once, not with the
//! page's Save: the relay applies them immediately), the embeds the relay
//! refused, and "test my page". Its data is its own (the install endpoints), so
//! it keeps it in a local reducer rather than in the settings draft.

use std::rc::Rc;

use natter_protocol::origin::normalize_pattern;
use natter_protocol::{ErrorCode, InstallInfo, PageCheck, RefusedEmbed};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_store;
use crate::format;
use crate::i18n::install::{check_lines, origin_error_text, refusal_text};
use crate::i18n::{InstallStrings, fill};
use crate::web::api::{self, InstallRefusal};
use crate::web::dom;

/// The section's own state.
#[derive(Debug, Clone, PartialEq, Default)]
struct Local {
    info: Option<InstallInfo>,
    load_error: Option<String>,
    new_origin: String,
    origin_error: Option<String>,
    origin_saved: bool,
    saving: bool,
    url: String,
    checking: bool,
    check: Option<Result<PageCheck, String>>,
    copied: bool,
}

enum Msg {
    Loaded(Result<InstallInfo, String>),
    NewOrigin(String),
    OriginRefused(String),
    Saving,
    Saved(Vec<String>),
    Url(String),
    Checking,
    Checked(Result<PageCheck, String>),
    Copied,
}

impl Reducible for Local {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut l = (*self).clone();
        match msg {
            Msg::Loaded(Ok(info)) => (l.info, l.load_error) = (Some(info), None),
            Msg::Loaded(Err(e)) => l.load_error = Some(e),
            Msg::NewOrigin(text) => (l.new_origin, l.origin_error, l.origin_saved) = (text, None, false),
            Msg::OriginRefused(e) => (l.origin_error, l.saving, l.origin_saved) = (Some(e), false, false),
            Msg::Saving => (l.saving, l.origin_error, l.origin_saved) = (true, None, false),
            Msg::Saved(origins) => {
                if let Some(info) = &mut l.info {
                    info.origins = origins;
                }
                (l.saving, l.origin_saved, l.new_origin) = (false, true, String::new());
            }
            Msg::Url(url) => l.url = url,
            Msg::Checking => (l.checking, l.check) = (true, None),
            Msg::Checked(result) => (l.checking, l.check) = (false, Some(result)),
            Msg::Copied => l.copied = true,
        }
        Rc::new(l)
    }
}

type Handle = UseReducerHandle<Local>;

/// A relay refusal in the owner's language (the relay's own words as detail).
fn refusal_words(s: &InstallStrings, r: &InstallRefusal) -> String {
    match r.code {
        Some(ErrorCode::PageUnreachable) => fill(s.err_unreachable, &[&r.message]),
        Some(ErrorCode::RateLimited) => s.err_busy.to_owned(),
        Some(ErrorCode::InvalidInput) if r.message.contains("page address") => s.err_bad_url.to_owned(),
        _ => fill(s.err_refused, &[&r.message]),
    }
}

fn load(local: Handle, token: String, s: &'static InstallStrings) {
    wasm_bindgen_futures::spawn_local(async move {
        let result = api::install_info(token).await.map_err(|r| fill(s.load_failed, &[&r.message]));
        local.dispatch(Msg::Loaded(result));
    });
}

/// Saves a new list of origins, then reloads (the refused list forgets what is now allowed).
fn save(local: Handle, token: String, s: &'static InstallStrings, origins: Vec<String>) {
    local.dispatch(Msg::Saving);
    wasm_bindgen_futures::spawn_local(async move {
        match api::put_origins(token.clone(), origins).await {
            Ok(saved) => {
                local.dispatch(Msg::Saved(saved));
                load(local, token, s);
            }
            Err(r) => local.dispatch(Msg::OriginRefused(refusal_words(s, &r))),
        }
    });
}

/// Adds `text` after checking it as the relay will, so the words can be the owner's language.
fn add(local: &Handle, token: &str, s: &'static InstallStrings, text: &str) {
    let Some(current) = local.info.as_ref().map(|i| i.origins.clone()) else { return };
    match normalize_pattern(text) {
        Err(e) => local.dispatch(Msg::OriginRefused(origin_error_text(s, &e))),
        Ok(origin) if current.contains(&origin) => {
            local.dispatch(Msg::OriginRefused(fill(s.origin_duplicate, &[&origin])))
        }
        Ok(origin) => save(local.clone(), token.to_owned(), s, [current, vec![origin]].concat()),
    }
}

fn check(local: Handle, token: String, s: &'static InstallStrings, url: String) {
    local.dispatch(Msg::Checking);
    wasm_bindgen_futures::spawn_local(async move {
        let result = api::check_page(token, url).await.map_err(|r| refusal_words(s, &r));
        local.dispatch(Msg::Checked(result));
    });
}

/// `navigator.clipboard.writeText(text)`, where the browser offers it.
pub(crate) fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("clipboard")).ok();
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &JsValue::from_str("writeText")).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match (clipboard, write) {
        (Some(c), Some(f)) => f.call1(&c, &JsValue::from_str(text)).is_ok(),
        _ => false,
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

#[component]
pub fn InstallSection() -> Html {
    let store = use_store();
    let s: &'static InstallStrings = store.settings.locale.install_strings();
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let local = use_reducer(Local::default);
    {
        let (local, token) = (local.clone(), token.clone());
        use_effect_with((), move |_| load(local, token, s));
    }
    let body = match (&local.info, &local.load_error) {
        (_, Some(e)) => html! { <p class="msg error" role="alert">{ e.clone() }</p> },
        (None, None) => html! { <p role="status">{ s.loading }</p> },
        (Some(info), None) => html! {
            <>
                { script_tag(&local, s, info) }
                { origins(&local, &token, s, info) }
                { refused(&local, &token, s, info) }
                { page_check(&local, &token, s, info) }
            </>
        },
    };
    html! {
        <section class="card install" aria-labelledby="sec-install" id="install">
            <h2 id="sec-install">{ s.title }</h2>
            { body }
        </section>
    }
}

fn script_tag(local: &Handle, s: &'static InstallStrings, info: &InstallInfo) -> Html {
    let copy = {
        let (local, tag) = (local.clone(), info.script_tag.clone());
        Callback::from(move |_: MouseEvent| {
            if copy_text(&tag) {
                local.dispatch(Msg::Copied);
            } else if let Some(el) = dom::document().and_then(|d| d.get_element_by_id("install-tag")) {
                // No clipboard access: select the tag so Ctrl+C copies it.
                if let Ok(input) = el.dyn_into::<HtmlInputElement>() {
                    input.select();
                }
            }
        })
    };
    html! {
        <>
            <p class="hint">{ s.explain }</p>
            <label for="install-tag">{ s.script_label }</label>
            <div class="row-inline">
                <input id="install-tag" readonly=true spellcheck="false" value={ info.script_tag.clone() } />
                <button type="button" id="install-copy" onclick={copy}>{ if local.copied { s.copied } else { s.copy } }</button>
            </div>
        </>
    }
}

fn origins(local: &Handle, token: &str, s: &'static InstallStrings, info: &InstallInfo) -> Html {
    let oninput = {
        let local = local.clone();
        Callback::from(move |e: InputEvent| local.dispatch(Msg::NewOrigin(input_value(&e))))
    };
    let submit = {
        let (local, token) = (local.clone(), token.to_owned());
        move || add(&local, &token, s, &local.new_origin.clone())
    };
    // Enter adds the origin; it must not submit the settings form around us.
    let onkeydown = {
        let submit = submit.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                submit();
            }
        })
    };
    let onclick = Callback::from(move |_: MouseEvent| submit());
    let rows = info.origins.iter().map(|origin| {
        let rest: Vec<String> = info.origins.iter().filter(|o| *o != origin).cloned().collect();
        let (handle, token) = (local.clone(), token.to_owned());
        let remove = Callback::from(move |_: MouseEvent| save(handle.clone(), token.clone(), s, rest.clone()));
        html! {
            <li key={origin.clone()}>
                <code>{ origin.clone() }</code>
                <button type="button" class="link" onclick={remove} aria-label={fill(s.origin_remove_of, &[origin])}
                    disabled={local.saving}>{ s.origin_remove }</button>
            </li>
        }
    });
    let error = local.origin_error.clone();
    html! {
        <div class="install-part">
            <h3>{ s.origins_title }</h3>
            <p class="hint">{ s.origins_hint }</p>
            if info.origins.is_empty() {
                <p class="hint" id="install-no-origins">{ s.origins_none }</p>
            } else {
                <ul class="install-origins" id="install-origins">{ for rows }</ul>
            }
            <label for="install-new-origin">{ s.origin_new }</label>
            <div class="row-inline">
                <input id="install-new-origin" type="url" inputmode="url" spellcheck="false" autocomplete="off"
                    placeholder="https://shop.example" value={ local.new_origin.clone() } {oninput} {onkeydown}
                    aria-invalid={ error.as_ref().map(|_| "true") }
                    aria-describedby={ error.as_ref().map(|_| "install-new-origin-err") } />
                <button type="button" id="install-add" {onclick} disabled={local.saving}>{ s.origin_add }</button>
            </div>
            if let Some(e) = error {
                <p class="field-error" id="install-new-origin-err" role="alert">{ e }</p>
            }
            if local.origin_saved {
                <p class="ok" role="status">{ s.origin_saved }</p>
            }
        </div>
    }
}

fn refused(local: &Handle, token: &str, s: &'static InstallStrings, info: &InstallInfo) -> Html {
    let refresh = {
        let (local, token) = (local.clone(), token.to_owned());
        Callback::from(move |_: MouseEvent| load(local.clone(), token.clone(), s))
    };
    let tz = dom::tz_offset_min();
    let row = |r: &RefusedEmbed| {
        let allow = (!r.origin.is_empty()).then(|| {
            let (local, token, origin) = (local.clone(), token.to_owned(), r.origin.clone());
            let label = fill(s.allow_of, &[&origin]);
            let onclick = Callback::from(move |_: MouseEvent| add(&local, &token, s, &origin));
            html! { <button type="button" class="link" {onclick} aria-label={label}>{ s.allow }</button> }
        });
        html! {
            <tr>
                <td><code>{ if r.origin.is_empty() { s.no_origin.to_owned() } else { r.origin.clone() } }</code></td>
                <td>{ format::date_time(r.last_at, tz) }</td>
                <td>{ refusal_text(s, r.surface, r.reason) }</td>
                <td class="num">{ r.count }</td>
                <td>{ for allow }</td>
            </tr>
        }
    };
    html! {
        <div class="install-part">
            <h3>{ s.refused_title }
                <button type="button" class="link" id="install-refresh" onclick={refresh}>{ s.refresh }</button>
            </h3>
            <p class="hint">{ s.refused_hint }</p>
            if info.refused.is_empty() {
                <p class="hint" id="install-refused-none">{ s.refused_none }</p>
            } else {
                <table class="agents install-refused" id="install-refused">
                    <thead><tr>
                        <th scope="col">{ s.col_origin }</th><th scope="col">{ s.col_when }</th>
                        <th scope="col">{ s.col_why }</th><th scope="col">{ s.col_count }</th><td></td>
                    </tr></thead>
                    <tbody>{ for info.refused.iter().map(row) }</tbody>
                </table>
            }
        </div>
    }
}

fn page_check(local: &Handle, token: &str, s: &'static InstallStrings, info: &InstallInfo) -> Html {
    let oninput = {
        let local = local.clone();
        Callback::from(move |e: InputEvent| local.dispatch(Msg::Url(input_value(&e))))
    };
    let run = {
        let (local, token) = (local.clone(), token.to_owned());
        move || check(local.clone(), token.clone(), s, local.url.trim().to_owned())
    };
    let onkeydown = {
        let run = run.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                run();
            }
        })
    };
    let onclick = Callback::from(move |_: MouseEvent| run());
    let result = match &local.check {
        None => html! {},
        Some(Err(e)) => html! { <p class="field-error" id="install-check-err" role="alert">{ e.clone() }</p> },
        Some(Ok(found)) => {
            let allow = (!found.origin_allowed && !info.origins.contains(&found.origin)).then(|| {
                let (local, token, origin) = (local.clone(), token.to_owned(), found.origin.clone());
                let label = fill(s.allow_of, &[&origin]);
                let onclick = Callback::from(move |_: MouseEvent| add(&local, &token, s, &origin));
                html! { <button type="button" id="install-check-allow" {onclick}>{ label }</button> }
            });
            let lines = check_lines(s, found).into_iter().map(|(ok, text)| {
                html! { <li class={ if ok { "pass" } else { "fail" } }>{ if ok { "✓ " } else { "✗ " } }{ text }</li> }
            });
            html! {
                <div role="status">
                    <ul class="install-verdict" id="install-verdict">{ for lines }</ul>
                    { for allow }
                </div>
            }
        }
    };
    html! {
        <div class="install-part">
            <h3>{ s.check_title }</h3>
            <p class="hint">{ s.check_hint }</p>
            <label for="install-url">{ s.check_label }</label>
            <div class="row-inline">
                <input id="install-url" type="url" inputmode="url" spellcheck="false" autocomplete="url"
                    placeholder="https://shop.example/" value={ local.url.clone() } {oninput} {onkeydown} />
                <button type="button" id="install-test" {onclick} disabled={local.checking}>
                    { if local.checking { s.checking } else { s.check_button } }
                </button>
            </div>
            { result }
        </div>
    }
}
