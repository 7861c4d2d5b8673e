//! SQL for one tenant's database. Plain functions over a connection (usually the
//! actor's open transaction); no policy here, only storage.

use std::borrow::Cow;

use natter_protocol::{
    AgentAdminView, AgentId, AgentInfo, AgentRef, Author, ClientMsgId, ConversationEvent, ConversationId,
    ConversationStatus, ConversationSummary, Message, MessageBody, Priority, Role, Seq, TagId, UnixMillis, VisitorId,
    VisitorInfo,
};
use rusqlite::{Connection, OptionalExtension, Row, named_params, params};

use crate::auth::session::TokenHash;
use crate::store::StoreError;

const PREVIEW_CHARS: usize = 140;

/// A stored value this code cannot read back.
pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

// ---- visitors ---------------------------------------------------------------

pub fn ensure_visitor(conn: &Connection, id: &VisitorId, now: UnixMillis) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO visitors(id, created_at) VALUES (?1, ?2)")?
        .execute(params![id.as_str(), now.0])?;
    Ok(())
}

pub fn visitor_by_external_id(conn: &Connection, external: &str) -> Result<Option<VisitorId>, StoreError> {
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM visitors WHERE external_id = ?1")?
        .query_row([external], |r| r.get(0))
        .optional()?;
    id.map(|s| VisitorId::parse(s).map_err(corrupt)).transpose()
}

pub fn visitor_external_id(conn: &Connection, id: &VisitorId) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT external_id FROM visitors WHERE id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?
        .flatten())
}

pub fn set_visitor_identity(
    conn: &Connection,
    id: &VisitorId,
    external: &str,
    name: Option<&str>,
    email: Option<&str>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE visitors SET external_id = ?2, name = coalesce(?3, name), email = coalesce(?4, email)
         WHERE id = ?1",
    )?
    .execute(params![id.as_str(), external, name, email])?;
    Ok(())
}

// ---- conversations ----------------------------------------------------------

/// `SELECT <the summary's columns> FROM conversations WHERE <condition>` as one
/// string literal, so running it builds no SQL (the statement cache is keyed on
/// the text). Name and email fall back to what a verified identity told
/// (`visitors`), and the customer id comes from there.
macro_rules! select_conversations {
    ($condition:literal) => {
        concat!(
            "SELECT id, status, visitor_id,
    coalesce(name, (SELECT v.name FROM visitors v WHERE v.id = visitor_id)),
    coalesce(email, (SELECT v.email FROM visitors v WHERE v.id = visitor_id)), page_url, referrer, user_agent,
    assignee_id, assignee_name, created_at, closed_at, last_seq, preview, visitor_read_seq, agent_read_seq,
    priority, skill, offline, phone, fields, utc_offset_min,
    (SELECT v.external_id FROM visitors v WHERE v.id = visitor_id),
    (SELECT group_concat(tag_id) FROM (SELECT tag_id FROM conversation_tags t
        WHERE t.conversation_id = conversations.id ORDER BY added_at, tag_id)),
    (SELECT r.score FROM ratings r WHERE r.conversation_id = conversations.id),
    (SELECT r.comment FROM ratings r WHERE r.conversation_id = conversations.id),
    (SELECT r.rated_at FROM ratings r WHERE r.conversation_id = conversations.id),
    (SELECT r.changes FROM ratings r WHERE r.conversation_id = conversations.id)
    FROM conversations WHERE ",
            $condition
        )
    };
}

fn conversation_from_row(r: &Row<'_>) -> Result<ConversationSummary, StoreError> {
    let status: String = r.get(1)?;
    let assignee_id: Option<u64> = r.get(8)?;
    let assignee_name: Option<String> = r.get(9)?;
    Ok(ConversationSummary {
        id: ConversationId(r.get(0)?),
        status: ConversationStatus::parse(&status).ok_or_else(|| corrupt(format!("status {status}")))?,
        visitor_id: VisitorId::parse(r.get::<_, String>(2)?).map_err(corrupt)?,
        visitor: VisitorInfo {
            name: r.get(3)?,
            email: r.get(4)?,
            page_url: r.get(5)?,
            referrer: r.get(6)?,
            phone: r.get(19)?,
            department: r.get(17)?,
            fields: match r.get::<_, Option<String>>(20)? {
                Some(json) => serde_json::from_str(&json).map_err(corrupt)?,
                None => Default::default(),
            },
            utc_offset_min: r.get(21)?,
        },
        user_agent: r.get(7)?,
        assignee: assignee_id.map(|id| AgentRef { id: AgentId(id), name: assignee_name.unwrap_or_default() }),
        created_at: UnixMillis(r.get(10)?),
        closed_at: r.get::<_, Option<i64>>(11)?.map(UnixMillis),
        last_seq: Seq(r.get(12)?),
        preview: r.get(13)?,
        visitor_read_seq: Seq(r.get(14)?),
        agent_read_seq: Seq(r.get(15)?),
        priority: Priority::parse(&r.get::<_, String>(16)?).unwrap_or_default(),
        skill: r.get(17)?,
        offline: r.get(18)?,
        queue_position: None,
        customer_id: r.get(22)?,
        tags: tag_list(r.get(23)?)?,
        rating: match r.get::<_, Option<u8>>(24)? {
            Some(score) => Some(natter_protocol::Rating {
                score,
                comment: r.get(25)?,
                rated_at: UnixMillis(r.get(26)?),
                changed: r.get::<_, i64>(27)? > 0,
            }),
            None => None,
        },
    })
}

