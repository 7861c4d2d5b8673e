//! One tenant's in-memory state, as the actor holds it: the parts, each owning
//! its concept, and the dispatch of commands to the part that handles them.
//! Nothing here is shared; the actor thread owns it.

use natter_protocol::{ConversationId, TenantId, ToAgent, UnixMillis};
use rusqlite::Connection;

use super::admin_ops::Admin;
use super::agent_frames::AgentDesk;
use super::agents::Agents;
use super::batch::{AgentTarget, VisitorTarget};
use super::batch::{Batch, OpResult, Refusal};
use super::command::{Command, FileOp, InboundResult, MailOp};
use super::conversations::Conversations;
use super::files::FileStore;
use super::hub::{Hub, Member};
use super::mail::Mailer;
use super::sessions::Sessions;
use super::settings::{Settings, SettingsView};
use super::visitor_frames::Visitors;
use super::{housekeeping, kpi, queries, queue, ratings};
use crate::auth::visitor_token::VisitorTokens;
use crate::store::StoreError;

/// Everything the actor keeps besides its connection.
#[derive(Debug)]
pub struct Tenant {
    id: TenantId,
    tokens: VisitorTokens,
    started_at: UnixMillis,
    hub: Hub,
    agents: Agents,
    sessions: Sessions,
    convs: Conversations,
    settings: Settings,
    files: FileStore,
    mail: Mailer,
}

impl Tenant {
    /// The starting state: settings from the database, and every agent who
    /// holds conversations counted as just disconnected, so they get the grace
    /// period to come back after a relay restart.
    pub fn load(
        db: &Connection,
        id: TenantId,
        actor: &super::ActorSettings,
        mail_wake: std::sync::Arc<tokio::sync::Notify>,
    ) -> Result<Self, StoreError> {
        let now = actor.clock.now();
        let (settings, version) = queries::load_settings(db)?;
        let holders = queries::active_counts(db)?.into_iter().map(|(agent, _)| agent);
        let links = actor.files.links.tenant(&id);
        let dir = crate::files::TenantDir::new(&actor.files.tenants_dir, &id);
        let files = FileStore::open(db, dir, links.clone(), actor.files.quota_bytes, actor.files.unattached_grace)?;
        let mail = Mailer::load(db, id.clone(), &actor.mail, mail_wake)?;
        Ok(Self {
            id,
            tokens: actor.tokens.clone(),
            started_at: now,
            hub: Hub::default(),
            agents: Agents::after_restart(holders, now),
            sessions: Sessions::new(actor.sessions.clone()),
            convs: Conversations::new(actor.max_text_bytes, actor.conversations_per_visitor_hour, links),
            settings: Settings::new(settings, version),
            files,
            mail,
        })
    }

    pub fn id(&self) -> &TenantId {
        &self.id
    }

    pub fn settings_view(&self) -> SettingsView {
        self.settings.view()
    }

    pub fn hub_mut(&mut self) -> &mut Hub {
        &mut self.hub
    }

    pub fn apply(&mut self, db: &Connection, cmd: Command, batch: &mut Batch) -> OpResult {
        match cmd {
            Command::AttachVisitor { conn, sink, visitor, user_agent, resume, reply } => {
                let result = self.visitors().attach(db, (conn, sink), visitor, user_agent, resume, batch);
                batch.reply_after_commit(reply, result);
                Ok(())
            }
            Command::AttachAgent { conn, sink, session, reply } => {
                let result = self.desk().attach(db, (conn, sink), session, batch);
                batch.reply_after_commit(reply, result);
                Ok(())
            }
            Command::Detach { conn } => {
                self.detach(conn, batch.now);
                Ok(())
            }
            Command::Visitor { conn, frame } => self.visitors().frame(db, conn, frame, batch),
            Command::Agent { conn, frame } => self.desk().frame(db, conn, frame, batch),
            Command::ReplayPage { conn } => {
                Ok(super::replay::next_page(db, &self.hub, self.files.links(), conn, batch)?)
            }
            Command::Admin(op) => self.admin().apply(db, op, batch),
            Command::Files(op) => self.file_op(db, op, batch),
            Command::Mail(op) => self.mail_op(db, op, batch),
            Command::Previews => Ok(()),
            Command::Tick => {
                self.sessions.expire(db, &self.hub, batch)?;
                self.files.collect(db, batch.now)?;
                self.mail.tick(db, batch.now)?;
                let (csat, locale) = (&self.settings.get().csat, self.settings.get().widget.locale.as_deref());
                self.mail.send_csat_reminders(db, csat, locale, batch.now)?;
                self.mail_due(db, batch)?;
                let r = &self.settings.get().routing;
                housekeeping::run(db, &mut self.convs, &mut self.agents, &self.hub, r, self.started_at, batch)
            }
        }
    }

