//! CSAT reminders by email: a visitor who left an email and has not rated a
//! closed conversation gets one email, an hour after the close (or after the
//! survey's delay, if longer), with a signed link to the relay's rating page.
//! Scheduled in the batch that closes the conversation; sent from the
//! housekeeping tick; at most once per conversation, ever.

use natter_protocol::{ConversationId, ConversationStatus, CsatSettings, Seq, UnixMillis};
use rusqlite::{Connection, params};

use super::{Mailer, visitor_mailbox, visitor_texts};
use crate::mail::compose::{Body, Lang, texts};
use crate::store::StoreError;
use crate::tenant::{queries, ratings};

/// How long after the close the reminder is due, at the least.
pub const REMINDER_AFTER_MS: i64 = 3_600_000;

/// Reminders sent per tick at most (the rest wait for the next tick).
const PER_TICK: usize = 50;

impl Mailer {
    /// Schedules the reminders of conversations closed in this batch: those
    /// with an email, while the tenant asks for ratings and sends email.
    pub fn schedule_csat_reminders(
        &mut self,
        db: &Connection,
        closed: &[ConversationId],
        csat: &CsatSettings,
    ) -> Result<(), StoreError> {
        if !self.settings.enabled || !csat.enabled || self.public_origin.is_none() {
            return Ok(());
        }
        let after = REMINDER_AFTER_MS.max(i64::from(csat.delay_secs) * 1000);
        for &id in closed {
            let Some(c) = queries::conversation(db, id)? else { continue };
            let Some(closed_at) = c.closed_at.filter(|_| c.status == ConversationStatus::Closed) else { continue };
            if visitor_mailbox(&c).is_some() {
                db.prepare_cached("INSERT OR IGNORE INTO csat_reminders(conversation_id, due_at) VALUES (?1, ?2)")?
                    .execute(params![id.0, closed_at.0 + after])?;
            }
        }
        Ok(())
    }

    /// Sends the reminders that came due, unless the visitor rated meanwhile,
    /// the survey expired or email was turned off (then they are dropped).
    pub fn send_csat_reminders(
        &mut self,
        db: &Connection,
        csat: &CsatSettings,
        locale: Option<&str>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        for id in due(db, now)? {
            self.remind(db, id, csat, locale, now)?;
            db.prepare_cached("UPDATE csat_reminders SET done_at = ?2 WHERE conversation_id = ?1")?
                .execute(params![id.0, now.0])?;
        }
        Ok(())
    }

    fn remind(
        &mut self,
        db: &Connection,
        id: ConversationId,
        csat: &CsatSettings,
        locale: Option<&str>,
        now: UnixMillis,
    ) -> Result<(), StoreError> {
        let Some(origin) = self.public_origin.clone() else { return Ok(()) };
        let Some(c) = queries::conversation(db, id)? else { return Ok(()) };
        let Some(to) = visitor_mailbox(&c).filter(|_| self.settings.enabled && csat.enabled) else { return Ok(()) };
        let Some(closed_at) = c.closed_at else { return Ok(()) };
        let expires = ratings::expires_at(closed_at, csat);
        if now >= expires || ratings::rating_of(db, id)?.is_some() {
            return Ok(());
        }
        let messages = queries::messages_after(db, id, Seq(0), 50)?;
        let lang = Lang::guess(visitor_texts(&messages), locale);
        let shop = self.shop_name();
        let question =
            csat.question_for(lang.code()).map_or_else(|| texts::csat_question(lang).to_owned(), str::to_owned);
        let link = self.rating_links.url(&origin, &self.tenant, id, expires);
        let body = Body {
            subject: texts::csat_subject(lang, &shop),
            intro: vec![question, texts::csat_rate_here(lang).to_owned(), link],
            sections: Vec::new(),
            outro: Vec::new(),
        };
        self.enqueue(db, "csat_reminder", Some(id), None, to, lang, &body, now)
    }
}

/// Reminders due at `now`, oldest first.
fn due(db: &Connection, now: UnixMillis) -> Result<Vec<ConversationId>, StoreError> {
    let mut stmt = db.prepare_cached(
        "SELECT conversation_id FROM csat_reminders WHERE done_at IS NULL AND due_at <= ?1 ORDER BY due_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now.0, PER_TICK as i64], |r| Ok(ConversationId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