/// Tag ids from `group_concat`.
fn tag_list(concatenated: Option<String>) -> Result<Vec<TagId>, StoreError> {
    let Some(list) = concatenated else { return Ok(Vec::new()) };
    list.split(',').map(|id| id.parse().map(TagId).map_err(corrupt)).collect()
}

/// Runs a `select_conversations!` statement.
fn query_conversations(
    conn: &Connection,
    sql: &'static str,
    params: impl rusqlite::Params,
) -> Result<Vec<ConversationSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| Ok(conversation_from_row(r)))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

pub fn conversation(conn: &Connection, id: ConversationId) -> Result<Option<ConversationSummary>, StoreError> {
    Ok(query_conversations(conn, select_conversations!("id = ?1"), [id.0])?.pop())
}

/// The visitor's most recent conversation, open or closed.
pub fn latest_conversation(conn: &Connection, visitor: &VisitorId) -> Result<Option<ConversationSummary>, StoreError> {
    Ok(query_conversations(
        conn,
        select_conversations!("visitor_id = ?1 ORDER BY id DESC LIMIT 1"),
        [visitor.as_str()],
    )?
    .pop())
}

/// Every waiting or active conversation, oldest first.
pub fn open_conversations(conn: &Connection) -> Result<Vec<ConversationSummary>, StoreError> {
    query_conversations(conn, select_conversations!("status <> 'closed' ORDER BY id"), [])
}

/// Which conversations a search covers besides its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchScope {
    /// Open (waiting, active) conversations too, not only closed ones.
    pub open_too: bool,
    /// Only those carrying this tag.
    pub tag: Option<TagId>,
}

/// A search scope's condition on `conversations`, with named parameters
/// `:open_too` and `:tag` (see [`SearchScope::params`]).
const IN_SCOPE: &str = "(status = 'closed' OR :open_too) AND (:tag IS NULL OR EXISTS
    (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = conversations.id AND t.tag_id = :tag))";

impl SearchScope {
    fn tag_param(self) -> Option<i64> {
        self.tag.map(|t| i64::try_from(t.0).unwrap_or(i64::MAX))
    }

    /// Whether conversation `id` is in scope.
    fn covers(self, conn: &Connection, id: ConversationId) -> Result<bool, StoreError> {
        let sql = format!("SELECT 1 FROM conversations WHERE id = :id AND {IN_SCOPE}");
        let found: Option<i64> = conn
            .prepare_cached(&sql)?
            .query_row(named_params! { ":id": id.0, ":open_too": self.open_too, ":tag": self.tag_param() }, |r| {
                r.get(0)
            })
            .optional()?;
        Ok(found.is_some())
    }

