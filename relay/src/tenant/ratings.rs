//! CSAT: the survey a visitor gets after a conversation closes, the rating
//! they give (from the widget or the signed rating page), its rules — 1 to 5,
//! a comment of at most 1000 characters, until the survey expires, changed at
//! most once — and the supervisors' list. A rating belongs to the conversation
//! and to its last assigned agent; storing one queues the conversation's KPIs.

use natter_protocol::{
    AgentId, ConversationId, ConversationStatus, ConversationSummary, CsatSettings, ErrorCode,
    MAX_RATING_COMMENT_CHARS, Rating, RatingPage, RatingRecord, ToVisitor, UnixMillis, VisitorId,
};
use rusqlite::{Connection, OptionalExtension, params};

use super::batch::{Batch, VisitorTarget};
use super::conversations::{Conversations, reload};
use super::queries;
use crate::store::StoreError;

/// Where a rating came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Widget,
    Link,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Self::Widget => "widget",
            Self::Link => "link",
        }
    }
}

/// A rating as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingDraft {
    pub score: u8,
    pub comment: Option<String>,
}

/// Why a rating was refused (nothing stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingRefused {
    #[error("this conversation cannot be rated")]
    Unavailable,
    #[error("the time to rate this conversation is over")]
    Expired,
    #[error("this rating was already changed once")]
    Locked,
    #[error("{0}")]
    Invalid(&'static str),
}

impl RatingRefused {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unavailable => ErrorCode::RatingUnavailable,
            Self::Expired => ErrorCode::RatingExpired,
            Self::Locked => ErrorCode::RatingLocked,
            Self::Invalid(_) => ErrorCode::InvalidInput,
        }
    }
}

/// The score in range and the comment trimmed, bounded, blank as none.
pub fn checked(draft: RatingDraft) -> Result<RatingDraft, RatingRefused> {
    if !(1..=5).contains(&draft.score) {
        return Err(RatingRefused::Invalid("score must be 1 to 5"));
    }
    let comment = draft.comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > MAX_RATING_COMMENT_CHARS || c.contains('\0')) {
        return Err(RatingRefused::Invalid("comment must be at most 1000 characters"));
    }
    Ok(RatingDraft { score: draft.score, comment })
}

/// When the survey of a closed conversation stops taking ratings.
pub fn expires_at(closed_at: UnixMillis, csat: &CsatSettings) -> UnixMillis {
    UnixMillis(closed_at.0 + i64::from(csat.expiry_hours) * 3_600_000)
}

/// A conversation's rating and how many times it changed.
pub fn rating_of(db: &Connection, id: ConversationId) -> Result<Option<(Rating, u32)>, StoreError> {
    Ok(db
        .prepare_cached("SELECT score, comment, rated_at, changes FROM ratings WHERE conversation_id = ?1")?
        .query_row([id.0], |r| {
            let changes: u32 = r.get(3)?;
            let rating =
                Rating { score: r.get(0)?, comment: r.get(1)?, rated_at: UnixMillis(r.get(2)?), changed: changes > 0 };
            Ok((rating, changes))
        })
        .optional()?)
}

/// Whether `c` may be rated now, and its current rating.
fn ratable(
    db: &Connection,
    c: &ConversationSummary,
    csat: &CsatSettings,
    now: UnixMillis,
) -> Result<Result<Option<(Rating, u32)>, RatingRefused>, StoreError> {
    let Some(closed_at) = c.closed_at.filter(|_| c.status == ConversationStatus::Closed) else {
        return Ok(Err(RatingRefused::Unavailable));
    };
    if !csat.enabled || last_agent(db, c.id)?.is_none() {
        return Ok(Err(RatingRefused::Unavailable));
    }
    if now >= expires_at(closed_at, csat) {
        return Ok(Err(RatingRefused::Expired));
    }
    let current = rating_of(db, c.id)?;
    if current.as_ref().is_some_and(|(_, changes)| *changes >= 1) {
        return Ok(Err(RatingRefused::Locked));
    }
    Ok(Ok(current))
}

