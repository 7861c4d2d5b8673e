//! Canned responses: the `/` picker in the composer (search, keyboard moves,
//! inserting the rendered text at the caret), the quick replies waiting to go
//! with the next message, and the management screen (list, edit, delete, CSV
//! import and export). Pure: the glue calls the relay and reports back with
//! [`CannedAction`]s; the text work is in [`text`].

use std::collections::BTreeMap;

use natter_protocol::{
    CannedDraft, CannedId, CannedResponse, CannedScope, ConversationId, TenantId, UnixMillis, render_canned,
};

use super::{Action, Effect, Store};
use text::{Values, byte_to_utf16, insert, search, slash_query, utf16_to_byte};

#[cfg(test)]
mod tests;
pub mod text;

/// At most this many quick replies go with a message (the relay's limit per response).
pub const MAX_QUICK_REPLIES: usize = 6;
/// The picker lists at most this many responses.
pub const MAX_PICKER_ROWS: usize = 50;
/// A picker opening on a list older than this asks the relay again
/// (colleagues add responses, and uses change the order).
pub const RELOAD_AFTER_MS: i64 = 5 * 60_000;

/// Where the list is with the relay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Load {
    #[default]
    Idle,
    Loading,
    Ready,
    /// With the relay's words.
    Failed(String),
}

/// The open `/` picker of one composer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub conversation: ConversationId,
    /// The `/query` in the draft, in bytes.
    pub start: usize,
    pub end: usize,
    pub query: String,
    /// The matching responses, best first.
    pub hits: Vec<CannedId>,
    /// The highlighted one, an index into `hits`.
    pub active: usize,
}

/// Where the composer puts its caret after an insertion (`at`: UTF-16 units,
/// as the browser counts); `generation` tells two insertions at the same place apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caret {
    pub conversation: ConversationId,
    pub at: u32,
    pub generation: u64,
}

/// A field of the create/edit form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Scope,
    Shortcut,
    Category,
    Text,
    /// One reply per line.
    QuickReplies,
}

impl FormField {
    /// The relay's name for it in refusals.
    pub fn key(self) -> &'static str {
        match self {
            FormField::Scope => "scope",
            FormField::Shortcut => "shortcut",
            FormField::Category => "category",
            FormField::Text => "text",
            FormField::QuickReplies => "quick_replies",
        }
    }
}

/// The create/edit form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// `None`: a new response.
    pub id: Option<CannedId>,
    pub scope: CannedScope,
    pub shortcut: String,
    pub category: String,
    pub text: String,
    pub quick_replies: String,
}

impl Form {
    fn new(scope: CannedScope) -> Self {
        Self {
            id: None,
            scope,
            shortcut: String::new(),
            category: String::new(),
            text: String::new(),
            quick_replies: String::new(),
        }
    }

    fn of(r: &CannedResponse) -> Self {
        Self {
            id: Some(r.id),
            scope: r.scope,
            shortcut: r.shortcut.clone(),
            category: r.category.clone().unwrap_or_default(),
            text: r.text.clone(),
            quick_replies: r.quick_replies.join("\n"),
        }
    }

    /// What goes to the relay.
    pub fn draft(&self) -> CannedDraft {
        let category = self.category.trim();
        CannedDraft {
            scope: self.scope,
            shortcut: self.shortcut.trim().to_owned(),
            category: (!category.is_empty()).then(|| category.to_owned()),
            text: self.text.clone(),
            quick_replies: self
                .quick_replies
                .lines()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }

    fn set(&mut self, field: FormField, value: String) {
        match field {
            FormField::Scope => {
                // A saved response keeps its scope (the relay refuses a change).
                if self.id.is_none() {
                    self.scope = if value == "shared" { CannedScope::Shared } else { CannedScope::Personal };
                }
            }
            FormField::Shortcut => self.shortcut = value,
            FormField::Category => self.category = value,
            FormField::Text => self.text = value,
            FormField::QuickReplies => self.quick_replies = value,
        }
    }
}

/// A refusal of the relay: the field it names, and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: Option<String>,
    pub message: String,
}

/// How the last CSV import went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ImportStatus {
    #[default]
    Idle,
    Busy,
    Done(u32),
    /// `row`: the CSV row refused (the header is row 1), when the relay names one.
    Failed {
        row: Option<u32>,
        message: String,
    },
}