    /// How many conversations are in scope (the Closed tab's count).
    pub fn count(self, conn: &Connection) -> Result<u64, StoreError> {
        let sql = format!("SELECT count(*) FROM conversations WHERE {IN_SCOPE}");
        let n: i64 = conn
            .prepare_cached(&sql)?
            .query_row(named_params! { ":open_too": self.open_too, ":tag": self.tag_param() }, |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// Past conversations, newest first, at most `limit`: one visitor's (any
/// status), else closed ones whose visitor name, email, messages or internal
/// notes contain `q`.
#[cfg(test)]
pub fn find_conversations(
    conn: &Connection,
    visitor: Option<&VisitorId>,
    q: Option<&str>,
    before: Option<ConversationId>,
    limit: u32,
) -> Result<Vec<ConversationSummary>, StoreError> {
    search_conversations(conn, visitor, q, before, limit, SearchScope::default())
}

/// [`find_conversations`] within a scope (open ones too, a tag).
pub fn search_conversations(
    conn: &Connection,
    visitor: Option<&VisitorId>,
    q: Option<&str>,
    before: Option<ConversationId>,
    limit: u32,
    scope: SearchScope,
) -> Result<Vec<ConversationSummary>, StoreError> {
    let before = before.map_or(i64::MAX, |c| i64::try_from(c.0).unwrap_or(i64::MAX));
    match visitor {
        Some(v) => query_conversations(
            conn,
            select_conversations!("visitor_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"),
            params![v.as_str(), before, limit],
        ),
        // Three characters or more: the trigram index finds the messages, and
        // the few not indexed yet are scanned.
        None if let Some(q) = q.filter(|q| q.chars().count() >= 3) => {
            // Index and queue read from one snapshot: on a connection of its own,
            // the indexer could otherwise move a message from the queue into the
            // index between the two reads, and neither would show it.
            let _snapshot = conn.is_autocommit().then(|| conn.unchecked_transaction()).transpose()?;
            let mut ids = indexed_matches(conn, q, before, limit, scope)?;
            for id in super::indexer::unindexed_matches(conn, q, before, scope.open_too)? {
                if scope.covers(conn, id)? {
                    ids.push(id);
                }
            }
            // Names, emails and internal notes are few enough to scan.
            let sql = format!(
                "SELECT id FROM conversations
                 WHERE id < :before AND {IN_SCOPE} AND (name LIKE :pattern ESCAPE '\\' OR email LIKE :pattern ESCAPE '\\'
                    OR EXISTS (SELECT 1 FROM notes n WHERE n.conversation_id = conversations.id
                               AND n.body LIKE :pattern ESCAPE '\\'))
                 ORDER BY id DESC LIMIT :limit"
            );
            let mut by_person = conn.prepare_cached(&sql)?;
            let found = by_person.query_map(
                named_params! {
                    ":before": before, ":pattern": like_pattern(q), ":limit": limit,
                    ":open_too": scope.open_too, ":tag": scope.tag_param(),
                },
                |r| r.get(0),
            )?;
            for id in found {
                ids.push(ConversationId(id?));
            }
            ids.sort_unstable_by(|a, b| b.cmp(a));
            ids.dedup();
            ids.truncate(limit as usize);
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.extend(conversation(conn, id)?);
            }
            Ok(out)
        }
        // Shorter texts cannot use trigrams: scan (they are rarely what anyone searches).
        None => {
            let condition = format!(
                "id < :before AND {IN_SCOPE} AND (:pattern IS NULL
                OR name LIKE :pattern ESCAPE '\\' OR email LIKE :pattern ESCAPE '\\'
                OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id
                           AND m.kind = 'text' AND m.body LIKE :pattern ESCAPE '\\')
                OR EXISTS (SELECT 1 FROM notes n WHERE n.conversation_id = conversations.id
                           AND n.body LIKE :pattern ESCAPE '\\'))
             ORDER BY id DESC LIMIT :limit"
            );
            let sql = format!("{}{condition}", select_conversations!(""));
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(named_params! {
                ":before": before, ":pattern": q.map(like_pattern), ":limit": limit,
                ":open_too": scope.open_too, ":tag": scope.tag_param(),
            })?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(conversation_from_row(row)?);
            }
            Ok(out)
        }
    }
}

/// The newest closed conversations (below `before`, at most `limit`) with a text
/// message containing `q`, read from the index newest first and stopping as
/// soon as the page is full.
fn indexed_matches(
    conn: &Connection,
    q: &str,
    before: i64,
    limit: u32,
    scope: SearchScope,
) -> Result<Vec<ConversationId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT rowid >> 24 FROM message_search WHERE message_search MATCH ?1 AND rowid < (?2 << 24)
         ORDER BY rowid DESC",
    )?;
    let mut rows = stmt.query(params![fts_phrase(q), before.min(i64::MAX >> 24)])?;
    let mut out: Vec<ConversationId> = Vec::new();
    // Rows of one conversation come together: its scope is looked up once.
    let mut last_seen = None;
    while out.len() < limit as usize
        && let Some(row) = rows.next()?
    {
        let id = ConversationId(row.get(0)?);
        if last_seen.replace(id) != Some(id) && scope.covers(conn, id)? {
            out.push(id);
        }
    }
    Ok(out)
}

/// `text` as one FTS5 phrase (`"…"`, quotes doubled): with the trigram tokenizer,
/// a case-insensitive substring match; no FTS5 operator in it takes effect.
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `%text%` with LIKE's wildcards in `text` escaped (escape character `\`).
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

pub fn create_conversation(
    conn: &Connection,
    visitor: &VisitorId,
    info: &VisitorInfo,
    user_agent: Option<&str>,
    offline: bool,
    now: UnixMillis,
) -> Result<ConversationId, StoreError> {
    conn.prepare_cached(
        "INSERT INTO conversations(visitor_id, status, name, email, page_url, referrer, user_agent, created_at,
            phone, skill, fields, offline, queued_at, last_activity_at, utc_offset_min)
         VALUES (?1, 'waiting', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?7, ?7, ?12)",
    )?
    .execute(params![
        visitor.as_str(),
        info.name,
        info.email,
        info.page_url,
        info.referrer,
        user_agent,
        now.0,
        info.phone,
        info.department,
        fields_json(info)?,
        offline,
        info.utc_offset_min
    ])?;
    let id = ConversationId(u64::try_from(conn.last_insert_rowid()).map_err(corrupt)?);
    super::kpi::touch_opened(conn, visitor, id)?;
    Ok(id)
}

fn fields_json(info: &VisitorInfo) -> Result<Option<String>, StoreError> {
    if info.fields.is_empty() { Ok(None) } else { serde_json::to_string(&info.fields).map(Some).map_err(corrupt) }
}

