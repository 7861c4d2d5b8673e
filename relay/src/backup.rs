//! Backup and restore of a data directory. [`backup`] copies the registry, every
//! registered tenant's database and the secret key while a relay runs: it takes
//! no lock and stops no writer (SQLite's online backup API on read-only
//! connections; in WAL mode a reader never blocks the writer). [`restore`]
//! brings such a copy back into an empty data directory, which it locks first,
//! so it can never replace files under a running relay.
//!
//! A backup directory looks like a data directory (`registry.db`,
//! `tenants/<id>.db`, `tenants/<id>.files/blobs/<sha256>`, `secret.key`) plus
//! `manifest.json`: what was copied, the size and SHA-256 of every database,
//! the count and bytes of each tenant's files, when, and by which natter. Each
//! database in it is a single self-contained file (rollback-journal mode, no
//! `-wal`). A tenant's files are those its database copy lists (table
//! `blobs`), copied after it; each is named by its SHA-256, which is checked.

use std::fs::{self, File};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use natter_protocol::TenantId;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::data_dir::{self, LOCK_FILE};
use crate::store::schema;

/// The manifest's name inside a backup directory.
pub const MANIFEST: &str = "manifest.json";
/// The manifest format this natter writes and reads.
const FORMAT: u32 = 1;
const REGISTRY: &str = "registry.db";
const SECRET: &str = "secret.key";
const TENANTS: &str = "tenants";
/// Extra tries of a backup step that found the source busy (each after the
/// connection's own busy timeout, so this only matters under a stuck lock).
const BUSY_RETRIES: u32 = 3;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// `PRAGMA integrity_check` reports at most this many problems.
const INTEGRITY_ERRORS_SHOWN: u32 = 5;

/// Why a backup or a restore failed. Neither leaves a half-written result
/// behind: a backup is renamed into place only when complete, and a restore
/// moves files into the data directory only once every copy checked out.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: sqlite: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("{0} has no registry.db: not a natter data directory")]
    NotADataDir(PathBuf),
    #[error("{0} already exists and is not empty; back up into a new directory")]
    DestinationExists(PathBuf),
    #[error("{0}: cannot back up into this path (give a directory name)")]
    BadDestination(PathBuf),
    #[error("{path}: not a natter backup ({reason})")]
    NotABackup { path: PathBuf, reason: String },
    #[error("{path}: the backup is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
    #[error("{path}: database schema version {found} is newer than this natter supports ({supported}); upgrade natter")]
    NewerSchema { path: PathBuf, found: u32, supported: u32 },
    #[error(
        "data directory {0} is not empty; restore into a new directory, or pass --force to move its files \
         aside (into replaced-<time>/ inside it)"
    )]
    NotEmpty(PathBuf),
    #[error(transparent)]
    Dir(#[from] data_dir::DirError),
}

/// `manifest.json`: what a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub natter_version: String,
    /// When the copy started and finished (RFC 3339, UTC). Every database is a
    /// snapshot taken between the two; each tenant's is consistent on its own.
    pub started_at: String,
    pub finished_at: String,
    pub registry: FileEntry,
    pub secret_key: FileEntry,
    pub tenants: Vec<TenantEntry>,
    /// Registered tenants that had no database file (never used yet, or removed
    /// while the backup ran); a relay creates an empty one on first use.
    #[serde(default)]
    pub tenants_without_database: Vec<TenantId>,
}

/// Size and checksum of one file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub bytes: u64,
    pub sha256: String,
}

/// One tenant's database in a backup (`tenants/<id>.db`), and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantEntry {
    pub id: TenantId,
    #[serde(flatten)]
    pub file: FileEntry,
    /// Files in chat (`tenants/<id>.files/blobs/`), absent in older backups.
    #[serde(default)]
    pub files: BlobsEntry,
}

/// How many files in chat a tenant's backup holds, and their bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobsEntry {
    pub count: u64,
    pub bytes: u64,
    /// Files the database copy lists that were deleted before they could be
    /// copied (their conversation erased meanwhile): left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<String>,
}

