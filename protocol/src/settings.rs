//! Tenant settings that admins edit: the widget's look and pre-chat form,
//! business hours, routing. Read and written through `/v1/admin/settings`;
//! unknown fields are refused so a typo never passes silently.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::files::FileType;
use crate::widget::{WidgetPosition, WidgetTexts};

/// Everything `/v1/admin/settings` reads and writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TenantSettings {
    pub widget: WidgetSettings,
    pub hours: BusinessHours,
    pub routing: RoutingSettings,
    pub files: FileSettings,
    /// The post-chat survey.
    pub csat: crate::CsatSettings,
    /// KPI definitions' parameters, targets and who sees scorecards.
    pub metrics: crate::MetricsSettings,
}

/// Files in chat: who may upload, how large, which types, and whether a file
/// the malware scanner could not check is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileSettings {
    /// Visitors may upload files (agents always may).
    pub visitor_uploads: bool,
    /// Largest file, in MB (1 MB = 1,000,000 bytes), 1–100; the relay's own
    /// `max_upload_mb` caps it too.
    pub max_mb: u32,
    /// Types accepted, told by content (at least one).
    pub allowed_types: Vec<FileType>,
    /// When the malware scanner cannot be reached: `false` (the default)
    /// refuses uploads with `scanner_unavailable`; `true` accepts them marked
    /// `not_scanned`.
    pub accept_unscanned: bool,
}

impl Default for FileSettings {
    fn default() -> Self {
        Self { visitor_uploads: true, max_mb: 10, allowed_types: FileType::ALL.to_vec(), accept_unscanned: false }
    }
}

/// How the widget looks and behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WidgetSettings {
    /// `#rrggbb`.
    pub primary_color: String,
    /// `#rrggbb`, text on the primary colour (unused while `auto_text_color`).
    pub secondary_color: String,
    /// The text on the primary colour is black or white, whichever contrasts
    /// more. New tenants start with it; a document saved before it existed
    /// keeps its own `secondary_color` (hence `false` when absent).
    #[serde(default)]
    pub auto_text_color: bool,
    pub position: WidgetPosition,
    /// 0–200 CSS pixels.
    pub offset_x: u16,
    /// 0–200 CSS pixels.
    pub offset_y: u16,
    /// ≤ 60 characters; every language's, unless `texts` has one for it.
    pub header: Option<String>,
    /// ≤ 500 characters; every language's, unless `texts` has one for it.
    pub greeting: Option<String>,
    /// Header and greeting per language (`en`, `th`), over `header`/`greeting`.
    pub texts: BTreeMap<String, WidgetTexts>,
    /// `en` or `th`; `None` follows the visitor's browser.
    pub locale: Option<String>,
    /// 1–3600 seconds; `None` never opens by itself.
    pub auto_open_delay_secs: Option<u32>,
    pub show_agent_names: bool,
    pub show_agent_avatars: bool,
    pub typing_indicators: bool,
    pub read_receipts: bool,
    pub sound: bool,
    pub prechat: PrechatForm,
    /// Shown above the offline form; `None` means the default text.
    pub offline_message: Option<String>,
    /// 10–3600 seconds: a visitor waiting this long in the queue (agents
    /// online but nobody answering) is offered the offline form. `None`: only
    /// when no agent is online.
    pub offline_after_secs: Option<u32>,
    /// Proactive greetings, first match wins (at most [`crate::MAX_GREETING_RULES`]).
    pub greetings: Vec<crate::GreetingRule>,
    /// A visitor sees at most one greeting every this many hours (1–720).
    pub greetings_every_hours: u32,
}

impl Default for WidgetSettings {
    fn default() -> Self {
        Self {
            primary_color: "#4f46e5".into(),
            secondary_color: "#ffffff".into(),
            auto_text_color: true,
            position: WidgetPosition::BottomRight,
            offset_x: 20,
            offset_y: 20,
            header: None,
            greeting: None,
            texts: BTreeMap::new(),
            locale: None,
            auto_open_delay_secs: None,
            show_agent_names: true,
            show_agent_avatars: true,
            typing_indicators: true,
            read_receipts: true,
            sound: true,
            prechat: PrechatForm::default(),
            offline_message: None,
            offline_after_secs: None,
            greetings: Vec::new(),
            greetings_every_hours: 24,
        }
    }
}

