//! Natter's wire protocol: every frame and HTTP body exchanged between the relay,
//! the visitor widget and the agent console.
//!
//! This crate depends on serde only, so it builds for `wasm32-unknown-unknown` and
//! native alike, and knows nothing of tokio, axum or SQLite. Frames are internally
//! tagged JSON objects (`{"type": "send", ...}`); IDs are newtypes validated on
//! deserialize, so a relay or client that holds one knows it is well formed.
//! `PROTOCOL.md` at the repository root is the prose description of all of this.

mod canned;
pub mod colour;
mod desk;
mod email;
mod error;
mod files;
mod frames;
mod greetings;
mod http;
mod ids;
mod install;
mod metrics;
mod model;
pub mod origin;
mod server;
mod settings;
mod widget;
mod workspace;

pub use canned::{
    CANNED_VARIABLES, CannedDraft, CannedId, CannedImported, CannedPart, CannedResponse, CannedScope, canned_parts,
    render_canned, unknown_canned_variable,
};
pub use desk::{AssignmentRecord, Note, Tag, TagDraft};
pub use email::{AgentEmailPrefs, EmailSettings, EmailTest, EmailTestSent, InboundAccepted, SmtpSecurity};
pub use error::ErrorCode;
pub use files::{
    Attachment, AttachmentKind, FileLink, FileRefusal, FileType, MAX_ATTACHMENTS, MAX_FILE_NAME_BYTES, ScanState,
};
pub use frames::{AGENT_FRAME_TYPES, AgentFrame, VISITOR_FRAME_TYPES, VisitorFrame};
pub use greetings::{GreetingAction, GreetingAudience, GreetingRule, MAX_GREETING_RULES};
pub use http::{
    ApiError, ApiErrorBody, ConversationPage, ConversationQuery, LoginRequest, LoginResponse, SearchStatus,
};
pub use ids::{
    AgentId, ClientMsgId, ConversationId, InvalidId, MAX_NUMBER_ID, NoteId, Seq, TagId, TenantId, UnixMillis, UploadId,
    VisitorId,
};
pub use install::{
    AllowedOrigins, EmbedSurface, InstallInfo, PageCheck, PageCheckRequest, RefusalReason, RefusedEmbed,
};
pub use metrics::{
    AgentCount, AgentScorecard, Breakdown, BreakdownRow, CsatSettings, CsatTexts, Heatmap, JudgedFigure, KpiFigures,
    KpiSummary, KpiTargets, LiveKpis, MAX_RATING_COMMENT_CHARS, MetricsSettings, Rating, RatingPage, RatingRecord,
    Scorecards, TargetStatus, TrendDirection, TrendPoint, Trends,
};
pub use model::{
    AgentInfo, AgentPresence, AgentRef, AgentStatus, Author, AutoCloseReason, ConversationEvent, ConversationStatus,
    ConversationSummary, Message, MessageBody, Priority, Role, VisitorConversation, VisitorInfo,
};
pub use server::{ErrorFrame, ToAgent, ToVisitor};
pub use settings::{
    AcceptInvitation, AgentActive, AgentAdminView, AgentUpdate, BusinessHours, FieldKind, FileSettings, ForceState,
    Interval, Invitation, Invite, NewAgent, PasswordReset, PrechatField, PrechatForm, RoutingSettings, TenantSettings,
    Weekday, WidgetSettings,
};
pub use widget::{PublicWidgetConfig, WidgetPosition, WidgetTexts};
pub use workspace::{
    IdentityRotation, IdentitySecret, MAX_IDENTITY_GRACE_HOURS, MAX_SHOP_NAME_CHARS, PendingInvitation, Workspace,
};

/// The protocol version spoken by this build. A client states it in its `hello`
/// frame; the relay refuses any other with [`ErrorCode::UnsupportedVersion`].
pub const PROTOCOL_VERSION: u32 = 1;

/// Longest message text, in bytes of UTF-8, that the relay accepts by default.
pub const DEFAULT_MAX_TEXT_BYTES: usize = 4000;
