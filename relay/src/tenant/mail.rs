//! The tenant's email, on the actor's side: its settings (the SMTP password
//! only ever sealed), the outbox rows it writes in the batch that decides an
//! email (so an email exists exactly when its cause is committed), and the
//! bookkeeping of the sender task, which does the SMTP work off this thread
//! (`crate::mail::sender`): it claims due rows (`sending`, one attempt more),
//! sends, and reports; failures are retried with exponential backoff.
//!
//! Offline replies: an agent text sets the conversation's `unseen_reply_at`; a
//! visitor read past every agent text clears it. At the start of every batch
//! (and on `Tick`), conversations whose unseen reply is older than the
//! tenant's delay, whose visitor is gone (or that came from the offline form)
//! and that have an email address get ONE email with every agent reply not
//! yet seen nor emailed, quoting the conversation before them.

use std::collections::HashMap;
use std::sync::Arc;

use lettre::message::Mailbox;
use natter_protocol::{
    AgentId, Author, ConversationId, ConversationSummary, EmailSettings, ErrorCode, Message, MessageBody, Seq,
    TenantId, UnixMillis, VisitorId,
};
use rusqlite::Connection;
use tokio::sync::Notify;

use super::batch::{Refusal, refuse};
use super::hub::Hub;
use super::mail_queries::{self as q, NewRow, OutboxRow};
use super::queries;
use crate::mail::compose::{self, Addressing, Body, Lang, Line, Unsubscribe, texts};
use crate::mail::reply_token::ReplyTokens;
use crate::mail::smtp::SendFailure;
use crate::store::StoreError;

mod reminders;

/// Attempts before an email is given up (`failed`).
pub const MAX_ATTEMPTS: u32 = 8;
/// The first retry waits this long; each further one twice as long.
const FIRST_RETRY_MS: i64 = 60_000;
const LONGEST_RETRY_MS: i64 = 6 * 3_600_000;
/// Transcripts one visitor may ask for per hour.
const TRANSCRIPTS_PER_HOUR: usize = 3;
/// Messages quoted before the new replies.
const QUOTED_BEFORE: usize = 10;
/// Most messages in a transcript.
const TRANSCRIPT_MESSAGES: usize = 500;
const DAY_MS: i64 = 24 * 3_600_000;
/// Sent rows are kept this long (for support questions), then forgotten.
const KEEP_SENT_MS: i64 = 30 * 24 * 3_600_000;

/// What the sender gets when it claims work.
#[derive(Debug)]
pub struct Claimed {
    pub settings: EmailSettings,
    pub sealed_password: Option<String>,
    pub rows: Vec<OutboxRow>,
}

/// How one claimed email went.
#[derive(Debug)]
pub enum SendOutcome {
    Sent,
    Failed(SendFailure),
    /// Not attempted (the password could not be opened): back to the queue.
    NotAttempted,
}

/// When the last daily digest went out (or the digest was turned on), Unix ms.
const DIGEST_AT: &str = "email_digest_at";

/// When a retry after `attempts` failed attempts is due.
pub fn retry_delay_ms(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(20);
    (FIRST_RETRY_MS << doublings).min(LONGEST_RETRY_MS)
}

/// The email part of a tenant.
#[derive(Debug)]
pub struct Mailer {
    tenant: TenantId,
    tokens: ReplyTokens,
    rating_links: crate::auth::rating_link::RatingLinks,
    /// The relay's public origin for links in emails (`None`: no CSAT
    /// reminders, no one-click unsubscribe).
    public_origin: Option<Arc<str>>,
    settings: EmailSettings,
    sealed: Option<String>,
    /// Settings before a change in the open batch (restored if it fails).
    before_change: Option<(EmailSettings, Option<String>)>,
    wake: Arc<Notify>,
    /// An email was queued in the open batch: wake the sender after the commit.
    queued: bool,
    transcripts: HashMap<VisitorId, Vec<UnixMillis>>,
}

impl Mailer {
    /// Loads the settings and puts emails a crash interrupted back in the queue.
    pub fn load(
        db: &Connection,
        tenant: TenantId,
        service: &crate::mail::MailService,
        wake: Arc<Notify>,
    ) -> Result<Self, StoreError> {
        let (tokens, rating_links) = (service.tokens.clone(), service.rating_links.clone());
        let public_origin = service.public_origin.clone();
        let (settings, sealed) = q::load_settings(db)?;
        let interrupted = q::requeue_interrupted(db)?;
        if interrupted > 0 {
            tracing::warn!(tenant = %tenant, emails = interrupted, "emails interrupted by a crash are sent again");
        }
        Ok(Self {
            tenant,
            tokens,
            rating_links,
            public_origin,
            settings,
            sealed,
            before_change: None,
            wake,
            queued: interrupted > 0,
            transcripts: HashMap::new(),
        })
    }

