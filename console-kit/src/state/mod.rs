//! The console's whole state in one store, changed only by [`Store::apply`] with an
//! [`Action`]; what must happen outside (socket frames, storage, sounds) comes back
//! as [`Effect`]s for the browser glue to carry out. Pure: no browser, no clock, no
//! randomness (times and jitter arrive inside actions), so it is unit-tested
//! natively.

pub mod admin;
pub mod analytics;
pub use natter_browser::backoff;
pub mod canned;
pub mod conv;
pub mod desk;
pub mod email;
pub mod files;
mod follow;
pub mod greetings;
pub mod idle;
pub mod inbox;
pub mod invitations;
pub mod join;
pub mod notify;
pub mod outbox;
pub mod past;
pub mod shortcuts;
pub mod team;
#[cfg(test)]
mod tests;
pub mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use natter_protocol::{
    AgentFrame, AgentId, AgentInfo, AgentPresence, AgentStatus, Attachment, Author, ClientMsgId, ConversationId,
    ConversationPage, ConversationStatus, ConversationSummary, DEFAULT_MAX_TEXT_BYTES, ErrorCode, ErrorFrame,
    LoginResponse, Message, MessageBody, Note, PROTOCOL_VERSION, Priority, Seq, Tag, TenantId, ToAgent, UnixMillis,
    UploadId, VisitorId,
};
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use admin::{AdminAction, AdminState};
use canned::{CannedAction, CannedCall, CannedState};
use conv::{ConvState, Label, TYPING_TTL_MS};
use desk::{Desk, DeskAction};
use files::{FileRef, LinkAnswer, LinkState, PickedFile, UploadError, Uploads};
use idle::IdleStatus;
use inbox::InboxTab;
use notify::{Alert, AlertKind, Notifier, NotifySettings};
use outbox::{Outbox, Pending, PendingState};
use past::{HistorySearch, Lookup};
use shortcuts::Shortcut;

/// At most this many conversations are open side by side.
pub const MAX_OPEN: usize = 8;
/// Notices disappear after this long.
pub const NOTICE_TTL_MS: i64 = 15_000;
/// While the agent keeps typing, `typing on` is repeated this often.
pub const TYPING_RESEND_MS: i64 = 4_000;
/// `typing off` goes out after this long without input.
pub const TYPING_IDLE_MS: i64 = 3_000;
/// Syncs are paced so a welcome with many conversations stays under the relay's
/// per-socket frame rate (10/s, bursts of 40 by default): this many at once…
pub const SYNC_BURST: u32 = 30;
/// …then this many more per second.
pub const SYNC_PER_TICK: u32 = 6;
/// While the agent is at the console, an `activity` frame goes out at most this
/// often (the relay's auto-away needs minutes; any other frame counts too).
pub const ACTIVITY_FRAME_MS: i64 = 60_000;
/// A sync with no answer for this long is asked again (the relay's rate limiter
/// drops frames without saying which).
pub const SYNC_TIMEOUT_MS: i64 = 10_000;

/// A signed-in agent session, kept in localStorage across reloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub tenant: TenantId,
    pub token: String,
    pub agent: AgentInfo,
    pub expires_at: UnixMillis,
    pub idle_timeout_secs: u64,
}

impl Session {
    pub fn owner(&self) -> Owner {
        Owner { tenant: self.tenant.clone(), agent: self.agent.id }
    }
}

/// Whose drafts these are: drafts survive an expired session, and come back when
/// the same agent of the same tenant signs in again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Owner {
    pub tenant: TenantId,
    pub agent: AgentId,
}

/// Remembered preferences.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Settings {
    #[serde(default)]
    pub notify: NotifySettings,
    #[serde(default)]
    pub locale: Locale,
}

/// The sign-in form's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SignInState {
    #[default]
    Idle,
    Submitting,
    Failed(SignInError),
}

/// Why a sign-in failed, in terms the form can word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// Wrong email or password (never which).
    InvalidCredentials,
    TooManyAttempts {
        retry_after_secs: Option<u64>,
    },
    UnknownTenant,
    /// The relay could not be reached.
    Unreachable,
    /// Anything else, with the relay's message.
    Other(String),
}

/// Why the agent is back at the sign-in form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOut {
    /// The relay ended the session (expired, revoked).
    Expired,
    /// No activity for the idle timeout.
    Idle,
}

/// The agent socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Conn {
    /// Signed out: no socket wanted.
    #[default]
    Offline,
    /// Opening, or open and waiting for `agent_welcome`.
    Connecting {
        attempt: u32,
    },
    Online,
    /// Dropped; the next attempt is at `at`.
    Retrying {
        attempt: u32,
        at: UnixMillis,
    },
}

impl Conn {
    /// Whether the "reconnecting…" banner shows.
    pub fn reconnecting(self) -> bool {
        matches!(self, Conn::Retrying { .. } | Conn::Connecting { attempt: 1.. })
    }
}

/// The page the console shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// Inbox and conversations.
    #[default]
    Inbox,
    /// Workspace settings (owners and admins).
    Admin,
    /// Canned responses (every agent).
    Canned,
    /// KPIs and charts (owners and admins); a plain agent's own scorecard.
    Analytics,
}

/// Which pane a phone shows: the console's columns one at a time (wider screens
/// show them side by side and ignore this).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Inbox,
    Conversation,
    Details,
}

/// A modal or overlay on top of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    Help,
    Settings,
    Transfer(ConversationId),
    ConfirmClose(ConversationId),
    /// An image attachment shown large: the `index`-th attachment of message `seq`.
    Lightbox {
        conversation: ConversationId,
        seq: Seq,
        index: usize,
    },
}

/// A message to the agent about something that went wrong or needs attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: u64,
    pub at: UnixMillis,
    pub conversation_id: Option<ConversationId>,
    pub kind: NoticeKind,
}

/// What a notice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeKind {
    /// Lost a claim race: `by` is who has it, when known; `detail` the relay's words.
    AlreadyClaimed { by: Option<String>, detail: String },
    /// A message went to a conversation that had just closed; its text is back in the composer.
    ClosedTextKept,
    /// An action on a conversation that is closed.
    ConversationClosed,
    /// The message is longer than the relay accepts.
    TooLong,
    /// Any other refusal from the relay.
    Refused { code: ErrorCode, detail: String },
    /// More files than one message takes; the extra ones were left out.
    TooManyFiles,
    /// Send pressed while files are still uploading.
    FilesUploading,
    /// A file asked for is no longer on the relay.
    FileGone,
    /// Fresh links to a file could not be fetched.
    FileUnreachable,
}

/// Something for screen readers' polite live region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announce {
    NewVisitor(Label),
    NewMessage(Label),
    TransferredToMe(Label),
    /// A colleague's note names this agent.
    Mentioned(Label),
}

/// What the glue should focus after rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusTarget {
    Composer(ConversationId),
    Inbox,
    SignIn,
}

/// Timing of the current sign-in, for the benchmark: sign-in answered → inbox live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Metrics {
    pub signed_in_at: Option<UnixMillis>,
    pub inbox_ready_at: Option<UnixMillis>,
}

/// The console agent's own typing state in one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypingOut {
    pub sent_at: UnixMillis,
    pub input_at: UnixMillis,
}

