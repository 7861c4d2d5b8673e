//! One conversation's facts (`conversation_kpis`), recomputed from its rows:
//! the definitions of `METRICS.md` in code.

use jiff::tz::TimeZone;
use natter_protocol::{ConversationId, UnixMillis};
use rusqlite::{Connection, OptionalExtension, params};

use super::days;
use crate::store::StoreError;

/// What the facts are computed from, as one row read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Raw {
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub closed_reason: Option<String>,
    pub offline: bool,
    pub skill: Option<String>,
    pub agent_id: i64,
    pub first_assigned_at: Option<i64>,
    pub transfers: i64,
    pub first_visitor_text_at: Option<i64>,
    pub first_agent_text_at: Option<i64>,
    pub score: Option<i64>,
    /// When the same visitor opened their next conversation, if they did.
    pub next_opened_at: Option<i64>,
}

/// A conversation's facts (see `METRICS.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub place: days::Place,
    pub closed: bool,
    pub answered: bool,
    pub missed: bool,
    pub wait_ms: Option<i64>,
    pub frt_ms: Option<i64>,
    pub resolution_ms: Option<i64>,
    pub fcr: bool,
}

/// The definitions, pure.
pub fn compute(raw: &Raw, tz: &TimeZone, fcr_reopen_days: u32) -> Facts {
    let closed = raw.closed_at.is_some();
    let answered = raw.first_agent_text_at.is_some();
    let frt_ms = raw.first_agent_text_at.filter(|_| !raw.offline).map(|agent| {
        // From the visitor's first text, unless an agent wrote before it.
        let start = raw.first_visitor_text_at.filter(|v| *v <= agent).unwrap_or(raw.created_at);
        (agent - start).max(0)
    });
    let resolution_ms = raw.closed_at.filter(|_| answered).map(|c| (c - raw.created_at).max(0));
    let window = i64::from(fcr_reopen_days) * 86_400_000;
    let reopened = match (raw.closed_at, raw.next_opened_at) {
        (Some(closed_at), Some(next)) => next - closed_at <= window,
        _ => false,
    };
    Facts {
        place: days::place(tz, UnixMillis(raw.created_at)),
        closed,
        answered,
        missed: closed && !answered && !raw.offline,
        wait_ms: raw.first_assigned_at.map(|a| (a - raw.created_at).max(0)),
        frt_ms,
        resolution_ms,
        fcr: closed && answered && raw.transfers == 0 && !reopened,
    }
}

/// Reads what a conversation's facts are computed from; `None`: it is gone.
pub fn read(db: &Connection, id: ConversationId) -> Result<Option<Raw>, StoreError> {
    let raw = db
        .prepare_cached(
            "SELECT c.created_at, c.closed_at, c.closed_reason, c.offline, c.skill,
                coalesce(c.assignee_id, (SELECT a.agent_id FROM assignments a
                    WHERE a.conversation_id = c.id AND a.agent_id IS NOT NULL ORDER BY a.at DESC, a.rowid DESC LIMIT 1), 0),
                (SELECT min(a.at) FROM assignments a
                    WHERE a.conversation_id = c.id AND a.kind IN ('claimed', 'auto_assigned', 'transferred')),
                (SELECT count(*) FROM assignments a
                    WHERE a.conversation_id = c.id AND a.kind IN ('transferred', 'to_skill')),
                (SELECT m.at FROM messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.kind = 'text'
                    ORDER BY m.seq LIMIT 1),
                (SELECT m.at FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent' AND m.kind = 'text'
                    ORDER BY m.seq LIMIT 1),
                (SELECT r.score FROM ratings r WHERE r.conversation_id = c.id),
                (SELECT n.created_at FROM conversations n WHERE n.visitor_id = c.visitor_id AND n.id > c.id
                    ORDER BY n.id LIMIT 1)
             FROM conversations c WHERE c.id = ?1",
        )?
        .query_row([id.0], |r| {
            Ok(Raw {
                created_at: r.get(0)?,
                closed_at: r.get(1)?,
                closed_reason: r.get(2)?,
                offline: r.get(3)?,
                skill: r.get(4)?,
                agent_id: r.get(5)?,
                first_assigned_at: r.get(6)?,
                transfers: r.get(7)?,
                first_visitor_text_at: r.get(8)?,
                first_agent_text_at: r.get(9)?,
                score: r.get(10)?,
                next_opened_at: r.get(11)?,
            })
        })
        .optional()?;
    Ok(raw)
}

