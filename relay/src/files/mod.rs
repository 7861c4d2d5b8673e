//! Files in chat, the parts outside the tenant actor: receiving an upload's
//! body onto disk, telling its type by content, the malware scan, the image
//! re-encoding, signed links, and the per-visitor upload rate. The HTTP
//! handlers are `http/files.rs`; the rows and the blobs' life (store, attach,
//! delete, collect) are the actor's, `tenant/files.rs`.
//!
//! An upload goes: body streamed to `tmp/` (hashed, size-limited) → type by
//! magic bytes (and a name that claims another type refused) → clamd scan →
//! images decoded and encoded again with a thumbnail → the actor moves the
//! result into `blobs/<sha256>`, fsyncs, commits the row, and only then is the
//! upload answered.

pub mod clamd;
pub mod detect;
pub mod disk;
pub mod images;
pub mod links;
pub mod name;
pub mod rate;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use futures_util::StreamExt as _;
use natter_protocol::{FileSettings, FileType, TenantId, UnixMillis};
use tokio::io::AsyncWriteExt as _;

pub use clamd::{ClamdAddr, Scanner, Verdict};
pub use disk::{TempPath, TenantDir};
pub use links::{LinkError, Links, TenantLinks, Variant};

use crate::config::FileLimits;
use crate::time::Clock;

/// How long an upload may go without sending a byte.
const BODY_IDLE: Duration = Duration::from_secs(60);
/// Bytes buffered between the body and the file (fewer hops to the blocking pool).
const WRITE_BUFFER: usize = 256 * 1024;

/// The file service shared by the upload, link and download handlers.
#[derive(Debug, Clone)]
pub struct FileService {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    tenants_dir: PathBuf,
    limits: FileLimits,
    links: Links,
    scanner: Scanner,
    rate: rate::UploadRate,
    clock: Clock,
}

/// Why an upload was refused (each maps to one error code in `http/files.rs`).
#[derive(Debug)]
pub enum Refused {
    TooLarge {
        limit: u64,
    },
    Empty,
    NotAllowed(String),
    Mismatch {
        claimed: FileType,
        found: String,
    },
    Unreadable(String),
    Infected {
        signature: String,
        sha256: String,
    },
    ScannerUnavailable,
    /// The body ended early or stalled: nobody is listening for an answer.
    Interrupted(String),
    Io(std::io::Error),
}

impl From<std::io::Error> for Refused {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// A file on its way to `blobs/`: a synced temporary file, its size and SHA-256.
#[derive(Debug)]
pub struct Blob {
    pub tmp: TempPath,
    pub bytes: u64,
    pub sha256: String,
}

/// An upload checked and ready to store.
#[derive(Debug)]
pub struct Processed {
    pub kind: FileType,
    pub main: Blob,
    pub thumb: Option<Blob>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub scanned: bool,
}

impl FileService {
    pub fn new(data_dir: &Path, limits: FileLimits, secret: &[u8], clock: Clock) -> Self {
        Self {
            inner: Arc::new(Inner {
                tenants_dir: data_dir.join("tenants"),
                links: Links::new(secret, limits.link_ttl),
                scanner: Scanner::new(limits.clamd.clone(), limits.scan_timeout),
                rate: rate::UploadRate::new(limits.uploads_per_visitor_minute),
                limits,
                clock,
            }),
        }
    }

    pub fn tenant_dir(&self, tenant: &TenantId) -> TenantDir {
        TenantDir::new(&self.inner.tenants_dir, tenant)
    }

    pub fn links(&self) -> &Links {
        &self.inner.links
    }

    pub fn limits(&self) -> &FileLimits {
        &self.inner.limits
    }

    pub fn rate(&self) -> &rate::UploadRate {
        &self.inner.rate
    }

    /// Now, on the relay's clock (the tenant actors' clock).
    pub fn now(&self) -> UnixMillis {
        self.inner.clock.now()
    }

    /// The size limit for a tenant's uploads: its own and the relay's, whichever is smaller.
    pub fn max_bytes(&self, policy: &FileSettings) -> u64 {
        (u64::from(policy.max_mb) * 1_000_000).min(self.inner.limits.max_upload_bytes)
    }

