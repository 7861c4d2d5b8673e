//! A modal dialog frame: backdrop, `role="dialog"` with its title, focus moved in
//! on open and given back on close, Tab kept inside, Escape closes (handled by
//! the page-wide shortcut listener).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::state::Action;
use crate::web::{dom, runtime};

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub title: AttrValue,
    pub id: AttrValue,
    #[prop_or_default]
    pub children: Html,
}

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), select, textarea, a[href]";

fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok()).collect()
}

#[component]
pub fn Modal(p: &Props) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with((), move |_| {
            let previous =
                dom::document().and_then(|d| d.active_element()).and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(first) = node.cast::<Element>().and_then(|root| focusables(&root).into_iter().next()) {
                let _ = first.focus();
            }
            move || {
                if let Some(prev) = previous {
                    let _ = prev.focus();
                }
            }
        });
    }
    let onkeydown = {
        let node = node.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Tab" {
                return;
            }
            let Some(root) = node.cast::<Element>() else { return };
            let items = focusables(&root);
            let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
            let active = dom::document().and_then(|d| d.active_element());
            let at = |el: &HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<Element>());
            if e.shift_key() && at(first) {
                e.prevent_default();
                let _ = last.focus();
            } else if !e.shift_key() && at(last) {
                e.prevent_default();
                let _ = first.focus();
            }
        })
    };
    let backdrop_click = {
        let node = node.clone();
        Callback::from(move |e: MouseEvent| {
            // Only a click on the backdrop itself, not inside the dialog.
            let inside = node
                .cast::<Element>()
                .zip(e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()))
                .is_some_and(|(root, t)| root.contains(Some(&t)));
            if !inside {
                runtime::dispatch(Action::ShowDialog(None));
            }
        })
    };
    let title_id = format!("{}-title", p.id);
    html! {
        <div class="backdrop" onclick={backdrop_click}>
            <div class="dialog" role="dialog" aria-modal="true" id={p.id.clone()} aria-labelledby={title_id.clone()}
                ref={node} {onkeydown}>
                <h2 id={title_id}>{ p.title.clone() }</h2>
                { p.children.clone() }
            </div>
        </div>
    }
}
