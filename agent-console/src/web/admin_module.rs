//! The admin module (`console-admin/`: the settings, team, tags and canned
//! responses screens), a second wasm module loaded with a dynamic `import()` of
//! its hashed glue the first time one of its screens is opened, then kept. The
//! page names the glue in `<body data-admin-js>` (written by `cargo xtask
//! dist`), so no inline script is needed and the console's CSP stays strict.
//!
//! Its exports are `mount(root, props) -> AdminHandle`, `AdminHandle.update(props)`
//! and `AdminHandle.unmount()`; props cross as JSON text of [`AdminProps`].

use std::cell::RefCell;

use js_sys::{Function, Promise, Reflect};
use natter_console_kit::bridge::AdminProps;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

use super::{dom, json};

#[wasm_bindgen(
    inline_js = "export function import_module(url) { return import(new URL(url, document.baseURI).href); }"
)]
extern "C" {
    /// `import(url)`, resolved against the page's base.
    #[wasm_bindgen(catch)]
    fn import_module(url: &str) -> Result<Promise, JsValue>;
}

thread_local! {
    /// The admin module's namespace, once loaded and started.
    static MODULE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Whether the admin module is loaded and started.
pub fn loaded() -> bool {
    MODULE.with(|m| m.borrow().is_some())
}

/// What went wrong, in the browser's words.
fn describe(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_default()
}

fn function(on: &JsValue, name: &str) -> Result<Function, String> {
    Reflect::get(on, &name.into()).map_err(describe)?.dyn_into().map_err(|_| format!("the admin module has no {name}"))
}

/// Where the page says the admin module's glue is.
fn glue_url() -> Option<String> {
    dom::document()?.body()?.get_attribute("data-admin-js")
}

/// Loads and starts the admin module (at once when it already is). A retry
/// (`attempt` > 0) asks for the glue under a new URL: the browser remembers a
/// module that failed to load under the URL it failed with.
pub async fn load(attempt: u32) -> Result<(), String> {
    if loaded() {
        return Ok(());
    }
    let url = glue_url().ok_or("the page names no admin module")?;
    let url = if attempt == 0 { url } else { format!("{url}?retry={attempt}") };
    let module = JsFuture::from(import_module(&url).map_err(describe)?).await.map_err(describe)?;
    let init = function(&module, "default")?;
    let started = init.call0(&JsValue::UNDEFINED).map_err(describe)?;
    JsFuture::from(Promise::from(started)).await.map_err(describe)?;
    MODULE.with(|m| *m.borrow_mut() = Some(module));
    Ok(())
}

/// An admin screen mounted in an element of the inbox; unmounted when dropped.
#[derive(Debug)]
pub struct Mounted {
    handle: JsValue,
}

impl Mounted {
    /// Renders the screen `props` name into `root` (the module must be loaded).
    pub fn new(root: &Element, props: &AdminProps) -> Result<Self, String> {
        let module = MODULE.with(|m| m.borrow().clone()).ok_or("the admin module is not loaded")?;
        let text = json::to_string(props).ok_or("the screen's props do not serialize")?;
        let handle = function(&module, "mount")?.call2(&JsValue::UNDEFINED, root, &text.into()).map_err(describe)?;
        Ok(Self { handle })
    }

    /// Hands the screen new props (another language, role, tag list or screen).
    pub fn update(&self, props: &AdminProps) {
        if let (Ok(update), Some(text)) = (function(&self.handle, "update"), json::to_string(props)) {
            let _ = update.call1(&self.handle, &text.into());
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Ok(unmount) = function(&self.handle, "unmount") {
            let _ = unmount.call0(&self.handle);
        }
    }
}
