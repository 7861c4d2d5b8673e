//! Reproductions of the backpressure bugs of issue 9, at the relay's default
//! outgoing queue: a long resume (bug 1) and a queue flood (bug 2). They count
//! what the relay delivered before it dropped the socket; they fix nothing.

use std::path::Path;
use std::time::Duration;

use futures_util::future::join_all;
use futures_util::{SinkExt, StreamExt};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::client::{Target, Ws, send};
use crate::frames;
use crate::pairs::{ended_by, open_visitor};
use crate::relay::{DataDir, Relay, tenant_id};

/// How long a reproduction waits for the relay to deliver or drop.
const PATIENCE: Duration = Duration::from_secs(20);
/// Messages kept in flight while the long conversation is written.
const SEED_WINDOW: usize = 32;

/// Shape of a resume run (bug 1).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ResumeArgs {
    /// Messages in the visitor's conversation.
    #[arg(long, default_value_t = 600)]
    pub messages: usize,
    /// Reconnections to try.
    #[arg(long, default_value_t = 5)]
    pub attempts: usize,
}

/// Writes the conversation on a relay with lifted frame limits, restarts the
/// relay with `flags` only, and reconnects the visitor with its token.
pub async fn resume(bin: &Path, dir: &DataDir, lifted: &[String], flags: &[String], args: ResumeArgs) {
    let relay = Relay::start(bin, dir, lifted).await;
    let (mut ws, welcome) = Target::of(&relay).visitor(&tenant_id(1), "").await;
    let token = welcome["token"].as_str().expect("welcome carries a token").to_owned();
    seed(&mut ws, args.messages).await;
    drop(ws);
    relay.kill().await;
    let relay = Relay::start(bin, dir, flags).await;
    println!("resume: a visitor with a {}-message conversation reconnects with its token", args.messages);
    println!("relay flags: {}", if flags.is_empty() { "(defaults)".to_owned() } else { flags.join(" ") });
    let target = Target::of(&relay);
    for attempt in 1..=args.attempts {
        let ws = target.visitor_hello(&tenant_id(1), &format!(r#","token":"{token}""#)).await;
        let (replayed, ended) = count_replay(ws, args.messages).await;
        println!("attempt {attempt}: {replayed} of {} messages replayed, then {ended}", args.messages);
    }
}

/// Sends `n` messages, `SEED_WINDOW` at a time awaiting their acks.
async fn seed(ws: &mut Ws, n: usize) {
    let (mut sent, mut acked) = (0, 0);
    while acked < n {
        while sent < n && sent - acked < SEED_WINDOW {
            ws.feed(Message::text(frames::send(0, sent as u64))).await.expect("frame queued");
            sent += 1;
        }
        ws.flush().await.expect("frames sent");
        match ws.next().await {
            Some(Ok(Message::Text(t))) if frames::ack(&t).is_some() => acked += 1,
            Some(Ok(Message::Text(t))) if frames::error(&t).is_some() => panic!("relay refused: {t}"),
            Some(Ok(_)) => {}
            other => panic!("socket ended while seeding: {other:?}"),
        }
    }
}

/// Reads a resuming socket: replayed messages until all arrived, the relay
/// dropped the socket (its reason), or `PATIENCE` ran out.
async fn count_replay(mut ws: Ws, expected: usize) -> (usize, String) {
    let mut replayed = 0;
    while replayed < expected {
        let Ok(next) = tokio::time::timeout(PATIENCE, ws.next()).await else {
            return (replayed, format!("nothing more within {PATIENCE:?}"));
        };
        if let Some(why) = ended_by(next.as_ref()) {
            return (replayed, format!("dropped: {why}"));
        }
        if let Some(Ok(Message::Text(t))) = next
            && frames::message(&t).is_some()
        {
            replayed += 1;
        }
    }
    (replayed, "complete".to_owned())
}

/// Shape of a flood run (bug 2).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct FloodArgs {
    /// Anonymous visitors, each opening a waiting conversation.
    #[arg(long, default_value_t = 600)]
    pub visitors: usize,
    /// Agent sockets watching the queue.
    #[arg(long, default_value_t = 3)]
    pub agents: usize,
}

/// Fills the queue, connects agents, then one agent claims the oldest
/// conversation: every other waiting conversation's position changes.
pub async fn flood(relay: &Relay, args: FloodArgs) {
    let target = Target::of(relay);
    let tenant = tenant_id(1);
    let mut visitors = Vec::with_capacity(args.visitors);
    for chunk in (0..args.visitors).collect::<Vec<_>>().chunks(50) {
        visitors.extend(join_all(chunk.iter().map(|&i| open_visitor(&target, &tenant, i))).await);
    }
    let token = target.login(&tenant).await;
    let mut agents = Vec::with_capacity(args.agents);
    for _ in 0..args.agents {
        agents.push(target.agent(&token).await);
    }
    // Visitors open concurrently: the oldest conversation is the lowest id, and
    // only a claim of the oldest moves every other one up the queue.
    let oldest = visitors.iter().map(|v| v.conversation).min().expect("at least one visitor");
    send(&mut agents[0], format!(r#"{{"type":"claim","conversation_id":{oldest}}}"#)).await;
    let expected = args.visitors - 1;
    let readers: Vec<JoinHandle<(usize, String)>> =
        agents.into_iter().map(|ws| tokio::spawn(count_updates(ws, expected))).collect();
    println!("flood: {} waiting conversations, {} agent sockets; one claim of the oldest", args.visitors, args.agents);
    for (i, reader) in readers.into_iter().enumerate() {
        let (updates, ended) = reader.await.expect("reader task");
        println!(
            "agent socket {}: latest queue positions of {updates} of {expected} waiting conversations, then {ended}",
            i + 1
        );
    }
    drop(visitors);
}

/// Reads an agent socket after the claim until every waiting conversation's
/// latest state shows its new place (positions 1..=`expected`, one per
/// conversation), the relay dropped it, or `PATIENCE` ran out. Updates of one
/// conversation may be coalesced by the relay, so it counts states, not frames.
async fn count_updates(mut ws: Ws, expected: usize) -> (usize, String) {
    let mut positions: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
    let settled = |p: &std::collections::HashMap<u64, u64>| {
        let mut seen: Vec<u64> = p.values().copied().collect();
        seen.sort_unstable();
        seen.len() == expected && seen.iter().copied().eq(1..=expected as u64)
    };
    while !settled(&positions) {
        let Ok(next) = tokio::time::timeout(PATIENCE, ws.next()).await else {
            return (positions.len(), format!("nothing more within {PATIENCE:?}"));
        };
        if let Some(why) = ended_by(next.as_ref()) {
            return (positions.len(), format!("dropped: {why}"));
        }
        if let Some(Ok(Message::Text(t))) = next
            && t.starts_with(r#"{"type":"conversation","#)
            && let Ok(frame) = serde_json::from_str::<serde_json::Value>(&t)
        {
            let c = &frame["conversation"];
            let id = c["id"].as_u64().unwrap_or_default();
            match c["queue_position"].as_u64() {
                Some(position) if c["status"] == "waiting" => positions.insert(id, position),
                _ => positions.remove(&id),
            };
        }
    }
    (positions.len(), "all arrived".to_owned())
}
