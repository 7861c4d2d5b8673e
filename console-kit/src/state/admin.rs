//! The workspace settings page (owners and admins): the settings document being
//! edited, the agents' skills and chat limits, and the errors to show next to
//! the field they are about. Pure: the glue loads and saves over HTTP and
//! reports back with [`AdminAction`]s.
//!
//! Lists the relay keeps structured (opening hours, holidays, skills) are edited
//! as text, kept raw here while the admin types, and parsed only on save, so a
//! half-typed `09:0` never loses what was typed.

use std::collections::BTreeMap;

use natter_protocol::{
    AgentAdminView, AgentId, AgentUpdate, FieldKind, FileType, Interval, PrechatField, TenantSettings, Weekday,
    WidgetSettings, WidgetTexts,
};

use crate::i18n::Strings;

/// Weekdays in display order.
pub const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// The wire name of a weekday (`mon`…), as in field names like `hours.weekly.mon[1]`.
pub fn weekday_key(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// Where the page is with the relay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AdminStatus {
    #[default]
    Loading,
    /// Loaded; editing.
    Ready,
    Saving,
    /// The last save went through.
    Saved,
    /// Loading failed (with the relay's words).
    LoadFailed(String),
}

/// An agent's editable settings, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentDraft {
    /// Comma-separated skills.
    pub skills: String,
    /// Blank: the tenant default.
    pub max_chats: String,
}

impl AgentDraft {
    fn of(view: &AgentAdminView) -> Self {
        Self { skills: view.skills.join(", "), max_chats: view.max_chats.map(|m| m.to_string()).unwrap_or_default() }
    }
}

/// An error shown next to a field: `field` is the relay's name for it
/// (`widget.primary_color`, `hours.weekly.mon[1]`, `agents.2.skills`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Writes what the admin typed (or `"true"`/`"false"` for a checkbox) into the
/// document. Applied to the current draft inside the reducer, so two inputs in
/// quick succession never overwrite each other.
#[derive(Clone, Copy)]
pub struct Setter(pub fn(&mut TenantSettings, &str));

/// The same, for one pre-chat field.
#[derive(Clone, Copy)]
pub struct FieldSetter(pub fn(&mut PrechatField, &str));

macro_rules! fn_wrapper_traits {
    ($t:ident) => {
        impl PartialEq for $t {
            fn eq(&self, o: &Self) -> bool {
                std::ptr::fn_addr_eq(self.0, o.0)
            }
        }
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($t))
            }
        }
    };
}
/// The same, for one item of a list in the document (a greeting rule): its
/// index and what was typed (moves and removals ignore the text).
#[derive(Clone, Copy)]
pub struct ItemSetter(pub fn(&mut TenantSettings, usize, &str));

fn_wrapper_traits!(Setter);
fn_wrapper_traits!(FieldSetter);
fn_wrapper_traits!(ItemSetter);

/// What changes the settings page.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminAction {
    Loaded {
        settings: TenantSettings,
        agents: Vec<AgentAdminView>,
        /// For the shop's server to compute `Natter.identify` hashes.
        identity_secret: String,
    },
    LoadFailed(String),
    /// The admin changed something in the settings document.
    Edit(Box<TenantSettings>),
    Set(Setter, String),
    SetPrechat(usize, FieldSetter, String),
    SetItem(usize, ItemSetter, String),
    AddPrechatField,
    RemovePrechatField(usize),
    /// The admin typed a weekday's intervals (`09:00-12:00, 13:00-18:00`).
    EditDay(Weekday, String),
    /// The admin typed the holidays (one date per line or comma-separated).
    EditHolidays(String),
    EditAgent(AgentId, AgentDraft),
    /// Save pressed: answered with [`Save`] to carry out, or a local error.
    Save,
    Saved {
        settings: TenantSettings,
        agents: Vec<AgentAdminView>,
    },
    /// The relay refused: `field` as it named it (agent errors are prefixed
    /// `agents.<id>.` by the glue).
    SaveFailed {
        field: Option<String>,
        message: String,
    },
    /// Throw away the edits.
    Discard,
    /// Which language's header and greeting the form edits (`""`: all
    /// languages' default); the preview shows that language.
    TextsLanguage(String),
}

/// A save for the glue to carry out: the settings, then the agents that changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Save {
    pub settings: TenantSettings,
    pub agents: Vec<(AgentId, AgentUpdate)>,
}