/// Fills in pre-chat details the visitor had not given before.
pub fn update_visitor_info(conn: &Connection, id: ConversationId, info: &VisitorInfo) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE conversations SET name = coalesce(?2, name), email = coalesce(?3, email),
         page_url = coalesce(?4, page_url), referrer = coalesce(?5, referrer), phone = coalesce(?6, phone),
         skill = coalesce(?7, skill), fields = coalesce(?8, fields),
         utc_offset_min = coalesce(?9, utc_offset_min) WHERE id = ?1",
    )?
    .execute(params![
        id.0,
        info.name,
        info.email,
        info.page_url,
        info.referrer,
        info.phone,
        info.department,
        fields_json(info)?,
        info.utc_offset_min
    ])?;
    Ok(())
}

/// Marks a conversation as left through the offline form: no live wait, kept
/// when the visitor leaves.
pub fn mark_offline(conn: &Connection, id: ConversationId) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE conversations SET offline = 1 WHERE id = ?1")?.execute(params![id.0])?;
    Ok(())
}

/// Gives the conversation to an agent (status `active`).
pub fn assign(conn: &Connection, id: ConversationId, agent: &AgentRef, now: UnixMillis) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE conversations SET status = 'active', assignee_id = ?2, assignee_name = ?3, assigned_at = ?4,
         last_activity_at = max(coalesce(last_activity_at, 0), ?4) WHERE id = ?1",
    )?
    .execute(params![id.0, agent.id.0, agent.name, now.0])?;
    Ok(())
}

/// Puts the conversation back in the queue (status `waiting`, no agent).
/// `queued_at` decides its place among equal priorities; keeping the original
/// time puts a requeued visitor ahead of later arrivals.
pub fn requeue(conn: &Connection, id: ConversationId, queued_at: Option<UnixMillis>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE conversations SET status = 'waiting', assignee_id = NULL, assignee_name = NULL,
         queued_at = coalesce(?2, queued_at) WHERE id = ?1",
    )?
    .execute(params![id.0, queued_at.map(|t| t.0)])?;
    Ok(())
}

pub fn set_priority(conn: &Connection, id: ConversationId, priority: Priority) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE conversations SET priority = ?2 WHERE id = ?1")?
        .execute(params![id.0, priority.as_str()])?;
    Ok(())
}

pub fn set_skill(conn: &Connection, id: ConversationId, skill: Option<&str>) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE conversations SET skill = ?2 WHERE id = ?1")?.execute(params![id.0, skill])?;
    Ok(())
}

/// Why a conversation closed, for analytics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    Agent,
    Visitor,
    Abandoned,
    Inactive,
}

pub fn close_conversation(
    conn: &Connection,
    id: ConversationId,
    reason: CloseReason,
    now: UnixMillis,
) -> Result<(), StoreError> {
    let reason = match reason {
        CloseReason::Agent => "agent",
        CloseReason::Visitor => "visitor",
        CloseReason::Abandoned => "abandoned",
        CloseReason::Inactive => "inactive",
    };
    conn.prepare_cached(
        "UPDATE conversations SET status = 'closed', closed_at = ?2, closed_reason = ?3 WHERE id = ?1",
    )?
    .execute(params![id.0, now.0, reason])?;
    Ok(())
}

/// A waiting conversation as routing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub id: ConversationId,
    pub visitor: VisitorId,
    pub priority: Priority,
    pub skill: Option<String>,
    pub queued_at: UnixMillis,
    pub offline: bool,
}

/// Every waiting conversation (unordered; routing orders them).
pub fn waiting(conn: &Connection) -> Result<Vec<QueueRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, visitor_id, priority, skill, coalesce(queued_at, created_at), offline
         FROM conversations WHERE status = 'waiting'",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, u64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, visitor, priority, skill, queued_at, offline) = row?;
        out.push(QueueRow {
            id: ConversationId(id),
            visitor: VisitorId::parse(visitor).map_err(corrupt)?,
            priority: Priority::parse(&priority).unwrap_or_default(),
            skill,
            queued_at: UnixMillis(queued_at),
            offline,
        });
    }
    Ok(out)
}

/// Active conversations idle since before `cutoff`.
pub fn inactive_since(conn: &Connection, cutoff: UnixMillis) -> Result<Vec<ConversationId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM conversations WHERE status = 'active' AND coalesce(last_activity_at, created_at) <= ?1",
    )?;
    let rows = stmt.query_map([cutoff.0], |r| r.get::<_, u64>(0))?;
    Ok(rows.map(|r| r.map(ConversationId)).collect::<Result<_, _>>()?)
}

