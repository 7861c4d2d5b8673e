//! CSV exports, one page at a time: each call reads up to [`PAGE_ROWS`] rows
//! after a cursor (keyset, never OFFSET) and returns them as CSV bytes with the
//! next cursor, so the HTTP handler streams a year of a big tenant without
//! holding it, and the read connection is never held for long.
//!
//! Conversations are chosen by the local day they belong to (their facts), and
//! filtered by last assigned agent, tag and rating. Free text (names, comments,
//! messages) that a spreadsheet would take for a formula gets a leading `'`.

use natter_protocol::{AgentId, TagId};
use rusqlite::Connection;

use super::report::Period;
use crate::store::StoreError;

/// Rows per page.
pub const PAGE_ROWS: i64 = 500;

/// Which export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Conversations,
    Messages,
    Ratings,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "conversations.csv" => Some(Self::Conversations),
            "messages.csv" => Some(Self::Messages),
            "ratings.csv" => Some(Self::Ratings),
            _ => None,
        }
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            Self::Conversations => &[
                "conversation_id",
                "local_day",
                "created_at",
                "closed_at",
                "status",
                "closed_reason",
                "agent_id",
                "agent_name",
                "skill",
                "tags",
                "offline",
                "answered",
                "missed",
                "wait_secs",
                "first_response_secs",
                "resolution_secs",
                "transfers",
                "fcr",
                "rating",
                "rating_comment",
                "visitor_name",
                "visitor_email",
            ],
            Self::Messages => &["conversation_id", "seq", "at", "author", "agent_id", "agent_name", "kind", "body"],
            Self::Ratings => &[
                "conversation_id",
                "local_day",
                "rated_at",
                "score",
                "comment",
                "agent_id",
                "agent_name",
                "via",
                "changed",
            ],
        }
    }
}

/// What to export.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub period: Period,
    pub agent: Option<AgentId>,
    pub tag: Option<TagId>,
    pub rating: Option<u8>,
}

/// Where the next page starts: after this (conversation, seq).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor(pub i64, pub i64);

/// The conditions every export shares (on `k`, the conversation's facts).
/// `+k.day` keeps SQLite off the `(day, …)` indexes: with them it read the
/// whole period and sorted it for every 500-row page (a year of 100,000
/// conversations: 18 ms a page, 10 s an export); walking the primary key from
/// the cursor reads one page's rows (0.2 ms; BENCHMARKS.md "KPIs on a big tenant").
const CHOSEN: &str = "+k.day BETWEEN :from AND :to AND (:agent IS NULL OR k.agent_id = :agent)
    AND (:tag IS NULL OR EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = k.conversation_id AND t.tag_id = :tag))
    AND (:rating IS NULL OR k.score = :rating)";

/// The header line.
pub fn header(kind: Kind) -> Result<Vec<u8>, StoreError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(kind.header()).map_err(csv_error)?;
    w.into_inner().map_err(|e| StoreError::Io(e.into_error()))
}

/// The page after `cursor`; `None` as the next cursor: that was the last.
pub fn page(db: &Connection, kind: Kind, f: &Filter, cursor: Cursor) -> Result<(Vec<u8>, Option<Cursor>), StoreError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let (rows, last) = match kind {
        Kind::Conversations => conversations(db, f, cursor, &mut w)?,
        Kind::Messages => messages(db, f, cursor, &mut w)?,
        Kind::Ratings => ratings(db, f, cursor, &mut w)?,
    };
    let bytes = w.into_inner().map_err(|e| StoreError::Io(e.into_error()))?;
    Ok((bytes, last.filter(|_| rows == PAGE_ROWS)))
}

fn csv_error(e: csv::Error) -> StoreError {
    StoreError::Io(std::io::Error::other(e))
}

/// Spreadsheets run a cell that starts like a formula; such text gets a `'`.
fn inert(s: Option<String>) -> String {
    match s {
        Some(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        Some(s) => s,
        None => String::new(),
    }
}

fn time(ms: Option<i64>) -> String {
    ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()).map(|t| t.to_string()).unwrap_or_default()
}

fn secs(ms: Option<i64>) -> String {
    ms.map(|ms| format!("{:.1}", ms as f64 / 1000.0)).unwrap_or_default()
}

fn day(k: i64) -> String {
    super::days::from_key(k).map(|d| d.to_string()).unwrap_or_default()
}

type Page = (i64, Option<Cursor>);

