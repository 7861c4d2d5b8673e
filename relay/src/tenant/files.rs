//! The tenant's files, as the actor keeps them: storing an upload (its blob
//! moved into `blobs/`, the directory fsync'd, its rows written in the batch,
//! so the upload's answer — sent after the commit — means durable), checking
//! and attaching uploads to a message, collecting uploads never attached,
//! erasing a conversation with its files, recording refusals.
//!
//! Only this part puts a file into `blobs/` or removes one, on the actor's
//! thread, so a blob's file and its row never race. Removals wait for the
//! commit that deleted the row ([`FileStore::committed`]); a failed commit keeps
//! them. A crash between a blob's rename and its row's commit leaves a file
//! without a row, which [`FileStore::open`] removes on the next start.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use natter_protocol::{Attachment, ConversationId, ErrorCode, FileType, MAX_ATTACHMENTS, Seq, UnixMillis, UploadId};
use rusqlite::Connection;

use super::batch::{Refusal, refuse};
use super::file_queries::{self as q, UploadRow, Uploader};
use crate::files::{TenantDir, TenantLinks, disk};
use crate::store::StoreError;

/// A file ready to become a blob: a synced temporary file, its SHA-256 and size.
#[derive(Debug, Clone)]
pub struct BlobFile {
    pub tmp: PathBuf,
    pub sha256: String,
    pub bytes: u64,
}

/// An upload that passed every check, to store.
#[derive(Debug)]
pub struct NewUpload {
    pub id: UploadId,
    pub uploader: Uploader,
    pub name: String,
    pub kind: FileType,
    pub main: BlobFile,
    pub thumb: Option<BlobFile>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub scanned: bool,
}

/// Why a conversation was not erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EraseRefusal {
    NotFound,
    StillOpen,
}

/// The actor's part for files.
#[derive(Debug)]
pub struct FileStore {
    dir: TenantDir,
    links: TenantLinks,
    quota_bytes: u64,
    grace: Duration,
    /// Blobs whose rows this batch deleted: their files go after the commit.
    unlink_after_commit: BTreeSet<String>,
}

impl FileStore {
    /// Opens the tenant's file directories, removing temporary files (uploads
    /// a crash interrupted) and blob files without a row (a crash between a
    /// blob's rename and its commit).
    pub fn open(
        db: &Connection,
        dir: TenantDir,
        links: TenantLinks,
        quota_bytes: u64,
        grace: Duration,
    ) -> Result<Self, StoreError> {
        dir.ensure()?;
        let swept = dir.sweep_tmp()?;
        let known = q::all_blobs(db)?;
        let mut orphans = 0;
        for name in dir.blob_names()? {
            if !known.contains(&name) {
                std::fs::remove_file(dir.blobs().join(&name))?;
                orphans += 1;
            }
        }
        if swept + orphans > 0 {
            tracing::info!(dir = %dir.root().display(), swept, orphans, "removed files a crash left behind");
        }
        Ok(Self { dir, links, quota_bytes, grace, unlink_after_commit: BTreeSet::new() })
    }

    pub fn links(&self) -> &TenantLinks {
        &self.links
    }

    /// Stores an upload: its blobs (unless the tenant has them already: dedup)
    /// and its row. `Ok(Err(code))`: refused (the quota), nothing stored.
    pub fn store(
        &mut self,
        db: &Connection,
        upload: &NewUpload,
        now: UnixMillis,
    ) -> Result<Result<Attachment, ErrorCode>, StoreError> {
        let blobs: Vec<&BlobFile> = std::iter::once(&upload.main).chain(upload.thumb.as_ref()).collect();
        let mut new_bytes = 0;
        let mut new_blobs: Vec<&BlobFile> = Vec::new();
        for blob in &blobs {
            if !q::blob_exists(db, &blob.sha256)? && !new_blobs.iter().any(|b| b.sha256 == blob.sha256) {
                new_bytes += blob.bytes;
                new_blobs.push(blob);
            }
        }
        if q::stored_bytes(db)? + new_bytes > self.quota_bytes {
            return Ok(Err(ErrorCode::QuotaExceeded));
        }
        for blob in &new_blobs {
            std::fs::rename(&blob.tmp, self.dir.blob(&blob.sha256))?;
            q::insert_blob(db, &blob.sha256, blob.bytes, now)?;
            // A blob collected earlier in this batch is in use again: keep its file.
            self.unlink_after_commit.remove(&blob.sha256);
        }
        if !new_blobs.is_empty() {
            disk::sync_dir(&self.dir.blobs())?;
        }
        let row = UploadRow {
            id: upload.id.clone(),
            uploader: upload.uploader.key(),
            name: upload.name.clone(),
            mime: upload.kind.mime().to_owned(),
            bytes: upload.main.bytes,
            sha256: upload.main.sha256.clone(),
            thumb_sha256: upload.thumb.as_ref().map(|t| t.sha256.clone()),
            width: upload.width,
            height: upload.height,
            scanned: upload.scanned,
            created_at: now,
            attached: None,
        };
        q::insert_upload(db, &row)?;
        Ok(Ok(row.attachment(&self.links, now)))
    }

