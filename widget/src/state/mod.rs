//! The widget's whole state in one store, changed only by [`Store::apply`] with an
//! [`Action`]; what must happen outside (socket frames, storage, messages to the
//! host page, focus) comes back as [`Effect`]s for the browser glue to carry out.
//! Pure: no browser, no clock, no randomness (times, ids and jitter arrive inside
//! actions), so it is unit-tested natively.

pub use natter_browser::backoff;
#[cfg(test)]
mod file_tests;
pub mod files;
pub mod outbox;
pub mod prechat;
pub mod survey;
#[cfg(test)]
mod survey_tests;
#[cfg(test)]
mod tests;

use natter_protocol::{
    Attachment, Author, ClientMsgId, ConversationEvent, ConversationId, ConversationStatus, DEFAULT_MAX_TEXT_BYTES,
    ErrorCode, ErrorFrame, FileLink, Message, MessageBody, PROTOCOL_VERSION, PublicWidgetConfig, Seq, TenantId,
    ToVisitor, UnixMillis, UploadId, VisitorConversation, VisitorFrame, VisitorInfo,
};

use crate::i18n::Locale;
use files::{Phase, Picked, Problem, Tray, Unsent, Upload};
use outbox::{Outbox, Pending};
pub use survey::{MailPhase, Survey, SurveyView, TranscriptMail};

/// While the visitor keeps typing, `typing on` is repeated this often.
pub const TYPING_RESEND_MS: i64 = 4_000;
/// `typing off` goes out after this long without input.
pub const TYPING_IDLE_MS: i64 = 3_000;
/// An agent's typing indicator disappears after this long without a refresh.
pub const AGENT_TYPING_TTL_MS: i64 = 8_000;
/// After a `rate_limited` refusal, unacknowledged messages are resent this much later.
pub const RATE_RETRY_MS: i64 = 2_000;

/// The visitor socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Conn {
    /// Not started yet.
    #[default]
    Idle,
    /// Opening, or open and waiting for `welcome`. `attempt` 0 is the first connection.
    Connecting { attempt: u32 },
    /// Welcomed: frames flow.
    Online,
    /// Dropped; the next attempt is at `at`.
    Retrying { attempt: u32, at: UnixMillis },
    /// The relay refused this page for good (unknown tenant, origin not allowed,
    /// unsupported protocol): no more attempts.
    Stopped(ErrorCode),
}

impl Conn {
    /// Whether the "reconnecting…" banner shows.
    pub fn reconnecting(self) -> bool {
        matches!(self, Conn::Retrying { .. } | Conn::Connecting { attempt: 1.. })
    }
}

/// A signed-in shop customer, as `Natter.identify()` gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: String,
    pub hash: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Where an identity is in its round trip to the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityState {
    /// To send after the next `welcome`.
    Queued,
    /// Sent; the relay answers with a fresh `welcome` (or `token_invalid`).
    InFlight,
    /// Verified, or refused (then the visitor stays a guest).
    Done,
}

/// Which screen the panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The tenant's pre-chat form.
    Prechat,
    /// The conversation (greeting first) and the composer.
    Chat,
    /// The shop is closed: the offline form.
    Offline,
}

/// The visitor's place in the queue while waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueSpot {
    pub position: u32,
    pub estimated_wait_secs: Option<u32>,
    /// False when no agent is online: the widget offers to leave a message.
    pub agents_online: bool,
}

/// The offline form's round trip.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum OfflineForm {
    #[default]
    Editing,
    /// Sent (or waiting for a connection); resent with the same id until acknowledged.
    Sending(VisitorFrame),
    Sent,
}

/// Something to tell the visitor that is not a chat line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The relay refused something the visitor did.
    Error(ErrorCode),
    /// The message is over the relay's size limit.
    TooLong,
    /// `identify` was refused: the visitor continues as a guest.
    IdentityRefused,
    /// More files than one message can carry.
    TooManyFiles,
    /// The shop closed while the visitor was writing: the offline form took over.
    ShopJustClosed,
}

/// Where keyboard focus should go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    Composer,
    Start,
    /// The lightbox's close button.
    Lightbox,
    /// An image's thumbnail (back from the lightbox).
    Attachment(UploadId),
    /// The survey's choice of this score (after "Change rating").
    Rating(u8),
    /// The "email me this conversation" field.
    TranscriptEmail,
}

/// Messages from the frame to the host page's loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToHost {
    /// Agent messages the visitor has not seen.
    Unread(u32),
    /// Whether the visitor has a conversation going (the loader then loads the
    /// frame on the next page view, so a reply is not missed).
    Active(bool),
    /// The visitor asked to close the panel.
    Close,
}

/// What the browser glue must do after an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// (Re)open the socket after `delay_ms` (closing any open one first).
    Connect {
        delay_ms: u32,
    },
    /// Write a frame on the open socket (dropped if there is none).
    Send(VisitorFrame),
    SaveToken(Option<String>),
    SavePending(Unsent),
    /// Upload the file the glue keeps under `key` (`POST /v1/uploads`).
    Upload {
        key: u32,
        name: String,
        token: String,
    },
    /// Stop uploading the file under `key` (if it is) and forget it.
    DropUpload(u32),
    /// Ask for fresh links to an upload (`GET /v1/uploads/{id}/link`).
    FetchLink {
        id: UploadId,
        token: String,
    },
    /// Download a file (its links are fresh).
    Download(String),
    /// Remember how far the visitor has read, so unread counts survive a reload.
    SaveSeen(Option<(ConversationId, Seq)>),
    ToHost(ToHost),
    Focus(Focus),
    /// Play the new-message chime.
    Chime,
    /// Remember the visitor's mute choice.
    SaveMuted(bool),
    /// Apply the tenant's colours.
    Theme {
        primary: String,
        secondary: String,
    },
    /// The language changed: update `<html lang>`.
    Lang(Locale),
}

/// What the loader keeps for this visitor in the shop page's own (first-party)
/// storage and hands to the frame at start. A cross-site frame's own storage is
/// blocked or partitioned by browsers, so this copy is the one that survives a
/// reload; `None` means the loader had nothing (or storage is off).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HostStored {
    pub token: Option<String>,
    pub pending: Option<Unsent>,
    pub seen: Option<(ConversationId, Seq)>,
    pub muted: Option<bool>,
}