/// The conversation's last assigned agent, if it ever had one.
fn last_agent(db: &Connection, id: ConversationId) -> Result<Option<AgentId>, StoreError> {
    let agent: Option<u64> = db
        .prepare_cached(
            "SELECT coalesce(c.assignee_id, (SELECT a.agent_id FROM assignments a
                WHERE a.conversation_id = c.id AND a.agent_id IS NOT NULL ORDER BY a.at DESC, a.rowid DESC LIMIT 1))
             FROM conversations c WHERE c.id = ?1",
        )?
        .query_row([id.0], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(agent.map(AgentId))
}

fn store(
    db: &Connection,
    id: ConversationId,
    draft: &RatingDraft,
    via: Via,
    now: UnixMillis,
) -> Result<(), StoreError> {
    let agent = last_agent(db, id)?;
    db.prepare_cached(
        "INSERT INTO ratings(conversation_id, agent_id, score, comment, first_rated_at, rated_at, changes, via)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, 0, ?6)
         ON CONFLICT(conversation_id) DO UPDATE SET score = excluded.score, comment = excluded.comment,
            rated_at = excluded.rated_at, changes = changes + 1, via = excluded.via",
    )?
    .execute(params![id.0, agent.map(|a| a.0), draft.score, draft.comment, now.0, via.as_str()])?;
    super::kpi::touch(db, id)?;
    Ok(())
}

/// Stores a rating of conversation `id` (of `visitor`, when a visitor socket
/// gives it; a signed link names the conversation itself), then tells the
/// visitor's sockets (a fresh `survey`) and the agents (the summary).
pub fn rate(
    db: &Connection,
    convs: &mut Conversations,
    (id, visitor): (ConversationId, Option<&VisitorId>),
    draft: RatingDraft,
    via: Via,
    csat: &CsatSettings,
    batch: &mut Batch,
) -> Result<Result<Rating, RatingRefused>, StoreError> {
    let draft = match checked(draft) {
        Ok(d) => d,
        Err(why) => return Ok(Err(why)),
    };
    let Some(c) = queries::conversation(db, id)?.filter(|c| visitor.is_none_or(|v| *v == c.visitor_id)) else {
        return Ok(Err(RatingRefused::Unavailable));
    };
    if let Err(why) = ratable(db, &c, csat, batch.now)? {
        return Ok(Err(why));
    }
    store(db, id, &draft, via, batch.now)?;
    let c = reload(db, id)?;
    convs.tell_agents(&c, batch);
    if let Some(frame) = survey(db, &c, csat, batch.now)? {
        batch.to_visitor(VisitorTarget::Visitor(c.visitor_id.clone()), &frame);
    }
    let (rating, _) = rating_of(db, id)?.ok_or_else(|| StoreError::Vanished(format!("rating of {id}")))?;
    Ok(Ok(rating))
}

/// The `survey` frame of a closed conversation: while it can be answered, or
/// (with `can_rate: false`) once rated, so the widget shows the thanks. `None`
/// when the tenant does not ask, the conversation never had an agent, or its
/// survey expired unanswered.
pub fn survey(
    db: &Connection,
    c: &ConversationSummary,
    csat: &CsatSettings,
    now: UnixMillis,
) -> Result<Option<ToVisitor>, StoreError> {
    let Some(closed_at) = c.closed_at.filter(|_| c.status == ConversationStatus::Closed && csat.enabled) else {
        return Ok(None);
    };
    if last_agent(db, c.id)?.is_none() {
        return Ok(None);
    }
    let expires = expires_at(closed_at, csat);
    let current = rating_of(db, c.id)?;
    let can_rate = now < expires && current.as_ref().is_none_or(|(_, changes)| *changes == 0);
    if !can_rate && current.is_none() {
        return Ok(None);
    }
    let secs = |ms: i64| u32::try_from(ms.max(0) / 1000).unwrap_or(u32::MAX);
    let (score, comment) = current.map(|(r, _)| (Some(r.score), r.comment)).unwrap_or_default();
    Ok(Some(ToVisitor::Survey {
        conversation_id: c.id,
        question: csat.question.clone(),
        texts: csat.texts.iter().filter_map(|(lang, t)| Some((lang.clone(), t.question.clone()?))).collect(),
        delay_secs: secs(closed_at.0 + i64::from(csat.delay_secs) * 1000 - now.0),
        expires_in_secs: secs(expires.0 - now.0),
        score,
        comment,
        can_rate,
    }))
}

