//! SQL of files in chat (tables `blobs`, `uploads`, `file_refusals`) and of
//! erasing a conversation. Plain functions over a connection, like
//! `queries.rs`; the policy is in `files.rs`.

use natter_protocol::{
    AgentId, Attachment, AttachmentKind, ConversationId, FileType, ScanState, Seq, UnixMillis, UploadId, VisitorId,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::files::TenantLinks;
use crate::store::StoreError;

/// Who made an upload; only they may attach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uploader {
    Visitor(VisitorId),
    Agent(AgentId),
}

impl Uploader {
    /// As stored: `v:<visitor id>` or `a:<agent id>`.
    pub fn key(&self) -> String {
        match self {
            Self::Visitor(v) => format!("v:{v}"),
            Self::Agent(a) => format!("a:{a}"),
        }
    }
}

/// An upload as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub id: UploadId,
    pub uploader: String,
    pub name: String,
    pub mime: String,
    pub bytes: u64,
    pub sha256: String,
    pub thumb_sha256: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub scanned: bool,
    pub created_at: UnixMillis,
    /// The message it is attached to.
    pub attached: Option<(ConversationId, Seq)>,
}

impl UploadRow {
    /// The upload as messages carry it, with links minted now.
    pub fn attachment(&self, links: &TenantLinks, now: UnixMillis) -> Attachment {
        let link = links.mint(&self.id, self.thumb_sha256.is_some(), now);
        let image = FileType::from_mime(&self.mime).is_some_and(FileType::is_image);
        Attachment {
            id: self.id.clone(),
            name: self.name.clone(),
            size: self.bytes,
            mime: self.mime.clone(),
            kind: if image { AttachmentKind::Image } else { AttachmentKind::File },
            width: self.width,
            height: self.height,
            scan: if self.scanned { ScanState::Clean } else { ScanState::NotScanned },
            url: link.url,
            thumb_url: link.thumb_url,
            url_expires_at: link.url_expires_at,
        }
    }
}

const UPLOAD_COLUMNS: &str = "id, uploader, name, mime, bytes, sha256, thumb_sha256, width, height, scanned, created_at, \
     conversation_id, seq";

fn upload_from_row(r: &Row<'_>) -> Result<UploadRow, StoreError> {
    let conversation: Option<u64> = r.get(11)?;
    let seq: Option<u64> = r.get(12)?;
    Ok(UploadRow {
        id: UploadId::parse(r.get::<_, String>(0)?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        uploader: r.get(1)?,
        name: r.get(2)?,
        mime: r.get(3)?,
        bytes: r.get(4)?,
        sha256: r.get(5)?,
        thumb_sha256: r.get(6)?,
        width: r.get(7)?,
        height: r.get(8)?,
        scanned: r.get(9)?,
        created_at: UnixMillis(r.get(10)?),
        attached: conversation.zip(seq).map(|(c, s)| (ConversationId(c), Seq(s))),
    })
}

pub fn upload(conn: &Connection, id: &UploadId) -> Result<Option<UploadRow>, StoreError> {
    let sql = format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id.as_str()])?;
    rows.next()?.map(upload_from_row).transpose()
}

/// The attachments of the messages of `conversation` with seqs in `from..=to`,
/// in seq then attachment order.
pub fn attached_between(
    conn: &Connection,
    conversation: ConversationId,
    from: Seq,
    to: Seq,
) -> Result<Vec<UploadRow>, StoreError> {
    let sql = format!(
        "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE conversation_id = ?1 AND seq BETWEEN ?2 AND ?3
         ORDER BY seq, position"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![conversation.0, from.0, to.0])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(upload_from_row(row)?);
    }
    Ok(out)
}

/// Whether `visitor` may see an upload: they made it, or it is attached in one
/// of their conversations.
pub fn visible_to_visitor(conn: &Connection, row: &UploadRow, visitor: &VisitorId) -> Result<bool, StoreError> {
    if row.uploader == Uploader::Visitor(visitor.clone()).key() {
        return Ok(true);
    }
    let Some((conversation, _)) = row.attached else { return Ok(false) };
    let owner: Option<String> = conn
        .prepare_cached("SELECT visitor_id FROM conversations WHERE id = ?1")?
        .query_row([conversation.0], |r| r.get(0))
        .optional()?;
    Ok(owner.as_deref() == Some(visitor.as_str()))
}

pub fn blob_exists(conn: &Connection, sha256: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM blobs WHERE sha256 = ?1")?
        .query_row([sha256], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Bytes of every blob of the tenant (what the quota counts).
pub fn stored_bytes(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.prepare_cached("SELECT coalesce(sum(bytes), 0) FROM blobs")?.query_row([], |r| r.get(0))?)
}

pub fn insert_blob(conn: &Connection, sha256: &str, bytes: u64, now: UnixMillis) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO blobs(sha256, bytes, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![sha256, bytes, now.0])?;
    Ok(())
}

