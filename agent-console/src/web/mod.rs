//! Browser glue (wasm32 only): mounting the app, the effect runner, the agent
//! socket, localStorage, sound, browser notifications and the admin module
//! (HTTP calls, JSON and DOM helpers are the kit's, re-exported here).

pub mod admin_module;
pub mod desktop;
pub mod files;
pub mod listeners;
pub mod runtime;
pub mod socket;
pub mod storage;

pub use natter_console_kit::web::{api, canned, dom, json};

use wasm_bindgen::JsCast;

use crate::components::app::App;

/// The console's stylesheet, injected once at start so the page template needs
/// nothing but the script tag.
const CSS: &str = concat!(include_str!("../console.css"), include_str!("../canned.css"));

/// Mounts the console.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    let Some(doc) = dom::document() else { return };
    if let (Ok(style), Some(head)) = (doc.create_element("style"), doc.head()) {
        style.set_text_content(Some(CSS));
        let _ = head.append_child(&style);
    }
    let root =
        doc.get_element_by_id("natter-console").or_else(|| doc.body().map(|b| b.unchecked_into::<web_sys::Element>()));
    if let Some(root) = root {
        yew::Renderer::<App>::with_root(root).render();
    }
}