/// Everything that changes the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Page load, with what localStorage held.
    Boot {
        now: UnixMillis,
        session: Option<Session>,
        last_activity: Option<UnixMillis>,
        drafts: BTreeMap<ConversationId, String>,
        outbox: Outbox,
        settings: Settings,
        focused: bool,
    },
    /// Once a second.
    Tick {
        now: UnixMillis,
    },
    /// The agent moved, typed or clicked (throttled by the glue).
    Activity {
        now: UnixMillis,
    },
    WindowFocus {
        focused: bool,
        now: UnixMillis,
    },
    SignInStarted,
    /// Login succeeded; `drafts`/`outbox` are what storage held for this agent.
    SignedIn {
        now: UnixMillis,
        tenant: TenantId,
        response: LoginResponse,
        drafts: BTreeMap<ConversationId, String>,
        outbox: Outbox,
    },
    SignInFailed(SignInError),
    Logout,
    SocketOpened,
    /// The socket closed or failed; `jitter` in 0..=1000 spreads the retry.
    SocketClosed {
        now: UnixMillis,
        jitter: u16,
    },
    Frame {
        now: UnixMillis,
        frame: ToAgent,
    },
    SelectTab(InboxTab),
    Search(String),
    Open(ConversationId),
    CloseView(ConversationId),
    Shortcut(Shortcut),
    DraftChanged {
        id: ConversationId,
        text: String,
        now: UnixMillis,
    },
    /// Send the draft of conversation `id` as a message with this fresh `client_id`.
    Send {
        id: ConversationId,
        client_id: ClientMsgId,
        now: UnixMillis,
    },
    Retry(ClientMsgId),
    /// Take a failed message back into the composer.
    EditFailed(ClientMsgId),
    Claim(ConversationId),
    Transfer {
        id: ConversationId,
        to: AgentId,
        note: String,
    },
    CloseConversation(ConversationId),
    /// The agent chooses their availability.
    SetStatus(AgentStatus),
    SetPriority {
        id: ConversationId,
        priority: Priority,
    },
    /// Back to the queue of a skill (department).
    TransferToSkill {
        id: ConversationId,
        skill: String,
        note: String,
    },
    ShowView(View),
    /// On a phone: show this pane (the back buttons and "Details").
    ShowPane(Pane),
    /// One step from the inbox row: claim a waiting conversation and open it.
    ClaimNow(ConversationId),
    /// Hide the "new conversation assigned to you" banner.
    DismissAssigned,
    Admin(AdminAction),
    /// Notes, mentions and tags (see `desk.rs`).
    Desk(DeskAction),
    Canned(CannedAction),
    ShowDialog(Option<Dialog>),
    DismissNotice(u64),
    SetSettings(Settings),
    /// The relay's answer to [`Effect::FindConversations`] (an error's words on failure).
    Found {
        lookup: Lookup,
        page: Result<ConversationPage, String>,
    },
    /// The next page of the inbox search (or of the Closed tab's listing).
    MoreFound,
    /// The agent picked, pasted or dropped files into conversation `id`'s composer.
    Attach {
        id: ConversationId,
        files: Vec<PickedFile>,
    },
    /// `sent` bytes of upload `key` have gone out.
    UploadProgress {
        key: u64,
        sent: u64,
    },
    /// The relay's answer to [`Effect::Upload`].
    Uploaded {
        key: u64,
        result: Result<Attachment, UploadError>,
    },
    /// Remove a file from its composer (stopping its upload).
    CancelUpload(u64),
    RetryUpload(u64),
    /// An attachment's links failed or are too old (a thumbnail did not load,
    /// the lightbox opens): fetch fresh ones.
    NeedLink(UploadId),
    /// Download an attachment whose links are too old to open as they are.
    Download {
        id: UploadId,
        name: String,
    },
    /// The relay's answer to [`Effect::FetchLink`].
    Linked {
        id: UploadId,
        answer: LinkAnswer,
    },
}

/// What the glue must do after an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Open the agent socket after this delay (closing any old one).
    Connect {
        delay_ms: u32,
    },
    Disconnect,
    Send(AgentFrame),
    SaveSession(Option<Session>),
    SaveActivity(UnixMillis),
    /// Persist this agent's drafts and unacknowledged messages.
    SaveDrafts {
        owner: Owner,
        drafts: BTreeMap<ConversationId, String>,
        outbox: Outbox,
    },
    ClearDrafts(Owner),
    SaveSettings(Settings),
    /// `POST /v1/agent/logout` with this token (best effort).
    Logout {
        token: String,
    },
    Alert(Alert),
    Focus(FocusTarget),
    /// `GET /v1/admin/settings`, `/v1/admin/agents` and `/v1/admin/identity`,
    /// answered with `AdminAction::Loaded`.
    LoadAdmin {
        token: String,
    },
    /// `PUT` the settings, then each changed agent; answered with `Saved` or `SaveFailed`.
    SaveAdmin {
        token: String,
        save: Box<admin::Save>,
    },
    /// `GET /v1/agent/conversations`, answered with [`Action::Found`].
    FindConversations {
        token: String,
        lookup: Lookup,
    },
    /// `POST /v1/uploads?name=…` with the picked file, reporting progress with
    /// [`Action::UploadProgress`]; answered with [`Action::Uploaded`].
    Upload {
        key: u64,
        file: FileRef,
        name: String,
        token: String,
    },
    /// Stop upload `key` (its answer, if any, is ignored).
    AbortUpload(u64),
    /// The glue may let go of these picked files (sent, removed or refused).
    DropFiles(Vec<FileRef>),
    /// `GET /v1/uploads/{id}/link`, answered with [`Action::Linked`].
    FetchLink {
        token: String,
        id: UploadId,
    },
    /// Start downloading this (fresh, signed) link under this name.
    Download {
        url: String,
        name: String,
    },
    /// A canned responses call to the relay (see `canned.rs`).
    Canned {
        token: String,
        call: CannedCall,
    },
}

/// The store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Store {
    pub now: UnixMillis,
    pub session: Option<Session>,
    pub sign_in: SignInState,
    pub signed_out: Option<SignedOut>,
    pub last_activity: UnixMillis,
    pub conn: Conn,
    /// An `agent_welcome` arrived at least once in this session (later ones are resumes).
    pub welcomed: bool,
    pub agents: Vec<AgentInfo>,
    pub convs: BTreeMap<ConversationId, Rc<ConvState>>,
    /// Messages for conversations not (yet) known, merged when their summary comes.
    pub orphans: BTreeMap<ConversationId, Vec<Message>>,
    pub tab: InboxTab,
    pub search: String,
    /// Open conversations, in the order of the switcher.
    pub open: Vec<ConversationId>,
    pub focused: Option<ConversationId>,
    pub drafts: BTreeMap<ConversationId, String>,
    pub drafts_owner: Option<Owner>,
    pub outbox: Outbox,
    pub typing_out: BTreeMap<ConversationId, TypingOut>,
    pub notices: Vec<Notice>,
    pub next_notice: u64,
    pub notifier: Notifier,
    pub settings: Settings,
    pub window_focused: bool,
    pub dialog: Option<Dialog>,
    pub announce: Option<(u64, Announce)>,
    pub metrics: Metrics,
    /// How many syncs may be sent now (refilled by the tick, reset on welcome).
    pub sync_tokens: u32,
    /// Conversations this socket sent `sync` for and has not unwatched since: the
    /// relay sends it their live frames (see `follow.rs`). Empty on a new socket.
    pub watched: BTreeSet<ConversationId>,
    /// Every agent's availability and load, as the relay last said.
    pub presence: BTreeMap<AgentId, AgentPresence>,
    /// When the last `activity` frame went out.
    pub activity_sent_at: Option<UnixMillis>,
    /// The agent chose "away" (so being away is not idleness to undo).
    pub chose_away: bool,
    pub view: View,
    /// The pane a phone shows.
    pub pane: Pane,
    /// A conversation someone else gave this agent, announced by a banner until
    /// opened or dismissed.
    pub assigned_banner: Option<ConversationId>,
    pub admin: AdminState,
    /// The inbox search over the relay's history, and the Closed tab's listing and count.
    pub history: HistorySearch,
    /// Each visitor's conversations as the relay listed them, newest first
    /// (`None` while the request is out).
    pub earlier: BTreeMap<VisitorId, Option<Vec<ConversationId>>>,
    /// The tenant's tag list, as the relay last sent it.
    pub tags: Vec<Tag>,
    /// Internal notes of the conversations this console follows, oldest first.
    pub notes: BTreeMap<ConversationId, Vec<Note>>,
    /// Conversations with a note mentioning this agent that they have not opened since.
    pub mentioned: BTreeSet<ConversationId>,
    /// Files in the composers (see `files.rs`).
    pub uploads: Uploads,
    /// Fresh links fetched for attachments whose own links expired.
    pub links: BTreeMap<UploadId, LinkState>,
    /// Notes on their way, the note box, the inbox's tag filter (see `desk.rs`).
    pub desk: Desk,
    /// Canned responses: the list, the `/` picker, quick replies, the management screen.
    pub canned: CannedState,
    /// How many `metrics_changed` frames arrived: the Analytics screen refetches when it moves.
    pub metrics_rev: u64,
}

