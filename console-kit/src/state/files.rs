//! Files in chat as the console holds them: the files an agent is attaching in
//! a composer (uploading with progress, uploaded, refused), and the fresh signed
//! links fetched for attachments whose own links expired. The browser's `File`
//! objects and the HTTP requests stay in the glue; this side only knows them by
//! [`FileRef`] and upload key, so it stays pure and natively tested.

use std::collections::BTreeMap;

use natter_protocol::{
    Attachment, ConversationId, ConversationStatus, ErrorCode, FileLink, MAX_ATTACHMENTS, UnixMillis, UploadId,
};

use super::{Effect, NoticeKind, Store};

/// A link this close to its expiry is refreshed before it is opened (covers
/// the time the download takes to start, and a modest clock skew).
pub const LINK_MARGIN_MS: i64 = 30_000;

/// A link asked for is not asked for again this soon (a thumbnail that keeps
/// failing must not loop).
pub const LINK_RETRY_MS: i64 = 30_000;

/// The glue's handle on a file the agent picked; the `File` itself stays there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileRef(pub u64);

/// A file the agent picked, pasted or dropped, as the glue describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedFile {
    pub file: FileRef,
    pub name: String,
    pub size: u64,
}

/// Why an upload did not go through: the relay's code (none when the request
/// never got an answer) and words, and when to try again if it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadError {
    pub code: Option<ErrorCode>,
    pub message: String,
    pub retry_after_secs: Option<u64>,
}

impl UploadError {
    /// The request failed without an answer (connection lost, relay down).
    pub fn network() -> Self {
        Self { code: None, message: String::new(), retry_after_secs: None }
    }

    fn local(code: ErrorCode) -> Self {
        Self { code: Some(code), message: String::new(), retry_after_secs: None }
    }

    /// Whether the same file may go through later: a refusal about the file
    /// itself (its type, size, content) never will.
    pub fn retryable(&self) -> bool {
        !matches!(
            self.code,
            Some(
                ErrorCode::FileTooLarge
                    | ErrorCode::FileEmpty
                    | ErrorCode::FileTypeNotAllowed
                    | ErrorCode::FileTypeMismatch
                    | ErrorCode::FileUnreadable
                    | ErrorCode::FileInfected
                    | ErrorCode::FileNameInvalid
                    | ErrorCode::Forbidden
            )
        )
    }
}

/// Where a file in the composer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadState {
    /// `sent` bytes of the file have gone out.
    Uploading {
        sent: u64,
    },
    /// Stored by the relay; attached to the next message sent.
    Done(Attachment),
    Failed(UploadError),
}

/// One file in a composer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// This console's number for it (progress and answers name it).
    pub key: u64,
    pub conversation_id: ConversationId,
    pub name: String,
    pub size: u64,
    /// The picked file, for a retry; `None` for an uploaded file taken back
    /// from a message that was not sent.
    pub file: Option<FileRef>,
    pub state: UploadState,
}

impl Upload {
    /// Uploaded so far, 0–100.
    pub fn percent(&self) -> u8 {
        match &self.state {
            UploadState::Uploading { sent } if self.size > 0 => {
                u8::try_from((sent.min(&self.size) * 100) / self.size).unwrap_or(100)
            }
            UploadState::Uploading { .. } => 0,
            UploadState::Done(_) => 100,
            UploadState::Failed(_) => 0,
        }
    }

    pub fn can_retry(&self) -> bool {
        self.file.is_some() && matches!(&self.state, UploadState::Failed(e) if e.retryable())
    }
}

/// Every composer's files, in the order they were picked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Uploads {
    pub items: Vec<Upload>,
    next_key: u64,
}

impl Uploads {
    fn add(&mut self, conversation_id: ConversationId, name: String, size: u64, file: Option<FileRef>) -> u64 {
        self.next_key += 1;
        let key = self.next_key;
        let state = UploadState::Uploading { sent: 0 };
        self.items.push(Upload { key, conversation_id, name, size, file, state });
        key
    }

