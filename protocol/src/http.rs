//! Bodies of the relay's HTTP endpoints.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{ConversationId, TenantId, UnixMillis, VisitorId};
use crate::model::{AgentInfo, ConversationSummary};

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

/// Query of `GET /v1/agent/conversations`: past conversations, newest first.
/// Without `visitor`: closed conversations of the tenant (or, with
/// `status=any`, open ones too), optionally matching `q` and carrying `tag`.
/// With `visitor`: every conversation of that visitor (any status).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationQuery {
    /// Text to find, case-insensitively, in the visitor's name or email or
    /// anywhere in a text message; at most [`ConversationQuery::MAX_QUERY_CHARS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Only this visitor's conversations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor: Option<VisitorId>,
    /// Only conversations older than this one: the last id of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<ConversationId>,
    /// Page size, 1 to [`ConversationQuery::MAX_LIMIT`]; default [`ConversationQuery::DEFAULT_LIMIT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `closed` (the default) or `any`: open conversations too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SearchStatus>,
    /// Only conversations carrying this tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<crate::TagId>,
}

/// Which conversations a search covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchStatus {
    Closed,
    Any,
}

impl ConversationQuery {
    pub const DEFAULT_LIMIT: u32 = 30;
    pub const MAX_LIMIT: u32 = 100;
    pub const MAX_QUERY_CHARS: usize = 200;
}

/// Answer to [`ConversationQuery`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationPage {
    pub conversations: Vec<ConversationSummary>,
    /// More match: ask again with `before` set to the last id here.
    pub more: bool,
    /// How many conversations match in all, on a first page without `q` or
    /// `visitor` (the Closed tab's count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}
