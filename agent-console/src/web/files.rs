//! Files in the browser: the `File`s the agent picked (held here until sent or
//! removed, so a failed upload can be retried), their uploads, and starting a
//! download of a signed link. Uploads use XMLHttpRequest because `fetch` does
//! not report upload progress.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use natter_protocol::{ApiErrorBody, Attachment, ErrorCode};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{File, FileList, ProgressEvent, XmlHttpRequest};

pub use natter_console_kit::web::dom::download;

use super::{json, runtime};
use crate::state::Action;
use crate::state::files::{FileRef, PickedFile, UploadError};

/// An upload on its way, with the callbacks it reports through.
struct Running {
    xhr: XmlHttpRequest,
    _progress: Closure<dyn FnMut(ProgressEvent)>,
    _done: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static FILES: RefCell<BTreeMap<FileRef, File>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT: Cell<u64> = const { Cell::new(0) };
    static RUNNING: RefCell<BTreeMap<u64, Running>> = const { RefCell::new(BTreeMap::new()) };
}

/// Holds the files of a file input, a paste or a drop, and describes them for the store.
pub fn pick(list: Option<FileList>) -> Vec<PickedFile> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| {
            let id = FileRef(NEXT.with(|n| {
                n.set(n.get() + 1);
                n.get()
            }));
            let picked = PickedFile { file: id, name: file.name(), size: file.size() as u64 };
            FILES.with(|f| f.borrow_mut().insert(id, file));
            picked
        })
        .collect()
}

/// Lets go of files (sent, removed or refused).
pub fn drop_files(ids: &[FileRef]) {
    FILES.with(|f| {
        let mut f = f.borrow_mut();
        for id in ids {
            f.remove(id);
        }
    });
}

/// `POST /v1/uploads?name=…` with the file as the raw body; reports progress
/// and the answer to the store under `key`.
pub fn upload(key: u64, file: FileRef, name: &str, token: &str) {
    let Some(file) = FILES.with(|f| f.borrow().get(&file).cloned()) else {
        runtime::dispatch(Action::Uploaded { key, result: Err(UploadError::network()) });
        return;
    };
    if start(key, &file, name, token).is_none() {
        runtime::dispatch(Action::Uploaded { key, result: Err(UploadError::network()) });
    }
}

fn start(key: u64, file: &File, name: &str, token: &str) -> Option<()> {
    let xhr = XmlHttpRequest::new().ok()?;
    let path = format!("/v1/uploads?name={}", String::from(js_sys::encode_uri_component(name)));
    xhr.open_with_async("POST", &path, true).ok()?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}")).ok()?;
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        runtime::dispatch(Action::UploadProgress { key, sent: e.loaded() as u64 });
    });
    xhr.upload().ok()?.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let done = {
        let xhr = xhr.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let result = if e.type_() == "load" { answer(&xhr) } else { Err(UploadError::network()) };
            // Dropped after this callback returns, never inside it.
            wasm_bindgen_futures::spawn_local(async move {
                RUNNING.with(|r| r.borrow_mut().remove(&key));
            });
            runtime::dispatch(Action::Uploaded { key, result });
        })
    };
    xhr.set_onload(Some(done.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(done.as_ref().unchecked_ref()));
    xhr.set_ontimeout(Some(done.as_ref().unchecked_ref()));
    xhr.send_with_opt_blob(Some(file)).ok()?;
    RUNNING.with(|r| r.borrow_mut().insert(key, Running { xhr, _progress: progress, _done: done }));
    Some(())
}

/// The relay's answer: the attachment, or its refusal.
fn answer(xhr: &XmlHttpRequest) -> Result<Attachment, UploadError> {
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        return json::from_str(&body).ok_or_else(UploadError::network);
    }
    if let Some(e) = json::from_str::<ApiErrorBody>(&body) {
        return Err(UploadError {
            code: Some(e.error.code),
            message: e.error.message,
            retry_after_secs: e.error.retry_after_secs,
        });
    }
    // No JSON: a proxy in front of the relay answered.
    let code = match status {
        413 => Some(ErrorCode::FileTooLarge),
        415 => Some(ErrorCode::FileTypeNotAllowed),
        _ => None,
    };
    Err(UploadError { code, message: format!("HTTP {status}"), retry_after_secs: None })
}

/// Stops an upload; its answer never comes.
pub fn abort(key: u64) {
    if let Some(r) = RUNNING.with(|r| r.borrow_mut().remove(&key)) {
        let _ = r.xhr.abort();
    }
}
