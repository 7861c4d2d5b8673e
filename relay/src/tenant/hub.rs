//! Who is connected to a tenant and who follows what; applies a committed
//! batch's effects to the sockets. Lives inside the tenant actor; never shared.
//!
//! **Following.** An agent socket follows a conversation when the conversation is
//! assigned to its agent, or when the socket watches it (`sync` starts a watch,
//! `unwatch` ends it, at most [`MAX_WATCHES`] per socket, oldest dropped first).
//! Only followers get a conversation's `message`, `typing` and `read` frames;
//! every agent gets its `conversation` summaries. That keeps the frames per
//! message at "the visitor, the assignee, and whoever has it open", not "every
//! agent of the tenant".

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use natter_protocol::{AgentId, ConversationId, UnixMillis, VisitorId};

use super::batch::{AgentTarget, Effect, VisitorTarget};
use super::encode;
use crate::auth::session::TokenHash;
use crate::outbox::{Frame, Outbox};

/// Identifies one socket for the lifetime of the process.
pub type ConnId = u64;

/// The tenant actor's way to reach a socket: its outgoing queue, which the actor
/// pushes to without ever waiting (see [`crate::outbox`]).
pub type ConnSink = Arc<Outbox>;

/// Conversations one agent socket may watch at once.
pub const MAX_WATCHES: usize = 64;

/// Who a registered socket belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    Visitor { id: VisitorId, user_agent: Option<String> },
    Agent { id: AgentId, session: TokenHash },
}

#[derive(Debug)]
struct Socket {
    sink: ConnSink,
    member: Member,
    /// Conversations this (agent) socket watches, oldest first.
    watches: VecDeque<ConversationId>,
}

/// Registered sockets, indexed by who they belong to and what they watch.
#[derive(Debug, Default)]
pub struct Hub {
    conns: HashMap<ConnId, Socket>,
    visitors: HashMap<VisitorId, HashSet<ConnId>>,
    agents: HashMap<AgentId, HashSet<ConnId>>,
    watchers: HashMap<ConversationId, HashSet<ConnId>>,
    /// When each visitor's last socket closed (for abandoned-queue detection).
    visitor_left_at: HashMap<VisitorId, UnixMillis>,
}

impl Hub {
    pub fn member(&self, conn: ConnId) -> Option<&Member> {
        self.conns.get(&conn).map(|s| &s.member)
    }

    /// Whether the visitor has a socket open.
    pub fn visitor_online(&self, visitor: &VisitorId) -> bool {
        self.visitors.contains_key(visitor)
    }

    /// When the visitor's last socket closed; `None` if never seen leaving.
    pub fn visitor_left_at(&self, visitor: &VisitorId) -> Option<UnixMillis> {
        self.visitor_left_at.get(visitor).copied()
    }

    pub fn sink(&self, conn: ConnId) -> Option<&ConnSink> {
        self.conns.get(&conn).map(|s| &s.sink)
    }