/// Everything about canned responses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CannedState {
    /// The shared ones and this agent's own, most used first (as the relay listed them).
    pub list: Vec<CannedResponse>,
    pub load: Load,
    /// When the list last arrived.
    pub loaded_at: Option<UnixMillis>,
    /// The tenant's display name (`{{shop.name}}`), from its public widget configuration.
    pub shop_name: Option<String>,
    pub picker: Option<Picker>,
    /// The `/` the agent closed the picker of with Escape (conversation, byte
    /// offset): it stays closed while they go on typing after it.
    pub dismissed: Option<(ConversationId, usize)>,
    /// Quick replies waiting to go with each composer's next message.
    pub quick: BTreeMap<ConversationId, Vec<String>>,
    pub caret: Option<Caret>,
    pub form: Option<Form>,
    pub saving: bool,
    /// The last refusal of a save or delete.
    pub error: Option<Refusal>,
    /// The response whose Delete awaits confirmation.
    pub confirm_delete: Option<CannedId>,
    pub import: ImportStatus,
}

impl CannedState {
    pub fn get(&self, id: CannedId) -> Option<&CannedResponse> {
        self.list.iter().find(|r| r.id == id)
    }

    /// The picker of this composer, if open.
    pub fn picker_of(&self, id: ConversationId) -> Option<&Picker> {
        self.picker.as_ref().filter(|p| p.conversation == id)
    }

    /// The quick replies waiting in this composer.
    pub fn quick_of(&self, id: ConversationId) -> &[String] {
        self.quick.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Hands over the quick replies of this composer's message being sent.
    pub fn take_quick(&mut self, id: ConversationId) -> Vec<String> {
        self.quick.remove(&id).unwrap_or_default()
    }

    /// Puts quick replies back (a failed message taken back into the composer).
    pub fn restore_quick(&mut self, id: ConversationId, replies: Vec<String>) {
        for q in replies {
            self.add_quick(id, q);
        }
    }

    fn add_quick(&mut self, id: ConversationId, reply: String) {
        let list = self.quick.entry(id).or_default();
        if list.len() < MAX_QUICK_REPLIES && !list.contains(&reply) {
            list.push(reply);
        }
    }

    fn refresh_hits(&mut self) {
        if let Some(p) = &mut self.picker {
            p.hits = search(&self.list, &p.query, MAX_PICKER_ROWS).into_iter().map(|i| self.list[i].id).collect();
            p.active = p.active.min(p.hits.len().saturating_sub(1));
        }
    }
}

/// What changes the canned responses.
#[derive(Debug, Clone, PartialEq)]
pub enum CannedAction {
    /// Ask the relay for the list (again).
    Load,
    /// The relay's answer to [`CannedCall::Load`].
    Loaded {
        list: Result<Vec<CannedResponse>, String>,
        shop_name: Option<String>,
    },
    /// The composer's text or caret changed (`caret` in UTF-16 units, as the browser counts).
    Typed {
        id: ConversationId,
        text: String,
        caret: u32,
    },
    /// ArrowDown (+1) / ArrowUp (-1) in the open picker; it wraps around.
    Move(i32),
    /// Insert the highlighted response (`None`) or the `n`-th of the picker.
    Pick(Option<usize>),
    /// Escape: close the picker.
    Close,
    /// The composer lost focus: close the picker, without remembering a dismissal.
    Blur,
    RemoveQuick {
        id: ConversationId,
        index: usize,
    },
    /// Open an empty form for a new response.
    New,
    Edit(CannedId),
    SetField(FormField, String),
    CancelForm,
    Save,
    Saved(Result<CannedResponse, Refusal>),
    /// Delete asks first; `None` takes the question back.
    AskDelete(Option<CannedId>),
    Delete(CannedId),
    Deleted(Result<CannedId, Refusal>),
    /// A CSV file's text to import into a scope.
    Import {
        scope: CannedScope,
        csv: String,
    },
    Imported(Result<u32, Refusal>),
    /// Download one scope as CSV.
    Export(CannedScope),
}

/// An HTTP call for the glue, answered with a [`CannedAction`] (`Used` and
/// `Export` need no answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CannedCall {
    /// `GET /v1/agent/canned` and the tenant's `GET /v1/widget/{tenant}/config` (its name).
    Load { tenant: TenantId },
    /// `POST /v1/agent/canned/{id}/use`.
    Used(CannedId),
    /// `POST /v1/agent/canned`, or `PUT /v1/agent/canned/{id}`.
    Save { id: Option<CannedId>, draft: CannedDraft },
    /// `DELETE /v1/agent/canned/{id}`.
    Delete(CannedId),
    /// `POST /v1/agent/canned/import?scope=…`.
    Import { scope: CannedScope, csv: String },
    /// `GET /v1/agent/canned/export?scope=…`, then a download.
    Export(CannedScope),
}