/// Everything that can happen to the widget.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Start: what the frame's own storage had, what the browser says. Opens the
    /// socket, unless `await_host`: then the socket waits for the loader's
    /// [`Action::HostInit`] (or [`Action::HostSilent`]), whose stored state wins.
    Boot {
        tenant: Option<TenantId>,
        token: Option<String>,
        pending: Unsent,
        seen: Option<(ConversationId, Seq)>,
        browser_locale: Option<Locale>,
        tz_min: i32,
        await_host: bool,
        /// The visitor muted the chime on an earlier page.
        muted: bool,
    },
    Config(PublicWidgetConfig),
    /// From the loader: the host page's URL and referrer, forced language, whether
    /// the panel is open, what it stored for this visitor, and the widget config
    /// it already fetched (so the frame need not fetch it again).
    HostInit {
        page_url: Option<String>,
        referrer: Option<String>,
        locale: Option<String>,
        open: bool,
        stored: Option<HostStored>,
    },
    /// The loader did not answer `ready` in time (a page framing the widget
    /// without it): start with the frame's own storage.
    HostSilent,
    /// The loader showed or hid the panel.
    HostOpen(bool),
    HostIdentify(Identity),
    HostLocale(String),
    SocketOpened,
    SocketClosed {
        now: UnixMillis,
        jitter: u16,
    },
    Frame {
        now: UnixMillis,
        frame: ToVisitor,
    },
    /// The visitor submitted the pre-chat form (answers by field key).
    StartChat {
        answers: Vec<(String, String)>,
    },
    /// The visitor submitted the offline form.
    SendOffline {
        client_id: ClientMsgId,
        name: String,
        email: String,
        text: String,
    },
    /// After an ended chat: back to the greeting.
    NewChat,
    /// The visitor muted (or unmuted) the new-message chime.
    Mute(bool),
    /// The page (and so the frame) became hidden or visible.
    PageHidden(bool),
    /// While nobody is online: open (or close) the leave-a-message form.
    LeaveMessage(bool),
    Send {
        client_id: ClientMsgId,
        text: String,
        now: UnixMillis,
    },
    /// The composer's text changed.
    Input {
        empty: bool,
        now: UnixMillis,
    },
    /// Remove a message the relay refused.
    DiscardFailed(ClientMsgId),
    DismissNotice,
    EndChat,
    /// The visitor rates the closed conversation of the survey (1–5, optional comment).
    Rate {
        score: u8,
        comment: Option<String>,
    },
    /// A score picked in the survey's form (not sent yet).
    ChooseRating(u8),
    /// "Change rating": the survey's form again, with the rating given.
    ChangeRating,
    /// Open (or close) the "email me this conversation" field.
    TranscriptForm(bool),
    /// Email the conversation to this address.
    EmailTranscript {
        email: String,
    },
    ClosePanel,
    RetryNow,
    Tick {
        now: UnixMillis,
    },
    /// The visitor picked, pasted or dropped files.
    Attach(Vec<Picked>),
    UploadProgress {
        key: u32,
        sent: u64,
        total: u64,
    },
    Uploaded {
        key: u32,
        attachment: Attachment,
    },
    UploadFailed {
        key: u32,
        problem: Problem,
    },
    /// Cancel an upload, or take a file out of the tray.
    RemoveUpload(u32),
    RetryUpload(u32),
    /// Show an image in the lightbox, or download a file; stale links are renewed first.
    OpenAttachment {
        id: UploadId,
        now: UnixMillis,
    },
    /// A thumbnail did not load: renew its links if they expired.
    StaleLink {
        id: UploadId,
        now: UnixMillis,
    },
    /// Fresh links for an upload.
    Link {
        id: UploadId,
        link: FileLink,
    },
    LinkFailed(UploadId),
    CloseLightbox,
}

/// Whether `text` is too long for the relay (UTF-8 bytes).
pub fn too_long(text: &str) -> bool {
    text.len() > DEFAULT_MAX_TEXT_BYTES
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TypingOut {
    sent_at: UnixMillis,
    last_input: UnixMillis,
}

/// The agent's typing indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentTyping {
    pub name: String,
    pub until: UnixMillis,
}

/// The widget's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Store {
    pub tenant: Option<TenantId>,
    pub config: Option<PublicWidgetConfig>,
    pub host_locale: Option<Locale>,
    pub browser_locale: Option<Locale>,
    /// Minutes east of UTC, for timestamps.
    pub tz_min: i32,
    pub conn: Conn,
    pub token: Option<String>,
    pub conversation: Option<VisitorConversation>,
    /// The current conversation's history, in seq order, no duplicates.
    pub messages: Vec<Message>,
    pub outbox: Outbox,
    /// Files attached in the composer, not sent yet.
    pub tray: Tray,
    /// The image shown full size.
    pub lightbox: Option<UploadId>,
    /// Waiting for fresh links to open this one.
    opening: Option<UploadId>,
    /// Uploads whose links are being renewed.
    refreshing: Vec<UploadId>,
    /// The relay said this visitor may not upload (`forbidden`): the attach button goes.
    pub uploads_off: bool,
    pub agent_typing: Option<AgentTyping>,
    pub queue: Option<QueueSpot>,
    /// The post-chat survey of the closed conversation, as the relay last sent it.
    pub survey: Option<Survey>,
    /// "Email me this conversation", after the chat ended.
    pub transcript: TranscriptMail,
    /// The email the visitor gave (pre-chat or offline form), to prefill the transcript's.
    given_email: Option<String>,
    pub offline_form: OfflineForm,
    /// What the visitor had written when the shop closed, for the offline form.
    pub offline_draft: String,
    /// When this page first saw the conversation waiting in the queue.
    waiting_since: Option<UnixMillis>,
    /// The wait passed the shop's `offline_after_secs` (set by the clock tick,
    /// which otherwise leaves the state alone: no re-render each second).
    waited_long: bool,
    /// The visitor chose to leave a message while waiting with no agent online.
    pub leaving_message: bool,
    /// Whether the host shows the panel.
    pub open: bool,
    /// Highest seq of the current conversation the visitor has seen with the panel open.
    pub seen: Seq,
    /// The stored `seen` of the last page view, applied when the welcome names its conversation.
    seen_hint: Option<(ConversationId, Seq)>,
    /// Highest seq reported to the relay with `read` on this socket.
    read_sent: Seq,
    /// The visitor pressed "Start a chat" (or has a conversation going).
    pub started: bool,
    /// The visitor turned the new-message chime off.
    pub muted: bool,
    /// The page is in a background tab or minimised.
    page_hidden: bool,
    start_queued: Option<VisitorInfo>,
    pub page: VisitorInfo,
    pub identity: Option<(Identity, IdentityState)>,
    typing: Option<TypingOut>,
    pub notice: Option<Notice>,
    /// After a `rate_limited` refusal: when to resend the outbox.
    retry_sends_at: Option<UnixMillis>,
    /// The stored token was refused at hello: reconnect at once without it.
    reconnect_fast: bool,
    /// Booted inside the loader's frame: the socket waits for its stored state.
    awaiting_host: bool,
}

