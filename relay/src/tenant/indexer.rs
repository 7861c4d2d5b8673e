//! Deferred full-text indexing: the search index is kept off the ack path.
//!
//! Storing a text message queues its key in `message_search_pending`, in the
//! same transaction (one small B-tree insert). The trigram index itself is
//! written later, in a transaction of its own that moves up to a few hundred
//! queued messages into `message_search` and deletes their queue rows: either
//! both happen or neither, so a crash at any point loses nothing and indexes
//! nothing twice, and whatever is still queued at start is indexed by the first
//! runs after it. Writing the index in the acknowledging transaction cost a
//! FTS5 flush per message (the actor's per-command savepoint flushes it).
//!
//! Until a message is indexed, history search scans the queue for it
//! ([`unindexed_matches`]); the queue is small, and mostly holds messages of
//! conversations that are still open, which search skips.

use natter_protocol::{ConversationId, Seq};
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use crate::store::StoreError;

/// Most messages one run indexes: bounds how long it holds the actor (commands
/// that arrive meanwhile wait for it).
const MAX_ROWS: usize = 500;

/// Backlog at which the actor indexes even while commands are waiting, so a
/// tenant that is never idle still keeps its unindexed tail short.
const BUSY_BACKLOG: usize = 500;

/// Backlog at which an idle actor indexes. Not 1: at a few messages a second
/// every batch is followed by idleness, and a run per message cost a
/// transaction per message; the periodic tick indexes what is left.
const IDLE_BACKLOG: usize = 64;

/// When the actor indexes, besides a busy backlog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Moment {
    /// Commands are waiting.
    Busy,
    /// Nothing is waiting.
    Idle,
    /// The batch held the periodic tick: index whatever is queued.
    Tick,
}

/// The actor's hook, called after every batch (committed or not) outside any
/// transaction. A failure is logged and retried after a later batch; nothing
/// is lost.
pub(super) fn after_batch(db: &Connection, moment: Moment) {
    let outcome = (|| {
        let due = match moment {
            Moment::Busy => backlog(db, BUSY_BACKLOG)? >= BUSY_BACKLOG,
            Moment::Idle => backlog(db, IDLE_BACKLOG)? >= IDLE_BACKLOG,
            Moment::Tick => backlog(db, 1)? > 0,
        };
        if due { index_pending(db, MAX_ROWS) } else { Ok(0) }
    })();
    if let Err(e) = outcome {
        tracing::error!(error = %e, "search indexing failed; will retry");
    }
}

/// Queues a stored text message for the index; part of the caller's transaction.
pub(super) fn queue(conn: &Connection, id: ConversationId, seq: Seq) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO message_search_pending(id) VALUES ((?1 << 24) | ?2)")?
        .execute(params![id.0, seq.0])?;
    Ok(())
}