    /// Streams `body` into a new temporary file of `dir`, hashing it, and
    /// fsyncs it. Past `max` bytes it stops at once (the file goes with the
    /// returned error); at no point is more than a chunk in memory.
    pub async fn receive(&self, dir: &TenantDir, body: Body, max: u64) -> Result<Blob, Refused> {
        dir.ensure()?;
        let tmp = dir.new_temp();
        let file = crate::data_dir::private_file_options().write(true).create_new(true).open(tmp.path())?;
        let mut out = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::from_std(file));
        let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
        let mut bytes = 0u64;
        let mut stream = body.into_data_stream();
        loop {
            let chunk = match tokio::time::timeout(BODY_IDLE, stream.next()).await {
                Err(_) => return Err(Refused::Interrupted(format!("no byte for {BODY_IDLE:?}"))),
                Ok(None) => break,
                Ok(Some(Err(e))) => return Err(Refused::Interrupted(e.to_string())),
                Ok(Some(Ok(chunk))) => chunk,
            };
            bytes += chunk.len() as u64;
            if bytes > max {
                return Err(Refused::TooLarge { limit: max });
            }
            digest.update(&chunk);
            out.write_all(&chunk).await?;
        }
        out.flush().await?;
        out.into_inner().sync_all().await?;
        if bytes == 0 {
            return Err(Refused::Empty);
        }
        Ok(Blob { tmp, bytes, sha256: disk::hex(digest.finish().as_ref()) })
    }

    /// Checks a received upload and prepares what is stored: type by content
    /// (against the name's claim and the tenant's list), the malware scan, and
    /// for images the re-encoded image and its thumbnail.
    pub async fn process(
        &self,
        dir: &TenantDir,
        received: Blob,
        name: &str,
        policy: &FileSettings,
    ) -> Result<Processed, Refused> {
        let path = received.tmp.path().to_owned();
        let detected = blocking(move || detect::detect(&path)).await??;
        let kind = check_type(detected, name, &policy.allowed_types)?;
        let scanned = match self.inner.scanner.scan(received.tmp.path()).await {
            Verdict::Clean => true,
            Verdict::Infected(signature) => return Err(Refused::Infected { signature, sha256: received.sha256 }),
            Verdict::Unavailable(why) => {
                tracing::warn!(reason = %why, "malware scanner unavailable");
                if !policy.accept_unscanned {
                    return Err(Refused::ScannerUnavailable);
                }
                false
            }
        };
        if !kind.is_image() {
            return Ok(Processed { kind, main: received, thumb: None, width: None, height: None, scanned });
        }
        let (source, image_tmp, thumb_tmp) = (received.tmp.path().to_owned(), dir.new_temp(), dir.new_temp());
        blocking(move || {
            let out = images::reencode(&source, kind).map_err(|e| Refused::Unreadable(e.to_string()))?;
            let main = store_bytes(image_tmp, &out.image)?;
            let thumb = store_bytes(thumb_tmp, &out.thumb)?;
            Ok(Processed { kind, main, thumb: Some(thumb), width: Some(out.width), height: Some(out.height), scanned })
        })
        .await?
    }
}

/// The type of the content, if the name does not claim another and the tenant allows it.
fn check_type(detected: detect::Detected, name: &str, allowed: &[FileType]) -> Result<FileType, Refused> {
    let found = match &detected {
        detect::Detected::Known(kind) => Some(*kind),
        detect::Detected::Other(_) => None,
    };
    if let Some(claimed) = FileType::claimed_by_name(name)
        && Some(claimed) != found
    {
        let found = match detected {
            detect::Detected::Known(kind) => kind.mime().to_owned(),
            detect::Detected::Other(what) => what,
        };
        return Err(Refused::Mismatch { claimed, found });
    }
    match detected {
        detect::Detected::Known(kind) if allowed.contains(&kind) => Ok(kind),
        detect::Detected::Known(kind) => {
            Err(Refused::NotAllowed(format!("{} files are not accepted here", kind.mime())))
        }
        detect::Detected::Other(what) => Err(Refused::NotAllowed(format!("{what} is not accepted"))),
    }
}

/// Writes bytes made here (a re-encoded image) to a synced temporary file.
fn store_bytes(tmp: TempPath, bytes: &[u8]) -> Result<Blob, Refused> {
    disk::write_synced(tmp.path(), bytes)?;
    let sha256 = disk::hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    Ok(Blob { tmp, bytes: bytes.len() as u64, sha256 })
}

/// Runs blocking work (file reads, decoding) on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Refused> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Refused::Io(std::io::Error::other(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_claiming_another_type_than_the_content_is_refused() {
        let all = FileType::ALL;
        let exe = detect::Detected::Other("application/vnd.microsoft.portable-executable".into());
        assert!(matches!(check_type(exe.clone(), "cat.jpg", &all), Err(Refused::Mismatch { .. })));
        assert!(matches!(check_type(exe, "setup.exe", &all), Err(Refused::NotAllowed(_))));
        let png = detect::Detected::Known(FileType::Png);
        assert!(matches!(check_type(png.clone(), "cat.pdf", &all), Err(Refused::Mismatch { .. })));
        assert!(matches!(check_type(png.clone(), "cat.png", &all), Ok(FileType::Png)));
        assert!(matches!(check_type(png.clone(), "cat", &all), Ok(FileType::Png)));
        assert!(matches!(check_type(png, "cat.png", &[FileType::Pdf]), Err(Refused::NotAllowed(_))));
    }
}