    pub fn get(&self, key: u64) -> Option<&Upload> {
        self.items.iter().find(|u| u.key == key)
    }

    fn get_mut(&mut self, key: u64) -> Option<&mut Upload> {
        self.items.iter_mut().find(|u| u.key == key)
    }

    fn remove(&mut self, key: u64) -> Option<Upload> {
        let pos = self.items.iter().position(|u| u.key == key)?;
        Some(self.items.remove(pos))
    }

    /// The files of one composer.
    pub fn of(&self, id: ConversationId) -> impl Iterator<Item = &Upload> {
        self.items.iter().filter(move |u| u.conversation_id == id)
    }

    /// Whether a file of this composer is still on its way to the relay.
    pub fn uploading(&self, id: ConversationId) -> bool {
        self.of(id).any(|u| matches!(u.state, UploadState::Uploading { .. }))
    }

    /// Whether this composer has uploaded files to send.
    pub fn ready(&self, id: ConversationId) -> bool {
        self.of(id).any(|u| matches!(u.state, UploadState::Done(_)))
    }

    /// Takes this composer's uploaded files out (they go with a message).
    fn take_done(&mut self, id: ConversationId) -> Vec<Upload> {
        let (done, rest) = std::mem::take(&mut self.items)
            .into_iter()
            .partition(|u| u.conversation_id == id && matches!(u.state, UploadState::Done(_)));
        self.items = rest;
        done
    }

    /// Takes every file of this composer out (the conversation closed).
    fn take_all(&mut self, id: ConversationId) -> Vec<Upload> {
        let (mine, rest) = std::mem::take(&mut self.items).into_iter().partition(|u| u.conversation_id == id);
        self.items = rest;
        mine
    }
}

/// Fresh links fetched for one upload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkState {
    pub link: Option<FileLink>,
    /// When links were last asked for.
    pub asked_at: Option<UnixMillis>,
    /// The relay refused (the file was deleted): not asked again.
    pub gone: bool,
    /// Start a download of it, under this name, once the links come.
    pub download: Option<String>,
}

/// The relay's answer to a link request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkAnswer {
    Fresh(FileLink),
    /// No such file any more (deleted with its conversation).
    Gone,
    /// No answer (connection lost): may be asked again.
    Failed,
}

/// The links to use for an attachment: the fresher of its own and any fetched since.
pub fn best_link_of(a: &Attachment, fetched: Option<&FileLink>) -> FileLink {
    match fetched {
        Some(l) if l.url_expires_at > a.url_expires_at => l.clone(),
        _ => FileLink { url: a.url.clone(), thumb_url: a.thumb_url.clone(), url_expires_at: a.url_expires_at },
    }
}

/// Whether a link may be opened now without being refreshed first.
pub fn is_fresh(link: &FileLink, now: UnixMillis) -> bool {
    link.url_expires_at.0 - LINK_MARGIN_MS > now.0
}

impl Store {
    /// The links to show an attachment with (see [`best_link_of`]).
    pub fn link_of(&self, a: &Attachment) -> FileLink {
        best_link_of(a, self.links.get(&a.id).and_then(|l| l.link.as_ref()))
    }

    /// Links fetched for the attachments of conversation `id`.
    pub fn fetched_links(&self, id: ConversationId) -> BTreeMap<UploadId, FileLink> {
        let Some(c) = self.convs.get(&id) else { return BTreeMap::new() };
        if self.links.is_empty() {
            return BTreeMap::new();
        }
        c.attachments()
            .into_iter()
            .filter_map(|(_, _, a)| Some((a.id.clone(), self.links.get(&a.id)?.link.clone()?)))
            .collect()
    }

