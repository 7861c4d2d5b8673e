//! Canned responses: the rules a saved reply follows, who may change which
//! (an agent their personal ones, owners and admins the shared ones), usage
//! counts, and CSV import and export.

use natter_protocol::{
    AgentId, AgentInfo, CannedDraft, CannedId, CannedResponse, CannedScope, UnixMillis, unknown_canned_variable,
};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::json;

use super::conversations::MAX_QUICK_REPLIES;
use super::queries::{self, corrupt};
use crate::store::StoreError;

/// Most canned responses per scope (the tenant's shared ones, or one agent's).
pub const MAX_PER_SCOPE: usize = 500;

/// A change to canned responses, by one agent.
#[derive(Debug)]
pub enum CannedOp {
    Create(CannedDraft),
    Update(CannedId, CannedDraft),
    Delete(CannedId),
    /// The agent inserted it in a reply: count a use.
    Used(CannedId),
    /// Adds every row, or none if one is refused (a shortcut already in use
    /// replaces that response's text).
    Import(CannedScope, Vec<CannedDraft>),
}

/// Why a change was refused (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CannedRefused {
    #[error("no such canned response")]
    NotFound,
    #[error("only owners and admins change shared canned responses")]
    SharedIsAdmins,
    #[error("the shortcut /{0} is in use")]
    ShortcutTaken(String),
    #[error("at most {MAX_PER_SCOPE} canned responses")]
    TooMany,
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
}

/// What a change answers: the response, or for a delete, use or import nothing.
pub type CannedResult = Result<Option<CannedResponse>, CannedRefused>;

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> CannedRefused {
    CannedRefused::Invalid { field: field.into(), reason: reason.into() }
}

/// Checks a draft and returns it trimmed.
pub fn checked(draft: CannedDraft, max_text_bytes: usize) -> Result<CannedDraft, CannedRefused> {
    let shortcut = draft.shortcut.trim().to_ascii_lowercase();
    let shortcut_ok = (1..=32).contains(&shortcut.len())
        && shortcut.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !shortcut_ok {
        return Err(invalid("shortcut", "1 to 32 of a-z, 0-9, - and _"));
    }
    let text = draft.text.trim().to_owned();
    if text.is_empty() || text.len() > max_text_bytes || text.contains('\0') {
        return Err(invalid("text", format!("1 to {max_text_bytes} bytes, no NUL")));
    }
    if let Some(name) = unknown_canned_variable(&text) {
        return Err(invalid("text", format!("unknown variable {{{{{name}}}}}")));
    }
    let category = draft.category.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    if category.as_ref().is_some_and(|c| c.chars().count() > 40 || c.chars().any(char::is_control)) {
        return Err(invalid("category", "at most 40 characters"));
    }
    let quick_replies: Vec<String> = draft.quick_replies.iter().map(|q| q.trim().to_owned()).collect();
    if quick_replies.len() > MAX_QUICK_REPLIES {
        return Err(invalid("quick_replies", format!("at most {MAX_QUICK_REPLIES}")));
    }
    if quick_replies.iter().any(|q| q.is_empty() || q.chars().count() > 40 || q.chars().any(char::is_control)) {
        return Err(invalid("quick_replies", "each 1 to 40 characters"));
    }
    Ok(CannedDraft { scope: draft.scope, shortcut, category, text, quick_replies })
}

const COLUMNS: &str = "id, scope, shortcut, category, body, quick_replies, uses, updated_at, owner_id";

fn read(r: &Row<'_>) -> Result<(CannedResponse, Option<AgentId>), StoreError> {
    let scope = match r.get::<_, String>(1)?.as_str() {
        "shared" => CannedScope::Shared,
        "personal" => CannedScope::Personal,
        other => return Err(corrupt(format!("canned scope {other}"))),
    };
    let quick_replies: String = r.get(5)?;
    let response = CannedResponse {
        id: CannedId(r.get(0)?),
        scope,
        shortcut: r.get(2)?,
        category: r.get(3)?,
        text: r.get(4)?,
        quick_replies: serde_json::from_str(&quick_replies).map_err(corrupt)?,
        uses: r.get(6)?,
        updated_at: UnixMillis(r.get(7)?),
    };
    Ok((response, r.get::<_, Option<u64>>(8)?.map(AgentId)))
}

/// The shared responses and `agent`'s own, most used first.
pub fn list(db: &Connection, agent: AgentId) -> Result<Vec<CannedResponse>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM canned_responses WHERE owner_id IS NULL OR owner_id = ?1 ORDER BY uses DESC, shortcut"
    );
    let mut stmt = db.prepare_cached(&sql)?;
    let mut rows = stmt.query([agent.0])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(read(row)?.0);
    }
    Ok(out)
}

/// One scope's responses, for export: the shared ones, or `agent`'s own.
pub fn of_scope(db: &Connection, scope: CannedScope, agent: AgentId) -> Result<Vec<CannedResponse>, StoreError> {
    Ok(list(db, agent)?.into_iter().filter(|c| c.scope == scope).collect())
}