pub fn insert_upload(conn: &Connection, row: &UploadRow) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO uploads(id, uploader, name, mime, bytes, sha256, thumb_sha256, width, height, scanned, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        row.id.as_str(),
        row.uploader,
        row.name,
        row.mime,
        row.bytes,
        row.sha256,
        row.thumb_sha256,
        row.width,
        row.height,
        row.scanned,
        row.created_at.0
    ])?;
    Ok(())
}

/// Attaches an upload to a message.
pub fn attach(
    conn: &Connection,
    id: &UploadId,
    conversation: ConversationId,
    seq: Seq,
    position: usize,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE uploads SET conversation_id = ?2, seq = ?3, position = ?4 WHERE id = ?1")?
        .execute(params![id.as_str(), conversation.0, seq.0, position])?;
    Ok(())
}

/// Deletes the uploads never attached and stored before `cutoff`; returns the
/// blobs they used.
pub fn delete_unattached_before(conn: &Connection, cutoff: UnixMillis) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM uploads WHERE conversation_id IS NULL AND created_at < ?1 RETURNING sha256, thumb_sha256",
    )?;
    blobs_of(stmt.query_map([cutoff.0], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Deletes the uploads attached in a conversation; returns the blobs they used.
pub fn delete_uploads_of(conn: &Connection, conversation: ConversationId) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("DELETE FROM uploads WHERE conversation_id = ?1 RETURNING sha256, thumb_sha256")?;
    blobs_of(stmt.query_map([conversation.0], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

fn blobs_of(rows: impl Iterator<Item = rusqlite::Result<(String, Option<String>)>>) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for row in rows {
        let (blob, thumb) = row?;
        out.push(blob);
        out.extend(thumb);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Deletes the blob rows among `candidates` that no upload uses any more;
/// returns those deleted (their files are to go).
pub fn delete_unused_blobs(conn: &Connection, candidates: &[String]) -> Result<Vec<String>, StoreError> {
    let mut unused = Vec::new();
    let mut used = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM uploads WHERE sha256 = ?1) OR EXISTS (SELECT 1 FROM uploads WHERE thumb_sha256 = ?1)",
    )?;
    let mut delete = conn.prepare_cached("DELETE FROM blobs WHERE sha256 = ?1")?;
    for sha in candidates {
        if !used.query_row([sha], |r| r.get::<_, bool>(0))? {
            delete.execute([sha])?;
            unused.push(sha.clone());
        }
    }
    Ok(unused)
}

/// Every blob row's SHA-256 (the start-up sweep of files without a row).
pub fn all_blobs(conn: &Connection) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT sha256 FROM blobs")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records a refused upload.
pub fn record_refusal(
    conn: &Connection,
    now: UnixMillis,
    uploader: &Uploader,
    name: &str,
    sha256: &str,
    signature: &str,
    conversation: Option<ConversationId>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO file_refusals(at, uploader, name, sha256, reason, signature, conversation_id)
         VALUES (?1, ?2, ?3, ?4, 'infected', ?5, ?6)",
    )?
    .execute(params![now.0, uploader.key(), name, sha256, signature, conversation.map(|c| c.0)])?;
    Ok(())
}

/// Erases a conversation: its messages (and their search entries), its
/// assignment log and the conversation itself. Its uploads must be deleted first.
pub fn erase_conversation(conn: &Connection, id: ConversationId) -> Result<(), StoreError> {
    // The search index is contentless: an entry is deleted by giving its text back.
    conn.prepare_cached(
        "INSERT INTO message_search(message_search, rowid, body)
         SELECT 'delete', (conversation_id << 24) | seq, body FROM messages
         WHERE conversation_id = ?1 AND kind = 'text'
           AND ((conversation_id << 24) | seq) NOT IN (SELECT id FROM message_search_pending)",
    )?
    .execute([id.0])?;
    conn.prepare_cached("DELETE FROM message_search_pending WHERE id >> 24 = ?1")?.execute([id.0])?;
    conn.prepare_cached("DELETE FROM messages WHERE conversation_id = ?1")?.execute([id.0])?;
    conn.prepare_cached("DELETE FROM assignments WHERE conversation_id = ?1")?.execute([id.0])?;
    conn.prepare_cached("DELETE FROM ratings WHERE conversation_id = ?1")?.execute([id.0])?;
    conn.prepare_cached("DELETE FROM conversations WHERE id = ?1")?.execute([id.0])?;
    // Its figures leave the rollups (the KPI pass finds it gone).
    super::kpi::touch(conn, id)?;
    Ok(())
}