    /// Files picked for conversation `id`: each starts uploading at once; what
    /// passes the per-message limit, or is empty, is refused here.
    pub(super) fn attach(&mut self, id: ConversationId, files: Vec<PickedFile>, fx: &mut Vec<Effect>) {
        let Some(token) = self.session.as_ref().map(|s| s.token.clone()) else { return };
        let mut dropped = Vec::new();
        let mut too_many = false;
        for f in files {
            if !self.can_reply(id) {
                dropped.push(f.file);
                continue;
            }
            if self.uploads.of(id).count() >= MAX_ATTACHMENTS {
                too_many = true;
                dropped.push(f.file);
                continue;
            }
            let key = self.uploads.add(id, f.name.clone(), f.size, Some(f.file));
            if f.size == 0 {
                // The relay would refuse it too; no need to send nothing.
                self.upload_failed(key, UploadError::local(ErrorCode::FileEmpty));
                continue;
            }
            fx.push(Effect::Upload { key, file: f.file, name: f.name, token: token.clone() });
        }
        if too_many {
            self.notice(Some(id), NoticeKind::TooManyFiles);
        }
        if !dropped.is_empty() {
            fx.push(Effect::DropFiles(dropped));
        }
    }

    pub(super) fn upload_progress(&mut self, key: u64, sent: u64) {
        if let Some(u) = self.uploads.get_mut(key)
            && let UploadState::Uploading { sent: s } = &mut u.state
        {
            *s = (*s).max(sent);
        }
    }

    pub(super) fn uploaded(&mut self, key: u64, result: Result<Attachment, UploadError>, fx: &mut Vec<Effect>) {
        // An answer for a file removed meanwhile is dropped (the relay deletes
        // an upload never attached after its grace period).
        if !matches!(self.uploads.get(key).map(|u| &u.state), Some(UploadState::Uploading { .. })) {
            return;
        }
        match result {
            Ok(a) => {
                if let Some(u) = self.uploads.get_mut(key) {
                    u.state = UploadState::Done(a);
                }
            }
            Err(e) if matches!(e.code, Some(ErrorCode::SessionExpired | ErrorCode::Unauthorized)) => {
                self.upload_failed(key, e);
                self.end_session(super::SignedOut::Expired, fx);
            }
            Err(e) => self.upload_failed(key, e),
        }
    }

    fn upload_failed(&mut self, key: u64, e: UploadError) {
        if let Some(u) = self.uploads.get_mut(key) {
            u.state = UploadState::Failed(e);
        }
    }

    /// Removes a file from its composer, stopping its upload.
    pub(super) fn cancel_upload(&mut self, key: u64, fx: &mut Vec<Effect>) {
        let Some(u) = self.uploads.remove(key) else { return };
        if matches!(u.state, UploadState::Uploading { .. }) {
            fx.push(Effect::AbortUpload(key));
        }
        if let Some(f) = u.file {
            fx.push(Effect::DropFiles(vec![f]));
        }
    }

    pub(super) fn retry_upload(&mut self, key: u64, fx: &mut Vec<Effect>) {
        let Some(token) = self.session.as_ref().map(|s| s.token.clone()) else { return };
        let Some(u) = self.uploads.get_mut(key).filter(|u| u.can_retry()) else { return };
        let Some(file) = u.file else { return };
        u.state = UploadState::Uploading { sent: 0 };
        fx.push(Effect::Upload { key, file, name: u.name.clone(), token });
    }

    /// The uploaded files of a composer, taken for a message being sent.
    pub(super) fn take_attachments(&mut self, id: ConversationId, fx: &mut Vec<Effect>) -> Vec<Attachment> {
        let done = self.uploads.take_done(id);
        let files: Vec<FileRef> = done.iter().filter_map(|u| u.file).collect();
        if !files.is_empty() {
            fx.push(Effect::DropFiles(files));
        }
        done.into_iter()
            .filter_map(|u| match u.state {
                UploadState::Done(a) => Some(a),
                _ => None,
            })
            .collect()
    }

    /// Puts the files of a message that was not sent back in its composer.
    pub(super) fn restore_attachments(&mut self, id: ConversationId, attachments: Vec<Attachment>) {
        for a in attachments {
            if self.uploads.of(id).any(|u| matches!(&u.state, UploadState::Done(d) if d.id == a.id)) {
                continue;
            }
            let key = self.uploads.add(id, a.name.clone(), a.size, None);
            if let Some(u) = self.uploads.get_mut(key) {
                u.state = UploadState::Done(a);
            }
        }
    }