/// The page's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdminState {
    pub status: AdminStatus,
    /// As the relay last confirmed.
    pub saved: TenantSettings,
    /// As being edited.
    pub draft: TenantSettings,
    pub days: BTreeMap<Weekday, String>,
    pub holidays: String,
    pub agents: Vec<AgentAdminView>,
    pub agent_drafts: BTreeMap<AgentId, AgentDraft>,
    pub error: Option<FieldError>,
    /// The tenant's identity-verification secret (hex).
    pub identity_secret: String,
    /// Counts loads (and discards): the forms are rebuilt when it changes, since
    /// a `<select>` the admin has used no longer follows its `selected` attribute.
    pub generation: u32,
    /// See [`AdminAction::TextsLanguage`].
    pub texts_language: String,
}

impl AdminState {
    /// Applies an action; returns a save to carry out, if any.
    pub fn apply(&mut self, action: AdminAction) -> Option<Save> {
        match action {
            AdminAction::Loaded { settings, agents, identity_secret } => {
                self.identity_secret = identity_secret;
                self.load(settings, agents);
                self.status = AdminStatus::Ready;
            }
            AdminAction::Saved { settings, agents } => {
                let saved = self.status == AdminStatus::Saving;
                self.load(settings, agents);
                self.status = if saved { AdminStatus::Saved } else { AdminStatus::Ready };
            }
            AdminAction::LoadFailed(m) => self.status = AdminStatus::LoadFailed(m),
            AdminAction::Edit(s) => {
                self.draft = *s;
                self.edited();
            }
            AdminAction::Set(f, value) => {
                (f.0)(&mut self.draft, &value);
                self.edited();
            }
            AdminAction::SetPrechat(i, f, value) => {
                if let Some(field) = self.draft.widget.prechat.fields.get_mut(i) {
                    (f.0)(field, &value);
                    self.edited();
                }
            }
            AdminAction::SetItem(i, f, value) => {
                (f.0)(&mut self.draft, i, &value);
                self.edited();
            }
            AdminAction::AddPrechatField => {
                let n = self.draft.widget.prechat.fields.len() + 1;
                self.draft.widget.prechat.fields.push(PrechatField {
                    key: format!("field_{n}"),
                    label: String::new(),
                    kind: FieldKind::Text,
                    required: false,
                    options: Vec::new(),
                });
                self.edited();
            }
            AdminAction::RemovePrechatField(i) => {
                if i < self.draft.widget.prechat.fields.len() {
                    self.draft.widget.prechat.fields.remove(i);
                    self.edited();
                }
            }
            AdminAction::EditDay(d, text) => {
                self.days.insert(d, text);
                self.edited();
            }
            AdminAction::EditHolidays(text) => {
                self.holidays = text;
                self.edited();
            }
            AdminAction::EditAgent(id, d) => {
                self.agent_drafts.insert(id, d);
                self.edited();
            }
            AdminAction::Save => return self.save(),
            AdminAction::SaveFailed { field, message } => {
                self.status = AdminStatus::Ready;
                // Show the language tab holding the refused text, so the error is on screen.
                match field.as_deref().map(|f| f.split('.').collect::<Vec<_>>()).as_deref() {
                    Some(["widget", "texts", lang, ..]) => self.texts_language = (*lang).to_owned(),
                    Some(["widget", "header" | "greeting"]) => self.texts_language.clear(),
                    _ => {}
                }
                self.error = Some(FieldError { field: field.unwrap_or_default(), message });
            }
            AdminAction::Discard => {
                let (settings, agents) = (self.saved.clone(), self.agents.clone());
                self.load(settings, agents);
                self.status = AdminStatus::Ready;
            }
            AdminAction::TextsLanguage(lang) => self.texts_language = lang,
        }
        None
    }

    fn load(&mut self, settings: TenantSettings, agents: Vec<AgentAdminView>) {
        self.days = WEEKDAYS
            .iter()
            .map(|&d| (d, settings.hours.weekly.get(&d).map(|v| intervals_text(v)).unwrap_or_default()))
            .collect();
        self.holidays = settings.hours.holidays.join(", ");
        self.agent_drafts = agents.iter().map(|a| (a.agent.id, AgentDraft::of(a))).collect();
        self.agents = agents;
        self.draft = settings.clone();
        self.saved = settings;
        self.error = None;
        self.generation += 1;
    }

