//! The periodic timeouts, run on `Tick`: agents gone past the grace period get
//! their conversations returned to the queue, visitors who left the queue get
//! their conversation closed as abandoned, and conversations nobody wrote in for
//! too long are closed as inactive. Auto-away shows up in presence.

use natter_protocol::{AutoCloseReason, RoutingSettings, UnixMillis};
use rusqlite::Connection;

use super::agents::Agents;
use super::batch::{Batch, OpResult};
use super::conversations::Conversations;
use super::hub::Hub;
use super::queries;

fn ms(secs: u32) -> i64 {
    i64::from(secs) * 1000
}

/// Runs every timeout due at `batch.now`. `started_at` stands in for "when the
/// visitor left" for visitors who have not connected since the relay started.
pub fn run(
    db: &Connection,
    convs: &mut Conversations,
    agents: &mut Agents,
    hub: &Hub,
    r: &RoutingSettings,
    started_at: UnixMillis,
    batch: &mut Batch,
) -> OpResult {
    let now = batch.now;
    for agent in agents.release_gone(r.offline_grace_secs, now) {
        for c in queries::active_conversations_of(db, agent)? {
            convs.requeue(db, &c, None, None, None, batch)?;
        }
    }
    for row in queries::waiting(db)? {
        if row.offline || hub.visitor_online(&row.visitor) {
            continue;
        }
        let left_at = hub.visitor_left_at(&row.visitor).unwrap_or(started_at);
        if now.0 - left_at.0 >= ms(r.abandon_after_secs) {
            convs.auto_close(db, row.id, AutoCloseReason::Abandoned, batch)?;
        }
    }
    for id in queries::inactive_since(db, UnixMillis(now.0 - ms(r.inactive_close_after_secs)))? {
        convs.auto_close(db, id, AutoCloseReason::Inactive, batch)?;
    }
    let presence = agents.snapshot(db, r, now)?;
    agents.notice_drift(&presence);
    Ok(())
}
