//! The embedded default: on a first start with an empty registry, create the
//! `demo` tenant and its owner agent, so `cargo run --release` is a working demo.
//! The demo tenant allows exactly the relay's own origins (its storefront and
//! examples), and says so: a shop page elsewhere meets the origin check at once,
//! and its owner learns to add the origin in the console's install section.

use natter_protocol::{Role, TenantId};

use crate::auth::password;
use crate::registry::TenantRecord;
use crate::store::StoreError;
use crate::tenant::{AdminOp, Tenants};

/// Email of the demo agent unless `NATTER_DEMO_EMAIL` says otherwise.
pub const DEFAULT_DEMO_EMAIL: &str = "demo@natter.local";

/// What was created, to print once.
#[derive(Debug, Clone)]
pub struct DemoCreated {
    pub email: String,
    pub password: String,
    /// The origins the demo tenant allows.
    pub origins: Vec<String>,
}

/// Creates the demo tenant and owner if no tenant exists yet, allowing `origins`
/// (the relay's own, see [`crate::own_origins`]).
pub async fn ensure_demo(
    tenants: &Tenants,
    origins: Vec<String>,
    email: Option<String>,
    password: Option<String>,
    iterations: u32,
) -> Result<Option<DemoCreated>, StoreError> {
    if !tenants.registry().list().await?.is_empty() {
        return Ok(None);
    }
    #[allow(clippy::expect_used)]
    let id = TenantId::parse("demo").expect("valid slug");
    let record = TenantRecord { id: id.clone(), display_name: "Demo Shop".into(), allowed_origins: origins.clone() };
    tenants.create(record).await?;
    let email = email.unwrap_or_else(|| DEFAULT_DEMO_EMAIL.into());
    let password = password.unwrap_or_else(|| crate::auth::random_b64(12));
    let to_hash = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || password::hash(&to_hash, iterations))
        .await
        .map_err(|_| StoreError::Stopped)?;
    let tenant = tenants.get(&id).await?.ok_or_else(|| StoreError::Vanished(format!("tenant {id}")))?;
    let name = "Demo Agent".to_owned();
    let email2 = email.clone();
    tenant
        .admin(|reply| AdminOp::AddAgent { email: email2, name, role: Role::Owner, password_hash, by: None, reply })
        .await?;
    Ok(Some(DemoCreated { email, password, origins }))
}