    fn edited(&mut self) {
        if self.status == AdminStatus::Saved {
            self.status = AdminStatus::Ready;
        }
    }

    /// Whether anything differs from what the relay holds.
    pub fn dirty(&self) -> bool {
        self.build().map_or(true, |s| s.settings != self.saved || !s.agents.is_empty())
    }

    /// The error for a field: one naming it, or something inside it
    /// (`hours.weekly.mon[1]` shows at `hours.weekly.mon`).
    pub fn error_for(&self, field: &str) -> Option<&str> {
        let e = self.error.as_ref()?;
        let rest = e.field.strip_prefix(field)?;
        (rest.is_empty() || rest.starts_with('[') || rest.starts_with('.')).then_some(e.message.as_str())
    }

    /// The error for a field (as [`Self::error_for`] finds it) in words for the
    /// admin: what the rule asks for, in the console's language; the relay's own
    /// words only for a field this console does not know.
    pub fn error_text(&self, field: &str, s: &'static Strings) -> Option<&str> {
        self.error_for(field)?;
        let e = self.error.as_ref()?;
        Some(rule_text(&e.field, s).unwrap_or_else(|| {
            e.message.strip_prefix(e.field.as_str()).and_then(|m| m.strip_prefix(": ")).unwrap_or(&e.message)
        }))
    }

    fn save(&mut self) -> Option<Save> {
        if self.status == AdminStatus::Saving {
            return None;
        }
        match self.build() {
            Ok(save) => {
                self.status = AdminStatus::Saving;
                self.error = None;
                Some(save)
            }
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// The settings document and agent changes the edits amount to, or the first
    /// text that does not parse.
    pub fn build(&self) -> Result<Save, FieldError> {
        let mut settings = self.draft.clone();
        let mut weekly = BTreeMap::new();
        for (&d, text) in &self.days {
            let field = format!("hours.weekly.{}", weekday_key(d));
            let list = parse_intervals(text).map_err(|bad| FieldError { field, message: bad })?;
            if !list.is_empty() {
                weekly.insert(d, list);
            }
        }
        settings.hours.weekly = weekly;
        settings.hours.holidays = split_list(&self.holidays);
        check_files(&settings)?;
        let mut agents = Vec::new();
        for a in &self.agents {
            let Some(d) = self.agent_drafts.get(&a.agent.id) else { continue };
            let max_chats = match d.max_chats.trim() {
                "" => None,
                t => Some(t.parse::<u32>().map_err(|_| FieldError {
                    field: format!("agents.{}.max_chats", a.agent.id),
                    message: format!("{t:?} is not a number"),
                })?),
            };
            let skills = split_list(&d.skills);
            if skills != a.skills || max_chats != a.max_chats {
                agents.push((a.agent.id, AgentUpdate { role: None, skills: Some(skills), max_chats: Some(max_chats) }));
            }
        }
        Ok(Save { settings, agents })
    }
}

/// The largest file a tenant may allow, in MB (the relay's rule too).
pub const MAX_FILE_MB: u32 = 100;

/// The files policy's rules the relay would refuse, checked before saving.
fn check_files(settings: &TenantSettings) -> Result<(), FieldError> {
    let f = &settings.files;
    if !(1..=MAX_FILE_MB).contains(&f.max_mb) {
        return Err(FieldError { field: "files.max_mb".into(), message: format!("{} is not 1–100", f.max_mb) });
    }
    if f.allowed_types.is_empty() {
        return Err(FieldError { field: "files.allowed_types".into(), message: "no type is allowed".into() });
    }
    Ok(())
}

/// Allows or refuses a file type, keeping the list in the settings' order.
pub fn set_file_type(d: &mut TenantSettings, t: FileType, allowed: bool) {
    let types = &mut d.files.allowed_types;
    types.retain(|&x| x != t);
    if allowed {
        types.push(t);
        types.sort_by_key(|x| FileType::ALL.iter().position(|a| a == x));
    }
}

/// `"a, b\nc"` → `["a", "b", "c"]` (trimmed, empties dropped).
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// `[09:00–12:00, 13:00–18:00]` → `"09:00-12:00, 13:00-18:00"`.
pub fn intervals_text(list: &[Interval]) -> String {
    list.iter().map(|i| format!("{}-{}", i.start, i.end)).collect::<Vec<_>>().join(", ")
}

/// Parses `"09:00-12:00, 13:00-18:00"`. Only the shape is checked here (the
/// relay checks the times and names the interval); a blank text is a closed day.
pub fn parse_intervals(text: &str) -> Result<Vec<Interval>, String> {
    split_list(text)
        .into_iter()
        .map(|part| {
            let (start, end) =
                part.split_once(['-', '–']).ok_or_else(|| format!("{part:?}: write intervals as 09:00-17:00"))?;
            Ok(Interval { start: start.trim().to_owned(), end: end.trim().to_owned() })
        })
        .collect()
}

/// `""` → `None`, else the trimmed text (optional texts such as the greeting).
pub fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A number typed into a field; what cannot be one is kept as the old value by
/// the caller (the input shows the browser's own hint).
pub fn number(text: &str) -> Option<u32> {
    text.trim().parse().ok()
}

/// A field name with its variable parts generalised: indices become `[]`, agent
/// ids, weekdays and languages `*` (`hours.weekly.mon[1]` → `hours.weekly.*[]`).
fn field_shape(field: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in field.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if !in_index => out.push(c),
            _ => {}
        }
    }
    let parts: Vec<&str> = out.split('.').collect();
    let general = match parts.as_slice() {
        ["agents", _, rest @ ..] => ["agents", "*"].into_iter().chain(rest.iter().copied()).collect(),
        ["widget", "texts", _, rest @ ..] => ["widget", "texts", "*"].into_iter().chain(rest.iter().copied()).collect(),
        ["hours", "weekly", day] => vec!["hours", "weekly", if day.ends_with("[]") { "*[]" } else { "*" }],
        _ => parts,
    };
    general.join(".")
}

