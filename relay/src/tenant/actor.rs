//! The tenant actor: one OS thread per tenant that owns the tenant's SQLite
//! connection and its registry of sockets.
//!
//! Commands are taken in batches: everything queued (up to `MAX_BATCH`) runs in
//! one transaction, each command inside its own savepoint, and the batch commits
//! once. Only after the commit (an fsync, with `synchronous=FULL`) are the
//! resulting frames — acks included — delivered. That is group commit: durability
//! costs one fsync per batch, not per message.

use std::collections::HashMap;

use natter_protocol::{ClientMsgId, ConversationId, ErrorCode, ServerFrame, TenantId, UnixMillis};
use rusqlite::Connection;
use tokio::sync::mpsc;

use super::command::Command;
use super::hub::{ConnId, Effect, Hub, Target, encode};
use super::sessions::LiveSession;
use crate::auth::session::TokenHash;
use crate::auth::visitor_token::VisitorTokens;
use crate::config::SessionPolicy;
use crate::store::StoreError;

/// Most commands in one transaction.
const MAX_BATCH: usize = 512;

/// Everything the actor keeps besides its connection.
#[derive(Debug)]
pub(super) struct State {
    pub tenant: TenantId,
    pub hub: Hub,
    pub tokens: VisitorTokens,
    pub policy: SessionPolicy,
    pub max_text_bytes: usize,
    /// Sessions of connected agents, checked on every frame.
    pub sessions: HashMap<TokenHash, LiveSession>,
    /// The tenant's settings (loaded at start, replaced by admins).
    pub settings: natter_protocol::TenantSettings,
    /// Bumped on every settings change; the public config's ETag.
    pub settings_version: u64,
    pub presence: HashMap<natter_protocol::AgentId, super::presence::Presence>,
    /// When each visitor's last socket closed (for abandoned-queue detection).
    pub visitor_gone_at: HashMap<natter_protocol::VisitorId, UnixMillis>,
    pub started_at: UnixMillis,
    /// Something routing depends on changed during this batch.
    pub routing_dirty: bool,
    pub pushed: super::presence::Pushed,
    pub clock: crate::time::Clock,
}

/// What one batch accumulates while its transaction is open.
#[derive(Debug)]
pub(super) struct Batch {
    pub now: UnixMillis,
    pub effects: Vec<Effect>,
    /// Sockets whose frames are in this batch (told to reconnect if it fails).
    pub conns: Vec<ConnId>,
}

impl Batch {
    pub fn send(&mut self, target: Target, frame: &ServerFrame) {
        self.effects.push(Effect::Send(target, encode(frame)));
    }
}

/// Why a command was refused. Refusals roll back the command's savepoint.
#[derive(Debug)]
pub(super) enum Refusal {
    /// Tell the socket (an `error` frame) and carry on.
    Error(Box<ServerFrame>),
    /// Tell the socket and close it.
    Fatal(Box<ServerFrame>),
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

pub(super) type OpResult = Result<(), Refusal>;

/// Builds a non-fatal refusal.
pub(super) fn refuse(code: ErrorCode, message: impl Into<String>) -> Refusal {
    Refusal::Error(Box::new(ServerFrame::error(code, message)))
}

impl Refusal {
    /// Adds the client message id and conversation the error is about.
    pub fn about(mut self, client: Option<&ClientMsgId>, conversation: Option<ConversationId>) -> Self {
        if let Self::Error(frame) = &mut self
            && let ServerFrame::Error { client_id, conversation_id, .. } = frame.as_mut()
        {
            *client_id = client.cloned();
            *conversation_id = conversation;
        }
        self
    }
}

/// Runs the actor until every handle to it is dropped, then returns.
pub(super) fn run(mut db: Connection, mut state: State, mut rx: mpsc::Receiver<Command>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(cmd) => batch.push(cmd),
                Err(_) => break,
            }
        }
        run_batch(&mut db, &mut state, &mut batch);
        // HOT-MERGE: deferred search indexing (indexer.rs), in its own transaction
        // between batches: when nothing is queued, or when the backlog is long.
        super::indexer::after_batch(&db, rx.is_empty());
    }
    tracing::debug!(tenant = %state.tenant, "tenant actor stopped");
}

fn run_batch(db: &mut Connection, state: &mut State, commands: &mut Vec<Command>) {
    let mut batch = Batch { now: state.clock.now(), effects: Vec::new(), conns: Vec::new() };
    let committed = (|| -> Result<(), StoreError> {
        let mut tx = db.transaction()?;
        for cmd in commands.drain(..) {
            let conn = command_conn(&cmd);
            batch.conns.extend(conn);
            let sp = tx.savepoint()?;
            // A refused command's frames describe rows its savepoint rolls back:
            // none of them may leave the relay, only the refusal itself.
            let effects_before = batch.effects.len();
            match state.apply(&sp, cmd, &mut batch) {
                Ok(()) => sp.commit()?,
                Err(refusal) => {
                    drop(sp); // rolls the savepoint back
                    batch.effects.truncate(effects_before);
                    report(state, conn, refusal, &mut batch);
                }
            }
        }
        if let Err(refusal) = state.after_batch(&tx, &mut batch) {
            report(state, None, refusal, &mut batch);
        }
        tx.commit()?;
        Ok(())
    })();
    let effects = std::mem::take(&mut batch.effects);
    match committed {
        Ok(()) => state.hub.deliver(effects),
        Err(e) => {
            tracing::error!(tenant = %state.tenant, error = %e, "batch failed to commit; dropping its sockets");
            commands.clear();
            state.hub.abort(effects, &batch.conns);
        }
    }
}