impl Store {
    /// The language to show.
    pub fn locale(&self) -> Locale {
        self.host_locale
            .or_else(|| self.config.as_ref().and_then(|c| c.locale.as_deref()).and_then(Locale::parse))
            .or(self.browser_locale)
            .unwrap_or_default()
    }

    pub fn screen(&self) -> Screen {
        let config = self.config.as_ref();
        if self.started || !self.outbox.is_empty() || !self.tray.is_empty() || self.conversation_open() {
            Screen::Chat
        } else if self.tenant_offline() || self.offline_form != OfflineForm::Editing {
            Screen::Offline
        } else if config.is_some_and(|c| prechat::wanted(&c.prechat)) {
            Screen::Prechat
        } else {
            Screen::Chat
        }
    }

    /// Whether the current conversation is waiting or active.
    pub fn conversation_open(&self) -> bool {
        self.conversation.as_ref().is_some_and(|c| c.status != ConversationStatus::Closed)
    }

    pub fn conversation_closed(&self) -> bool {
        self.conversation.as_ref().is_some_and(|c| c.status == ConversationStatus::Closed)
    }

    /// Highest seq held.
    pub fn last_seq(&self) -> Seq {
        self.messages.last().map(|m| m.seq).unwrap_or_default()
    }

    /// Agent messages the visitor has not seen.
    pub fn unread(&self) -> u32 {
        let n = self.messages.iter().filter(|m| m.seq > self.seen && matches!(m.author, Author::Agent { .. })).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The agent holding the open conversation, if names are shown. Nobody once
    /// it has ended: the visitor is no longer chatting with them.
    pub fn agent_name(&self) -> Option<&str> {
        if !self.show_agent_names() {
            return None;
        }
        self.conversation
            .as_ref()
            .filter(|c| c.status != ConversationStatus::Closed)?
            .agent
            .as_ref()
            .map(|a| a.name.as_str())
    }

    /// Waiting in the queue while no agent is online, and no message left yet:
    /// the widget says so and offers the leave-a-message form.
    pub fn nobody_online(&self) -> bool {
        self.waiting_unanswered() && self.queue.is_some_and(|q| !q.agents_online)
    }

    /// The leave-a-message form is offered: nobody is online, or the visitor
    /// has waited longer than the shop's `offline_after_secs`.
    pub fn offline_offered(&self) -> bool {
        self.nobody_online() || (self.waiting_unanswered() && self.waited_long)
    }

    fn waiting_unanswered(&self) -> bool {
        let waiting = self.conversation.as_ref().is_some_and(|c| c.status == ConversationStatus::Waiting);
        waiting && self.offline_form != OfflineForm::Sent
    }

    pub fn show_agent_names(&self) -> bool {
        self.config.as_ref().is_none_or(|c| c.show_agent_names)
    }

    /// The panel's title: the shop's text in the visitor's language, else its
    /// default text, else the widget's own.
    pub fn header_text(&self) -> &str {
        let lang = self.locale();
        self.config.as_ref().and_then(|c| c.header_for(lang.tag())).unwrap_or(lang.strings().default_header)
    }

    /// The greeting (shop's text per language, its default, `fallback`).
    pub fn greeting_text<'a>(&'a self, fallback: &'a str) -> &'a str {
        self.config.as_ref().and_then(|c| c.greeting_for(self.locale().tag())).unwrap_or(fallback)
    }

    /// The visitor message that gets the "Seen" mark: the newest one the agent has read.
    pub fn seen_mark(&self) -> Option<Seq> {
        if !self.config.as_ref().is_none_or(|c| c.read_receipts) {
            return None;
        }
        let read = self.conversation.as_ref()?.agent_read_seq;
        self.messages.iter().rev().find(|m| m.author == Author::Visitor && m.seq <= read).map(|m| m.seq)
    }

    /// The message whose quick replies may be clicked: the newest one, an
    /// agent's with buttons, while nothing the visitor sent is on its way and
    /// the conversation goes on. Any answer makes its buttons stale.
    pub fn quick_replies_open(&self) -> Option<Seq> {
        let last = self.messages.last()?;
        let offers = matches!(&last.body, MessageBody::Text { quick_replies, .. } if !quick_replies.is_empty());
        (offers && matches!(last.author, Author::Agent { .. }) && self.outbox.is_empty() && !self.conversation_closed())
            .then_some(last.seq)
    }

    /// Whether a new agent message should chime: the shop has sounds on, the
    /// visitor did not mute them, and the panel is closed or the page hidden
    /// (an open, visible panel shows the message; a sound would only nag).
    pub fn chime_wanted(&self) -> bool {
        self.sounds_on() && !self.muted && (!self.open || self.page_hidden)
    }

    /// Whether the shop plays sounds at all (the mute toggle shows only then).
    pub fn sounds_on(&self) -> bool {
        self.config.as_ref().is_none_or(|c| c.sound)
    }

    /// Whether the tenant says it is closed (business hours).
    pub fn tenant_offline(&self) -> bool {
        self.config.as_ref().is_some_and(|c| !c.online)
    }

    fn offline_id(&self) -> Option<&ClientMsgId> {
        match &self.offline_form {
            OfflineForm::Sending(VisitorFrame::Offline { client_id, .. }) => Some(client_id),
            _ => None,
        }
    }

    fn online(&self) -> bool {
        self.conn == Conn::Online
    }

    fn identify_in_flight(&self) -> bool {
        matches!(self.identity, Some((_, IdentityState::InFlight)))
    }

    /// Applies an action; returns what the browser must do.
    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        let before = (self.unread(), self.conversation_open() || !self.outbox.is_empty(), self.locale());
        let mut fx = Vec::new();
        match action {
            Action::Boot { tenant, token, pending, seen, browser_locale, tz_min, await_host, muted } => {
                self.muted = muted;
                self.browser_locale = browser_locale;
                self.tz_min = tz_min;
                // Sent with the page details so agents see the visitor's local time.
                self.page.utc_offset_min = i16::try_from(tz_min).ok().filter(|m| (-720..=840).contains(m));
                self.token = token;
                self.outbox = Outbox::restore(pending.messages);
                self.tray = Tray::default();
                self.tray.adopt(pending.files);
                // Only meaningful once a welcome names the same conversation.
                self.seen_hint = seen;
                match tenant {
                    Some(t) => {
                        self.tenant = Some(t);
                        self.conn = Conn::Connecting { attempt: 0 };
                        self.awaiting_host = await_host;
                        if !await_host {
                            fx.push(Effect::Connect { delay_ms: 0 });
                        }
                    }
                    None => self.conn = Conn::Stopped(ErrorCode::UnknownTenant),
                }
                fx.push(Effect::Lang(self.locale()));
            }
            Action::Config(config) => {
                fx.push(Effect::Theme {
                    primary: config.primary_color.clone(),
                    secondary: config.secondary_color.clone(),
                });
                // The shop's current policy: a 403 from an older one is forgotten.
                self.uploads_off = !config.visitor_uploads;
                self.config = Some(config);
            }
            Action::HostInit { page_url, referrer, locale, open, stored } => {
                self.page.page_url = page_url.filter(|s| !s.is_empty());
                self.page.referrer = referrer.filter(|s| !s.is_empty());
                if let Some(l) = locale.as_deref().and_then(Locale::parse) {
                    self.host_locale = Some(l);
                }
                self.set_open(open, &mut fx);
                self.start_after_host(stored.unwrap_or_default(), &mut fx);
            }
            Action::HostSilent => self.start_after_host(HostStored::default(), &mut fx),
            Action::HostOpen(open) => self.set_open(open, &mut fx),
            Action::HostIdentify(identity) => {
                let same = self.identity.as_ref().is_some_and(|(i, _)| *i == identity);
                if !same {
                    self.identity = Some((identity, IdentityState::Queued));
                    if self.online() {
                        self.send_identify(&mut fx);
                    }
                }
            }
            Action::HostLocale(tag) => {
                if let Some(l) = Locale::parse(&tag) {
                    self.host_locale = Some(l);
                }
            }
            Action::SocketOpened => {
                let resume = self.conversation.as_ref().filter(|_| !self.messages.is_empty());
                fx.push(Effect::Send(VisitorFrame::Hello {
                    v: PROTOCOL_VERSION,
                    token: self.token.clone(),
                    conversation_id: resume.map(|c| c.id),
                    last_seq: resume.map(|_| self.last_seq()),
                }));
            }
            Action::SocketClosed { now, jitter } => self.socket_closed(now, jitter, &mut fx),
            Action::Frame { now, frame } => self.frame(now, frame, &mut fx),
            Action::StartChat { answers } => {
                let form = self.config.as_ref().map(|c| c.prechat.clone()).unwrap_or_default();
                if !prechat::invalid(&form, &answers).is_empty() {
                    return fx;
                }
                self.started = true;
                let info = prechat::info(&form, &answers, &self.page);
                if info.email.is_some() {
                    self.given_email.clone_from(&info.email);
                }
                if self.online() && !self.identify_in_flight() {
                    fx.push(Effect::Send(VisitorFrame::Start { info }));
                } else {
                    self.start_queued = Some(info);
                }
                fx.push(Effect::Focus(Focus::Composer));
            }
            Action::NewChat => {
                self.started = false;
                self.messages.clear();
                self.conversation = None;
                self.seen = Seq(0);
                self.notice = None;
                // A message left earlier belongs to the ended chat, not the next one.
                self.offline_form = OfflineForm::Editing;
                self.leaving_message = false;
                self.transcript = TranscriptMail::default();
                fx.push(Effect::SaveSeen(None));
                fx.push(Effect::Focus(Focus::Start));
            }
            Action::Mute(on) => {
                self.muted = on;
                fx.push(Effect::SaveMuted(on));
            }
            Action::PageHidden(hidden) => self.page_hidden = hidden,
            Action::LeaveMessage(on) => {
                let was = self.leaving_message;
                self.leaving_message = on && self.offline_offered();
                if self.leaving_message {
                    fx.push(Effect::Focus(Focus::Start));
                } else if was {
                    // Back to waiting: the composer is there again.
                    fx.push(Effect::Focus(Focus::Composer));
                }
            }
            Action::Send { client_id, text, now } => self.send(client_id, text, now, &mut fx),
            Action::SendOffline { client_id, name, email, text } => {
                if self.offline_form == OfflineForm::Sent
                    || !prechat::email_ok(&email)
                    || text.trim().is_empty()
                    || too_long(&text)
                {
                    return fx;
                }
                let name = Some(name.trim().to_owned()).filter(|s| !s.is_empty());
                self.given_email = Some(email.trim().to_owned());
                // The page details, as `start` carries them: agents see where the visitor was.
                let frame = VisitorFrame::Offline {
                    client_id,
                    name,
                    email: email.trim().to_owned(),
                    text,
                    page_url: self.page.page_url.clone(),
                    referrer: self.page.referrer.clone(),
                    utc_offset_min: self.page.utc_offset_min,
                };
                if self.online() {
                    fx.push(Effect::Send(frame.clone()));
                }
                self.offline_form = OfflineForm::Sending(frame);
            }
            Action::Input { empty, now } => self.input(empty, now, &mut fx),
            Action::DiscardFailed(id) => {
                self.outbox.remove(&id);
            }
            Action::DismissNotice => self.notice = None,
            Action::Rate { score, comment } => self.rate(score, comment, &mut fx),
            Action::ChooseRating(score) => {
                if let Some(s) = &mut self.survey {
                    s.choose(score);
                }
            }
            Action::ChangeRating => {
                if let Some(s) = self.survey.as_mut()
                    && s.change()
                    && let Some(score) = s.score
                {
                    fx.push(Effect::Focus(Focus::Rating(score)));
                }
            }
            Action::TranscriptForm(true) => {
                let known = self.known_email().map(str::to_owned);
                self.transcript.open(known.as_deref());
                fx.push(Effect::Focus(Focus::TranscriptEmail));
            }
            Action::TranscriptForm(false) => self.transcript.close(),
            Action::EmailTranscript { email } => {
                if self.transcript.submit(&email, self.online()) {
                    let lang = Some(self.locale().tag().to_owned());
                    fx.push(Effect::Send(VisitorFrame::EmailTranscript { email: self.transcript.email.clone(), lang }));
                }
            }
            Action::EndChat => {
                if self.online() && self.conversation_open() {
                    self.stop_typing(&mut fx);
                    fx.push(Effect::Send(VisitorFrame::End));
                }
            }
            // Escape closes the lightbox first, then the panel.
            Action::ClosePanel if self.lightbox.is_some() => self.close_lightbox(&mut fx),
            Action::ClosePanel => fx.push(Effect::ToHost(ToHost::Close)),
            Action::RetryNow => {
                if let Conn::Retrying { attempt, .. } = self.conn {
                    self.conn = Conn::Connecting { attempt };
                    fx.push(Effect::Connect { delay_ms: 0 });
                }
            }
            Action::Tick { now } => self.tick(now, &mut fx),
            Action::Attach(picked) => self.attach(picked, &mut fx),
            Action::UploadProgress { key, sent, total } => {
                if let Some(u) = self.tray.get_mut(key)
                    && matches!(u.phase, Phase::Sending { .. })
                {
                    u.phase = Phase::Sending { percent: files::percent(sent, total) };
                }
            }
            Action::Uploaded { key, attachment } => {
                if let Some(u) = self.tray.get_mut(key) {
                    u.phase = Phase::Ready(attachment);
                    fx.push(Effect::SavePending(self.unsent()));
                }
            }
            Action::UploadFailed { key, problem } => {
                if let Some(u) = self.tray.get_mut(key) {
                    u.phase = Phase::Failed(problem);
                }
                if matches!(problem, Problem::Refused { code: ErrorCode::Forbidden, .. }) {
                    self.uploads_off = true;
                }
            }
            Action::RemoveUpload(key) => {
                if let Some(u) = self.tray.remove(key) {
                    fx.push(Effect::DropUpload(key));
                    if matches!(u.phase, Phase::Ready(_)) {
                        fx.push(Effect::SavePending(self.unsent()));
                    }
                }
            }
            Action::RetryUpload(key) => self.retry_upload(key, &mut fx),
            Action::OpenAttachment { id, now } => self.open_attachment(id, now, &mut fx),
            Action::StaleLink { id, now } => {
                if self.find_attachment(&id).is_some_and(|a| files::expired(a, now)) {
                    self.fetch_link(id, &mut fx);
                }
            }
            Action::Link { id, link } => self.fresh_link(id, link, &mut fx),
            Action::LinkFailed(id) => {
                self.refreshing.retain(|r| *r != id);
                if self.opening.take_if(|o| *o == id).is_some() {
                    self.notice = Some(Notice::Error(ErrorCode::NotFound));
                }
            }
            Action::CloseLightbox => self.close_lightbox(&mut fx),
        }
        let after = (self.unread(), self.conversation_open() || !self.outbox.is_empty(), self.locale());
        if after.0 != before.0 {
            fx.push(Effect::ToHost(ToHost::Unread(after.0)));
        }
        if after.1 != before.1 {
            fx.push(Effect::ToHost(ToHost::Active(after.1)));
        }
        if after.2 != before.2 {
            fx.push(Effect::Lang(after.2));
        }
        fx
    }