/// What the rating page shows for a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageState {
    pub rating: Option<Rating>,
    pub refused: Option<RatingRefused>,
}

/// The rating page's view of conversation `id`; `None`: no such conversation.
pub fn page_state(
    db: &Connection,
    id: ConversationId,
    csat: &CsatSettings,
    now: UnixMillis,
) -> Result<Option<PageState>, StoreError> {
    let Some(c) = queries::conversation(db, id)? else { return Ok(None) };
    let rating = rating_of(db, id)?.map(|(r, _)| r);
    let refused = ratable(db, &c, csat, now)?.err();
    Ok(Some(PageState { rating, refused }))
}

/// `GET /v1/admin/ratings`'s filter (already validated).
#[derive(Debug, Clone, Default)]
pub struct RatingQuery {
    /// Rated in `[from, to)`.
    pub from: Option<UnixMillis>,
    pub to: Option<UnixMillis>,
    pub agent: Option<AgentId>,
    pub score: Option<u8>,
    /// Only ratings with a comment.
    pub with_comment: bool,
    /// Rated before this (the previous page's `next_before`).
    pub before: Option<UnixMillis>,
    pub limit: u32,
}

/// Ratings, newest first.
pub fn list(db: &Connection, q: &RatingQuery) -> Result<RatingPage, StoreError> {
    let mut stmt = db.prepare_cached(
        "SELECT r.conversation_id, r.agent_id, a.name,
            coalesce(c.name, (SELECT v.name FROM visitors v WHERE v.id = c.visitor_id)),
            r.score, r.comment, r.rated_at, r.changes, r.via
         FROM ratings r JOIN conversations c ON c.id = r.conversation_id LEFT JOIN agents a ON a.id = r.agent_id
         WHERE (?1 IS NULL OR r.rated_at >= ?1) AND (?2 IS NULL OR r.rated_at < ?2) AND (?3 IS NULL OR r.agent_id = ?3)
           AND (?4 IS NULL OR r.score = ?4) AND (NOT ?5 OR r.comment IS NOT NULL) AND (?6 IS NULL OR r.rated_at < ?6)
         ORDER BY r.rated_at DESC, r.conversation_id DESC LIMIT ?7",
    )?;
    let at = |t: Option<UnixMillis>| t.map(|t| t.0);
    let limit = i64::from(q.limit) + 1;
    let params = params![at(q.from), at(q.to), q.agent.map(|a| a.0), q.score, q.with_comment, at(q.before), limit];
    let mut ratings: Vec<RatingRecord> = stmt
        .query_map(params, |r| {
            let changes: u32 = r.get(7)?;
            Ok(RatingRecord {
                conversation_id: ConversationId(r.get(0)?),
                agent_id: r.get::<_, Option<u64>>(1)?.map(AgentId),
                agent_name: r.get(2)?,
                visitor_name: r.get(3)?,
                rating: Rating {
                    score: r.get(4)?,
                    comment: r.get(5)?,
                    rated_at: UnixMillis(r.get(6)?),
                    changed: changes > 0,
                },
                via: r.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let more = ratings.len() > q.limit as usize;
    ratings.truncate(q.limit as usize);
    let next_before = if more { ratings.last().map(|r| r.rating.rated_at) } else { None };
    Ok(RatingPage { ratings, next_before })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_comments_are_checked() {
        let draft = |score, comment: Option<&str>| RatingDraft { score, comment: comment.map(str::to_owned) };
        assert!(checked(draft(0, None)).is_err() && checked(draft(6, None)).is_err());
        assert_eq!(checked(draft(5, Some("  "))).unwrap().comment, None);
        assert!(checked(draft(3, Some(&"ก".repeat(1000)))).is_ok());
        assert!(checked(draft(3, Some(&"ก".repeat(1001)))).is_err());
    }
}
