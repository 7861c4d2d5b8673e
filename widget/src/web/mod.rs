//! Browser glue (wasm32 only): mounting the app, the effect runner, the visitor
//! socket, uploads and file links, localStorage, the config fetch and the postMessage bridge to the loader.

pub mod bridge;
pub mod config;
pub mod dom;
pub mod files;
pub mod json;
pub mod runtime;
pub mod socket;
pub mod storage;
pub mod store;

use wasm_bindgen::JsCast;

use crate::components::app::App;

/// Mounts the widget.
pub fn start() {
    // Where it panicked, without formatting the message: `info.to_string()` would
    // pull Rust's whole formatting machinery into the wasm for a line nobody sees.
    std::panic::set_hook(Box::new(|info| {
        let (file, line) = info.location().map(|l| (l.file(), l.line())).unwrap_or(("?", 0));
        web_sys::console::error_3(&"natter: internal error at".into(), &file.into(), &line.into());
    }));
    let Some(doc) = dom::document() else { return };
    let root =
        doc.get_element_by_id("natter-root").or_else(|| doc.body().map(|b| b.unchecked_into::<web_sys::Element>()));
    if let Some(root) = root {
        yew::Renderer::<App>::with_root(root).render();
    }
}