/// Active conversation counts per agent.
pub fn active_counts(conn: &Connection) -> Result<Vec<(AgentId, u32)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT assignee_id, count(*) FROM conversations WHERE status = 'active' AND assignee_id IS NOT NULL
         GROUP BY assignee_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((AgentId(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Seconds agents held each of the last `n` closed conversations (assignment to close).
pub fn recent_handling_secs(conn: &Connection, n: u32) -> Result<Vec<u32>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT (closed_at - assigned_at) / 1000 FROM conversations
         WHERE status = 'closed' AND assigned_at IS NOT NULL AND closed_at >= assigned_at
         ORDER BY closed_at DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([n], |r| r.get::<_, u32>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Appends to the assignment log.
#[allow(clippy::too_many_arguments)]
pub fn log_assignment(
    conn: &Connection,
    id: ConversationId,
    kind: &str,
    agent: Option<AgentId>,
    by: Option<AgentId>,
    skill: Option<&str>,
    note: Option<&str>,
    now: UnixMillis,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO assignments(conversation_id, at, kind, agent_id, by_agent_id, skill, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![id.0, now.0, kind, agent.map(|a| a.0), by.map(|a| a.0), skill, note])?;
    Ok(())
}

/// Raises a read marker (never lowers it, never past the last message).
/// Returns the marker's value afterwards.
pub fn mark_read(conn: &Connection, id: ConversationId, by_visitor: bool, seq: Seq) -> Result<Seq, StoreError> {
    let sql = if by_visitor {
        "UPDATE conversations SET visitor_read_seq = max(visitor_read_seq, min(?2, last_seq)) WHERE id = ?1
         RETURNING visitor_read_seq"
    } else {
        "UPDATE conversations SET agent_read_seq = max(agent_read_seq, min(?2, last_seq)) WHERE id = ?1
         RETURNING agent_read_seq"
    };
    let seq: u64 = conn.prepare_cached(sql)?.query_row(params![id.0, seq.0], |r| r.get(0))?;
    Ok(Seq(seq))
}

// ---- messages ---------------------------------------------------------------

/// The sender scope of a client message id: the visitor, or one agent. Only an
/// agent's key is built (`a<id>`); the others are constants.
pub fn sender_key(author: &Author) -> Cow<'static, str> {
    match author {
        Author::Visitor => Cow::Borrowed("v"),
        Author::Agent { id, .. } => Cow::Owned(format!("a{id}")),
        Author::System => Cow::Borrowed("s"),
    }
}

/// The seq already stored for this client id, if the message is a resend.
pub fn seq_of_client_id(
    conn: &Connection,
    id: ConversationId,
    sender: &str,
    client_id: &ClientMsgId,
) -> Result<Option<Seq>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT seq FROM messages WHERE conversation_id = ?1 AND sender = ?2 AND client_id = ?3")?
        .query_row(params![id.0, sender, client_id.as_str()], |r| r.get(0))
        .optional()?
        .map(Seq))
}

/// Appends a message with the next seq of its conversation. A text message
/// also becomes the conversation's preview and its latest activity, and is
/// queued for the search index (`indexer.rs` adds it outside this transaction).
pub fn append_message(
    conn: &Connection,
    id: ConversationId,
    author: Author,
    body: MessageBody,
    now: UnixMillis,
) -> Result<Message, StoreError> {
    let (author_kind, agent_id, agent_name) = match &author {
        Author::Visitor => ("visitor", None, None),
        Author::Agent { id, name } => ("agent", Some(id.0), Some(name.as_str())),
        Author::System => ("system", None, None),
    };
    let (kind, text, client_id) = match &body {
        MessageBody::Text { text, client_id, .. } => ("text", Cow::Borrowed(text.as_str()), Some(client_id.as_str())),
        MessageBody::Event { event } => ("event", Cow::Owned(serde_json::to_string(event).map_err(corrupt)?), None),
    };
    let quick_replies = match &body {
        MessageBody::Text { quick_replies, .. } if !quick_replies.is_empty() => {
            Some(serde_json::to_string(quick_replies).map_err(corrupt)?)
        }
        _ => None,
    };
    let preview = match &body {
        // Files without words: the inbox row names them.
        MessageBody::Text { text, attachments, .. } if text.trim().is_empty() && !attachments.is_empty() => {
            let names: Vec<&str> = attachments.iter().map(|a| a.name.as_str()).collect();
            Some(Cow::Owned(preview_of(&format!("📎 {}", names.join(", "))).to_owned()))
        }
        MessageBody::Text { .. } => Some(Cow::Borrowed(preview_of(&text))),
        MessageBody::Event { .. } => None,
    };
    // One write of the conversation row: the next seq, and for a text its preview and activity time.
    let seq: u64 = conn
        .prepare_cached(
            "UPDATE conversations SET last_seq = last_seq + 1, preview = coalesce(?2, preview),
             last_activity_at = iif(?2 IS NULL, last_activity_at, ?3) WHERE id = ?1 RETURNING last_seq",
        )?
        .query_row(params![id.0, preview, now.0], |r| r.get(0))?;
    let sender = client_id.map(|_| sender_key(&author));
    conn.prepare_cached(
        "INSERT INTO messages(conversation_id, seq, at, author, agent_id, agent_name, kind, body, sender, client_id,
                              quick_replies)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id.0,
        seq,
        now.0,
        author_kind,
        agent_id,
        agent_name,
        kind,
        text,
        sender,
        client_id,
        quick_replies
    ])?;
    if kind == "text" {
        super::indexer::queue(conn, id, Seq(seq))?;
    }
    // Agents' texts and lifecycle events move KPIs; a visitor's text does not.
    if author_kind != "visitor" {
        super::kpi::touch(conn, id)?;
    }
    Ok(Message { seq: Seq(seq), at: now, author, body })
}

