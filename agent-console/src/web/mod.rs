//! Browser glue (wasm32 only): mounting the app, the effect runner, the agent
//! socket, HTTP calls, localStorage, sound and browser notifications.

pub mod api;
pub mod canned;
pub mod desktop;
pub mod dom;
pub mod files;
pub mod json;
pub mod listeners;
pub mod runtime;
pub mod socket;
pub mod storage;
pub mod store;

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
