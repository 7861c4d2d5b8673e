//! The routing pass at the end of a batch in which the queue or agent
//! availability changed: assigns what the routing rules allow (auto-assign
//! tenants), tells waiting visitors their place when it changed, and pushes
//! presence to agents when it changed. It runs in the batch's transaction, so
//! what it decides is delivered with the batch.

use std::collections::HashMap;

use natter_protocol::{AgentRef, AgentStatus, RoutingSettings, ToAgent, ToVisitor};
use rusqlite::Connection;

use super::agents::Agents;
use super::batch::{AgentTarget, Batch, OpResult, VisitorTarget};
use super::conversations::{Assignment, Conversations};
use super::queries;
use super::routing::{self, Candidate, Waiting};

/// Handling time assumed before a tenant has closed conversations to learn from.
const DEFAULT_HANDLING_SECS: u32 = 300;
/// Recent closed conversations the wait estimate learns from.
const HANDLING_SAMPLE: u32 = 50;

/// Runs the pass if the queue or availability changed since it last ran.
pub fn route_if_changed(
    db: &Connection,
    convs: &mut Conversations,
    agents: &mut Agents,
    r: &RoutingSettings,
    batch: &mut Batch,
) -> OpResult {
    // Both flags are taken: neither may stay set for the next batch.
    let queue_changed = convs.take_queue_changed();
    if !(agents.take_changed() | queue_changed) {
        return Ok(());
    }
    let now = batch.now;
    let presence = agents.snapshot(db, r, now)?;
    let mut candidates: Vec<Candidate> = presence
        .iter()
        .filter(|p| p.status == AgentStatus::Online && agents.connected(p.id))
        .map(|p| Candidate {
            id: p.id,
            skills: p.skills.clone(),
            active: p.active_chats,
            max: p.max_chats,
            idle_since: agents.idle_since(p.id, now),
        })
        .collect();
    let capacity: u32 = candidates.iter().map(|c| c.max).sum();
    // Busy agents are there and will free up; away or signed-out ones are not.
    let agents_online = presence.iter().any(|p| matches!(p.status, AgentStatus::Online | AgentStatus::Busy));
    let rows = queries::waiting(db)?;
    let mut queue: Vec<Waiting> = rows
        .iter()
        .map(|r| Waiting { id: r.id, priority: r.priority, skill: r.skill.clone(), queued_at: r.queued_at })
        .collect();
    if r.auto_assign {
        for (conversation, agent) in routing::drain(&queue, &mut candidates, now) {
            auto_assign(db, convs, agents, conversation, agent, batch)?;
            queue.retain(|w| w.id != conversation);
        }
    }
    tell_places(db, convs, &rows, queue, (capacity, agents_online), batch)?;
    // Auto-assignment may have moved an agent's load: read presence again.
    if let Some(presence) = agents.unpushed(agents.snapshot(db, r, now)?) {
        batch.to_agents(AgentTarget::All, &ToAgent::Presence { agents: presence });
    }
    // Whatever the pass itself changed is settled now.
    convs.take_queue_changed();
    Ok(())
}

fn auto_assign(
    db: &Connection,
    convs: &mut Conversations,
    agents: &mut Agents,
    id: natter_protocol::ConversationId,
    agent: natter_protocol::AgentId,
    batch: &mut Batch,
) -> OpResult {
    let Some(info) = queries::agent(db, agent)? else { return Ok(()) };
    let Some(c) = queries::conversation(db, id)? else { return Ok(()) };
    agents.got_conversation(agent, batch.now);
    convs.assign(db, &c, AgentRef { id: info.id, name: info.name }, Assignment::Auto, batch)
}

/// Tells each waiting visitor their place when it changed, and refreshes the
/// summaries of conversations that moved (agents see the order).
fn tell_places(
    db: &Connection,
    convs: &mut Conversations,
    rows: &[queries::QueueRow],
    mut queue: Vec<Waiting>,
    (capacity, agents_online): (u32, bool),
    batch: &mut Batch,
) -> OpResult {
    routing::order_queue(&mut queue);
    let median = routing::median(queries::recent_handling_secs(db, HANDLING_SAMPLE)?, DEFAULT_HANDLING_SECS);
    let waiting = u32::try_from(queue.len()).unwrap_or(u32::MAX);
    let mut places = HashMap::new();
    let mut moved = Vec::new();
    for (i, w) in queue.iter().enumerate() {
        let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let eta = routing::estimate_wait_secs(position, median, capacity);
        let place = (position, waiting, eta, agents_online);
        let before = convs.place_told(w.id);
        if before.map(|p| p.0) != Some(position) {
            moved.push(w.id);
        }
        // Offline-form visitors left a message, not a live chat: no wait to show.
        if before != Some(&place)
            && let Some(row) = rows.iter().find(|r| r.id == w.id && !r.offline)
        {
            batch.to_visitor(
                VisitorTarget::Visitor(row.visitor.clone()),
                &ToVisitor::Queue { conversation_id: w.id, position, waiting, estimated_wait_secs: eta, agents_online },
            );
        }
        places.insert(w.id, place);
    }
    convs.set_places(places);
    for id in moved {
        if let Some(c) = queries::conversation(db, id)? {
            batch.to_agents(AgentTarget::All, &ToAgent::Conversation { conversation: convs.for_agents(c) });
        }
    }
    Ok(())
}