    /// The loader's stored state arrived (or never will): adopt it over the frame's
    /// own and open the socket. Only the first call counts.
    fn start_after_host(&mut self, stored: HostStored, fx: &mut Vec<Effect>) {
        if !std::mem::take(&mut self.awaiting_host) {
            return;
        }
        if stored.token.is_some() {
            self.token = stored.token;
        }
        if let Some(pending) = stored.pending {
            // Stored first (older), then anything typed or attached while waiting; ids dedupe.
            let typed = std::mem::take(&mut self.outbox).items().to_vec();
            let typed_any = !typed.is_empty() || !self.tray.is_empty();
            self.outbox = Outbox::restore(pending.messages.into_iter().chain(typed).collect());
            self.tray.adopt(pending.files);
            if typed_any {
                fx.push(Effect::SavePending(self.unsent()));
            }
        }
        if stored.seen.is_some() {
            self.seen_hint = stored.seen;
        }
        if let Some(muted) = stored.muted {
            self.muted = muted;
        }
        fx.push(Effect::Connect { delay_ms: 0 });
    }

    fn set_open(&mut self, open: bool, fx: &mut Vec<Effect>) {
        let opening = open && !self.open;
        self.open = open;
        if open {
            self.mark_seen(fx);
        }
        if opening {
            fx.push(Effect::Focus(if self.screen() == Screen::Chat { Focus::Composer } else { Focus::Start }));
        }
    }