/// What [`backup`] wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub elapsed: Duration,
}

/// What [`restore`] did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub data_dir: PathBuf,
    pub manifest: Manifest,
    /// Where the data directory's earlier files went (`--force` only).
    pub replaced: Option<PathBuf>,
}

/// Copies `data_dir` into `to` (which must not exist, or be an empty
/// directory) while a relay may be running on it.
///
/// The registry is copied first and its copy says which tenants to copy, so a
/// tenant added meanwhile is left out whole rather than half-present. The copy
/// is built under a temporary name beside `to`, every file fsync'd, then
/// renamed to `to`: an interrupted backup leaves no directory that looks whole.
pub fn backup(data_dir: &Path, to: &Path) -> Result<BackupReport, BackupError> {
    let clock = Instant::now();
    let started_at = now();
    if !data_dir.join(REGISTRY).is_file() {
        return Err(BackupError::NotADataDir(data_dir.to_owned()));
    }
    refuse_non_empty_destination(to)?;
    let staging = Staging::beside(to)?;
    let registry = copy_database(&data_dir.join(REGISTRY), &staging.path.join(REGISTRY))?;
    let registered = registered_tenants(&staging.path.join(REGISTRY))?;
    create_private_dir(&staging.path.join(TENANTS))?;
    let mut tenants = Vec::new();
    let mut tenants_without_database = Vec::new();
    for id in registered {
        let source = tenant_file(data_dir, &id);
        if !source.exists() {
            tenants_without_database.push(id);
            continue;
        }
        let file = copy_database(&source, &tenant_file(&staging.path, &id))?;
        let files = copy_blobs(data_dir, &staging.path, &id)?;
        tenants.push(TenantEntry { id, file, files });
    }
    let secret_key = copy_private(&data_dir.join(SECRET), &staging.path.join(SECRET))?;
    let manifest = Manifest {
        format: FORMAT,
        natter_version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at,
        finished_at: now(),
        registry,
        secret_key,
        tenants,
        tenants_without_database,
    };
    write_manifest(&staging.path, &manifest)?;
    sync_dir(&staging.path.join(TENANTS))?;
    staging.commit(to)?;
    Ok(BackupReport { dir: to.to_owned(), manifest, elapsed: clock.elapsed() })
}

/// Restores the backup in `from` into `data_dir`, which must be empty or not
/// exist; with `force`, the files of a non-empty one are moved aside into
/// `data_dir/replaced-<unix ms>/` first (nothing is deleted).
///
/// Holds the data directory's lock throughout, so it is refused while a relay
/// (or any natter command) uses the directory. Every file is copied into a
/// staging directory inside `data_dir`, checked against the manifest's size and
/// SHA-256, and every database passes `PRAGMA integrity_check` and has a schema
/// this natter knows, before anything is moved into place.
pub fn restore(from: &Path, data_dir: &Path, force: bool) -> Result<RestoreReport, BackupError> {
    let manifest = read_manifest(from)?;
    let _lock = data_dir::open(data_dir)?;
    let present = data_dir_entries(data_dir)?;
    if !present.is_empty() && !force {
        return Err(BackupError::NotEmpty(data_dir.to_owned()));
    }
    let staging = Staging::inside(data_dir)?;
    stage_verified(from, &manifest, &staging.path)?;
    let replaced = if present.is_empty() { None } else { Some(move_aside(data_dir, &present)?) };
    move_into_place(&staging.path, data_dir)?;
    drop(staging);
    sync_dir(data_dir)?;
    Ok(RestoreReport { data_dir: data_dir.to_owned(), manifest, replaced })
}

