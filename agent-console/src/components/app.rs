//! The root component: owns the store, boots it from localStorage, installs the
//! page listeners, keeps the window title and `lang` in step, and shows either
//! the sign-in form (or the join screen of an invitation link) or the console.

use yew::prelude::*;

use super::Ctx;
use super::console::Console;
use super::join::Join;
use super::sign_in::SignIn;
use crate::format;
use crate::i18n::{Locale, fill};
use crate::state::join::invite_token;
use crate::state::{Action, Announce, Settings, Store};
use crate::web::{dom, listeners, runtime, storage};

fn boot() -> Action {
    let session = storage::load_session();
    let (drafts, outbox) = session.as_ref().map(|s| storage::load_drafts(&s.owner())).unwrap_or_default();
    let settings = storage::load_settings()
        .unwrap_or_else(|| Settings { locale: Locale::from_tag(&dom::browser_language()), ..Settings::default() });
    Action::Boot {
        now: dom::now(),
        session,
        last_activity: storage::load_activity(),
        drafts,
        outbox,
        settings,
        focused: dom::has_focus(),
    }
}

#[component]
pub fn App() -> Html {
    let store = use_reducer(Store::default);
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| {
            runtime::install(Callback::from(move |a| dispatcher.dispatch(a)));
            listeners::install();
            runtime::dispatch(boot());
        });
    }
    // An invitation link (`#invite=…`) opens the join screen instead of sign-in.
    let invite = use_state(|| dom::window().and_then(|w| w.location().hash().ok()).and_then(|h| invite_token(&h)));
    let leave_invite = {
        let invite = invite.clone();
        Callback::from(move |()| invite.set(None))
    };
    let s = store.settings.locale.strings();
    let count = store.title_count();
    let title = if count > 0 { format!("({count}) {}", s.window_title) } else { s.window_title.to_owned() };
    let lang = store.settings.locale.tag();
    use_effect_with((title, lang), |(title, lang)| {
        if let Some(doc) = dom::document() {
            doc.set_title(title);
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("lang", lang);
            }
        }
    });
    let announcement = store.announce.as_ref().map(|(_, a)| match a {
        Announce::NewVisitor(l) => fill(s.a_new_visitor, &[&format::label(s, l)]),
        Announce::NewMessage(l) => fill(s.a_new_message, &[&format::label(s, l)]),
        Announce::TransferredToMe(l) => fill(s.a_transferred, &[&format::label(s, l)]),
        Announce::Mentioned(l) => fill(s.desk.a_mention, &[&format::label(s, l)]),
    });
    html! {
        <ContextProvider<Ctx> context={store.clone()}>
            if store.session.is_some() {
                <Console />
            } else if let Some(token) = (*invite).clone() {
                <Join {token} on_leave={leave_invite} />
            } else {
                <SignIn />
            }
            <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">{ announcement.unwrap_or_default() }</div>
        </ContextProvider<Ctx>>
    }
}
