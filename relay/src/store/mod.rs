//! SQLite plumbing shared by the registry and the tenant databases: opening a
//! file with Natter's pragmas, append-only migrations, and the error type.

mod db_thread;
mod migrate;
pub mod schema;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use db_thread::DbThread;
pub use migrate::migrate;

/// Anything that can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: database schema version {found} is newer than this natter supports ({supported}); upgrade natter")]
    NewerSchema { path: PathBuf, found: u32, supported: u32 },
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("the storage thread has stopped")]
    Stopped,
    /// The request ran, but the transaction holding it failed to commit.
    #[error("the transaction holding this request did not commit")]
    NotCommitted,
    /// A row read back inside the same transaction that wrote it was not there.
    #[error("{0} vanished inside its own transaction")]
    Vanished(String),
}

/// Opens (creating if needed) a database file in WAL mode with `synchronous=FULL`,
/// so a committed transaction has been fsync'd, and brings its schema up to date.
pub fn open(path: &Path, migrations: &[&str]) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrate(&mut conn, path, migrations)?;
    Ok(conn)
}