/// Reads and checks `manifest.json` of a backup directory.
pub fn read_manifest(from: &Path) -> Result<Manifest, BackupError> {
    let path = from.join(MANIFEST);
    let not_a_backup = |reason: String| BackupError::NotABackup { path: from.to_owned(), reason };
    let text = match fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_a_backup(format!("no {MANIFEST}"))),
        Err(source) => return Err(BackupError::Io { path, source }),
    };
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| not_a_backup(e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(not_a_backup(format!("manifest format {} (this natter reads {FORMAT})", manifest.format)));
    }
    Ok(manifest)
}

// --- backup -------------------------------------------------------------

fn refuse_non_empty_destination(to: &Path) -> Result<(), BackupError> {
    match fs::read_dir(to).map(|mut entries| entries.next().is_none()) {
        Ok(true) => Ok(()),
        Ok(false) => Err(BackupError::DestinationExists(to.to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(BackupError::DestinationExists(to.to_owned())),
        Err(source) => Err(BackupError::Io { path: to.to_owned(), source }),
    }
}

/// Copies a live database into a new single file and checks the copy.
fn copy_database(source_path: &Path, copy_path: &Path) -> Result<FileEntry, BackupError> {
    let source = open_read_only(source_path)?;
    // Created owner-only before SQLite opens it (SQLite would use 0644).
    create_private_file(copy_path)?;
    let sqlite = |source| BackupError::Sqlite { path: copy_path.to_owned(), source };
    let mut copy = Connection::open(copy_path).map_err(sqlite)?;
    copy_all_pages(&source, &mut copy)
        .map_err(|source| BackupError::Sqlite { path: source_path.to_owned(), source })?;
    drop(source);
    // The pages came with the source's WAL flag; a backup file stands alone.
    let mode: String =
        copy.pragma_update_and_check(None, "journal_mode", "DELETE", |row| row.get(0)).map_err(sqlite)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(BackupError::Damaged { path: copy_path.to_owned(), reason: format!("journal mode {mode}") });
    }
    check_integrity(&copy, copy_path)?;
    copy.close().map_err(|(_, e)| sqlite(e))?;
    sync_file(copy_path)?;
    file_entry(copy_path)
}

/// Copies every page in one step: one read transaction on the source, so the
/// copy is a single consistent snapshot (several steps would start over each
/// time the relay commits in between).
fn copy_all_pages(source: &Connection, copy: &mut Connection) -> rusqlite::Result<()> {
    let backup = Backup::new(source, copy)?;
    let mut busy = 0;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::Busy | StepResult::Locked if busy < BUSY_RETRIES => busy += 1,
            StepResult::Busy | StepResult::Locked => {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed locked".into()),
                ));
            }
            _ => {}
        }
    }
}

/// A read-only connection: it never writes the relay's file, never
/// checkpoints its WAL, and needs no data-directory lock. (When no relay has
/// the file open, SQLite creates the empty `-wal` and `-shm` a WAL reader
/// needs and leaves them, owned like the database; the relay uses them.)
fn open_read_only(path: &Path) -> Result<Connection, BackupError> {
    let sqlite = |source| BackupError::Sqlite { path: path.to_owned(), source };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(sqlite)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
    Ok(conn)
}

/// The tenants a registry (the backup's copy of it) lists.
fn registered_tenants(registry: &Path) -> Result<Vec<TenantId>, BackupError> {
    let conn = open_read_only(registry)?;
    let sqlite = |source| BackupError::Sqlite { path: registry.to_owned(), source };
    let mut stmt = conn.prepare("SELECT id FROM tenants ORDER BY id").map_err(sqlite)?;
    let ids = stmt.query_map([], |row| row.get::<_, String>(0)).map_err(sqlite)?;
    let mut tenants = Vec::new();
    for id in ids {
        let id = id.map_err(sqlite)?;
        let id = TenantId::parse(id.clone()).map_err(|e| BackupError::Damaged {
            path: registry.to_owned(),
            reason: format!("tenant id {id:?}: {e}"),
        })?;
        tenants.push(id);
    }
    Ok(tenants)
}

