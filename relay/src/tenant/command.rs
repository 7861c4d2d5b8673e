//! What async code can ask of a tenant actor.

use natter_protocol::{
    AgentAdminView, AgentFrame, AgentId, AgentInfo, AgentUpdate, ConversationId, ErrorCode, IdentitySecret, Role, Seq,
    Tag, TagDraft, TagId, TenantSettings, UnixMillis, VisitorFrame, VisitorId,
};
use tokio::sync::oneshot;

use super::canned::{CannedOp, CannedResult};
use super::desk::TagRefused;
use super::hub::{ConnId, ConnSink};
use super::invitations::{InvitationRefused, InvitationRow};
use crate::auth::session::TokenHash;
use crate::store::StoreError;

/// Answer channel of a request.
pub type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

/// One request to the actor. Socket frames carry no reply channel: the actor
/// answers them by queuing frames on the socket itself.
#[derive(Debug)]
pub enum Command {
    /// A visitor socket finished its `hello`; register it, send `welcome` and replay.
    AttachVisitor {
        conn: ConnId,
        sink: ConnSink,
        visitor: VisitorId,
        user_agent: Option<String>,
        resume: Option<(ConversationId, Seq)>,
        reply: Reply<()>,
    },
    /// An agent socket sent `hello`; check the session, register, send `agent_welcome`.
    AttachAgent { conn: ConnId, sink: ConnSink, session: TokenHash, reply: Reply<Result<AgentInfo, ErrorCode>> },
    /// A socket closed.
    Detach { conn: ConnId },
    /// A frame from a registered visitor socket (never `hello`).
    Visitor { conn: ConnId, frame: VisitorFrame },
    /// A frame from a registered agent socket (never `hello`).
    Agent { conn: ConnId, frame: AgentFrame },
    /// The socket has written what it had: send the next page of its replay.
    ReplayPage { conn: ConnId },
    /// A request from HTTP handlers or the command line.
    Admin(AdminOp),
    /// Files in chat: store an upload, record a refusal, erase a conversation.
    Files(FileOp),
    /// Email: settings, the sender's claims and reports, inbound replies.
    Mail(MailOp),
    /// Inbox previews are due (an alarm the actor set itself).
    Previews,
    /// Periodic housekeeping: end idle and expired sessions, timeouts.
    Tick,
}

/// Requests that are not socket frames.
#[derive(Debug)]
pub enum AdminOp {
    /// Stores a new session; answers its absolute expiry.
    CreateSession { agent: AgentId, hash: TokenHash, reply: Reply<UnixMillis> },
    /// The agent behind a session token, if the session is live (and marks activity).
    ResolveSession { hash: TokenHash, reply: Reply<Result<AgentInfo, ErrorCode>> },
    /// Ends a session and closes its sockets; answers whether it existed.
    RevokeSession { hash: TokenHash, reply: Reply<bool> },
    /// Adds an agent; `None` if the email is taken. `by`: the admin who asked
    /// (`None`: the command line), for the audit record.
    AddAgent {
        email: String,
        name: String,
        role: Role,
        password_hash: String,
        by: Option<AgentId>,
        reply: Reply<Option<AgentInfo>>,
    },
    /// Replaces a password and ends the agent's sessions; answers whether the agent exists.
    SetPassword { email: String, password_hash: String, reply: Reply<bool> },
    /// Deletes an agent, returning their conversations to the queue.
    RemoveAgent { email: String, reply: Reply<Removal> },
    /// The tenant's identity-verification secret (created on first use), hex,
    /// with the end of a rotation's grace period.
    IdentitySecret { reply: Reply<IdentitySecret> },
    /// A new identity secret; the old one verifies for `grace_ms` more.
    RotateIdentity { grace_ms: i64, by: AgentId, reply: Reply<IdentitySecret> },
    /// Records an admin change made outside the tenant database (the shop's
    /// name, allowed origins: both live in the registry) in its audit log.
    Audit { by: AgentId, action: &'static str, detail: serde_json::Value, reply: Reply<()> },
    /// Withdraws the unused invitations of an email; answers whether there was one.
    WithdrawInvitation { email: String, by: AgentId, reply: Reply<bool> },
    /// Validates and stores new settings; answers the new version, or the
    /// offending field and why (nothing is stored then).
    PutSettings { settings: Box<TenantSettings>, reply: Reply<Result<u64, (String, String)>> },
    /// An admin changes an agent's role, skills or limit. A role change
    /// reaches the agent's open sockets at once (an `account` frame).
    UpdateAgent {
        id: AgentId,
        update: AgentUpdate,
        by: AgentInfo,
        reply: Reply<Result<AgentAdminView, AgentChangeRefused>>,
    },
    /// An admin replaces an agent's password; their sessions end at once.
    ResetPassword { id: AgentId, password_hash: String, by: AgentInfo, reply: Reply<Result<(), AgentChangeRefused>> },
    /// An admin deactivates (`active: false`) or reactivates an account. A
    /// deactivated agent's sessions end, their sockets close and their
    /// conversations go back to the queue at once; their history stays theirs.
    SetActive { id: AgentId, active: bool, by: AgentInfo, reply: Reply<Result<AgentAdminView, AgentChangeRefused>> },
    /// Creates (`id: None`) or changes a tag; answers the new tag list. Every
    /// agent socket gets the list.
    PutTag { id: Option<TagId>, draft: TagDraft, by: AgentId, reply: Reply<Result<Vec<Tag>, TagRefused>> },
    /// Deletes a tag, taking it off every conversation; answers the new list.
    DeleteTag { id: TagId, by: AgentId, reply: Reply<Result<Vec<Tag>, TagRefused>> },
    /// Stores an invitation (see [`super::invitations`]); answers its expiry.
    Invite {
        hash: TokenHash,
        invitee: InvitationRow,
        by: AgentInfo,
        reply: Reply<Result<UnixMillis, InvitationRefused>>,
    },
    /// Uses an invitation: the account is created and the link spent.
    AcceptInvitation { hash: TokenHash, password_hash: String, reply: Reply<Result<AgentInfo, InvitationRefused>> },
    /// A change to canned responses by an agent (see [`super::canned`]).
    Canned { op: CannedOp, by: AgentInfo, reply: Reply<CannedResult> },
    /// A rating from the signed rating page (the link names the conversation).
    Rate {
        conversation: ConversationId,
        draft: super::ratings::RatingDraft,
        reply: Reply<Result<natter_protocol::Rating, super::ratings::RatingRefused>>,
    },
    /// Live KPIs: the queue and the team's availability now.
    LiveKpis { reply: Reply<natter_protocol::LiveKpis> },
}

/// Why an admin's change to an agent account was refused (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentChangeRefused {
    #[error("no such agent in this tenant")]
    NoSuchAgent,
    #[error("a tenant keeps at least one active owner")]
    LastOwner,
    #[error("only an owner may change an owner, or make one")]
    OwnersOnly,
    #[error("you cannot deactivate your own account")]
    Yourself,
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
}

