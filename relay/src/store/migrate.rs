//! Append-only schema migrations keyed on `PRAGMA user_version`.
//!
//! Migration `i` (0-based) moves a database from version `i` to `i + 1`. Never
//! edit or reorder a shipped migration: add a new one at the end.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// Applies the migrations a database lacks, each in its own transaction, and
/// refuses a database whose version is newer than `migrations.len()`.
pub fn migrate(conn: &mut Connection, path: &Path, migrations: &[&str]) -> Result<(), StoreError> {
    let supported = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    let found: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > supported {
        return Err(StoreError::NewerSchema { path: path.to_owned(), found, supported });
    }
    for (version, sql) in migrations.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", u32::try_from(version + 1).unwrap_or(u32::MAX))?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &[&str] = &["CREATE TABLE a(x);", "ALTER TABLE a ADD COLUMN y;"];

    #[test]
    fn applies_only_missing_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, &path, &V2[..1]).unwrap();
        conn.execute("INSERT INTO a(x) VALUES (1)", []).unwrap();
        migrate(&mut conn, &path, V2).unwrap();
        let v: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, 2);
        let n: i64 = conn.query_row("SELECT count(*) FROM a WHERE y IS NULL", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "data survives migration");
    }

    #[test]
    fn refuses_a_database_newer_than_the_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, &path, V2).unwrap();
        let err = migrate(&mut conn, &path, &V2[..1]).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { found: 2, supported: 1, .. }), "{err}");
        assert!(err.to_string().contains("newer than this natter supports"));
    }
}