    /// With the panel open, everything held counts as seen; tells the relay too.
    fn mark_seen(&mut self, fx: &mut Vec<Effect>) {
        if !self.open {
            return;
        }
        let Some(c) = &self.conversation else { return };
        let last = self.last_seq();
        if last > self.seen {
            self.seen = last;
            fx.push(Effect::SaveSeen(Some((c.id, last))));
        }
        let agent_news = self.messages.iter().any(|m| m.seq > self.read_sent && m.author != Author::Visitor);
        if self.online() && agent_news && !self.identify_in_flight() {
            self.read_sent = last;
            fx.push(Effect::Send(VisitorFrame::Read { seq: last }));
        }
    }

    fn send_identify(&mut self, fx: &mut Vec<Effect>) {
        if let Some((identity, state)) = &mut self.identity
            && *state == IdentityState::Queued
        {
            *state = IdentityState::InFlight;
            fx.push(Effect::Send(VisitorFrame::Identify {
                user_id: identity.user_id.clone(),
                hash: identity.hash.clone(),
                name: identity.name.clone(),
                email: identity.email.clone(),
            }));
        }
    }

    /// Sends what waited for a connection: pre-chat details, then every
    /// unacknowledged message in order (same client ids: the relay stores each once).
    fn flush(&mut self, fx: &mut Vec<Effect>) {
        if let Some(info) = self.start_queued.take() {
            fx.push(Effect::Send(VisitorFrame::Start { info }));
        }
        fx.extend(self.outbox.frames().into_iter().map(Effect::Send));
        if let OfflineForm::Sending(frame) = &self.offline_form {
            fx.push(Effect::Send(frame.clone()));
        }
        self.mark_seen(fx);
    }

    fn socket_closed(&mut self, now: UnixMillis, jitter: u16, fx: &mut Vec<Effect>) {
        self.typing = None;
        if let Some(s) = &mut self.survey {
            s.connection_lost();
        }
        self.transcript.connection_lost();
        self.agent_typing = None;
        self.read_sent = Seq(0);
        if let Some((_, state @ IdentityState::InFlight)) = &mut self.identity {
            *state = IdentityState::Queued;
        }
        let attempt = match self.conn {
            Conn::Stopped(_) | Conn::Idle => return,
            Conn::Online => 1,
            Conn::Connecting { attempt } | Conn::Retrying { attempt, .. } => attempt + 1,
        };
        if std::mem::take(&mut self.reconnect_fast) {
            self.conn = Conn::Connecting { attempt: 0 };
            fx.push(Effect::Connect { delay_ms: 0 });
            return;
        }
        let delay = backoff::delay_ms(attempt, jitter);
        self.conn = Conn::Retrying { attempt, at: UnixMillis(now.0 + i64::from(delay)) };
        fx.push(Effect::Connect { delay_ms: delay });
    }