    /// Agent sockets signed in with `session`.
    pub fn conns_of_session(&self, session: &TokenHash) -> Vec<ConnId> {
        self.conns
            .iter()
            .filter(|(_, s)| matches!(&s.member, Member::Agent { session: x, .. } if x == session))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Open sockets of an agent.
    pub fn agent_sockets(&self, agent: AgentId) -> usize {
        self.agents.get(&agent).map_or(0, HashSet::len)
    }

    fn register(&mut self, conn: ConnId, sink: ConnSink, member: Member) {
        self.forget(conn);
        match &member {
            Member::Visitor { id, .. } => {
                self.visitor_left_at.remove(id);
                self.visitors.entry(id.clone()).or_default().insert(conn);
            }
            Member::Agent { id, .. } => {
                self.agents.entry(*id).or_default().insert(conn);
            }
        }
        self.conns.insert(conn, Socket { sink, member, watches: VecDeque::new() });
    }

    /// Removes a closed socket; returns who it belonged to.
    pub fn unregister(&mut self, conn: ConnId, now: UnixMillis) -> Option<Member> {
        let member = self.forget(conn)?;
        if let Member::Visitor { id, .. } = &member
            && !self.visitor_online(id)
        {
            self.visitor_left_at.insert(id.clone(), now);
        }
        Some(member)
    }

    fn forget(&mut self, conn: ConnId) -> Option<Member> {
        let socket = self.conns.remove(&conn)?;
        for c in &socket.watches {
            remove_from(&mut self.watchers, c, conn);
        }
        match &socket.member {
            Member::Visitor { id, .. } => remove_from(&mut self.visitors, id, conn),
            Member::Agent { id, .. } => remove_from(&mut self.agents, id, conn),
        }
        Some(socket.member)
    }

    fn watch(&mut self, conn: ConnId, conversation: ConversationId) {
        let Some(socket) = self.conns.get_mut(&conn).filter(|s| matches!(s.member, Member::Agent { .. })) else {
            return;
        };
        if socket.watches.contains(&conversation) {
            return;
        }
        if socket.watches.len() >= MAX_WATCHES
            && let Some(oldest) = socket.watches.pop_front()
        {
            remove_from(&mut self.watchers, &oldest, conn);
        }
        socket.watches.push_back(conversation);
        self.watchers.entry(conversation).or_default().insert(conn);
    }

    fn unwatch(&mut self, conn: ConnId, conversation: ConversationId) {
        if let Some(socket) = self.conns.get_mut(&conn) {
            socket.watches.retain(|c| *c != conversation);
        }
        remove_from(&mut self.watchers, &conversation, conn);
    }

    /// Applies the effects of a committed batch.
    pub fn deliver(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Register(conn, sink, member) => self.register(conn, sink, member),
                Effect::Visitor(target, frame) => self.to_visitors(&target, &frame),
                Effect::Agents(target, frame) => self.to_agents(&target, &frame),
                Effect::Error(conn, frame) => {
                    if let Some(s) = self.conns.get(&conn) {
                        s.sink.push(frame);
                    }
                }
                Effect::Close(conn, frame) => self.close(conn, frame),
                Effect::Watch(conn, c) => self.watch(conn, c),
                Effect::Unwatch(conn, c) => self.unwatch(conn, c),
                Effect::StartReplay(conn, replay) => {
                    if let Some(s) = self.conns.get(&conn) {
                        s.sink.start_replay(replay);
                    }
                }
                Effect::ReplayPage(conn, page, next) => {
                    if let Some(s) = self.conns.get(&conn) {
                        s.sink.replay_page(page, next);
                    }
                }
                Effect::Reply(reply) => reply(true),
            }
        }
    }

    fn to_visitors(&self, target: &VisitorTarget, frame: &Frame) {
        match target {
            VisitorTarget::Conn(id) => self.push_if(*id, frame, |m| matches!(m, Member::Visitor { .. })),
            VisitorTarget::Visitor(v) => self.push_all(self.visitors.get(v), frame),
        }
    }

    fn to_agents(&self, target: &AgentTarget, frame: &Frame) {
        match target {
            AgentTarget::Conn(id) => self.push_if(*id, frame, |m| matches!(m, Member::Agent { .. })),
            AgentTarget::All => self.agents.values().for_each(|conns| self.push_all(Some(conns), frame)),
            AgentTarget::Agent(id) => self.push_all(self.agents.get(id), frame),
            AgentTarget::Followers { conversation, assignee } => {
                let holders = assignee.and_then(|a| self.agents.get(&a));
                self.push_all(holders, frame);
                for conn in self.watchers.get(conversation).into_iter().flatten() {
                    // The assignee's sockets already have it.
                    if !holders.is_some_and(|h| h.contains(conn)) {
                        self.push_if(*conn, frame, |_| true);
                    }
                }
            }
        }
    }

    /// Pushes to `conn` if it is registered and `audience` accepts its member:
    /// a frame of one audience never reaches the other's socket.
    fn push_if(&self, conn: ConnId, frame: &Frame, audience: impl Fn(&Member) -> bool) {
        if let Some(s) = self.conns.get(&conn).filter(|s| audience(&s.member)) {
            s.sink.push(frame.clone());
        }
    }

    fn push_all(&self, conns: Option<&HashSet<ConnId>>, frame: &Frame) {
        for conn in conns.into_iter().flatten() {
            if let Some(s) = self.conns.get(conn) {
                s.sink.push(frame.clone());
            }
        }
    }

    /// After a failed commit: answer requests with failure and drop the sockets
    /// that had frames in the batch, so their clients reconnect and resend.
    pub fn abort(&self, effects: Vec<Effect>, conns_in_batch: &[ConnId]) {
        for effect in effects {
            if let Effect::Reply(reply) = effect {
                reply(false);
            }
        }
        let frame = encode::error(&natter_protocol::ErrorFrame::fatal(
            natter_protocol::ErrorCode::Internal,
            "the relay could not store this; reconnect and resend",
        ));
        for conn in conns_in_batch {
            self.close(*conn, frame.clone());
        }
    }

    /// Sends a last frame and closes the socket. It stays registered until its
    /// reader ends and detaches it (its outbox refuses frames meanwhile), so
    /// whoever counts sockets hears of the close once, from `Detach`.
    fn close(&self, conn: ConnId, frame: Frame) {
        if let Some(s) = self.conns.get(&conn) {
            s.sink.push(frame);
            s.sink.close();
        }
    }
}

fn remove_from<K: std::hash::Hash + Eq + Clone>(index: &mut HashMap<K, HashSet<ConnId>>, key: &K, conn: ConnId) {
    if let Some(set) = index.get_mut(key) {
        set.remove(&conn);
        if set.is_empty() {
            index.remove(key);
        }
    }
}