/// Queued messages, counted up to `cap`.
fn backlog(db: &Connection, cap: usize) -> Result<usize, StoreError> {
    let cap = i64::try_from(cap).unwrap_or(i64::MAX);
    let n: i64 = db
        .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM message_search_pending LIMIT ?1)")?
        .query_row([cap], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Indexes up to `max_rows` queued messages, oldest key first, in one
/// transaction of its own; returns how many left the queue. Call it outside
/// any transaction.
///
/// That transaction commits with `synchronous=NORMAL` (no fsync: ~3–20 ms of
/// the actor's time saved per run); the connection is back to `FULL` before
/// this returns. Durability is not weakened: the WAL is written in order and
/// the next acknowledging commit fsyncs it whole, and if the OS loses this
/// commit in a power cut, its messages are simply still queued.
pub(super) fn index_pending(db: &Connection, max_rows: usize) -> Result<usize, StoreError> {
    set_synchronous(db, "NORMAL")?;
    let indexed = index_in_transaction(db, max_rows);
    // Restored even if indexing failed: every later transaction acknowledges.
    set_synchronous(db, "FULL")?;
    indexed
}

/// `PRAGMA synchronous`, prepared afresh each time: this pragma takes effect
/// when it is compiled, so a cached statement would not apply it again.
fn set_synchronous(db: &Connection, level: &str) -> Result<(), StoreError> {
    db.pragma_update(None, "synchronous", level)?;
    Ok(())
}

fn index_in_transaction(db: &Connection, max_rows: usize) -> Result<usize, StoreError> {
    let tx = Transaction::new_unchecked(db, TransactionBehavior::Immediate)?;
    let moved = move_to_index(&tx, max_rows)?;
    tx.commit()?;
    Ok(moved)
}

fn move_to_index(tx: &Connection, max_rows: usize) -> Result<usize, StoreError> {
    let mut pending = tx.prepare_cached(
        "SELECT p.id, m.body FROM message_search_pending p
         LEFT JOIN messages m ON m.conversation_id = p.id >> 24 AND m.seq = p.id & 16777215
         ORDER BY p.id LIMIT ?1",
    )?;
    let mut insert = tx.prepare_cached("INSERT INTO message_search(rowid, body) VALUES (?1, ?2)")?;
    let mut rows = pending.query([i64::try_from(max_rows).unwrap_or(i64::MAX)])?;
    let (mut moved, mut last) = (0, None);
    while let Some(row) = rows.next()? {
        let key: i64 = row.get(0)?;
        // A queued message that no longer exists has nothing to index.
        if let Some(body) = row.get_ref(1)?.as_str_or_null().map_err(rusqlite::Error::from)? {
            insert.execute(params![key, body])?;
        }
        (moved, last) = (moved + 1, Some(key));
    }
    // The rows read were the queue's lowest keys, and only this thread writes.
    if let Some(last) = last {
        tx.prepare_cached("DELETE FROM message_search_pending WHERE id <= ?1")?.execute([last])?;
    }
    Ok(moved)
}

/// Closed conversations with an id below `before` and a queued (not yet
/// indexed) text message containing `q`, compared as the trigram index compares
/// (ignoring case), without repeats.
pub(super) fn unindexed_matches(
    conn: &Connection,
    q: &str,
    before: i64,
    open_too: bool,
) -> Result<Vec<ConversationId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id >> 24, m.body FROM message_search_pending p
         JOIN conversations c ON c.id = p.id >> 24
         JOIN messages m ON m.conversation_id = p.id >> 24 AND m.seq = p.id & 16777215
         WHERE p.id < (?1 << 24) AND (c.status = 'closed' OR ?2)",
    )?;
    let needle = fold_case(q);
    let mut rows = stmt.query(params![before.min(i64::MAX >> 24), open_too])?;
    let mut out: Vec<ConversationId> = Vec::new();
    while let Some(row) = rows.next()? {
        let id = ConversationId(row.get(0)?);
        // Keys come in order, so one conversation's messages are adjacent.
        if out.last() != Some(&id)
            && fold_case(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?).contains(&needle)
        {
            out.push(id);
        }
    }
    Ok(out)
}

