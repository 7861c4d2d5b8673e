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
    /// A database file could not be opened or set up (corrupt, not a database,
    /// unreadable): the path says which tenant.
    #[error("{path}: {source}")]
    File { path: PathBuf, source: rusqlite::Error },
    /// A directory the relay must write to refuses a new file.
    #[error("{path} is not writable: {source}")]
    NotWritable { path: PathBuf, source: std::io::Error },
    /// A row read back inside the same transaction that wrote it was not there.
    #[error("{0} vanished inside its own transaction")]
    Vanished(String),
}

/// Opens (creating if needed) a database file in WAL mode with `synchronous=FULL`,
/// so a committed transaction has been fsync'd, and brings its schema up to date.
///
/// The file is created owner-only (SQLite gives its `-wal` and `-shm` files the
/// same mode), and one an older natter created readable by others is tightened.
pub fn open(path: &Path, migrations: &[&str]) -> Result<Connection, StoreError> {
    open_file(path, migrations).map_err(|e| match e {
        StoreError::Sqlite(source) => StoreError::File { path: path.to_owned(), source },
        StoreError::Io(source) => StoreError::NotWritable { path: path.to_owned(), source },
        other => other,
    })
}

fn open_file(path: &Path, migrations: &[&str]) -> Result<Connection, StoreError> {
    crate::data_dir::private_file_options().write(true).create(true).truncate(false).open(path)?;
    crate::data_dir::make_private_file(path)?;
    for side in ["-wal", "-shm"] {
        let mut side_file = path.as_os_str().to_owned();
        side_file.push(side);
        let side_file = PathBuf::from(side_file);
        // Another connection closing now may remove it between the two calls.
        match crate::data_dir::make_private_file(&side_file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    configure(&conn)?;
    migrate(&mut conn, path, migrations)?;
    Ok(conn)
}

/// Prepared statements kept per connection: more than every distinct statement
/// Natter runs (~70), so none is ever evicted and parsed again.
const STATEMENT_CACHE: usize = 128;

/// WAL pages (4 KiB) after which a commit copies the WAL back into the database
/// (SQLite's default is 1,000). Each checkpoint runs on the committing thread
/// and fsyncs twice; rarer ones also copy a hot page once instead of several
/// times. Measured on the tenant's message path: −2 µs per message.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 4000;

/// Settings for any connection to a Natter database, read-only ones included.
///
/// - The query-planner stability guarantee (QPSG) stops SQLite from compiling a
///   statement again whenever a bound value changes: without it, a cached
///   `… WHERE visitor_id = ?1 ORDER BY id DESC` was re-parsed and re-planned on
///   every run (a quarter of the tenant thread's time in the burst benchmark).
///   Plans never depended on bound values here anyway (no `ANALYZE` statistics).
/// - `temp_store=MEMORY` keeps statement journals in memory: the tenant actor
///   runs every command in a savepoint, whose journal otherwise went through a
///   temporary file (−4 µs per message).
///
/// Measured and not kept (no difference): a 16 MiB page cache, `mmap_size`,
/// 1, 2 and 8 KiB pages, FTS5 `automerge` 2 and 8.
pub fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_file_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("acme.db");
        std::fs::write(&path, vec![0x5a; 8192]).unwrap();
        let err = open(&path, schema::TENANT).unwrap_err().to_string();
        assert!(err.contains("acme.db") && err.contains("not a database"), "{err}");
    }
}
