//! The chat screen: the conversation log (greeting first), the agent's typing
//! indicator, the queue position while waiting, the offline hint (or, once the
//! offline form's message is stored, its confirmation), the end-of-chat
//! notice, and the composer while the chat can continue (or, when the visitor
//! chose to leave a message because nobody is online, the offline form). Files
//! dropped on the conversation are attached.

use yew::prelude::*;

use super::composer::Composer;
use super::ended_notice::EndedNotice;
use super::message_list::MessageList;
use super::offline_form::OfflineForm as LeaveMessageForm;
use super::queue_notice::QueueNotice;
use super::typing_indicator::TypingIndicator;
use super::use_store;
use crate::state::OfflineForm;
use crate::web::files;

/// Whether a drag carries files (not text or a link being dragged).
fn has_files(e: &DragEvent) -> bool {
    e.data_transfer().is_some_and(|d| d.types().includes(&"Files".into(), 0))
}

#[component]
pub fn Chat() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let ended = store.conversation_closed() && store.outbox.is_empty();
    let droppable = !(ended || store.uploads_off || (store.leaving_message && store.offline_offered()));
    let dragging = use_state_eq(|| false);
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            if droppable && has_files(&e) {
                // Accepting the drag is what makes the drop happen here.
                e.prevent_default();
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            dragging.set(false);
            if let Some(list) = files::transferred(e.data_transfer()).filter(|_| droppable) {
                e.prevent_default();
                files::attach(&list);
            }
        })
    };
    html! {
        <div class="chat" {ondragover}>
            if *dragging {
                // Over everything while dragging, so leaving a child is not leaving the chat.
                <div class="dropzone" {ondragleave} {ondrop}><p>{ s.drop_files }</p></div>
            }
            <MessageList />
            <div class="below">
                <TypingIndicator />
                <QueueNotice />
                if store.offline_form == OfflineForm::Sent {
                    // The offline form's message is now this conversation: confirm it here.
                    <p class="hint" role="status">{ s.offline_sent }</p>
                } else if store.tenant_offline() && !ended {
                    <p class="hint">{ store.config.as_ref().and_then(|c| c.offline_message.clone()).unwrap_or_else(|| s.offline.to_owned()) }</p>
                }
                if ended {
                    <EndedNotice />
                } else if store.leaving_message && store.offline_offered() {
                    <LeaveMessageForm />
                } else {
                    <Composer />
                }
            </div>
        </div>
    }
}
