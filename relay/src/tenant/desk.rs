//! The agents' own layer on conversations: internal notes with `@mentions`,
//! and the tenant's tags. Notes live in their own table, never in `messages`,
//! and travel only in agent frames, so no visitor path can read one.

use natter_protocol::{
    AgentId, AgentInfo, AgentRef, AssignmentRecord, ClientMsgId, ConversationId, ConversationSummary, ErrorCode, Note,
    NoteId, Tag, TagDraft, TagId, ToAgent, UnixMillis,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::batch::{AgentTarget, Batch, OpResult, refuse};
use super::conversations::{Conversations, followers, reload};
use super::hub::ConnId;
use super::queries::{self, corrupt};
use crate::store::StoreError;

/// Most tags a tenant may have.
pub const MAX_TAGS: usize = 100;

// ---- notes ------------------------------------------------------------------

/// Stores a note (once per `client_id`) and tells the conversation's
/// followers, this socket among them, and the agents it mentions.
pub fn add_note(
    db: &Connection,
    c: &ConversationSummary,
    author: AgentRef,
    conn: ConnId,
    client_id: ClientMsgId,
    text: &str,
    batch: &mut Batch,
) -> OpResult {
    // Writing in a conversation is looking at it: the writer's socket follows
    // it, so the copy its followers get is also its acknowledgement.
    batch.push(super::batch::Effect::Watch(conn, c.id));
    if let Some(stored) = note_by_client_id(db, c.id, author.id, &client_id)? {
        batch.to_agents(AgentTarget::Conn(conn), &ToAgent::Note { conversation_id: c.id, note: stored });
        return Ok(());
    }
    let mentions = mentioned(&queries::agents(db)?, text, author.id);
    let note = insert_note(db, c.id, author, client_id, text, mentions, batch.now)?;
    batch.to_agents(followers(c), &ToAgent::Note { conversation_id: c.id, note: note.clone() });
    for agent in &note.mentions {
        batch.to_agents(AgentTarget::Agent(*agent), &ToAgent::Mention { conversation_id: c.id, note: note.clone() });
    }
    Ok(())
}

/// The agents a text names as `@Name` (case-insensitive, the whole name,
/// followed by a non-letter or the end), the author left out.
fn mentioned(agents: &[AgentInfo], text: &str, author: AgentId) -> Vec<AgentId> {
    let lower = text.to_lowercase();
    agents
        .iter()
        .filter(|a| a.id != author && !a.name.trim().is_empty())
        .filter(|a| {
            let needle = format!("@{}", a.name.trim().to_lowercase());
            lower
                .match_indices(&needle)
                .any(|(at, _)| lower[at + needle.len()..].chars().next().is_none_or(|next| !next.is_alphanumeric()))
        })
        .map(|a| a.id)
        .collect()
}

/// A row read with `NOTE_COLUMNS` into a note.
fn read_note(r: &Row<'_>) -> Result<Note, StoreError> {
    let client_id: String = r.get(5)?;
    let mentions: String = r.get(6)?;
    Ok(Note {
        id: NoteId(r.get(0)?),
        at: UnixMillis(r.get(1)?),
        author: AgentRef { id: AgentId(r.get(2)?), name: r.get(3)? },
        text: r.get(4)?,
        client_id: ClientMsgId::parse(client_id).map_err(corrupt)?,
        mentions: serde_json::from_str(&mentions).map_err(corrupt)?,
    })
}

const NOTE_COLUMNS: &str = "id, at, agent_id, agent_name, body, client_id, mentions";

fn note_by_client_id(
    db: &Connection,
    conversation: ConversationId,
    agent: AgentId,
    client_id: &ClientMsgId,
) -> Result<Option<Note>, StoreError> {
    let sql =
        format!("SELECT {NOTE_COLUMNS} FROM notes WHERE conversation_id = ?1 AND agent_id = ?2 AND client_id = ?3");
    let mut stmt = db.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![conversation.0, agent.0, client_id.as_str()])?;
    rows.next()?.map(read_note).transpose()
}

