//! Reads that need no write: sign-in lookup, history search, agent lists. They
//! run on the tenant's read connection, its own thread, so they never queue
//! behind the actor's batches and fsyncs (WAL lets a reader see the last commit
//! while a write is in progress).

use std::path::Path;

use natter_protocol::{
    AgentAdminView, AgentId, AgentInfo, AssignmentRecord, CannedResponse, ConversationId, ConversationPage,
    ConversationQuery, SearchStatus,
};
use rusqlite::{Connection, OpenFlags};

use super::queries;
use crate::store::{DbThread, StoreError};

/// The tenant's read connection. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Reader {
    thread: DbThread,
}

impl Reader {
    /// Opens a read-only connection to a database the actor has already
    /// created and migrated.
    pub async fn open(tenant: &natter_protocol::TenantId, path: &Path) -> Result<Self, StoreError> {
        let path = path.to_owned();
        let thread = DbThread::spawn(&format!("read-{tenant}"), move || {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let db = Connection::open_with_flags(&path, flags)?;
            db.busy_timeout(std::time::Duration::from_secs(5))?;
            crate::store::configure(&db)?;
            Ok(db)
        })
        .await?;
        Ok(Self { thread })
    }

    /// The account with this email, for sign-in.
    pub async fn login_lookup(&self, email: String) -> Result<Option<queries::LoginRow>, StoreError> {
        self.thread.call(move |db| queries::agent_for_login(db, email.trim())).await
    }

    /// Past conversations (closed ones matching a text, or one visitor's); the
    /// query's limit and text are already validated.
    pub async fn find_conversations(&self, query: ConversationQuery) -> Result<ConversationPage, StoreError> {
        self.thread.call(move |db| find_conversations(db, &query)).await
    }

    /// Invitations neither used nor expired at `now`.
    pub async fn pending_invitations(
        &self,
        now: natter_protocol::UnixMillis,
    ) -> Result<Vec<natter_protocol::PendingInvitation>, StoreError> {
        self.thread.call(move |db| super::invitations::pending(db, now)).await
    }

    pub async fn agents(&self) -> Result<Vec<AgentInfo>, StoreError> {
        self.thread.call(|db| queries::agents(db)).await
    }

    /// Who claimed, transferred and closed a conversation; `None`: no such conversation.
    pub async fn assignments(&self, id: ConversationId) -> Result<Option<Vec<AssignmentRecord>>, StoreError> {
        self.thread
            .call(move |db| match queries::conversation(db, id)? {
                Some(_) => super::desk::assignments_of(db, id).map(Some),
                None => Ok(None),
            })
            .await
    }

    /// An upload, if it exists.
    pub async fn upload(&self, id: natter_protocol::UploadId) -> Result<Option<super::UploadRow>, StoreError> {
        self.thread.call(move |db| super::file_queries::upload(db, &id)).await
    }

    /// An upload, if it exists and this visitor may see it (theirs, or
    /// attached in one of their conversations).
    pub async fn upload_for_visitor(
        &self,
        id: natter_protocol::UploadId,
        visitor: natter_protocol::VisitorId,
    ) -> Result<Option<super::UploadRow>, StoreError> {
        self.thread
            .call(move |db| {
                let Some(row) = super::file_queries::upload(db, &id)? else { return Ok(None) };
                Ok(super::file_queries::visible_to_visitor(db, &row, &visitor)?.then_some(row))
            })
            .await
    }

    /// The invitation behind a token, if it may still be used (checked before
    /// the slow password hash; the actor checks again when it is used).
    pub async fn invitation(
        &self,
        hash: crate::auth::session::TokenHash,
        now: natter_protocol::UnixMillis,
    ) -> Result<Result<super::invitations::InvitationRow, super::invitations::InvitationRefused>, StoreError> {
        self.thread.call(move |db| super::invitations::usable(db, &hash, now)).await
    }

    /// The shared canned responses and `agent`'s own, most used first.
    pub async fn canned(&self, agent: AgentId) -> Result<Vec<CannedResponse>, StoreError> {
        self.thread.call(move |db| super::canned::list(db, agent)).await
    }

    /// Ratings for supervisors, newest first.
    pub async fn ratings(&self, query: super::RatingQuery) -> Result<natter_protocol::RatingPage, StoreError> {
        self.thread.call(move |db| super::ratings::list(db, &query)).await
    }

    /// What the rating page shows for a conversation; `None`: no such conversation.
    pub async fn rating_page(
        &self,
        id: ConversationId,
        csat: natter_protocol::CsatSettings,
        now: natter_protocol::UnixMillis,
    ) -> Result<Option<super::PageState>, StoreError> {
        self.thread.call(move |db| super::ratings::page_state(db, id, &csat, now)).await
    }

    /// Runs a KPI report (`kpi/report.rs`) on the read connection.
    pub async fn report<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.thread.call(move |db| f(db)).await
    }

    /// One page of a CSV export (`kpi/export.rs`).
    pub async fn export_page(
        &self,
        kind: super::kpi_export::Kind,
        filter: super::kpi_export::Filter,
        cursor: super::kpi_export::Cursor,
    ) -> Result<(Vec<u8>, Option<super::kpi_export::Cursor>), StoreError> {
        self.thread.call(move |db| super::kpi_export::page(db, kind, &filter, cursor)).await
    }

    /// Every account, deactivated ones included, with skills and chat limit.
    pub async fn agents_admin(&self) -> Result<Vec<AgentAdminView>, StoreError> {
        self.thread.call(|db| queries::agents_admin(db)).await
    }
}

fn find_conversations(db: &Connection, query: &ConversationQuery) -> Result<ConversationPage, StoreError> {
    let limit = query.limit.unwrap_or(ConversationQuery::DEFAULT_LIMIT);
    let scope = queries::SearchScope { open_too: query.status == Some(SearchStatus::Any), tag: query.tag };
    let (visitor, q) = (query.visitor.as_ref(), query.q.as_deref());
    let mut found = queries::search_conversations(db, visitor, q, query.before, limit + 1, scope)?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    // The total of a plain listing (the Closed tab's count); a text search
    // would cost a full scan to count.
    let plain_first_page = visitor.is_none() && q.is_none() && query.before.is_none();
    let total = if plain_first_page { Some(scope.count(db)?) } else { None };
    Ok(ConversationPage { conversations: found, more, total })
}