/// What the rule behind a field the relay (or this page) refused asks for.
pub fn rule_text(field: &str, s: &'static Strings) -> Option<&'static str> {
    Some(match field_shape(field).as_str() {
        "widget.primary_color" => s.fe_colour,
        "widget.secondary_color" => s.fe_contrast,
        "widget.offset_x" | "widget.offset_y" => s.fe_offset,
        "widget.header" | "widget.texts.*.header" => s.fe_header,
        "widget.greeting" | "widget.offline_message" | "widget.texts.*.greeting" => s.fe_long_text,
        "widget.locale" | "widget.texts.*" => s.fe_language,
        "widget.auto_open_delay_secs" => s.fe_auto_open,
        "widget.prechat.fields" => s.fe_prechat_count,
        "widget.prechat.fields[].key" => s.fe_prechat_key,
        "widget.prechat.fields[].label" => s.fe_prechat_label,
        "widget.prechat.fields[].options" | "widget.prechat.fields[].options[]" => s.fe_prechat_options,
        "hours.timezone" => s.fe_timezone,
        "hours.weekly.*" | "hours.weekly.*[]" => s.fe_interval,
        "hours.holidays" | "hours.holidays[]" => s.fe_holiday,
        "routing.default_max_chats" | "agents.*.max_chats" => s.fe_max_chats,
        "routing.abandon_after_secs" | "routing.away_after_secs" => s.fe_day_secs,
        "routing.inactive_close_after_secs" => s.fe_week_secs,
        "routing.offline_grace_secs" => s.fe_grace_secs,
        "agents.*.skills" => s.fe_skills,
        "files.max_mb" => s.files.fe_max_mb,
        "files.allowed_types" | "files.allowed_types[]" => s.files.fe_types,
        _ => return None,
    })
}

/// The text colour on the main colour as the admin chose it: black or white
/// when automatic, else their own even when unreadable (the relay would then
/// refuse it), so the preview and the contrast line show what was chosen.
pub fn chosen_text_color(w: &WidgetSettings) -> String {
    if w.auto_text_color {
        natter_protocol::colour::readable_text_on(&w.primary_color).to_owned()
    } else {
        w.secondary_color.clone()
    }
}

/// Which of a language's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSlot {
    Header,
    Greeting,
}

/// Writes a language's header or greeting as typed (blank: none, so the
/// fallback shows); a language left with no text is dropped from the document.
pub fn set_language_text(d: &mut TenantSettings, lang: &str, slot: TextSlot, value: &str) {
    let texts = &mut d.widget.texts;
    let t = texts.entry(lang.to_owned()).or_default();
    match slot {
        TextSlot::Header => t.header = optional(value),
        TextSlot::Greeting => t.greeting = optional(value),
    }
    if *t == WidgetTexts::default() {
        texts.remove(lang);
    }
}
