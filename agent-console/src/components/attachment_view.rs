//! One file in a message: an image as its thumbnail (a button that opens the
//! lightbox), anything else as a card that downloads it; "not scanned" next to
//! a file the virus scanner could not check. A link too old to open is
//! refreshed first (the store fetches it, then starts the download).

use natter_protocol::{Attachment, AttachmentKind, ConversationId, FileLink, ScanState, Seq};
use yew::prelude::*;

use crate::format;
use crate::i18n::files::mime_name;
use crate::i18n::{FileStrings, Locale, fill};
use crate::state::files::is_fresh;
use crate::state::{Action, Dialog};
use crate::web::{dom, runtime};

/// Where an attachment sits: conversation, message and place in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub conversation: ConversationId,
    pub seq: Seq,
    pub index: usize,
}

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub place: Place,
    pub attachment: Attachment,
    /// The freshest links known for it.
    pub link: FileLink,
    pub locale: Locale,
}

/// Thumbnails are drawn at most this many CSS pixels wide or high.
const THUMB_BOX: u32 = 200;

/// An image's size scaled to fit `THUMB_BOX` (for the `<img>` to keep its
/// place while loading).
fn thumb_size(a: &Attachment) -> Option<(u32, u32)> {
    let (w, h) = (a.width?.max(1), a.height?.max(1));
    let scale_num = THUMB_BOX.min(w.max(h));
    let big = w.max(h);
    Some(((w * scale_num / big).max(1), (h * scale_num / big).max(1)))
}

/// "not scanned" next to a file the scanner could not check.
pub fn scan_mark(s: &FileStrings, scan: ScanState) -> Html {
    match scan {
        ScanState::Clean => html! {},
        _ => html! { <span class="unscanned"><span aria-hidden="true">{ "⚠ " }</span>{ s.not_scanned }</span> },
    }
}

/// A click on a download link: let it go when its link is fresh, else fetch a
/// fresh one and download that.
pub fn download_click(a: &Attachment, link: &FileLink) -> Callback<MouseEvent> {
    let (id, name, link) = (a.id.clone(), a.name.clone(), link.clone());
    Callback::from(move |e: MouseEvent| {
        if !is_fresh(&link, dom::now()) {
            e.prevent_default();
            runtime::dispatch(Action::Download { id: id.clone(), name: name.clone() });
        }
    })
}

#[component]
pub fn AttachmentView(p: &Props) -> Html {
    let s = p.locale.strings().files;
    let a = &p.attachment;
    let meta = format!("{} · {}", mime_name(s, &a.mime), format::bytes(a.size));
    match (a.kind, p.link.thumb_url.clone()) {
        (AttachmentKind::Image, Some(thumb)) => {
            let place = p.place;
            let open = Callback::from(move |_: MouseEvent| {
                runtime::dispatch(Action::ShowDialog(Some(Dialog::Lightbox {
                    conversation: place.conversation,
                    seq: place.seq,
                    index: place.index,
                })));
            });
            let id = a.id.clone();
            let onerror = Callback::from(move |_: Event| runtime::dispatch(Action::NeedLink(id.clone())));
            let (width, height) =
                thumb_size(a).map_or((None, None), |(w, h)| (Some(w.to_string()), Some(h.to_string())));
            html! {
                <div class="att image">
                    <button type="button" class="thumb" onclick={open} aria-label={fill(s.open_image, &[&a.name])}
                        title={a.name.clone()}>
                        <img src={thumb} alt="" {width} {height} loading="lazy" {onerror} />
                    </button>
                    { scan_mark(s, a.scan) }
                </div>
            }
        }
        _ => html! {
            <div class="att file">
                <a class="file-card" href={p.link.url.clone()} download={a.name.clone()}
                    onclick={download_click(a, &p.link)}>
                    <span class="icon" aria-hidden="true">{ "📄" }</span>
                    <span class="name" dir="auto">{ a.name.clone() }</span>
                    <span class="fmeta">{ meta }</span>
                    <span class="sr-only">{ format!(" — {}", s.download) }</span>
                </a>
                { scan_mark(s, a.scan) }
            </div>
        },
    }
}