    /// Runs at the end of every batch, in its transaction: routing if the queue
    /// or availability changed, and the inbox previews due. Returns when the
    /// previews still owed are due (the actor asks to be woken then).
    pub fn after_batch(&mut self, db: &Connection, batch: &mut Batch) -> Result<Option<std::time::Duration>, Refusal> {
        queue::route_if_changed(db, &mut self.convs, &mut self.agents, &self.settings.get().routing, batch)?;
        let closed = self.convs.take_closed();
        self.send_surveys(db, &closed, batch)?;
        self.mail.schedule_csat_reminders(db, &closed, &self.settings.get().csat)?;
        if !closed.is_empty() {
            self.mail.closed(db, &closed, self.settings.get().widget.locale.as_deref(), batch.now)?;
        }
        let missed = self.convs.take_missed();
        if !missed.is_empty() {
            self.mail.missed_chats(db, &missed, batch.now)?;
        }
        Ok(self.convs.send_previews(db, batch)?)
    }

    /// The visitors of conversations closed in this batch get their survey.
    fn send_surveys(
        &mut self,
        db: &Connection,
        closed: &[ConversationId],
        batch: &mut Batch,
    ) -> Result<(), StoreError> {
        let csat = &self.settings.get().csat;
        for &id in closed {
            let Some(c) = queries::conversation(db, id)? else { continue };
            if let Some(frame) = ratings::survey(db, &c, csat, batch.now)? {
                batch.to_visitor(VisitorTarget::Visitor(c.visitor_id.clone()), &frame);
            }
        }
        Ok(())
    }

    /// KPIs, between batches (see [`kpi`]): agent sockets hear which days changed.
    pub fn update_kpis(&mut self, db: &Connection, moment: super::indexer::Moment, now: UnixMillis) {
        if let Some(days) = kpi::after_batch(db, moment, self.settings.get()) {
            let mut batch = Batch::new(now);
            batch.to_agents(AgentTarget::All, &ToAgent::MetricsChanged { days });
            self.hub.deliver(batch.take().0);
        }
    }

    /// Runs at the start of every batch, in its transaction: the offline
    /// replies that came due (before the batch's commands, so an email that
    /// is due is queued ahead of any the commands queue).
    pub fn before_batch(&mut self, db: &Connection, batch: &mut Batch) -> Result<(), Refusal> {
        self.mail_due(db, batch)
    }

    fn mail_due(&mut self, db: &Connection, batch: &Batch) -> Result<(), Refusal> {
        let locale = self.settings.get().widget.locale.as_deref();
        Ok(self.mail.due_replies(db, &self.hub, locale, batch.now)?)
    }

    /// The batch committed: publish what it changed.
    pub fn committed(&mut self) {
        self.settings.committed();
        self.files.committed();
        self.mail.committed();
    }

    /// The batch did not commit: forget what it changed in memory.
    pub fn rolled_back(&mut self) {
        self.settings.rolled_back();
        self.files.rolled_back();
        self.mail.rolled_back();
        self.convs.take_closed();
        self.convs.take_missed();
    }

    fn mail_op(&mut self, db: &Connection, op: MailOp, batch: &mut Batch) -> OpResult {
        match op {
            MailOp::GetSettings { reply } => batch.reply_after_commit(reply, Ok(self.mail.view())),
            MailOp::PutSettings { settings, password, by, reply } => {
                let result = self.mail.put(db, *settings, password, by, batch.now);
                batch.reply_after_commit(reply, result);
            }
            MailOp::Smtp { reply } => batch.reply_after_commit(reply, Ok(self.mail.smtp())),
            MailOp::Claim { limit, reply } => {
                let result = self.mail.claim(db, batch.now, limit);
                batch.reply_after_commit(reply, result);
            }
            MailOp::Done { id, outcome } => self.mail.done(db, id, &outcome, batch.now)?,
            MailOp::Inbound { conversation, text, message_id, reply } => {
                let result = self.inbound(db, conversation, text, &message_id, batch)?;
                batch.reply_after_commit(reply, Ok(result));
            }
            MailOp::AgentPrefs { agent, set, reply } => {
                if let Some(prefs) = &set {
                    super::mail_queries::set_agent_prefs(db, agent, prefs)?;
                }
                batch.reply_after_commit(reply, super::mail_queries::agent_prefs(db, agent));
            }
        }
        Ok(())
    }