impl WidgetSettings {
    /// The text colour visitors see on the primary colour (see
    /// [`crate::colour::effective_text_color`]).
    pub fn text_color(&self) -> String {
        crate::colour::effective_text_color(&self.primary_color, &self.secondary_color, self.auto_text_color)
    }

    /// The header for a visitor speaking `lang`: that language's, else the
    /// default text; `None`: the widget's built-in one.
    pub fn header_for(&self, lang: &str) -> Option<&str> {
        self.texts.get(lang).and_then(|t| t.header.as_deref()).or(self.header.as_deref())
    }

    /// The greeting for a visitor speaking `lang`, with the same fallbacks.
    pub fn greeting_for(&self, lang: &str) -> Option<&str> {
        self.texts.get(lang).and_then(|t| t.greeting.as_deref()).or(self.greeting.as_deref())
    }
}

/// The form shown before a conversation starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PrechatForm {
    pub enabled: bool,
    pub fields: Vec<PrechatField>,
}

/// One pre-chat field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrechatField {
    /// Unique within the form, `a-z 0-9 _`, ≤ 32 characters.
    pub key: String,
    /// Shown to the visitor, ≤ 80 characters.
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// Choices for `department` and `select` (1–20, each ≤ 60 characters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// What a pre-chat field asks for. `name`, `email`, `phone` and `department`
/// fill the conversation's visitor details; `department` also routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Name,
    Email,
    Phone,
    Department,
    Text,
    Select,
}

/// When the shop takes chats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BusinessHours {
    /// `false`: always open (the default).
    pub enabled: bool,
    /// IANA time zone, e.g. `Asia/Bangkok`.
    pub timezone: String,
    /// Opening intervals per weekday (`mon` … `sun`); a day without intervals is closed.
    pub weekly: BTreeMap<Weekday, Vec<Interval>>,
    /// Closed all day on these local dates (`YYYY-MM-DD`).
    pub holidays: Vec<String>,
    /// An admin's manual override of the schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<ForceState>,
}

impl Default for BusinessHours {
    fn default() -> Self {
        Self { enabled: false, timezone: "UTC".into(), weekly: BTreeMap::new(), holidays: Vec::new(), force: None }
    }
}

/// Days of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// `start` ≤ t < `end`, local `HH:MM`; `end` may be `24:00`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    pub start: String,
    pub end: String,
}

/// Manual override of business hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForceState {
    Open,
    Closed,
}

/// How conversations reach agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingSettings {
    /// Assign new conversations to the best available agent; `false` (the
    /// default): agents claim from the queue.
    pub auto_assign: bool,
    /// Concurrent chats per agent unless the agent has their own limit (1–50).
    pub default_max_chats: u32,
    /// A waiting visitor with no open socket for this long is marked abandoned (1–86400).
    pub abandon_after_secs: u32,
    /// An active conversation with no message for this long is closed (1–604800).
    pub inactive_close_after_secs: u32,
    /// An online agent without console activity for this long becomes away (1–86400).
    pub away_after_secs: u32,
    /// An agent whose last socket closed stays assigned this long (a page reload) (0–3600).
    pub offline_grace_secs: u32,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            auto_assign: false,
            default_max_chats: 5,
            abandon_after_secs: 300,
            inactive_close_after_secs: 3600,
            away_after_secs: 900,
            offline_grace_secs: 60,
        }
    }
}

/// An agent as admins manage them (`/v1/admin/agents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentAdminView {
    #[serde(flatten)]
    pub agent: crate::AgentInfo,
    pub skills: Vec<String>,
    /// `None`: the tenant's default.
    pub max_chats: Option<u32>,
    /// When an admin deactivated the account; `None` while it may sign in.
    #[serde(default)]
    pub deactivated_at: Option<crate::UnixMillis>,
    /// The account's most recent successful sign-in.
    #[serde(default)]
    pub last_sign_in_at: Option<crate::UnixMillis>,
}

