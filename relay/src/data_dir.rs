//! The data directory: private (0700, its files 0600: they hold chat text,
//! password hashes and identity secrets), and used by one natter process at a
//! time. A second process — `natter agent passwd` while the relay runs, or a
//! second relay — would change the files behind the live relay's back (its
//! in-memory sessions would outlive a password change), so it is refused.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

/// Name of the lock file inside the data directory.
pub const LOCK_FILE: &str = "natter.lock";

/// Why the data directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    #[error("data directory {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "data directory {path} is in use by another natter process{holder}; stop the relay first \
         (or make the change through the running relay's admin API)"
    )]
    InUse { path: PathBuf, holder: String },
}

/// Held while this process uses the directory; dropping it lets another in.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Creates the directory (0700) if need be, tightens an older one, and locks it.
pub fn open(dir: &Path) -> Result<DirLock, DirError> {
    let io = |source| DirError::Io { path: dir.to_owned(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    make_private_dir(dir).map_err(io)?;
    let path = dir.join(LOCK_FILE);
    let mut file =
        private_file_options().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let holder = pid.trim().parse::<u32>().map(|p| format!(" (pid {p})")).unwrap_or_default();
            return Err(DirError::InUse { path: dir.to_owned(), holder });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    // Who holds it, for the message above; the lock itself is what counts.
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    write!(file, "{}", std::process::id()).map_err(io)?;
    Ok(DirLock { _file: file })
}

/// Options that create a file readable by its owner only.
pub fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Makes a directory (created by us or by an older natter) owner-only.
pub fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes an existing file owner-only (databases an older natter created 0644).
pub fn make_private_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_process_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = open(dir.path()).unwrap();
        // Another open file description stands in for another process.
        let err = open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("in use by another natter process"), "{err}");
        assert!(err.contains(&format!("pid {}", std::process::id())), "{err}");
        drop(first);
        assert!(open(dir.path()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn the_directory_is_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("data");
        let _lock = open(&dir).unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        let lock = std::fs::metadata(dir.join(LOCK_FILE)).unwrap().permissions().mode() & 0o777;
        assert_eq!(lock, 0o600);
    }
}
