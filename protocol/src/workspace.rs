//! The workspace as its owners and admins edit it: the shop's name, the
//! identity-verification secret with its rotation, and pending invitations.

use serde::{Deserialize, Serialize};

use crate::{AgentId, Role, UnixMillis};

/// The longest shop name, in characters.
pub const MAX_SHOP_NAME_CHARS: usize = 80;

/// The longest grace period of an identity-secret rotation, in hours (30 days).
pub const MAX_IDENTITY_GRACE_HOURS: u32 = 720;

/// `GET/PUT /v1/admin/workspace`: the shop's name, shown in the widget's
/// header and as `{{shop.name}}` in canned responses. Applied at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// 1 to [`MAX_SHOP_NAME_CHARS`] characters after trimming.
    pub name: String,
}

/// `GET /v1/admin/identity` (owners and admins): the secret a shop's server
/// uses to compute `Natter.identify` hashes — lowercase hex of
/// HMAC-SHA256(key = the secret's UTF-8 bytes, message = the customer id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySecret {
    pub secret: String,
    /// After a rotation: until when hashes made with the previous secret are
    /// still accepted. Absent when only the current secret verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_expires_at: Option<UnixMillis>,
}

/// `POST /v1/admin/identity/rotate`: a new secret; the previous one keeps
/// verifying for `grace_hours` (0 to [`MAX_IDENTITY_GRACE_HOURS`]; 0 ends it at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRotation {
    pub grace_hours: u32,
}

/// `GET /v1/admin/invitations`: an invitation not used and not expired yet.
/// `DELETE /v1/admin/invitations/{email}` withdraws the pending ones of an email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub invited_by: AgentId,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
}
