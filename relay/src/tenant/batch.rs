//! What one batch of commands produces while its transaction is open: effects
//! that the hub applies, in order, only after the commit (frames, acks included,
//! never describe rows that are not durable), and the refusals that roll a
//! command back.
//!
//! Sending is typed by audience: [`Batch::to_visitor`] takes a [`ToVisitor`] and
//! a visitor target, [`Batch::to_agents`] a [`ToAgent`] and an agent target, so
//! an agent frame cannot be addressed to a visitor.

use natter_protocol::{
    AgentId, ClientMsgId, ConversationId, ErrorCode, ErrorFrame, ToAgent, ToVisitor, UnixMillis, VisitorId,
};

use super::encode;
use super::hub::{ConnId, ConnSink, Member};
use crate::outbox::{Frame, Replay};
use crate::store::StoreError;

/// Which visitor sockets a visitor frame goes to.
#[derive(Debug, Clone)]
pub enum VisitorTarget {
    /// The visitor socket a command came from.
    Conn(ConnId),
    /// Every socket of one visitor (they may have several tabs open).
    Visitor(VisitorId),
}

/// Which agent sockets an agent frame goes to.
#[derive(Debug, Clone)]
pub enum AgentTarget {
    /// The agent socket a command came from.
    Conn(ConnId),
    /// Every agent socket of the tenant.
    All,
    /// Every socket of one agent.
    Agent(AgentId),
    /// The sockets that follow a conversation: every socket of its assignee,
    /// and those that watch it (see [`super::hub`]).
    Followers { conversation: ConversationId, assignee: Option<AgentId> },
}

/// Effects of a batch, applied in order only after its transaction commits.
pub enum Effect {
    Register(ConnId, ConnSink, Member),
    Visitor(VisitorTarget, Frame),
    Agents(AgentTarget, Frame),
    /// An error for the socket a command came from, whoever it is.
    Error(ConnId, Frame),
    /// Send a frame then close the socket.
    Close(ConnId, Frame),
    /// The agent socket starts or stops watching a conversation.
    Watch(ConnId, ConversationId),
    Unwatch(ConnId, ConversationId),
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
            Self::Visitor(t, s) => write!(f, "Visitor({t:?}, {})", s.text),
            Self::Agents(t, s) => write!(f, "Agents({t:?}, {})", s.text),
            Self::Error(id, s) => write!(f, "Error({id}, {})", s.text),
            Self::Close(id, s) => write!(f, "Close({id}, {})", s.text),
            Self::Watch(id, c) => write!(f, "Watch({id}, {c})"),
            Self::Unwatch(id, c) => write!(f, "Unwatch({id}, {c})"),
            Self::StartReplay(id, r) => write!(f, "StartReplay({id}, {r:?})"),
            Self::ReplayPage(id, page, next) => write!(f, "ReplayPage({id}, {} frames, {next:?})", page.len()),
            Self::Reply(_) => f.write_str("Reply"),
        }
    }
}

/// What one batch accumulates while its transaction is open.
#[derive(Debug)]
pub struct Batch {
    pub now: UnixMillis,
    effects: Vec<Effect>,
    /// Sockets whose frames are in this batch (told to reconnect if it fails).
    conns: Vec<ConnId>,
}

impl Batch {
    pub fn new(now: UnixMillis) -> Self {
        Self { now, effects: Vec::new(), conns: Vec::new() }
    }

    pub fn to_visitor(&mut self, target: VisitorTarget, frame: &ToVisitor) {
        self.effects.push(Effect::Visitor(target, encode::visitor(frame)));
    }

    pub fn to_agents(&mut self, target: AgentTarget, frame: &ToAgent) {
        self.effects.push(Effect::Agents(target, encode::agent(frame)));
    }

    /// Delivers a stored message to its visitor's sockets and to agent sockets.
    pub fn message(
        &mut self,
        visitor: VisitorTarget,
        agents: AgentTarget,
        conversation: ConversationId,
        message: natter_protocol::Message,
    ) {
        let (for_visitor, for_agents) = encode::message(conversation, message);
        self.effects.push(Effect::Visitor(visitor, for_visitor));
        self.effects.push(Effect::Agents(agents, for_agents));
    }

    /// Sends `error` to `conn` and closes it.
    pub fn close(&mut self, conn: ConnId, error: &ErrorFrame) {
        self.effects.push(Effect::Close(conn, encode::error(error)));
    }

    pub fn push(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    /// Notes that `conn` has a command in this batch.
    pub fn involve(&mut self, conn: ConnId) {
        self.conns.push(conn);
    }

    /// A mark to [`Self::truncate`] to: a refused command's frames describe rows
    /// its savepoint rolls back, so none of them may leave the relay.
    pub fn mark(&self) -> usize {
        self.effects.len()
    }

    pub fn truncate(&mut self, mark: usize) {
        self.effects.truncate(mark);
    }

    /// The effects and involved sockets, leaving the batch empty.
    pub fn take(&mut self) -> (Vec<Effect>, Vec<ConnId>) {
        (std::mem::take(&mut self.effects), std::mem::take(&mut self.conns))
    }

    /// Queues `reply` to be answered with `result` once the batch commits (or
    /// with [`StoreError::NotCommitted`] if it does not).
    pub fn reply_after_commit<T: Send + 'static>(
        &mut self,
        reply: super::command::Reply<T>,
        result: Result<T, StoreError>,
    ) {
        self.effects.push(Effect::Reply(Box::new(move |committed| {
            let answer = if committed { result } else { Err(StoreError::NotCommitted) };
            // The asker may have given up waiting; nothing to do then.
            let _ = reply.send(answer);
        })));
    }
}

/// Why a command was refused. Refusals roll back the command's savepoint.
#[derive(Debug)]
pub enum Refusal {
    /// Tell the socket (an `error` frame) and carry on.
    Error(ErrorFrame),
    /// Tell the socket and close it.
    Fatal(ErrorFrame),
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

impl Refusal {
    /// Adds the client message id and conversation the error is about.
    pub fn about(self, client: Option<&ClientMsgId>, conversation: Option<ConversationId>) -> Self {
        match self {
            Self::Error(e) => Self::Error(e.about(client, conversation)),
            other => other,
        }
    }

    /// Tells the socket the command came from (if any).
    pub fn report(self, tenant: &natter_protocol::TenantId, conn: Option<ConnId>, batch: &mut Batch) {
        let (error, fatal) = match self {
            Self::Error(e) => (e, false),
            Self::Fatal(e) => (e, true),
            Self::Store(e) => {
                tracing::error!(tenant = %tenant, error = %e, "command failed");
                (ErrorFrame::new(ErrorCode::Internal, "the relay failed to process this frame"), false)
            }
        };
        metrics::counter!(crate::metrics::REFUSALS, "code" => error.code.as_str()).increment(1);
        let Some(conn) = conn else { return };
        if fatal {
            batch.close(conn, &error);
        } else {
            batch.push(Effect::Error(conn, encode::error(&error)));
        }
    }
}

pub type OpResult = Result<(), Refusal>;

/// Builds a non-fatal refusal.
pub fn refuse(code: ErrorCode, message: impl Into<String>) -> Refusal {
    Refusal::Error(ErrorFrame::new(code, message))
}