/// Lower-cases every character, as FTS5's trigram tokenizer folds case.
fn fold_case(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use natter_protocol::{Author, ClientMsgId, MessageBody, UnixMillis, VisitorId, VisitorInfo};

    use super::*;
    use crate::store::{self, schema};
    use crate::tenant::queries;

    const VISITOR: &str = "AAAAAAAAAAAAAAAAAAAAAA";

    /// A conversation with the given texts, closed.
    fn closed_conversation(db: &Connection, texts: &[&str]) -> ConversationId {
        let visitor = VisitorId::parse(VISITOR.to_owned()).unwrap();
        queries::ensure_visitor(db, &visitor, UnixMillis(0)).unwrap();
        let id =
            queries::create_conversation(db, &visitor, &VisitorInfo::default(), None, false, UnixMillis(0)).unwrap();
        for (i, text) in texts.iter().enumerate() {
            let body = MessageBody::Text {
                text: (*text).to_owned(),
                client_id: ClientMsgId::parse(format!("c{}-{i}", id.0)).unwrap(),
                attachments: vec![],
                quick_replies: vec![],
            };
            queries::append_message(db, id, Author::Visitor, body, UnixMillis(1)).unwrap();
        }
        queries::close_conversation(db, id, queries::CloseReason::Agent, UnixMillis(2)).unwrap();
        id
    }

    fn found(db: &Connection, q: &str) -> Vec<u64> {
        queries::find_conversations(db, None, Some(q), None, 10).unwrap().iter().map(|c| c.id.0).collect()
    }

    fn in_index(db: &Connection, q: &str) -> i64 {
        let phrase = format!("\"{q}\"");
        db.query_row("SELECT count(*) FROM message_search WHERE message_search MATCH ?1", [phrase], |r| r.get(0))
            .unwrap()
    }

    fn queued(db: &Connection) -> usize {
        backlog(db, usize::MAX).unwrap()
    }

    #[test]
    fn an_acknowledged_message_not_yet_indexed_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let db = store::open(&dir.path().join("t.db"), schema::TENANT).unwrap();
        let first = closed_conversation(&db, &["Where is parcel 4321?", "thanks"]);
        let second = closed_conversation(&db, &["L'ÉTÉ est chaud", "parcel again"]);
        assert_eq!(queued(&db), 4, "stored, not indexed");
        assert_eq!(in_index(&db, "parcel"), 0);

        let queries = ["parcel", "PARCEL 43", "l'été", "est ch", "nothing like this"];
        let before: Vec<Vec<u64>> = queries.iter().map(|q| found(&db, q)).collect();
        assert_eq!(before[0], [second.0, first.0], "newest first, from the unindexed tail");
        assert_eq!(before[1], [first.0], "case-insensitive substring");
        assert_eq!(before[2], [second.0], "case folded beyond ASCII, as the trigram index folds it");
        assert!(before[4].is_empty());

        assert_eq!(index_pending(&db, 3).unwrap(), 3, "at most max_rows per run");
        assert_eq!(index_pending(&db, 3).unwrap(), 1);
        assert_eq!(queued(&db), 0);
        assert_eq!(in_index(&db, "parcel"), 2);
        let after: Vec<Vec<u64>> = queries.iter().map(|q| found(&db, q)).collect();
        assert_eq!(after, before, "the index finds exactly what the scan found");
        let sync: i64 = db.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
        assert_eq!(sync, 2, "acknowledging transactions fsync again (FULL)");
    }

    #[test]
    fn indexing_catches_up_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let id = {
            let db = store::open(&path, schema::TENANT).unwrap();
            let id = closed_conversation(&db, &["refund for order 77"]);
            let many: Vec<String> = (0..MAX_ROWS + 20).map(|i| format!("filler message {i}")).collect();
            closed_conversation(&db, &many.iter().map(String::as_str).collect::<Vec<_>>());
            id
            // Dropped unindexed, as by a kill -9 right after the acks.
        };
        let db = store::open(&path, schema::TENANT).unwrap();
        assert_eq!(queued(&db), MAX_ROWS + 21, "the queue survived the restart");
        assert_eq!(found(&db, "order 77"), [id.0]);

        // A long backlog is indexed even while commands wait, MAX_ROWS at a time;
        // a short one waits for the tick (an idle moment alone is not enough
        // for fewer than IDLE_BACKLOG messages).
        after_batch(&db, Moment::Busy);
        assert_eq!(queued(&db), 21, "one run indexes at most MAX_ROWS");
        after_batch(&db, Moment::Busy);
        assert_eq!(queued(&db), 21);
        after_batch(&db, Moment::Idle);
        assert_eq!(queued(&db), 21, "{} < IDLE_BACKLOG", 21);
        after_batch(&db, Moment::Tick);
        assert_eq!(queued(&db), 0);
        assert_eq!(in_index(&db, "order 77"), 1);
        assert_eq!(in_index(&db, "filler message"), i64::try_from(MAX_ROWS + 20).unwrap());
        assert_eq!(found(&db, "order 77"), [id.0], "found once, now through the index");
    }

    #[test]
    fn a_read_only_connection_finds_queued_and_indexed_messages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let db = store::open(&path, schema::TENANT).unwrap();
        let id = closed_conversation(&db, &["the blue teapot"]);
        let reader = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        store::configure(&reader).unwrap();
        assert_eq!(found(&reader, "blue tea"), [id.0], "queued");
        index_pending(&db, MAX_ROWS).unwrap();
        assert_eq!(found(&reader, "blue tea"), [id.0], "indexed");
        assert!(reader.is_autocommit(), "the search's snapshot is closed again");
    }
}
