//! The SQL of email (`mail.rs`): the outbox, the settings rows, the agent
//! replies a visitor has not seen, and agents' notification preferences.

use natter_protocol::{AgentEmailPrefs, AgentId, ConversationId, EmailSettings, Seq, UnixMillis};
use rusqlite::{Connection, OptionalExtension as _, params};

use super::queries::{corrupt, set_setting, setting};
use crate::store::StoreError;

/// One email claimed for sending.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub envelope_from: String,
    pub recipient: String,
    pub raw: Vec<u8>,
}

/// A new outbox row, before its message is built.
#[derive(Debug, Clone, Copy)]
pub struct NewRow<'a> {
    pub kind: &'a str,
    pub conversation: Option<ConversationId>,
    pub agent: Option<AgentId>,
    pub envelope_from: &'a str,
    pub recipient: &'a str,
}

/// The stored email settings (no password) and the sealed password.
pub fn load_settings(db: &Connection) -> Result<(EmailSettings, Option<String>), StoreError> {
    let settings = match setting(db, "email_settings")? {
        Some(json) => serde_json::from_str(&json).map_err(|e| corrupt(format!("email_settings: {e}")))?,
        None => EmailSettings::default(),
    };
    Ok((settings, setting(db, "smtp_password")?))
}

pub fn store_settings(db: &Connection, settings: &EmailSettings, sealed: Option<&str>) -> Result<(), StoreError> {
    set_setting(db, "email_settings", &serde_json::to_string(settings).map_err(corrupt)?)?;
    match sealed {
        Some(s) => set_setting(db, "smtp_password", s),
        None => {
            db.prepare_cached("DELETE FROM settings WHERE key = 'smtp_password'")?.execute([])?;
            Ok(())
        }
    }
}

/// Inserts a row without its message yet; returns its id.
pub fn insert(db: &Connection, row: NewRow<'_>, now: UnixMillis) -> Result<i64, StoreError> {
    db.prepare_cached(
        "INSERT INTO email_outbox(kind, conversation_id, agent_id, envelope_from, recipient, message_id, state,
                                  next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, '', 'queued', ?6, ?6)",
    )?
    .execute(params![
        row.kind,
        row.conversation.map(|c| c.0),
        row.agent.map(|a| a.0),
        row.envelope_from,
        row.recipient,
        now.0
    ])?;
    Ok(db.last_insert_rowid())
}

pub fn set_message(db: &Connection, id: i64, message_id: &str, raw: &[u8]) -> Result<(), StoreError> {
    db.prepare_cached("UPDATE email_outbox SET message_id = ?2, raw = ?3 WHERE id = ?1")?
        .execute(params![id, message_id, raw])?;
    Ok(())
}

/// Marks up to `limit` due rows `sending` (one more attempt each), oldest first.
pub fn claim(db: &Connection, now: UnixMillis, limit: usize) -> Result<Vec<OutboxRow>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = db.prepare_cached(
        "UPDATE email_outbox SET state = 'sending', attempts = attempts + 1
         WHERE id IN (SELECT id FROM email_outbox WHERE state = 'queued' AND next_attempt_at <= ?1
                      ORDER BY id LIMIT ?2)
         RETURNING id, envelope_from, recipient, raw",
    )?;
    let rows = stmt.query_map(params![now.0, limit], |r| {
        Ok(OutboxRow {
            id: r.get(0)?,
            envelope_from: r.get(1)?,
            recipient: r.get(2)?,
            raw: r.get::<_, Option<Vec<u8>>>(3)?.unwrap_or_default(),
        })
    })?;
    let mut out = rows.collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|r| r.id);
    Ok(out)
}

pub fn mark_sent(db: &Connection, id: i64, now: UnixMillis) -> Result<(), StoreError> {
    db.prepare_cached(
        "UPDATE email_outbox SET state = 'sent', sent_at = ?2, raw = NULL, last_error = NULL WHERE id = ?1",
    )?
    .execute(params![id, now.0])?;
    Ok(())
}

/// Back to `queued` for another attempt at `at`, or `failed` for good.
pub fn mark_unsent(db: &Connection, id: i64, error: &str, retry_at: Option<UnixMillis>) -> Result<(), StoreError> {
    match retry_at {
        Some(at) => db
            .prepare_cached(
                "UPDATE email_outbox SET state = 'queued', next_attempt_at = ?2, last_error = ?3 WHERE id = ?1",
            )?
            .execute(params![id, at.0, error])?,
        None => db
            .prepare_cached("UPDATE email_outbox SET state = 'failed', last_error = ?2 WHERE id = ?1")?
            .execute(params![id, error])?,
    };
    Ok(())
}

/// A claimed row given back without an attempt counted (nothing was sent).
pub fn release(db: &Connection, id: i64) -> Result<(), StoreError> {
    db.prepare_cached(
        "UPDATE email_outbox SET state = 'queued', attempts = attempts - 1 WHERE id = ?1 AND state = 'sending'",
    )?
    .execute([id])?;
    Ok(())
}

