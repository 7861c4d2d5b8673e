//! Tenants at run time: one actor thread per tenant, started on first use, that
//! alone writes the tenant's SQLite file (`<data-dir>/tenants/<id>.db`), plus a
//! read connection for reads that must not wait behind its writes.

mod actor;
mod admin_ops;
mod agent_frames;
mod agents;
pub mod batch;
pub mod canned;
mod command;
mod conversations;
mod core;
mod desk;
mod encode;
mod file_queries;
mod files;
mod hours;
mod housekeeping;
pub mod hub;
mod identity;
mod indexer;
pub mod invitations;
mod kpi;
mod mail;
mod mail_queries;
mod queries;
mod queue;
mod ratings;
mod reads;
mod replay;
pub mod routing;
mod sessions;
mod settings;
mod settings_rules;
mod visitor_frames;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use natter_protocol::TenantId;
use tokio::sync::{mpsc, oneshot};

pub use command::{AdminOp, AgentChangeRefused, Command, FileOp, InboundResult, MailOp, Removal, Reply};
pub use desk::TagRefused;
pub(crate) use encode::error as encode_error;
pub use file_queries::{UploadRow, Uploader};
pub use files::{BlobFile, EraseRefusal, NewUpload};
pub use kpi::{days as kpi_days, drain as kpi_drain, export as kpi_export, report as kpi_report};
pub use mail::{Claimed, SendOutcome};
pub use ratings::{PageState, RatingDraft, RatingQuery, RatingRefused};
pub use reads::Reader;
pub use settings::{SettingsView, Versioned};
pub(crate) use visitor_frames::clip;

use crate::auth::visitor_token::VisitorTokens;
use crate::config::SessionPolicy;
use crate::registry::{Registry, TenantRecord};
use crate::store::{self, StoreError, schema};

/// Commands queued for one tenant before senders wait (back-pressure).
const COMMAND_QUEUE: usize = 4096;

/// What every tenant actor is given.
#[derive(Debug, Clone)]
pub struct ActorSettings {
    pub tokens: VisitorTokens,
    pub sessions: SessionPolicy,
    pub max_text_bytes: usize,
    /// Conversations one visitor may open per hour.
    pub conversations_per_visitor_hour: u32,
    /// How often each actor runs its timeouts (sessions, queue, presence).
    pub housekeeping_every: Duration,
    /// Files in chat: links, the quota, the unattached grace period.
    pub files: FileSettings,
    /// Email: the password key, reply tokens (a sender task per tenant).
    pub mail: crate::mail::MailService,
    pub clock: crate::time::Clock,
}

/// What a tenant actor needs for files.
#[derive(Debug, Clone)]
pub struct FileSettings {
    /// `<data-dir>/tenants`: each tenant's files are in `<tenant>.files/` there.
    pub tenants_dir: PathBuf,
    pub links: crate::files::Links,
    pub quota_bytes: u64,
    pub unattached_grace: Duration,
}

/// Handle to one tenant's actor, its read connection and its published settings.
#[derive(Debug, Clone)]
pub struct TenantHandle {
    id: TenantId,
    tx: mpsc::Sender<Command>,
    reader: Reader,
    settings: SettingsView,
    clock: crate::time::Clock,
}

impl TenantHandle {
    pub fn id(&self) -> &TenantId {
        &self.id
    }

    /// Reads that do not wait behind the actor's writes.
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// The settings as of the last commit that changed them.
    pub fn settings(&self) -> Arc<Versioned> {
        self.settings.current()
    }

    /// Now, by the tenant's clock (the one its actor uses).
    pub fn now(&self) -> natter_protocol::UnixMillis {
        self.clock.now()
    }

    /// The settings, and whether the shop is open now by their business hours.
    pub fn public_settings(&self) -> (Arc<Versioned>, bool) {
        let current = self.settings.current();
        let open = hours::is_open(&current.settings.hours, self.clock.now());
        (current, open)
    }

