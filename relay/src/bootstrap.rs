//! The embedded default: on a first start with an empty registry, create the
//! `demo` tenant and its owner agent, so `cargo run --release` is a working demo.

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
}

/// Creates the demo tenant and owner if no tenant exists yet.
pub async fn ensure_demo(
    tenants: &Tenants,
    email: Option<String>,
    password: Option<String>,
    iterations: u32,
) -> Result<Option<DemoCreated>, StoreError> {
    if !tenants.registry().list().await?.is_empty() {
        return Ok(None);
    }
    #[allow(clippy::expect_used)]
    let id = TenantId::parse("demo").expect("valid slug");
    let record = TenantRecord {
        id: id.clone(),
        display_name: "Demo Shop".into(),
        allowed_origins: vec!["http://localhost:*".into(), "http://127.0.0.1:*".into()],
    };
    tenants.create(record).await?;
    let email = email.unwrap_or_else(|| DEFAULT_DEMO_EMAIL.into());
    let password = password.unwrap_or_else(|| crate::auth::random_b64(12));
    let to_hash = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || password::hash(&to_hash, iterations))
        .await
        .map_err(|_| StoreError::Stopped)?;
    let tenant = tenants.get(&id).await?.ok_or(StoreError::Stopped)?;
    let name = "Demo Agent".to_owned();
    let email2 = email.clone();
    tenant.admin(|reply| AdminOp::AddAgent { email: email2, name, role: Role::Owner, password_hash, reply }).await?;
    Ok(Some(DemoCreated { email, password }))
}