pub fn attempts(db: &Connection, id: i64) -> Result<u32, StoreError> {
    Ok(db
        .prepare_cached("SELECT attempts FROM email_outbox WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// After a restart: rows left `sending` by a crash are sent again (their
/// Message-ID is unchanged, so a copy the server did take is recognisable).
pub fn requeue_interrupted(db: &Connection) -> Result<usize, StoreError> {
    Ok(db.execute("UPDATE email_outbox SET state = 'queued' WHERE state = 'sending'", [])?)
}

/// Forgets sent rows older than `before` (their message is gone already).
pub fn forget_sent(db: &Connection, before: UnixMillis) -> Result<usize, StoreError> {
    Ok(db.prepare_cached("DELETE FROM email_outbox WHERE state = 'sent' AND sent_at < ?1")?.execute([before.0])?)
}

/// An agent text was posted: the visitor has an unseen reply since `now`
/// (unless they already had one).
pub fn reply_unseen(db: &Connection, id: ConversationId, now: UnixMillis) -> Result<(), StoreError> {
    db.prepare_cached("UPDATE conversations SET unseen_reply_at = coalesce(unseen_reply_at, ?2) WHERE id = ?1")?
        .execute(params![id.0, now.0])?;
    Ok(())
}

/// The visitor read: no unseen reply left if they read past every agent text.
pub fn reply_seen(db: &Connection, id: ConversationId) -> Result<(), StoreError> {
    db.prepare_cached(
        "UPDATE conversations SET unseen_reply_at = NULL WHERE id = ?1 AND unseen_reply_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = ?1 AND m.author = 'agent'
                         AND m.kind = 'text' AND m.seq > conversations.visitor_read_seq)",
    )?
    .execute([id.0])?;
    Ok(())
}

/// Conversations with an agent reply unseen since `cutoff` or earlier.
pub fn unseen_replies_since(db: &Connection, cutoff: UnixMillis) -> Result<Vec<ConversationId>, StoreError> {
    let mut stmt = db.prepare_cached(
        "SELECT id FROM conversations WHERE unseen_reply_at IS NOT NULL AND unseen_reply_at <= ?1
         ORDER BY unseen_reply_at LIMIT 50",
    )?;
    let rows = stmt.query_map([cutoff.0], |r| r.get(0).map(ConversationId))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Seq up to which agent replies were emailed.
pub fn emailed_seq(db: &Connection, id: ConversationId) -> Result<Seq, StoreError> {
    Ok(Seq(db
        .prepare_cached("SELECT emailed_seq FROM conversations WHERE id = ?1")?
        .query_row([id.0], |r| r.get(0))?))
}

/// The replies up to `seq` are emailed (or need not be): nothing unseen left.
pub fn replies_emailed(db: &Connection, id: ConversationId, seq: Seq) -> Result<(), StoreError> {
    db.prepare_cached(
        "UPDATE conversations SET unseen_reply_at = NULL, emailed_seq = max(emailed_seq, ?2) WHERE id = ?1",
    )?
    .execute(params![id.0, seq.0])?;
    Ok(())
}

pub fn agent_prefs(db: &Connection, agent: AgentId) -> Result<AgentEmailPrefs, StoreError> {
    let json: Option<String> = db
        .prepare_cached("SELECT prefs FROM agent_email_prefs WHERE agent_id = ?1")?
        .query_row([agent.0], |r| r.get(0))
        .optional()?;
    match json {
        Some(j) => serde_json::from_str(&j).map_err(corrupt),
        None => Ok(AgentEmailPrefs::default()),
    }
}

pub fn set_agent_prefs(db: &Connection, agent: AgentId, prefs: &AgentEmailPrefs) -> Result<(), StoreError> {
    db.prepare_cached(
        "INSERT INTO agent_email_prefs(agent_id, prefs) VALUES (?1, ?2) ON CONFLICT(agent_id) DO UPDATE SET prefs = ?2",
    )?
    .execute(params![agent.0, serde_json::to_string(prefs).map_err(corrupt)?])?;
    Ok(())
}

/// Notifications sent to an agent since `since` (the hourly cap).
pub fn notifications_since(db: &Connection, agent: AgentId, since: UnixMillis) -> Result<u32, StoreError> {
    Ok(db
        .prepare_cached("SELECT count(*) FROM email_outbox WHERE agent_id = ?1 AND created_at >= ?2")?
        .query_row(params![agent.0, since.0], |r| r.get(0))?)
}

/// Conversations opened since `since`: all, offline ones, abandoned ones.
pub fn day_counts(db: &Connection, since: UnixMillis) -> Result<(u32, u32, u32), StoreError> {
    Ok(db
        .prepare_cached(
            "SELECT count(*), coalesce(sum(offline), 0), coalesce(sum(closed_reason = 'abandoned'), 0)
             FROM conversations WHERE created_at >= ?1",
        )?
        .query_row([since.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
}