/// `tenants/<id>.files/blobs` under `dir`.
fn blobs_dir(dir: &Path, id: &TenantId) -> PathBuf {
    dir.join(TENANTS).join(format!("{id}.files")).join("blobs")
}

/// Copies the files the tenant's database copy lists, each checked against
/// its name (its SHA-256).
fn copy_blobs(data_dir: &Path, staging: &Path, id: &TenantId) -> Result<BlobsEntry, BackupError> {
    let copy_db = tenant_file(staging, id);
    let listed = listed_blobs(&copy_db)?;
    let mut entry = BlobsEntry::default();
    if listed.is_empty() {
        return Ok(entry);
    }
    let (from, to) = (blobs_dir(data_dir, id), blobs_dir(staging, id));
    create_private_dir(&to.with_file_name(""))?;
    create_private_dir(&to)?;
    for sha in listed {
        let source = from.join(&sha);
        if !source.exists() {
            entry.gone.push(sha);
            continue;
        }
        let copied = copy_private(&source, &to.join(&sha))?;
        if copied.sha256 != sha {
            return Err(BackupError::Damaged {
                path: source,
                reason: format!("its content's SHA-256 is {}", copied.sha256),
            });
        }
        entry.count += 1;
        entry.bytes += copied.bytes;
    }
    sync_dir(&to)?;
    Ok(entry)
}

/// The blobs a tenant database lists (none before files existed).
fn listed_blobs(db: &Path) -> Result<Vec<String>, BackupError> {
    let conn = open_read_only(db)?;
    let sqlite = |source| BackupError::Sqlite { path: db.to_owned(), source };
    let has_table: bool = conn
        .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blobs')", [], |r| {
            r.get(0)
        })
        .map_err(sqlite)?;
    if !has_table {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare("SELECT sha256 FROM blobs ORDER BY sha256").map_err(sqlite)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sqlite)?;
    let mut out = Vec::new();
    for sha in rows {
        let sha = sha.map_err(sqlite)?;
        if !is_sha256_hex(&sha) {
            return Err(BackupError::Damaged { path: db.to_owned(), reason: format!("blob name {sha:?}") });
        }
        out.push(sha);
    }
    Ok(out)
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn tenant_file(dir: &Path, id: &TenantId) -> PathBuf {
    // A TenantId is a validated slug, so this stays inside `dir`.
    dir.join(TENANTS).join(format!("{id}.db"))
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    let path = dir.join(MANIFEST);
    let mut text =
        serde_json::to_vec_pretty(manifest).map_err(|e| BackupError::Io { path: path.clone(), source: e.into() })?;
    text.push(b'\n');
    let io = |source| BackupError::Io { path: path.clone(), source };
    let mut file = data_dir::private_file_options().write(true).create_new(true).open(&path).map_err(io)?;
    file.write_all(&text).map_err(io)?;
    file.sync_all().map_err(io)
}

// --- restore ------------------------------------------------------------

/// Everything in a data directory but its lock file.
fn data_dir_entries(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let io = |source| BackupError::Io { path: dir.to_owned(), source };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_name() != LOCK_FILE {
            entries.push(entry.path());
        }
    }
    entries.sort();
    Ok(entries)
}

/// Copies the backup's files into `staging` and checks each copy: what is
/// checked is exactly what will be moved into place.
fn stage_verified(from: &Path, manifest: &Manifest, staging: &Path) -> Result<(), BackupError> {
    stage_database(&from.join(REGISTRY), &staging.join(REGISTRY), &manifest.registry, schema::REGISTRY)?;
    create_private_dir(&staging.join(TENANTS))?;
    for tenant in &manifest.tenants {
        let (source, copy) = (tenant_file(from, &tenant.id), tenant_file(staging, &tenant.id));
        stage_database(&source, &copy, &tenant.file, schema::TENANT)?;
        stage_blobs(from, staging, tenant)?;
    }
    let secret = staging.join(SECRET);
    let copied = copy_private(&from.join(SECRET), &secret)?;
    same_as_manifest(&from.join(SECRET), &copied, &manifest.secret_key)?;
    if copied.bytes < 32 {
        return Err(BackupError::Damaged { path: from.join(SECRET), reason: "shorter than 32 bytes".into() });
    }
    sync_dir(&staging.join(TENANTS))?;
    sync_dir(staging)
}