    /// Deletes uploads never attached within the grace period, and the blobs
    /// only they used.
    pub fn collect(&mut self, db: &Connection, now: UnixMillis) -> Result<(), StoreError> {
        let grace = i64::try_from(self.grace.as_millis()).unwrap_or(i64::MAX);
        let candidates = q::delete_unattached_before(db, UnixMillis(now.0.saturating_sub(grace)))?;
        self.forget_blobs(db, &candidates)
    }

    /// Erases a closed conversation with its messages and files.
    pub fn erase(&mut self, db: &Connection, id: ConversationId) -> Result<Result<(), EraseRefusal>, StoreError> {
        let Some(c) = super::queries::conversation(db, id)? else { return Ok(Err(EraseRefusal::NotFound)) };
        if c.status != natter_protocol::ConversationStatus::Closed {
            return Ok(Err(EraseRefusal::StillOpen));
        }
        let candidates = q::delete_uploads_of(db, id)?;
        q::erase_conversation(db, id)?;
        self.forget_blobs(db, &candidates)?;
        Ok(Ok(()))
    }

    fn forget_blobs(&mut self, db: &Connection, candidates: &[String]) -> Result<(), StoreError> {
        self.unlink_after_commit.extend(q::delete_unused_blobs(db, candidates)?);
        Ok(())
    }

    /// The batch committed: remove the files of the blobs it deleted.
    pub fn committed(&mut self) {
        for sha in std::mem::take(&mut self.unlink_after_commit) {
            if let Err(e) = std::fs::remove_file(self.dir.blob(&sha))
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(blob = %sha, error = %e, "could not remove a deleted file");
            }
        }
    }

    /// The batch did not commit: the rows are back, so are their files.
    pub fn rolled_back(&mut self) {
        self.unlink_after_commit.clear();
    }
}

/// The uploads a message may attach: each the sender's, not attached yet,
/// listed once, at most [`MAX_ATTACHMENTS`].
pub fn attachable(db: &Connection, ids: &[UploadId], uploader: &Uploader) -> Result<Vec<UploadRow>, Refusal> {
    if ids.len() > MAX_ATTACHMENTS {
        return Err(refuse(ErrorCode::InvalidInput, format!("at most {MAX_ATTACHMENTS} attachments per message")));
    }
    let distinct: HashSet<&UploadId> = ids.iter().collect();
    if distinct.len() != ids.len() {
        return Err(refuse(ErrorCode::InvalidInput, "an upload is listed twice"));
    }
    let key = uploader.key();
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let row = q::upload(db, id)?.ok_or_else(|| refuse(ErrorCode::NotFound, format!("no upload {id}")))?;
        if row.uploader != key {
            return Err(refuse(ErrorCode::Forbidden, format!("upload {id} is someone else's")));
        }
        if row.attached.is_some() {
            return Err(refuse(ErrorCode::Forbidden, format!("upload {id} is already attached to a message")));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Attaches checked uploads to the message stored at `seq`.
pub fn attach(db: &Connection, rows: &[UploadRow], conversation: ConversationId, seq: Seq) -> Result<(), StoreError> {
    for (position, row) in rows.iter().enumerate() {
        q::attach(db, &row.id, conversation, seq, position)?;
    }
    Ok(())
}

/// Puts their attachments (links minted now) into text messages read back
/// from storage.
pub fn fill_attachments(
    db: &Connection,
    conversation: ConversationId,
    messages: &mut [natter_protocol::Message],
    links: &TenantLinks,
    now: UnixMillis,
) -> Result<(), StoreError> {
    let (Some(first), Some(last)) = (messages.first(), messages.last()) else { return Ok(()) };
    let rows = q::attached_between(db, conversation, first.seq, last.seq)?;
    for row in rows {
        let Some((_, seq)) = row.attached else { continue };
        if let Some(m) = messages.iter_mut().find(|m| m.seq == seq)
            && let natter_protocol::MessageBody::Text { attachments, .. } = &mut m.body
        {
            attachments.push(row.attachment(links, now));
        }
    }
    Ok(())
}
