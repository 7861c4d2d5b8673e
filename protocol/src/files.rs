//! Files in chat: what an upload becomes (an [`Attachment`] on a message), the
//! types the relay accepts, and the answer of the link endpoint. Uploads and
//! downloads are plain HTTP (see PROTOCOL.md, "Files"); messages name uploads
//! by [`UploadId`] in their `attachments`.

use serde::{Deserialize, Serialize};

use crate::ids::{UnixMillis, UploadId};

/// Most attachments on one message.
pub const MAX_ATTACHMENTS: usize = 10;

/// Longest file name, in bytes of UTF-8.
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// An uploaded file as messages carry it, and as `POST /v1/uploads` answers it.
///
/// `url` and `thumb_url` are signed links relative to the relay's origin
/// (`/v1/files/…`), valid until `url_expires_at`; after that, ask
/// `GET /v1/uploads/{id}/link` for fresh ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: UploadId,
    /// The name the uploader gave, checked (no path, no control characters).
    pub name: String,
    /// Size in bytes of what is served at `url` (for an image: the re-encoded image).
    pub size: u64,
    /// The type found in the content (never the name's or the client's say):
    /// `image/jpeg`, `image/png`, `image/webp`, `image/gif`, `application/pdf`,
    /// `text/plain`.
    pub mime: String,
    pub kind: AttachmentKind,
    /// Pixels, for images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Whether the malware scanner passed it.
    pub scan: ScanState,
    /// Signed download link, relative to the relay's origin.
    pub url: String,
    /// Signed link to a thumbnail (images only), at most 320×320 pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb_url: Option<String>,
    /// When `url` and `thumb_url` stop working.
    pub url_expires_at: UnixMillis,
}

/// How a client shows an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// A re-encoded image with a thumbnail; may be shown inline.
    Image,
    /// Anything else: offer it as a download, never render it inline.
    File,
}

/// What the malware scanner said about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScanState {
    /// Scanned; nothing found.
    Clean,
    /// The scanner could not be reached and the tenant accepts unscanned files:
    /// clients should say so next to the file.
    NotScanned,
    /// A state this build does not know.
    #[serde(other)]
    Unknown,
}

/// The file types a tenant can allow, told by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Jpeg,
    Png,
    Webp,
    Gif,
    Pdf,
    /// UTF-8 plain text (served as a download, never rendered as HTML).
    Text,
}

impl FileType {
    /// Every type, in the order the settings list them.
    pub const ALL: [FileType; 6] = [Self::Jpeg, Self::Png, Self::Webp, Self::Gif, Self::Pdf, Self::Text];

    /// The MIME type served for it.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
            Self::Pdf => "application/pdf",
            Self::Text => "text/plain",
        }
    }

    /// The type of a served MIME type.
    pub fn from_mime(mime: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.mime() == mime)
    }

    /// Images are decoded, re-encoded and get a thumbnail.
    pub fn is_image(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Webp | Self::Gif)
    }

    /// The file name extensions that claim this type (lower case).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            Self::Png => &["png"],
            Self::Webp => &["webp"],
            Self::Gif => &["gif"],
            Self::Pdf => &["pdf"],
            Self::Text => &["txt", "text", "log", "csv", "md"],
        }
    }

    /// The type a file name's extension claims, if it is one of ours.
    pub fn claimed_by_name(name: &str) -> Option<Self> {
        let (_, ext) = name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        Self::ALL.into_iter().find(|t| t.extensions().contains(&ext.as_str()))
    }
}

/// Answer of `GET /v1/uploads/{id}/link`: fresh signed links to an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileLink {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb_url: Option<String>,
    pub url_expires_at: UnixMillis,
}

/// Why the relay refused a file whose refusal agents are told about (an event
/// line in the uploader's open conversation, see `ConversationEvent::FileRefused`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FileRefusal {
    /// The malware scanner found something.
    Infected,
    #[serde(other)]
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_claim_types_by_extension_only() {
        assert_eq!(FileType::claimed_by_name("Photo.JPG"), Some(FileType::Jpeg));
        assert_eq!(FileType::claimed_by_name("a.tar.pdf"), Some(FileType::Pdf));
        assert_eq!(FileType::claimed_by_name("setup.exe"), None);
        assert_eq!(FileType::claimed_by_name("README"), None);
        for t in FileType::ALL {
            assert_eq!(FileType::from_mime(t.mime()), Some(t));
        }
    }

    #[test]
    fn an_attachment_reads_as_documented() {
        let json = r#"{"id":"up_AAAAAAAAAAAAAAAAAAAAAA","name":"a.png","size":12,"mime":"image/png","kind":"image",
            "width":4,"height":3,"scan":"clean","url":"/v1/files/acme/up_AAAAAAAAAAAAAAAAAAAAAA/original?exp=1&sig=x",
            "thumb_url":"/v1/files/acme/up_AAAAAAAAAAAAAAAAAAAAAA/thumb?exp=1&sig=y","url_expires_at":1000}"#;
        let a: Attachment = serde_json::from_str(json).unwrap();
        assert_eq!(a.kind, AttachmentKind::Image);
        assert_eq!(a.scan, ScanState::Clean);
        let unknown: ScanState = serde_json::from_str("\"quarantined\"").unwrap();
        assert_eq!(unknown, ScanState::Unknown);
    }
}