/// Copies a tenant's files from a backup, each checked against its name, and
/// their count and bytes against the manifest.
fn stage_blobs(from: &Path, staging: &Path, tenant: &TenantEntry) -> Result<(), BackupError> {
    let source_dir = blobs_dir(from, &tenant.id);
    let mut found = BlobsEntry { gone: tenant.files.gone.clone(), ..BlobsEntry::default() };
    if source_dir.is_dir() {
        let to = blobs_dir(staging, &tenant.id);
        create_private_dir(&to.with_file_name(""))?;
        create_private_dir(&to)?;
        let io = |source| BackupError::Io { path: source_dir.clone(), source };
        for entry in fs::read_dir(&source_dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !is_sha256_hex(&name) {
                return Err(BackupError::Damaged { path: entry.path(), reason: "not a file of natter's".into() });
            }
            let copied = copy_private(&entry.path(), &to.join(&name))?;
            if copied.sha256 != name {
                let reason = format!("its content's SHA-256 is {}", copied.sha256);
                return Err(BackupError::Damaged { path: entry.path(), reason });
            }
            found.count += 1;
            found.bytes += copied.bytes;
        }
        sync_dir(&to)?;
    }
    if found != tenant.files {
        let reason = format!(
            "{} files of {} bytes, the manifest says {} of {}",
            found.count, found.bytes, tenant.files.count, tenant.files.bytes
        );
        return Err(BackupError::Damaged { path: source_dir, reason });
    }
    Ok(())
}

fn stage_database(source: &Path, copy: &Path, expected: &FileEntry, migrations: &[&str]) -> Result<(), BackupError> {
    let copied = copy_private(source, copy)?;
    same_as_manifest(source, &copied, expected)?;
    let conn = open_read_only(copy)?;
    check_integrity(&conn, source)?;
    check_schema(&conn, source, migrations)
}

fn same_as_manifest(path: &Path, found: &FileEntry, expected: &FileEntry) -> Result<(), BackupError> {
    if found == expected {
        return Ok(());
    }
    let reason = format!(
        "{} bytes with SHA-256 {}, the manifest says {} bytes with SHA-256 {}",
        found.bytes, found.sha256, expected.bytes, expected.sha256
    );
    Err(BackupError::Damaged { path: path.to_owned(), reason })
}

fn check_schema(conn: &Connection, path: &Path, migrations: &[&str]) -> Result<(), BackupError> {
    let found: u32 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|source| BackupError::Sqlite { path: path.to_owned(), source })?;
    let supported = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    if found > supported {
        return Err(BackupError::NewerSchema { path: path.to_owned(), found, supported });
    }
    Ok(())
}

/// Moves a data directory's files into a new `replaced-<unix ms>/` inside it.
fn move_aside(data_dir: &Path, present: &[PathBuf]) -> Result<PathBuf, BackupError> {
    let aside = data_dir.join(format!("replaced-{}", crate::time::now().0));
    create_private_dir(&aside)?;
    for path in present {
        let Some(name) = path.file_name() else { continue };
        rename(path, &aside.join(name))?;
    }
    sync_dir(&aside)?;
    Ok(aside)
}

/// Renames the staged files into the data directory, the registry last: a
/// directory with a registry but no secret key or tenants would look whole.
fn move_into_place(staging: &Path, data_dir: &Path) -> Result<(), BackupError> {
    for name in [TENANTS, SECRET, REGISTRY] {
        rename(&staging.join(name), &data_dir.join(name))?;
    }
    Ok(())
}

// --- shared -------------------------------------------------------------