/// `POST /v1/admin/agents`: a new agent account with an initial password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAgent {
    pub email: String,
    pub name: String,
    pub role: crate::Role,
    pub password: String,
}

/// `POST /v1/admin/invitations`: who to invite, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    pub email: String,
    pub name: String,
    pub role: crate::Role,
}

/// Answer to [`Invite`]: the link to give the invitee, shown once (only its
/// hash is stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// The console's address with the token in its fragment:
    /// `<console>/#invite=<token>`.
    pub url: String,
    pub token: String,
    pub expires_at: crate::UnixMillis,
}

/// `POST /v1/agent/invitations/accept`: the invitee chooses a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub token: String,
    pub password: String,
}

/// `PUT /v1/admin/agents/{id}/password`: the agent's new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// `PUT /v1/admin/agents/{id}/active`: deactivate (`false`) or reactivate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentActive {
    pub active: bool,
}

/// `PUT /v1/admin/agents/{id}`: what to change (absent fields stay).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AgentUpdate {
    /// Only an owner may grant or take away the owner role, and the last
    /// owner keeps it.
    #[serde(default)]
    pub role: Option<crate::Role>,
    #[serde(default)]
    pub skills: Option<Vec<String>>,
    /// `Some(None)` (JSON `null`) returns to the tenant default.
    #[serde(default, with = "double_option")]
    pub max_chats: Option<Option<u32>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<u32>>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u32>>, D::Error> {
        Option::<u32>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_refuse_unknown_fields_and_fill_defaults() {
        let s: TenantSettings = serde_json::from_str(r##"{"widget":{"primary_color":"#000000"}}"##).unwrap();
        assert_eq!(s.widget.primary_color, "#000000");
        assert_eq!(s.routing, RoutingSettings::default());
        assert_eq!(s.files, FileSettings::default());
        let f: TenantSettings =
            serde_json::from_str(r#"{"files":{"max_mb":5,"allowed_types":["png","pdf"]}}"#).unwrap();
        assert_eq!(f.files.allowed_types, [FileType::Png, FileType::Pdf]);
        assert!(f.files.visitor_uploads);
        assert!(serde_json::from_str::<TenantSettings>(r#"{"files":{"allowed_types":["exe"]}}"#).is_err());
        assert!(serde_json::from_str::<TenantSettings>(r##"{"widget":{"colour":"#000000"}}"##).is_err());
        let h: BusinessHours = serde_json::from_str(
            r#"{"enabled":true,"timezone":"Asia/Bangkok","weekly":{"mon":[{"start":"09:00","end":"17:00"}]}}"#,
        )
        .unwrap();
        assert_eq!(h.weekly[&Weekday::Mon][0].end, "17:00");
    }

    #[test]
    fn new_tenants_get_automatic_text_colour_but_saved_documents_keep_theirs() {
        assert!(TenantSettings::default().widget.auto_text_color);
        let old: TenantSettings =
            serde_json::from_str(r##"{"widget":{"primary_color":"#000000","secondary_color":"#fde047"}}"##).unwrap();
        assert!(!old.widget.auto_text_color);
        assert!(old.widget.texts.is_empty());
        assert_eq!(old.widget.text_color(), "#fde047");
        let texts: TenantSettings =
            serde_json::from_str(r#"{"widget":{"texts":{"th":{"header":"แชทกับเรา"}}}}"#).unwrap();
        assert_eq!(texts.widget.texts["th"].header.as_deref(), Some("แชทกับเรา"));
        assert!(serde_json::from_str::<TenantSettings>(r#"{"widget":{"texts":{"th":{"title":"x"}}}}"#).is_err());
    }

    #[test]
    fn agent_update_tells_null_from_absent() {
        let u: AgentUpdate = serde_json::from_str(r#"{"max_chats":null}"#).unwrap();
        assert_eq!(u.max_chats, Some(None));
        let u: AgentUpdate = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(u.max_chats, None);
    }
}