fn find(db: &Connection, id: CannedId) -> Result<Option<(CannedResponse, Option<AgentId>)>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM canned_responses WHERE id = ?1");
    let mut stmt = db.prepare_cached(&sql)?;
    let mut rows = stmt.query([id.0])?;
    rows.next()?.map(read).transpose()
}

fn owner_for(scope: CannedScope, by: &AgentInfo) -> Result<Option<AgentId>, CannedRefused> {
    match scope {
        CannedScope::Shared if !by.role.is_admin() => Err(CannedRefused::SharedIsAdmins),
        CannedScope::Shared => Ok(None),
        CannedScope::Personal => Ok(Some(by.id)),
    }
}

/// A response `by` may change: shared ones for admins, personal ones for their owner.
fn changeable(
    db: &Connection,
    id: CannedId,
    by: &AgentInfo,
) -> Result<Result<CannedResponse, CannedRefused>, StoreError> {
    Ok(match find(db, id)? {
        Some((c, None)) if by.role.is_admin() => Ok(c),
        Some((_, None)) => Err(CannedRefused::SharedIsAdmins),
        Some((c, Some(owner))) if owner == by.id => Ok(c),
        // Someone else's personal response does not exist for this agent.
        _ => Err(CannedRefused::NotFound),
    })
}

fn shortcut_owner(db: &Connection, owner: Option<AgentId>, shortcut: &str) -> Result<Option<CannedId>, StoreError> {
    Ok(db
        .prepare_cached("SELECT id FROM canned_responses WHERE coalesce(owner_id, 0) = ?1 AND shortcut = ?2")?
        .query_row(params![owner.map_or(0, |a| a.0), shortcut], |r| Ok(CannedId(r.get(0)?)))
        .optional()?)
}

