//! Files the visitor attached in the composer and has not sent yet (the tray):
//! each is uploading, uploaded (an [`Attachment`] ready to go with the next
//! message) or refused. Uploaded ones are kept across reloads with the unsent
//! messages ([`Unsent`]); one still uploading is not (the browser does not hand
//! the file back after a reload, and the relay stores nothing of a cut-off upload).

use natter_protocol::{Attachment, ErrorCode, MAX_ATTACHMENTS, UnixMillis, UploadId};

use super::outbox::Pending;

/// Keys of files restored from storage count down from here; the browser glue
/// numbers the files it is given from 1 up, so the two never meet.
const RESTORED_KEYS_FROM: u32 = u32::MAX;

/// A link this close to its expiry is refreshed before use (clock skew, the
/// time the request takes).
pub const LINK_MARGIN_MS: i64 = 10_000;

/// What the widget keeps for the visitor between page views: messages not
/// acknowledged yet and files uploaded but not sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unsent {
    pub messages: Vec<Pending>,
    pub files: Vec<Attachment>,
}

impl From<Vec<Pending>> for Unsent {
    fn from(messages: Vec<Pending>) -> Self {
        Self { messages, files: Vec::new() }
    }
}

/// A file the visitor picked, pasted or dropped, as the browser glue describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    /// The glue's number for the file (it keeps the file itself).
    pub key: u32,
    pub name: String,
    pub size: u64,
}

/// Why an upload did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The relay refused it with this code (`limit_mb` for `file_too_large`,
    /// when its message says the limit).
    Refused { code: ErrorCode, limit_mb: Option<u32> },
    /// No answer: the connection failed.
    Network,
}

impl Problem {
    pub fn refused(code: ErrorCode) -> Self {
        Self::Refused { code, limit_mb: None }
    }

    /// Whether trying the same file again may work.
    pub fn retryable(self) -> bool {
        match self {
            Self::Network => true,
            Self::Refused { code, .. } => matches!(
                code,
                ErrorCode::RateLimited | ErrorCode::ScannerUnavailable | ErrorCode::Internal | ErrorCode::Unknown
            ),
        }
    }
}

/// Where a tray file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the visitor's token (the socket's first welcome).
    Queued,
    /// Uploading; `percent` of the bytes are sent.
    Sending {
        percent: u8,
    },
    /// Stored by the relay: goes with the next message.
    Ready(Attachment),
    Failed(Problem),
}

/// One file of the tray.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub key: u32,
    pub name: String,
    pub size: u64,
    pub phase: Phase,
}

/// The tray, in the order the files were attached.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tray {
    items: Vec<Upload>,
    /// How many restored files got a key.
    restored: u32,
}

impl Tray {
    /// Takes in the uploaded files kept from the last page view, before what the
    /// tray holds; one already held (same id) is not added twice.
    pub fn adopt(&mut self, files: Vec<Attachment>) {
        let mut kept = Vec::new();
        for a in files {
            if self.items.len() + kept.len() < MAX_ATTACHMENTS && !self.holds(&kept, &a.id) {
                self.restored += 1;
                let key = RESTORED_KEYS_FROM - self.restored;
                kept.push(Upload { key, name: a.name.clone(), size: a.size, phase: Phase::Ready(a) });
            }
        }
        kept.append(&mut self.items);
        self.items = kept;
    }

    fn holds(&self, more: &[Upload], id: &UploadId) -> bool {
        self.items.iter().chain(more).any(|u| matches!(&u.phase, Phase::Ready(a) if a.id == *id))
    }

    pub fn items(&self) -> &[Upload] {
        &self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.items.len() >= MAX_ATTACHMENTS
    }

    pub fn get_mut(&mut self, key: u32) -> Option<&mut Upload> {
        self.items.iter_mut().find(|u| u.key == key)
    }

    pub fn push(&mut self, upload: Upload) {
        self.items.push(upload);
    }

    pub fn remove(&mut self, key: u32) -> Option<Upload> {
        let i = self.items.iter().position(|u| u.key == key)?;
        Some(self.items.remove(i))
    }

    /// The uploaded files, in order.
    pub fn ready(&self) -> impl Iterator<Item = &Attachment> {
        self.items.iter().filter_map(|u| match &u.phase {
            Phase::Ready(a) => Some(a),
            _ => None,
        })
    }

    /// Takes the uploaded files out (they go with a message); the rest stays.
    pub fn take_ready(&mut self) -> Vec<Attachment> {
        let ready = self.ready().cloned().collect();
        self.items.retain(|u| !matches!(u.phase, Phase::Ready(_)));
        ready
    }

    /// The files waiting for a token, now started.
    pub fn start_queued(&mut self) -> Vec<(u32, String)> {
        self.items
            .iter_mut()
            .filter(|u| u.phase == Phase::Queued)
            .map(|u| {
                u.phase = Phase::Sending { percent: 0 };
                (u.key, u.name.clone())
            })
            .collect()
    }

    pub fn attachments_mut(&mut self) -> impl Iterator<Item = &mut Attachment> {
        self.items.iter_mut().filter_map(|u| match &mut u.phase {
            Phase::Ready(a) => Some(a),
            _ => None,
        })
    }
}

/// Percent of `total` that `sent` is, 0–100.
pub fn percent(sent: u64, total: u64) -> u8 {
    if total == 0 {
        return 0;
    }
    u8::try_from(sent.min(total).saturating_mul(100) / total).unwrap_or(100)
}

/// Whether an attachment's links are (about to be) unusable at `now`.
pub fn expired(a: &Attachment, now: UnixMillis) -> bool {
    now.0 + LINK_MARGIN_MS >= a.url_expires_at.0
}

/// The DOM id of an attachment's thumbnail button (focus returns there when the
/// lightbox closes).
pub fn dom_id(id: &UploadId) -> String {
    String::from("natter-att-") + id.as_str()
}