    /// The settings as `GET /v1/admin/email` shows them.
    pub fn view(&self) -> EmailSettings {
        EmailSettings { password: None, password_set: self.sealed.is_some(), ..self.settings.clone() }
    }

    /// The settings and the sealed password (for the test email).
    pub fn smtp(&self) -> (EmailSettings, Option<String>) {
        (self.settings.clone(), self.sealed.clone())
    }

    /// Stores checked settings; `password`: `None` keeps the stored one,
    /// `Some(None)` removes it, `Some(Some(sealed))` replaces it.
    pub fn put(
        &mut self,
        db: &Connection,
        settings: EmailSettings,
        password: Option<Option<String>>,
        by: AgentId,
        now: UnixMillis,
    ) -> Result<EmailSettings, StoreError> {
        let stored = EmailSettings { password: None, password_set: false, ..settings };
        let sealed = password.unwrap_or_else(|| self.sealed.clone());
        q::store_settings(db, &stored, sealed.as_deref())?;
        let detail =
            serde_json::json!({"enabled": stored.enabled, "host": stored.host, "password_set": sealed.is_some()});
        queries::audit(db, now, Some(by), "email_settings", &detail)?;
        if stored.enabled && stored.notify_daily_digest && queries::setting(db, DIGEST_AT)?.is_none() {
            // The first digest comes a day after the owner turned it on.
            queries::set_setting(db, DIGEST_AT, &now.0.to_string())?;
        }
        let previous = (std::mem::replace(&mut self.settings, stored), std::mem::replace(&mut self.sealed, sealed));
        self.before_change.get_or_insert(previous);
        self.queued = true; // the sender may now have work it was holding back
        Ok(self.view())
    }

    pub fn committed(&mut self) {
        self.before_change = None;
        if std::mem::take(&mut self.queued) {
            self.wake.notify_one();
        }
    }

    pub fn rolled_back(&mut self) {
        self.queued = false;
        if let Some((settings, sealed)) = self.before_change.take() {
            self.settings = settings;
            self.sealed = sealed;
        }
    }

    /// Due emails for the sender (none while email is off: they wait).
    pub fn claim(&mut self, db: &Connection, now: UnixMillis, limit: usize) -> Result<Claimed, StoreError> {
        let rows = if self.settings.enabled { q::claim(db, now, limit)? } else { Vec::new() };
        Ok(Claimed { settings: self.settings.clone(), sealed_password: self.sealed.clone(), rows })
    }

    /// Records how a claimed email went.
    pub fn done(&mut self, db: &Connection, id: i64, outcome: &SendOutcome, now: UnixMillis) -> Result<(), StoreError> {
        match outcome {
            SendOutcome::Sent => q::mark_sent(db, id, now),
            SendOutcome::NotAttempted => q::release(db, id),
            SendOutcome::Failed(failure) => {
                let attempts = q::attempts(db, id)?;
                let retry = (!failure.permanent && attempts < MAX_ATTEMPTS)
                    .then(|| UnixMillis(now.0 + retry_delay_ms(attempts)));
                tracing::warn!(tenant = %self.tenant, email = id, attempts, error = %failure, retry = retry.is_some(), "email not sent");
                q::mark_unsent(db, id, &failure.summary, retry)
            }
        }
    }

    /// On `Tick`: forgets old sent rows, sends the daily digest when due.
    pub fn tick(&mut self, db: &Connection, now: UnixMillis) -> Result<(), StoreError> {
        q::forget_sent(db, UnixMillis(now.0 - KEEP_SENT_MS))?;
        self.digest_if_due(db, now)?;
        let hour_ago = now.0 - 3_600_000;
        self.transcripts.retain(|_, asked| {
            asked.retain(|t| t.0 > hour_ago);
            !asked.is_empty()
        });
        Ok(())
    }

    /// Emails the agent replies that are due (see the module header).
    pub fn due_replies(
        &mut self,
        db: &Connection,
        hub: &Hub,
        locale: Option<&str>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        if !self.settings.enabled {
            return Ok(());
        }
        let cutoff = UnixMillis(now.0 - i64::from(self.settings.offline_reply_after_mins) * 60_000);
        for id in q::unseen_replies_since(db, cutoff)? {
            let Some(c) = queries::conversation(db, id)? else { continue };
            if !c.offline && hub.visitor_online(&c.visitor_id) {
                continue; // still here: their widget shows the reply
            }
            self.email_replies(db, &c, locale, now)?;
        }
        Ok(())
    }