fn named(f: &Filter, cursor: Cursor) -> [(&'static str, Option<i64>); 7] {
    [
        (":from", Some(super::days::key(f.period.from))),
        (":to", Some(super::days::key(f.period.to))),
        (":agent", f.agent.map(|a| a.0 as i64)),
        (":tag", f.tag.map(|t| t.0 as i64)),
        (":rating", f.rating.map(i64::from)),
        (":after", Some(cursor.0)),
        (":after_seq", Some(cursor.1)),
    ]
}

fn bind(stmt: &mut rusqlite::CachedStatement<'_>, f: &Filter, cursor: Cursor) -> Result<(), StoreError> {
    for (name, value) in named(f, cursor) {
        if let Some(i) = stmt.parameter_index(name)? {
            stmt.raw_bind_parameter(i, value)?;
        }
    }
    Ok(())
}

fn conversations(
    db: &Connection,
    f: &Filter,
    cursor: Cursor,
    w: &mut csv::Writer<Vec<u8>>,
) -> Result<Page, StoreError> {
    let sql = format!(
        "SELECT k.conversation_id, k.day, c.created_at, c.closed_at, c.status, k.closed_reason, k.agent_id,
            (SELECT name FROM agents a WHERE a.id = k.agent_id), k.skill,
            (SELECT group_concat(t.name, ';') FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
                WHERE ct.conversation_id = k.conversation_id),
            k.offline, k.answered, k.missed, k.wait_ms, k.frt_ms, k.resolution_ms, k.transfers, k.fcr, k.score,
            (SELECT comment FROM ratings r WHERE r.conversation_id = k.conversation_id),
            coalesce(c.name, (SELECT v.name FROM visitors v WHERE v.id = c.visitor_id)),
            coalesce(c.email, (SELECT v.email FROM visitors v WHERE v.id = c.visitor_id))
         FROM conversation_kpis k JOIN conversations c ON c.id = k.conversation_id
         WHERE k.conversation_id > :after AND {CHOSEN} ORDER BY k.conversation_id LIMIT {PAGE_ROWS}"
    );
    let mut stmt = db.prepare_cached(&sql)?;
    bind(&mut stmt, f, cursor)?;
    let mut rows = stmt.raw_query();
    let (mut n, mut last) = (0, None);
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let flag = |i: usize| -> rusqlite::Result<String> { Ok(if r.get::<_, bool>(i)? { "1" } else { "0" }.into()) };
        let record = [
            id.to_string(),
            day(r.get(1)?),
            time(r.get(2)?),
            time(r.get(3)?),
            r.get(4)?,
            r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            r.get::<_, i64>(6)?.to_string(),
            inert(r.get(7)?),
            r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            inert(r.get(9)?),
            flag(10)?,
            flag(11)?,
            flag(12)?,
            secs(r.get(13)?),
            secs(r.get(14)?),
            secs(r.get(15)?),
            r.get::<_, i64>(16)?.to_string(),
            flag(17)?,
            r.get::<_, Option<i64>>(18)?.map(|s| s.to_string()).unwrap_or_default(),
            inert(r.get(19)?),
            inert(r.get(20)?),
            inert(r.get(21)?),
        ];
        w.write_record(&record).map_err(csv_error)?;
        (n, last) = (n + 1, Some(Cursor(id, 0)));
    }
    Ok((n, last))
}

fn messages(db: &Connection, f: &Filter, cursor: Cursor, w: &mut csv::Writer<Vec<u8>>) -> Result<Page, StoreError> {
    let sql = format!(
        "SELECT m.conversation_id, m.seq, m.at, m.author, m.agent_id, m.agent_name, m.kind, m.body
         FROM messages m JOIN conversation_kpis k ON k.conversation_id = m.conversation_id
         WHERE (m.conversation_id, m.seq) > (:after, :after_seq) AND {CHOSEN}
         ORDER BY m.conversation_id, m.seq LIMIT {PAGE_ROWS}"
    );
    let mut stmt = db.prepare_cached(&sql)?;
    bind(&mut stmt, f, cursor)?;
    let mut rows = stmt.raw_query();
    let (mut n, mut last) = (0, None);
    while let Some(r) = rows.next()? {
        let (id, seq): (i64, i64) = (r.get(0)?, r.get(1)?);
        let record = [
            id.to_string(),
            seq.to_string(),
            time(r.get(2)?),
            r.get(3)?,
            r.get::<_, Option<i64>>(4)?.map(|a| a.to_string()).unwrap_or_default(),
            inert(r.get(5)?),
            r.get(6)?,
            inert(r.get(7)?),
        ];
        w.write_record(&record).map_err(csv_error)?;
        (n, last) = (n + 1, Some(Cursor(id, seq)));
    }
    Ok((n, last))
}

fn ratings(db: &Connection, f: &Filter, cursor: Cursor, w: &mut csv::Writer<Vec<u8>>) -> Result<Page, StoreError> {
    let sql = format!(
        "SELECT r.conversation_id, k.day, r.rated_at, r.score, r.comment, r.agent_id,
            (SELECT name FROM agents a WHERE a.id = r.agent_id), r.via, r.changes
         FROM ratings r JOIN conversation_kpis k ON k.conversation_id = r.conversation_id
         WHERE r.conversation_id > :after AND {CHOSEN} ORDER BY r.conversation_id LIMIT {PAGE_ROWS}"
    );
    let mut stmt = db.prepare_cached(&sql)?;
    bind(&mut stmt, f, cursor)?;
    let mut rows = stmt.raw_query();
    let (mut n, mut last) = (0, None);
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let record = [
            id.to_string(),
            day(r.get(1)?),
            time(r.get(2)?),
            r.get::<_, i64>(3)?.to_string(),
            inert(r.get(4)?),
            r.get::<_, Option<i64>>(5)?.map(|a| a.to_string()).unwrap_or_default(),
            inert(r.get(6)?),
            r.get(7)?,
            if r.get::<_, i64>(8)? > 0 { "1" } else { "0" }.to_owned(),
        ];
        w.write_record(&record).map_err(csv_error)?;
        (n, last) = (n + 1, Some(Cursor(id, 0)));
    }
    Ok((n, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_made_inert() {
        assert_eq!(inert(Some("=HYPERLINK(\"x\")".into())), "'=HYPERLINK(\"x\")");
        assert_eq!(inert(Some("fine".into())), "fine");
        assert_eq!(inert(None), "");
    }
}
