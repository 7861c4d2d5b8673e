//! Connection state and errors: "reconnecting…" (with a retry button) while the
//! socket is down, a notice when the relay refused something, and a final
//! message when this page may not use the chat at all. A live region, so screen
//! readers hear it.

use yew::prelude::*;

use super::use_store;
use crate::i18n::error_text;
use crate::state::{Action, Conn, Notice};

#[component]
pub fn StatusBanner() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let retry = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::RetryNow))
    };
    let dismiss = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::DismissNotice))
    };
    let conn = match store.conn {
        Conn::Stopped(code) => Some(html! { <p class="banner error">{ error_text(s, code) }</p> }),
        c if c.reconnecting() => Some(html! {
            <p class="banner warn">
                <span>{ s.reconnecting }</span>
                if matches!(c, Conn::Retrying { .. }) {
                    <button type="button" class="link" onclick={retry}>{ s.retry_now }</button>
                }
            </p>
        }),
        Conn::Connecting { attempt: 0 } => Some(html! { <p class="banner quiet">{ s.connecting }</p> }),
        _ => None,
    };
    let notice = store.notice.map(|n| {
        let text = match n {
            Notice::Error(code) => error_text(s, code),
            Notice::TooLong => s.too_long,
            Notice::IdentityRefused => s.err_identity,
            Notice::TooManyFiles => s.err_too_many_files,
            Notice::ShopJustClosed => s.shop_just_closed,
        };
        html! {
            <p class="banner error" role="alert">
                <span>{ text }</span>
                <button type="button" class="link" onclick={dismiss}>{ s.dismiss }</button>
            </p>
        }
    });
    html! {
        <div class="status" role="status" aria-live="polite">
            { for conn }
            { for notice }
        </div>
    }
}