/// The first `PREVIEW_CHARS` characters of a text, borrowed.
fn preview_of(text: &str) -> &str {
    text.char_indices().nth(PREVIEW_CHARS).map_or(text, |(end, _)| &text[..end])
}

/// The highest seq of a conversation (0 when it has no messages or does not exist).
pub fn last_seq(conn: &Connection, id: ConversationId) -> Result<Seq, StoreError> {
    let seq = conn
        .prepare_cached("SELECT last_seq FROM conversations WHERE id = ?1")?
        .query_row([id.0], |r| r.get::<_, u64>(0))
        .optional()?;
    Ok(Seq(seq.unwrap_or(0)))
}

/// Up to `limit` messages after `after`, in seq order.
pub fn messages_after(
    conn: &Connection,
    id: ConversationId,
    after: Seq,
    limit: usize,
) -> Result<Vec<Message>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, author, agent_id, agent_name, kind, body, client_id, quick_replies FROM messages
         WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![id.0, after.0, limit], |r| {
        Ok((
            r.get::<_, u64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<u64>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, at, author, agent_id, agent_name, kind, body, client_id, quick_replies) = row?;
        let author = match (author.as_str(), agent_id) {
            ("visitor", _) => Author::Visitor,
            ("agent", Some(id)) => Author::Agent { id: AgentId(id), name: agent_name.unwrap_or_default() },
            ("system", _) => Author::System,
            _ => return Err(corrupt(format!("message author {author}"))),
        };
        let body = match (kind.as_str(), client_id) {
            ("text", Some(cid)) => MessageBody::Text {
                text: body,
                client_id: ClientMsgId::parse(cid).map_err(corrupt)?,
                attachments: Vec::new(),
                quick_replies: match quick_replies {
                    Some(json) => serde_json::from_str(&json).map_err(corrupt)?,
                    None => Vec::new(),
                },
            },
            ("event", _) => {
                MessageBody::Event { event: serde_json::from_str::<ConversationEvent>(&body).map_err(corrupt)? }
            }
            _ => return Err(corrupt(format!("message kind {kind}"))),
        };
        out.push(Message { seq: Seq(seq), at: UnixMillis(at), author, body });
    }
    Ok(out)
}

// ---- agents -----------------------------------------------------------------

/// Reads `id, name, email, role`.
fn agent_from_row(r: &Row<'_>) -> rusqlite::Result<AgentInfo> {
    let role: String = r.get(3)?;
    Ok(AgentInfo {
        id: AgentId(r.get(0)?),
        name: r.get(1)?,
        email: r.get(2)?,
        role: Role::parse(&role).unwrap_or(Role::Other),
    })
}

/// The active agents (deactivated accounts are left out everywhere but the
/// admin list: they cannot sign in, take chats or be transferred to).
pub fn agents(conn: &Connection) -> Result<Vec<AgentInfo>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name, email, role FROM agents WHERE deactivated_at IS NULL ORDER BY id")?;
    let rows = stmt.query_map([], agent_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An active agent.
pub fn agent(conn: &Connection, id: AgentId) -> Result<Option<AgentInfo>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id, name, email, role FROM agents WHERE id = ?1 AND deactivated_at IS NULL")?
        .query_row([id.0], agent_from_row)
        .optional()?)
}

/// An account as sign-in sees it.
#[derive(Debug, Clone)]
pub struct LoginRow {
    pub agent: AgentInfo,
    pub password_hash: String,
    /// Deactivated accounts exist (so the command line can find them) but may not sign in.
    pub active: bool,
}

/// The account with this email, active or not.
pub fn agent_for_login(conn: &Connection, email: &str) -> Result<Option<LoginRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, email, role, password_hash, deactivated_at IS NULL FROM agents WHERE email = ?1",
        )?
        .query_row([email], |r| Ok(LoginRow { agent: agent_from_row(r)?, password_hash: r.get(4)?, active: r.get(5)? }))
        .optional()?)
}

/// Every account, deactivated ones included, as admins manage them.
pub fn agents_admin(conn: &Connection) -> Result<Vec<AgentAdminView>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, email, role, skills, max_chats, deactivated_at, last_sign_in_at FROM agents ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            agent_from_row(r)?,
            r.get::<_, String>(4)?,
            r.get(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, Option<i64>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (agent, skills, max_chats, deactivated_at, last_sign_in_at) = row?;
        out.push(AgentAdminView {
            agent,
            skills: serde_json::from_str(&skills).map_err(corrupt)?,
            max_chats,
            deactivated_at: deactivated_at.map(UnixMillis),
            last_sign_in_at: last_sign_in_at.map(UnixMillis),
        });
    }
    Ok(out)
}

