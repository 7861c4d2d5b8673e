//! `ApiError`: the one error type of every HTTP handler. It renders as a status
//! and `{"error": {"code", "message"}}`, and never shows internals: storage
//! errors are logged and answered with a bare `internal`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use natter_protocol::{ApiErrorBody, ErrorCode};

use crate::store::StoreError;

/// An HTTP error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    retry_after_secs: Option<u64>,
    field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), retry_after_secs: None, field: None }
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// The same error, about one field of the request.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// `422 invalid_input` about one field of the request.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::invalid_input(message);
        e.field = Some(field.into());
        e
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    pub fn unknown_tenant() -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::UnknownTenant, "no such tenant")
    }

    pub fn origin_not_allowed() -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::OriginNotAllowed, "this origin may not use this tenant")
    }

    pub fn too_many_connections() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::TooManyConnections,
            "the relay is at its connection limit",
        )
        .retry_after(5)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "send a session token as 'Authorization: Bearer <token>'",
        )
    }

    pub fn session_expired() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired, "your session has ended; sign in again")
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidInput, message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such endpoint")
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "the relay failed; see its log")
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "storage error answering a request");
        Self::internal()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ApiErrorBody {
            error: natter_protocol::ApiError {
                code: self.code,
                message: self.message,
                retry_after_secs: self.retry_after_secs,
                field: self.field,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// Turns axum's JSON body rejections into typed errors.
pub fn json_rejection(r: axum::extract::rejection::JsonRejection) -> ApiError {
    use axum::extract::rejection::JsonRejection as R;
    match r {
        R::JsonSyntaxError(e) => {
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadJson, format!("not valid JSON: {}", e.body_text()))
        }
        R::JsonDataError(e) => ApiError::invalid_input(e.body_text()),
        R::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::InvalidInput,
            "send Content-Type: application/json",
        ),
        // The body could not be read: its own status (413 for one over the limit).
        other => ApiError::new(other.status(), ErrorCode::InvalidInput, other.body_text()),
    }
}