fn count(db: &Connection, owner: Option<AgentId>) -> Result<usize, StoreError> {
    let n: i64 = db
        .prepare_cached("SELECT count(*) FROM canned_responses WHERE coalesce(owner_id, 0) = ?1")?
        .query_row([owner.map_or(0, |a| a.0)], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Applies one change by `by`, recording it in the audit log when it is to a shared response.
pub fn apply(
    db: &Connection,
    op: CannedOp,
    by: &AgentInfo,
    max_text_bytes: usize,
    now: UnixMillis,
) -> Result<CannedResult, StoreError> {
    match op {
        CannedOp::Create(draft) => create(db, draft, by, max_text_bytes, now),
        CannedOp::Update(id, draft) => update(db, id, draft, by, max_text_bytes, now),
        CannedOp::Delete(id) => match changeable(db, id, by)? {
            Ok(c) => {
                db.prepare_cached("DELETE FROM canned_responses WHERE id = ?1")?.execute([id.0])?;
                audit_shared(db, &c, by, "canned.delete", now)?;
                Ok(Ok(None))
            }
            Err(refused) => Ok(Err(refused)),
        },
        CannedOp::Used(id) => {
            let visible = find(db, id)?.is_some_and(|(_, owner)| owner.is_none_or(|o| o == by.id));
            if !visible {
                return Ok(Err(CannedRefused::NotFound));
            }
            db.prepare_cached("UPDATE canned_responses SET uses = uses + 1 WHERE id = ?1")?.execute([id.0])?;
            Ok(Ok(None))
        }
        CannedOp::Import(scope, drafts) => import(db, scope, drafts, by, max_text_bytes, now),
    }
}

fn create(
    db: &Connection,
    draft: CannedDraft,
    by: &AgentInfo,
    max_text_bytes: usize,
    now: UnixMillis,
) -> Result<CannedResult, StoreError> {
    let draft = match checked(draft, max_text_bytes).and_then(|d| owner_for(d.scope, by).map(|o| (d, o))) {
        Ok(ok) => ok,
        Err(refused) => return Ok(Err(refused)),
    };
    let (draft, owner) = draft;
    if shortcut_owner(db, owner, &draft.shortcut)?.is_some() {
        return Ok(Err(CannedRefused::ShortcutTaken(draft.shortcut)));
    }
    if count(db, owner)? >= MAX_PER_SCOPE {
        return Ok(Err(CannedRefused::TooMany));
    }
    let id = insert(db, &draft, owner, now)?;
    let created = find(db, id)?.ok_or_else(|| StoreError::Vanished(format!("canned response {id}")))?.0;
    audit_shared(db, &created, by, "canned.add", now)?;
    Ok(Ok(Some(created)))
}

fn insert(
    db: &Connection,
    draft: &CannedDraft,
    owner: Option<AgentId>,
    now: UnixMillis,
) -> Result<CannedId, StoreError> {
    let scope = if owner.is_some() { "personal" } else { "shared" };
    let quick = serde_json::to_string(&draft.quick_replies).map_err(corrupt)?;
    db.prepare_cached(
        "INSERT INTO canned_responses(scope, owner_id, shortcut, category, body, quick_replies, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(params![scope, owner.map(|a| a.0), draft.shortcut, draft.category, draft.text, quick, now.0])?;
    Ok(CannedId(u64::try_from(db.last_insert_rowid()).map_err(corrupt)?))
}

fn update(
    db: &Connection,
    id: CannedId,
    draft: CannedDraft,
    by: &AgentInfo,
    max_text_bytes: usize,
    now: UnixMillis,
) -> Result<CannedResult, StoreError> {
    let current = match changeable(db, id, by)? {
        Ok(c) => c,
        Err(refused) => return Ok(Err(refused)),
    };
    let draft = match checked(draft, max_text_bytes) {
        Ok(d) if d.scope != current.scope => return Ok(Err(invalid("scope", "a response keeps its scope"))),
        Ok(d) => d,
        Err(refused) => return Ok(Err(refused)),
    };
    let owner = (current.scope == CannedScope::Personal).then_some(by.id);
    if shortcut_owner(db, owner, &draft.shortcut)?.is_some_and(|other| other != id) {
        return Ok(Err(CannedRefused::ShortcutTaken(draft.shortcut)));
    }
    write(db, id, &draft, now)?;
    let updated = find(db, id)?.ok_or_else(|| StoreError::Vanished(format!("canned response {id}")))?.0;
    audit_shared(db, &updated, by, "canned.update", now)?;
    Ok(Ok(Some(updated)))
}

fn write(db: &Connection, id: CannedId, draft: &CannedDraft, now: UnixMillis) -> Result<(), StoreError> {
    let quick = serde_json::to_string(&draft.quick_replies).map_err(corrupt)?;
    db.prepare_cached(
        "UPDATE canned_responses SET shortcut = ?2, category = ?3, body = ?4, quick_replies = ?5, updated_at = ?6
         WHERE id = ?1",
    )?
    .execute(params![id.0, draft.shortcut, draft.category, draft.text, quick, now.0])?;
    Ok(())
}

fn import(
    db: &Connection,
    scope: CannedScope,
    drafts: Vec<CannedDraft>,
    by: &AgentInfo,
    max_text_bytes: usize,
    now: UnixMillis,
) -> Result<CannedResult, StoreError> {
    let owner = match owner_for(scope, by) {
        Ok(owner) => owner,
        Err(refused) => return Ok(Err(refused)),
    };
    let mut checked_rows = Vec::with_capacity(drafts.len());
    for (i, draft) in drafts.into_iter().enumerate() {
        match checked(CannedDraft { scope, ..draft }, max_text_bytes) {
            Ok(d) => checked_rows.push(d),
            Err(CannedRefused::Invalid { field, reason }) => {
                return Ok(Err(invalid(format!("row {}: {field}", i + 2), reason)));
            }
            Err(other) => return Ok(Err(other)),
        }
    }
    // Checked before anything is written: a refusal here changes nothing.
    let mut new_shortcuts = std::collections::BTreeSet::new();
    for draft in &checked_rows {
        if shortcut_owner(db, owner, &draft.shortcut)?.is_none() {
            new_shortcuts.insert(draft.shortcut.as_str());
        }
    }
    if count(db, owner)? + new_shortcuts.len() > MAX_PER_SCOPE {
        return Ok(Err(CannedRefused::TooMany));
    }
    let added = new_shortcuts.len();
    for draft in &checked_rows {
        match shortcut_owner(db, owner, &draft.shortcut)? {
            Some(id) => write(db, id, draft, now)?,
            None => {
                insert(db, draft, owner, now)?;
            }
        }
    }
    if scope == CannedScope::Shared {
        let detail = json!({ "rows": checked_rows.len(), "added": added });
        queries::audit(db, now, Some(by.id), "canned.import", &detail)?;
    }
    Ok(Ok(None))
}

fn audit_shared(
    db: &Connection,
    c: &CannedResponse,
    by: &AgentInfo,
    action: &str,
    now: UnixMillis,
) -> Result<(), StoreError> {
    if c.scope != CannedScope::Shared {
        return Ok(());
    }
    queries::audit(db, now, Some(by.id), action, &json!({ "canned": c.id, "shortcut": c.shortcut }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(shortcut: &str, text: &str) -> CannedDraft {
        CannedDraft {
            scope: CannedScope::Personal,
            shortcut: shortcut.into(),
            category: None,
            text: text.into(),
            quick_replies: vec![],
        }
    }

    #[test]
    fn drafts_are_checked_and_trimmed() {
        let ok = checked(draft(" Hello ", " Hi {{visitor.name|there}} "), 4000).unwrap();
        assert_eq!((ok.shortcut.as_str(), ok.text.as_str()), ("hello", "Hi {{visitor.name|there}}"));
        for (d, field) in [
            (draft("a b", "x"), "shortcut"),
            (draft("x", " "), "text"),
            (draft("x", "{{visitor.phone}}"), "text"),
            (CannedDraft { quick_replies: vec!["a".into(); 7], ..draft("x", "y") }, "quick_replies"),
        ] {
            let Err(CannedRefused::Invalid { field: got, .. }) = checked(d, 4000) else { panic!("{field}") };
            assert_eq!(got, field);
        }
    }
}
