//! The one error-code enum used by WebSocket `error` frames and HTTP error bodies.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Every error the relay reports, on any path. Serialized as `snake_case` strings.
/// Clients must treat codes they do not know as [`ErrorCode::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The frame or body is not valid JSON.
    BadJson,
    /// The frame's `type` is not one this endpoint knows.
    UnknownFrame,
    /// The frame is JSON of a known type, but a field is missing or invalid.
    InvalidInput,
    /// The `hello` frame named a protocol version this relay does not speak.
    UnsupportedVersion,
    /// The first frame on a socket must be `hello`.
    HelloRequired,
    /// The frame exceeds the relay's size limit.
    FrameTooLarge,
    /// Too many frames or requests in a short time; slow down.
    RateLimited,
    /// No tenant with that id exists.
    UnknownTenant,
    /// The page's origin is not among the tenant's allowed origins (or, for the
    /// agent socket, not the console's origin).
    OriginNotAllowed,
    /// A visitor token is malformed, forged, or belongs to another tenant.
    TokenInvalid,
    /// A visitor token has expired.
    TokenExpired,
    /// Email or password is wrong (deliberately not saying which).
    InvalidCredentials,
    /// Too many failed sign-ins; wait before trying again.
    TooManyAttempts,
    /// No valid session token was presented.
    Unauthorized,
    /// The session has expired, idled out, or was revoked; sign in again.
    SessionExpired,
    /// The caller is signed in but may not do this.
    Forbidden,
    /// The thing named does not exist (or belongs to another tenant).
    NotFound,
    /// Another agent has already claimed this conversation.
    AlreadyClaimed,
    /// The conversation is closed; nothing more can be sent to it.
    ConversationClosed,
    /// The visitor has no open conversation for this action.
    NoConversation,
    /// The shop is outside its business hours: use the offline form.
    ShopClosed,
    /// The relay has reached its connection limit.
    TooManyConnections,
    /// The client did not read its frames fast enough and was disconnected.
    SlowConsumer,
    /// The relay is shutting down; reconnect shortly.
    ShuttingDown,
    /// The relay could not fetch the page named in an install check (unreachable,
    /// too slow, too large, or not a page); the message says which.
    PageUnreachable,
    /// The change clashes with what exists: an email already in use, or it
    /// would leave the tenant without an active owner.
    Conflict,
    /// The account was deactivated by an owner or admin; it cannot sign in.
    AccountDeactivated,
    /// An invitation link that does not exist (forged, mistyped, or withdrawn).
    InvitationInvalid,
    /// An invitation link that was already used: sign in instead.
    InvitationUsed,
    /// An invitation link past its expiry: ask for a new one.
    InvitationExpired,
    /// An upload is over the tenant's (or the relay's) size limit (HTTP 413).
    FileTooLarge,
    /// An upload has no bytes (HTTP 422).
    FileEmpty,
    /// The upload's content is of a type the tenant does not accept (HTTP 415).
    FileTypeNotAllowed,
    /// The file name's extension claims another type than the content has,
    /// e.g. a program named `.jpg` (HTTP 415).
    FileTypeMismatch,
    /// The content claims to be an image but cannot be decoded within the
    /// relay's limits (corrupt, or a decompression bomb) (HTTP 422).
    FileUnreadable,
    /// The malware scanner found something in the upload (HTTP 422).
    FileInfected,
    /// The file name is missing, too long, not UTF-8, or has a path or control
    /// characters in it (HTTP 422).
    FileNameInvalid,
    /// The malware scanner cannot be reached and the tenant does not accept
    /// unscanned files (HTTP 503); try again later.
    ScannerUnavailable,
    /// The tenant's file storage is full (HTTP 507).
    QuotaExceeded,
    /// A file link is malformed or its signature is wrong (HTTP 403).
    LinkInvalid,
    /// A file link has expired; ask for a fresh one (HTTP 403).
    LinkExpired,
    /// The conversation cannot be rated: it is not closed, it is not this
    /// visitor's, or the tenant does not ask for ratings.
    RatingUnavailable,
    /// The time to rate this conversation (or change its rating) is over.
    RatingExpired,
    /// The rating was already changed once; it cannot change again.
    RatingLocked,
    /// The tenant has not configured (or has switched off) email (HTTP 409).
    EmailNotConfigured,
    /// The SMTP server could not be reached or refused the message; the
    /// message summarises why, without secrets (HTTP 502).
    SmtpFailed,
    /// An inbound email's reply address has no valid signed token: forged,
    /// mistyped, or for another installation (HTTP 403).
    ReplyTokenInvalid,
    /// An inbound email's reply token is past its expiry (HTTP 403).
    ReplyTokenExpired,
    /// An inbound email could not be parsed, or has no text (HTTP 422).
    MailUnreadable,
    /// Something failed inside the relay; details are in its log, not here.
    Internal,
    /// A code this build does not know (sent by a newer relay).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The snake_case name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadJson => "bad_json",
            Self::UnknownFrame => "unknown_frame",
            Self::InvalidInput => "invalid_input",
            Self::UnsupportedVersion => "unsupported_version",
            Self::HelloRequired => "hello_required",
            Self::FrameTooLarge => "frame_too_large",
            Self::RateLimited => "rate_limited",
            Self::UnknownTenant => "unknown_tenant",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::TokenInvalid => "token_invalid",
            Self::TokenExpired => "token_expired",
            Self::InvalidCredentials => "invalid_credentials",
            Self::TooManyAttempts => "too_many_attempts",
            Self::Unauthorized => "unauthorized",
            Self::SessionExpired => "session_expired",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::AlreadyClaimed => "already_claimed",
            Self::ConversationClosed => "conversation_closed",
            Self::NoConversation => "no_conversation",
            Self::ShopClosed => "shop_closed",
            Self::TooManyConnections => "too_many_connections",
            Self::SlowConsumer => "slow_consumer",
            Self::ShuttingDown => "shutting_down",
            Self::PageUnreachable => "page_unreachable",
            Self::Conflict => "conflict",
            Self::AccountDeactivated => "account_deactivated",
            Self::InvitationInvalid => "invitation_invalid",
            Self::InvitationUsed => "invitation_used",
            Self::InvitationExpired => "invitation_expired",
            Self::FileTooLarge => "file_too_large",
            Self::FileEmpty => "file_empty",
            Self::FileTypeNotAllowed => "file_type_not_allowed",
            Self::FileTypeMismatch => "file_type_mismatch",
            Self::FileUnreadable => "file_unreadable",
            Self::FileInfected => "file_infected",
            Self::FileNameInvalid => "file_name_invalid",
            Self::ScannerUnavailable => "scanner_unavailable",
            Self::QuotaExceeded => "quota_exceeded",
            Self::LinkInvalid => "link_invalid",
            Self::LinkExpired => "link_expired",
            Self::RatingUnavailable => "rating_unavailable",
            Self::RatingExpired => "rating_expired",
            Self::RatingLocked => "rating_locked",
            Self::EmailNotConfigured => "email_not_configured",
            Self::SmtpFailed => "smtp_failed",
            Self::ReplyTokenInvalid => "reply_token_invalid",
            Self::ReplyTokenExpired => "reply_token_expired",
            Self::MailUnreadable => "mail_unreadable",
            Self::Internal => "internal",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_serde_name() {
        for code in [
            ErrorCode::BadJson,
            ErrorCode::UnknownFrame,
            ErrorCode::AlreadyClaimed,
            ErrorCode::TooManyConnections,
            ErrorCode::Conflict,
            ErrorCode::AccountDeactivated,
            ErrorCode::InvitationInvalid,
            ErrorCode::InvitationUsed,
            ErrorCode::InvitationExpired,
            ErrorCode::FileTooLarge,
            ErrorCode::FileTypeNotAllowed,
            ErrorCode::FileTypeMismatch,
            ErrorCode::FileUnreadable,
            ErrorCode::FileInfected,
            ErrorCode::FileNameInvalid,
            ErrorCode::ScannerUnavailable,
            ErrorCode::QuotaExceeded,
            ErrorCode::LinkInvalid,
            ErrorCode::LinkExpired,
            ErrorCode::FileEmpty,
            ErrorCode::RatingUnavailable,
            ErrorCode::RatingExpired,
            ErrorCode::RatingLocked,
            ErrorCode::EmailNotConfigured,
            ErrorCode::SmtpFailed,
            ErrorCode::ReplyTokenInvalid,
            ErrorCode::ReplyTokenExpired,
            ErrorCode::MailUnreadable,
            ErrorCode::Internal,
        ] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn unknown_codes_from_a_newer_relay_do_not_fail_decoding() {
        let code: ErrorCode = serde_json::from_str("\"brand_new_code\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown);
    }
}
