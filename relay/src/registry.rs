//! The tenant registry: which tenants exist, their display names and the origins
//! allowed to embed their widget. Lives in `<data-dir>/registry.db`, owned by its
//! own thread. Nothing here is cached: every config fetch, frame and socket
//! upgrade reads the tenant's row, so an origins change applies at once.
//! The registry handle also carries the in-memory [`RefusedEmbeds`] log.

use std::path::Path;

use natter_protocol::TenantId;
use rusqlite::{OptionalExtension, params};

use crate::refused::RefusedEmbeds;
use crate::store::{self, DbThread, StoreError, schema};

/// A tenant as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRecord {
    pub id: TenantId,
    pub display_name: String,
    /// Origin patterns (see [`crate::origin`]) allowed to embed the widget.
    pub allowed_origins: Vec<String>,
}

/// Cheap, cloneable handle to the registry database.
#[derive(Debug, Clone)]
pub struct Registry {
    db: DbThread,
    refused: RefusedEmbeds,
    data_dir: std::path::PathBuf,
}

impl Registry {
    /// Opens `<data_dir>/registry.db`, creating it if needed.
    pub async fn open(data_dir: &Path) -> Result<Self, StoreError> {
        let path = data_dir.join("registry.db");
        let db = DbThread::spawn("natter-registry", move || store::open(&path, schema::REGISTRY)).await?;
        Ok(Self { db, refused: RefusedEmbeds::default(), data_dir: data_dir.to_owned() })
    }

    /// The embeds refused since the relay started, per tenant.
    pub fn refused(&self) -> &RefusedEmbeds {
        &self.refused
    }

    pub async fn tenant(&self, id: &TenantId) -> Result<Option<TenantRecord>, StoreError> {
        let id = id.clone();
        self.db
            .call(move |conn| {
                let row = conn
                    .query_row("SELECT display_name, allowed_origins FROM tenants WHERE id = ?1", [id.as_str()], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                    })
                    .optional()?;
                row.map(|(display_name, origins)| record(id, display_name, &origins)).transpose()
            })
            .await
    }

    pub async fn list(&self) -> Result<Vec<TenantRecord>, StoreError> {
        self.db
            .call(|conn| {
                let mut stmt = conn.prepare("SELECT id, display_name, allowed_origins FROM tenants ORDER BY id")?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
                let mut out = Vec::new();
                for row in rows {
                    let (id, name, origins) = row?;
                    let id = TenantId::parse(id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    out.push(record(id, name, &origins)?);
                }
                Ok(out)
            })
            .await
    }

    /// Adds a tenant; `Ok(false)` if one with that id already exists.
    pub async fn add(&self, tenant: TenantRecord) -> Result<bool, StoreError> {
        self.db
            .call(move |conn| {
                let origins =
                    serde_json::to_string(&tenant.allowed_origins).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let n = conn.execute(
                    "INSERT OR IGNORE INTO tenants(id, display_name, allowed_origins, created_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![tenant.id.as_str(), tenant.display_name, origins, crate::time::now().0],
                )?;
                Ok(n == 1)
            })
            .await
    }

    /// Replaces a tenant's allowed origins (already normalised by the caller);
    /// `Ok(false)` if there is no such tenant.
    pub async fn set_origins(&self, id: &TenantId, origins: Vec<String>) -> Result<bool, StoreError> {
        let text = serde_json::to_string(&origins).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id = id.clone();
        let sql = "UPDATE tenants SET allowed_origins = ?2 WHERE id = ?1";
        self.db.call(move |conn| Ok(conn.execute(sql, params![id.as_str(), text])? == 1)).await
    }

    /// Renames a tenant (the shop's name visitors see); `Ok(false)` if there is no such tenant.
    pub async fn set_display_name(&self, id: &TenantId, name: String) -> Result<bool, StoreError> {
        let id = id.clone();
        let sql = "UPDATE tenants SET display_name = ?2 WHERE id = ?1";
        self.db.call(move |conn| Ok(conn.execute(sql, params![id.as_str(), name])? == 1)).await
    }

    /// Removes a tenant from the registry; `Ok(false)` if it did not exist.
    pub async fn remove(&self, id: &TenantId) -> Result<bool, StoreError> {
        self.refused.forget_tenant(id);
        let id = id.clone();
        self.db.call(move |conn| Ok(conn.execute("DELETE FROM tenants WHERE id = ?1", [id.as_str()])? == 1)).await
    }

    /// Succeeds when the relay can serve tenants (readiness probe): the
    /// registry answers a query, and the data directory and its tenants
    /// directory take a new file (a read-only or full disk fails here, not on
    /// the next visitor's message).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let dirs = [self.data_dir.clone(), self.data_dir.join("tenants")];
        self.db
            .call(move |conn| {
                conn.query_row("SELECT count(*) FROM tenants", [], |_| Ok(()))?;
                for dir in &dirs {
                    let probe = dir.join(".ready-probe");
                    let written = std::fs::write(&probe, b"ok");
                    let _ = std::fs::remove_file(&probe);
                    written.map_err(|source| StoreError::NotWritable { path: dir.clone(), source })?;
                }
                Ok(())
            })
            .await
    }
}

fn record(id: TenantId, display_name: String, origins: &str) -> Result<TenantRecord, StoreError> {
    let allowed_origins =
        serde_json::from_str(origins).map_err(|e| StoreError::Corrupt(format!("allowed_origins: {e}")))?;
    Ok(TenantRecord { id, display_name, allowed_origins })
}