    /// Queues a command (waiting if the actor is saturated).
    pub async fn send(&self, cmd: Command) -> Result<(), StoreError> {
        self.tx.send(cmd).await.map_err(|_| StoreError::Stopped)
    }

    /// Queues a command without waiting; for `Drop` guards.
    pub fn try_send(&self, cmd: Command) -> bool {
        self.tx.try_send(cmd).is_ok()
    }

    /// Sends a request built around a reply channel and awaits the answer.
    pub async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Result<T, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.send(make(reply)).await?;
        rx.await.map_err(|_| StoreError::Stopped)?
    }

    /// Shorthand for [`Self::ask`] with an admin request.
    pub async fn admin<T>(&self, make: impl FnOnce(Reply<T>) -> AdminOp) -> Result<T, StoreError> {
        self.ask(|reply| Command::Admin(make(reply))).await
    }
}

/// All tenants' actors, started lazily. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Tenants {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    registry: Registry,
    dir: PathBuf,
    settings: ActorSettings,
    actors: Mutex<HashMap<TenantId, TenantHandle>>,
    starting: tokio::sync::Mutex<()>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Tenants {
    pub fn new(registry: Registry, data_dir: &Path, settings: ActorSettings) -> Result<Self, StoreError> {
        let dir = data_dir.join("tenants");
        std::fs::create_dir_all(&dir)?;
        crate::data_dir::make_private_dir(&dir)?;
        Ok(Self {
            inner: Arc::new(Inner {
                registry,
                dir,
                settings,
                actors: Mutex::new(HashMap::new()),
                starting: tokio::sync::Mutex::new(()),
                threads: Mutex::new(Vec::new()),
            }),
        })
    }

    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The running actor of a registered tenant, started if need be; `None` if
    /// no such tenant exists.
    pub async fn get(&self, id: &TenantId) -> Result<Option<TenantHandle>, StoreError> {
        if let Some(handle) = self.running(id) {
            return Ok(Some(handle));
        }
        if self.inner.registry.tenant(id).await?.is_none() {
            return Ok(None);
        }
        self.start(id).await.map(Some)
    }

    fn running(&self, id: &TenantId) -> Option<TenantHandle> {
        let actors = self.inner.actors.lock().unwrap_or_else(|e| e.into_inner());
        actors.get(id).filter(|h| !h.tx.is_closed()).cloned()
    }

    async fn start(&self, id: &TenantId) -> Result<TenantHandle, StoreError> {
        // One start at a time, so two first requests never spawn two actors.
        let _starting = self.inner.starting.lock().await;
        if let Some(handle) = self.running(id) {
            return Ok(handle);
        }
        let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
        let mail_wake = Arc::new(tokio::sync::Notify::new());
        let opened = self.spawn_actor(id.clone(), &tx, rx, mail_wake.clone())?;
        let started = async {
            let settings = opened.await.map_err(|_| StoreError::Stopped)??;
            let reader = Reader::open(id, &self.db_path(id)).await?;
            let clock = self.inner.settings.clock.clone();
            Ok::<_, StoreError>(TenantHandle { id: id.clone(), tx, reader, settings, clock })
        };
        match started.await {
            Ok(handle) => {
                self.inner.actors.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), handle.clone());
                spawn_ticker(&handle, self.inner.settings.housekeeping_every);
                tokio::spawn(crate::mail::sender::run(
                    id.clone(),
                    handle.tx.downgrade(),
                    self.inner.settings.mail.key.clone(),
                    mail_wake,
                    self.inner.settings.housekeeping_every,
                ));
                Ok(handle)
            }
            Err(e) => Err(e),
        }
    }

    /// Starts the actor's thread, which opens the database itself: the
    /// connection is created on, and never leaves, that thread.
    fn spawn_actor(
        &self,
        tenant: TenantId,
        tx: &mpsc::Sender<Command>,
        rx: mpsc::Receiver<Command>,
        mail_wake: Arc<tokio::sync::Notify>,
    ) -> Result<oneshot::Receiver<Result<SettingsView, StoreError>>, StoreError> {
        let (opened_tx, opened_rx) = oneshot::channel();
        let path = self.db_path(&tenant);
        let settings = self.inner.settings.clone();
        let alarm = actor::Alarm::new(tokio::runtime::Handle::current(), tx.downgrade());
        let thread = std::thread::Builder::new().name(format!("tenant-{tenant}")).spawn(move || {
            let opened = store::open(&path, schema::TENANT)
                .and_then(|db| core::Tenant::load(&db, tenant, &settings, mail_wake).map(|state| (db, state)));
            match opened {
                Ok((db, state)) => {
                    let _ = opened_tx.send(Ok(state.settings_view()));
                    let running = metrics::gauge!(crate::metrics::TENANT_ACTORS);
                    running.increment(1.0);
                    actor::run(db, state, settings.clock, alarm, rx);
                    running.decrement(1.0);
                }
                Err(e) => {
                    let _ = opened_tx.send(Err(e));
                }
            }
        })?;
        self.inner.threads.lock().unwrap_or_else(|e| e.into_inner()).push(thread);
        Ok(opened_rx)
    }

    fn db_path(&self, tenant: &TenantId) -> PathBuf {
        // TenantId is a validated slug, so this cannot escape the directory.
        self.inner.dir.join(format!("{tenant}.db"))
    }

    /// Starts the actors of tenants with emails still to send (queued, or
    /// interrupted by a crash), so their senders resume without waiting for a
    /// visitor or agent to wake the tenant. Actors otherwise start lazily.
    pub async fn resume_email(&self) -> Result<usize, StoreError> {
        let mut started = 0;
        for record in self.inner.registry.list().await? {
            let path = self.db_path(&record.id);
            let pending = tokio::task::spawn_blocking(move || mail::has_pending(&path)).await.unwrap_or(false);
            if pending && self.get(&record.id).await?.is_some() {
                started += 1;
            }
        }
        Ok(started)
    }

    /// Registers a tenant and creates its database; `Ok(false)` if it exists.
    pub async fn create(&self, record: TenantRecord) -> Result<bool, StoreError> {
        let id = record.id.clone();
        if !self.inner.registry.add(record).await? {
            return Ok(false);
        }
        self.start(&id).await?;
        Ok(true)
    }

    /// Unregisters a tenant and stops its actor. Its database file is kept,
    /// renamed `<id>.db.removed-<unix ms>`, so removal can be undone by hand.
    pub async fn remove(&self, id: &TenantId) -> Result<bool, StoreError> {
        if !self.inner.registry.remove(id).await? {
            return Ok(false);
        }
        let handle = self.inner.actors.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
        drop(handle);
        let removed_at = crate::time::now().0;
        let path = self.db_path(id);
        if path.exists() {
            let kept = path.with_extension(format!("db.removed-{removed_at}"));
            std::fs::rename(&path, kept)?;
        }
        let files = crate::files::TenantDir::new(&self.inner.dir, id);
        if files.root().exists() {
            std::fs::rename(files.root(), files.root().with_extension(format!("files.removed-{removed_at}")))?;
        }
        Ok(true)
    }

    /// Stops every actor after it has committed what it was given, and waits
    /// for their threads. Call when no socket or request can reach them any more.
    pub async fn shutdown(&self) {
        self.inner.actors.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let threads = std::mem::take(&mut *self.inner.threads.lock().unwrap_or_else(|e| e.into_inner()));
        let joined = tokio::task::spawn_blocking(move || {
            for t in threads {
                let _ = t.join();
            }
        });
        if tokio::time::timeout(Duration::from_secs(10), joined).await.is_err() {
            tracing::warn!("tenant actors did not stop within 10 s");
        }
    }
}

/// Sends `Tick` to the actor periodically, holding only a weak sender so it
/// never keeps the actor alive.
fn spawn_ticker(handle: &TenantHandle, every: Duration) {
    let weak = handle.tx.downgrade();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.tick().await;
        loop {
            interval.tick().await;
            let Some(tx) = weak.upgrade() else { return };
            if tx.send(Command::Tick).await.is_err() {
                return;
            }
        }
    });
}