impl Store {
    /// Applies a [`CannedAction`].
    pub(super) fn canned_action(&mut self, action: CannedAction, fx: &mut Vec<Effect>) {
        let c = &mut self.canned;
        match action {
            CannedAction::Load => self.load_canned(fx),
            CannedAction::Loaded { list, shop_name } => {
                match list {
                    Ok(list) => {
                        c.list = list;
                        c.load = Load::Ready;
                        c.loaded_at = Some(self.now);
                    }
                    Err(m) => c.load = Load::Failed(m),
                }
                c.shop_name = shop_name.or(c.shop_name.take());
                c.refresh_hits();
            }
            CannedAction::Typed { id, text, caret } => self.typed(id, &text, caret, fx),
            CannedAction::Move(delta) => {
                if let Some(p) = c.picker.as_mut().filter(|p| !p.hits.is_empty()) {
                    let n = i64::try_from(p.hits.len()).unwrap_or(1);
                    let at = (i64::try_from(p.active).unwrap_or(0) + i64::from(delta)).rem_euclid(n);
                    p.active = usize::try_from(at).unwrap_or(0);
                }
            }
            CannedAction::Pick(n) => self.pick(n, fx),
            CannedAction::Close => {
                if let Some(p) = c.picker.take() {
                    c.dismissed = Some((p.conversation, p.start));
                }
            }
            CannedAction::Blur => c.picker = None,
            CannedAction::RemoveQuick { id, index } => {
                if let Some(list) = c.quick.get_mut(&id)
                    && index < list.len()
                {
                    list.remove(index);
                    if list.is_empty() {
                        c.quick.remove(&id);
                    }
                }
            }
            CannedAction::New => {
                c.form = Some(Form::new(CannedScope::Personal));
                c.error = None;
            }
            CannedAction::Edit(id) => {
                c.form = c.get(id).map(Form::of);
                c.error = None;
            }
            CannedAction::SetField(field, value) => {
                if let Some(f) = &mut c.form {
                    f.set(field, value);
                }
            }
            CannedAction::CancelForm => {
                c.form = None;
                c.error = None;
            }
            CannedAction::Save => self.save_canned(fx),
            CannedAction::Saved(answer) => {
                c.saving = false;
                match answer {
                    Ok(saved) => {
                        match c.list.iter_mut().find(|r| r.id == saved.id) {
                            Some(r) => *r = saved,
                            None => c.list.push(saved),
                        }
                        c.form = None;
                        c.error = None;
                        c.refresh_hits();
                    }
                    Err(e) => c.error = Some(e),
                }
            }
            CannedAction::AskDelete(id) => c.confirm_delete = id,
            CannedAction::Delete(id) => {
                c.confirm_delete = None;
                c.error = None;
                self.call(CannedCall::Delete(id), fx);
            }
            CannedAction::Deleted(answer) => match answer {
                Ok(id) => {
                    c.list.retain(|r| r.id != id);
                    if c.form.as_ref().is_some_and(|f| f.id == Some(id)) {
                        c.form = None;
                    }
                    c.refresh_hits();
                }
                Err(e) => c.error = Some(e),
            },
            CannedAction::Import { scope, csv } => {
                c.import = ImportStatus::Busy;
                self.call(CannedCall::Import { scope, csv }, fx);
            }
            CannedAction::Imported(answer) => match answer {
                Ok(n) => {
                    c.import = ImportStatus::Done(n);
                    self.load_canned(fx);
                }
                Err(e) => {
                    let (row, message) = text::import_row(e.field.as_deref(), &e.message);
                    c.import = ImportStatus::Failed { row, message };
                }
            },
            CannedAction::Export(scope) => self.call(CannedCall::Export(scope), fx),
        }
    }

