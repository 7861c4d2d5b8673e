//! Files over HTTP: uploads (`POST /v1/uploads`, the raw file as the body) and
//! fresh links (`GET /v1/uploads/{id}/link`), both with the visitor token as
//! bearer, and downloads.
//!
//! Uploads use XMLHttpRequest, whose `upload.onprogress` reports the bytes sent;
//! a streamed `fetch` body would not do here: Chromium streams request bodies
//! only over HTTP/2 and the relay speaks HTTP/1.1, and `fetch` has no upload
//! progress otherwise. The picked files stay here, under the key the store knows
//! them by, so an upload can be cancelled (`abort`) or tried again.

use std::cell::{Cell, RefCell};

use natter_protocol::{ErrorCode, TenantId, UploadId};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{File, FileList, ProgressEvent, XmlHttpRequest};

use super::{dom, json, runtime};
use crate::format::limit_mb;
use crate::state::Action;
use crate::state::files::{Picked, Problem};
use crate::wire::decode;

/// A picked file and, while it uploads, its request.
struct Held {
    key: u32,
    file: File,
    request: Option<XmlHttpRequest>,
}

thread_local! {
    static HELD: RefCell<Vec<Held>> = const { RefCell::new(Vec::new()) };
    static NEXT_KEY: Cell<u32> = const { Cell::new(1) };
}

/// Keeps the files of a picker, a paste or a drop and hands them to the store.
pub fn attach(list: &FileList) {
    let mut picked = Vec::new();
    for i in 0..list.length() {
        let Some(file) = list.get(i) else { continue };
        let key = NEXT_KEY.with(|k| k.replace(k.get() + 1));
        picked.push(Picked { key, name: file.name(), size: file.size() as u64 });
        HELD.with(|h| h.borrow_mut().push(Held { key, file, request: None }));
    }
    if !picked.is_empty() {
        runtime::dispatch(Action::Attach(picked));
    }
}

/// Stops an upload (if it runs) and forgets the file.
pub fn drop_upload(key: u32) {
    let held = HELD.with(|h| {
        let mut h = h.borrow_mut();
        let i = h.iter().position(|x| x.key == key)?;
        Some(h.remove(i))
    });
    if let Some(request) = held.and_then(|h| h.request) {
        // Its `loadend` finds no file any more and reports nothing.
        let _ = request.abort();
    }
}

/// Sends `method` to `url` with the bearer `token` and `body`; `done` gets the
/// status (0: no answer) and the answer's text once, when the request ends.
fn request(
    method: &str,
    url: &str,
    token: &str,
    body: Option<&File>,
    done: impl FnOnce(u16, String) + 'static,
) -> Option<XmlHttpRequest> {
    let xhr = XmlHttpRequest::new().ok()?;
    xhr.open(method, url).ok()?;
    xhr.set_request_header("Authorization", &(String::from("Bearer ") + token)).ok()?;
    let on_end = {
        let xhr = xhr.clone();
        Closure::once_into_js(move || {
            done(xhr.status().unwrap_or(0), xhr.response_text().ok().flatten().unwrap_or_default())
        })
    };
    xhr.add_event_listener_with_callback("loadend", on_end.unchecked_ref()).ok()?;
    match body {
        Some(file) => xhr.send_with_opt_blob(Some(file)).ok()?,
        None => xhr.send().ok()?,
    }
    Some(xhr)
}

/// Uploads the file kept under `key` as `name`; progress and the outcome go to the store.
pub fn upload(key: u32, name: &str, token: &str, tenant: &TenantId) {
    let Some(file) = HELD.with(|h| h.borrow().iter().find(|x| x.key == key).map(|x| x.file.clone())) else {
        runtime::dispatch(Action::RemoveUpload(key));
        return;
    };
    let url = String::from("/v1/uploads?tenant=")
        + tenant.as_str()
        + "&name="
        + &String::from(js_sys::encode_uri_component(name));
    let request = request("POST", &url, token, Some(&file), move |status, text| {
        // Cancelled: the file is gone and nobody waits for the outcome.
        if HELD.with(|h| h.borrow().iter().all(|x| x.key != key)) {
            return;
        }
        runtime::dispatch(uploaded(key, status, &text));
    });
    let Some(request) = request else {
        runtime::dispatch(Action::UploadFailed { key, problem: Problem::Network });
        return;
    };
    if let Ok(target) = request.upload() {
        let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() {
                runtime::dispatch(Action::UploadProgress { key, sent: e.loaded() as u64, total: e.total() as u64 });
            }
        });
        let _ = target.add_event_listener_with_callback("progress", progress.as_ref().unchecked_ref());
        // Lives as long as the request, which holds it; a few bytes per upload.
        progress.forget();
    }
    HELD.with(|h| {
        if let Some(x) = h.borrow_mut().iter_mut().find(|x| x.key == key) {
            x.request = Some(request);
        }
    });
}

/// The action for an upload's answer.
fn uploaded(key: u32, status: u16, text: &str) -> Action {
    let body = json::parse(text);
    if status == 201
        && let Some(attachment) = body.as_ref().and_then(decode::attachment)
    {
        HELD.with(|h| h.borrow_mut().retain(|x| x.key != key));
        return Action::Uploaded { key, attachment };
    }
    let problem = match (status, body.as_ref().and_then(decode::api_error)) {
        (0, _) => Problem::Network,
        (_, Some((code, message))) => Problem::Refused { code, limit_mb: limit_mb(&message) },
        // No JSON: a proxy's page, say.
        (413, None) => Problem::refused(ErrorCode::FileTooLarge),
        _ => Problem::refused(ErrorCode::Internal),
    };
    Action::UploadFailed { key, problem }
}

/// Asks for fresh links to an upload.
pub fn fetch_link(id: UploadId, token: &str, tenant: &TenantId) {
    let url = String::from("/v1/uploads/") + id.as_str() + "/link?tenant=" + tenant.as_str();
    let failed = id.clone();
    let sent = request("GET", &url, token, None, move |status, text| {
        let link = json::parse(&text).filter(|_| status == 200).and_then(|v| decode::file_link(&v));
        runtime::dispatch(match link {
            Some(link) => Action::Link { id, link },
            None => Action::LinkFailed(id),
        });
    });
    if sent.is_none() {
        runtime::dispatch(Action::LinkFailed(failed));
    }
}

/// Downloads `url` (same origin; the relay answers it as an attachment).
pub fn download(url: &str) {
    let Some(a) = dom::document().and_then(|d| d.create_element("a").ok()) else { return };
    let _ = a.set_attribute("href", url);
    let _ = a.set_attribute("download", "");
    if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
        a.click();
    }
}

/// The files of a paste or a drop, if it carries any.
pub fn transferred(data: Option<web_sys::DataTransfer>) -> Option<FileList> {
    data?.files().filter(|f| f.length() > 0)
}