fn insert_note(
    db: &Connection,
    conversation: ConversationId,
    author: AgentRef,
    client_id: ClientMsgId,
    text: &str,
    mentions: Vec<AgentId>,
    now: UnixMillis,
) -> Result<Note, StoreError> {
    let mentions_json = serde_json::to_string(&mentions).map_err(corrupt)?;
    db.prepare_cached(
        "INSERT INTO notes(conversation_id, at, agent_id, agent_name, body, client_id, mentions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![conversation.0, now.0, author.id.0, author.name, text, client_id.as_str(), mentions_json])?;
    let id = NoteId(u64::try_from(db.last_insert_rowid()).map_err(corrupt)?);
    Ok(Note { id, at: now, author, text: text.to_owned(), client_id, mentions })
}

/// Every note of a conversation, oldest first.
pub fn notes_of(db: &Connection, conversation: ConversationId) -> Result<Vec<Note>, StoreError> {
    let sql = format!("SELECT {NOTE_COLUMNS} FROM notes WHERE conversation_id = ?1 ORDER BY id");
    let mut stmt = db.prepare_cached(&sql)?;
    let mut rows = stmt.query([conversation.0])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(read_note(row)?);
    }
    Ok(out)
}

// ---- tags -------------------------------------------------------------------

/// The tenant's tag list, by name.
pub fn tags(db: &Connection) -> Result<Vec<Tag>, StoreError> {
    let mut stmt = db.prepare_cached("SELECT id, name, color FROM tags ORDER BY name COLLATE NOCASE, id")?;
    let rows = stmt.query_map([], |r| Ok(Tag { id: TagId(r.get(0)?), name: r.get(1)?, color: r.get(2)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Puts a tag on a conversation or takes it off, and tells every agent.
pub fn tag_conversation(
    db: &Connection,
    convs: &mut Conversations,
    c: &ConversationSummary,
    tag: TagId,
    on: bool,
    batch: &mut Batch,
) -> OpResult {
    let exists: Option<i64> =
        db.prepare_cached("SELECT 1 FROM tags WHERE id = ?1")?.query_row([tag.0], |r| r.get(0)).optional()?;
    if exists.is_none() {
        return Err(refuse(ErrorCode::NotFound, format!("no tag {tag} in this tenant")).about(None, Some(c.id)));
    }
    let changed = if on {
        db.prepare_cached(
            "INSERT OR IGNORE INTO conversation_tags(conversation_id, tag_id, added_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![c.id.0, tag.0, batch.now.0])?
    } else {
        db.prepare_cached("DELETE FROM conversation_tags WHERE conversation_id = ?1 AND tag_id = ?2")?
            .execute(params![c.id.0, tag.0])?
    };
    if changed > 0 {
        convs.tell_agents(&reload(db, c.id)?, batch);
    }
    Ok(())
}

/// Why a tag change was refused (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagRefused {
    #[error("no such tag in this tenant")]
    NoSuchTag,
    #[error("a tag with that name exists")]
    NameTaken,
    #[error("at most {MAX_TAGS} tags")]
    TooMany,
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: &'static str },
}

/// A tag's name and colour as stored: trimmed, checked.
fn checked(draft: &TagDraft) -> Result<(String, String), TagRefused> {
    let name = draft.name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(TagRefused::Invalid { field: "name", reason: "1 to 40 characters, no control characters" });
    }
    let color = draft.color.trim().to_ascii_lowercase();
    let hex = color.strip_prefix('#').filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
    if hex.is_none() {
        return Err(TagRefused::Invalid { field: "color", reason: "a colour like #1d4ed8" });
    }
    Ok((name.to_owned(), color))
}

/// Creates (`id: None`) or changes a tag; answers the tenant's new list.
pub fn put_tag(
    db: &Connection,
    id: Option<TagId>,
    draft: &TagDraft,
    now: UnixMillis,
) -> Result<Result<Vec<Tag>, TagRefused>, StoreError> {
    let (name, color) = match checked(draft) {
        Ok(ok) => ok,
        Err(refused) => return Ok(Err(refused)),
    };
    let taken: Option<u64> =
        db.prepare_cached("SELECT id FROM tags WHERE name = ?1")?.query_row([&name], |r| r.get(0)).optional()?;
    if taken.is_some_and(|t| Some(TagId(t)) != id) {
        return Ok(Err(TagRefused::NameTaken));
    }
    let changed = match id {
        None if tags(db)?.len() >= MAX_TAGS => return Ok(Err(TagRefused::TooMany)),
        None => db
            .prepare_cached("INSERT INTO tags(name, color, created_at) VALUES (?1, ?2, ?3)")?
            .execute(params![name, color, now.0])?,
        Some(id) => db
            .prepare_cached("UPDATE tags SET name = ?2, color = ?3 WHERE id = ?1")?
            .execute(params![id.0, name, color])?,
    };
    if changed == 0 {
        return Ok(Err(TagRefused::NoSuchTag));
    }
    Ok(Ok(tags(db)?))
}

/// What deleting a tag changed.
#[derive(Debug)]
pub struct TagDeleted {
    /// The conversations it was on: their summaries changed.
    pub conversations: Vec<ConversationId>,
    /// The tenant's new list.
    pub tags: Vec<Tag>,
}

/// Deletes a tag and takes it off every conversation.
pub fn delete_tag(db: &Connection, id: TagId) -> Result<Result<TagDeleted, TagRefused>, StoreError> {
    let mut stmt = db.prepare_cached("SELECT conversation_id FROM conversation_tags WHERE tag_id = ?1")?;
    let on: Vec<ConversationId> =
        stmt.query_map([id.0], |r| Ok(ConversationId(r.get(0)?)))?.collect::<Result<_, _>>()?;
    db.prepare_cached("DELETE FROM conversation_tags WHERE tag_id = ?1")?.execute([id.0])?;
    if db.prepare_cached("DELETE FROM tags WHERE id = ?1")?.execute([id.0])? == 0 {
        return Ok(Err(TagRefused::NoSuchTag));
    }
    Ok(Ok(TagDeleted { conversations: on, tags: tags(db)? }))
}

// ---- assignment history -----------------------------------------------------

/// Who claimed, transferred and closed a conversation, and when, oldest first.
pub fn assignments_of(db: &Connection, conversation: ConversationId) -> Result<Vec<AssignmentRecord>, StoreError> {
    let mut stmt = db.prepare_cached(
        "SELECT a.at, a.kind, a.agent_id, (SELECT name FROM agents WHERE id = a.agent_id),
                a.by_agent_id, (SELECT name FROM agents WHERE id = a.by_agent_id), a.skill, a.note
         FROM assignments a WHERE a.conversation_id = ?1 ORDER BY a.at, a.rowid",
    )?;
    let agent = |id: Option<u64>, name: Option<String>| {
        id.map(|id| AgentRef { id: AgentId(id), name: name.unwrap_or_default() })
    };
    let rows = stmt.query_map([conversation.0], |r| {
        Ok(AssignmentRecord {
            at: UnixMillis(r.get(0)?),
            kind: r.get(1)?,
            agent: agent(r.get(2)?, r.get(3)?),
            by: agent(r.get(4)?, r.get(5)?),
            skill: r.get(6)?,
            note: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use natter_protocol::Role;

    fn agent(id: u64, name: &str) -> AgentInfo {
        AgentInfo { id: AgentId(id), name: name.into(), email: format!("{id}@x.test"), role: Role::Agent }
    }

    #[test]
    fn mentions_match_whole_names_case_insensitively_and_never_the_author() {
        let agents = [agent(1, "Ann"), agent(2, "Bob"), agent(3, "Ann Lee"), agent(4, "Annabel")];
        assert_eq!(mentioned(&agents, "@bob can you check?", AgentId(1)), [AgentId(2)]);
        assert_eq!(mentioned(&agents, "ask @Ann Lee.", AgentId(2)), [AgentId(1), AgentId(3)]);
        assert!(mentioned(&agents, "@annabelle? no: bob@shop.example", AgentId(9)).is_empty());
        assert!(mentioned(&agents, "note to self @Bob", AgentId(2)).is_empty());
    }

    #[test]
    fn tag_names_and_colours_are_checked() {
        let ok = TagDraft { name: " VIP ".into(), color: "#1D4ED8".into() };
        assert_eq!(checked(&ok), Ok(("VIP".into(), "#1d4ed8".into())));
        for (name, color) in [("", "#000000"), ("x", "blue"), ("x", "#12345"), ("a\u{7}", "#000000")] {
            assert!(checked(&TagDraft { name: name.into(), color: color.into() }).is_err(), "{name} {color}");
        }
    }
}
