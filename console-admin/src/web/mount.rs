//! The module's exports: [`mount`] renders the admin app into an element the
//! inbox gives it; [`AdminHandle`] updates its props and unmounts it.

use natter_console_kit::bridge::AdminProps;
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::AppHandle;

use super::{events, json};
use crate::components::app::{AdminApp, AppProps};

fn parse(props: &str) -> Result<AdminProps, JsValue> {
    json::from_str(props).ok_or_else(|| JsValue::from_str("the admin screen's props do not parse"))
}

/// A mounted admin app.
#[wasm_bindgen]
pub struct AdminHandle {
    app: AppHandle<AdminApp>,
}

impl std::fmt::Debug for AdminHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminHandle")
    }
}

/// Renders the screen `props` (JSON text of [`AdminProps`]) names into `root`.
#[wasm_bindgen]
pub fn mount(root: Element, props: &str) -> Result<AdminHandle, JsValue> {
    let props = parse(props)?;
    events::set_root(&root);
    let app = yew::Renderer::<AdminApp>::with_root_and_props(root, AppProps { props }).render();
    Ok(AdminHandle { app })
}

#[wasm_bindgen]
impl AdminHandle {
    /// New props from the inbox: language, role, tag list or screen.
    pub fn update(&mut self, props: &str) -> Result<(), JsValue> {
        self.app.update(AppProps { props: parse(props)? });
        Ok(())
    }

    /// Removes the app from the page.
    pub fn unmount(self) {
        self.app.destroy();
    }
}

/// Module start: panics go to the browser console.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}