/// Requests about files (`tenant/files.rs`).
#[derive(Debug)]
pub enum FileOp {
    /// Stores a checked upload; answers its attachment, or `quota_exceeded`.
    Store { upload: Box<super::files::NewUpload>, reply: Reply<Result<natter_protocol::Attachment, ErrorCode>> },
    /// Records an upload the scanner refused, and tells the agents of the
    /// visitor's open conversation with an event line.
    Refused {
        uploader: super::file_queries::Uploader,
        name: String,
        sha256: String,
        signature: String,
        reply: Reply<()>,
    },
    /// Erases a closed conversation with its messages and files.
    Erase { conversation: ConversationId, reply: Reply<Result<(), super::files::EraseRefusal>> },
}

/// Requests about email (`tenant/mail.rs`).
#[derive(Debug)]
pub enum MailOp {
    /// The settings as admins see them (the password only as `password_set`).
    GetSettings { reply: Reply<natter_protocol::EmailSettings> },
    /// Stores checked settings; `password`: `None` keeps the stored one,
    /// `Some(None)` removes it, `Some(Some(sealed))` replaces it.
    PutSettings {
        settings: Box<natter_protocol::EmailSettings>,
        password: Option<Option<String>>,
        by: AgentId,
        reply: Reply<natter_protocol::EmailSettings>,
    },
    /// The settings with the sealed password (for the test email).
    Smtp { reply: Reply<(natter_protocol::EmailSettings, Option<String>)> },
    /// The sender takes up to `limit` due emails (marked `sending`).
    Claim { limit: usize, reply: Reply<super::mail::Claimed> },
    /// The sender reports how a claimed email went.
    Done { id: i64, outcome: super::mail::SendOutcome },
    /// A visitor's emailed reply, its token verified: appended as their
    /// message (idempotent on the email's Message-ID).
    Inbound {
        conversation: ConversationId,
        text: String,
        message_id: String,
        reply: Reply<Result<InboundResult, ErrorCode>>,
    },
    /// An agent's own notification preferences (`None`: read only).
    AgentPrefs {
        agent: AgentId,
        set: Option<natter_protocol::AgentEmailPrefs>,
        reply: Reply<natter_protocol::AgentEmailPrefs>,
    },
}

/// Where an inbound reply landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboundResult {
    pub conversation: ConversationId,
    pub seq: Seq,
    pub duplicate: bool,
}

/// Outcome of [`AdminOp::RemoveAgent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Removed,
    NoSuchAgent,
    /// Refused: a tenant must keep at least one owner.
    LastOwner,
}
