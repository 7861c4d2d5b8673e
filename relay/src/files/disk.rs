//! Where a tenant's files live, beside its database:
//!
//! ```text
//! <data-dir>/tenants/<tenant>.files/blobs/<sha256 hex>   content-addressed, one per distinct content
//! <data-dir>/tenants/<tenant>.files/tmp/<random>.part    uploads being received or processed
//! ```
//!
//! Only the tenant actor moves a file into `blobs/` or removes one from it
//! (`tenant/files.rs`), so a blob and its row change together, in its order.
//! `tmp/` belongs to requests in flight; whatever is left there when the relay
//! starts was interrupted by a crash and is removed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use natter_protocol::TenantId;

/// A tenant's file directories.
#[derive(Debug, Clone)]
pub struct TenantDir {
    root: PathBuf,
}

impl TenantDir {
    /// `tenants_dir` is `<data-dir>/tenants`.
    pub fn new(tenants_dir: &Path, tenant: &TenantId) -> Self {
        // TenantId is a validated slug: this stays inside `tenants_dir`.
        Self { root: tenants_dir.join(format!("{tenant}.files")) }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub fn blobs(&self) -> PathBuf {
        self.root.join("blobs")
    }

    /// The blob of a SHA-256 (64 lowercase hex digits, checked by the caller's type).
    pub fn blob(&self, sha256: &str) -> PathBuf {
        self.blobs().join(sha256)
    }

    /// Creates the directories (0700) if they are missing.
    pub fn ensure(&self) -> io::Result<()> {
        for dir in [&self.root, &self.tmp(), &self.blobs()] {
            if !dir.is_dir() {
                fs::create_dir_all(dir)?;
                crate::data_dir::make_private_dir(dir)?;
            }
        }
        Ok(())
    }

    /// A new temporary file's path (not created).
    pub fn new_temp(&self) -> TempPath {
        TempPath(self.tmp().join(format!("{}.part", crate::auth::random_b64(12))))
    }

    /// Removes everything in `tmp/`: uploads a crash interrupted. Only while no
    /// upload of this tenant can be in flight (at start).
    pub fn sweep_tmp(&self) -> io::Result<usize> {
        let mut removed = 0;
        match fs::read_dir(self.tmp()) {
            Ok(entries) => {
                for entry in entries {
                    fs::remove_file(entry?.path())?;
                    removed += 1;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        Ok(removed)
    }

    /// The names of the files in `blobs/` (their SHA-256s).
    pub fn blob_names(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        match fs::read_dir(self.blobs()) {
            Ok(entries) => {
                for entry in entries {
                    names.push(entry?.file_name().to_string_lossy().into_owned());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        Ok(names)
    }
}

/// Removes the temporary files of every tenant (`<tenants dir>/*.files/tmp/*`).
/// Called when the data directory is opened, before anything can upload.
pub fn sweep_all_tmp(tenants_dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    let entries = match fs::read_dir(tenants_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".files") && entry.path().is_dir() {
            removed += TenantDir { root: entry.path() }.sweep_tmp()?;
        }
    }
    Ok(removed)
}

/// A temporary file that is removed when this is dropped, unless it was moved
/// away first (the removal then finds nothing). Every way an upload can end —
/// refused, interrupted, its request dropped mid-body — cleans up through it.
#[derive(Debug)]
pub struct TempPath(PathBuf);

impl TempPath {
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        match fs::remove_file(&self.0) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                tracing::warn!(path = %self.0.display(), error = %e, "could not remove a temporary upload");
            }
            _ => {}
        }
    }
}

/// Makes a directory's entries (a new file, a rename) durable.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    fs::File::open(path)?.sync_all()
}

/// Writes `bytes` to a new owner-only file at `path` and fsyncs it.
pub fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut file = crate::data_dir::private_file_options().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
