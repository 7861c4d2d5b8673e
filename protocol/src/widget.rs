//! The public widget configuration: what the loader and the widget may know about
//! a tenant before a visitor says anything. Only public fields live here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::TenantId;

/// `GET /v1/widget/{tenant}/config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicWidgetConfig {
    pub tenant: TenantId,
    /// The shop's display name.
    pub name: String,
    /// Bubble and header colour, `#rrggbb`.
    pub primary_color: String,
    /// Text colour on the primary colour, `#rrggbb`: the one to use, already
    /// resolved (automatic black or white, or the tenant's own if readable).
    pub secondary_color: String,
    pub position: WidgetPosition,
    /// Distance from the side edge, CSS pixels.
    pub offset_x: u16,
    /// Distance from the bottom edge, CSS pixels.
    pub offset_y: u16,
    /// Panel header; `None` means the client's default ("Chat with us").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// First line shown in an empty conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    /// Header and greeting per language (`en`, `th`); they win over `header`
    /// and `greeting` for a visitor in that language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, WidgetTexts>,
    /// BCP 47 language (`en`, `th`); `None` follows the visitor's browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Open the panel by itself after this many seconds; `None` never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_open_delay_secs: Option<u32>,
    pub show_agent_names: bool,
    pub typing_indicators: bool,
    pub read_receipts: bool,
    pub sound: bool,
    /// Whether the tenant is taking chats now (business hours); when false the
    /// widget shows the offline form.
    pub online: bool,
    #[serde(default = "yes")]
    pub show_agent_avatars: bool,
    /// The pre-chat form; disabled or empty means none.
    #[serde(default)]
    pub prechat: crate::PrechatForm,
    /// Shown above the offline form; `None` means the widget's default text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_message: Option<String>,
    /// Offer the offline form to a visitor waiting this long in the queue even
    /// while agents are online; `None`: only when none is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_after_secs: Option<u32>,
    /// Proactive greetings the loader evaluates (see [`crate::GreetingRule`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub greetings: Vec<crate::GreetingRule>,
    #[serde(default = "day")]
    pub greetings_every_hours: u32,
    /// Changes whenever the settings change (also sent as the `ETag`).
    #[serde(default)]
    pub version: String,
    /// Visitors may attach files (the tenant's `files.visitor_uploads`).
    #[serde(default = "yes")]
    pub visitor_uploads: bool,
    /// Largest file a visitor may attach, in MB of 1,000,000 bytes (the
    /// tenant's limit, capped by the relay's).
    #[serde(default = "ten")]
    pub max_upload_mb: u32,
}

fn yes() -> bool {
    true
}

fn ten() -> u32 {
    10
}

fn day() -> u32 {
    24
}

/// The texts of one language; `None` falls back to the shop's default text,
/// then to the widget's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct WidgetTexts {
    /// ≤ 60 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// ≤ 500 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
}

/// Which bottom corner the bubble sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WidgetPosition {
    BottomRight,
    BottomLeft,
}

impl PublicWidgetConfig {
    /// The configuration of a tenant that has not customised anything.
    pub fn defaults(tenant: TenantId, name: String) -> Self {
        Self {
            tenant,
            name,
            primary_color: "#4f46e5".into(),
            secondary_color: "#ffffff".into(),
            position: WidgetPosition::BottomRight,
            offset_x: 20,
            offset_y: 20,
            header: None,
            greeting: None,
            texts: BTreeMap::new(),
            locale: None,
            auto_open_delay_secs: None,
            show_agent_names: true,
            typing_indicators: true,
            read_receipts: true,
            sound: true,
            online: true,
            show_agent_avatars: true,
            prechat: crate::PrechatForm::default(),
            offline_message: None,
            offline_after_secs: None,
            greetings: Vec::new(),
            greetings_every_hours: 24,
            version: String::new(),
            visitor_uploads: true,
            max_upload_mb: 10,
        }
    }

    /// The header for a visitor speaking `lang` (`en`, `th`): that language's,
    /// else the shop's default; `None`: the widget's built-in text.
    pub fn header_for(&self, lang: &str) -> Option<&str> {
        self.texts.get(lang).and_then(|t| t.header.as_deref()).or(self.header.as_deref())
    }

    /// The greeting for a visitor speaking `lang`, with the same fallbacks.
    pub fn greeting_for(&self, lang: &str) -> Option<&str> {
        self.texts.get(lang).and_then(|t| t.greeting.as_deref()).or(self.greeting.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_fall_back_from_the_language_to_the_shop_default_to_none() {
        let mut c = PublicWidgetConfig::defaults(TenantId::parse("acme").unwrap(), "Acme".into());
        assert_eq!(c.header_for("th"), None);
        c.header = Some("Chat with Acme".into());
        c.greeting = Some("Hi!".into());
        c.texts.insert("th".into(), WidgetTexts { header: Some("แชทกับ Acme".into()), greeting: None });
        assert_eq!(c.header_for("th"), Some("แชทกับ Acme"));
        assert_eq!(c.greeting_for("th"), Some("Hi!"));
        assert_eq!(c.header_for("en"), Some("Chat with Acme"));
        // Old configs (no `texts`) still decode, and an empty map is not sent.
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""texts":{"th":{"header":"แชทกับ Acme"}}"#), "{json}");
        c.texts.clear();
        assert!(!serde_json::to_string(&c).unwrap().contains("texts"));
    }
}