    /// Whether this agent may change a response of this scope (shared ones are
    /// the owners' and admins').
    pub fn may_change(&self, scope: CannedScope) -> bool {
        scope == CannedScope::Personal || self.is_admin()
    }

    /// The values of a conversation's variables, as this console knows them.
    pub fn canned_values(&self, id: ConversationId) -> Values {
        let visitor = self.convs.get(&id).map(|c| &c.summary.visitor);
        Values {
            visitor_name: visitor.and_then(|v| v.name.clone()),
            visitor_email: visitor.and_then(|v| v.email.clone()),
            agent_name: self.me().map(|a| a.name.clone()),
            shop_name: self.canned.shop_name.clone(),
            conversation_id: Some(id.to_string()),
        }
    }

    fn call(&self, call: CannedCall, fx: &mut Vec<Effect>) {
        if let Some(s) = &self.session {
            fx.push(Effect::Canned { token: s.token.clone(), call });
        }
    }

    pub(super) fn load_canned(&mut self, fx: &mut Vec<Effect>) {
        let Some(tenant) = self.session.as_ref().map(|s| s.tenant.clone()) else { return };
        if self.canned.load != Load::Loading {
            self.canned.load = Load::Loading;
            self.call(CannedCall::Load { tenant }, fx);
        }
    }

    fn typed(&mut self, id: ConversationId, text: &str, caret: u32, fx: &mut Vec<Effect>) {
        let caret = utf16_to_byte(text, caret);
        let Some((start, query)) = slash_query(text, caret) else {
            self.canned.picker = None;
            self.canned.dismissed = None;
            return;
        };
        if self.canned.dismissed == Some((id, start)) {
            return;
        }
        self.canned.dismissed = None;
        let opening = self.canned.picker.as_ref().is_none_or(|p| p.conversation != id || p.start != start);
        let stale = self.canned.loaded_at.is_some_and(|t| self.now.0 - t.0 >= RELOAD_AFTER_MS);
        if matches!(self.canned.load, Load::Idle | Load::Failed(_)) || (opening && stale) {
            self.load_canned(fx);
        }
        let c = &mut self.canned;
        let same = c.picker.as_ref().is_some_and(|p| p.conversation == id && p.start == start && p.query == query);
        let active = if same { c.picker.as_ref().map_or(0, |p| p.active) } else { 0 };
        c.picker =
            Some(Picker { conversation: id, start, end: caret, query: query.to_owned(), hits: Vec::new(), active });
        c.refresh_hits();
    }

    /// Replaces the `/query` with the chosen response, rendered for this
    /// conversation; its quick replies wait for the next send; the relay counts the use.
    fn pick(&mut self, n: Option<usize>, fx: &mut Vec<Effect>) {
        let Some(p) = self.canned.picker.take() else { return };
        let Some(response) = p.hits.get(n.unwrap_or(p.active)).and_then(|&h| self.canned.get(h)).cloned() else {
            self.canned.picker = Some(p);
            return;
        };
        let id = p.conversation;
        let draft = self.draft(id).to_owned();
        if draft.get(p.start..p.end).is_none_or(|typed| typed.strip_prefix('/') != Some(p.query.as_str())) {
            return; // the draft changed under the picker
        }
        let values = self.canned_values(id);
        let with = render_canned(&response.text, |name| values.get(name));
        let Some((text, caret)) = insert(&draft, p.start, p.end, &with) else { return };
        let at = byte_to_utf16(&text, caret);
        let now = self.now;
        self.apply_into(Action::DraftChanged { id, text, now }, fx);
        let c = &mut self.canned;
        let generation = c.caret.map_or(0, |c| c.generation + 1);
        c.caret = Some(Caret { conversation: id, at, generation });
        for q in response.quick_replies {
            c.add_quick(id, q);
        }
        if let Some(r) = c.list.iter_mut().find(|r| r.id == response.id) {
            r.uses += 1;
        }
        self.call(CannedCall::Used(response.id), fx);
    }

    fn save_canned(&mut self, fx: &mut Vec<Effect>) {
        let Some(form) = &self.canned.form else { return };
        if self.canned.saving {
            return;
        }
        let call = CannedCall::Save { id: form.id, draft: form.draft() };
        self.canned.saving = true;
        self.canned.error = None;
        self.call(call, fx);
    }
}
