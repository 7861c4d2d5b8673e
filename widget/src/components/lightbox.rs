//! An image at full size over the panel: a modal dialog named after the file,
//! its close button focused on open (and the only stop for Tab), closed by that
//! button, a click anywhere on it, or Escape (see [`crate::state`]); focus then
//! returns to the thumbnail that opened it. A plain view function of the app.

use yew::prelude::*;

use crate::i18n::Strings;
use crate::state::{Action, Store};
use crate::web::runtime::{LIGHTBOX_ID, dispatch};

/// The lightbox, or nothing when no image is open.
pub fn lightbox(store: &Store, s: &Strings) -> Html {
    let Some(a) = store.lightbox.as_ref().and_then(|id| store.find_attachment(id)) else {
        return html! {};
    };
    // A click anywhere closes it: the button, the image, the dark area around.
    let close = Callback::from(|_: MouseEvent| dispatch(Action::CloseLightbox));
    let trap = Callback::from(|e: KeyboardEvent| {
        if e.key() == "Tab" {
            e.prevent_default();
        }
    });
    html! {
        <div class="lightbox" role="dialog" aria-modal="true" aria-label={a.name.clone()} onkeydown={trap}
            onclick={close}>
            <button type="button" id={LIGHTBOX_ID} class="head-btn icon" aria-label={ s.close_image }
                title={ s.close_image }>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                    <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />
                </svg>
            </button>
            <img src={a.url.clone()} alt={a.name.clone()} />
        </div>
    }
}