impl Store {
    /// Applies one action and returns what the glue must do.
    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        let mut fx = Vec::new();
        match action {
            Action::Boot { now, session, last_activity, drafts, outbox, settings, focused } => {
                self.now = now;
                self.settings = settings;
                self.window_focused = focused;
                if let Some(session) = session {
                    let owner = session.owner();
                    self.drafts_owner = Some(owner);
                    self.drafts = drafts;
                    self.outbox = outbox;
                    let last = last_activity.unwrap_or(now);
                    let idle = idle::status(now, last, session.idle_timeout_secs);
                    if now >= session.expires_at {
                        self.signed_out = Some(SignedOut::Expired);
                        fx.push(Effect::SaveSession(None));
                    } else if idle == IdleStatus::Expired {
                        self.signed_out = Some(SignedOut::Idle);
                        fx.push(Effect::SaveSession(None));
                        fx.push(Effect::Logout { token: session.token });
                    } else {
                        self.last_activity = last;
                        self.session = Some(session);
                        self.conn = Conn::Connecting { attempt: 0 };
                        self.metrics = Metrics { signed_in_at: Some(now), inbox_ready_at: None };
                        fx.push(Effect::Connect { delay_ms: 0 });
                    }
                }
            }
            Action::Tick { now } => self.tick(now, &mut fx),
            Action::Activity { now } => {
                if self.session.is_some() {
                    self.last_activity = now;
                    fx.push(Effect::SaveActivity(now));
                    self.report_activity(now, &mut fx);
                }
            }
            Action::WindowFocus { focused, now } => {
                self.window_focused = focused;
                if focused && self.session.is_some() {
                    self.last_activity = now;
                    if let Some(id) = self.focused {
                        self.mark_seen(id, &mut fx);
                    }
                }
            }
            Action::SignInStarted => self.sign_in = SignInState::Submitting,
            Action::SignInFailed(error) => self.sign_in = SignInState::Failed(error),
            Action::SignedIn { now, tenant, response, drafts, outbox } => {
                let session = Session {
                    tenant,
                    token: response.token,
                    agent: response.agent,
                    expires_at: response.expires_at,
                    idle_timeout_secs: response.idle_timeout_secs,
                };
                let owner = session.owner();
                if self.drafts_owner.as_ref() == Some(&owner) {
                    // Same agent again (after an expiry): what is in memory is newest.
                    for (id, text) in drafts {
                        self.drafts.entry(id).or_insert(text);
                    }
                    for p in outbox.items {
                        self.outbox.push(p);
                    }
                } else {
                    self.drafts = drafts;
                    self.outbox = outbox;
                    self.convs.clear();
                    self.orphans.clear();
                    self.open.clear();
                    self.focused = None;
                    self.drafts_owner = Some(owner);
                }
                self.outbox.requeue();
                self.now = now;
                self.last_activity = now;
                self.sign_in = SignInState::Idle;
                self.signed_out = None;
                self.welcomed = false;
                self.conn = Conn::Connecting { attempt: 0 };
                self.metrics = Metrics { signed_in_at: Some(now), inbox_ready_at: None };
                fx.push(Effect::SaveSession(Some(session.clone())));
                fx.push(Effect::SaveActivity(now));
                self.session = Some(session);
                fx.push(Effect::Connect { delay_ms: 0 });
            }
            Action::Logout => {
                self.drop_all_uploads(&mut fx);
                if let Some(session) = self.session.take() {
                    fx.push(Effect::Logout { token: session.token.clone() });
                    fx.push(Effect::ClearDrafts(session.owner()));
                }
                fx.push(Effect::Disconnect);
                fx.push(Effect::SaveSession(None));
                let settings = self.settings;
                let focused = self.window_focused;
                *self = Store { settings, window_focused: focused, now: self.now, ..Store::default() };
                fx.push(Effect::Focus(FocusTarget::SignIn));
            }
            Action::SocketOpened => {
                if let Some(session) = &self.session {
                    fx.push(Effect::Send(AgentFrame::Hello { v: PROTOCOL_VERSION, token: session.token.clone() }));
                    if let Conn::Retrying { attempt, .. } = self.conn {
                        self.conn = Conn::Connecting { attempt };
                    }
                }
            }
            Action::SocketClosed { now, jitter } => self.socket_closed(now, jitter, &mut fx),
            Action::Frame { now, frame } => {
                self.now = now;
                self.frame(frame, &mut fx);
            }
            Action::SelectTab(tab) => {
                let listing = tab == InboxTab::Closed && self.search.trim().is_empty();
                self.tab = tab;
                // A search's results already cover every tab; the Closed listing is fetched afresh.
                if listing || self.history.q != self.search.trim() {
                    self.refresh_history(&mut fx);
                }
            }
            Action::Search(s) => {
                self.search = s;
                self.refresh_history(&mut fx);
            }
            Action::Found { lookup, page } => self.found(lookup, page),
            Action::MoreFound => self.more_history(&mut fx),
            Action::Open(id) => self.open_conversation(id, &mut fx),
            Action::CloseView(id) => {
                if let Some(pos) = self.open.iter().position(|&o| o == id) {
                    self.open.remove(pos);
                    if self.focused == Some(id) {
                        self.focused = self.open.get(pos).or_else(|| self.open.last()).copied();
                    }
                    if self.focused.is_none() {
                        // Nothing left to show: a phone goes back to the inbox.
                        self.pane = Pane::Inbox;
                    }
                }
            }
            Action::Shortcut(s) => self.shortcut(s, &mut fx),
            Action::DraftChanged { id, text, now } => self.draft_changed(id, text, now, &mut fx),
            Action::Send { id, client_id, now } => self.send(id, client_id, now, &mut fx),
            Action::Retry(client_id) => {
                if let Some(p) = self.outbox.get_mut(&client_id)
                    && matches!(p.state, PendingState::Failed(_))
                {
                    p.state = PendingState::Queued;
                    self.flush_outbox(&mut fx);
                    self.save_drafts(&mut fx);
                }
            }
            Action::EditFailed(client_id) => {
                if let Some(p) = self.outbox.take(&client_id) {
                    self.restore_text(p.conversation_id, &p.text);
                    self.restore_attachments(p.conversation_id, p.attachments);
                    self.canned.restore_quick(p.conversation_id, p.quick_replies);
                    self.save_drafts(&mut fx);
                    fx.push(Effect::Focus(FocusTarget::Composer(p.conversation_id)));
                }
            }
            Action::Claim(id) => {
                let online = self.conn == Conn::Online;
                if let Some(c) = self.conv_mut(id)
                    && online
                    && c.summary.status == ConversationStatus::Waiting
                    && !c.claiming
                {
                    c.claiming = true;
                    fx.push(Effect::Send(AgentFrame::Claim { conversation_id: id }));
                }
            }
            Action::Transfer { id, to, note } => {
                let note = note.trim();
                let note = (!note.is_empty()).then(|| note.to_owned());
                if self.conn == Conn::Online {
                    fx.push(Effect::Send(AgentFrame::Transfer { conversation_id: id, to, note }));
                }
                self.dialog = None;
            }
            Action::CloseConversation(id) => {
                if self.conn == Conn::Online {
                    fx.push(Effect::Send(AgentFrame::Close { conversation_id: id }));
                }
                self.dialog = None;
            }
            Action::SetStatus(status) => {
                if self.conn == Conn::Online && status != AgentStatus::Busy {
                    self.chose_away = status == AgentStatus::Away;
                    fx.push(Effect::Send(AgentFrame::SetStatus { status }));
                }
            }
            Action::SetPriority { id, priority } => {
                if self.conn == Conn::Online && self.convs.get(&id).is_some_and(|c| c.is_open()) {
                    fx.push(Effect::Send(AgentFrame::SetPriority { conversation_id: id, priority }));
                }
            }
            Action::TransferToSkill { id, skill, note } => {
                let note = note.trim();
                let note = (!note.is_empty()).then(|| note.to_owned());
                let skill = skill.trim().to_owned();
                if self.conn == Conn::Online && !skill.is_empty() {
                    fx.push(Effect::Send(AgentFrame::TransferToSkill { conversation_id: id, skill, note }));
                }
                self.dialog = None;
            }
            Action::ShowView(view) => self.show_view(view, &mut fx),
            Action::ShowPane(pane) => {
                self.pane = if self.focused.is_none() { Pane::Inbox } else { pane };
                if self.pane == Pane::Inbox {
                    fx.push(Effect::Focus(FocusTarget::Inbox));
                }
            }
            Action::ClaimNow(id) => {
                self.open_conversation(id, &mut fx);
                self.apply_into(Action::Claim(id), &mut fx);
            }
            Action::DismissAssigned => self.assigned_banner = None,
            Action::Admin(a) => {
                if let (Some(save), Some(s)) = (self.admin.apply(a), &self.session) {
                    fx.push(Effect::SaveAdmin { token: s.token.clone(), save: Box::new(save) });
                }
            }
            Action::Desk(a) => self.desk_action(a, &mut fx),
            Action::Canned(a) => self.canned_action(a, &mut fx),
            Action::ShowDialog(d) => self.dialog = d,
            Action::DismissNotice(id) => self.notices.retain(|n| n.id != id),
            Action::SetSettings(s) => {
                self.settings = s;
                fx.push(Effect::SaveSettings(s));
            }
            Action::Attach { id, files } => self.attach(id, files, &mut fx),
            Action::UploadProgress { key, sent } => self.upload_progress(key, sent),
            Action::Uploaded { key, result } => self.uploaded(key, result, &mut fx),
            Action::CancelUpload(key) => self.cancel_upload(key, &mut fx),
            Action::RetryUpload(key) => self.retry_upload(key, &mut fx),
            Action::NeedLink(id) => self.need_link(id, &mut fx),
            Action::Download { id, name } => self.download(id, name, &mut fx),
            Action::Linked { id, answer } => self.linked(id, answer, &mut fx),
        }
        self.follow(&mut fx);
        fx
    }

    // ----- queries used by the views -----

    pub fn me(&self) -> Option<&AgentInfo> {
        self.session.as_ref().map(|s| &s.agent)
    }

    pub fn my_id(&self) -> AgentId {
        self.session.as_ref().map_or(AgentId(0), |s| s.agent.id)
    }

    /// Whether this agent may manage the workspace (settings, team overview).
    pub fn is_admin(&self) -> bool {
        self.me().is_some_and(|a| a.role.is_admin())
    }

    /// This agent's availability as the relay sees it (online until told otherwise).
    pub fn my_status(&self) -> AgentStatus {
        self.presence.get(&self.my_id()).map_or(AgentStatus::Online, |p| p.status)
    }

    /// Every agent with their presence, for the team overview (by name).
    pub fn team(&self) -> Vec<(&AgentInfo, Option<&AgentPresence>)> {
        let mut list: Vec<_> = self.agents.iter().map(|a| (a, self.presence.get(&a.id))).collect();
        list.sort_by(|a, b| a.0.name.to_lowercase().cmp(&b.0.name.to_lowercase()).then(a.0.id.cmp(&b.0.id)));
        list
    }

    /// Skills known in the team (for "transfer to a department"), sorted.
    pub fn skills(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self.presence.values().flat_map(|p| p.skills.iter()).collect();
        set.into_iter().cloned().collect()
    }

    /// A waiting conversation's place in the queue (1 = next): the relay's word
    /// when it sends one, else the relay's rule (priority, then arrival).
    pub fn queue_position(&self, id: ConversationId) -> Option<u32> {
        let c = self.convs.get(&id)?;
        if c.summary.status != ConversationStatus::Waiting {
            return None;
        }
        if let Some(p) = c.summary.queue_position {
            return Some(p);
        }
        let ids =
            inbox::row_ids(self.convs.values().map(|c| &**c), InboxTab::Waiting, self.my_id(), "", &BTreeSet::new());
        ids.iter().position(|&i| i == id).and_then(|p| u32::try_from(p + 1).ok())
    }

    pub fn conv(&self, id: ConversationId) -> Option<&Rc<ConvState>> {
        self.convs.get(&id)
    }

    /// Conversations of a tab, in display order.
    pub fn rows(&self, tab: InboxTab) -> Vec<&ConvState> {
        let search = self.search.trim().to_lowercase();
        let hits = if self.history.q.to_lowercase() == search { &self.history.hits } else { &BTreeSet::new() };
        let convs = self.convs.values().map(|c| &**c).filter(|c| self.passes_tag_filter(c));
        inbox::rows(convs, tab, self.my_id(), &search, hits)
    }

    /// The badge of a tab: what this console holds, or for the Closed tab the
    /// tenant's total once the relay told it.
    pub fn tab_count(&self, tab: InboxTab) -> usize {
        let held = inbox::count(self.convs.values().map(|c| &**c), tab, self.my_id());
        match (tab, self.history.closed_total) {
            (InboxTab::Closed, Some(total)) => held.max(usize::try_from(total).unwrap_or(usize::MAX)),
            _ => held,
        }
    }

    /// The number in the window title: unread visitor messages in the queue and in
    /// this agent's conversations.
    pub fn title_count(&self) -> usize {
        let me = self.my_id();
        self.convs
            .values()
            .filter(|c| c.summary.status == ConversationStatus::Waiting || c.assigned_to(me))
            .map(|c| c.unread())
            .sum()
    }

    pub fn idle_status(&self) -> IdleStatus {
        match &self.session {
            Some(s) => idle::status(self.now, self.last_activity, s.idle_timeout_secs),
            None => IdleStatus::Active,
        }
    }

    pub fn draft(&self, id: ConversationId) -> &str {
        self.drafts.get(&id).map_or("", String::as_str)
    }

    /// Whether this agent may write in the conversation now.
    pub fn can_reply(&self, id: ConversationId) -> bool {
        self.convs.get(&id).is_some_and(|c| c.assigned_to(self.my_id()))
    }

    // ----- internals -----

    fn show_view(&mut self, view: View, fx: &mut Vec<Effect>) {
        let view = if view == View::Admin && !self.is_admin() { View::Inbox } else { view };
        if view == View::Canned && self.view != View::Canned {
            // Fresh each time: colleagues add and use responses.
            self.load_canned(fx);
        }
        if view == View::Admin && self.view != View::Admin {
            // Fresh from the relay each time: another admin may have changed it.
            self.admin = AdminState::default();
            if let Some(s) = &self.session {
                fx.push(Effect::LoadAdmin { token: s.token.clone() });
            }
        }
        self.view = view;
        self.dialog = None;
    }

    /// Tells the relay the agent is here, at most once a minute, or at once when
    /// the relay has them away for idleness (so they come back as soon as they move).
    fn report_activity(&mut self, now: UnixMillis, fx: &mut Vec<Effect>) {
        if self.conn != Conn::Online {
            return;
        }
        let idle_away = self.my_status() == AgentStatus::Away && !self.chose_away;
        let due = self.activity_sent_at.is_none_or(|t| now.0 - t.0 >= ACTIVITY_FRAME_MS);
        if due || idle_away {
            self.activity_sent_at = Some(now);
            fx.push(Effect::Send(AgentFrame::Activity));
        }
    }

    fn conv_mut(&mut self, id: ConversationId) -> Option<&mut ConvState> {
        self.convs.get_mut(&id).map(Rc::make_mut)
    }

    fn notice(&mut self, conversation_id: Option<ConversationId>, kind: NoticeKind) {
        self.next_notice += 1;
        let id = self.next_notice;
        // One notice per conversation and kind: a repeat replaces the old one.
        self.notices.retain(|n| !(n.conversation_id == conversation_id && n.kind == kind));
        self.notices.push(Notice { id, at: self.now, conversation_id, kind });
    }

    fn announce(&mut self, a: Announce) {
        let n = self.announce.as_ref().map_or(0, |(n, _)| n + 1);
        self.announce = Some((n, a));
    }

    fn save_drafts(&self, fx: &mut Vec<Effect>) {
        if let Some(owner) = &self.drafts_owner {
            fx.push(Effect::SaveDrafts {
                owner: owner.clone(),
                drafts: self.drafts.clone(),
                outbox: self.outbox.clone(),
            });
        }
    }

    fn end_session(&mut self, reason: SignedOut, fx: &mut Vec<Effect>) {
        let Some(session) = self.session.take() else { return };
        if reason == SignedOut::Idle {
            fx.push(Effect::Logout { token: session.token });
        }
        fx.push(Effect::Disconnect);
        fx.push(Effect::SaveSession(None));
        self.signed_out = Some(reason);
        self.sign_in = SignInState::Idle;
        self.conn = Conn::Offline;
        self.dialog = None;
        self.typing_out.clear();
        self.watched.clear();
        self.outbox.requeue();
        self.desk.notes_out.requeue();
        for c in self.convs.values_mut() {
            let c = Rc::make_mut(c);
            c.syncing = false;
            c.claiming = false;
        }
        // Drafts and unsent messages stay, in memory and in storage.
        self.save_drafts(fx);
        fx.push(Effect::Focus(FocusTarget::SignIn));
    }

    fn tick(&mut self, now: UnixMillis, fx: &mut Vec<Effect>) {
        self.now = now;
        if let Some(s) = &self.session {
            if now >= s.expires_at {
                self.end_session(SignedOut::Expired, fx);
            } else if self.idle_status() == IdleStatus::Expired {
                self.end_session(SignedOut::Idle, fx);
            }
        }
        let stale: Vec<ConversationId> =
            self.typing_out.iter().filter(|(_, t)| now.0 - t.input_at.0 >= TYPING_IDLE_MS).map(|(id, _)| *id).collect();
        for id in stale {
            self.typing_out.remove(&id);
            if self.conn == Conn::Online {
                fx.push(Effect::Send(AgentFrame::Typing { conversation_id: id, on: false }));
            }
        }
        if self.conn == Conn::Online {
            self.sync_tokens = (self.sync_tokens + SYNC_PER_TICK).min(SYNC_BURST);
            for c in self.convs.values_mut() {
                if c.syncing && c.sync_started_at.is_none_or(|t| now.0 - t.0 >= SYNC_TIMEOUT_MS) {
                    let c = Rc::make_mut(c);
                    c.syncing = false;
                    c.sync_wanted = true;
                    // Perhaps dropped unread, so perhaps not watched: asked again if still wanted.
                    self.watched.remove(&c.id());
                }
            }
            self.pump_syncs(fx);
            self.flush_outbox(fx);
            self.flush_notes(fx);
        }
        self.notices.retain(|n| now.0 - n.at.0 < NOTICE_TTL_MS);
    }

    fn socket_closed(&mut self, now: UnixMillis, jitter: u16, fx: &mut Vec<Effect>) {
        self.outbox.requeue();
        self.desk.notes_out.requeue();
        self.typing_out.clear();
        // Watches are the socket's: the next one starts with none.
        self.watched.clear();
        for c in self.convs.values_mut() {
            if c.syncing || c.claiming || c.visitor_typing_until.is_some() {
                let c = Rc::make_mut(c);
                c.syncing = false;
                c.claiming = false;
                c.visitor_typing_until = None;
            }
        }
        if self.session.is_none() {
            self.conn = Conn::Offline;
            return;
        }
        let attempt = match self.conn {
            Conn::Connecting { attempt } | Conn::Retrying { attempt, .. } => attempt + 1,
            Conn::Online | Conn::Offline => 1,
        };
        let delay = backoff::delay_ms(attempt, jitter);
        self.conn = Conn::Retrying { attempt, at: UnixMillis(now.0 + i64::from(delay)) };
        fx.push(Effect::Connect { delay_ms: delay });
    }

    fn flush_outbox(&mut self, fx: &mut Vec<Effect>) {
        if self.conn != Conn::Online {
            return;
        }
        for p in self.outbox.flush(self.now) {
            fx.push(Effect::Send(AgentFrame::Send {
                conversation_id: p.conversation_id,
                client_id: p.client_id,
                text: p.text,
                attachments: p.attachments.into_iter().map(|a| a.id).collect(),
                quick_replies: p.quick_replies,
            }));
        }
    }

    /// Puts `text` back in the composer of `id`, before whatever is there.
    fn restore_text(&mut self, id: ConversationId, text: &str) {
        let draft = self.drafts.entry(id).or_default();
        if draft.is_empty() {
            *draft = text.to_owned();
        } else if !draft.starts_with(text) {
            *draft = format!("{text}\n{draft}");
        }
    }

    /// The agent is looking at `id`: clear its unread count and tell the relay.
    fn mark_seen(&mut self, id: ConversationId, fx: &mut Vec<Effect>) {
        if !self.window_focused || self.focused != Some(id) {
            return;
        }
        let me = self.my_id();
        let online = self.conn == Conn::Online;
        if let Some(c) = self.convs.get(&id) {
            let held = c.held_seq();
            let wants_read = online && c.assigned_to(me) && held > c.read_sent;
            if held > c.seen_seq || wants_read {
                let c = self.conv_mut(id).expect("present");
                c.seen_seq = c.seen_seq.max(held);
                if wants_read {
                    c.read_sent = held;
                    fx.push(Effect::Send(AgentFrame::Read { conversation_id: id, seq: held }));
                }
            }
        }
    }

    fn open_conversation(&mut self, id: ConversationId, fx: &mut Vec<Effect>) {
        if !self.convs.contains_key(&id) {
            return;
        }
        if !self.open.contains(&id) {
            if self.open.len() >= MAX_OPEN {
                let drop = self.open.iter().position(|&o| Some(o) != self.focused).unwrap_or(0);
                self.open.remove(drop);
            }
            self.open.push(id);
        }
        self.focused = Some(id);
        self.pane = Pane::Conversation;
        self.mentioned.remove(&id);
        if self.assigned_banner == Some(id) {
            self.assigned_banner = None;
        }
        if self.convs.get(&id).is_some_and(|c| c.assigned_new)
            && let Some(c) = self.conv_mut(id)
        {
            c.assigned_new = false;
        }
        if self.convs.get(&id).is_some_and(|c| c.has_gap()) {
            self.request_sync(id, fx);
        }
        self.mark_seen(id, fx);
        self.load_earlier(id, fx);
    }

    /// The visitor's conversations before this one, newest first; `None` until
    /// the relay has answered.
    pub fn earlier_of(&self, id: ConversationId) -> Option<Vec<&ConvState>> {
        let visitor = &self.convs.get(&id)?.summary.visitor_id;
        let ids = self.earlier.get(visitor)?.as_ref()?;
        Some(ids.iter().filter(|&&i| i < id).filter_map(|i| self.convs.get(i).map(|c| &**c)).collect())
    }

    fn shortcut(&mut self, s: Shortcut, fx: &mut Vec<Effect>) {
        match s {
            Shortcut::NextConversation | Shortcut::PreviousConversation => {
                let ids: Vec<ConversationId> = self.rows(self.tab).iter().map(|c| c.id()).collect();
                if ids.is_empty() {
                    return;
                }
                let pos = self.focused.and_then(|f| ids.iter().position(|&i| i == f));
                let next = match (s, pos) {
                    (Shortcut::NextConversation, Some(p)) => (p + 1) % ids.len(),
                    (Shortcut::NextConversation, None) => 0,
                    (_, Some(p)) => (p + ids.len() - 1) % ids.len(),
                    (_, None) => ids.len() - 1,
                };
                self.open_conversation(ids[next], fx);
            }
            Shortcut::OpenConversation(n) => {
                if let Some(&id) = self.open.get(n) {
                    self.open_conversation(id, fx);
                }
            }
            Shortcut::FocusComposer => {
                if let Some(id) = self.focused {
                    fx.push(Effect::Focus(FocusTarget::Composer(id)));
                }
            }
            Shortcut::FocusInbox => fx.push(Effect::Focus(FocusTarget::Inbox)),
            Shortcut::Claim => {
                if let Some(id) = self.focused {
                    self.apply_into(Action::Claim(id), fx);
                }
            }
            Shortcut::Close => {
                if let Some(id) = self.focused.filter(|&id| self.convs.get(&id).is_some_and(|c| c.is_open())) {
                    self.dialog = Some(Dialog::ConfirmClose(id));
                }
            }
            Shortcut::Transfer => {
                if let Some(id) = self.focused.filter(|&id| self.can_reply(id)) {
                    self.dialog = Some(Dialog::Transfer(id));
                }
            }
            Shortcut::Help => {
                self.dialog = if self.dialog == Some(Dialog::Help) { None } else { Some(Dialog::Help) };
            }
            Shortcut::NoteMode => {
                if let Some(id) = self.focused.filter(|&id| self.can_reply(id)) {
                    let on = !self.desk.note_mode.contains(&id);
                    self.desk_action(DeskAction::NoteMode { id, on }, fx);
                    fx.push(Effect::Focus(FocusTarget::Composer(id)));
                }
            }
            Shortcut::Escape => self.dialog = None,
        }
    }

    fn apply_into(&mut self, action: Action, fx: &mut Vec<Effect>) {
        let more = self.apply(action);
        fx.extend(more);
    }

    fn draft_changed(&mut self, id: ConversationId, text: String, now: UnixMillis, fx: &mut Vec<Effect>) {
        let empty = text.is_empty();
        if empty {
            self.drafts.remove(&id);
        } else {
            self.drafts.insert(id, text);
        }
        self.save_drafts(fx);
        if self.conn != Conn::Online || !self.can_reply(id) {
            return;
        }
        if empty {
            if self.typing_out.remove(&id).is_some() {
                fx.push(Effect::Send(AgentFrame::Typing { conversation_id: id, on: false }));
            }
            return;
        }
        let entry = self.typing_out.get(&id).copied();
        let sent_at = match entry {
            Some(t) if now.0 - t.sent_at.0 < TYPING_RESEND_MS => t.sent_at,
            _ => {
                fx.push(Effect::Send(AgentFrame::Typing { conversation_id: id, on: true }));
                now
            }
        };
        self.typing_out.insert(id, TypingOut { sent_at, input_at: now });
    }

    fn send(&mut self, id: ConversationId, client_id: ClientMsgId, now: UnixMillis, fx: &mut Vec<Effect>) {
        let text = self.draft(id).trim_end().to_owned();
        let with_files = self.uploads.ready(id);
        if text.trim().is_empty() && !with_files && !self.uploads.uploading(id) {
            return;
        }
        let Some(conv) = self.convs.get(&id) else { return };
        if conv.summary.status == ConversationStatus::Closed {
            self.notice(Some(id), NoticeKind::ConversationClosed);
            return;
        }
        if self.uploads.uploading(id) {
            // The message would go without them; the agent sends once they are up.
            self.notice(Some(id), NoticeKind::FilesUploading);
            return;
        }
        if text.len() > DEFAULT_MAX_TEXT_BYTES {
            self.notice(Some(id), NoticeKind::TooLong);
            return;
        }
        if self.outbox.items.iter().any(|p| p.client_id == client_id) {
            return; // the same message twice: it is already on its way
        }
        let text = if text.trim().is_empty() { String::new() } else { text };
        let attachments = self.take_attachments(id, fx);
        let pending = Pending {
            client_id,
            conversation_id: id,
            text,
            attachments,
            quick_replies: self.canned.take_quick(id),
            at: now,
            state: PendingState::Queued,
            sent_at: None,
        };
        if !self.outbox.push(pending) {
            return; // the same message twice: it is already on its way
        }
        self.drafts.remove(&id);
        if self.typing_out.remove(&id).is_some() && self.conn == Conn::Online {
            fx.push(Effect::Send(AgentFrame::Typing { conversation_id: id, on: false }));
        }
        self.flush_outbox(fx);
        self.save_drafts(fx);
    }

    fn frame(&mut self, frame: ToAgent, fx: &mut Vec<Effect>) {
        match frame {
            ToAgent::AgentWelcome { agent, agents, conversations, .. } => {
                self.welcome(agent, agents, conversations, fx);
            }
            ToAgent::Conversation { conversation } => self.upsert(conversation, true, fx),
            ToAgent::Message { conversation_id, message } => self.message(conversation_id, message, true, fx),
            ToAgent::History { conversation_id, messages, more } => {
                for m in messages {
                    self.message(conversation_id, m, false, fx);
                }
                let now = self.now;
                if let Some(c) = self.conv_mut(conversation_id) {
                    c.sync_started_at = Some(now);
                    if !more {
                        c.syncing = false;
                        c.gap_seen_at = c.has_gap().then_some(now);
                    }
                }
                self.mark_seen(conversation_id, fx);
                self.pump_syncs(fx);
            }
            ToAgent::Ack { conversation_id, client_id, seq, .. } => {
                if let Some(p) = self.outbox.take(&client_id) {
                    let now = self.now;
                    let me = self.me().cloned();
                    if let (Some(me), Some(c)) = (me, self.conv_mut(conversation_id)) {
                        c.insert(Message {
                            seq,
                            at: p.at,
                            author: Author::Agent { id: me.id, name: me.name },
                            body: MessageBody::Text {
                                text: p.text,
                                client_id,
                                attachments: p.attachments,
                                quick_replies: Vec::new(),
                            },
                        });
                        if c.has_gap() && c.gap_seen_at.is_none() {
                            c.gap_seen_at = Some(now);
                        }
                    }
                    self.save_drafts(fx);
                    self.mark_seen(conversation_id, fx);
                }
            }
            ToAgent::Typing { conversation_id, who, on } => {
                // Colleagues' typing is not shown; only the visitor's.
                let until = on.then(|| UnixMillis(self.now.0 + TYPING_TTL_MS));
                if let Some(c) = self.conv_mut(conversation_id).filter(|_| who == Author::Visitor) {
                    c.visitor_typing_until = until;
                }
            }
            ToAgent::Read { conversation_id, by, seq } => {
                if let Some(c) = self.conv_mut(conversation_id) {
                    match by {
                        Author::Visitor => c.summary.visitor_read_seq = c.summary.visitor_read_seq.max(seq),
                        Author::Agent { .. } => c.summary.agent_read_seq = c.summary.agent_read_seq.max(seq),
                        Author::System => {}
                    }
                }
            }
            ToAgent::Error(ErrorFrame { code, message, client_id, conversation_id, fatal }) => {
                self.error(code, message, client_id, conversation_id, fatal, fx);
            }
            ToAgent::Presence { agents } => {
                self.presence = agents.into_iter().map(|p| (p.id, p)).collect();
            }
            ToAgent::Account { agent } => self.account(agent, fx),
            ToAgent::Tags { tags } => self.tags = tags,
            // The analytics screen (loaded on demand) refetches; the inbox has nothing to update.
            ToAgent::MetricsChanged { .. } => self.metrics_rev = self.metrics_rev.wrapping_add(1),
            ToAgent::Notes { conversation_id, notes } => {
                self.notes.insert(conversation_id, notes);
            }
            ToAgent::Note { conversation_id, note } => self.note_arrived(conversation_id, note),
            ToAgent::Mention { conversation_id, note } => self.mentioned_in(conversation_id, note, fx),
        }
    }

    /// Keeps a note once (a resend or a mention of a followed conversation
    /// brings the same note twice), in id order.
    fn keep_note(&mut self, conversation_id: ConversationId, note: Note) {
        let notes = self.notes.entry(conversation_id).or_default();
        match notes.binary_search_by_key(&note.id, |n| n.id) {
            Ok(at) => notes[at] = note,
            Err(at) => notes.insert(at, note),
        }
    }

    /// Adopts what the relay says about this agent's own account (a role an
    /// admin just changed); a page the new role may not see is left.
    fn account(&mut self, agent: AgentInfo, fx: &mut Vec<Effect>) {
        if let Some(s) = &mut self.session
            && s.agent != agent
        {
            s.agent = agent;
            fx.push(Effect::SaveSession(Some(s.clone())));
        }
        if self.view == View::Admin && !self.is_admin() {
            self.show_view(View::Inbox, fx);
        }
    }

    fn welcome(
        &mut self,
        agent: AgentInfo,
        agents: Vec<AgentInfo>,
        conversations: Vec<ConversationSummary>,
        fx: &mut Vec<Effect>,
    ) {
        let resume = self.welcomed;
        self.welcomed = true;
        self.conn = Conn::Online;
        // A new socket watches nothing: what is open is synced again below.
        self.watched.clear();
        self.account(agent, fx);
        self.agents = agents;
        // Conversations may have closed anywhere while this console was away.
        self.ask_closed_total(fx);
        let present: BTreeSet<ConversationId> = conversations.iter().map(|c| c.id).collect();
        for summary in conversations {
            self.upsert(summary, resume, fx);
        }
        // Held as waiting/active but not in the welcome: closed while we were away.
        let gone: Vec<ConversationId> =
            self.convs.values().filter(|c| c.is_open() && !present.contains(&c.id())).map(|c| c.id()).collect();
        for id in gone {
            let now = self.now;
            if let Some(c) = self.conv_mut(id) {
                c.summary.status = ConversationStatus::Closed;
                c.summary.closed_at.get_or_insert(now);
            }
            self.uploads_follow_status(id, fx);
            if self.open.contains(&id) {
                // Fetch the close event (and anything before it) for the open view.
                if let Some(c) = self.conv_mut(id) {
                    c.summary.last_seq = Seq(c.summary.last_seq.0.max(c.held_seq().0 + 1));
                }
            }
        }
        // Resume: everything beyond what is held of what the agent looks at or
        // holds, and a sync of every open conversation to follow it again; paced (a
        // fresh socket has a fresh budget at the relay too).
        self.sync_tokens = SYNC_BURST;
        for (id, _) in self.needs_sync() {
            if let Some(c) = self.conv_mut(id) {
                c.sync_wanted = true;
            }
        }
        self.pump_syncs(fx);
        self.flush_outbox(fx);
        self.flush_notes(fx);
        if self.metrics.inbox_ready_at.is_none() {
            self.metrics.inbox_ready_at = Some(self.now);
        }
        if let Some(id) = self.focused {
            self.mark_seen(id, fx);
        }
    }

    /// A conversation summary arrived (welcome or live). `alerts`: whether changes
    /// may ring (not for the first welcome's initial list).
    fn upsert(&mut self, mut summary: ConversationSummary, alerts: bool, fx: &mut Vec<Effect>) {
        let id = summary.id;
        let me = self.my_id();
        let now = self.now;
        let mut alert = None;
        let mut closed_draft = false;
        let mut status_change = None;
        match self.convs.get_mut(&id) {
            Some(rc) => {
                let c = Rc::make_mut(rc);
                let was = c.summary.clone();
                status_change = Some((was.status, summary.status));
                summary.last_seq = summary.last_seq.max(c.max_seq());
                if summary.last_seq > was.last_seq && summary.last_seq > c.max_seq() {
                    c.announced_at = Some(now);
                }
                summary.agent_read_seq = summary.agent_read_seq.max(was.agent_read_seq);
                summary.visitor_read_seq = summary.visitor_read_seq.max(was.visitor_read_seq);
                if summary.preview.is_none() {
                    summary.preview = was.preview.clone();
                }
                let claimed_here = c.claiming;
                if summary.status != ConversationStatus::Waiting {
                    c.claiming = false;
                }
                let now_mine = summary.status == ConversationStatus::Active
                    && summary.assignee.as_ref().is_some_and(|a| a.id == me);
                let was_mine =
                    was.status == ConversationStatus::Active && was.assignee.as_ref().is_some_and(|a| a.id == me);
                if now_mine && !was_mine && claimed_here {
                    // This agent's own claim went through: straight to the reply box.
                    if self.focused == Some(id) {
                        fx.push(Effect::Focus(FocusTarget::Composer(id)));
                    }
                } else if now_mine && !was_mine {
                    // A colleague's transfer, or the relay's auto-assignment.
                    alert = Some(AlertKind::TransferredToMe);
                } else if summary.status == ConversationStatus::Waiting && was.status != ConversationStatus::Waiting {
                    alert = Some(AlertKind::NewVisitor);
                }
                if !now_mine {
                    c.assigned_new = false;
                }
                if summary.status == ConversationStatus::Closed {
                    c.visitor_typing_until = None;
                    if was.status != ConversationStatus::Closed {
                        // Nobody can write here any more: an unsent draft would only mislead.
                        closed_draft = true;
                    }
                }
                c.summary = summary;
                if c.has_gap() && c.gap_seen_at.is_none() {
                    c.gap_seen_at = Some(now);
                }
            }
            None => {
                if summary.status == ConversationStatus::Waiting {
                    alert = Some(AlertKind::NewVisitor);
                } else if summary.status == ConversationStatus::Active
                    && summary.assignee.as_ref().is_some_and(|a| a.id == me)
                {
                    alert = Some(AlertKind::TransferredToMe);
                }
                // A returning visitor: their list of conversations is out of date.
                self.earlier.remove(&summary.visitor_id);
                let mut c = ConvState::new(summary);
                for m in self.orphans.remove(&id).unwrap_or_default() {
                    c.insert(m);
                }
                if c.has_gap() {
                    // Its history is fetched by the welcome's resume pass, or (live)
                    // after the grace period if its messages do not arrive by themselves.
                    c.gap_seen_at = Some(now);
                }
                self.convs.insert(id, Rc::new(c));
            }
        }
        if let Some((was, now)) = status_change {
            self.count_status_change(was, now);
        }
        if closed_draft {
            self.uploads_follow_status(id, fx);
        }
        if closed_draft && self.drafts.remove(&id).is_some() {
            self.save_drafts(fx);
        }
        if let Some(kind) = alert.filter(|_| alerts) {
            if kind == AlertKind::TransferredToMe && self.focused != Some(id) {
                if let Some(c) = self.conv_mut(id) {
                    c.assigned_new = true;
                }
                self.assigned_banner = Some(id);
            }
            self.alert(kind, id, fx);
        }
        if self.typing_out.contains_key(&id) && !self.can_reply(id) {
            self.typing_out.remove(&id);
        }
        self.mark_seen(id, fx);
    }

    fn alert(&mut self, kind: AlertKind, id: ConversationId, fx: &mut Vec<Effect>) {
        let Some(label) = self.convs.get(&id).map(|c| c.label()) else { return };
        let viewing = self.focused == Some(id);
        if let Some(a) = self.notifier.event(self.now, kind, id, self.settings.notify, self.window_focused, viewing) {
            fx.push(Effect::Alert(a));
        }
        self.announce(match kind {
            AlertKind::NewVisitor => Announce::NewVisitor(label),
            AlertKind::NewMessage => Announce::NewMessage(label),
            AlertKind::TransferredToMe => Announce::TransferredToMe(label),
            AlertKind::Mention => Announce::Mentioned(label),
        });
    }

    fn message(&mut self, id: ConversationId, message: Message, live: bool, fx: &mut Vec<Effect>) {
        let Some(rc) = self.convs.get_mut(&id) else {
            let list = self.orphans.entry(id).or_default();
            if !list.iter().any(|m| m.seq == message.seq) {
                list.push(message);
            }
            return;
        };
        let mut outbox_changed = false;
        if let MessageBody::Text { client_id, .. } = &message.body {
            // Our own message echoed back (maybe before its ack): no longer pending.
            if matches!(message.author, Author::Agent { .. }) && self.outbox.take(client_id).is_some() {
                outbox_changed = true;
            }
        }
        let from_visitor = matches!(message.author, Author::Visitor);
        let c = Rc::make_mut(rc);
        let new = c.insert(message);
        let gap = live && new && c.has_gap() && !c.syncing;
        let mine = c.assigned_to(self.session.as_ref().map_or(AgentId(0), |s| s.agent.id));
        if outbox_changed {
            self.save_drafts(fx);
        }
        if gap {
            self.request_sync(id, fx);
        }
        if live && new && from_visitor && mine {
            self.alert(AlertKind::NewMessage, id, fx);
        }
        if live {
            self.mark_seen(id, fx);
        }
    }

    fn error(
        &mut self,
        code: ErrorCode,
        message: String,
        client_id: Option<ClientMsgId>,
        conversation_id: Option<ConversationId>,
        fatal: bool,
        fx: &mut Vec<Effect>,
    ) {
        if matches!(code, ErrorCode::SessionExpired | ErrorCode::Unauthorized) {
            self.end_session(SignedOut::Expired, fx);
            return;
        }
        if let Some(client_id) = client_id {
            if self.note_refused(&client_id, code, &message) {
                return;
            }
            if code == ErrorCode::ConversationClosed {
                if let Some(p) = self.outbox.take(&client_id) {
                    self.restore_text(p.conversation_id, &p.text);
                    self.notice(Some(p.conversation_id), NoticeKind::ClosedTextKept);
                    if let Some(c) = self.conv_mut(p.conversation_id) {
                        c.summary.status = ConversationStatus::Closed;
                    }
                    self.save_drafts(fx);
                }
            } else if let Some(p) = self.outbox.get_mut(&client_id) {
                p.state = PendingState::Failed(code);
                let conv = p.conversation_id;
                self.save_drafts(fx);
                self.notice(Some(conv), NoticeKind::Refused { code, detail: message });
            }
            return;
        }
        if let Some(id) = conversation_id
            && let Some(c) = self.conv_mut(id)
        {
            c.claiming = false;
            if c.syncing {
                // A refused sync is not retried until the next welcome.
                c.syncing = false;
                c.sync_wanted = false;
                c.gap_seen_at = None;
                c.summary.last_seq = c.held_seq();
            }
        }
        match code {
            ErrorCode::AlreadyClaimed => {
                let me = self.my_id();
                let by = conversation_id
                    .and_then(|id| self.convs.get(&id))
                    .and_then(|c| c.summary.assignee.as_ref())
                    .filter(|a| a.id != me)
                    .map(|a| a.name.clone());
                self.notice(conversation_id, NoticeKind::AlreadyClaimed { by, detail: message });
            }
            ErrorCode::ConversationClosed => self.notice(conversation_id, NoticeKind::ConversationClosed),
            // Connection-level trouble: the socket closes and the banner says so.
            ErrorCode::ShuttingDown | ErrorCode::SlowConsumer | ErrorCode::TooManyConnections if fatal => {}
            // Our own pace: dropped syncs and messages are asked/sent again by the
            // tick (same client_id), so there is nothing for the agent to do.
            ErrorCode::RateLimited if !fatal => {}
            _ => self.notice(conversation_id, NoticeKind::Refused { code, detail: message }),
        }
    }
}