/// `PRAGMA integrity_check` must answer a single `ok`.
fn check_integrity(conn: &Connection, path: &Path) -> Result<(), BackupError> {
    let sqlite = |source| BackupError::Sqlite { path: path.to_owned(), source };
    let mut stmt = conn.prepare(&format!("PRAGMA integrity_check({INTEGRITY_ERRORS_SHOWN})")).map_err(sqlite)?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0)).map_err(sqlite)?;
    let found = rows.collect::<Result<Vec<_>, _>>().map_err(sqlite)?;
    if found == ["ok"] {
        return Ok(());
    }
    Err(BackupError::Damaged { path: path.to_owned(), reason: format!("integrity check: {}", found.join("; ")) })
}

/// Copies a file into a new owner-only file, fsync'd; returns the copy's entry.
fn copy_private(source: &Path, copy: &Path) -> Result<FileEntry, BackupError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| BackupError::Io { path, source }
    };
    let mut input = File::open(source).map_err(io(source))?;
    let mut output = data_dir::private_file_options().write(true).create_new(true).open(copy).map_err(io(copy))?;
    let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let read = input.read(&mut buffer).map_err(io(source))?;
        if read == 0 {
            break;
        }
        digest.update(&buffer[..read]);
        output.write_all(&buffer[..read]).map_err(io(copy))?;
        bytes += read as u64;
    }
    output.sync_all().map_err(io(copy))?;
    Ok(FileEntry { bytes, sha256: hex(digest.finish().as_ref()) })
}

/// Size and SHA-256 of a file.
fn file_entry(path: &Path) -> Result<FileEntry, BackupError> {
    let io = |source| BackupError::Io { path: path.to_owned(), source };
    let mut input = File::open(path).map_err(io)?;
    let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let read = input.read(&mut buffer).map_err(io)?;
        if read == 0 {
            return Ok(FileEntry { bytes, sha256: hex(digest.finish().as_ref()) });
        }
        digest.update(&buffer[..read]);
        bytes += read as u64;
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

fn create_private_file(path: &Path) -> Result<(), BackupError> {
    data_dir::private_file_options()
        .write(true)
        .create_new(true)
        .open(path)
        .map(drop)
        .map_err(|source| BackupError::Io { path: path.to_owned(), source })
}

fn create_private_dir(path: &Path) -> Result<(), BackupError> {
    let io = |source| BackupError::Io { path: path.to_owned(), source };
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path).map_err(io)?;
    // The umask may have taken bits away, never added any; set exactly 0700.
    data_dir::make_private_dir(path).map_err(io)
}

fn rename(from: &Path, to: &Path) -> Result<(), BackupError> {
    fs::rename(from, to).map_err(|source| BackupError::Io { path: from.to_owned(), source })
}

fn sync_file(path: &Path) -> Result<(), BackupError> {
    File::open(path).and_then(|f| f.sync_all()).map_err(|source| BackupError::Io { path: path.to_owned(), source })
}

