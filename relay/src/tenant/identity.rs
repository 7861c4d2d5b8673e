//! The tenant's identity-verification secret (`Natter.identify` hashes): created
//! on first use, rotated by an admin with a grace period during which hashes
//! made with the previous secret still verify, so a shop can deploy the new
//! secret without signing its customers out.

use natter_protocol::{AgentId, IdentitySecret, UnixMillis};
use rusqlite::Connection;
use serde_json::json;

use super::queries;
use crate::store::StoreError;

const CURRENT: &str = "identity_secret";
const PREVIOUS: &str = "identity_previous_secret";
const PREVIOUS_UNTIL: &str = "identity_previous_expires_at";

/// The current secret, created on first use.
pub fn current(db: &Connection) -> Result<String, StoreError> {
    if let Some(s) = queries::setting(db, CURRENT)? {
        return Ok(s);
    }
    let secret = fresh_secret();
    queries::set_setting(db, CURRENT, &secret)?;
    Ok(secret)
}

/// The current secret and, during a grace period, when the previous one stops verifying.
pub fn status(db: &Connection, now: UnixMillis) -> Result<IdentitySecret, StoreError> {
    let secret = current(db)?;
    let previous_expires_at = previous(db, now)?.map(|(_, until)| until);
    Ok(IdentitySecret { secret, previous_expires_at })
}

/// Whether `hash_hex` is the hash of `user_id` under the current secret, or
/// under the previous one while its grace period lasts.
pub fn verify(db: &Connection, now: UnixMillis, user_id: &str, hash_hex: &str) -> Result<bool, StoreError> {
    if crate::auth::identity::verify(current(db)?.as_bytes(), user_id, hash_hex) {
        return Ok(true);
    }
    Ok(previous(db, now)?.is_some_and(|(old, _)| crate::auth::identity::verify(old.as_bytes(), user_id, hash_hex)))
}

/// Replaces the secret; the old one verifies for `grace_ms` more. Recorded in the audit log.
pub fn rotate(db: &Connection, now: UnixMillis, grace_ms: i64, by: AgentId) -> Result<IdentitySecret, StoreError> {
    let old = current(db)?;
    let until = UnixMillis(now.0.saturating_add(grace_ms));
    queries::set_setting(db, PREVIOUS, &old)?;
    queries::set_setting(db, PREVIOUS_UNTIL, &until.0.to_string())?;
    queries::set_setting(db, CURRENT, &fresh_secret())?;
    queries::audit(db, now, Some(by), "identity.rotate", &json!({ "previous_expires_at": until.0 }))?;
    status(db, now)
}

/// The previous secret and its end, if its grace period has not ended.
fn previous(db: &Connection, now: UnixMillis) -> Result<Option<(String, UnixMillis)>, StoreError> {
    let Some(until) = queries::setting(db, PREVIOUS_UNTIL)? else { return Ok(None) };
    let until = UnixMillis(until.parse().map_err(|_| queries::corrupt(format!("{PREVIOUS_UNTIL}: {until}")))?);
    if now >= until {
        return Ok(None);
    }
    Ok(queries::setting(db, PREVIOUS)?.map(|old| (old, until)))
}

fn fresh_secret() -> String {
    crate::auth::random_bytes(32).iter().map(|b| format!("{b:02x}")).collect()
}
