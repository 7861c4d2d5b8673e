//! An image attachment shown large, in a modal dialog (focus moves in, Tab stays
//! inside, Escape or Close ends it and focus returns to the thumbnail). Its
//! link is refreshed first when it is too old to load.

use natter_protocol::{ConversationId, Seq};
use yew::prelude::*;

use super::attachment_view::{download_click, scan_mark};
use super::modal::Modal;
use super::use_store;
use crate::format;
use crate::i18n::files::mime_name;
use crate::i18n::fill;
use crate::state::Action;
use crate::state::files::is_fresh;
use crate::web::runtime;

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub conversation: ConversationId,
    pub seq: Seq,
    pub index: usize,
}

#[component]
pub fn Lightbox(p: &Props) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let f = s.files;
    let attachment = store.conv(p.conversation).and_then(|c| c.attachment(p.seq, p.index)).cloned();
    let fresh = attachment.as_ref().is_some_and(|a| is_fresh(&store.link_of(a), store.now));
    // Close to expiry: refreshed meanwhile, but shown while it still works.
    let usable = attachment.as_ref().is_some_and(|a| store.link_of(a).url_expires_at > store.now);
    {
        let id = attachment.as_ref().map(|a| a.id.clone());
        use_effect_with(fresh, move |&fresh| {
            if let (false, Some(id)) = (fresh, id) {
                runtime::dispatch(Action::NeedLink(id));
            }
        });
    }
    let close = Callback::from(|_: MouseEvent| runtime::dispatch(Action::ShowDialog(None)));
    let Some(a) = attachment else {
        return html! {};
    };
    let link = store.link_of(&a);
    let id = a.id.clone();
    let onerror = Callback::from(move |_: Event| runtime::dispatch(Action::NeedLink(id.clone())));
    let dims = match (a.width, a.height) {
        (Some(w), Some(h)) => format!(" · {w} × {h}"),
        _ => String::new(),
    };
    let caption = format!("{} · {}{dims}", mime_name(f, &a.mime), format::bytes(a.size));
    html! {
        <Modal id="lightbox" title={a.name.clone()}>
            <figure class="lightbox">
                if usable {
                    <img src={link.url.clone()} alt={fill(f.image_alt, &[&a.name])}
                        width={a.width.map(|w| w.to_string())} height={a.height.map(|h| h.to_string())} {onerror} />
                } else {
                    <p role="status">{ f.loading_image }</p>
                }
                <figcaption>{ caption }{ " " }{ scan_mark(f, a.scan) }</figcaption>
            </figure>
            <div class="actions">
                <a class="button" href={link.url.clone()} download={a.name.clone()} onclick={download_click(&a, &link)}>
                    { f.download }
                </a>
                <button type="button" onclick={close}>{ s.close }</button>
            </div>
        </Modal>
    }
}
