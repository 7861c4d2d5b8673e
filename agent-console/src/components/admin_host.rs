//! Where an admin screen (settings, team and tags; canned responses) appears:
//! downloads the admin module the first time (a status line meanwhile, an error
//! with Retry if that fails), mounts the screen into its element, hands it new
//! props as the store changes, listens to its events, and unmounts it when the
//! inbox leaves the screen (another view, a role that may not see it, sign-out).

use std::cell::RefCell;
use std::rc::Rc;

use natter_console_kit::bridge::{self, AdminEvent, AdminProps, Screen};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CustomEvent, Element};
use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;
use crate::state::Action;
use crate::state::canned::CannedAction;
use crate::web::admin_module::{self, Mounted};
use crate::web::{json, runtime};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Download {
    Loading,
    Failed(String),
    Ready,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub screen: Screen,
}

/// What the inbox does with an event of the admin module.
fn on_event(e: AdminEvent) {
    match e {
        AdminEvent::CannedList { list } => {
            runtime::dispatch(Action::Canned(CannedAction::Loaded { list: Ok(list), shop_name: None }));
        }
    }
}

/// Listens to the admin module's events on `root` for as long as the returned
/// closure lives (it removes the listener when dropped by the caller's cleanup).
fn listen(root: &Element) -> impl FnOnce() + use<> {
    let cb = Closure::<dyn FnMut(Event)>::new(|e: Event| {
        let detail = e.dyn_ref::<CustomEvent>().and_then(|c| c.detail().as_string());
        if let Some(event) = detail.as_deref().and_then(json::from_str::<AdminEvent>) {
            on_event(event);
        }
    });
    let _ = root.add_event_listener_with_callback(bridge::EVENT, cb.as_ref().unchecked_ref());
    let root = root.clone();
    move || {
        let _ = root.remove_event_listener_with_callback(bridge::EVENT, cb.as_ref().unchecked_ref());
    }
}

#[component]
pub fn AdminHost(p: &Props) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let download = use_state(|| if admin_module::loaded() { Download::Ready } else { Download::Loading });
    let attempt = use_state(|| 0u32);
    {
        let download = download.clone();
        use_effect_with(*attempt, move |&attempt| {
            if *download != Download::Ready {
                download.set(Download::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    download.set(match admin_module::load(attempt).await {
                        Ok(()) => Download::Ready,
                        Err(e) => Download::Failed(e),
                    });
                });
            }
        });
    }
    let node = use_node_ref();
    let mounted: Rc<RefCell<Option<Mounted>>> = use_mut_ref(|| None);
    {
        let node = node.clone();
        use_effect_with(node, |node| {
            let stop = node.cast::<Element>().map(|root| listen(&root));
            move || stop.into_iter().for_each(|stop| stop())
        });
    }
    let props = store.session.clone().map(|session| AdminProps {
        session,
        settings: store.settings,
        tags: store.tags.clone(),
        screen: p.screen,
        metrics_rev: store.metrics_rev,
    });
    {
        let (node, mounted) = (node.clone(), mounted.clone());
        let ready = *download == Download::Ready;
        use_effect_with((ready, props), move |(ready, props)| {
            let (Some(props), true) = (props, *ready) else { return };
            if let Some(m) = mounted.borrow().as_ref() {
                m.update(props);
                return;
            }
            let Some(root) = node.cast::<Element>() else { return };
            match Mounted::new(&root, props) {
                Ok(m) => *mounted.borrow_mut() = Some(m),
                Err(e) => web_sys::console::error_1(&e.into()),
            }
        });
    }
    // Leaving the screen unmounts it.
    use_effect_with((), move |()| move || drop(mounted.borrow_mut().take()));
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
    };
    let status = match &*download {
        Download::Ready => html! {},
        Download::Loading => html! { <main class="admin"><p role="status">{ s.screen_loading }</p></main> },
        Download::Failed(m) => html! {
            <main class="admin">
                <p class="msg error" role="alert">{ fill(s.screen_failed, &[m]) }</p>
                <button type="button" onclick={retry}>{ s.retry }</button>
            </main>
        },
    };
    html! {
        <>
            { status }
            <div class="admin-host" ref={node}></div>
        </>
    }
}