/// The day a conversation's facts are filed under now, if it has any.
pub fn filed_day(db: &Connection, id: ConversationId) -> Result<Option<i64>, StoreError> {
    Ok(db
        .prepare_cached("SELECT day FROM conversation_kpis WHERE conversation_id = ?1")?
        .query_row([id.0], |r| r.get(0))
        .optional()?)
}

pub fn store(db: &Connection, id: ConversationId, raw: &Raw, f: &Facts) -> Result<(), StoreError> {
    db.prepare_cached(
        "INSERT OR REPLACE INTO conversation_kpis(conversation_id, day, hour, weekday, created_at, agent_id, skill,
            closed_reason, closed, offline, answered, missed, wait_ms, frt_ms, resolution_ms, transfers, fcr, score)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        id.0,
        f.place.day,
        f.place.hour,
        f.place.weekday,
        raw.created_at,
        raw.agent_id,
        raw.skill,
        raw.closed_reason,
        f.closed,
        raw.offline,
        f.answered,
        f.missed,
        f.wait_ms,
        f.frt_ms,
        f.resolution_ms,
        raw.transfers,
        f.fcr,
        raw.score
    ])?;
    Ok(())
}

pub fn forget(db: &Connection, id: ConversationId) -> Result<(), StoreError> {
    db.prepare_cached("DELETE FROM conversation_kpis WHERE conversation_id = ?1")?.execute([id.0])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn answered_chat() -> Raw {
        Raw {
            created_at: 0,
            closed_at: Some(30 * MIN),
            closed_reason: Some("agent".into()),
            agent_id: 1,
            first_assigned_at: Some(MIN),
            first_visitor_text_at: Some(0),
            first_agent_text_at: Some(2 * MIN),
            ..Raw::default()
        }
    }

    #[test]
    fn an_answered_closed_chat_has_frt_resolution_and_fcr() {
        let f = compute(&answered_chat(), &TimeZone::UTC, 3);
        assert_eq!((f.frt_ms, f.resolution_ms, f.wait_ms), (Some(2 * MIN), Some(30 * MIN), Some(MIN)));
        assert!(f.fcr && f.answered && !f.missed);
    }

    #[test]
    fn transfers_and_reopens_within_the_window_spoil_fcr() {
        let transferred = Raw { transfers: 1, ..answered_chat() };
        assert!(!compute(&transferred, &TimeZone::UTC, 3).fcr);
        let back_next_day = Raw { next_opened_at: Some(30 * MIN + 86_400_000), ..answered_chat() };
        assert!(!compute(&back_next_day, &TimeZone::UTC, 3).fcr);
        let back_after_a_week = Raw { next_opened_at: Some(30 * MIN + 7 * 86_400_000), ..answered_chat() };
        assert!(compute(&back_after_a_week, &TimeZone::UTC, 3).fcr);
    }

    #[test]
    fn unanswered_closes_are_missed_unless_offline() {
        let left = Raw { first_agent_text_at: None, closed_reason: Some("abandoned".into()), ..answered_chat() };
        let f = compute(&left, &TimeZone::UTC, 3);
        assert!(f.missed && !f.fcr && f.frt_ms.is_none() && f.resolution_ms.is_none());
        let offline = Raw { offline: true, ..left };
        assert!(!compute(&offline, &TimeZone::UTC, 3).missed);
    }

    #[test]
    fn an_agent_writing_before_the_visitor_counts_from_creation() {
        let prechat = Raw { first_visitor_text_at: Some(5 * MIN), ..answered_chat() };
        assert_eq!(compute(&prechat, &TimeZone::UTC, 3).frt_ms, Some(2 * MIN));
    }
}
