//! The keyboard shortcuts overlay (`?` or Alt+/).

use yew::prelude::*;

use super::modal::Modal;
use super::use_store;
use crate::state::Action;
use crate::state::shortcuts::{LIST, Shortcut};

#[component]
pub fn HelpOverlay() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let describe = |sc: Shortcut| match sc {
        Shortcut::NextConversation => s.sc_next,
        Shortcut::PreviousConversation => s.sc_prev,
        Shortcut::OpenConversation(_) => s.sc_open_n,
        Shortcut::FocusComposer => s.sc_composer,
        Shortcut::FocusInbox => s.sc_inbox,
        Shortcut::Claim => s.sc_claim,
        Shortcut::Transfer => s.sc_transfer,
        Shortcut::Close => s.sc_close,
        Shortcut::NoteMode => s.desk.sc_note_mode,
        Shortcut::Help => s.sc_help,
        Shortcut::Escape => s.sc_escape,
    };
    let rows = LIST.iter().map(|(keys, sc)| (keys.to_string(), describe(*sc))).chain([
        ("C".to_owned(), s.sc_claim_row),
        ("↓ / ↑".to_owned(), s.sc_rows),
        ("Enter".to_owned(), s.sc_enter),
        ("Shift+Enter".to_owned(), s.sc_shift_enter),
    ]);
    let close = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::ShowDialog(None)))
    };
    html! {
        <Modal id="help-dialog" title={ s.help_title }>
            <table class="keys">
                <tbody>
                    { for rows.map(|(keys, what)| html! {
                        <tr><td><kbd>{ keys }</kbd></td><td>{ what }</td></tr>
                    }) }
                </tbody>
            </table>
            <div class="actions">
                <button type="button" onclick={close}>{ s.close }</button>
            </div>
        </Modal>
    }
}
