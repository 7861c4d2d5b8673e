//! The tenant actor: one OS thread per tenant that owns the tenant's SQLite
//! connection and its [`Tenant`] state.
//!
//! Commands are taken in batches: everything queued (up to `MAX_BATCH`) runs in
//! one transaction, each command inside its own savepoint, and the batch commits
//! once. Only after the commit (an fsync, with `synchronous=FULL`) are the
//! resulting frames — acks included — delivered. That is group commit: durability
//! costs one fsync per batch, not per message.

use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::mpsc;

use super::batch::Batch;
use super::command::Command;
use super::core::Tenant;
use super::hub::ConnId;
use super::indexer::Moment;
use crate::store::StoreError;
use crate::time::Clock;

/// Most commands in one transaction.
const MAX_BATCH: usize = 512;

/// How the actor asks to be woken later (for inbox previews still owed).
#[derive(Debug)]
pub struct Alarm {
    runtime: tokio::runtime::Handle,
    tx: mpsc::WeakSender<Command>,
    set: bool,
}

impl Alarm {
    pub fn new(runtime: tokio::runtime::Handle, tx: mpsc::WeakSender<Command>) -> Self {
        Self { runtime, tx, set: false }
    }

    /// Sends [`Command::Previews`] after `after`, unless an alarm is already set.
    fn set(&mut self, after: Duration) {
        if std::mem::replace(&mut self.set, true) {
            return;
        }
        let tx = self.tx.clone();
        self.runtime.spawn(async move {
            tokio::time::sleep(after).await;
            if let Some(tx) = tx.upgrade() {
                let _ = tx.send(Command::Previews).await;
            }
        });
    }

    fn rang(&mut self) {
        self.set = false;
    }
}

/// Runs the actor until every handle to it is dropped, then returns.
pub fn run(mut db: Connection, mut tenant: Tenant, clock: Clock, mut alarm: Alarm, mut rx: mpsc::Receiver<Command>) {
    let mut commands = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        commands.push(first);
        while commands.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(cmd) => commands.push(cmd),
                Err(_) => break,
            }
        }
        if commands.iter().any(|c| matches!(c, Command::Previews)) {
            alarm.rang();
        }
        let ticked = commands.iter().any(|c| matches!(c, Command::Tick));
        let mut batch = Batch::new(clock.now());
        let started = std::time::Instant::now();
        metrics::histogram!(crate::metrics::BATCH_COMMANDS).record(commands.len() as f64);
        if let Some(due_in) = run_batch(&mut db, &mut tenant, &mut commands, &mut batch) {
            alarm.set(due_in);
        }
        metrics::histogram!(crate::metrics::ACK_SECONDS).record(started.elapsed().as_secs_f64());
        // Search indexing, off the ack path: in its own transaction between
        // batches, when nothing is waiting or the backlog is long (indexer.rs).
        let moment = match (ticked, rx.is_empty()) {
            (true, _) => Moment::Tick,
            (false, true) => Moment::Idle,
            (false, false) => Moment::Busy,
        };
        super::indexer::after_batch(&db, moment);
        tenant.update_kpis(&db, moment, clock.now());
    }
    tracing::debug!(tenant = %tenant.id(), "tenant actor stopped");
}

/// Runs and commits one batch, then delivers its effects. Returns when the
/// inbox previews still owed are due.
fn run_batch(
    db: &mut Connection,
    tenant: &mut Tenant,
    commands: &mut Vec<Command>,
    batch: &mut Batch,
) -> Option<Duration> {
    let mut previews_owed = None;
    let committed = (|| -> Result<(), StoreError> {
        // IMMEDIATE: take the write lock at BEGIN, waiting out (busy_timeout)
        // another writer such as Litestream's checkpoints; a deferred BEGIN
        // would fail with "database is locked" when it upgrades mid-batch.
        let mut tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Err(refusal) = tenant.before_batch(&tx, batch) {
            refusal.report(tenant.id(), None, batch);
        }
        for cmd in commands.drain(..) {
            let conn = command_conn(&cmd);
            if let Some(conn) = conn {
                batch.involve(conn);
            }
            let sp = tx.savepoint()?;
            let mark = batch.mark();
            match tenant.apply(&sp, cmd, batch) {
                Ok(()) => sp.commit()?,
                Err(refusal) => {
                    drop(sp); // rolls the savepoint back
                    batch.truncate(mark);
                    refusal.report(tenant.id(), conn, batch);
                }
            }
        }
        match tenant.after_batch(&tx, batch) {
            Ok(owed) => previews_owed = owed,
            Err(refusal) => refusal.report(tenant.id(), None, batch),
        }
        let commit = std::time::Instant::now();
        tx.commit()?;
        metrics::histogram!(crate::metrics::COMMIT_SECONDS).record(commit.elapsed().as_secs_f64());
        Ok(())
    })();
    let (effects, conns) = batch.take();
    match committed {
        Ok(()) => {
            tenant.committed();
            tenant.hub_mut().deliver(effects);
        }
        Err(e) => {
            tracing::error!(tenant = %tenant.id(), error = %e, "batch failed to commit; dropping its sockets");
            commands.clear();
            tenant.rolled_back();
            tenant.hub_mut().abort(effects, &conns);
        }
    }
    previews_owed
}

fn command_conn(cmd: &Command) -> Option<ConnId> {
    match cmd {
        Command::Visitor { conn, .. } | Command::Agent { conn, .. } => Some(*conn),
        _ => None,
    }
}
