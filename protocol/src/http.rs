//! Bodies of the relay's HTTP endpoints.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{TenantId, UnixMillis};
use crate::model::AgentInfo;

/// `POST /v1/agent/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub tenant: TenantId,
    pub email: String,
    pub password: String,
}

/// Successful answer to [`LoginRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// Session token: send it as `Authorization: Bearer …` and in the agent
    /// socket's `hello`. Keep it secret.
    pub token: String,
    pub agent: AgentInfo,
    /// The session ends at this time whatever the activity.
    pub expires_at: UnixMillis,
    /// The session ends after this many seconds without activity.
    pub idle_timeout_secs: u64,
}

/// Every HTTP error answer: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: ApiError,
}

/// The inside of [`ApiErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For `rate_limited` / `too_many_attempts`: seconds to wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// For `invalid_input` on settings: the offending field, e.g. `widget.primary_color`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
