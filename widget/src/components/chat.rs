//! The chat screen: the conversation log (greeting first), the agent's typing
//! indicator, the queue position while waiting, the offline hint (or, once the
//! offline form's message is stored, its confirmation), the end-of-chat
//! notice, and the composer while the chat can continue (or, when the visitor
//! chose to leave a message because nobody is online, the offline form).

use yew::prelude::*;

use super::composer::Composer;
use super::ended_notice::EndedNotice;
use super::message_list::MessageList;
use super::offline_form::OfflineForm as LeaveMessageForm;
use super::queue_notice::QueueNotice;
use super::typing_indicator::TypingIndicator;
use super::use_store;
use crate::state::OfflineForm;

#[component]
pub fn Chat() -> Html {
    let store = use_store();
    let s = store.locale().strings();
    let ended = store.conversation_closed() && store.outbox.is_empty();
    html! {
        <div class="chat">
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
                } else if store.leaving_message && store.nobody_online() {
                    <LeaveMessageForm />
                } else {
                    <Composer />
                }
            </div>
        </div>
    }
}
