//! The files of a message: an image as its thumbnail, a button that opens it in
//! the lightbox; anything else as a card (name, type, size) linking to the file,
//! which downloads. Expired links are renewed first. "Not checked for viruses"
//! next to a file the relay could not scan. A plain view function of the message
//! items (a component of its own would cost the widget's wasm more than its markup).

use natter_protocol::{Attachment, AttachmentKind, ScanState};
use yew::prelude::*;

use crate::format::{number, size, type_label};
use crate::i18n::Strings;
use crate::state::Action;
use crate::state::files::{dom_id, expired};
use crate::web::dom;
use crate::web::runtime::dispatch;

/// Thumbnails are shown at most this many CSS pixels wide or high.
const THUMB_BOX: u32 = 200;

/// The shown size of a `w`×`h` image fitted in the thumbnail box, so the log does
/// not jump when it loads.
fn fit(w: Option<u32>, h: Option<u32>) -> Option<(String, String)> {
    let (w, h) = (u64::from(w?.max(1)), u64::from(h?.max(1)));
    let scale = |n: u64| number((n * u64::from(THUMB_BOX) / w.max(h).max(u64::from(THUMB_BOX))).max(1));
    Some((scale(w), scale(h)))
}

/// Opens (or downloads) an attachment, renewing its links first if they expired.
fn opener(a: &Attachment) -> Callback<MouseEvent> {
    let (id, until) = (a.id.clone(), a.clone());
    Callback::from(move |e: MouseEvent| {
        let now = dom::now();
        // A fresh file link downloads by itself; images always go through the store.
        if until.kind == AttachmentKind::Image || expired(&until, now) {
            e.prevent_default();
            dispatch(Action::OpenAttachment { id: id.clone(), now });
        }
    })
}

fn item(a: &Attachment, s: &Strings) -> Html {
    let body = match &a.thumb_url {
        Some(thumb) if a.kind == AttachmentKind::Image => {
            let id = a.id.clone();
            let stale = Callback::from(move |_: Event| dispatch(Action::StaleLink { id: id.clone(), now: dom::now() }));
            let (w, h) = fit(a.width, a.height).unzip();
            html! {
                <button type="button" class="thumb" id={dom_id(&a.id)} onclick={opener(a)}>
                    <img src={thumb.clone()} alt={a.name.clone()} width={w} height={h} onerror={stale} />
                </button>
            }
        }
        _ => {
            let kind = type_label(&a.mime);
            html! {
                <a class="card" href={a.url.clone()} download={a.name.clone()} onclick={opener(a)}>
                    <span class="att-name" dir="auto">{ a.name.clone() }</span>
                    <span class="att-size">{ kind }{ if kind.is_empty() { "" } else { " · " } }{ size(a.size) }</span>
                </a>
            }
        }
    };
    html! {
        <li key={a.id.as_str()}>
            { body }
            if a.scan == ScanState::NotScanned { <span class="note">{ s.not_scanned }</span> }
        </li>
    }
}

/// The list of a message's files, or nothing.
pub fn attachments(files: &[Attachment], s: &Strings) -> Html {
    if files.is_empty() {
        return html! {};
    }
    html! { <ul class="files">{ for files.iter().map(|a| item(a, s)) }</ul> }
}
