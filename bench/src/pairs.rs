//! Visitor/agent pairs, the population of the burst and chat workloads: in
//! each tenant, N visitors each open a conversation and N agents (one account
//! each, as a real team) each claim one of them. Agent sockets are read from the
//! moment they open and measure delivery once the window is known.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::future::join_all;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::client::{Target, Ws, send, wait_for};
use crate::frames::{self, Clock};
use crate::relay::tenant_id;
use crate::stats::Latencies;

/// When the measurement runs: sends from `start` to `end`; sockets are read until `until`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: Instant,
    pub end: Instant,
    pub until: Instant,
}

impl Window {
    /// A window that opens shortly (so every task is waiting for it) and lasts `length`.
    pub fn soon(length: Duration, drain: Duration) -> Self {
        let start = Instant::now() + Duration::from_millis(200);
        Window { start, end: start + length, until: start + length + drain }
    }
}

/// A visitor socket whose conversation an agent socket has claimed.
#[derive(Debug)]
pub struct Visitor {
    pub ws: Ws,
    pub conversation: u64,
}

/// Every pair of a run; the agent sockets are already being read by their tasks.
#[derive(Debug)]
pub struct Pairs {
    pub visitors: Vec<Visitor>,
    agents: Vec<JoinHandle<AgentResult>>,
    window: watch::Sender<Option<Window>>,
}

/// What one agent socket saw during the window.
#[derive(Debug, Default)]
pub struct AgentResult {
    pub delivery: Latencies,
    pub frames: u64,
    pub dropped: Option<String>,
}

impl Pairs {
    /// `per_tenant` pairs in each of `tenants` tenants, set up concurrently.
    pub async fn open(target: &Target, tenants: usize, per_tenant: usize, clock: Clock) -> Self {
        let (window, rx) = watch::channel(None);
        let opened = join_all((1..=tenants).map(|t| open_tenant(target, tenant_id(t), per_tenant, clock, rx.clone())));
        let mut pairs = Pairs { visitors: Vec::new(), agents: Vec::new(), window };
        for (visitors, agents) in opened.await {
            pairs.visitors.extend(visitors);
            pairs.agents.extend(agents);
        }
        pairs
    }

    /// Tells the agent sockets when to measure; returns their results once it is over.
    pub fn measure(self, window: Window) -> impl Future<Output = Vec<AgentResult>> {
        let _ = self.window.send(Some(window));
        let agents = self.agents;
        async move { join_all(agents).await.into_iter().map(|r| r.expect("agent task")).collect() }
    }
}

async fn open_tenant(
    target: &Target,
    tenant: String,
    n: usize,
    clock: Clock,
    window: watch::Receiver<Option<Window>>,
) -> (Vec<Visitor>, Vec<JoinHandle<AgentResult>>) {
    let mut visitors = join_all((0..n).map(|i| open_visitor(target, &tenant, i))).await;
    let mut agents = Vec::with_capacity(n);
    // Newest first: claiming the last of the queue moves nobody's position, so
    // set-up does not flood the agent sockets with queue updates.
    for (i, v) in visitors.iter().enumerate().rev() {
        let token = target.login_as(&tenant, &crate::relay::pair_agent_email(&tenant, i)).await;
        let mut agent = target.agent(&token).await;
        send(&mut agent, format!(r#"{{"type":"claim","conversation_id":{}}}"#, v.conversation)).await;
        agents.push(tokio::spawn(agent_socket(agent, v.conversation, clock, window.clone())));
    }
    for v in &mut visitors {
        wait_until_active(&mut v.ws).await;
    }
    (visitors, agents)
}

/// A visitor whose first message opened a (waiting) conversation.
pub async fn open_visitor(target: &Target, tenant: &str, i: usize) -> Visitor {
    let (mut ws, _) = target.visitor(tenant, "").await;
    send(&mut ws, format!(r#"{{"type":"send","client_id":"open-{i}","text":"hello"}}"#)).await;
    let ack = wait_for(&mut ws, "ack").await;
    let conversation = ack["conversation_id"].as_u64().expect("ack names its conversation");
    Visitor { ws, conversation }
}

async fn wait_until_active(ws: &mut Ws) {
    while wait_for(ws, "visitor_conversation").await["conversation"]["status"] != "active" {}
}

/// Reads an agent socket: before the window, frames are drained; during it,
/// frames are counted and the claimed conversation's messages timed.
async fn agent_socket(
    mut ws: Ws,
    conversation: u64,
    clock: Clock,
    mut window: watch::Receiver<Option<Window>>,
) -> AgentResult {
    let w = loop {
        tokio::select! {
            changed = window.changed() => match (changed, *window.borrow()) {
                (Ok(()), Some(w)) => break w,
                (Ok(()), None) => {}
                (Err(_), _) => return AgentResult::default(),
            },
            next = ws.next() => if let Some(dropped) = ended_by(next.as_ref()) {
                return AgentResult { dropped: Some(dropped), ..AgentResult::default() };
            },
        }
    };
    measure_agent(ws, conversation, clock, w).await
}

async fn measure_agent(mut ws: Ws, conversation: u64, clock: Clock, w: Window) -> AgentResult {
    let mut result = AgentResult { delivery: Latencies::with_capacity(1024), ..AgentResult::default() };
    let from_us = clock.us(w.start);
    while let Ok(next) = tokio::time::timeout_at(w.until.into(), ws.next()).await {
        if let Some(dropped) = ended_by(next.as_ref()) {
            result.dropped = Some(dropped);
            break;
        }
        let Some(Ok(Message::Text(text))) = next else { continue };
        result.frames += 1;
        if let Some((conv, rest)) = frames::message(&text)
            && conv == conversation
            && let Some(sent) = rest.sent().filter(|&sent| sent >= from_us)
        {
            result.delivery.record(clock.now_us().saturating_sub(sent));
        }
    }
    result
}

/// Why a socket read ended the socket, if it did: a fatal error's code, or "closed".
pub fn ended_by(next: Option<&Result<Message, tokio_tungstenite::tungstenite::Error>>) -> Option<String> {
    match next {
        Some(Ok(Message::Text(t))) => match frames::error(t) {
            Some(e) if e.fatal => Some(frames::error_code(t).to_owned()),
            _ => None,
        },
        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => Some("closed".to_owned()),
        Some(Ok(_)) => None,
    }
}
