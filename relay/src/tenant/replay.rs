//! Replays: the history a socket asks for (a visitor's resume after a seq, an
//! agent's `sync`), sent one page at a time as the socket drains. The actor only
//! starts a replay (the socket's outbox keeps the cursor) and reads the next page
//! when the socket's reader asks for it ([`Command::ReplayPage`]); a long
//! conversation never floods a socket's queue.
//!
//! [`Command::ReplayPage`]: super::Command::ReplayPage

use natter_protocol::{ConversationId, Message, Seq, ToAgent, ToVisitor};
use rusqlite::Connection;

use super::batch::{Batch, Effect};
use super::hub::{ConnId, Hub};
use super::{encode, queries};
use crate::files::TenantLinks;
use crate::outbox::{Audience, Frame, Replay};
use crate::store::StoreError;

/// Messages per page: a visitor gets this many `message` frames, an agent one `history` frame.
pub const PAGE: usize = 200;

/// Starts replaying `conversation` after `after` on `conn`, up to its last seq now.
pub fn start(
    db: &Connection,
    conn: ConnId,
    conversation: ConversationId,
    after: Seq,
    audience: Audience,
    batch: &mut Batch,
) -> Result<(), StoreError> {
    let upto = queries::last_seq(db, conversation)?;
    batch.push(Effect::StartReplay(conn, Replay { conversation, after, upto, audience }));
    Ok(())
}

/// Reads and delivers the next page of the replay in progress on `conn`.
/// Attachments carry links minted now, valid for the link lifetime from here.
pub fn next_page(
    db: &Connection,
    hub: &Hub,
    links: &TenantLinks,
    conn: ConnId,
    batch: &mut Batch,
) -> Result<(), StoreError> {
    let Some(replay) = hub.sink(conn).and_then(|s| s.current_replay()) else { return Ok(()) };
    let mut messages = queries::messages_after(db, replay.conversation, replay.after, PAGE)?;
    messages.retain(|m| m.seq <= replay.upto);
    super::files::fill_attachments(db, replay.conversation, &mut messages, links, batch.now)?;
    let next = match messages.last() {
        Some(last) if last.seq < replay.upto && messages.len() == PAGE => Some(Replay { after: last.seq, ..replay }),
        _ => None,
    };
    let frames = frames_for(replay, messages, next.is_some());
    batch.push(Effect::ReplayPage(conn, frames, next));
    Ok(())
}

fn frames_for(replay: Replay, messages: Vec<Message>, more: bool) -> Vec<Frame> {
    let conversation_id = replay.conversation;
    match replay.audience {
        Audience::Visitor => messages
            .iter()
            .map(|m| encode::visitor(&ToVisitor::Message { conversation_id, message: encode::for_visitor(m) }))
            .collect(),
        // Always one frame, even empty: `more: false` tells the console the sync is complete.
        Audience::Agent => vec![encode::agent(&ToAgent::History { conversation_id, messages, more })],
    }
}
