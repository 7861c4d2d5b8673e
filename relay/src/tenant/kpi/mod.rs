//! KPIs, kept off the ack path (definitions: `METRICS.md`).
//!
//! A transaction that changes what a conversation's figures depend on queues
//! its id in `kpi_pending` ([`touch`]: one small insert). Between batches the
//! actor runs [`after_batch`]: in a transaction of its own it recomputes the
//! facts of up to [`MAX_CONVERSATIONS`] queued conversations, rebuilds the
//! rollups of every day they are (or were) filed under, and empties their
//! queue rows; either all of that commits or none, so a crash loses nothing
//! and the next start finishes the work. The tenant's zone and FCR window in
//! force are remembered (`settings` table): when either changes, every
//! conversation is queued again.
//!
//! `report.rs` reads the rollups for the API (on the read connection);
//! `export.rs` streams CSV pages.

pub mod days;
pub mod export;
mod facts;
pub mod report;
mod rollup;

use std::collections::BTreeSet;

use natter_protocol::{ConversationId, TenantSettings};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::indexer::Moment;
use super::queries;
use crate::store::StoreError;

/// Most conversations one run recomputes: bounds how long it holds the actor.
const MAX_CONVERSATIONS: usize = 200;

/// Queues a conversation's figures for recomputation; part of the caller's
/// transaction.
pub(super) fn touch(db: &Connection, id: ConversationId) -> Result<(), StoreError> {
    db.prepare_cached("INSERT OR IGNORE INTO kpi_pending(conversation_id) VALUES (?1)")?.execute([id.0])?;
    Ok(())
}

/// A conversation was opened: queue it, and its visitor's previous one (a
/// return within the FCR window spoils that one's first-contact resolution).
pub(super) fn touch_opened(
    db: &Connection,
    visitor: &natter_protocol::VisitorId,
    id: ConversationId,
) -> Result<(), StoreError> {
    touch(db, id)?;
    db.prepare_cached(
        "INSERT OR IGNORE INTO kpi_pending(conversation_id)
         SELECT id FROM conversations WHERE visitor_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT 1",
    )?
    .execute(rusqlite::params![visitor.as_str(), id.0])?;
    Ok(())
}

/// The actor's hook after every batch, outside any transaction. Returns the
/// local days (`YYYY-MM-DD`) whose figures changed, if any. A failure is
/// logged and retried later; nothing is lost.
pub(super) fn after_batch(db: &Connection, moment: Moment, settings: &TenantSettings) -> Option<Vec<String>> {
    let outcome = (|| {
        let due = match moment {
            Moment::Busy => backlog(db, MAX_CONVERSATIONS)? >= MAX_CONVERSATIONS,
            Moment::Idle | Moment::Tick => backlog(db, 1)? > 0 || parameters_changed(db, settings)?,
        };
        if due { run(db, settings).map(Some) } else { Ok(None) }
    })();
    match outcome {
        Ok(Some(days)) if !days.is_empty() => Some(days),
        Ok(_) => None,
        Err(e) => {
            tracing::error!(error = %e, "KPI rollup failed; will retry");
            None
        }
    }
}

fn backlog(db: &Connection, cap: usize) -> Result<usize, StoreError> {
    let cap = i64::try_from(cap).unwrap_or(i64::MAX);
    let n: i64 = db
        .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM kpi_pending LIMIT ?1)")?
        .query_row([cap], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// What the stored facts were computed with: the zone and the FCR window.
fn parameters(settings: &TenantSettings) -> String {
    format!("{} {}", settings.hours.timezone, settings.metrics.fcr_reopen_days)
}

fn parameters_changed(db: &Connection, settings: &TenantSettings) -> Result<bool, StoreError> {
    Ok(queries::setting(db, "kpi_parameters")?.as_deref() != Some(parameters(settings).as_str()))
}

/// Runs the queue until it is empty, one [`MAX_CONVERSATIONS`] run (one
/// transaction) after another, exactly as the actor does between batches.
/// For tools that fill a tenant's database outside the relay (the KPI
/// benchmark); never call it on a database a running actor owns. Returns
/// the number of runs.
pub fn drain(db: &Connection, settings: &TenantSettings) -> Result<usize, StoreError> {
    let mut runs = 0;
    while backlog(db, 1)? > 0 || parameters_changed(db, settings)? {
        run(db, settings)?;
        runs += 1;
    }
    Ok(runs)
}

/// One run in its own transaction (committed without an fsync, like the
/// search indexer's: a lost run is simply still queued).
fn run(db: &Connection, settings: &TenantSettings) -> Result<Vec<String>, StoreError> {
    db.pragma_update(None, "synchronous", "NORMAL")?;
    let outcome = (|| {
        let tx = Transaction::new_unchecked(db, TransactionBehavior::Immediate)?;
        if parameters_changed(&tx, settings)? {
            tx.execute("INSERT OR IGNORE INTO kpi_pending(conversation_id) SELECT id FROM conversations", [])?;
            queries::set_setting(&tx, "kpi_parameters", &parameters(settings))?;
        }
        let days = recompute_pending(&tx, settings)?;
        tx.commit()?;
        Ok(days)
    })();
    db.pragma_update(None, "synchronous", "FULL")?;
    outcome
}

fn recompute_pending(tx: &Connection, settings: &TenantSettings) -> Result<Vec<String>, StoreError> {
    let tz = days::zone(&settings.hours.timezone);
    let ids: Vec<u64> = tx
        .prepare_cached("SELECT conversation_id FROM kpi_pending ORDER BY conversation_id LIMIT ?1")?
        .query_map([i64::try_from(MAX_CONVERSATIONS).unwrap_or(i64::MAX)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut touched = BTreeSet::new();
    for id in ids.iter().copied().map(ConversationId) {
        touched.extend(facts::filed_day(tx, id)?);
        match facts::read(tx, id)? {
            Some(raw) => {
                let f = facts::compute(&raw, &tz, settings.metrics.fcr_reopen_days);
                touched.insert(f.place.day);
                facts::store(tx, id, &raw, &f)?;
            }
            None => facts::forget(tx, id)?,
        }
        tx.prepare_cached("DELETE FROM kpi_pending WHERE conversation_id = ?1")?.execute([id.0])?;
    }
    for day in &touched {
        rollup::rebuild_day(tx, *day)?;
    }
    Ok(touched.into_iter().filter_map(days::from_key).map(|d| d.to_string()).collect())
}
