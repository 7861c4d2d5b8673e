//! The module's exports: [`mount`] renders the admin app into an element the
//! inbox gives it; [`AdminHandle`] updates its props and unmounts it.

use js_sys::Reflect;
use natter_console_kit::bridge::AdminProps;
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::{AppHandle, Html, component, html};

use super::{dom, events, json};
use crate::components::app::{AdminApp, AppProps};

/// Where Yew writes the id of the app an element belongs to (yew 0.23).
const TREE_ID: &str = "__yew_subtree_id";

/// An app that renders nothing, mounted only to use up a tree id.
#[component]
fn Probe() -> Html {
    html! {}
}

fn tree_id(el: &Element) -> Option<u32> {
    Reflect::get(el, &TREE_ID.into()).ok()?.as_f64().map(|id| id as u32)
}

/// Yew tells which app an event belongs to by ids it writes on elements, and
/// counts them from 1 in each wasm module: this module's first app would take
/// the inbox's id, and the inbox would then run its own handlers for clicks in
/// the admin screens (a listener id of ours naming one of its buttons). So this
/// module's ids are moved past every id that `root`'s ancestors carry first.
fn skip_tree_ids_of_ancestors(root: &Element) {
    let taken = std::iter::successors(root.parent_element(), |el: &Element| el.parent_element())
        .filter_map(|el| tree_id(&el))
        .max();
    let Some(taken) = taken else { return };
    let Some(doc) = dom::document() else { return };
    while let Ok(probe) = doc.create_element("div") {
        let app = yew::Renderer::<Probe>::with_root(probe.clone()).render();
        app.destroy();
        if tree_id(&probe).is_none_or(|id| id >= taken) {
            return;
        }
    }
}

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
    skip_tree_ids_of_ancestors(&root);
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