fn command_conn(cmd: &Command) -> Option<ConnId> {
    match cmd {
        Command::Visitor { conn, .. } | Command::Agent { conn, .. } => Some(*conn),
        _ => None,
    }
}

fn report(state: &State, conn: Option<ConnId>, refusal: Refusal, batch: &mut Batch) {
    let frame = match refusal {
        Refusal::Error(frame) => *frame,
        Refusal::Fatal(frame) => {
            if let Some(conn) = conn {
                batch.effects.push(Effect::Close(conn, encode(&frame)));
            }
            return;
        }
        Refusal::Store(e) => {
            tracing::error!(tenant = %state.tenant, error = %e, "command failed");
            ServerFrame::error(ErrorCode::Internal, "the relay failed to process this frame")
        }
    };
    if let Some(conn) = conn {
        batch.send(Target::Conn(conn), &frame);
    }
}

impl State {
    fn apply(&mut self, db: &Connection, cmd: Command, batch: &mut Batch) -> OpResult {
        match cmd {
            Command::AttachVisitor { conn, sink, visitor, user_agent, resume, reply } => {
                let result = self.attach_visitor(db, conn, sink, visitor, user_agent, resume, batch);
                reply_after_commit(batch, reply, result.map_err(refusal_to_store))
            }
            Command::AttachAgent { conn, sink, session, reply } => {
                let result = self.attach_agent(db, conn, sink, session, batch);
                reply_after_commit(batch, reply, result)
            }
            Command::Detach { conn } => {
                self.detach(conn, batch.now);
                Ok(())
            }
            Command::Visitor { conn, frame } => self.visitor_frame(db, conn, frame, batch),
            Command::Agent { conn, frame } => self.agent_frame(db, conn, frame, batch),
            Command::ReplayPage { conn } => Ok(self.replay_page(db, conn, batch)?),
            Command::Admin(op) => self.admin(db, op, batch),
            Command::Tick => {
                self.expire_sessions(db, batch)?;
                self.housekeeping(db, batch)
            }
        }
    }

    fn detach(&mut self, conn: ConnId, now: UnixMillis) {
        let member = self.hub.member(conn).cloned();
        self.hub.unregister(conn);
        match member {
            Some(super::hub::Member::Agent { id, session }) => {
                if self.hub.conns_of_session(&session).is_empty() {
                    self.sessions.remove(&session);
                }
                self.agent_disconnected(id, now);
            }
            Some(super::hub::Member::Visitor { id, .. }) if !self.hub.visitor_online(&id) => {
                self.visitor_left(id, now);
            }
            _ => {}
        }
    }
}

/// Queues `reply` to be answered with `result` once the batch commits (or with
/// an error if it does not).
pub(super) fn reply_after_commit<T: Send + 'static>(
    batch: &mut Batch,
    reply: super::command::Reply<T>,
    result: Result<T, StoreError>,
) -> OpResult {
    batch.effects.push(Effect::Reply(Box::new(move |committed| {
        let answer = if committed { result } else { Err(StoreError::Stopped) };
        // The asker may have given up waiting; nothing to do then.
        let _ = reply.send(answer);
    })));
    Ok(())
}

fn refusal_to_store(r: Refusal) -> StoreError {
    match r {
        Refusal::Store(e) => e,
        Refusal::Error(f) | Refusal::Fatal(f) => StoreError::Corrupt(format!("{f:?}")),
    }
}

impl State {
    /// The actor's starting state: settings from the database, and every agent
    /// who holds conversations counted as just disconnected, so they get the
    /// grace period to come back after a relay restart.
    pub(super) fn load(db: &Connection, tenant: TenantId, settings: super::ActorSettings) -> Result<Self, StoreError> {
        let now = settings.clock.now();
        let (tenant_settings, settings_version) = super::queries::load_settings(db)?;
        let mut presence = HashMap::new();
        for (agent, _) in super::queries::active_counts(db)? {
            presence.insert(
                agent,
                super::presence::Presence {
                    chosen: natter_protocol::AgentStatus::Online,
                    sockets: 0,
                    last_activity: now,
                    disconnected_at: Some(now),
                    idle_since: now,
                    released: false,
                },
            );
        }
        Ok(Self {
            tenant,
            hub: Hub::default(),
            tokens: settings.tokens,
            policy: settings.sessions,
            max_text_bytes: settings.max_text_bytes,
            sessions: HashMap::new(),
            settings: tenant_settings,
            settings_version,
            presence,
            visitor_gone_at: HashMap::new(),
            started_at: now,
            routing_dirty: true,
            pushed: super::presence::Pushed::default(),
            clock: settings.clock,
        })
    }
}