    fn frame(&mut self, now: UnixMillis, frame: ToVisitor, fx: &mut Vec<Effect>) {
        match frame {
            ToVisitor::Welcome { token, conversation, .. } => {
                self.conn = Conn::Online;
                self.read_sent = Seq(0);
                fx.push(Effect::SaveToken(Some(token.clone())));
                self.token = Some(token);
                self.start_uploads(fx);
                let same = match (&self.conversation, &conversation) {
                    (Some(a), Some(b)) => a.id == b.id,
                    _ => false,
                };
                if !same {
                    self.messages.clear();
                    self.queue = None;
                    self.seen = match (self.seen_hint.take(), &conversation) {
                        (Some((id, seq)), Some(c)) if id == c.id => seq,
                        _ => Seq(0),
                    };
                }
                if conversation.as_ref().is_some_and(|c| c.status != ConversationStatus::Closed) {
                    self.started = true;
                }
                self.conversation = conversation;
                match self.identity.as_ref().map(|(_, s)| *s) {
                    Some(IdentityState::Queued) => self.send_identify(fx),
                    Some(IdentityState::InFlight) => {
                        if let Some((_, s)) = &mut self.identity {
                            *s = IdentityState::Done;
                        }
                        self.flush(fx);
                    }
                    _ => self.flush(fx),
                }
            }
            ToVisitor::VisitorConversation { conversation } => {
                let newer = self.conversation.as_ref().is_none_or(|c| conversation.id > c.id);
                let same = self.conversation.as_ref().is_some_and(|c| c.id == conversation.id);
                if newer {
                    self.messages.clear();
                    self.seen = Seq(0);
                }
                if newer || same {
                    if conversation.status != ConversationStatus::Waiting {
                        self.queue = None;
                    }
                    if conversation.status == ConversationStatus::Closed {
                        self.agent_typing = None;
                        self.typing = None;
                    } else {
                        self.started = true;
                    }
                    self.conversation = Some(conversation);
                }
            }
            ToVisitor::Message { conversation_id, message } => self.message(conversation_id, message, fx),
            ToVisitor::Ack { conversation_id, client_id, seq, .. } => {
                if self.offline_id() == Some(&client_id) {
                    self.offline_form = OfflineForm::Sent;
                    self.leaving_message = false;
                    return;
                }
                if let Some(p) = self.outbox.remove(&client_id) {
                    fx.push(Effect::SavePending(self.unsent()));
                    if self.conversation.as_ref().is_some_and(|c| c.id == conversation_id) {
                        // The stored copy follows; until then show the acknowledged text in place.
                        let body = MessageBody::Text {
                            text: p.text,
                            client_id,
                            attachments: p.attachments,
                            quick_replies: Vec::new(),
                        };
                        self.insert(Message { seq, at: p.at, author: Author::Visitor, body });
                    }
                }
            }
            ToVisitor::Typing { who: Author::Agent { name, .. }, on, .. } => {
                let shown = self.config.as_ref().is_none_or(|c| c.typing_indicators);
                self.agent_typing =
                    (on && shown).then(|| AgentTyping { name, until: UnixMillis(now.0 + AGENT_TYPING_TTL_MS) });
            }
            ToVisitor::Read { conversation_id, by: Author::Agent { .. }, seq } => {
                if let Some(c) = &mut self.conversation
                    && c.id == conversation_id
                {
                    c.agent_read_seq = c.agent_read_seq.max(seq);
                }
            }
            ToVisitor::Queue { conversation_id, position, estimated_wait_secs, agents_online, .. } => {
                if self.conversation.as_ref().is_some_and(|c| c.id == conversation_id) {
                    self.queue = Some(QueueSpot { position, estimated_wait_secs, agents_online });
                    // An agent came back: the live chat goes on, no form needed.
                    self.leaving_message &= !agents_online;
                }
            }
            ToVisitor::Error(ErrorFrame { code, client_id, conversation_id, fatal, .. }) => {
                self.error(now, code, (client_id, conversation_id), fatal, fx)
            }
            // Typing and reads by the visitor (their own reads come back): nothing to show.
            ToVisitor::Survey {
                conversation_id,
                question,
                texts,
                delay_secs,
                expires_in_secs,
                score,
                comment,
                can_rate,
            } => {
                let question = texts.get(self.locale().tag()).cloned().or(question);
                let times = (delay_secs, expires_in_secs);
                self.survey = Some(Survey::new(conversation_id, question, times, (score, comment), can_rate, now));
            }
            ToVisitor::TranscriptQueued { .. } => self.transcript.queued(),
            // Typing and reads by the visitor (their own reads come back): nothing to show.
            ToVisitor::Typing { .. } | ToVisitor::Read { .. } => {}
        }
    }