pub fn set_role(conn: &Connection, id: AgentId, role: Role) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE agents SET role = ?2 WHERE id = ?1")?.execute(params![id.0, role.as_str()])?;
    Ok(())
}

/// Deactivates (`Some(when)`) or reactivates (`None`) an account.
pub fn set_deactivated(conn: &Connection, id: AgentId, at: Option<UnixMillis>) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE agents SET deactivated_at = ?2 WHERE id = ?1")?
        .execute(params![id.0, at.map(|t| t.0)])?;
    Ok(())
}

pub fn set_last_sign_in(conn: &Connection, id: AgentId, at: UnixMillis) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE agents SET last_sign_in_at = ?2 WHERE id = ?1")?.execute(params![id.0, at.0])?;
    Ok(())
}

/// Records an admin action: who (`None`: the command line), what, and the details.
pub fn audit(
    conn: &Connection,
    at: UnixMillis,
    actor: Option<AgentId>,
    action: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO admin_audit(at, actor_id, action, detail) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![at.0, actor.map(|a| a.0), action, detail.to_string()])?;
    Ok(())
}

/// Inserts an agent; `None` if the email is taken.
pub fn insert_agent(
    conn: &Connection,
    email: &str,
    name: &str,
    role: Role,
    password_hash: &str,
    now: UnixMillis,
) -> Result<Option<AgentInfo>, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO agents(email, name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![email, name, role.as_str(), password_hash, now.0])?;
    if n == 0 {
        return Ok(None);
    }
    agent(conn, AgentId(u64::try_from(conn.last_insert_rowid()).map_err(corrupt)?))
}

pub fn set_password(conn: &Connection, id: AgentId, password_hash: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE agents SET password_hash = ?2 WHERE id = ?1")?.execute(params![id.0, password_hash])?;
    Ok(())
}

/// Deletes an agent; their sessions go with them (foreign key cascade).
pub fn delete_agent(conn: &Connection, id: AgentId) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM agents WHERE id = ?1")?.execute([id.0])?;
    Ok(())
}

/// Conversations an agent holds that are not closed.
pub fn active_conversations_of(conn: &Connection, agent: AgentId) -> Result<Vec<ConversationSummary>, StoreError> {
    query_conversations(conn, select_conversations!("assignee_id = ?1 AND status = 'active' ORDER BY id"), [agent.0])
}

// ---- sessions ---------------------------------------------------------------

/// A stored agent session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRow {
    pub agent: AgentId,
    pub last_seen_at: UnixMillis,
    pub expires_at: UnixMillis,
}

pub fn insert_session(conn: &Connection, hash: &TokenHash, row: SessionRow, now: UnixMillis) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO sessions(token_hash, agent_id, created_at, last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![&hash[..], row.agent.0, now.0, row.last_seen_at.0, row.expires_at.0])?;
    Ok(())
}

pub fn session(conn: &Connection, hash: &TokenHash) -> Result<Option<SessionRow>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT agent_id, last_seen_at, expires_at FROM sessions WHERE token_hash = ?1")?
        .query_row([&hash[..]], |r| {
            Ok(SessionRow {
                agent: AgentId(r.get(0)?),
                last_seen_at: UnixMillis(r.get(1)?),
                expires_at: UnixMillis(r.get(2)?),
            })
        })
        .optional()?)
}

pub fn touch_session(conn: &Connection, hash: &TokenHash, now: UnixMillis) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1")?
        .execute(params![&hash[..], now.0])?;
    Ok(())
}

pub fn delete_session(conn: &Connection, hash: &TokenHash) -> Result<bool, StoreError> {
    Ok(conn.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?.execute([&hash[..]])? == 1)
}

/// Removes sessions past their absolute expiry or idle for longer than `idle_ms`.
pub fn delete_stale_sessions(conn: &Connection, now: UnixMillis, idle_ms: i64) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2")?
        .execute(params![now.0, idle_ms])?)
}

pub fn delete_sessions_of(conn: &Connection, agent: AgentId) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM sessions WHERE agent_id = ?1")?.execute([agent.0])?;
    Ok(())
}

/// Routing facts about an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRouting {
    pub id: AgentId,
    pub skills: Vec<String>,
    /// `None`: the tenant's default.
    pub max_chats: Option<u32>,
}

/// Every agent's skills and own chat limit.
pub fn agent_routing(conn: &Connection) -> Result<Vec<AgentRouting>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, skills, max_chats FROM agents WHERE deactivated_at IS NULL ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((AgentId(r.get(0)?), r.get::<_, String>(1)?, r.get(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, skills, max) = row?;
        out.push(AgentRouting { id, skills: serde_json::from_str(&skills).map_err(corrupt)?, max_chats: max });
    }
    Ok(out)
}

pub fn set_agent_routing(
    conn: &Connection,
    id: AgentId,
    skills: &[String],
    max_chats: Option<u32>,
) -> Result<(), StoreError> {
    let skills = serde_json::to_string(skills).map_err(corrupt)?;
    conn.prepare_cached("UPDATE agents SET skills = ?2, max_chats = ?3 WHERE id = ?1")?
        .execute(params![id.0, skills, max_chats])?;
    Ok(())
}