    fn email_replies(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        locale: Option<&str>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        let after = q::emailed_seq(db, c.id)?.max(c.visitor_read_seq);
        let messages = queries::messages_after(db, c.id, Seq(0), TRANSCRIPT_MESSAGES)?;
        let new: Vec<&Message> =
            messages.iter().filter(|m| m.seq > after && matches!(m.author, Author::Agent { .. })).collect();
        let (Some(first), Some(last)) = (new.first().map(|m| m.seq), new.last().map(|m| m.seq)) else {
            return q::replies_emailed(db, c.id, c.last_seq);
        };
        let earlier: Vec<&Message> = messages.iter().filter(|m| m.seq < first).collect();
        let Some(to) = visitor_mailbox(c) else {
            return q::replies_emailed(db, c.id, last); // nowhere to send it
        };
        let lang = Lang::guess(visitor_texts(&messages), locale);
        let shop = self.shop_name();
        let mut body = Body {
            subject: texts::reply_subject(lang, &shop),
            intro: vec![texts::reply_intro(lang, &shop)],
            sections: vec![(texts::new_replies(lang).to_owned(), lines(new.iter().copied(), lang))],
            outro: Vec::new(),
        };
        let quoted = lines(earlier.iter().copied(), lang);
        let quoted = quoted[quoted.len().saturating_sub(QUOTED_BEFORE)..].to_vec();
        if !quoted.is_empty() {
            body.sections.push((texts::earlier(lang).to_owned(), quoted));
        }
        if self.settings.inbound_domain.is_some() {
            body.outro.push(texts::reply_by_email(lang).to_owned());
        }
        self.enqueue(db, "reply", Some(c.id), None, to, lang, &body, now)?;
        q::replies_emailed(db, c.id, last)
    }

    /// "Email me this conversation" (a visitor frame), rate-limited per visitor.
    pub fn transcript_requested(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        to: &str,
        lang: Option<&str>,
        locale: Option<&str>,
        now: UnixMillis,
    ) -> Result<(), Refusal> {
        if !self.settings.enabled {
            return Err(refuse(ErrorCode::EmailNotConfigured, "this shop does not send email"));
        }
        let to = crate::mail::rules::mailbox(to).map_err(|e| refuse(ErrorCode::InvalidInput, format!("email: {e}")))?;
        let asked = self.transcripts.entry(c.visitor_id.clone()).or_default();
        asked.retain(|t| t.0 > now.0 - 3_600_000);
        if asked.len() >= TRANSCRIPTS_PER_HOUR {
            return Err(refuse(ErrorCode::RateLimited, format!("at most {TRANSCRIPTS_PER_HOUR} transcripts an hour")));
        }
        asked.push(now);
        Ok(self.transcript(db, c, to, lang.map(Lang::parse), locale, now)?)
    }

    /// Transcripts for conversations closed in this batch, if the tenant wants them.
    pub fn closed(
        &mut self,
        db: &Connection,
        ids: &[ConversationId],
        locale: Option<&str>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        if !self.settings.enabled || !self.settings.transcript_on_close {
            return Ok(());
        }
        for id in ids {
            let Some(c) = queries::conversation(db, *id)? else { continue };
            if c.status != natter_protocol::ConversationStatus::Closed {
                continue; // the command that closed it was rolled back
            }
            if let Some(to) = visitor_mailbox(&c) {
                self.transcript(db, &c, to, None, locale, now)?;
            }
        }
        Ok(())
    }

    fn transcript(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        to: Mailbox,
        lang: Option<Lang>,
        locale: Option<&str>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        let messages = queries::messages_after(db, c.id, Seq(0), TRANSCRIPT_MESSAGES)?;
        let lang = lang.unwrap_or_else(|| Lang::guess(visitor_texts(&messages), locale));
        let shop = self.shop_name();
        let body = Body {
            subject: texts::transcript_subject(lang, &shop),
            intro: vec![texts::transcript_intro(lang).to_owned()],
            sections: vec![(texts::conversation(lang).to_owned(), lines(messages.iter(), lang))],
            outro: Vec::new(),
        };
        self.enqueue(db, "transcript", Some(c.id), None, to, lang, &body, now)
    }