    /// A conversation closed or was lost: its composer's files go.
    pub(super) fn drop_uploads_of(&mut self, id: ConversationId, fx: &mut Vec<Effect>) {
        for u in self.uploads.take_all(id) {
            if matches!(u.state, UploadState::Uploading { .. }) {
                fx.push(Effect::AbortUpload(u.key));
            }
            if let Some(f) = u.file {
                fx.push(Effect::DropFiles(vec![f]));
            }
        }
    }

    /// Every upload stops (signing out).
    pub(super) fn drop_all_uploads(&mut self, fx: &mut Vec<Effect>) {
        let ids: Vec<ConversationId> = self.uploads.items.iter().map(|u| u.conversation_id).collect();
        for id in ids {
            self.drop_uploads_of(id, fx);
        }
    }

    /// A conversation's status changed: a closed one takes no files.
    pub(super) fn uploads_follow_status(&mut self, id: ConversationId, fx: &mut Vec<Effect>) {
        let closed = self.convs.get(&id).is_none_or(|c| c.summary.status == ConversationStatus::Closed);
        if closed && self.uploads.of(id).next().is_some() {
            self.drop_uploads_of(id, fx);
        }
    }

    /// An attachment's links failed or expired (a thumbnail did not load, the
    /// lightbox opens an old one): asks for fresh ones, unless just asked.
    pub(super) fn need_link(&mut self, id: UploadId, fx: &mut Vec<Effect>) {
        let now = self.now;
        let state = self.links.entry(id.clone()).or_default();
        let recently = state.asked_at.is_some_and(|t| now.0 - t.0 < LINK_RETRY_MS);
        let fresh = state.link.as_ref().is_some_and(|l| is_fresh(l, now));
        if state.gone || recently || fresh {
            return;
        }
        self.fetch_link(id, fx);
    }

    fn fetch_link(&mut self, id: UploadId, fx: &mut Vec<Effect>) {
        let Some(token) = self.session.as_ref().map(|s| s.token.clone()) else { return };
        self.links.entry(id.clone()).or_default().asked_at = Some(self.now);
        fx.push(Effect::FetchLink { token, id });
    }

    /// The agent asked to download an attachment whose link is too old to
    /// open: fresh links first, then the download.
    pub(super) fn download(&mut self, id: UploadId, name: String, fx: &mut Vec<Effect>) {
        let now = self.now;
        let state = self.links.entry(id.clone()).or_default();
        if let Some(link) = state.link.as_ref().filter(|l| is_fresh(l, now)) {
            fx.push(Effect::Download { url: link.url.clone(), name });
            return;
        }
        let asked = state.asked_at.is_some_and(|t| now.0 - t.0 < LINK_RETRY_MS) && state.link.is_none();
        state.download = Some(name);
        if !asked {
            self.fetch_link(id, fx);
        }
    }

    /// The relay's answer to [`Effect::FetchLink`].
    pub(super) fn linked(&mut self, id: UploadId, answer: LinkAnswer, fx: &mut Vec<Effect>) {
        let state = self.links.entry(id).or_default();
        let download = state.download.take();
        let problem = match answer {
            LinkAnswer::Fresh(link) => {
                if let Some(name) = &download {
                    fx.push(Effect::Download { url: link.url.clone(), name: name.clone() });
                }
                state.link = Some(link);
                state.gone = false;
                None
            }
            LinkAnswer::Gone => {
                state.gone = true;
                Some(NoticeKind::FileGone)
            }
            LinkAnswer::Failed => {
                state.asked_at = None;
                Some(NoticeKind::FileUnreachable)
            }
        };
        if let Some(kind) = problem.filter(|_| download.is_some()) {
            self.notice(self.focused, kind);
        }
    }
}
