//! Notices in the corner: a lost claim race (naming the winner), a message kept
//! after its conversation closed, and other refusals. Each is announced.

use yew::prelude::*;

use super::use_store;
use crate::i18n::fill;
use crate::state::{Action, NoticeKind};

#[component]
pub fn Notices() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let items = store.notices.iter().map(|n| {
        let text = match &n.kind {
            NoticeKind::AlreadyClaimed { by: Some(by), .. } => fill(s.n_already_claimed_by, &[by]),
            NoticeKind::AlreadyClaimed { by: None, detail } => fill(s.n_already_claimed, &[detail]),
            NoticeKind::ClosedTextKept => s.n_closed_text_kept.to_owned(),
            NoticeKind::ConversationClosed => s.n_conversation_closed.to_owned(),
            NoticeKind::TooLong => s.n_too_long.to_owned(),
            NoticeKind::Refused { detail, .. } => fill(s.n_refused, &[detail]),
            NoticeKind::TooManyFiles => s.files.n_too_many.to_owned(),
            NoticeKind::FilesUploading => s.files.n_uploading.to_owned(),
            NoticeKind::FileGone => s.files.n_gone.to_owned(),
            NoticeKind::FileUnreachable => s.files.n_unreachable.to_owned(),
        };
        let id = n.id;
        let dismiss = {
            let store = store.clone();
            Callback::from(move |_: MouseEvent| store.dispatch(Action::DismissNotice(id)))
        };
        html! {
            <div class="notice" key={id}>
                <p>{ text }</p>
                <button type="button" class="link" onclick={dismiss}>{ s.dismiss }</button>
            </div>
        }
    });
    html! {
        <section class="notices" aria-label={ s.notices } role="alert" aria-live="assertive">
            { for items }
        </section>
    }
}