    /// A notification to one agent, unless they opted out of `kind`, or got
    /// the tenant's hourly cap already.
    pub fn notify_agent(
        &mut self,
        db: &Connection,
        agent: &natter_protocol::AgentInfo,
        kind: NotificationKind,
        body: &Body,
        now: UnixMillis,
    ) -> Result<bool, StoreError> {
        let prefs = q::agent_prefs(db, agent.id)?;
        let wanted = match kind {
            NotificationKind::OfflineMessage => self.settings.notify_offline_message && prefs.offline_message,
            NotificationKind::MissedChat => self.settings.notify_missed_chat && prefs.missed_chat,
            NotificationKind::DailyDigest => self.settings.notify_daily_digest && prefs.daily_digest,
        };
        if !self.settings.enabled || !wanted {
            return Ok(false);
        }
        let sent = q::notifications_since(db, agent.id, UnixMillis(now.0 - 3_600_000))?;
        if sent >= self.settings.notify_per_hour {
            return Ok(false);
        }
        let Ok(to) = crate::mail::rules::mailbox(&agent.email) else { return Ok(false) };
        self.enqueue(db, kind.as_str(), None, Some(agent.id), to, Lang::En, body, now)?;
        Ok(true)
    }

    /// Tells agents about a new offline message (each per their preferences).
    pub fn offline_message(
        &mut self,
        db: &Connection,
        c: &ConversationSummary,
        text: &str,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        let who = visitor_label(c);
        let body = Body {
            subject: texts::offline_subject(Lang::En, &who),
            intro: vec![format!("{who} left a message for {}.", self.shop_name())],
            sections: vec![(
                texts::conversation(Lang::En).to_owned(),
                vec![Line { who, text: text.to_owned(), at: now }],
            )],
            outro: vec![texts::notification_outro(Lang::En).to_owned()],
        };
        self.notify_agents(db, NotificationKind::OfflineMessage, &body, now)
    }

    /// Tells agents about visitors who left the queue unanswered.
    pub fn missed_chats(&mut self, db: &Connection, ids: &[ConversationId], now: UnixMillis) -> Result<(), StoreError> {
        for id in ids {
            let Some(c) = queries::conversation(db, *id)? else { continue };
            let who = visitor_label(&c);
            let messages = queries::messages_after(db, c.id, Seq(0), 50)?;
            let body = Body {
                subject: texts::missed_subject(Lang::En, &who),
                intro: vec![format!("{who} waited in the queue and left before an agent answered.")],
                sections: vec![(texts::conversation(Lang::En).to_owned(), lines(messages.iter(), Lang::En))],
                outro: vec![texts::notification_outro(Lang::En).to_owned()],
            };
            self.notify_agents(db, NotificationKind::MissedChat, &body, now)?;
        }
        Ok(())
    }

    /// Once a day (24 hours after the last, or after email was turned on):
    /// the last day's conversations, offline messages and missed chats.
    fn digest_if_due(&mut self, db: &Connection, now: UnixMillis) -> Result<(), StoreError> {
        if !self.settings.enabled || !self.settings.notify_daily_digest {
            return Ok(());
        }
        let Some(last) = queries::setting(db, DIGEST_AT)?.and_then(|v| v.parse::<i64>().ok()) else {
            return queries::set_setting(db, DIGEST_AT, &now.0.to_string());
        };
        if now.0 - last < DAY_MS {
            return Ok(());
        }
        queries::set_setting(db, DIGEST_AT, &now.0.to_string())?;
        let (total, offline, missed) = q::day_counts(db, UnixMillis(now.0 - DAY_MS))?;
        let shop = self.shop_name();
        let body = Body {
            subject: texts::digest_subject(Lang::En, &shop),
            intro: vec![format!(
                "In the last 24 hours: {total} conversations, {offline} offline messages, {missed} missed chats."
            )],
            sections: Vec::new(),
            outro: vec![texts::notification_outro(Lang::En).to_owned()],
        };
        self.notify_agents(db, NotificationKind::DailyDigest, &body, now)
    }

    fn notify_agents(
        &mut self,
        db: &Connection,
        kind: NotificationKind,
        body: &Body,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        if !self.settings.enabled {
            return Ok(());
        }
        for agent in queries::agents(db)? {
            self.notify_agent(db, &agent, kind, body, now)?;
        }
        Ok(())
    }

    /// The shop's name in emails: the From's display name, else the tenant id.
    pub fn shop_name(&self) -> String {
        crate::mail::rules::mailbox(&self.settings.from)
            .ok()
            .and_then(|m| m.name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.tenant.to_string())
    }

