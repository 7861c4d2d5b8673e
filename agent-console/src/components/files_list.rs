//! The conversation's files, beside it: every attachment held, newest first,
//! each with who sent it and when; an image opens in the lightbox, anything
//! else downloads.

use natter_protocol::{AttachmentKind, Author, ConversationId};
use yew::prelude::*;

use super::attachment_view::{download_click, scan_mark};
use super::use_store;
use crate::format;
use crate::i18n::files::mime_name;
use crate::i18n::fill;
use crate::state::{Action, Dialog};
use crate::web::{dom, runtime};

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
}

#[component]
pub fn FilesList(p: &Props) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let f = s.files;
    let tz = dom::tz_offset_min();
    let heading = format!("files-{}", p.id);
    let Some(conv) = store.conv(p.id) else { return html! {} };
    let list = conv.attachments();
    let body = if list.is_empty() {
        html! { <p class="who">{ f.files_none }</p> }
    } else {
        html! {
            <ul>
                { for list.into_iter().map(|(m, index, a)| {
                    let link = store.link_of(a);
                    let who = match &m.author {
                        Author::Visitor => s.visitor.to_owned(),
                        Author::Agent { name, .. } => name.clone(),
                        Author::System => String::new(),
                    };
                    let meta = format!("{} · {} · {who} · {}", mime_name(f, &a.mime), format::bytes(a.size),
                        format::date_time(m.at, tz));
                    let entry = if a.kind == AttachmentKind::Image {
                        let (conversation, seq) = (p.id, m.seq);
                        let open = Callback::from(move |_: MouseEvent| {
                            runtime::dispatch(Action::ShowDialog(Some(Dialog::Lightbox { conversation, seq, index })));
                        });
                        html! {
                            <button type="button" class="link" onclick={open} aria-label={fill(f.open_image, &[&a.name])}>
                                <span dir="auto">{ a.name.clone() }</span>
                            </button>
                        }
                    } else {
                        html! {
                            <a href={link.url.clone()} download={a.name.clone()} onclick={download_click(a, &link)}
                                aria-label={fill(f.download_of, &[&a.name])}>
                                <span dir="auto">{ a.name.clone() }</span>
                            </a>
                        }
                    };
                    html! {
                        <li key={a.id.as_str().to_owned()}>
                            { entry }
                            <span class="fmeta">{ meta }</span>
                            { scan_mark(f, a.scan) }
                        </li>
                    }
                }) }
            </ul>
        }
    };
    html! {
        <section class="files" aria-labelledby={heading.clone()}>
            <h3 id={heading}>{ f.files_title }</h3>
            { body }
        </section>
    }
}
