//! Who is connected to a tenant, and the outbox that delivers frames to them once
//! a batch has committed. Lives inside the tenant actor; never shared.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use natter_protocol::{AgentId, ServerFrame, VisitorId};

use crate::auth::session::TokenHash;
pub use crate::outbox::Frame;
use crate::outbox::{Coalesce, Outbox, Replay};

/// Identifies one socket for the lifetime of the process.
pub type ConnId = u64;

/// The tenant actor's way to reach a socket: its outgoing queue, which the actor
/// pushes to without ever waiting (see [`crate::outbox`]).
pub type ConnSink = Arc<Outbox>;

/// Who a registered socket belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    Visitor { id: VisitorId, user_agent: Option<String> },
    Agent { id: AgentId, session: TokenHash },
}

/// Where a frame goes.
#[derive(Debug, Clone)]
pub enum Target {
    Conn(ConnId),
    /// Every socket of one visitor (they may have several tabs open).
    Visitor(VisitorId),
    /// Every agent socket of the tenant.
    Agents,
}

/// Effects of a batch, applied in order only after its transaction commits.
pub enum Effect {
    Register(ConnId, ConnSink, Member),
    Send(Target, Frame),
    /// Send a frame then close the socket.
    Close(ConnId, Frame),
    /// Start a paced replay on a socket (live frames then wait behind it).
    StartReplay(ConnId, Replay),
    /// One page of a replay; `None` ends it.
    ReplayPage(ConnId, Vec<Frame>, Option<Replay>),
    /// Answer a request; the flag says whether the batch committed.
    Reply(Box<dyn FnOnce(bool) + Send>),
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Register(id, _, m) => write!(f, "Register({id}, {m:?})"),
            Self::Send(t, s) => write!(f, "Send({t:?}, {})", s.text),
            Self::Close(id, s) => write!(f, "Close({id}, {})", s.text),
            Self::StartReplay(id, r) => write!(f, "StartReplay({id}, {r:?})"),
            Self::ReplayPage(id, page, next) => write!(f, "ReplayPage({id}, {} frames, {next:?})", page.len()),
            Self::Reply(_) => f.write_str("Reply"),
        }
    }
}

/// Serializes a frame once, for however many sockets receive it, with the key
/// on which a newer frame of the same kind replaces it in an unwritten queue.
pub fn encode(frame: &ServerFrame) -> Frame {
    // Serializing our own types to a String cannot fail (no maps with non-string keys).
    let text = Arc::from(serde_json::to_string(frame).unwrap_or_default());
    let key = match frame {
        ServerFrame::Conversation { conversation } => Some(Coalesce::Conversation(conversation.id)),
        ServerFrame::VisitorConversation { conversation } => Some(Coalesce::VisitorConversation(conversation.id)),
        ServerFrame::Queue { .. } => Some(Coalesce::Queue),
        ServerFrame::Presence { .. } => Some(Coalesce::Presence),
        _ => None,
    };
    Frame { text, key }
}

/// Registered sockets, indexed by who they belong to.
#[derive(Debug, Default)]
pub struct Hub {
    conns: HashMap<ConnId, (ConnSink, Member)>,
    visitors: HashMap<VisitorId, HashSet<ConnId>>,
    agents: HashSet<ConnId>,
}

impl Hub {
    pub fn member(&self, conn: ConnId) -> Option<&Member> {
        self.conns.get(&conn).map(|(_, m)| m)
    }

    /// Whether the visitor has a socket open.
    pub fn visitor_online(&self, visitor: &VisitorId) -> bool {
        self.visitors.contains_key(visitor)
    }

    pub fn sink(&self, conn: ConnId) -> Option<&ConnSink> {
        self.conns.get(&conn).map(|(s, _)| s)
    }

    pub fn register(&mut self, conn: ConnId, sink: ConnSink, member: Member) {
        self.unregister(conn);
        match &member {
            Member::Visitor { id, .. } => {
                self.visitors.entry(id.clone()).or_default().insert(conn);
            }
            Member::Agent { .. } => {
                self.agents.insert(conn);
            }
        }
        self.conns.insert(conn, (sink, member));
    }

    pub fn unregister(&mut self, conn: ConnId) {
        let Some((_, member)) = self.conns.remove(&conn) else { return };
        match member {
            Member::Visitor { id, .. } => {
                if let Some(set) = self.visitors.get_mut(&id) {
                    set.remove(&conn);
                    if set.is_empty() {
                        self.visitors.remove(&id);
                    }
                }
            }
            Member::Agent { .. } => {
                self.agents.remove(&conn);
            }
        }
    }

    /// Agent sockets signed in with `session`.
    pub fn conns_of_session(&self, session: &TokenHash) -> Vec<ConnId> {
        self.conns
            .iter()
            .filter(|(_, (_, m))| matches!(m, Member::Agent { session: s, .. } if s == session))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Applies the effects of a committed batch.
    pub fn deliver(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Register(conn, sink, member) => self.register(conn, sink, member),
                Effect::Send(target, frame) => self.send(&target, &frame),
                Effect::Close(conn, frame) => {
                    if let Some((sink, _)) = self.conns.get(&conn) {
                        sink.push(frame);
                        sink.close();
                    }
                    self.unregister(conn);
                }
                Effect::StartReplay(conn, replay) => {
                    if let Some((sink, _)) = self.conns.get(&conn) {
                        sink.start_replay(replay);
                    }
                }
                Effect::ReplayPage(conn, page, next) => {
                    if let Some((sink, _)) = self.conns.get(&conn) {
                        sink.replay_page(page, next);
                    }
                }
                Effect::Reply(reply) => reply(true),
            }
        }
    }

    fn send(&self, target: &Target, frame: &Frame) {
        let push = |id: &ConnId| {
            if let Some((sink, _)) = self.conns.get(id) {
                sink.push(frame.clone());
            }
        };
        match target {
            Target::Conn(id) => push(id),
            Target::Visitor(v) => self.visitors.get(v).into_iter().flatten().for_each(push),
            Target::Agents => self.agents.iter().for_each(push),
        }
    }

    /// After a failed commit: answer requests with failure and drop the sockets
    /// that had frames in the batch, so their clients reconnect and resend.
    pub fn abort(&mut self, effects: Vec<Effect>, conns_in_batch: &[ConnId]) {
        for effect in effects {
            if let Effect::Reply(reply) = effect {
                reply(false);
            }
        }
        let frame = encode(&ServerFrame::fatal(
            natter_protocol::ErrorCode::Internal,
            "the relay could not store this; reconnect and resend",
        ));
        for conn in conns_in_batch {
            if let Some((sink, _)) = self.conns.get(conn) {
                sink.push(frame.clone());
                sink.close();
            }
            self.unregister(*conn);
        }
    }
}