    /// Writes one email into the outbox (in the open transaction).
    #[allow(clippy::too_many_arguments)]
    fn enqueue(
        &mut self,
        db: &Connection,
        kind: &str,
        conversation: Option<ConversationId>,
        agent: Option<AgentId>,
        to: Mailbox,
        lang: Lang,
        body: &Body,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        let from = crate::mail::rules::mailbox(&self.settings.from).map_err(StoreError::Corrupt)?;
        let domain = from.email.domain().to_owned();
        let (envelope_from, recipient) = (from.email.to_string(), to.email.to_string());
        let row = NewRow { kind, conversation, agent, envelope_from: &envelope_from, recipient: &recipient };
        let id = q::insert(db, row, now)?;
        let message_id = format!("<natter.{}.{id}@{domain}>", self.tenant);
        let addressing = Addressing {
            from,
            to,
            reply_to: self.reply_to(conversation, now),
            message_id: message_id.clone(),
            thread: conversation.map(|c| format!("<natter.{}.c{c}@{domain}>", self.tenant)),
            unsubscribe: agent.map(|a| Unsubscribe {
                mailto: "mailto:".to_owned() + &envelope_from + "?subject=unsubscribe",
                one_click: self.public_origin.as_ref().map(|origin| {
                    format!("{origin}/v1/mail/unsubscribe/{}", self.tokens.issue_unsubscribe(&self.tenant, a, kind))
                }),
            }),
        };
        let message = compose::build(&addressing, lang, body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        q::set_message(db, id, &message_id, &message.formatted())?;
        self.queued = true;
        Ok(())
    }

    /// `reply+<token>@<inbound domain>` for a conversation's emails; else the
    /// tenant's Reply-To.
    fn reply_to(&self, conversation: Option<ConversationId>, now: UnixMillis) -> Option<Mailbox> {
        if let (Some(c), Some(domain)) = (conversation, &self.settings.inbound_domain) {
            let token = self.tokens.issue(&self.tenant, c, now);
            let name = crate::mail::rules::mailbox(&self.settings.from).ok().and_then(|m| m.name);
            if let Ok(address) = format!("reply+{token}@{domain}").parse() {
                return Some(Mailbox::new(name, address));
            }
        }
        self.settings.reply_to.as_deref().and_then(|r| crate::mail::rules::mailbox(r).ok())
    }
}

/// Whether the database at `path` has emails to send (read-only; a missing
/// file or an older schema has none).
pub fn has_pending(path: &std::path::Path) -> bool {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(db) = Connection::open_with_flags(path, flags) else { return false };
    db.query_row("SELECT EXISTS (SELECT 1 FROM email_outbox WHERE state IN ('queued', 'sending'))", [], |r| r.get(0))
        .unwrap_or(false)
}

/// The kinds of notification agents can switch off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    OfflineMessage,
    MissedChat,
    DailyDigest,
}

impl NotificationKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::OfflineMessage => "offline_message",
            Self::MissedChat => "missed_chat",
            Self::DailyDigest => "digest",
        }
    }
}

/// How notifications name a visitor: their name, else their email, else "a visitor".
fn visitor_label(c: &ConversationSummary) -> String {
    c.visitor.name.clone().or_else(|| c.visitor.email.clone()).unwrap_or_else(|| texts::visitor(Lang::En).to_owned())
}

/// The visitor's address, if they gave a valid one.
fn visitor_mailbox(c: &ConversationSummary) -> Option<Mailbox> {
    let email = c.visitor.email.as_deref()?;
    let address = email.trim().parse().ok()?;
    Some(Mailbox::new(c.visitor.name.clone(), address))
}

fn visitor_texts(messages: &[Message]) -> impl Iterator<Item = &str> {
    messages.iter().filter(|m| m.author == Author::Visitor).filter_map(|m| match &m.body {
        MessageBody::Text { text, .. } => Some(text.as_str()),
        MessageBody::Event { .. } => None,
    })
}

/// Text messages as quoted lines (events left out).
fn lines<'a>(messages: impl Iterator<Item = &'a Message>, lang: Lang) -> Vec<Line> {
    messages
        .filter_map(|m| {
            let MessageBody::Text { text, .. } = &m.body else { return None };
            let who = match &m.author {
                Author::Visitor => texts::you(lang).to_owned(),
                Author::Agent { name, .. } => name.clone(),
                Author::System => return None,
            };
            let text = if text.trim().is_empty() { "📎".to_owned() } else { text.clone() };
            Some(Line { who, text, at: m.at })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_a_cap() {
        assert_eq!(retry_delay_ms(1), 60_000);
        assert_eq!(retry_delay_ms(2), 120_000);
        assert_eq!(retry_delay_ms(3), 240_000);
        assert_eq!(retry_delay_ms(40), LONGEST_RETRY_MS);
    }
}