    /// What the survey area of the ended chat shows: only the survey of the
    /// closed conversation on screen.
    pub fn survey_view(&self) -> SurveyView<'_> {
        let shown = self.conversation.as_ref().filter(|c| c.status == ConversationStatus::Closed).map(|c| c.id);
        match &self.survey {
            Some(s) if Some(s.conversation_id) == shown => s.view(),
            _ => SurveyView::Hidden,
        }
    }

    /// The visitor's email as the widget knows it: from `identify`, else the
    /// pre-chat or offline form.
    pub fn known_email(&self) -> Option<&str> {
        let identified = self.identity.as_ref().and_then(|(i, _)| i.email.as_deref());
        identified.or(self.given_email.as_deref()).filter(|e| !e.is_empty())
    }

    fn rate(&mut self, score: u8, comment: Option<String>, fx: &mut Vec<Effect>) {
        let online = self.online();
        let Some(s) = self.survey.as_mut().filter(|_| online) else { return };
        if let Some(comment) = s.submit(score, comment) {
            let conversation_id = s.conversation_id;
            fx.push(Effect::Send(VisitorFrame::Rate { conversation_id, score, comment }));
        }
    }

    /// A refusal of the survey's rating; `false` if it is about something else.
    fn survey_refused(&mut self, code: ErrorCode, conversation_id: Option<ConversationId>) -> bool {
        let rating_error = matches!(
            code,
            ErrorCode::RatingExpired | ErrorCode::RatingLocked | ErrorCode::RatingUnavailable | ErrorCode::InvalidInput
        );
        match self.survey.as_mut().filter(|s| Some(s.conversation_id) == conversation_id && rating_error) {
            Some(s) => {
                s.refused(code);
                true
            }
            None => false,
        }
    }

    fn message(&mut self, conversation_id: ConversationId, message: Message, fx: &mut Vec<Effect>) {
        let fresh = message.seq > self.last_seq() && message.seq > self.seen;
        if fresh && matches!(message.author, Author::Agent { .. }) && self.chime_wanted() {
            fx.push(Effect::Chime);
        }
        match &mut self.conversation {
            Some(c) if c.id == conversation_id => c.last_seq = c.last_seq.max(message.seq),
            Some(c) if c.id > conversation_id => return,
            _ => {
                // A conversation this widget has not been told about yet.
                self.messages.clear();
                self.seen = Seq(0);
                self.conversation = Some(VisitorConversation {
                    id: conversation_id,
                    status: ConversationStatus::Waiting,
                    agent: None,
                    last_seq: message.seq,
                    agent_read_seq: Seq(0),
                });
            }
        }
        match (&message.author, &message.body) {
            (Author::Visitor, MessageBody::Text { client_id, .. }) if self.outbox.remove(client_id).is_some() => {
                fx.push(Effect::SavePending(self.unsent()));
            }
            (Author::Agent { .. }, _) => self.agent_typing = None,
            (Author::System, MessageBody::Event { event: ConversationEvent::Claimed { agent } }) => {
                if let Some(c) = &mut self.conversation {
                    c.agent = Some(agent.clone());
                    c.status = ConversationStatus::Active;
                }
                self.queue = None;
            }
            (Author::System, MessageBody::Event { event: ConversationEvent::Transferred { to, .. } }) => {
                if let Some(c) = &mut self.conversation {
                    c.agent = Some(to.clone());
                }
            }
            _ => {}
        }
        self.insert(message);
        self.mark_seen(fx);
    }

    /// Inserts in seq order; a message already held at that seq is replaced.
    fn insert(&mut self, message: Message) {
        match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(i) => self.messages[i] = message,
            Err(i) => self.messages.insert(i, message),
        }
    }

    fn error(
        &mut self,
        now: UnixMillis,
        code: ErrorCode,
        (client_id, conversation_id): (Option<ClientMsgId>, Option<ConversationId>),
        fatal: bool,
        fx: &mut Vec<Effect>,
    ) {
        match code {
            ErrorCode::ShopClosed => self.shop_closed(fx),
            ErrorCode::TokenInvalid | ErrorCode::TokenExpired if self.identify_in_flight() => {
                if let Some((_, s)) = &mut self.identity {
                    *s = IdentityState::Done;
                }
                self.notice = Some(Notice::IdentityRefused);
                self.flush(fx);
            }
            ErrorCode::TokenInvalid | ErrorCode::TokenExpired => {
                // The stored token is no good: start afresh as a new visitor.
                self.token = None;
                self.conversation = None;
                self.messages.clear();
                self.seen = Seq(0);
                self.reconnect_fast = true;
                fx.push(Effect::SaveToken(None));
            }
            ErrorCode::UnknownTenant | ErrorCode::OriginNotAllowed | ErrorCode::UnsupportedVersion if fatal => {
                self.conn = Conn::Stopped(code);
            }
            ErrorCode::ShuttingDown | ErrorCode::SlowConsumer => {}
            _ if client_id.is_none() && conversation_id.is_none() && self.transcript.answers(code) => {
                self.transcript.refused(code);
            }
            _ if conversation_id.is_some() && self.survey_refused(code, conversation_id) => {}
            ErrorCode::RateLimited => {
                if client_id.is_some() {
                    self.retry_sends_at = Some(UnixMillis(now.0 + RATE_RETRY_MS));
                }
                self.notice = Some(Notice::Error(code));
            }
            _ if client_id.is_some() && client_id.as_ref() == self.offline_id() => {
                self.offline_form = OfflineForm::Editing;
                self.notice = Some(Notice::Error(code));
            }
            _ => {
                if let Some(id) = &client_id
                    && self.outbox.fail(id, code)
                {
                    fx.push(Effect::SavePending(self.unsent()));
                }
                self.notice = Some(Notice::Error(code));
            }
        }
    }

    /// The shop closed before the visitor's message could open a conversation:
    /// their words move to the offline form (nothing is lost), which the
    /// widget now shows, with a word on why.
    fn shop_closed(&mut self, fx: &mut Vec<Effect>) {
        if let Some(c) = self.config.as_mut() {
            c.online = false;
        }
        let texts: Vec<String> = self.outbox.items().iter().map(|p| p.text.clone()).collect();
        for id in self.outbox.items().iter().map(|p| p.client_id.clone()).collect::<Vec<_>>() {
            self.outbox.remove(&id);
        }
        if !texts.is_empty() {
            self.offline_draft = texts.join("\n");
            fx.push(Effect::SavePending(self.unsent()));
        }
        self.started = false;
        self.notice = Some(Notice::ShopJustClosed);
        fx.push(Effect::Focus(Focus::Start));
    }

    fn send(&mut self, client_id: ClientMsgId, text: String, now: UnixMillis, fx: &mut Vec<Effect>) {
        let blank = text.trim().is_empty();
        if (blank && self.tray.ready().next().is_none()) || self.outbox.get(&client_id).is_some() {
            return;
        }
        if too_long(&text) {
            self.notice = Some(Notice::TooLong);
            return;
        }
        self.started = true;
        if self.conversation_closed() {
            // The relay opens a new conversation for this message.
            self.conversation = None;
            self.messages.clear();
            self.seen = Seq(0);
        }
        if self.conversation.is_none() && self.start_queued.is_none() {
            // This message opens the conversation: the page it came from goes first,
            // so agents see the page URL and referrer.
            self.start_queued = Some(self.page.clone());
        }
        // Files still uploading stay in the tray for a later message.
        let attachments = self.tray.take_ready();
        let text = if blank { String::new() } else { text };
        let pending = Pending { client_id, text, at: now, failed: None, attachments };
        let frame = pending.frame();
        self.outbox.push(pending);
        fx.push(Effect::SavePending(self.unsent()));
        self.stop_typing(fx);
        if self.online() && !self.identify_in_flight() {
            if let Some(info) = self.start_queued.take() {
                fx.push(Effect::Send(VisitorFrame::Start { info }));
            }
            fx.push(Effect::Send(frame));
        }
    }

    /// What to keep for the next page view.
    fn unsent(&self) -> Unsent {
        Unsent { messages: self.outbox.to_store(), files: self.tray.ready().cloned().collect() }
    }

    /// Starts the uploads that waited for a token.
    fn start_uploads(&mut self, fx: &mut Vec<Effect>) {
        let Some(token) = &self.token else { return };
        for (key, name) in self.tray.start_queued() {
            fx.push(Effect::Upload { key, name, token: token.clone() });
        }
    }

    fn attach(&mut self, picked: Vec<Picked>, fx: &mut Vec<Effect>) {
        if self.uploads_off {
            self.notice = Some(Notice::Error(ErrorCode::Forbidden));
            return;
        }
        for p in picked {
            if self.tray.is_full() {
                self.notice = Some(Notice::TooManyFiles);
                fx.push(Effect::DropUpload(p.key));
                continue;
            }
            let limit_mb = self.config.as_ref().map(|c| c.max_upload_mb);
            // Over the shop's limit: refused here, without sending a byte.
            let phase = match limit_mb {
                Some(mb) if p.size > u64::from(mb) * 1_000_000 => {
                    fx.push(Effect::DropUpload(p.key));
                    Phase::Failed(Problem::Refused { code: ErrorCode::FileTooLarge, limit_mb: Some(mb) })
                }
                _ => Phase::Queued,
            };
            self.tray.push(Upload { key: p.key, name: p.name, size: p.size, phase });
        }
        self.started = true;
        self.start_uploads(fx);
    }

    fn retry_upload(&mut self, key: u32, fx: &mut Vec<Effect>) {
        let Some(u) = self.tray.get_mut(key) else { return };
        if matches!(u.phase, Phase::Failed(p) if p.retryable()) {
            u.phase = Phase::Queued;
            self.start_uploads(fx);
        }
    }

    /// An attachment held anywhere: history, outbox or tray.
    pub fn find_attachment(&self, id: &UploadId) -> Option<&Attachment> {
        let in_messages = self.messages.iter().filter_map(|m| match &m.body {
            MessageBody::Text { attachments, .. } => Some(attachments),
            MessageBody::Event { .. } => None,
        });
        let in_outbox = self.outbox.items().iter().map(|p| &p.attachments);
        in_messages.chain(in_outbox).flatten().chain(self.tray.ready()).find(|a| a.id == *id)
    }

    fn open_attachment(&mut self, id: UploadId, now: UnixMillis, fx: &mut Vec<Effect>) {
        let Some(a) = self.find_attachment(&id) else { return };
        if files::expired(a, now) {
            self.opening = Some(id.clone());
            self.fetch_link(id, fx);
        } else {
            self.show(id, fx);
        }
    }

    /// Shows an image in the lightbox; downloads anything else.
    fn show(&mut self, id: UploadId, fx: &mut Vec<Effect>) {
        let Some(a) = self.find_attachment(&id) else { return };
        if a.kind == natter_protocol::AttachmentKind::Image {
            self.lightbox = Some(id);
            fx.push(Effect::Focus(Focus::Lightbox));
        } else {
            fx.push(Effect::Download(a.url.clone()));
        }
    }

    fn close_lightbox(&mut self, fx: &mut Vec<Effect>) {
        if let Some(id) = self.lightbox.take() {
            fx.push(Effect::Focus(Focus::Attachment(id)));
        }
    }

    fn fetch_link(&mut self, id: UploadId, fx: &mut Vec<Effect>) {
        let Some(token) = &self.token else { return };
        if !self.refreshing.contains(&id) {
            self.refreshing.push(id.clone());
            fx.push(Effect::FetchLink { id, token: token.clone() });
        }
    }

    /// Fresh links replace the stale ones wherever the attachment is held.
    fn fresh_link(&mut self, id: UploadId, link: FileLink, fx: &mut Vec<Effect>) {
        self.refreshing.retain(|r| *r != id);
        let renew = |a: &mut Attachment| {
            if a.id == id {
                a.url.clone_from(&link.url);
                a.thumb_url.clone_from(&link.thumb_url);
                a.url_expires_at = link.url_expires_at;
            }
        };
        for m in &mut self.messages {
            if let MessageBody::Text { attachments, .. } = &mut m.body {
                attachments.iter_mut().for_each(renew);
            }
        }
        self.outbox.attachments_mut().for_each(renew);
        self.tray.attachments_mut().for_each(renew);
        if self.opening.take_if(|o| *o == id).is_some() {
            self.show(id, fx);
        }
    }

    fn input(&mut self, empty: bool, now: UnixMillis, fx: &mut Vec<Effect>) {
        if !(self.online() && self.conversation_open()) {
            return;
        }
        if empty {
            self.stop_typing(fx);
            return;
        }
        match &mut self.typing {
            Some(t) if now.0 - t.sent_at.0 < TYPING_RESEND_MS => t.last_input = now,
            _ => {
                self.typing = Some(TypingOut { sent_at: now, last_input: now });
                fx.push(Effect::Send(VisitorFrame::Typing { on: true }));
            }
        }
    }

    fn stop_typing(&mut self, fx: &mut Vec<Effect>) {
        if self.typing.take().is_some() && self.online() {
            fx.push(Effect::Send(VisitorFrame::Typing { on: false }));
        }
    }

    fn tick(&mut self, now: UnixMillis, fx: &mut Vec<Effect>) {
        let waiting = self.conversation.as_ref().is_some_and(|c| c.status == ConversationStatus::Waiting);
        self.waiting_since = if waiting { self.waiting_since.or(Some(now)) } else { None };
        let limit = self.config.as_ref().and_then(|c| c.offline_after_secs);
        let waited_ms = self.waiting_since.map(|since| now.0 - since.0);
        self.waited_long = limit.zip(waited_ms).is_some_and(|(secs, ms)| ms >= i64::from(secs) * 1000);
        if self.typing.is_some_and(|t| now.0 - t.last_input.0 >= TYPING_IDLE_MS) {
            self.stop_typing(fx);
        }
        if let Some(s) = &mut self.survey {
            s.tick(now);
        }
        if self.agent_typing.as_ref().is_some_and(|t| now >= t.until) {
            self.agent_typing = None;
        }
        if self.retry_sends_at.is_some_and(|at| now >= at) && self.online() {
            self.retry_sends_at = None;
            fx.extend(self.outbox.frames().into_iter().map(Effect::Send));
        }
    }
}