    /// A visitor's emailed reply: appended to the conversation as theirs; to a
    /// new offline conversation (with their email) if that one is closed. The
    /// client id is derived from the email's Message-ID, so an MTA's retry of
    /// the same email is acknowledged as a duplicate.
    fn inbound(
        &mut self,
        db: &Connection,
        id: ConversationId,
        text: String,
        message_id: &str,
        batch: &mut Batch,
    ) -> Result<Result<InboundResult, natter_protocol::ErrorCode>, Refusal> {
        use natter_protocol::{Author, ConversationStatus, ErrorCode};
        let Some(c) = queries::conversation(db, id)? else { return Ok(Err(ErrorCode::NotFound)) };
        let client_id = mail_client_id(message_id);
        let latest = queries::latest_conversation(db, &c.visitor_id)?.unwrap_or_else(|| c.clone());
        for candidate in [&c, &latest] {
            if let Some(seq) = queries::seq_of_client_id(db, candidate.id, "v", &client_id)? {
                return Ok(Ok(InboundResult { conversation: candidate.id, seq, duplicate: true }));
            }
        }
        let target = if latest.status != ConversationStatus::Closed {
            latest
        } else {
            let info = natter_protocol::VisitorInfo {
                name: c.visitor.name.clone(),
                email: c.visitor.email.clone(),
                ..Default::default()
            };
            self.convs.create(db, &c.visitor_id, &info, None, true, batch)?
        };
        let draft = super::conversations::Draft {
            client_id: client_id.clone(),
            text,
            attachments: Vec::new(),
            quick_replies: Vec::new(),
        };
        self.convs.post_text(db, &target, Author::Visitor, draft, super::conversations::AckTo::Nobody, batch)?;
        let seq = queries::seq_of_client_id(db, target.id, "v", &client_id)?.unwrap_or_default();
        Ok(Ok(InboundResult { conversation: target.id, seq, duplicate: false }))
    }

    fn file_op(&mut self, db: &Connection, op: FileOp, batch: &mut Batch) -> OpResult {
        match op {
            FileOp::Store { upload, reply } => {
                let result = self.files.store(db, &upload, batch.now);
                batch.reply_after_commit(reply, result);
            }
            FileOp::Refused { uploader, name, sha256, signature, reply } => {
                let told = self.convs.file_refused(db, &uploader, &name, &signature, batch)?;
                super::file_queries::record_refusal(db, batch.now, &uploader, &name, &sha256, &signature, told)?;
                batch.reply_after_commit(reply, Ok(()));
            }
            FileOp::Erase { conversation, reply } => {
                let result = self.files.erase(db, conversation);
                batch.reply_after_commit(reply, result);
            }
        }
        Ok(())
    }

    fn detach(&mut self, conn: super::hub::ConnId, now: UnixMillis) {
        // The socket may have been unregistered already (closed by the relay).
        if let Some(Member::Agent { id, session }) = self.hub.unregister(conn, now) {
            self.sessions.detach(&session, &self.hub);
            self.agents.socket_closed(id, now);
        }
    }

    fn visitors(&mut self) -> Visitors<'_> {
        Visitors {
            tenant: &self.id,
            hub: &self.hub,
            convs: &mut self.convs,
            settings: self.settings.get(),
            tokens: &self.tokens,
            mail: &mut self.mail,
        }
    }

    fn desk(&mut self) -> AgentDesk<'_> {
        AgentDesk {
            hub: &self.hub,
            convs: &mut self.convs,
            agents: &mut self.agents,
            sessions: &mut self.sessions,
            settings: self.settings.get(),
        }
    }

    fn admin(&mut self) -> Admin<'_> {
        Admin {
            hub: &self.hub,
            convs: &mut self.convs,
            agents: &mut self.agents,
            sessions: &mut self.sessions,
            settings: &mut self.settings,
        }
    }
}

/// The client id of an emailed reply: `mail-` and 24 hex digits of the
/// SHA-256 of its Message-ID.
fn mail_client_id(message_id: &str) -> natter_protocol::ClientMsgId {
    let digest = ring::digest::digest(&ring::digest::SHA256, message_id.as_bytes());
    let hex: String = digest.as_ref()[..12].iter().map(|b| format!("{b:02x}")).collect();
    // 29 characters of [a-z0-9-]: always a valid client id.
    natter_protocol::ClientMsgId::parse(format!("mail-{hex}")).unwrap_or_else(|_| unreachable!())
}