/// Makes a directory's entries (new files, renames) durable.
fn sync_dir(path: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    sync_file(path)?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A directory being filled; removed on drop unless renamed into place.
#[derive(Debug)]
struct Staging {
    path: PathBuf,
    committed: bool,
}

impl Staging {
    /// `.<name>.partial-<pid>` beside `target`, on the same file system, so
    /// the final rename is atomic.
    fn beside(target: &Path) -> Result<Self, BackupError> {
        let name = target.file_name().ok_or_else(|| BackupError::BadDestination(target.to_owned()))?;
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|source| BackupError::Io { path: parent.clone(), source })?;
        let path = parent.join(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
        Self::create(path)
    }

    /// `.restore-<pid>` inside a data directory.
    fn inside(data_dir: &Path) -> Result<Self, BackupError> {
        Self::create(data_dir.join(format!(".restore-{}", std::process::id())))
    }

    fn create(path: PathBuf) -> Result<Self, BackupError> {
        // Left by an earlier run of a process with the same id that crashed.
        if path.exists() {
            fs::remove_dir_all(&path).map_err(|source| BackupError::Io { path: path.clone(), source })?;
        }
        create_private_dir(&path)?;
        Ok(Self { path, committed: false })
    }

    /// Renames the finished directory to `target` (replacing an empty one).
    fn commit(mut self, target: &Path) -> Result<(), BackupError> {
        rename(&self.path, target)?;
        self.committed = true;
        match target.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(parent) => sync_dir(parent),
            None => Ok(()),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = &self.manifest;
        let total: u64 = m.registry.bytes + m.secret_key.bytes + m.tenants.iter().map(|t| t.file.bytes).sum::<u64>();
        writeln!(
            f,
            "backed up {} tenant(s), {total} bytes, into {} in {:.1} s (snapshot taken {} – {})",
            m.tenants.len(),
            self.dir.display(),
            self.elapsed.as_secs_f64(),
            m.started_at,
            m.finished_at
        )?;
        for tenant in &m.tenants {
            writeln!(f, "  {}\t{} bytes", tenant.id, tenant.file.bytes)?;
            if tenant.files.count > 0 {
                writeln!(f, "  {}\t{} files, {} bytes", tenant.id, tenant.files.count, tenant.files.bytes)?;
            }
        }
        for id in &m.tenants_without_database {
            writeln!(f, "  {id}\tno database yet")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for RestoreReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = &self.manifest;
        writeln!(
            f,
            "restored {} tenant(s) into {} (backup of {}, natter {})",
            m.tenants.len(),
            self.data_dir.display(),
            m.finished_at,
            m.natter_version
        )?;
        if let Some(replaced) = &self.replaced {
            writeln!(f, "the directory's earlier files are in {}", replaced.display())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let file = FileEntry { bytes: 4096, sha256: "ab".repeat(32) };
        Manifest {
            format: FORMAT,
            natter_version: "0.1.0".into(),
            started_at: "2026-01-01T00:00:00Z".into(),
            finished_at: "2026-01-01T00:00:01Z".into(),
            registry: file.clone(),
            secret_key: FileEntry { bytes: 32, sha256: "cd".repeat(32) },
            tenants: vec![TenantEntry { id: TenantId::parse("acme").unwrap(), file, files: BlobsEntry::default() }],
            tenants_without_database: vec![TenantId::parse("fresh").unwrap()],
        }
    }

    #[test]
    fn a_directory_without_a_manifest_of_this_format_is_no_backup() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_manifest(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a natter backup (no manifest.json)"), "{err}");

        let mut later = serde_json::to_value(manifest()).unwrap();
        later["format"] = 2.into();
        fs::write(dir.path().join(MANIFEST), later.to_string()).unwrap();
        let err = read_manifest(dir.path()).unwrap_err().to_string();
        assert!(err.contains("manifest format 2"), "{err}");

        fs::write(dir.path().join(MANIFEST), serde_json::to_vec(&manifest()).unwrap()).unwrap();
        assert_eq!(read_manifest(dir.path()).unwrap(), manifest());
    }

    #[test]
    fn a_tenant_id_that_could_leave_the_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad = serde_json::to_value(manifest()).unwrap();
        bad["tenants"][0]["id"] = "../etc".into();
        fs::write(dir.path().join(MANIFEST), bad.to_string()).unwrap();
        assert!(matches!(read_manifest(dir.path()), Err(BackupError::NotABackup { .. })));
    }

    #[test]
    fn the_report_names_every_tenant() {
        let report = BackupReport {
            dir: PathBuf::from("/backups/b"),
            manifest: manifest(),
            elapsed: Duration::from_millis(1500),
        };
        let text = report.to_string();
        assert!(text.starts_with("backed up 1 tenant(s), 8224 bytes, into /backups/b in 1.5 s"), "{text}");
        assert!(text.contains("  acme\t4096 bytes\n"), "{text}");
        assert!(text.contains("  fresh\tno database yet\n"), "{text}");
    }
}