// ---- settings ---------------------------------------------------------------

pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2")?
        .execute(params![key, value])?;
    Ok(())
}

/// The tenant's settings and their version (defaults and 0 if never saved).
pub fn load_settings(conn: &Connection) -> Result<(natter_protocol::TenantSettings, u64), StoreError> {
    let settings = match setting(conn, "tenant_settings")? {
        Some(json) => serde_json::from_str(&json).map_err(|e| corrupt(format!("tenant_settings: {e}")))?,
        None => natter_protocol::TenantSettings::default(),
    };
    let version = setting(conn, "settings_version")?.and_then(|v| v.parse().ok()).unwrap_or(0);
    Ok((settings, version))
}

pub fn store_settings(
    conn: &Connection,
    settings: &natter_protocol::TenantSettings,
    version: u64,
) -> Result<(), StoreError> {
    set_setting(conn, "tenant_settings", &serde_json::to_string(settings).map_err(corrupt)?)?;
    set_setting(conn, "settings_version", &version.to_string())
}

/// Conversations a visitor opened at or after `since` (the per-visitor limit).
pub fn conversations_opened_since(
    conn: &Connection,
    visitor: &VisitorId,
    since: UnixMillis,
) -> Result<u64, StoreError> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM conversations WHERE visitor_id = ?1 AND created_at >= ?2")?
        .query_row(params![visitor.as_str(), since.0], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod search_tests {
    use super::*;
    use crate::store::{migrate, schema};

    const VISITOR: &str = "AAAAAAAAAAAAAAAAAAAAAA";

    fn closed(conn: &Connection, id: u64) {
        conn.execute(
            "INSERT INTO conversations(id, visitor_id, status, created_at) VALUES (?1, ?2, 'closed', 0)",
            params![id, VISITOR],
        )
        .unwrap();
    }

    fn found(conn: &Connection, q: &str) -> Vec<u64> {
        find_conversations(conn, None, Some(q), None, 10).unwrap().iter().map(|c| c.id.0).collect()
    }

    #[test]
    fn the_index_covers_messages_from_before_it_existed_and_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, &path, &schema::TENANT[..3]).unwrap();
        conn.execute("INSERT INTO visitors(id, created_at) VALUES (?1, 0)", [VISITOR]).unwrap();
        closed(&conn, 1);
        conn.execute(
            "INSERT INTO messages(conversation_id, seq, at, author, kind, body) VALUES (1, 1, 0, 'visitor', 'text', ?1)",
            ["Where is parcel 4321?"],
        )
        .unwrap();
        // Opening with this code builds the index from what is stored.
        migrate(&mut conn, &path, schema::TENANT).unwrap();
        closed(&conn, 2);
        let text = MessageBody::Text {
            text: "He said \"ship it\" — ส่งของแล้ว".into(),
            client_id: ClientMsgId::parse("m").unwrap(),
            attachments: vec![],
            quick_replies: Vec::new(),
        };
        append_message(&conn, ConversationId(2), Author::Visitor, text, UnixMillis(0)).unwrap();

        assert_eq!(found(&conn, "PARCEL 43"), [1], "case-insensitive substring");
        assert_eq!(found(&conn, "\"ship it\""), [2], "quotes are text, not FTS syntax");
        assert_eq!(found(&conn, "ส่งของ"), [2], "Thai has no spaces; trigrams still match");
        assert!(found(&conn, "parcel OR ship").is_empty(), "operators are text too");
        assert!(found(&conn, "NEAR(").is_empty());
        assert_eq!(found(&conn, "43"), [1], "two characters: the scan");
    }
}

#[cfg(test)]
mod statement_tests {
    use rusqlite::StatementStatus;

    use super::*;
    use crate::store::{self, schema};

    #[test]
    fn cached_statements_are_not_compiled_again_when_their_values_change() {
        let dir = tempfile::tempdir().unwrap();
        let conn = store::open(&dir.path().join("t.db"), schema::TENANT).unwrap();
        let visitors: Vec<VisitorId> = ["AAAAAAAAAAAAAAAAAAAAAA", "BAAAAAAAAAAAAAAAAAAAAA"]
            .map(|v| VisitorId::parse(v.to_owned()).unwrap())
            .into();
        for v in &visitors {
            ensure_visitor(&conn, v, UnixMillis(0)).unwrap();
            create_conversation(&conn, v, &VisitorInfo::default(), None, false, UnixMillis(0)).unwrap();
        }
        for i in 0..6 {
            latest_conversation(&conn, &visitors[i % 2]).unwrap();
        }
        // Without the planner stability guarantee, rebinding ?1 here recompiled it every time.
        let stmt = conn.prepare_cached(select_conversations!("visitor_id = ?1 ORDER BY id DESC LIMIT 1")).unwrap();
        assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
        assert_eq!(stmt.get_status(StatementStatus::Run), 6);
    }
}
